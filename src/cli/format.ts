/**
 * Numbers as the commands print them in the terminal (tables and summaries). Files use
 * `formatNumber` of projections/kpisCsv.ts (kpis.csv and the other CSVs), the HTML report
 * report/format.ts. Anything not finite prints as `–`.
 */
import { formatNumber } from '../projections/kpisCsv.ts';

const DASH = '–';

/** A count with thousands separators: 12,345. */
export function count(n: number): string {
  return n.toLocaleString('en-GB');
}

/** As in the CSV files: integers as integers, other numbers to at most 4 decimals. */
export function plain(x: number): string {
  return Number.isFinite(x) ? formatNumber(x) : DASH;
}

/** To at most one decimal, without separators. */
export function tenths(x: number): string {
  return Number.isFinite(x) ? formatNumber(Math.round(x * 10) / 10) : DASH;
}

/** To at most `digits` decimals; from 1,000 up whole, with separators. */
export function rounded(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return DASH;
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-GB') : formatNumber(Math.round(x * 10 ** digits) / 10 ** digits);
}

/** A headline KPI value: pounds whole (-£1,234), from 100 up whole with separators, below that to one decimal. */
export function headline(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return DASH;
  if (unit === 'gbp') return `${v < 0 ? '-' : ''}£${Math.abs(Math.round(v)).toLocaleString('en-GB')}`;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-GB') : formatNumber(Math.round(v * 10) / 10);
}

/** With exactly `digits` decimals: 0.25, 1.00. */
export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : DASH;
}

/** A whole percentage with its sign: +5%, -3%, 0%. */
export function signedPct(v: number): string {
  if (!Number.isFinite(v)) return DASH;
  const r = Math.round(v);
  return `${r > 0 ? '+' : ''}${r}%`;
}
