import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { produce } from 'immer';
import { addYears, firstDayOfMonth, lastDayOfMonth, parseIsoDate, parseMonth, workingDaysBetween } from '../src/calendar/index.ts';
import { parseEvent, placementGroup, type CaseEvent } from '../src/events/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { HistoryError, Rng, runSimulation, synthesiseOpeningStock, type OpeningStock, type Parameters } from '../src/simulation/index.ts';
import { StreamChecker } from '../src/simulation/checks.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import { MonthlyTally } from '../src/simulation/tally.ts';

const scenarioPath = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));
const baseline: Scenario = loadScenario(scenarioPath);
const START = firstDayOfMonth(parseMonth(baseline.start));

function collect(scenario: Scenario, opts: { seed?: number; replication?: number; months: number; monthParameters?: Parameters[]; opening?: OpeningStock }): CaseEvent[] {
  const out: CaseEvent[] = [];
  runSimulation({ scenario, seed: opts.seed ?? 1, replication: opts.replication ?? 0, months: opts.months, monthParameters: opts.monthParameters, opening: opts.opening, sink: (e) => out.push(e) });
  return out;
}

function digest(events: readonly CaseEvent[]): string {
  const h = createHash('sha256');
  for (const e of events) h.update(JSON.stringify(e) + '\n');
  return h.digest('hex');
}

describe('determinism', () => {
  it('the same scenario, seed and replication give byte-identical event logs; other seeds and replications differ', () => {
    const a = digest(collect(baseline, { seed: 5, months: 12 }));
    const b = digest(collect(baseline, { seed: 5, months: 12 }));
    expect(b).toBe(a);
    expect(digest(collect(baseline, { seed: 6, months: 12 }))).not.toBe(a);
    const r1 = digest(collect(baseline, { seed: 5, replication: 1, months: 12 }));
    expect(r1).not.toBe(a);
    // a replication does not depend on what ran before it in the process
    expect(digest(collect(baseline, { seed: 5, replication: 1, months: 12 }))).toBe(r1);
  });

  it('a shorter run is a prefix of a longer one (no look-ahead past the horizon)', () => {
    const short = collect(baseline, { seed: 3, months: 6 });
    const long = collect(baseline, { seed: 3, months: 9 });
    expect(long.length).toBeGreaterThan(short.length);
    expect(digest(long.slice(0, short.length))).toBe(digest(short));
    const lastShort = lastDayOfMonth(parseMonth(baseline.start) + 5);
    expect(parseIsoDate(short[short.length - 1].date)).toBeLessThanOrEqual(lastShort);
    expect(parseIsoDate(long[short.length].date)).toBeGreaterThan(lastShort);
  });
});

describe('event streams', () => {
  const months = 24;
  const events = collect(baseline, { seed: 21, months });

  it('every event passes the schema, and the streams keep the engine invariants', () => {
    const checker = new StreamChecker();
    for (const e of events) {
      parseEvent(e);
      checker.add(e);
    }
    expect(checker.violations).toEqual([]);
    expect(checker.overdueCare(lastDayOfMonth(parseMonth(baseline.start) + months - 1))).toEqual([]);
  });

  it('history comes first, dated before the start month; the rest falls inside the horizon', () => {
    const end = lastDayOfMonth(parseMonth(baseline.start) + months - 1);
    let i = 0;
    while (i < events.length && parseIsoDate(events[i].date) < START) i++;
    expect(i).toBeGreaterThan(1000);
    for (let k = i; k < events.length; k++) {
      const d = parseIsoDate(events[k].date);
      expect(d >= START && d <= end).toBe(true);
    }
  });

  it('the opening stock matches the parameters at the end of the month before the start', () => {
    const t = new MonthlyTally(baseline.start, months, workingDaysBetween, parseIsoDate);
    for (const e of events) t.add(e);
    const o = baseline.parameters.opening;
    const n = (per10k: number) => Math.round((per10k * baseline.population) / 10000);
    expect(t.finish().opening).toMatchObject({
      cla: n(o.claPer10k),
      uasc: n(o.uascPer10k),
      cp: n(o.cpPer10k),
      cinPlan: n(o.cinPlansPer10k),
      assessment: n(o.openAssessmentsPer10k),
      s47: n(o.openS47Per10k),
    });
    expect(n(o.claPer10k)).toBe(545);
    expect(n(o.cpPer10k)).toBe(301);
  });

  it('children in care on their 18th birthday leave care that day', () => {
    const dob = new Map<string, number>();
    let agedOut = 0;
    for (const e of events) {
      if (e.type === 'ChildRegistered') dob.set(e.childId, parseIsoDate(e.dateOfBirth));
      if (e.type === 'PeriodOfCareEnded') {
        const b18 = addYears(dob.get(e.childId)!, 18);
        const day = parseIsoDate(e.date);
        expect(day).toBeLessThanOrEqual(b18);
        if (day === b18) {
          agedOut++;
          expect(['E17', 'E5', 'E6']).toContain(e.rec);
        }
      }
    }
    expect(agedOut).toBeGreaterThan(20);
  });

  it('UASC arrive, are referred and enter care the same day, with need N8 and route uasc', () => {
    const registered = new Map<string, string>();
    let uasc = 0;
    for (const e of events) {
      if (e.type === 'ChildRegistered' && e.uasc && parseIsoDate(e.date) >= START) registered.set(e.childId, e.date);
      if (e.type === 'PeriodOfCareStarted' && registered.has(e.childId)) {
        uasc++;
        expect(e.date).toBe(registered.get(e.childId));
        expect(e.route).toBe('uasc');
        expect(e.needCode).toBe('N8');
      }
    }
    expect(uasc).toBeGreaterThan(20);
  });

  it('placements are valid codes that group back to the chosen group, K3 replacing H5 from April 2024', () => {
    const k3From = parseIsoDate('2024-04-01');
    for (const e of events) {
      if (e.type !== 'PeriodOfCareStarted' && e.type !== 'EpisodeChanged') continue;
      const d = parseIsoDate(e.date);
      if (d >= START) {
        if (d >= k3From) expect(e.placement).not.toBe('H5');
        else expect(e.placement).not.toBe('K3');
      }
      expect(placementGroup(e.placement, e.provider)).not.toBe(undefined);
    }
  });
});

