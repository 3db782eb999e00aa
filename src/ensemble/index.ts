/**
 * Monte Carlo ensembles: N seeded replications of one or more scenarios, on worker threads.
 * Replication r of every scenario uses `Rng.stream(seed, r)`, whatever the number of workers.
 */
import type { KpiRun } from '../projections/types.ts';
import type { Scenario } from '../scenarios/index.ts';
import type { OpeningStock } from '../simulation/index.ts';
import { defaultWorkers, runTasks } from './pool.ts';
import { checkEnsembleMemory } from './memory.ts';
import type { ReplicationTask } from './replication.ts';

export interface EnsembleOptions {
  readonly runs: number;
  readonly seed: number;
  readonly months: number;
  /** Worker threads (default: all cores; 1 runs in this thread). */
  readonly workers?: number;
  /** First replication number (default 0), to extend an ensemble. */
  readonly firstReplication?: number;
  readonly opening?: OpeningStock;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface EnsembleResult {
  /** runs[s][r]: scenario s, replication r. */
  readonly runs: KpiRun[][];
  /** Events simulated, per scenario, summed over replications. */
  readonly events: number[];
}

/**
 * Runs every scenario for the same replications (paired: common random numbers). Results are
 * ordered by replication and do not depend on the number of workers.
 */
export async function runEnsemble(scenarios: readonly Scenario[], opts: EnsembleOptions): Promise<EnsembleResult> {
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new RangeError(`runs must be a whole number >= 1 (got ${opts.runs})`);
  checkEnsembleMemory(scenarios, { runs: opts.runs, months: opts.months, workers: Math.min(opts.workers ?? defaultWorkers(), opts.runs) });
  const first = opts.firstReplication ?? 0;
  const tasks: ReplicationTask[] = [];
  for (let r = 0; r < opts.runs; r++) tasks.push({ scenarios, seed: opts.seed, replication: first + r, months: opts.months });
  const results = await runTasks(tasks, { workers: opts.workers, onProgress: opts.onProgress, shared: opts.opening ? { opening: opts.opening } : undefined });
  const runs = scenarios.map((_, s) => results.map((res) => res.runs[s]));
  const events = scenarios.map((_, s) => results.reduce((a, res) => a + res.events[s], 0));
  return { runs, events };
}

export { defaultWorkers } from './pool.ts';
export { checkEnsembleMemory, estimateEnsembleMemory } from './memory.ts';
export { runReplication, runReplicationTask, projectorOptionsFor, replicationParameters, scenarioMonthParameters, populationByMonth, unitCostsIn } from './replication.ts';
export type { ReplicationTask, ReplicationResult } from './replication.ts';
export { pairedDifferences, cumulativeDifferences, COMPARISON_HEADER, comparisonCsv, totalsCsv, type PairedRow, type CumulativeRow } from './paired.ts';
