/**
 * KPI outputs: `kpis.csv` (long form, one row per scenario, month and KPI) and `kpis.json` (the
 * same rows plus numerators, denominators, comparators and run metadata). Numbers are written
 * deterministically: integers as integers, other values rounded to at most 4 decimals, NaN empty
 * (null in JSON). Both files are written atomically.
 */
import { fromTextCell } from '../projections/csvCell.ts';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readCsvRecords } from './csv.ts';
import { tryParseMonth } from '../calendar/index.ts';
import { writeFileAtomic } from './atomicFile.ts';
import { kpiDef } from '../projections/catalogue.ts';
import { comparatorsFor } from '../projections/comparators.ts';
import { orderedKpiIds } from '../projections/summary.ts';
import type { Comparator, KpiSummary } from '../projections/types.ts';
import { KPIS_CSV_HEADER, STAT_KEYS, forEachKpiRow, formatNumber } from '../projections/kpisCsv.ts';

/** The number a formatted cell stands for (null for NaN), for JSON. */
function roundedOrNull(x: number): number | null {
  const s = formatNumber(x);
  return s === '' ? null : Number(s);
}

export interface KpiOutputOptions {
  readonly comparators?: readonly Comparator[];
  readonly meta?: Record<string, unknown>;
}

export interface KpiOutputFiles {
  readonly csvPath: string;
  readonly jsonPath: string;
  /** Data rows in kpis.csv (header excluded). */
  readonly rows: number;
}

/** Writes `dir/kpis.csv` and `dir/kpis.json` atomically. */
export function writeKpiOutputs(dir: string, summaries: readonly KpiSummary[], opts: KpiOutputOptions = {}): KpiOutputFiles {
  const lines: string[] = [KPIS_CSV_HEADER.join(',')];
  const jsonRows: Record<string, unknown>[] = [];
  const allIds = new Set<string>();
  for (const s of summaries) for (const id of Object.keys(s.stats)) allIds.add(id);
  forEachKpiRow(summaries, (s, m, month, id, line) => {
    lines.push(line);
    const st = s.stats[id][m];
    const row: Record<string, unknown> = { scenario: s.scenario, month, kpi: id };
    STAT_KEYS.forEach((k) => (row[k] = roundedOrNull(st[k])));
    const num = s.numerators[id];
    const den = s.denominators[id];
    if (num && den) {
      row.numerator = roundedOrNull(num[m]);
      row.denominator = roundedOrNull(den[m]);
    }
    jsonRows.push(row);
  });
  const ids = orderedKpiIds(allIds);
  const comparators: Record<string, Comparator[]> = {};
  if (opts.comparators) {
    for (const id of ids) {
      const list = comparatorsFor(id, opts.comparators);
      if (list.length > 0) comparators[id] = list;
    }
  }
  const json = {
    format: 'caseflow-kpis',
    formatVersion: 1,
    meta: opts.meta ?? {},
    columns: [...KPIS_CSV_HEADER, 'numerator', 'denominator'],
    kpis: ids.map((id) => {
      const d = kpiDef(id);
      return d ? { id, label: d.label, unit: d.unit, basis: d.basis, definition: d.definition } : { id };
    }),
    scenarios: summaries.map((s) => ({ scenario: s.scenario, startMonth: s.startMonth, months: s.months, runs: s.runs })),
    rows: jsonRows,
    comparators,
  };
  const csvPath = join(dir, 'kpis.csv');
  const jsonPath = join(dir, 'kpis.json');
  writeFileAtomic(csvPath, lines.join('\n') + '\n');
  writeFileAtomic(jsonPath, JSON.stringify(json, null, 2) + '\n');
  return { csvPath, jsonPath, rows: lines.length - 1 };
}

/** One row of kpis.csv; empty statistics read back as NaN. */
export interface KpiCsvRow {
  readonly scenario: string;
  readonly month: string;
  readonly kpi: string;
  readonly mean: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Parses a kpis.csv back; a bad header or row is an `InputError` naming the file, line and field. */
export function readKpisCsv(path: string): KpiCsvRow[] {
  const records = readCsvRecords(path, 'KPI file');
  if (records.length === 0) throw new InputError(`${path}: empty file (expected the header ${KPIS_CSV_HEADER.join(',')})`);
  const header = records[0].fields.join(',');
  if (header !== KPIS_CSV_HEADER.join(',')) throw new InputError(`${path}: line ${records[0].line}: header must be "${KPIS_CSV_HEADER.join(',')}" (got "${header}")`);
  const out: KpiCsvRow[] = [];
  const seen = new Set<string>();
  for (let r = 1; r < records.length; r++) {
    const { fields: record, line } = records[r];
    const where = `${path}: line ${line}`;
    if (record.length !== KPIS_CSV_HEADER.length) throw new InputError(`${where}: expected ${KPIS_CSV_HEADER.length} fields, found ${record.length}`);
    const [scenario, month, kpi] = [fromTextCell(record[0]), record[1], fromTextCell(record[2])];
    if (scenario === '') throw new InputError(`${where}: field "scenario": empty`);
    if (tryParseMonth(month) === undefined) throw new InputError(`${where}: field "month": expected YYYY-MM, got "${month}"`);
    if (kpi === '') throw new InputError(`${where}: field "kpi": empty`);
    const key = `${scenario}\u0000${month}\u0000${kpi}`;
    if (seen.has(key)) throw new InputError(`${where}: duplicate row for scenario "${scenario}", month ${month}, KPI "${kpi}"`);
    seen.add(key);
    const stats: number[] = [];
    for (let i = 0; i < STAT_KEYS.length; i++) {
      const cell = record[3 + i];
      if (cell === '') stats.push(NaN);
      else if (NUMBER.test(cell)) stats.push(Number(cell));
      else throw new InputError(`${where}: field "${STAT_KEYS[i]}": not a number: "${cell}"`);
    }
    out.push({ scenario, month, kpi, mean: stats[0], p5: stats[1], p25: stats[2], p50: stats[3], p75: stats[4], p95: stats[5] });
  }
  return out;
}