describe('month-by-month parameters', () => {
  it('arrivals are drawn from the parameters of their month', () => {
    const stop = produce(baseline.parameters, (p) => {
      p.contacts.perMonthPer10k = 0;
      p.care.directEntriesPerMonthPer10k = 0;
      p.uasc.arrivalsPerMonthPer10k = 0;
    });
    const params = [0, 1, 2, 3].map(() => baseline.parameters).concat([stop, stop]);
    const events = collect(baseline, { months: 6, monthParameters: params });
    const month4 = firstDayOfMonth(parseMonth(baseline.start) + 4);
    const newChildren = (from: number, to: number) => events.filter((e) => e.type === 'ChildRegistered' && parseIsoDate(e.date) >= from && parseIsoDate(e.date) < to).length;
    expect(newChildren(START, month4)).toBeGreaterThan(4000);
    expect(newChildren(month4, Infinity)).toBe(0);
    // re-contacts of closed children carry on
    expect(events.filter((e) => e.type === 'ContactReceived' && parseIsoDate(e.date) >= month4).length).toBeGreaterThan(100);
  });

  it('durations are drawn from the parameters of the month in which the decision is made', () => {
    const quick = produce(baseline.parameters, (p) => {
      p.assessment.durationWorkingDays = { dist: 'empirical', points: [[10, 1]] };
    });
    const params = [baseline.parameters, baseline.parameters, baseline.parameters, quick];
    const events = collect(baseline, { months: 8, monthParameters: params });
    const month3 = firstDayOfMonth(parseMonth(baseline.start) + 3);
    const started = new Map<string, number>();
    let longBefore = 0;
    let after = 0;
    for (const e of events) {
      if (e.type === 'AssessmentStarted') started.set(e.childId, parseIsoDate(e.date));
      if (e.type === 'AssessmentAuthorised' && started.has(e.childId)) {
        const s = started.get(e.childId)!;
        started.delete(e.childId);
        if (s < START) continue;
        const wd = workingDaysBetween(s, parseIsoDate(e.date));
        if (s >= month3) {
          after++;
          expect(wd).toBeLessThanOrEqual(10);
        } else if (wd > 10) longBefore++;
      }
    }
    expect(after).toBeGreaterThan(500);
    expect(longBefore).toBeGreaterThan(300);
  });
});

describe('opening stock synthesis', () => {
  it('synthesises the counts of the parameters, with time already spent in each state', () => {
    const stock = synthesiseOpeningStock(baseline.parameters, baseline.population, baseline.start, new Rng(4));
    const by = (pred: (c: (typeof stock.children)[number]) => boolean) => stock.children.filter(pred).length;
    expect(by((c) => c.state === 'cla')).toBe(545);
    expect(by((c) => c.state === 'cla' && c.uasc)).toBe(37);
    expect(by((c) => c.state === 'cp')).toBe(301);
    expect(by((c) => c.state === 'cin' && c.cinActivity === 'plan')).toBe(538);
    for (const c of stock.children) {
      expect(c.since).toBeLessThan(START);
      expect(addYears(c.dateOfBirth, 18)).toBeGreaterThan(START);
      if (c.state === 'cla') {
        expect(placementGroup(c.placement!, c.provider!)).not.toBe('other_unknown');
        expect(c.placementStarts!.every((d) => d >= c.since && d < START)).toBe(true);
      }
    }
    // the stock has been open for a while: the median CLA has been looked after for more than a year
    const elapsed = stock.children.filter((c) => c.state === 'cla').map((c) => START - c.since).sort((a, b) => a - b);
    expect(elapsed[Math.floor(elapsed.length / 2)]).toBeGreaterThan(365);
    expect(stock.recentlyClosed!.length).toBeGreaterThan(5000);
    expect(stock.recentlyClosed!.every((c) => c.closedOn < START && c.lastReferral <= c.closedOn)).toBe(true);
  });
});

