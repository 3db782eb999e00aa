/**
 * Re-entry to care after a return home, an SGO or a CAO: the engine's hazard, its continuation
 * from an imported history, and its estimate from event histories.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { produce } from 'immer';
import { addYears, firstDayOfMonth, lastDayOfMonth, parseIsoDate, parseMonth } from '../src/calendar/index.ts';
import { EventEstimator, type Estimate } from '../src/calibration/estimate.ts';
import { SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { drawParameters } from '../src/scenarios/draws.ts';
import { Rng, runSimulation, synthesiseOpeningStock, type OpeningStock } from '../src/simulation/index.ts';
import { runReplication } from '../src/ensemble/index.ts';
import { StreamChecker } from '../src/simulation/checks.ts';

const baseline: Scenario = loadScenario(fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url)));
const START = firstDayOfMonth(parseMonth(baseline.start));

type Reentry = NonNullable<Scenario['parameters']['care']['reentry']>;
const withReentry = (reentry: Reentry | undefined): Scenario =>
  produce(baseline, (s) => {
    if (reentry) s.parameters.care.reentry = reentry;
    else delete s.parameters.care.reentry;
  });

function collect(scenario: Scenario, months: number, opening?: OpeningStock): CaseEvent[] {
  const out: CaseEvent[] = [];
  runSimulation({ scenario, seed: 7, replication: 0, months, opening, sink: (e) => out.push(e) });
  return out;
}

const RETURN_HOME = new Set(['E4A', 'E4B', 'E13']);
const SGO = new Set(['E43', 'E44', 'E45', 'E46', 'E47', 'E48']);

/** For each child's exit matching `recs` (live, before 18): the days to its next period of care (Infinity: none). */
function daysBack(events: readonly CaseEvent[], recs: ReadonlySet<string>, horizonEnd: number, within: number): { back: number[]; exits: number } {
  const b18 = new Map<string, number>();
  const left = new Map<string, number>();
  const back: number[] = [];
  let exits = 0;
  for (const e of events) {
    const day = parseIsoDate(e.date);
    if (e.type === 'ChildRegistered') b18.set(e.childId, addYears(parseIsoDate(e.dateOfBirth), 18));
    if (e.type === 'PeriodOfCareEnded' && recs.has(e.rec) && day >= START && day + within < Math.min(b18.get(e.childId)!, horizonEnd)) {
      left.set(e.childId, day);
      exits++;
    }
    if (e.type === 'PeriodOfCareStarted' && left.has(e.childId)) {
      back.push(day - left.get(e.childId)!);
      left.delete(e.childId);
    }
  }
  return { back, exits };
}

function valid(events: readonly CaseEvent[]): void {
  const checker = new StreamChecker();
  const journeys = new JourneyValidator();
  for (const e of events) {
    journeys.check(e);
    checker.add(e);
  }
  expect(checker.violations).toEqual([]);
}

