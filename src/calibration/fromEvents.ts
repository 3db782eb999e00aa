/**
 * The shared start of every estimate from an event history (`calibrate --events` and the
 * rolling-origin back-test): the reference window of a log and the estimator set up on a base
 * scenario.
 */
import { monthKey, parseMonth } from '../calendar/index.ts';
import { InputError } from '../errors.ts';
import type { CaseEvent } from '../events/index.ts';
import type { Scenario } from '../scenarios/index.ts';
import type { ProvenanceSource } from '../scenarios/provenance.ts';
import { EventEstimator, type EstimatorOptions, type EventEstimates } from './estimate.ts';
import type { TrendKind } from './estimateTypes.ts';
import { TREND_KINDS } from '../simulation/parameters.ts';

/** Children aged 0–17 in a month (month index), from the scenario's population and growth. */
export function populationFn(s: Scenario): (m: number) => number {
  const start = parseMonth(s.start);
  const g = Math.pow(1 + s.parameters.population.growthPctPerYear / 100, 1 / 12);
  return (m) => s.population * Math.pow(g, m - start);
}

/**
 * The first month of full activity before `last`: walking back from `last`, the earliest month
 * with at least half the median monthly number of events of the 12 months to `last`, stopping at
 * three quiet months in a row (the backdated history of children open when the records begin);
 * one or two quiet months, as a small council has, do not end the walk.
 */
export function firstFullMonth(perMonth: ReadonlyMap<number, number>, last: number): number {
  const months = [...perMonth.keys()].sort((a, b) => a - b);
  const recent = months.filter((m) => m <= last && m > last - 12).map((m) => perMonth.get(m)!).sort((a, b) => a - b);
  const median = recent.length > 0 ? recent[Math.floor(recent.length / 2)] : 0;
  let start = last;
  let quiet = 0;
  for (let m = last - 1; m >= months[0] && quiet < 3; m--) {
    if ((perMonth.get(m) ?? 0) >= median / 2) {
      start = m;
      quiet = 0;
    } else quiet++;
  }
  return start;
}

/**
 * The first month of a run of six months each with at least half the median monthly number of
 * events of the whole log (the backdated history of children open when the records begin falls
 * below it); the first month of full activity before `last` when there is no such run.
 */
export function historyStart(perMonth: ReadonlyMap<number, number>, last: number): number {
  const months = [...perMonth.keys()].filter((m) => m <= last).sort((a, b) => a - b);
  const counts: number[] = [];
  for (let m = months[0]; m <= last; m++) counts.push(perMonth.get(m) ?? 0);
  const median = [...counts].sort((a, b) => a - b)[Math.floor(counts.length / 2)];
  for (let i = 0; i + 6 <= counts.length; i++) if (counts.slice(i, i + 6).every((c) => c >= median / 2)) return months[0] + i;
  return firstFullMonth(perMonth, last);
}

/**
 * The default reference window of an event log: the last 36 months, starting no earlier than the
 * first month of full activity (see `firstFullMonth`).
 */
export function defaultEventWindow(perMonth: ReadonlyMap<number, number>, to?: number): { from: number; to: number } {
  const months = [...perMonth.keys()].sort((a, b) => a - b);
  const last = to ?? months[months.length - 1];
  return { from: Math.max(firstFullMonth(perMonth, last), last - 35), to: last };
}

/** How the model is estimated beyond the window: the trend of the arrival rates into care (none, linear or damped), its damping, and the scope. */
export interface EstimateModel {
  readonly trend?: string;
  readonly damping?: number;
  readonly scope?: EstimatorOptions['scope'];
}

/** The estimator for a reference window (month indexes, inclusive), writing into the base scenario's parameters. */
export function eventEstimator(base: Scenario, window: { from: number; to: number }, model: EstimateModel = {}): EventEstimator {
  if (model.trend !== undefined && !(TREND_KINDS as readonly string[]).includes(model.trend)) throw new RangeError(`unknown trend "${model.trend}" (${TREND_KINDS.join(', ')})`);
  return new EventEstimator({ from: window.from, to: window.to, population: populationFn(base), base: base.parameters, trendFrom: parseMonth(base.start), trend: model.trend as TrendKind | undefined, damping: model.damping, scope: model.scope });
}

/** Reads an event source once, handing every event to `sink`; `pass` names the pass (for progress). */
export type EventSource = (sink: (e: CaseEvent) => void, pass: 'window' | 'events') => void;

/**
 * Estimates from an event history. Without both ends of the window a first pass counts the
 * events per month and takes the default window (`defaultEventWindow`, `to` kept when given);
 * the second pass feeds the estimator. `what` names the source in errors.
 */
export function estimateFromEventSource(what: string, read: EventSource, base: Scenario, window: { from?: number; to?: number }, model: EstimateModel = {}): EventEstimates {
  let { from, to } = window;
  if (from === undefined || to === undefined) {
    const perMonth = new Map<number, number>();
    read((e) => {
      const m = +e.date.slice(0, 4) * 12 + +e.date.slice(5, 7) - 1;
      perMonth.set(m, (perMonth.get(m) ?? 0) + 1);
    }, 'window');
    if (perMonth.size === 0) throw new InputError(`${what}: no events`);
    const w = defaultEventWindow(perMonth, to);
    to = w.to;
    from ??= w.from;
  }
  if (from > to) throw new InputError(`--from ${monthKey(from)} is after --to ${monthKey(to)}`);
  const est = eventEstimator(base, { from, to }, model);
  read(est.sink, 'events');
  return est.finish();
}

/** The sources of an estimate's parameters: each applied estimate from the events, with its standard error; the groups it filled with national values. */
export function estimateSources(r: EventEstimates): { path: string; source: ProvenanceSource; se: number }[] {
  return [...r.estimates.filter((e) => e.applied).map((e) => ({ path: e.path, source: 'events' as const, se: e.se })), ...r.nationalDefaults.map((path) => ({ path, source: 'national' as const, se: NaN }))];
}

/**
 * The scenario with the sources of newly estimated parameters recorded: each path labelled, and
 * its standard error kept (for the ensembles' parameter draws) or dropped when it has none.
 */
export function withSources(s: Scenario, rows: readonly { path: string; source: ProvenanceSource; se: number }[]): Scenario {
  const provenance: Record<string, ProvenanceSource> = { ...(s.provenance ?? {}) };
  const uncertainty: Record<string, number> = { ...(s.uncertainty ?? {}) };
  for (const r of rows) {
    // a table estimated as a whole (weights) is labelled once
    const path = /\.(directEntryAge|age|directEntrySex|atEntry\.[^.]+|onMove\.[^.]+|placementMix|categories)\.[^.]+$/.test(r.path) ? r.path.replace(/\.[^.]+$/, '') : r.path;
    for (const k of Object.keys(provenance)) if (k.startsWith(path + '.')) delete provenance[k];
    provenance[path] = r.source;
    if (Number.isFinite(r.se) && r.se > 0 && path === r.path) uncertainty[r.path] = r.se;
    else delete uncertainty[r.path];
  }
  return { ...s, provenance, uncertainty };
}
