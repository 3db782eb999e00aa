/** One replication of a scenario, streaming every event to a sink (see src/simulation/index.ts). */
import type { CaseEvent } from '../events/index.ts';
import { CaseFlowEngine, replicationKey } from './engine.ts';
import type { OpeningStock } from './opening.ts';
import { synthesiseOpeningStock } from './openingStock.ts';
import type { Parameters } from './parameters.ts';
import { Rng } from './random.ts';
import { fieldSinkOf } from '../events/fields.ts';

/** What a run needs of a scenario (a resolved `Scenario` from src/scenarios has all of it). */
export interface SimulationScenario {
  readonly parameters: Parameters;
  /** Children aged 0–17 at the start. */
  readonly population: number;
  /** First simulated month, YYYY-MM. */
  readonly start: string;
  /** Default horizon in months. */
  readonly months: number;
}

export interface SimulationInput {
  /** A resolved scenario (see `loadScenario`). */
  readonly scenario: SimulationScenario;
  readonly seed: number;
  /** Replication number: replication r draws everything from `Rng.stream(seed, r)`. */
  readonly replication: number;
  /** Months to simulate (default: the scenario's horizon). */
  readonly months?: number;
  /** Receives every event, in non-decreasing date order, the opening history first. */
  readonly sink: (e: CaseEvent) => void;
  /**
   * Effective parameters by month offset from the start; each decision reads the parameters of
   * the month in which it is made. Defaults to the scenario's parameters for every month; when
   * shorter than the horizon, the last entry applies to the remaining months.
   */
  readonly monthParameters?: readonly Parameters[];
  /** Children open at the start; synthesised from the month-0 parameters when absent. */
  readonly opening?: OpeningStock;
  readonly onProgress?: (monthsDone: number) => void;
}

export interface SimulationResult {
  /** Events sent to the sink (history included). */
  readonly events: number;
  /** Distinct children (event streams). */
  readonly children: number;
  /** First simulated month, YYYY-MM. */
  readonly startMonth: string;
  readonly months: number;
}

/**
 * The engine of one replication. The opening stock is synthesised here, in a frame that has
 * returned before the run starts, so that only the engine holds it: the engine lets it go once
 * the history's scripts are built (for England, some hundreds of MB). An object built in the
 * caller's own frame stays reachable until that frame returns, the stock with it.
 */
function engineFor(input: SimulationInput, parameters: readonly Parameters[], months: number): CaseFlowEngine {
  const { scenario } = input;
  return new CaseFlowEngine({
    parameters,
    population: scenario.population,
    startMonth: scenario.start,
    months,
    seed: input.seed,
    replication: input.replication,
    sink: input.sink,
    fieldSink: fieldSinkOf(input.sink),
    opening:
      input.opening ?? synthesiseOpeningStock(parameters[0], scenario.population, scenario.start, Rng.stream(replicationKey(input.seed, input.replication), 3)),
    onProgress: input.onProgress,
  });
}

/** Runs one replication. Same scenario, seed and replication give the same events, byte for byte. */
export function runSimulation(input: SimulationInput): SimulationResult {
  const { scenario } = input;
  const months = input.months ?? scenario.months;
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a whole number >= 1 (got ${months})`);
  const parameters = input.monthParameters && input.monthParameters.length > 0 ? input.monthParameters : [scenario.parameters];
  const r = engineFor(input, parameters, months).run();
  return { events: r.events, children: r.children, startMonth: scenario.start, months };
}