describe('re-entry to care in the engine', () => {
  const months = 24;
  const horizonEnd = lastDayOfMonth(parseMonth(baseline.start) + months - 1);

  it('children who left by SGO all come back within a month when the table says so, and never when it says never', () => {
    // SGO cases close with RC4 and are never contacted again: the table is their only way back
    const certain = collect(withReentry({ returnHome: [[60, 0]], sgo: [[1, 1]], cao: [[60, 0]] }), months);
    valid(certain);
    const { back, exits } = daysBack(certain, SGO, horizonEnd, 31);
    expect(exits).toBeGreaterThan(10);
    expect(back).toHaveLength(exits);
    // one month is 30.44 days, drawn uniformly: from the day after leaving to 30 days on
    for (const d of back) expect(d >= 1 && d <= 30).toBe(true);
    const never = collect(withReentry({ returnHome: [[60, 0]], sgo: [[60, 0]], cao: [[60, 0]] }), months);
    expect(daysBack(never, SGO, horizonEnd, 31).back).toEqual([]);
  });

  it('children who return home come back on their re-entry day, or as soon as a case opened meanwhile closes', () => {
    const events = collect(withReentry({ returnHome: [[2, 1]], sgo: [[60, 0]], cao: [[60, 0]] }), months);
    valid(events);
    const { back, exits } = daysBack(events, RETURN_HOME, horizonEnd, 180);
    expect(exits).toBeGreaterThan(40);
    // two months is 61 days; a few were being assessed or on a plan when it came due
    const onTime = back.filter((d) => d >= 1 && d <= 61).length;
    expect(onTime / exits).toBeGreaterThan(0.85);
    expect(back.length / exits).toBeGreaterThan(0.95);
  });

  it('a child of an imported history who returned home before the start comes back within the rest of the table', () => {
    const ev = (childId: string, version: number, date: string, rest: Record<string, unknown>) => ({ childId, version, date, schema: SCHEMA_VERSION, ...rest }) as CaseEvent;
    const history: CaseEvent[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `H${i}`;
      history.push(
        ev(id, 1, '2022-01-10', { type: 'ChildRegistered', dateOfBirth: '2012-05-05', sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false }),
        ev(id, 2, '2022-01-10', { type: 'PeriodOfCareStarted', legalStatus: 'V2', placement: 'U4', provider: 'PR1', needCode: 'N1' }),
        ev(id, 3, '2023-02-01', { type: 'PeriodOfCareEnded', rec: i % 2 === 0 ? 'E4A' : 'E13' }),
      );
    }
    // care only: no episodes of need, so the return home is followed by nothing but the re-entry
    const careOnly = produce(withReentry({ returnHome: [[2, 1]], sgo: [[60, 0]], cao: [[60, 0]] }), (s) => {
      s.parameters.scope = ['care'];
    });
    const events = collect(careOnly, 3, { children: [], history });
    const firsts = new Map<string, CaseEvent>();
    for (const e of events) if (e.type === 'PeriodOfCareStarted' && parseIsoDate(e.date) >= START && !firsts.has(e.childId)) firsts.set(e.childId, e);
    const starts = [...firsts.values()].filter((e) => e.childId.startsWith('H'));
    expect(starts).toHaveLength(30);
    // left on 1 February 2023: two months on is 3 April (61 days); none before the start
    for (const e of starts) expect(e.date >= '2023-03-01' && e.date <= '2023-04-03', e.date).toBe(true);
  });

  it('the synthesised opening stock holds the children who left by return home, SGO or CAO in the 10 years before the start, and the care leavers under 26', () => {
    const stock = synthesiseOpeningStock(baseline.parameters, baseline.population, baseline.start, Rng.stream(3, 1));
    const left = stock.recentlyClosed!.filter((c) => c.leftCare);
    const tenYears = START - Math.round(10 * 365.2425);
    type Left = (typeof left)[number];
    const isLeaver = (c: Left) => c.closedOn >= addYears(c.dateOfBirth, 16) && c.closedOn - Math.max(c.lastReferral, addYears(c.dateOfBirth, 14)) >= 91 && addYears(c.dateOfBirth, 26) > START;
    const mayReenter = (c: Left) => ['returnHome', 'sgo', 'cao'].includes(c.leftCare!.reason) && c.closedOn >= tenYears && addYears(c.dateOfBirth, 18) > START;
    for (const c of left) {
      expect(c.closedOn < START && c.lastReferral <= c.closedOn).toBe(true);
      expect(isLeaver(c) || mayReenter(c)).toBe(true);
      if (!isLeaver(c)) expect(c.closureReason).toBe({ returnHome: 'RC7', sgo: 'RC4', cao: 'RC3' }[c.leftCare!.reason as 'sgo']);
    }
    expect(left.filter(mayReenter).length).toBeGreaterThan(300);
    // care leavers: most of them left at 18
    const leavers = left.filter(isLeaver);
    expect(leavers.length).toBeGreaterThan(300);
    expect(leavers.filter((c) => c.leftCare!.reason === 'age18').length).toBeGreaterThan(leavers.length / 2);
    // without a re-entry table only the care leavers are there, and the rest of the stock is drawn the same
    const without = synthesiseOpeningStock(withReentry(undefined).parameters, baseline.population, baseline.start, Rng.stream(3, 1));
    expect(without.recentlyClosed!.filter((c) => c.leftCare).every(isLeaver)).toBe(true);
    // (with the table, some who left at 16 or 17 by a return home came back before the start)
    expect(without.recentlyClosed!.filter((c) => c.leftCare).length).toBeGreaterThanOrEqual(leavers.length);
    expect(without.children).toEqual(stock.children);
    expect(without.recentlyClosed!.filter((c) => !c.leftCare)).toEqual(stock.recentlyClosed!.filter((c) => !c.leftCare));
  });

  it('care leavers are counted from the first month of a synthesised run', () => {
    const v = runReplication(baseline, 11, 0, 24).run.values.care_leavers_open;
    expect(v[0]).toBeGreaterThan(300);
    expect(Math.abs(v[23] - v[0])).toBeLessThan(0.25 * v[0]);
  });

  it('re-entries run near their steady level from the first year', () => {
    let first = 0;
    let later = 0;
    // four replications: two hold only about 20 and 30 re-entries, too few to compare
    for (let r = 0; r < 4; r++) {
      const v = runReplication(baseline, 11, r, 72).run.values.cla_reentries;
      for (let m = 0; m < 12; m++) first += v[m];
      for (let m = 60; m < 72; m++) later += v[m];
    }
    expect(first).toBeGreaterThan(0.6 * later);
  });

  it('drawn tables stay cumulative: each point at least the one before', () => {
    const p = withReentry({ returnHome: [[6, 0.1], [12, 0.11], [60, 0.3]], sgo: [[60, 0.05]], cao: [[60, 0.15]] }).parameters;
    const unc = { 'care.reentry.returnHome.0.1': 0.05, 'care.reentry.returnHome.1.1': 0.05, 'care.reentry.returnHome.2.1': 0.05 };
    let crossed = 0;
    for (let r = 0; r < 50; r++) {
      const d = drawParameters(p, unc, 1000 + r).care.reentry!.returnHome;
      for (const [, f] of d) expect(f > 0 && f < 1).toBe(true);
      expect(d[1][1]).toBeGreaterThanOrEqual(d[0][1]);
      expect(d[2][1]).toBeGreaterThanOrEqual(d[1][1]);
      if (d[0][1] !== p.care.reentry!.returnHome[0][1]) crossed++;
    }
    expect(crossed).toBe(50);
  });
});

