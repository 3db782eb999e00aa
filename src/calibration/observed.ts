/**
 * Observed KPI series for calibration and back-testing, read from the long-format CSV of
 * shared/data (`la|area,kpi,period,value,basis,kind,source,note`).
 *
 * Every row is either usable (an `actual` value of an engine KPI on a basis the engine's monthly
 * KPIs can be converted to) or skipped with a reason: comparators and targets are not fitted,
 * `unknown` bases and KPIs the engine does not have cannot be compared. Where one period has two
 * rows for the same KPI and basis (two reports printed it), the row from the preferred source
 * is kept and the other reported as a duplicate: sources are ranked by the prefix of their
 * `source` field (the shared data's seed files: later reports first, 001 > 002 > 000), and
 * within a rank the row further down the file wins.
 *
 * Some councils' series carry a KPI id whose local definition is another engine KPI's: those
 * rows are read as that KPI (`LOCAL_DEFINITIONS` in projections/comparators.ts), or skipped
 * where no engine KPI matches.
 */
import { InputError } from '../errors.ts';
import { loadComparators } from '../node/comparators.ts';
import { matchLocalDefinition } from '../projections/comparators.ts';
import { readCsvRecords } from '../node/csv.ts';
import { comparableSpec, type ComparableSpec } from './compare.ts';

/** The shared data's report order, latest first (data/README.md). */
export const DEFAULT_SOURCE_PREFERENCE: readonly string[] = ['001', '002', '000'];

export interface ObservedRow {
  /** 1-based line of the row in the file. */
  readonly line: number;
  /** The engine KPI the row is compared with (the file's id, or the one its local definition matches). */
  readonly kpi: string;
  /** The file's KPI id, where the row's local definition made it another engine KPI. */
  readonly filedAs?: string;
  /** `YYYY-MM` or `FYyyyy-yy`. */
  readonly period: string;
  readonly value: number;
  readonly basis: string;
  readonly kind: string;
  readonly source: string;
  readonly note: string;
}

/** A usable row: the month its value describes and how to compute the simulated equivalent. */
export interface Observation extends ObservedRow {
  /** Month index the value describes (March for a financial year). */
  readonly month: number;
  readonly spec: ComparableSpec;
}

export interface SkippedRow {
  readonly line: number;
  readonly kpi: string;
  readonly period: string;
  readonly basis: string;
  readonly kind: string;
  readonly reason: string;
}

export interface DuplicateRow {
  readonly kept: ObservedRow;
  readonly dropped: ObservedRow;
}

export interface ObservedSet {
  readonly file: string;
  /** Data rows in the file. */
  readonly rows: number;
  /**
   * Children aged 0–17 by period (`population_0_17` rows): the population the counts describe,
   * used to scale counts and stocks to a scenario's population (see `scaleToPopulation`).
   */
  readonly populations: ReadonlyMap<string, number>;
  readonly observations: readonly Observation[];
  readonly skipped: readonly SkippedRow[];
  readonly duplicates: readonly DuplicateRow[];
}

/** The row as the engine KPI its local definition matches, or the reason no engine KPI does. */
export function engineRow(row: ObservedRow): ObservedRow | { reason: string } {
  const m = matchLocalDefinition(row.kpi, row.note);
  if (!m) return row;
  return 'reason' in m ? m : { ...row, kpi: m.kpi, filedAs: row.kpi };
}

function rank(source: string, prefer: readonly string[]): number {
  for (let i = 0; i < prefer.length; i++) if (source.startsWith(prefer[i])) return prefer.length - i;
  return 0;
}

/**
 * Reads an observed-data file. Malformed files and rows are `InputError`s naming the file, the
 * line and the field; rows that are well formed but cannot be fitted are returned as skipped.
 */
