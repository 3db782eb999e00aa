/**
 * One replication: the simulation streaming its events straight into the KPI projector, with no
 * event log kept. A task may carry several scenarios (a baseline and a variant): each runs with
 * the same seed and replication number, so they share random-number streams (common random
 * numbers) and their difference is due to the scenario, not to noise.
 */
import { parseMonth } from '../calendar/index.ts';
import { KpiProjector, type ProjectorOptions } from '../projections/projector.ts';
import type { KpiRun } from '../projections/types.ts';
import type { Scenario } from '../scenarios/schema.ts';
import { monthParameters } from '../scenarios/effects.ts';
import { replicationKey } from '../simulation/engine.ts';
import { runSimulation } from '../simulation/run.ts';
import type { OpeningStock } from '../simulation/opening.ts';
import type { Parameters } from '../simulation/parameters.ts';
import { drawParameters } from '../scenarios/draws.ts';
import type { PlacementGroup } from '../events/index.ts';

export interface ReplicationTask {
  readonly scenarios: readonly Scenario[];
  readonly seed: number;
  readonly replication: number;
  readonly months: number;
  readonly opening?: OpeningStock;
}

export interface ReplicationResult {
  /** One KPI run per scenario of the task, in order. */
  readonly runs: KpiRun[];
  /** Events simulated per scenario. */
  readonly events: number[];
}

/** The effective parameters of every month of a scenario's horizon (interventions applied). */
export function scenarioMonthParameters(scenario: Scenario, months: number): Parameters[] {
  return monthParameters(scenario.parameters, scenario.interventions, scenario.start, months);
}

/** Children aged 0–17 by month offset, compounding each month's growth as the engine does. */
export function populationByMonth(scenario: Scenario, params: readonly Parameters[]): Float64Array {
  const pop = new Float64Array(params.length);
  let p = scenario.population;
  for (let k = 0; k < params.length; k++) {
    if (k > 0) p *= Math.pow(1 + params[k].population.growthPctPerYear / 100, 1 / 12);
    pop[k] = p;
  }
  return pop;
}

/** Weekly unit costs in force in month index `m`, inflated from the parameters' price month in whole years. */
export function unitCostsIn(params: Parameters, m: number): Record<PlacementGroup, number> {
  const years = Math.floor((m - parseMonth(params.costs.priceMonth)) / 12);
  const factor = Math.pow(1 + params.costs.inflationPctPerYear / 100, years);
  const out = {} as Record<PlacementGroup, number>;
  for (const [g, c] of Object.entries(params.costs.weeklyGbp)) out[g as PlacementGroup] = c.gbp * factor;
  return out;
}

/** Weekly care-leaver costs in force in month index `m` (leaving care, staying put), inflated as unit costs are. */
export function careLeaverCostsIn(params: Parameters, m: number): { leavingCare: number; stayingPut: number } {
  const years = Math.floor((m - parseMonth(params.costs.priceMonth)) / 12);
  const factor = Math.pow(1 + params.costs.inflationPctPerYear / 100, years);
  return { leavingCare: (params.costs.leavingCareWeeklyGbp?.gbp ?? 0) * factor, stayingPut: (params.costs.stayingPutWeeklyGbp?.gbp ?? 0) * factor };
}

/** Projector options that match a scenario run: population, unit costs (placements and care leavers) and workforce by month. */
export function projectorOptionsFor(scenario: Scenario, params: readonly Parameters[]): ProjectorOptions {
  const start = parseMonth(scenario.start);
  const months = params.length;
  const pop = populationByMonth(scenario, params);
  const offset = (m: number) => Math.min(months - 1, Math.max(0, m - start));
  const hasWorkforce = params.some((p) => p.workforce?.caseHoldingSocialWorkersPer10k !== undefined);
  return {
    startMonth: scenario.start,
    months,
    population: (m) => pop[offset(m)],
    unitCostsAt: (m) => unitCostsIn(params[offset(m)], m),
    careLeaverCostsAt: (m) => careLeaverCostsIn(params[offset(m)], m),
    uascGrantAt: (m) => {
      const g = params[offset(m)].costs.uascGrant;
      return g ? { under18PerDay: g.under18GbpPerDay, careLeaverPerWeek: g.careLeaverGbpPerWeek } : undefined;
    },
    socialWorkers: hasWorkforce ? (m) => ((params[offset(m)].workforce?.caseHoldingSocialWorkersPer10k ?? 0) * pop[offset(m)]) / 10000 : undefined,
  };
}

const paramCache = new Map<string, Parameters[]>();

function cachedMonthParameters(scenario: Scenario, months: number): Parameters[] {
  const key = `${months}:${JSON.stringify(scenario)}`;
  let p = paramCache.get(key);
  if (!p) {
    if (paramCache.size > 16) paramCache.clear();
    p = scenarioMonthParameters(scenario, months);
    paramCache.set(key, p);
  }
  return p;
}

/**
 * The month-by-month parameters of one replication: with estimation uncertainty, drawn once for
 * the replication from (seed, replication) and then compiled once, as any scenario's are.
 */
export function replicationParameters(scenario: Scenario, seed: number, replication: number, months: number): Parameters[] {
  if (!scenario.uncertainty || Object.keys(scenario.uncertainty).length === 0) return cachedMonthParameters(scenario, months);
  const drawn = drawParameters(scenario.parameters, scenario.uncertainty, replicationKey(seed, replication));
  return monthParameters(drawn, scenario.interventions, scenario.start, months);
}

/** Simulates and projects one scenario for one replication. */
export function runReplication(scenario: Scenario, seed: number, replication: number, months: number, opening?: OpeningStock): { run: KpiRun; events: number } {
  const params = replicationParameters(scenario, seed, replication, months);
  const projector = new KpiProjector(projectorOptionsFor(scenario, params));
  const r = runSimulation({ scenario, seed, replication, months, monthParameters: params, opening, sink: projector.sink });
  return { run: projector.finish(), events: r.events };
}

export function runReplicationTask(task: ReplicationTask): ReplicationResult {
  const runs: KpiRun[] = [];
  const events: number[] = [];
  for (const s of task.scenarios) {
    const r = runReplication(s, task.seed, task.replication, task.months, task.opening);
    runs.push(r.run);
    events.push(r.events);
  }
  return { runs, events };
}

/** The buffers of a result's arrays, to transfer rather than copy between threads. */
export function transferList(result: ReplicationResult): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const run of result.runs) {
    for (const group of [run.values, run.numerators, run.denominators]) {
      for (const arr of Object.values(group)) seen.add(arr.buffer as ArrayBuffer);
    }
  }
  return [...seen];
}