describe('re-entry estimated from an event history (known answers)', () => {
  // 40 children return home on 2022-03-01; 10 come back on 2022-06-01 (3 months on); the rest are
  // followed to the window's end (2023-12-31). 5 children leave by SGO and none comes back.
  const rows: CaseEvent[] = [];
  const versions = new Map<string, number>();
  const add = (childId: string, date: string, rest: Record<string, unknown>) => {
    const v = (versions.get(childId) ?? 0) + 1;
    versions.set(childId, v);
    rows.push({ childId, date, version: v, schema: SCHEMA_VERSION, ...rest } as CaseEvent);
  };
  const care = { type: 'PeriodOfCareStarted', legalStatus: 'V2', placement: 'U4', provider: 'PR1', needCode: 'N1' };
  for (let i = 0; i < 45; i++) {
    add(`K${i}`, '2021-01-04', { type: 'ChildRegistered', dateOfBirth: '2012-05-05', sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false });
    add(`K${i}`, '2021-01-04', care);
  }
  for (let i = 0; i < 45; i++) add(`K${i}`, '2022-03-01', { type: 'PeriodOfCareEnded', rec: i < 40 ? 'E4A' : 'E45' });
  for (let i = 0; i < 10; i++) add(`K${i}`, '2022-06-01', care);
  // the log goes on to the window's end
  add('Z', '2023-12-31', { type: 'ChildRegistered', dateOfBirth: '2012-05-05', sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false });
  const base = produce(baseline.parameters, (p) => {
    p.care.reentry = { returnHome: [[2, 0.1], [6, 0.2], [24, 0.3], [60, 0.33]], sgo: [[60, 0.06]], cao: [[60, 0.15]] };
  });
  const estimate = (b = base) => {
    const est = new EventEstimator({ from: parseMonth('2022-01'), to: parseMonth('2023-12'), population: () => 50000, base: b });
    for (const e of rows) est.apply(e);
    return est.finish();
  };
  const find = (xs: readonly Estimate[], path: string) => xs.find((e) => e.path === path);

  it('reads the Kaplan–Meier curve at the table’s points, with Greenwood standard errors', () => {
    const r = estimate();
    expect(find(r.estimates, 'care.reentry.returnHome.0.1')).toMatchObject({ value: 0, n: 40, applied: true });
    // no censoring before 3 months: Greenwood is the binomial standard error
    const six = find(r.estimates, 'care.reentry.returnHome.1.1')!;
    expect(six).toMatchObject({ n: 40, applied: true });
    expect(six.value).toBeCloseTo(0.25, 12);
    expect(six.se).toBeCloseTo(Math.sqrt((0.25 * 0.75) / 40), 12);
    // followed up for 22 months (to the window's end): nothing to say about 24 or 60 months
    expect(find(r.estimates, 'care.reentry.returnHome.2.1')).toMatchObject({ applied: false, note: '0 children followed up for 24 months (fewer than 5)' });
    expect(find(r.estimates, 'care.reentry.returnHome.3.1')).toMatchObject({ applied: false });
    expect(r.parameters.care.reentry!.returnHome.map(([, f]) => f)).toEqual([0, 0.25, 0.3, 0.33]);
    // 5 SGO leavers are too few
    expect(find(r.estimates, 'care.reentry.sgo.0.1')).toMatchObject({ value: 0, n: 5, applied: false });
    const km = r.durations.find((d) => d.spell === 'reentry_after_returnHome')!;
    expect(km).toMatchObject({ n: 40, events: 10 });
  });

  it('re-entries are not direct arrivals as well when the table brings them back', () => {
    const withTable = estimate();
    expect(find(withTable.estimates, 'care.directEntriesPerMonthPer10k')!.value).toBe(0);
    const noTable = produce(base, (p) => {
      delete p.care.reentry;
    });
    const without = estimate(noTable);
    expect(find(without.estimates, 'care.directEntriesPerMonthPer10k')!.value).toBeCloseTo(10 / (24 * 5), 12);
    expect(without.estimates.some((e) => e.path.startsWith('care.reentry'))).toBe(false);
  });
});
