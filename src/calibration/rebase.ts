/**
 * Moving a scenario's start: the projection begins in another month, from the position the
 * observed month-end stocks give for the end of the month before (children looked after, UASC,
 * children on CP plans and on CIN plans, per 10,000 of the scenario's population). Stocks with
 * no observation stay as in the scenario, and the result says which came from where.
 */
import { produce } from 'immer';
import { monthKey } from '../calendar/index.ts';
import { parseScenario } from '../node/scenarioLoader.ts';
import type { Scenario } from '../scenarios/index.ts';
import type { Observation } from './observed.ts';

/** Opening-stock parameters and the observed month-end stock each is set from. */
export const OPENING_FROM_STOCK: readonly { readonly path: 'claPer10k' | 'uascPer10k' | 'cpPer10k' | 'cinPlansPer10k'; readonly kpi: string }[] = [
  { path: 'claPer10k', kpi: 'cla_open' },
  { path: 'uascPer10k', kpi: 'uasc_open' },
  { path: 'cpPer10k', kpi: 'cp_open' },
  { path: 'cinPlansPer10k', kpi: 'cin_plans_open' },
];

export interface OpeningSet {
  readonly parameter: string;
  readonly kpi: string;
  /** Month of the observation used (`YYYY-MM`). */
  readonly month: string;
  readonly observed: number;
  readonly before: number;
  readonly after: number;
}

export interface RebaseResult {
  readonly scenario: Scenario;
  readonly opening: readonly OpeningSet[];
  /** Opening parameters left as they were, with the reason. */
  readonly unchanged: readonly { readonly parameter: string; readonly reason: string }[];
}

/**
 * The latest month-end observation of `kpi` at or before `month`, looking back at most
 * `lookBack` months; failing that the earliest within `lookAhead` months after it.
 */
export function nearestStock(obs: readonly Observation[], kpi: string, month: number, lookBack = 0, lookAhead = 0): Observation | undefined {
  const rows = obs.filter((o) => o.kpi === kpi && o.basis === 'month_end_stock' && !o.period.startsWith('FY'));
  let best: Observation | undefined;
  for (const o of rows) if (o.month <= month && o.month >= month - lookBack && (!best || o.month > best.month)) best = o;
  if (best) return best;
  for (const o of rows) if (o.month > month && o.month <= month + lookAhead && (!best || o.month < best.month)) best = o;
  return best;
}

/**
 * The scenario starting in month `start` (a month index), its opening stocks taken from the
 * observations for the end of `start − 1` (or the nearest month allowed by `lookBack` /
 * `lookAhead`).
 */
export function rebaseScenario(scenario: Scenario, start: number, obs: readonly Observation[], opts: { lookBack?: number; lookAhead?: number; file?: string } = {}): RebaseResult {
  const pop10k = scenario.population / 10000;
  const at = start - 1;
  const opening: OpeningSet[] = [];
  const unchanged: { parameter: string; reason: string }[] = [];
  const values = new Map<string, number>();
  for (const { path, kpi } of OPENING_FROM_STOCK) {
    const o = nearestStock(obs, kpi, at, opts.lookBack ?? 0, opts.lookAhead ?? 0);
    if (!o) {
      unchanged.push({ parameter: `opening.${path}`, reason: `no ${kpi} month-end observation for ${monthKey(at)}` });
      continue;
    }
    values.set(path, o.value / pop10k);
    opening.push({ parameter: `opening.${path}`, kpi, month: monthKey(o.month), observed: o.value, before: scenario.parameters.opening[path], after: o.value / pop10k });
  }
  const next = produce(scenario, (d) => {
    d.start = monthKey(start);
    for (const [path, v] of values) d.parameters.opening[path as 'claPer10k'] = v;
    // UASC are part of the CLA stock
    if (d.parameters.opening.uascPer10k > d.parameters.opening.claPer10k) d.parameters.opening.uascPer10k = d.parameters.opening.claPer10k;
  });
  return { scenario: parseScenario(next, opts.file ?? scenario.name), opening, unchanged };
}