export function readObserved(path: string, opts: { prefer?: readonly string[] } = {}): ObservedSet {
  // validates every row (InputError with file, line and field)
  loadComparators(path, 'observed-data file');
  const records = readCsvRecords(path, 'observed-data file');
  const header = records[0].fields.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const prefer = opts.prefer ?? DEFAULT_SOURCE_PREFERENCE;
  const rows: ObservedRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const { fields, line } = records[r];
    const get = (name: string) => (col(name) >= 0 ? fields[col(name)].trim() : '');
    const value = Number(get('value'));
    if (value < 0) throw new InputError(`${path}: line ${line}: field "value": ${get('value')} is negative (observed counts, rates and percentages are 0 or more)`);
    rows.push({ line, kpi: get('kpi'), period: get('period'), value, basis: get('basis'), kind: get('kind'), source: get('source'), note: get('note') });
  }
  const skipped: SkippedRow[] = [];
  const skip = (row: ObservedRow, reason: string) => skipped.push({ line: row.line, kpi: row.kpi, period: row.period, basis: row.basis, kind: row.kind, reason });
  const best = new Map<string, { row: ObservedRow; spec: ComparableSpec; month: number }>();
  const duplicates: DuplicateRow[] = [];
  const populations = new Map<string, number>();
  for (const filed of rows) {
    const mapped = engineRow(filed);
    if ('reason' in mapped) {
      skip(filed, mapped.reason);
      continue;
    }
    const row = mapped;
    if (row.kpi === 'population_0_17' && row.kind === 'actual') {
      populations.set(row.period, row.value);
      skip(row, 'population: scales counts to the scenario’s population');
      continue;
    }
    if (row.kind !== 'actual') {
      skip(row, row.kind === 'target' ? 'target: not fitted' : `comparator (${row.kind}): not fitted`);
      continue;
    }
    if (row.basis === 'unknown') {
      skip(row, 'basis unknown');
      continue;
    }
    const spec = comparableSpec(row.kpi, row.basis, row.period);
    if ('reason' in spec) {
      skip(row, spec.reason);
      continue;
    }
    const key = `${row.kpi}\u0000${row.basis}\u0000${row.period}`;
    const prev = best.get(key);
    if (!prev) {
      best.set(key, { row, spec: spec.spec, month: spec.month });
      continue;
    }
    const newer = rank(row.source, prefer) >= rank(prev.row.source, prefer);
    if (newer) {
      duplicates.push({ kept: row, dropped: prev.row });
      best.set(key, { row, spec: spec.spec, month: spec.month });
    } else duplicates.push({ kept: prev.row, dropped: row });
  }
  // a dropped row may itself have replaced another: report each dropped row once
  const observations = [...best.values()]
    .map(({ row, spec, month }) => ({ ...row, spec, month }))
    .sort((a, b) => (a.kpi < b.kpi ? -1 : a.kpi > b.kpi ? 1 : 0) || a.month - b.month || (a.basis < b.basis ? -1 : a.basis > b.basis ? 1 : 0));
  return { file: path, rows: rows.length, populations, observations, skipped, duplicates };
}

/** Bases whose values are counts of children or events (scaled with the population). */
const COUNT_BASES = new Set(['month_count', 'month_end_stock', 'annual_count', 'year_end_stock']);

/** The observed population for an observation: its own period, the financial year holding its month, or the nearest period. */
function populationFor(o: Observation, populations: ReadonlyMap<string, number>): number | undefined {
  const own = populations.get(o.period);
  if (own !== undefined) return own;
  const y = Math.floor(o.month / 12) + (o.month % 12 >= 3 ? 1 : 0); // year the financial year ends
  const fy = populations.get(`FY${y - 1}-${String(y % 100).padStart(2, '0')}`);
  if (fy !== undefined) return fy;
  let best: number | undefined;
  let dist = Infinity;
  for (const [period, v] of populations) {
    const m = period.startsWith('FY') ? (+period.slice(2, 6) + 1) * 12 + 2 : +period.slice(0, 4) * 12 + +period.slice(5, 7) - 1;
    if (Math.abs(m - o.month) < dist) {
      dist = Math.abs(m - o.month);
      best = v;
    }
  }
  return best;
}

