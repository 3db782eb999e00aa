/**
 * Rolling-origin back-testing on an event history (imported statutory returns). At each origin
 * (a month end inside the history) the history is cut there; the scenario is estimated from the
 * months before it only (the same estimator as `calibrate --events`), projected from the
 * children open at the origin, and compared, at each horizon, with the KPIs the later history
 * records. Two benchmarks are run on the same origins: the last value carried forward and the
 * expected-value Markov projection (see `markov.ts`).
 *
 * Stocks are compared at the horizon's month end; flows (entries to and exits from care) as the
 * total over the months from the origin to the horizon, counted from the care histories so that
 * import repairs are neither entries nor exits.
 */
import { firstDayOfMonth, isoDate, lastDayOfMonth, monthIndexOfDay, monthIndexOfIso, monthKey } from '../calendar/index.ts';
import { runEnsemble } from '../ensemble/index.ts';
import { PLACEMENT_GROUPS, type CaseEvent } from '../events/index.ts';
import { project } from '../projections/projector.ts';
import { finiteBand } from '../projections/summary.ts';
import type { KpiRun } from '../projections/types.ts';
import { openingFromEvents } from '../returns/opening.ts';
import type { Scenario } from '../scenarios/index.ts';
import { careHistories } from './careHistory.ts';
import { estimateSources, eventEstimator, historyStart, populationFn, withSources, type EstimateModel } from './fromEvents.ts';

export { historyStart };
import { fitMarkov, markovPopulation, projectMarkov } from './markov.ts';
import { withParameters } from './scenarioFile.ts';
import { DEFAULT_HORIZONS, originsInHistory, type OriginForecast, type RollingOptions } from './scores.ts';

/** KPIs scored on an event history: stocks at the horizon, flows summed over it. */
export const EVENT_STOCK_KPIS = ['cla_open', 'uasc_open', ...PLACEMENT_GROUPS.map((g) => `cla_placement_${g}`)] as const;
export const EVENT_FLOW_KPIS = ['cla_starts', 'cla_ends'] as const;
const FLOWS: ReadonlySet<string> = new Set(EVENT_FLOW_KPIS);

/** How the model's scenario is made at an origin from the history before it. */
export type OriginScenario = (base: Scenario, history: readonly CaseEvent[], window: { from: number; to: number }) => Scenario;

/** The scenario `calibrate --events` writes: the base with every estimate from the window applied. */
export function estimatedScenario(base: Scenario, history: readonly CaseEvent[], window: { from: number; to: number }, model: EstimateModel = {}): Scenario {
  const est = eventEstimator(base, window, model);
  for (const e of history) est.sink(e);
  const r = est.finish();
  // labelled and with the standard errors the ensembles draw parameters from, as calibrate writes it
  return withSources(withParameters(base, r.parameters, base.name, base.description), estimateSources(r));
}

/** A back-test on an event history: the base supplies what the history does not inform (and the population for rates). */
export interface RollingEventOptions extends RollingOptions {
  /** The whole history, in date order (each child's events in stream order). */
  readonly events: readonly CaseEvent[];
  /** Longest reference window in months (default 36). */
  readonly referenceMonths?: number;
  /** Fewest months of full activity before an origin (default 12). */
  readonly minHistory?: number;
  /**
   * First month the history covers in full (for SSDA903 returns: April of the first collection
   * year; before it only children still looked after then are recorded). Default: see `historyStart`.
   */
  readonly first?: number;
  /** Last month of the history (default: the month of the last event). */
  readonly last?: number;
  /** How the scenario is made at each origin (default `estimatedScenario` with `model`). */
  readonly scenarioAt?: OriginScenario;
  /** Estimation choices passed to the estimator at every origin (e.g. the arrival trend). */
  readonly model?: EstimateModel;
}

export interface RollingEventResult {
  readonly source: string;
  readonly first: string;
  readonly last: string;
  readonly origins: string[];
  readonly rows: OriginForecast[];
  /** Forecasts one month ahead when that horizon is not scored: to calibrate bands on only (see `sequentialCalibration`). */
  readonly extra: OriginForecast[];
  /** The KPIs the whole history records, month by month from `first` to `last`. */
  readonly actual: KpiRun;
}

/** The value of a KPI over a horizon from a monthly series that starts the month after the origin (index 0). */
function overHorizon(series: ArrayLike<number>, h: number, flow: boolean): number {
  if (!flow) return series[h - 1];
  let s = 0;
  for (let i = 0; i < h; i++) s += series[i];
  return s;
}

