/**
 * KPI outputs: `kpis.csv` (long form, one row per scenario, month and KPI) and `kpis.json` (the
 * same rows plus numerators, denominators, comparators and run metadata). Numbers are written
 * deterministically: integers as integers, other values rounded to at most 4 decimals, NaN empty
 * (null in JSON). Both files are written atomically.
 */
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readCsvRecords } from './csv.ts';
import { monthKey, parseMonth, tryParseMonth } from '../calendar/index.ts';
import { writeFileAtomic } from '../store/atomicFile.ts';
import { kpiDef } from './catalogue.ts';
import { comparatorsFor } from './comparators.ts';
import { orderedKpiIds } from './summary.ts';
import type { Comparator, KpiStats, KpiSummary } from './types.ts';

export const KPIS_CSV_HEADER = ['scenario', 'month', 'kpi', 'mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const;
const STAT_KEYS = ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const satisfies readonly (keyof KpiStats)[];

/** Integers as integers, other finite numbers rounded to at most 4 decimals, anything else empty. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? (x === 0 ? '0' : String(x)) : x.toFixed(0);
  let s = x.toFixed(4);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** The number a formatted cell stands for (null for NaN), for JSON. */
function roundedOrNull(x: number): number | null {
  const s = formatNumber(x);
  return s === '' ? null : Number(s);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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

function checkSummaries(summaries: readonly KpiSummary[]): void {
  const seen = new Set<string>();
  for (const s of summaries) {
    if (s.scenario === '') throw new RangeError('writeKpiOutputs: a summary has an empty scenario name');
    if (seen.has(s.scenario)) throw new RangeError(`writeKpiOutputs: scenario "${s.scenario}" appears twice`);
    seen.add(s.scenario);
    parseMonth(s.startMonth);
    for (const [id, series] of Object.entries(s.stats)) {
      if (series.length !== s.months) throw new RangeError(`writeKpiOutputs: scenario "${s.scenario}", KPI "${id}": ${series.length} months of statistics, expected ${s.months}`);
    }
  }
}

/** Writes `dir/kpis.csv` and `dir/kpis.json` atomically. */
export function writeKpiOutputs(dir: string, summaries: readonly KpiSummary[], opts: KpiOutputOptions = {}): KpiOutputFiles {
  checkSummaries(summaries);
  const lines: string[] = [KPIS_CSV_HEADER.join(',')];
  const jsonRows: Record<string, unknown>[] = [];
  const allIds = new Set<string>();
  for (const s of summaries) {
    const ids = orderedKpiIds(Object.keys(s.stats));
    ids.forEach((id) => allIds.add(id));
    const start = parseMonth(s.startMonth);
    const scenarioCell = csvField(s.scenario);
    for (let m = 0; m < s.months; m++) {
      const month = monthKey(start + m);
      for (const id of ids) {
        const st = s.stats[id][m];
        const cells = STAT_KEYS.map((k) => formatNumber(st[k]));
        lines.push(`${scenarioCell},${month},${csvField(id)},${cells.join(',')}`);
        const row: Record<string, unknown> = { scenario: s.scenario, month, kpi: id };
        STAT_KEYS.forEach((k) => (row[k] = roundedOrNull(st[k])));
        const num = s.numerators[id];
        const den = s.denominators[id];
        if (num && den) {
          row.numerator = roundedOrNull(num[m]);
          row.denominator = roundedOrNull(den[m]);
        }
        jsonRows.push(row);
      }
    }
  }
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
    const [scenario, month, kpi] = record;
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
