/**
 * A trend in the front door's arrivals, fitted from an observed series: the monthly counts of
 * contacts (or, where a council reports none, of referrals, which the model makes from contacts
 * at a fitted rate) over the latest unbroken run of the series inside the window, seasonality
 * removed with the scenario's own monthly multipliers, by least squares on the rate per 10,000
 * children (`fitArrivals`). The scenario's first contacts then start from the fitted level of
 * the month after the window, carry the trend (`contacts.trend`, linear or damped) and draw its
 * slope and level per replication from their standard errors, so the band widens with the
 * horizon as the data's uncertainty about the slope says it should.
 */
import { produce } from 'immer';
import type { Scenario } from '../scenarios/index.ts';
import { fitArrivals, type ArrivalFit } from './arrivals.ts';
import { DEFAULT_DAMPING, type TrendKind } from './estimateTypes.ts';
import { populationFn, withSources } from './fromEvents.ts';
import type { Observation } from './observed.ts';

/** Series that count the front door's arrivals, in order of preference. */
export const ARRIVAL_SERIES: readonly string[] = ['contacts', 'referrals'];

/** Fewest months of a series to fit a slope on: a year, so that a slope is not a season. */
export const MIN_TREND_MONTHS = 12;

export interface ObservedTrend {
  /** The series the trend was fitted on, and its months (`YYYY-MM` indexes). */
  readonly kpi: string;
  readonly from: number;
  readonly to: number;
  readonly fit: ArrivalFit;
}

/** The arrival fit of the first series in `ARRIVAL_SERIES` with enough months up to `to`, or undefined. */
export function observedArrivalFit(observations: readonly Observation[], to: number, scenario: Scenario): ObservedTrend | undefined {
  const pop = populationFn(scenario);
  const seasonality = scenario.parameters.contacts.seasonality;
  const mean = seasonality.reduce((a, b) => a + b, 0) / seasonality.length;
  for (const kpi of ARRIVAL_SERIES) {
    const byMonth = new Map<number, number>();
    for (const o of observations) if (o.kpi === kpi && o.basis === 'month_count' && o.kind === 'actual' && o.month <= to) byMonth.set(o.month, o.value);
    if (byMonth.size === 0) continue;
    const last = Math.max(...byMonth.keys());
    let first = last;
    while (byMonth.has(first - 1)) first--;
    const n = last - first + 1;
    if (n < MIN_TREND_MONTHS) continue;
    const counts = new Float64Array(n);
    const pop10k = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const m = first + i;
      // a month's count over its seasonal multiplier: the trend is what is left
      counts[i] = byMonth.get(m)! / (seasonality[((m % 12) + 12) % 12] / mean);
      pop10k[i] = pop(m) / 10000;
    }
    return { kpi, from: first, to: last, fit: fitArrivals(counts, pop10k) };
  }
  return undefined;
}

/**
 * `scenario` (starting the month after the window) with a trend of kind `kind` in its first
 * contacts, fitted from `observations` up to month `to`; unchanged for `none` or when no arrival
 * series has enough months. First contacts are moved from the window's mean to its fitted level.
 */
export function withObservedTrend(scenario: Scenario, observations: readonly Observation[], to: number, kind: TrendKind, damping = DEFAULT_DAMPING): { scenario: Scenario; trend?: ObservedTrend } {
  if (kind === 'none') return { scenario };
  const trend = observedArrivalFit(observations, to, scenario);
  if (!trend || !(trend.fit.mean > 0) || !Number.isFinite(trend.fit.perYear)) return { scenario };
  const { fit } = trend;
  const ratio = fit.level / fit.mean;
  const parameters = produce(scenario.parameters, (d) => {
    d.contacts.perMonthPer10k *= ratio;
    d.contacts.trend = { kind, perYear: fit.perYear, damping };
  });
  const level = parameters.contacts.perMonthPer10k;
  const moved = withSources({ ...scenario, parameters }, [
    { path: 'contacts.perMonthPer10k', source: 'observed', se: fit.level > 0 ? (level * fit.seLevel) / fit.level : NaN },
    { path: 'contacts.trend.perYear', source: 'observed', se: fit.sePerYear },
  ]);
  return { scenario: moved, trend };
}