export async function rollingEventBacktest(opts: RollingEventOptions): Promise<RollingEventResult> {
  const events = opts.events;
  if (events.length === 0) throw new RangeError('the history has no events');
  const horizons = [...(opts.horizons ?? DEFAULT_HORIZONS)].sort((a, b) => a - b);
  const perMonth = new Map<number, number>();
  for (const e of events) {
    const m = monthIndexOfIso(e.date);
    perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
  }
  const last = opts.last ?? Math.max(...perMonth.keys());
  const first = opts.first ?? historyStart(perMonth, last);
  const origins = originsInHistory(first, last, { every: opts.every, minHistory: opts.minHistory ?? 12, horizons });
  const population = populationFn(opts.base);
  const actual = project(events, { startMonth: monthKey(first), months: last - first + 1, population });
  // entries and exits as the care histories count them: a period an import repair started or cut
  // is neither (the projector counts every PeriodOfCareStarted and PeriodOfCareEnded)
  const starts = new Float64Array(last - first + 1);
  const ends = new Float64Array(last - first + 1);
  for (const h of careHistories(events)) {
    for (const seg of h.segments) {
      const a = monthIndexOfDay(seg.from) - first;
      if (seg.entry && a >= 0 && a < starts.length) starts[a]++;
      const b = seg.end === 'exit' ? monthIndexOfDay(seg.to) - first : -1;
      if (b >= 0 && b < ends.length) ends[b]++;
    }
  }
  actual.values.cla_starts = starts;
  actual.values.cla_ends = ends;
  const at = (kpi: string, month: number) => actual.values[kpi]?.[month - first] ?? NaN;
  const scenarioAt: OriginScenario = opts.scenarioAt ?? ((b, h, w) => estimatedScenario(b, h, w, opts.model));
  const refMonths = opts.referenceMonths ?? 36;
  const rows: OriginForecast[] = [];
  const extra: OriginForecast[] = [];
  // one month ahead is known a month later: with an origin every month, the next one calibrates on it
  const forecastHorizons = horizons.includes(1) ? horizons : [1, ...horizons];
  let done = 0;
  for (const o of origins) {
    const asAt = isoDate(lastDayOfMonth(o));
    const history = events.filter((e) => e.date <= asAt);
    const window = { from: Math.max(first, o - refMonths + 1), to: o };
    const scenario = { ...scenarioAt(opts.base, history, window), start: monthKey(o + 1) };
    const months = Math.min(horizons[horizons.length - 1], last - o);
    const opening = openingFromEvents(history, asAt);
    const ens = await runEnsemble([scenario], { runs: opts.runs, seed: opts.seed, months, workers: opts.workers, opening });
    const runs = ens.runs[0];
    // the Markov benchmark on the same window and the same children
    const cared = careHistories(history);
    const markov = projectMarkov(fitMarkov(cared, firstDayOfMonth(window.from), lastDayOfMonth(o)), markovPopulation(cared, lastDayOfMonth(o)), o, months);
    // a KPI the history has never recorded up to the origin (a placement group the council does
    // not use) is not a forecast worth scoring: both sides are 0 by construction
    const recorded = [...EVENT_STOCK_KPIS, ...EVENT_FLOW_KPIS].filter((kpi) => {
      for (let m = first; m <= o; m++) if (at(kpi, m) > 0) return true;
      return false;
    });
    for (const h of forecastHorizons) {
      if (o + h > last) continue;
      const into = horizons.includes(h) ? rows : extra;
      for (const kpi of recorded) {
        const flow = FLOWS.has(kpi);
        const act = flow ? sumMonths(at, kpi, o + 1, o + h) : at(kpi, o + h);
        const band = finiteBand(runs.map((r) => overHorizon(r.values[kpi], h, flow)));
        // naive: the stock at the origin; a flow at its rate over the (up to) 12 months before
        const back = Math.min(12, o - first + 1);
        const naive = flow ? (sumMonths(at, kpi, o - back + 1, o) / back) * h : at(kpi, o);
        const mk = markov.values[kpi];
        into.push({ source: opts.source, origin: monthKey(o), horizon: h, kpi, actual: act, ...band, naive, markov: mk ? overHorizon(mk, h, flow) : NaN });
      }
    }
    opts.onOrigin?.(++done, origins.length, monthKey(o));
  }
  return { source: opts.source, first: monthKey(first), last: monthKey(last), origins: origins.map(monthKey), rows, extra, actual };
}

function sumMonths(at: (kpi: string, m: number) => number, kpi: string, a: number, b: number): number {
  let s = 0;
  for (let m = a; m <= b; m++) s += at(kpi, m);
  return s;
}
