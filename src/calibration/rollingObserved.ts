/**
 * Rolling-origin back-testing on observed KPI series. At each origin (a month with an
 * observation) the base scenario is fitted to the observed months of the unbroken run that ends
 * there (the same fit as `calibrate --observed --to`, its standard errors drawn per replication),
 * moved to start the month after from the observed position, projected once for each trend
 * option in first contacts (`withObservedTrend`, from the same fit and the same seed), and
 * compared at each horizon with the observed value of every
 * KPI observed in the horizon's month. The benchmark is the last value carried forward: the
 * series' value at the origin (or its latest value in the window). Observed series give no
 * episodes, so there is no Markov benchmark here.
 *
 * Rows whose basis has a year-to-date or financial-year definition are not scored (carrying such
 * a figure forward across an April is not a forecast anyone would make).
 */
import { monthKey } from '../calendar/index.ts';
import { runEnsemble } from '../ensemble/index.ts';
import { finiteBand } from '../projections/summary.ts';
import { comparableValue, covers, kpiLabeller } from './compare.ts';
import type { TrendKind } from './estimateTypes.ts';
import { fitToObserved, withFitSources } from './fit.ts';
import { withObservedTrend } from './observedTrend.ts';
import { defaultWindow, type Observation } from './observed.ts';
import { rebaseScenario } from './rebase.ts';
import { withParameters } from './scenarioFile.ts';
import { DEFAULT_HORIZONS, originsInHistory, type OriginForecast, type RollingOptions } from './scores.ts';

/** Bases scored: one month's figure, whose last value can be carried forward. */
export const ROLLING_BASES: ReadonlySet<string> = new Set(['month_count', 'month_end_stock', 'monthly_rate_per_10k', 'month_pct', 'rolling12_pct']);

export interface RollingObservedOptions extends RollingOptions {
  readonly observations: readonly Observation[];
  /** Fewest observed months up to an origin in its unbroken run (default 3). */
  readonly minHistory?: number;
  /** Replications and refinement iterations of each fit (default 8 and 2). */
  readonly fitRuns?: number;
  readonly fitIterations?: number;
  /** Trends of the front door's arrivals to project with, each from the same fit at every origin (default none). */
  readonly trends?: readonly TrendKind[];
  /** Monthly damping of a damped trend. */
  readonly damping?: number;
  /** Base file name for messages. */
  readonly file?: string;
}

export interface RollingObservedResult {
  readonly source: string;
  /** The unbroken runs of observed months, `YYYY-MM to YYYY-MM`. */
  readonly segments: string[];
  readonly origins: string[];
  readonly rows: OriginForecast[];
  /** Forecasts one month ahead when that horizon is not scored: to calibrate bands on only (see `sequentialCalibration`). */
  readonly extra: OriginForecast[];
  /** The rows and extra forecasts of every trend asked for (`rows` and `extra` are the first's). */
  readonly byTrend: ReadonlyMap<TrendKind, { readonly rows: OriginForecast[]; readonly extra: OriginForecast[] }>;
}

/** Unbroken runs of months with at least one observation, as [first, last] month indexes. */
export function observedSegments(obs: readonly Observation[]): [number, number][] {
  const months = [...new Set(obs.filter((o) => !o.period.startsWith('FY')).map((o) => o.month))].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const m of months) {
    const cur = out[out.length - 1];
    if (cur && m === cur[1] + 1) cur[1] = m;
    else out.push([m, m]);
  }
  return out;
}

export async function rollingObservedBacktest(opts: RollingObservedOptions): Promise<RollingObservedResult> {
  const horizons = [...(opts.horizons ?? DEFAULT_HORIZONS)].sort((a, b) => a - b);
  const obs = opts.observations.filter((o) => o.kind === 'actual' && !o.period.startsWith('FY'));
  const segments = observedSegments(obs);
  const origins: number[] = [];
  for (const [a, b] of segments) origins.push(...originsInHistory(a, b, { every: opts.every, minHistory: opts.minHistory ?? 3, horizons }));
  const scored = obs.filter((o) => ROLLING_BASES.has(o.basis));
  const label = kpiLabeller(scored);
  const trends: readonly TrendKind[] = opts.trends && opts.trends.length > 0 ? opts.trends : ['none'];
  const byTrend = new Map(trends.map((t) => [t, { rows: [] as OriginForecast[], extra: [] as OriginForecast[] }]));
  // one month ahead is known a month later: with an origin every month, the next one calibrates on it
  const forecastHorizons = horizons.includes(1) ? horizons : [1, ...horizons];
  let done = 0;
  for (const o of origins) {
    const known = obs.filter((x) => x.month <= o);
    const window = defaultWindow(known, o)!;
    const fit = await fitToObserved({ base: opts.base, observations: known, from: window.from, to: o, runs: opts.fitRuns ?? 8, seed: opts.seed, workers: opts.workers, iterations: opts.fitIterations ?? 2, file: opts.file });
    const fitted = withFitSources(withParameters(opts.base, fit.fittedParameters, opts.base.name, opts.base.description), fit);
    const rebased = rebaseScenario(fitted, o + 1, known, { lookBack: 2, file: opts.file }).scenario;
    const segEnd = segments.find(([a, b]) => o >= a && o <= b)![1];
    const months = Math.min(horizons[horizons.length - 1], segEnd - o);
    const probe = { startMonth: monthKey(o + 1), months };
    for (const trend of trends) {
      const scenario = withObservedTrend(rebased, known.filter((x) => x.month >= window.from), o, trend, opts.damping).scenario;
      const ens = await runEnsemble([scenario], { runs: opts.runs, seed: opts.seed, months, workers: opts.workers });
      const runs = ens.runs[0];
      const out = byTrend.get(trend)!;
      for (const h of forecastHorizons) {
        if (o + h > segEnd) continue;
        const into = horizons.includes(h) ? out.rows : out.extra;
        for (const a of scored) {
          if (a.month !== o + h || !covers(probe, a.spec)) continue;
          const band = finiteBand(runs.map((r) => comparableValue(r, a.spec)));
          const prior = known.filter((x) => x.kpi === a.kpi && x.basis === a.basis && x.month >= window.from).sort((x, y) => y.month - x.month)[0];
          into.push({ source: opts.source, origin: monthKey(o), horizon: h, kpi: label(a), actual: a.value, ...band, naive: prior ? prior.value : NaN, markov: NaN });
        }
      }
    }
    opts.onOrigin?.(++done, origins.length, monthKey(o));
  }
  const order = (x: OriginForecast, y: OriginForecast) => (x.origin < y.origin ? -1 : x.origin > y.origin ? 1 : 0) || x.horizon - y.horizon || (x.kpi < y.kpi ? -1 : x.kpi > y.kpi ? 1 : 0);
  for (const r of byTrend.values()) r.rows.sort(order);
  const first = byTrend.get(trends[0])!;
  return { source: opts.source, segments: segments.map(([a, b]) => `${monthKey(a)} to ${monthKey(b)}`), origins: origins.map(monthKey), rows: first.rows, extra: first.extra, byTrend };
}