// --- imported history ---------------------------------------------------------------------------

type Body = Record<string, unknown> & { type: CaseEvent['type'] };
function stream(childId: string, items: [string, Body][]): CaseEvent[] {
  return items.map(([date, body], i) => parseEvent({ childId, date, version: i + 1, schema: 1, ...body }));
}
const reg = (dob: string, uasc = false): Body => ({ type: 'ChildRegistered', dateOfBirth: dob, sex: 'F', ethnicity: 'WBRI', disability: false, uasc });
const referred = (date: string, id: string): [string, Body][] => [
  [date, { type: 'ContactReceived', source: '6' }],
  [date, { type: 'ContactConcluded', outcome: 'referral' }],
  [date, { type: 'ReferralAccepted', referralId: id, source: '6', isRereferral: false }],
];

function importedHistory(): CaseEvent[] {
  const a = stream('A', [
    ['2022-05-01', reg('2015-03-10')],
    ...referred('2022-05-01', 'A-1'),
    ['2022-05-02', { type: 'PeriodOfCareStarted', legalStatus: 'C1', placement: 'U6', provider: 'PR1', needCode: 'N1', route: 'direct' }],
    ['2022-09-01', { type: 'EpisodeChanged', rne: 'P', legalStatus: 'C1', placement: 'U6', provider: 'PR4', reasonPlaceChange: 'CARPL' }],
  ]);
  const b = stream('B', [
    ['2022-10-01', reg('2019-01-01')],
    ...referred('2022-10-01', 'B-1'),
    ['2022-10-01', { type: 'AssessmentStarted' }],
    ['2022-10-20', { type: 'AssessmentAuthorised', factors: ['3B'], outcome: 's47' }],
    ['2022-10-20', { type: 'StrategyDiscussionHeld' }],
    ['2022-10-20', { type: 'Section47Started' }],
    ['2022-11-04', { type: 'Section47Concluded', outcome: 'icpc' }],
    ['2022-11-04', { type: 'IcpcHeld', resultedInCpPlan: true }],
    ['2022-11-04', { type: 'CpPlanStarted', category: 'NEG', previousPlans: 1 }],
  ]);
  const c = stream('C', [
    ['2022-12-01', reg('2012-06-01')],
    ...referred('2022-12-01', 'C-1'),
    ['2022-12-01', { type: 'AssessmentStarted' }],
    ['2023-01-10', { type: 'AssessmentAuthorised', factors: ['21'], outcome: 'nfa' }],
    ['2023-01-10', { type: 'CaseClosed', reason: 'RC8' }],
  ]);
  const d = stream('D', [
    ['2021-01-04', reg('2005-04-15')],
    ...referred('2021-01-04', 'D-1'),
    ['2021-01-04', { type: 'PeriodOfCareStarted', legalStatus: 'V2', placement: 'U6', provider: 'PR4', needCode: 'N4' }],
  ]);
  const e = stream('E', [['2023-02-20', reg('2010-02-02')], ...referred('2023-02-20', 'E-1'), ['2023-02-20', { type: 'AssessmentStarted' }]]);
  // from a care return alone (SSDA903 has no referrals): looked after with no episode of need
  const f = stream('F', [
    ['2020-06-01', reg('2006-05-01')],
    ['2020-06-01', { type: 'PeriodOfCareStarted', legalStatus: 'C2', placement: 'K2', provider: 'PR4', needCode: 'N6' }],
  ]);
  return [...a, ...b, ...c, ...d, ...e, ...f];
}

