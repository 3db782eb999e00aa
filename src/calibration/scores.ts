/**
 * Scoring rolling-origin forecasts: for each source (a council, a series), KPI and horizon, the
 * mean absolute percentage error of the median, of the naive forecast (the last value carried
 * forward) and of the Markov benchmark; MASE against each benchmark (Hyndman's scaled error, the
 * scale being the benchmark's own mean absolute error over the same origins, so below 1 means
 * closer than the benchmark); and the share of actuals inside the p5–p95 and p25–p75 bands.
 */
import { monthKey } from '../calendar/index.ts';
import { formatNumber } from '../projections/kpisCsv.ts';
import type { Scenario } from '../scenarios/index.ts';

export const DEFAULT_HORIZONS = [3, 6, 12, 24] as const;

/** One forecast: a source, an origin (the last month known), a horizon in months and a KPI. */
export interface OriginForecast {
  readonly source: string;
  /** `YYYY-MM`: the last month of history used. */
  readonly origin: string;
  readonly horizon: number;
  readonly kpi: string;
  readonly actual: number;
  readonly p5: number;
  readonly p25: number;
  readonly p50: number;
  readonly p75: number;
  readonly p95: number;
  /** Last value carried forward (NaN when there is none). */
  readonly naive: number;
  /** Expected-value Markov projection (NaN where the benchmark does not model the KPI). */
  readonly markov: number;
  /** The ensemble's own band when p5–p95 and p25–p75 above are calibrated (see `bands.ts`). */
  readonly model?: { readonly p5: number; readonly p25: number; readonly p75: number; readonly p95: number };
  /** The p5–p95 factor of a calibrated forecast (NaN: too few earlier forecasts to calibrate on). */
  readonly factor90?: number;
}

