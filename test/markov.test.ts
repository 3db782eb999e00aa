import { describe, expect, it } from 'vitest';
import { parseIsoDate, parseMonth } from '../src/calendar/index.ts';
import { careHistories } from '../src/calibration/careHistory.ts';
import { LEFT_CARE, MARKOV_STATES, fitMarkov, markovDay, markovPopulation, projectMarkov, stateOf, type MarkovRates } from '../src/calibration/markov.ts';
import { PLACEMENT_GROUPS, type CaseEvent } from '../src/events/index.ts';

const G = PLACEMENT_GROUPS.length;
const IFA = PLACEMENT_GROUPS.indexOf('ifa');
const IN_HOUSE = PLACEMENT_GROUPS.indexOf('in_house_foster');
const RESIDENTIAL = PLACEMENT_GROUPS.indexOf('residential');
const BAND_5_9 = 2;
const BAND_10_15 = 3;

let version = new Map<string, number>();
function ev(childId: string, date: string, body: Record<string, unknown>): CaseEvent {
  const v = (version.get(childId) ?? 0) + 1;
  version.set(childId, v);
  return { childId, date, version: v, schema: 1, ...body } as unknown as CaseEvent;
}
const reg = (id: string, date: string, dob: string) => ev(id, date, { type: 'ChildRegistered', dateOfBirth: dob, sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false });
const start = (id: string, date: string, placement: string, provider: string, repair?: string) =>
  ev(id, date, { type: 'PeriodOfCareStarted', legalStatus: 'C2', placement, provider, needCode: 'N1', ...(repair ? { repair } : {}) });
const move = (id: string, date: string, placement: string, provider: string) => ev(id, date, { type: 'EpisodeChanged', rne: 'P', legalStatus: 'C2', placement, provider });
const end = (id: string, date: string, repair?: string) => ev(id, date, { type: 'PeriodOfCareEnded', rec: 'E11', ...(repair ? { repair } : {}) });

/**
 * Window 1–10 January 2020 (10 days; exposure at the ends of 31 December … 9 January).
 * A (aged 9): IFA all along. B (aged 9): in-house foster, leaves care on 6 January.
 * C (aged 8): enters residential care on 3 January. D (aged 12): in-house, moves to IFA on 5 January.
 * E (aged 9): a period started by an import repair on 2 January, cut by a repair on 8 January.
 */
function tiny(): CaseEvent[] {
  version = new Map();
  return [
    reg('A', '2019-12-01', '2010-06-01'),
    start('A', '2019-12-01', 'U4', 'PR4'),
    reg('B', '2019-12-01', '2010-06-01'),
    start('B', '2019-12-01', 'U4', 'PR1'),
    reg('D', '2019-12-01', '2007-03-01'),
    start('D', '2019-12-01', 'U4', 'PR1'),
    reg('E', '2020-01-02', '2010-06-01'),
    start('E', '2020-01-02', 'U4', 'PR4', 'back-in-later-return'),
    reg('C', '2020-01-03', '2012-01-01'),
    start('C', '2020-01-03', 'K2', 'PR4'),
    move('D', '2020-01-05', 'U5', 'PR4'),
    end('B', '2020-01-06'),
    end('E', '2020-01-08', 'missing-from-return'),
  ];
}

describe('care histories from events', () => {
  it('segments by placement group, with entries, moves, exits and repairs told apart', () => {
    const h = new Map(careHistories(tiny()).map((c) => [c.childId, c]));
    expect(h.get('B')!.segments).toEqual([{ from: parseIsoDate('2019-12-01'), to: parseIsoDate('2020-01-06'), group: IN_HOUSE, entry: true, end: 'exit' }]);
    expect(h.get('D')!.segments.map((s) => [s.group, s.end])).toEqual([
      [IN_HOUSE, 'move'],
      [IFA, 'open'],
    ]);
    expect(h.get('E')!.segments[0]).toMatchObject({ entry: false, end: 'cut' });
    // cut at an origin: what was known at the end of 5 January
    const early = new Map(careHistories(tiny(), parseIsoDate('2020-01-05')).map((c) => [c.childId, c]));
    expect(early.get('B')!.segments[0].end).toBe('open');
    expect(early.get('D')!.segments).toHaveLength(2);
  });
});