describe('opening from an imported history', () => {
  it('emits the history first, in date order, then continues each child from the state it implies', () => {
    const history = importedHistory();
    const events = collect(baseline, { months: 18, opening: { children: [], history } });
    const sorted = [...history].sort((x, y) => parseIsoDate(x.date) - parseIsoDate(y.date));
    expect(events.slice(0, history.length)).toEqual(sorted);
    const checker = new StreamChecker();
    const journeys = new JourneyValidator();
    for (const e of events) {
      journeys.check(e);
      if (e.childId !== 'F') checker.add(e);
    }
    expect(checker.violations).toEqual([]);
    // F leaves care by its 18th birthday, and nothing closes an episode it never had
    const fLive = events.filter((e) => e.childId === 'F' && parseIsoDate(e.date) >= START);
    expect(fLive.map((e) => e.type)).toContain('PeriodOfCareEnded');
    expect(fLive.some((e) => e.type === 'CaseClosed' || e.type === 'CinPlanStarted')).toBe(false);
    expect(parseIsoDate(fLive.find((e) => e.type === 'PeriodOfCareEnded')!.date)).toBeLessThanOrEqual(parseIsoDate('2024-05-01'));
    const live = (id: string) => events.filter((e) => e.childId === id && parseIsoDate(e.date) >= START);
    // A stays in care until it leaves: no second period of care while looked after
    expect(live('A').every((e) => e.type !== 'PeriodOfCareStarted' || live('A').some((x) => x.type === 'PeriodOfCareEnded' && x.version < e.version))).toBe(true);
    // B continues its CP plan: its next CP event ends the plan; any later plan counts both earlier ones
    const bLive = live('B');
    if (bLive.length > 0) expect(bLive[0].type).toBe('CpPlanEnded');
    for (const e of bLive) if (e.type === 'CpPlanStarted') expect(e.previousPlans).toBe(2);
    expect(bLive[0]?.version ?? 12).toBe(12);
    // D turns 18 on 15 April 2023 and leaves care that day
    const dEnd = live('D').find((e) => e.type === 'PeriodOfCareEnded');
    expect(dEnd?.date).toBe('2023-04-15');
    expect(dEnd!.version).toBe(live('D').indexOf(dEnd!) + 6);
    // E's assessment is authorised
    expect(live('E')[0].type).toBe('AssessmentAuthorised');
    // C, closed, can only come back through a new contact
    const cLive = live('C');
    if (cLive.length > 0) expect(cLive[0].type).toBe('ContactReceived');
    // new children do not reuse imported ids
    expect(events.filter((e) => e.type === 'ChildRegistered' && ['A', 'B', 'C', 'D', 'E', 'F'].includes(e.childId))).toHaveLength(6);
  });

  it('refuses a history with a version gap, an event after the start or a stream not starting with ChildRegistered', () => {
    const history = importedHistory();
    const gap = history.map((e) => (e.childId === 'B' && e.version === 5 ? { ...e, version: 6 } : e));
    expect(() => collect(baseline, { months: 1, opening: { children: [], history: gap } })).toThrow(HistoryError);
    expect(() => collect(baseline, { months: 1, opening: { children: [], history: gap } })).toThrow(/B on 2022-10-01\): version 6, expected 5/);
    const late = [...history, parseEvent({ type: 'CaseClosed', childId: 'C', date: '2023-03-02', version: 8, schema: 1, reason: 'RC7' })];
    expect(() => collect(baseline, { months: 1, opening: { children: [], history: late } })).toThrow(/not before the start month 2023-03/);
    const headless = history.filter((e) => !(e.childId === 'E' && e.type === 'ChildRegistered'));
    expect(() => collect(baseline, { months: 1, opening: { children: [], history: headless } })).toThrow(/ContactReceived for E on 2023-02-20\): the child's first event must be ChildRegistered/);
  });
});

describe('the stream checker', () => {
  const events = collect(baseline, { seed: 2, months: 3 });

  function violationsOf(evs: readonly CaseEvent[]): string[] {
    const c = new StreamChecker();
    for (const e of evs) c.add(e);
    return c.violations.map((v) => v.rule);
  }

  it('passes the engine output and catches broken journeys', () => {
    expect(violationsOf(events)).toEqual([]);
    const care = events.findIndex((e) => e.type === 'PeriodOfCareStarted' && parseIsoDate(e.date) >= START);
    const twice = [...events.slice(0, care + 1), { ...events[care], version: events[care].version + 1 } as CaseEvent, ...events.slice(care + 1)];
    expect(violationsOf(twice)).toContain('entering care while on a plan or in care');
    const re = events.findIndex((e) => e.type === 'ReferralAccepted' && parseIsoDate(e.date) >= START);
    const flipped = events.map((e, i) => (i === re && e.type === 'ReferralAccepted' ? { ...e, isRereferral: !e.isRereferral } : e));
    expect(violationsOf(flipped).some((r) => r.startsWith('isRereferral'))).toBe(true);
    const closed = events.findIndex((e) => e.type === 'CpPlanEnded');
    expect(violationsOf(events.filter((_, i) => i !== closed)).length).toBeGreaterThan(0);
  });
});
