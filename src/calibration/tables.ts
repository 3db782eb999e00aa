/** CSV text of the calibration tables (numbers as in kpis.csv: at most 4 decimals, NaN empty). */
import { formatNumber } from '../projections/kpisCsv.ts';
import type { DurationTable, Estimate, EntryRow, TransitionRow } from './estimate.ts';
import type { FitParameterRow, FitSeries } from './fit.ts';

function field(s: string | number): string {
  const t = typeof s === 'number' ? formatNumber(s) : s;
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header.join(','), ...rows.map((r) => r.map(field).join(','))].join('\n') + '\n';
}

export const FIT_TABLE_HEADER = ['kpi', 'basis', 'months', 'observed', 'base', 'fitted', 'error', 'error_pct', 'mape', 'target', 'informs', 'note'] as const;

/** The fit table: each observed series, its fitted value, the error and the parameters it informed. */
export function fitTableCsv(series: readonly FitSeries[]): string {
  return csv(
    FIT_TABLE_HEADER,
    series.map((s) => [s.kpi, s.basis, s.n, s.observed, s.base, s.fitted, s.error, s.errorPct, s.mape, s.target, s.informs.join(' '), s.note]),
  );
}

export const FIT_PARAMETERS_HEADER = ['target', 'path', 'base', 'start', 'fitted', 'se', 'informed_by', 'note'] as const;

export function fitParametersCsv(rows: readonly FitParameterRow[]): string {
  return csv(
    FIT_PARAMETERS_HEADER,
    rows.map((r) => [r.target, r.path, r.base, r.start, r.fitted, r.se, r.informedBy, r.note]),
  );
}

export const ESTIMATES_HEADER = ['path', 'estimate', 'se', 'n', 'base', 'applied', 'note'] as const;

export function estimatesCsv(rows: readonly Estimate[]): string {
  return csv(
    ESTIMATES_HEADER,
    rows.map((e) => [e.path, e.value, e.se, e.n, e.base, e.applied ? 'true' : 'false', e.note ?? '']),
  );
}

export const TRANSITIONS_HEADER = ['age_band', 'from', 'to', 'transitions', 'stock_months', 'monthly_rate'] as const;

/**
 * The demand-model table: for each age band and placement group at the end of the previous
 * month, where children were at the end of the month. Entries appear with `from` = `entry`,
 * `stock_months` = months in the window and `monthly_rate` = entries a month.
 */
export function transitionsCsv(rows: readonly TransitionRow[], entries: readonly EntryRow[], months: number): string {
  return csv(TRANSITIONS_HEADER, [
    ...entries.map((e) => [e.ageBand, 'entry', e.group, e.entries, months, e.perMonth]),
    ...rows.map((r) => [r.ageBand, r.from, r.to, r.transitions, r.stockMonths, r.monthlyRate]),
  ]);
}

export const DURATIONS_HEADER = ['spell', 'unit', 'time', 'at_risk', 'events', 'censored', 'survival', 'se'] as const;

/** Kaplan–Meier tables of every duration, one row per distinct time. */
export function durationsCsv(tables: readonly DurationTable[]): string {
  const rows: (string | number)[][] = [];
  for (const t of tables) for (const s of t.steps) rows.push([t.spell, t.unit, s.time, s.atRisk, s.events, s.censored, s.survival, s.se]);
  return csv(DURATIONS_HEADER, rows);
}
