/**
 * The band calibration of a projection from an event history: a rolling-origin back-test of the
 * same estimator on the history (origins every quarter end with 12 months of history before
 * them), its forecasts scored as `bands.ts` does.
 */
import { monthIndexOfIso } from '../calendar/index.ts';
import type { CaseEvent } from '../events/index.ts';
import type { BandCalibration } from '../projections/types.ts';
import type { Scenario } from '../scenarios/index.ts';
import { bandSource, calibrationFrom } from './bands.ts';
import type { EstimateModel } from './fromEvents.ts';
import { historyStart, rollingEventBacktest } from './rolling.ts';

export interface HistoryBandOptions {
  /** The history in date order. */
  readonly events: readonly CaseEvent[];
  readonly base: Scenario;
  /** Name of the history in the calibration's source. */
  readonly label: string;
  /** Last month of the history used (month index). */
  readonly last: number;
  readonly runs: number;
  readonly seed: number;
  readonly model?: EstimateModel;
}

/** The calibration, or undefined when the history has too few origins or forecasts for one. */
export async function historyBandCalibration(opts: HistoryBandOptions): Promise<BandCalibration | undefined> {
  const perMonth = new Map<number, number>();
  for (const e of opts.events) {
    const m = monthIndexOfIso(e.date);
    perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
  }
  const first = historyStart(perMonth, opts.last);
  const res = await rollingEventBacktest({ events: opts.events, base: opts.base, source: opts.label, first, last: opts.last, runs: opts.runs, seed: opts.seed, workers: 1, model: opts.model });
  return calibrationFrom([...res.rows, ...res.extra], bandSource(opts.label, res.rows));
}
