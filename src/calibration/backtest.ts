/**
 * Back-testing: run a scenario from its start month (or, with `rewind`, from N months before the
 * last observation, with the opening position taken from the observations) and compare every
 * observed value after the start with the ensemble's distribution of its simulated equivalent.
 */
import { monthKey } from '../calendar/index.ts';
import { quantileSorted } from '../projections/summary.ts';
import { formatNumber } from '../projections/kpisCsv.ts';
import type { KpiRun } from '../projections/types.ts';
import type { Scenario } from '../scenarios/index.ts';
import { comparableValue, covers, kpiLabeller } from './compare.ts';
import type { Observation, SkippedRow } from './observed.ts';
import { rebaseScenario, type RebaseResult } from './rebase.ts';

export const BACKTEST_HEADER = 'kpi,month,actual,p50,p5,p95,abs_pct_error,in_band';
export const BACKTEST_SUMMARY_HEADER = 'kpi,basis,n,mape,in_band_pct,mean_error';

export interface BacktestRow {
  /** KPI id, with the basis in brackets when one KPI is compared on two bases. */
  readonly kpi: string;
  readonly basis: string;
  /** `YYYY-MM`, or the financial year `FYyyyy-yy`. */
  readonly month: string;
  readonly actual: number;
  readonly p50: number;
  readonly p5: number;
  readonly p95: number;
  /** |p50 − actual| / |actual| × 100 (NaN when actual is 0). */
  readonly absPctError: number;
  readonly inBand: boolean;
}

export interface BacktestSummary {
  readonly kpi: string;
  readonly basis: string;
  readonly n: number;
  /** Mean absolute percentage error of the median. */
  readonly mape: number;
  /** Share of actuals inside the p5–p95 band, %. */
  readonly inBandPct: number;
  /** Mean of p50 − actual. */
  readonly meanError: number;
}

/** Where a back-test starts: the scenario's own start, or `rewind` months before the last observation. */
export function backtestStart(scenario: Scenario, obs: readonly Observation[], rewind?: number): { start: number; last: number } {
  const months = obs.filter((o) => !o.period.startsWith('FY')).map((o) => o.month);
  const last = months.length > 0 ? Math.max(...months) : NaN;
  if (rewind === undefined) {
    const [y, m] = scenario.start.split('-').map(Number);
    return { start: y * 12 + m - 1, last };
  }
  return { start: last - rewind + 1, last };
}

/** Moves the scenario to start `rewind` months before the last observation (see `rebaseScenario`). */
export function rewindScenario(scenario: Scenario, obs: readonly Observation[], rewind: number, file?: string): RebaseResult & { start: number; last: number } {
  const { start, last } = backtestStart(scenario, obs, rewind);
  if (!Number.isFinite(last)) throw new RangeError('no monthly observations to rewind from');
  return { ...rebaseScenario(scenario, start, obs, { lookBack: 2, lookAhead: 0, file }), start, last };
}

/** Observations the run can be compared with; the rest (before the start, beyond the horizon, needing earlier months) as skipped. */
export function comparableObservations(obs: readonly Observation[], startMonth: string, months: number): { compared: Observation[]; skipped: SkippedRow[] } {
  const probe = { startMonth, months };
  const start = obs.length > 0 ? Number(startMonth.slice(0, 4)) * 12 + Number(startMonth.slice(5, 7)) - 1 : 0;
  const compared: Observation[] = [];
  const skipped: SkippedRow[] = [];
  for (const o of obs) {
    if (covers(probe, o.spec)) {
      compared.push(o);
      continue;
    }
    const reason =
      o.month < start ? `before the projection start ${startMonth}` : o.month >= start + months ? `after the projection's last month ${monthKey(start + months - 1)}` : `needs simulated months from ${monthKey(o.spec.first)}; the projection starts ${startMonth}`;
    skipped.push({ line: o.line, kpi: o.kpi, period: o.period, basis: o.basis, kind: o.kind, reason });
  }
  return { compared, skipped };
}

/** Compares observations with an ensemble's simulated equivalents. */
export function compareWithEnsemble(obs: readonly Observation[], runs: readonly KpiRun[]): { rows: BacktestRow[]; summary: BacktestSummary[] } {
  const label = kpiLabeller(obs);
  const rows: BacktestRow[] = [];
  const sorted = [...obs].sort((a, b) => (a.kpi < b.kpi ? -1 : a.kpi > b.kpi ? 1 : 0) || (a.basis < b.basis ? -1 : a.basis > b.basis ? 1 : 0) || a.month - b.month || (a.period < b.period ? -1 : 1));
  for (const o of sorted) {
    const xs = runs
      .map((r) => comparableValue(r, o.spec))
      .filter((v) => Number.isFinite(v))
      .sort((a, b) => a - b);
    const q = (p: number) => quantileSorted(xs, xs.length, p);
    const p50 = q(0.5);
    const p5 = q(0.05);
    const p95 = q(0.95);
    rows.push({
      kpi: label(o),
      basis: o.basis,
      month: o.period,
      actual: o.value,
      p50,
      p5,
      p95,
      absPctError: o.value !== 0 && Number.isFinite(p50) ? (100 * Math.abs(p50 - o.value)) / Math.abs(o.value) : NaN,
      inBand: xs.length > 0 && o.value >= p5 && o.value <= p95,
    });
  }
  const summary: BacktestSummary[] = [];
  const byKey = new Map<string, BacktestRow[]>();
  for (const r of rows) {
    const key = `${r.kpi}\u0000${r.basis}`;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(r);
  }
  for (const rs of byKey.values()) {
    const finite = rs.filter((r) => Number.isFinite(r.absPctError));
    const withP50 = rs.filter((r) => Number.isFinite(r.p50));
    summary.push({
      kpi: rs[0].kpi,
      basis: rs[0].basis,
      n: rs.length,
      mape: finite.length > 0 ? finite.reduce((s, r) => s + r.absPctError, 0) / finite.length : NaN,
      inBandPct: (100 * rs.filter((r) => r.inBand).length) / rs.length,
      meanError: withP50.length > 0 ? withP50.reduce((s, r) => s + (r.p50 - r.actual), 0) / withP50.length : NaN,
    });
  }
  return { rows, summary };
}

export function backtestCsv(rows: readonly BacktestRow[]): string {
  const lines = [BACKTEST_HEADER];
  for (const r of rows) lines.push([r.kpi, r.month, formatNumber(r.actual), formatNumber(r.p50), formatNumber(r.p5), formatNumber(r.p95), formatNumber(r.absPctError), r.inBand ? 'true' : 'false'].join(','));
  return lines.join('\n') + '\n';
}

export function backtestSummaryCsv(summary: readonly BacktestSummary[]): string {
  const lines = [BACKTEST_SUMMARY_HEADER];
  for (const s of summary) lines.push([s.kpi, s.basis, s.n, formatNumber(s.mape), formatNumber(s.inBandPct), formatNumber(s.meanError)].join(','));
  return lines.join('\n') + '\n';
}