/**
 * Counts and stocks rescaled from the population the file describes (its `population_0_17`
 * rows) to `population`, so that national figures can calibrate a scenario of any size. Rates
 * and percentages are unchanged. Without population rows the observations are returned as they are.
 */
export function scaleToPopulation(obs: readonly Observation[], populations: ReadonlyMap<string, number>, population: number): { observations: Observation[]; scaled: number } {
  if (populations.size === 0) return { observations: [...obs], scaled: 0 };
  let scaled = 0;
  const observations = obs.map((o) => {
    if (!COUNT_BASES.has(o.basis)) return o;
    const p = populationFor(o, populations);
    if (!(p !== undefined && p > 0)) return o;
    scaled++;
    return { ...o, value: (o.value * population) / p };
  });
  return { observations, scaled };
}

/** Observations whose month lies in [from, to] (month indexes, inclusive); the rest are returned as skipped. */
export function withinMonths(obs: readonly Observation[], from: number, to: number, reason: (o: Observation) => string): { inside: Observation[]; outside: SkippedRow[] } {
  const inside: Observation[] = [];
  const outside: SkippedRow[] = [];
  for (const o of obs) {
    if (o.month >= from && o.month <= to) inside.push(o);
    else outside.push({ line: o.line, kpi: o.kpi, period: o.period, basis: o.basis, kind: o.kind, reason: reason(o) });
  }
  return { inside, outside };
}

/** Counts of skipped rows by reason, most frequent first. */
export function skippedByReason(skipped: readonly SkippedRow[]): { reason: string; rows: number }[] {
  const m = new Map<string, number>();
  for (const s of skipped) m.set(s.reason, (m.get(s.reason) ?? 0) + 1);
  return [...m].map(([reason, rows]) => ({ reason, rows })).sort((a, b) => b.rows - a.rows || (a.reason < b.reason ? -1 : 1));
}

/** The observation of a stock KPI at a month (month-end stock basis), if any. */
export function stockAt(obs: readonly Observation[], kpi: string, month: number): Observation | undefined {
  return obs.find((o) => o.kpi === kpi && o.month === month && o.basis === 'month_end_stock' && !o.period.startsWith('FY'));
}

export function assertSomeObservations(set: ObservedSet): void {
  if (set.observations.length === 0) {
    throw new InputError(`${set.file}: no usable observations (${set.rows} rows; ${set.skipped.length} skipped: ${skippedByReason(set.skipped).map((s) => `${s.rows} ${s.reason}`).join('; ')})`);
  }
}

/**
 * The default fitting window: from the first to the last month of the latest unbroken run of
 * months with monthly observations (a month with none breaks the run), ending at `to` when given.
 * With financial-year observations only, from the April of the first year to the March of the last.
 */
export function defaultWindow(obs: readonly Observation[], to?: number): { from: number; to: number } | undefined {
  const months = new Set(obs.filter((o) => !o.period.startsWith('FY')).map((o) => o.month));
  if (months.size === 0) {
    // financial years only (national figures): from the April of the first to the March of the last
    const marches = obs.filter((o) => o.period.startsWith('FY') && (to === undefined || o.month <= to)).map((o) => o.month);
    if (marches.length === 0) return undefined;
    return { from: Math.min(...marches) - 11, to: Math.max(...marches) };
  }
  const last = to ?? Math.max(...months);
  let from = last;
  while (months.has(from - 1)) from--;
  if (!months.has(last)) {
    // `to` itself has no observation: walk back to the latest month that has one
    let m = last;
    while (m > Math.min(...months) && !months.has(m)) m--;
    from = m;
    while (months.has(from - 1)) from--;
  }
  return { from, to: last };
}
