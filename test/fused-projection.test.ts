/**
 * Handing the simulation's events to the KPI projector as numbers (`sink: projector.sink`, the
 * ensemble's fast path) gives exactly the KPIs of handing it event objects, for synthesised and
 * imported opening stocks, interventions and any seed.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { projectorOptionsFor, scenarioMonthParameters } from '../src/ensemble/index.ts';
import { KpiProjector } from '../src/projections/index.ts';
import { importReturns, openingFromEvents } from '../src/returns/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { runSimulation, type OpeningStock } from '../src/simulation/index.ts';
import { FIELD_SINK, fieldSinkOf } from '../src/events/fields.ts';
import type { CaseEvent } from '../src/events/index.ts';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));
const DATA = fileURLToPath(new URL('../../shared/data/fixtures/', import.meta.url));

function both(scenario: Scenario, seed: number, replication: number, months: number, opening?: OpeningStock) {
  const params = scenarioMonthParameters(scenario, months);
  const viaObjects = new KpiProjector(projectorOptionsFor(scenario, params));
  const a = runSimulation({ scenario, seed, replication, months, monthParameters: params, opening, sink: (e) => viaObjects.apply(e) });
  const viaFields = new KpiProjector(projectorOptionsFor(scenario, params));
  const b = runSimulation({ scenario, seed, replication, months, monthParameters: params, opening, sink: viaFields.sink });
  return { a, b, objects: viaObjects.finish(), fields: viaFields.finish(), diag: [viaObjects.diagnostics(), viaFields.diagnostics()], snaps: [viaObjects.snapshots(), viaFields.snapshots()] };
}

/** Every value, numerator and denominator, NaN included, as comparable arrays. */
function plain(run: { values: Record<string, Float64Array>; numerators: Record<string, Float64Array>; denominators: Record<string, Float64Array> }) {
  const f = (g: Record<string, Float64Array>) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Array.from(v, (x) => (Number.isNaN(x) ? 'NaN' : x))]));
  return { values: f(run.values), numerators: f(run.numerators), denominators: f(run.denominators) };
}

describe('the projector’s field sink', () => {
  it('is carried by projector.sink and nowhere else', () => {
    const p = new KpiProjector({ startMonth: '2023-01', months: 1, population: 1000 });
    expect(fieldSinkOf(p.sink)).toBe(p);
    expect(p.sink[FIELD_SINK as unknown as keyof typeof p.sink]).toBe(p);
    expect(fieldSinkOf((e: CaseEvent) => p.apply(e))).toBeUndefined();
  });

  it('gives the same KPIs as event objects, for any seed and replication', () => {
    const scenario = loadScenario(join(SCENARIOS, 'southampton-baseline.json'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 14 }), (seed, rep, months) => {
        const r = both(scenario, seed, rep, months);
        expect(r.b).toEqual(r.a);
        expect(plain(r.fields)).toEqual(plain(r.objects));
        expect(r.diag[1]).toEqual(r.diag[0]);
        expect(r.snaps[1]).toEqual(r.snaps[0]);
      }),
      { numRuns: 6 },
    );
  });

  it('gives the same KPIs with interventions, UASC arrivals and national rates', () => {
    for (const file of ['family-safeguarding.json', 'uasc-arrivals.json', 'england-per-10k.json']) {
      const r = both(loadScenario(join(SCENARIOS, file)), 11, 2, 18);
      expect(plain(r.fields), file).toEqual(plain(r.objects));
      expect(r.b.events, file).toBe(r.a.events);
    }
  });

  it('gives the same KPIs from an imported opening stock with real history events', () => {
    const { events } = importReturns({
      ssda903: [
        {
          episodes: join(DATA, 'ssda903-regional/episodes.csv'),
          header: join(DATA, 'ssda903-regional/header.csv'),
          uasc: join(DATA, 'ssda903-regional/uasc.csv'),
        },
      ],
    });
    const opening = openingFromEvents(events, '2021-03-31');
    expect(opening.history!.length).toBeGreaterThan(100);
    const scenario = { ...loadScenario(join(SCENARIOS, 'southampton-baseline.json')), start: '2021-04' };
    const r = both(scenario, 3, 0, 12, opening);
    expect(r.b.events).toBe(r.a.events);
    expect(plain(r.fields)).toEqual(plain(r.objects));
    expect(r.diag[1]).toEqual(r.diag[0]);
  });
});