export interface ForecastScore {
  readonly source: string;
  readonly kpi: string;
  readonly horizon: number;
  /** Origins scored. */
  readonly n: number;
  readonly mape: number;
  readonly mapeNaive: number;
  readonly mapeMarkov: number;
  /** Mean |error of p50| ÷ mean |error of the naive forecast| over the same origins. */
  readonly maseNaive: number;
  readonly maseMarkov: number;
  /** Share of actuals inside p5–p95 and p25–p75, %. */
  readonly in90: number;
  readonly in50: number;
  /** Share of actuals inside the ensemble's own p5–p95 (before calibration), %. */
  readonly in90Model: number;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Mean absolute percentage error of `forecast` against `actual` over the pairs where both are finite and the actual is not 0. */
export function mapeOf(pairs: readonly (readonly [number, number])[]): number {
  return mean(pairs.filter(([f, a]) => Number.isFinite(f) && Number.isFinite(a) && a !== 0).map(([f, a]) => (100 * Math.abs(f - a)) / Math.abs(a)));
}

/**
 * MASE of a forecast against a benchmark: mean |forecast − actual| ÷ mean |benchmark − actual|,
 * over the rows where all three are finite. NaN with no such row; Infinity when the benchmark
 * was exact every time and the forecast was not.
 */
export function maseOf(rows: readonly { actual: number; forecast: number; benchmark: number }[]): number {
  const ok = rows.filter((r) => Number.isFinite(r.actual) && Number.isFinite(r.forecast) && Number.isFinite(r.benchmark));
  if (ok.length === 0) return NaN;
  const num = mean(ok.map((r) => Math.abs(r.forecast - r.actual)));
  const den = mean(ok.map((r) => Math.abs(r.benchmark - r.actual)));
  if (den === 0) return num === 0 ? 1 : Infinity;
  return num / den;
}

/** Share (%) of rows whose actual is inside [lo, hi]; NaN with no rows. */
export function coverageOf(rows: readonly { actual: number; lo: number; hi: number }[]): number {
  const ok = rows.filter((r) => Number.isFinite(r.actual) && Number.isFinite(r.lo) && Number.isFinite(r.hi));
  if (ok.length === 0) return NaN;
  return (100 * ok.filter((r) => r.actual >= r.lo && r.actual <= r.hi).length) / ok.length;
}

function scoreGroup(source: string, kpi: string, horizon: number, rs: readonly OriginForecast[]): ForecastScore {
  return {
    source,
    kpi,
    horizon,
    n: rs.length,
    mape: mapeOf(rs.map((r) => [r.p50, r.actual])),
    mapeNaive: mapeOf(rs.map((r) => [r.naive, r.actual])),
    mapeMarkov: mapeOf(rs.map((r) => [r.markov, r.actual])),
    maseNaive: maseOf(rs.map((r) => ({ actual: r.actual, forecast: r.p50, benchmark: r.naive }))),
    maseMarkov: maseOf(rs.map((r) => ({ actual: r.actual, forecast: r.p50, benchmark: r.markov }))),
    in90: coverageOf(rs.map((r) => ({ actual: r.actual, lo: r.p5, hi: r.p95 }))),
    in50: coverageOf(rs.map((r) => ({ actual: r.actual, lo: r.p25, hi: r.p75 }))),
    in90Model: coverageOf(rs.map((r) => ({ actual: r.actual, lo: r.model?.p5 ?? r.p5, hi: r.model?.p95 ?? r.p95 }))),
  };
}

/** The KPI label of the rows that pool every KPI of a source and horizon (MAPE and coverage only: MASE is per KPI). */
export const ALL_KPIS = '(all)';

/**
 * Scores by source × KPI × horizon, then, per source and horizon, every KPI pooled (`(all)`:
 * MAPE and coverage; MASE is NaN there, as errors on different scales do not pool).
 */
export function scoreForecasts(rows: readonly OriginForecast[]): ForecastScore[] {
  const groups = new Map<string, OriginForecast[]>();
  const pooled = new Map<string, OriginForecast[]>();
  for (const r of rows) {
    const k = `${r.source}\u0000${r.kpi}\u0000${r.horizon}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
    const p = `${r.source}\u0000${r.horizon}`;
    if (!pooled.has(p)) pooled.set(p, []);
    pooled.get(p)!.push(r);
  }
  const out: ForecastScore[] = [];
  for (const rs of groups.values()) out.push(scoreGroup(rs[0].source, rs[0].kpi, rs[0].horizon, rs));
  for (const rs of pooled.values()) out.push({ ...scoreGroup(rs[0].source, ALL_KPIS, rs[0].horizon, rs), maseNaive: NaN, maseMarkov: NaN });
  return out.sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || (a.kpi === ALL_KPIS ? 1 : 0) - (b.kpi === ALL_KPIS ? 1 : 0) || (a.kpi < b.kpi ? -1 : a.kpi > b.kpi ? 1 : 0) || a.horizon - b.horizon);
}

export type OriginStep = 'quarter' | 'month';

/** What every rolling-origin back-test is given, whatever it is run on. */
export interface RollingOptions {
  /** The scenario each origin's projection starts from. */
  readonly base: Scenario;
  /** Name of the data in the output (a council). */
  readonly source: string;
  readonly horizons?: readonly number[];
  readonly every?: OriginStep;
  /** Replications of the projection at each origin. */
  readonly runs: number;
  readonly seed: number;
  readonly workers?: number;
  readonly onOrigin?: (done: number, total: number, origin: string) => void;
}

/**
 * Origins (month indexes) inside a history whose months run from `first` to `last`: every quarter
 * end (March, June, September, December) or every month, with at least `minHistory` months of
 * history up to and including the origin, and at least the shortest horizon after it.
 */
export function originsInHistory(first: number, last: number, opts: { every?: OriginStep; minHistory?: number; horizons?: readonly number[] } = {}): number[] {
  const every = opts.every ?? 'quarter';
  const minHistory = opts.minHistory ?? 12;
  const shortest = Math.min(...(opts.horizons ?? DEFAULT_HORIZONS));
  const out: number[] = [];
  for (let o = first + minHistory - 1; o + shortest <= last; o++) {
    if (every === 'quarter' && o % 3 !== 2) continue;
    out.push(o);
  }
  return out;
}

export const ORIGINS_HEADER = 'source,origin,horizon,target_month,kpi,actual,p5,p25,p50,p75,p95,naive,markov,p5_model,p95_model,band_factor';
export const SCORES_HEADER = 'source,kpi,horizon,n,mape,mape_naive,mape_markov,mase_naive,mase_markov,in_p5_p95_pct,in_p25_p75_pct,in_p5_p95_model_pct';

const num = (x: number) => (Number.isFinite(x) ? formatNumber(x) : '');

export function originsCsv(rows: readonly OriginForecast[]): string {
  const lines = [ORIGINS_HEADER];
  for (const r of rows) {
    const [y, m] = r.origin.split('-').map(Number);
    const target = monthKey(y * 12 + m - 1 + r.horizon);
    lines.push([r.source, r.origin, r.horizon, target, r.kpi, num(r.actual), num(r.p5), num(r.p25), num(r.p50), num(r.p75), num(r.p95), num(r.naive), num(r.markov), num(r.model?.p5 ?? r.p5), num(r.model?.p95 ?? r.p95), num(r.factor90 ?? NaN)].join(','));
  }
  return lines.join('\n') + '\n';
}

export function scoresCsv(scores: readonly ForecastScore[]): string {
  const lines = [SCORES_HEADER];
  for (const s of scores) lines.push([s.source, s.kpi, s.horizon, s.n, num(s.mape), num(s.mapeNaive), num(s.mapeMarkov), num(s.maseNaive), num(s.maseMarkov), num(s.in90), num(s.in50), num(s.in90Model)].join(','));
  return lines.join('\n') + '\n';
}
