/**
 * The case-flow microsimulation: one replication of a scenario, streaming every event to a sink.
 *
 * ```ts
 * const scenario = loadScenario('scenarios/southampton-baseline.json');
 * runSimulation({ scenario, seed: scenario.seed, replication: 0, sink: (e) => log.push(e) });
 * ```
 */
export { runSimulation, type SimulationScenario, type SimulationInput, type SimulationResult } from './run.ts';
export { HistoryError, replicationKey } from './engine.ts';
export { synthesiseOpeningStock } from './openingStock.ts';
export type { OpeningChild, OpeningStock, OpeningState, RecentlyClosedChild } from './opening.ts';
export {
  AGE_BANDS,
  CARE_ROUTES,
  EXIT_REASONS,
  ParameterError,
  ParametersSchema,
  parametersJsonSchema,
  parseParameters,
  type AgeBand,
  type Parameters,
} from './parameters.ts';
export { Rng } from './random.ts';
export { MonthlyTally, TALLY_FLOWS, TALLY_STOCKS, type TallyResult } from './tally.ts';
export { StreamChecker, type StreamViolation } from './checks.ts';
