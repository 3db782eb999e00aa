/**
 * The text of `kpis.csv` (long form, one row per scenario, month and KPI): integers as integers,
 * other values rounded to at most 4 decimals, NaN empty. No file access, so the browser workbench
 * writes byte for byte the file `caseflow simulate` writes.
 */
import { textCell } from './csvCell.ts';
import { monthKey, parseMonth } from '../calendar/index.ts';
import { orderedKpiIds } from './summary.ts';
import type { KpiStats, KpiSummary } from './types.ts';

export const KPIS_CSV_HEADER = ['scenario', 'month', 'kpi', 'mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const;
export const STAT_KEYS = ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const satisfies readonly (keyof KpiStats)[];

/** Integers as integers, other finite numbers rounded to at most 4 decimals, anything else empty. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? (x === 0 ? '0' : String(x)) : x.toFixed(0);
  let s = x.toFixed(4);
  s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

/** A text cell of kpis.csv: quoted as needed and neutralised against spreadsheet formulas. */
export const csvField = textCell;

/** Summaries must have distinct, non-empty names and a full series for every KPI. */
export function checkSummaries(summaries: readonly KpiSummary[]): void {
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

/** Calls `row` for every (scenario, month, KPI) in kpis.csv order, with the CSV line. */
export function forEachKpiRow(summaries: readonly KpiSummary[], row: (s: KpiSummary, m: number, month: string, id: string, line: string) => void): void {
  checkSummaries(summaries);
  for (const s of summaries) {
    const ids = orderedKpiIds(Object.keys(s.stats));
    const start = parseMonth(s.startMonth);
    const scenarioCell = csvField(s.scenario);
    for (let m = 0; m < s.months; m++) {
      const month = monthKey(start + m);
      for (const id of ids) {
        const st = s.stats[id][m];
        row(s, m, month, id, `${scenarioCell},${month},${csvField(id)},${STAT_KEYS.map((k) => formatNumber(st[k])).join(',')}`);
      }
    }
  }
}

/** The whole kpis.csv text (header, rows, final newline). */
export function kpisCsvText(summaries: readonly KpiSummary[]): string {
  const lines: string[] = [KPIS_CSV_HEADER.join(',')];
  forEachKpiRow(summaries, (_s, _m, _month, _id, line) => lines.push(line));
  return lines.join('\n') + '\n';
}