describe('Markov benchmark: fitting (hand-calculated)', () => {
  const m = fitMarkov(careHistories(tiny()), parseIsoDate('2020-01-01'), parseIsoDate('2020-01-10'));
  it('child-days in each state over the exposure days 31 December to 9 January', () => {
    // A: 10 days; B: 31 Dec – 5 Jan = 6; E: 2–7 Jan = 6 (both 5–9, E in IFA); C (aged 8): 3–9 Jan = 7
    expect(m.stockDays[stateOf(BAND_5_9, IFA)]).toBe(16);
    expect(m.stockDays[stateOf(BAND_5_9, IN_HOUSE)]).toBe(6);
    expect(m.stockDays[stateOf(BAND_5_9, RESIDENTIAL)]).toBe(7);
    // D (aged 12): in-house 31 Dec – 4 Jan = 5 days, IFA 5–9 Jan = 5 days
    expect(m.stockDays[stateOf(BAND_10_15, IN_HOUSE)]).toBe(5);
    expect(m.stockDays[stateOf(BAND_10_15, IFA)]).toBe(5);
    expect(m.stockDays.reduce((a, b) => a + b, 0)).toBe(39);
  });
  it('transitions ÷ child-days, entries ÷ days; repairs are neither entries nor exits', () => {
    expect(m.counts[stateOf(BAND_5_9, IN_HOUSE) * (G + 1) + LEFT_CARE]).toBe(1);
    expect(m.rates[stateOf(BAND_5_9, IN_HOUSE) * (G + 1) + LEFT_CARE]).toBeCloseTo(1 / 6, 15);
    expect(m.rates[stateOf(BAND_10_15, IN_HOUSE) * (G + 1) + IFA]).toBeCloseTo(1 / 5, 15);
    expect(m.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(m.entries[stateOf(BAND_5_9, RESIDENTIAL)]).toBe(1);
    expect(m.entries.reduce((a, b) => a + b, 0)).toBe(1);
    expect(m.entrantsPerDay[stateOf(BAND_5_9, RESIDENTIAL)]).toBeCloseTo(0.1, 15);
  });
  it('the population at the end of a day', () => {
    const pop = markovPopulation(careHistories(tiny()), parseIsoDate('2020-01-06'));
    // A, E in IFA (5–9); C residential (5–9); D IFA (10–15); B left that day
    expect(pop[stateOf(BAND_5_9, IFA)]).toBe(2);
    expect(pop[stateOf(BAND_5_9, RESIDENTIAL)]).toBe(1);
    expect(pop[stateOf(BAND_10_15, IFA)]).toBe(1);
    expect(pop.reduce((a, b) => a + b, 0)).toBe(4);
  });
  it('leaving care at 18 is ageing, not a transition', () => {
    version = new Map();
    const h = careHistories([reg('X', '2019-01-01', '2002-01-05'), start('X', '2019-01-01', 'U4', 'PR1'), end('X', '2020-01-05')]);
    const fit = fitMarkov(h, parseIsoDate('2020-01-01'), parseIsoDate('2020-01-10'));
    expect(fit.counts.reduce((a, b) => a + b, 0)).toBe(0);
    expect(fit.stockDays[stateOf(4, IN_HOUSE)]).toBe(5);
  });
});

function emptyRates(): MarkovRates {
  const n = MARKOV_STATES;
  return { from: 0, to: 0, stockDays: new Float64Array(n), counts: new Float64Array(n * (G + 1)), rates: new Float64Array(n * (G + 1)), entries: new Float64Array(n), entrantsPerDay: new Float64Array(n) };
}

describe('Markov benchmark: projecting (hand-calculated)', () => {
  it('one day: ageing first, then transitions, then entrants', () => {
    const m = emptyRates();
    const s = stateOf(BAND_10_15, IFA);
    m.rates[s * (G + 1) + LEFT_CARE] = 0.01;
    m.rates[s * (G + 1) + RESIDENTIAL] = 0.02;
    m.entrantsPerDay[stateOf(0, IN_HOUSE)] = 0.5;
    const pop = new Float64Array(MARKOV_STATES);
    pop[s] = 100;
    const [entered, left] = markovDay(pop, m);
    const a = 1 / (6 * 365.25); // 10–15 is six years long
    const stay = 100 * (1 - a);
    expect(pop[stateOf(4, IFA)]).toBeCloseTo(100 * a, 12);
    expect(pop[s]).toBeCloseTo(stay * 0.97, 12);
    expect(pop[stateOf(BAND_10_15, RESIDENTIAL)]).toBeCloseTo(stay * 0.02, 12);
    expect(left).toBeCloseTo(stay * 0.01, 12);
    expect(entered).toBe(0.5);
    expect(pop[stateOf(0, IN_HOUSE)]).toBe(0.5);
  });

  it('the 16–17 band leaves care at a rate of one in two years; out-flows never exceed the stock', () => {
    const m = emptyRates();
    const s = stateOf(4, RESIDENTIAL);
    m.rates[s * (G + 1) + LEFT_CARE] = 3; // impossible rate: capped at everyone
    const pop = new Float64Array(MARKOV_STATES);
    pop[s] = 730.5;
    const [, left] = markovDay(pop, m);
    expect(left).toBeCloseTo(730.5, 9);
    expect(pop[s]).toBeCloseTo(0, 12);
  });

  it('a month: entrants only (31 days of January), and conservation with exits only', () => {
    const m = emptyRates();
    m.entrantsPerDay[stateOf(0, IFA)] = 0.1;
    const p = projectMarkov(m, new Float64Array(MARKOV_STATES), parseMonth('2019-12'), 2);
    expect(p.values.cla_starts[0]).toBeCloseTo(3.1, 12);
    expect(p.values.cla_open[0]).toBeCloseTo(3.1, 9); // a trace ages through every band and out within the month
    expect(p.values.cla_placement_ifa[0]).toBeCloseTo(3.1, 9);
    expect(p.values.cla_ends[0]).toBeLessThan(1e-9);
    expect(p.values.cla_starts[1]).toBeCloseTo(2.9, 12); // February 2020 has 29 days

    const x = emptyRates();
    const s = stateOf(4, IN_HOUSE);
    x.rates[s * (G + 1) + LEFT_CARE] = 0.01;
    const pop = new Float64Array(MARKOV_STATES);
    pop[s] = 200;
    const q = projectMarkov(x, pop, parseMonth('2019-12'), 3);
    // 16–17: each day 1/730.5 age out, then 1% of the rest leave: 200 ((1 − 1/730.5) × 0.99)^d
    const keep = (1 - 1 / 730.5) * 0.99;
    expect(q.values.cla_open[0]).toBeCloseTo(200 * keep ** 31, 9);
    expect(q.values.cla_open[2]).toBeCloseTo(200 * keep ** 91, 9); // January–March 2020: 91 days
    expect(q.values.cla_ends[1]).toBeCloseTo(200 * (keep ** 31 - keep ** 60), 9);
    expect(q.values.cla_open[2] + q.values.cla_ends.reduce((a, b) => a + b, 0)).toBeCloseTo(200, 9);
  });
});
