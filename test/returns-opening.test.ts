import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importReturns, openingFromEvents } from '../src/returns/index.ts';
import { parseIsoDate } from '../src/calendar/index.ts';
import { SCHEMA_VERSION, type CaseEvent, type NewEvent } from '../src/events/index.ts';
import { JourneyValidator } from '../src/events/journey.ts';

const DATA = fileURLToPath(new URL('../../shared/data/fixtures/', import.meta.url));
const d = parseIsoDate;

/** Stamps each child's events with versions 1, 2, … */
function stamp(events: NewEvent[]): CaseEvent[] {
  const v = new Map<string, number>();
  return events.map((e) => {
    const n = (v.get(e.childId) ?? 0) + 1;
    v.set(e.childId, n);
    return { ...e, version: n, schema: SCHEMA_VERSION } as CaseEvent;
  });
}

const reg = (childId: string, date: string, dob: string, sex: 'M' | 'F' | 'U' = 'M', uasc = false): NewEvent => ({
  type: 'ChildRegistered',
  childId,
  date,
  dateOfBirth: dob,
  sex,
  ethnicity: 'WBRI',
  disability: false,
  uasc,
});

const HISTORY = stamp([
  reg('A', '2021-01-10', '2010-06-15', 'M', true),
  { type: 'PeriodOfCareStarted', childId: 'A', date: '2021-01-10', legalStatus: 'C2', placement: 'U4', provider: 'PR1', needCode: 'N1', route: 'uasc' },
  { type: 'EpisodeChanged', childId: 'A', date: '2021-09-01', rne: 'P', legalStatus: 'C2', placement: 'U6', provider: 'PR4' },
  { type: 'EpisodeChanged', childId: 'A', date: '2022-01-15', rne: 'L', legalStatus: 'E1', placement: 'U6', provider: 'PR4' },
  { type: 'EpisodeChanged', childId: 'A', date: '2022-05-01', rne: 'P', legalStatus: 'E1', placement: 'K2', provider: 'PR4' },
  { type: 'PeriodOfCareEnded', childId: 'A', date: '2023-06-01', rec: 'E11' },
  reg('B', '2022-01-01', '2015-02-02', 'F'),
  { type: 'ReferralAccepted', childId: 'B', date: '2022-01-01', referralId: 'B/1', source: '6', isRereferral: false },
  { type: 'CpPlanStarted', childId: 'B', date: '2022-02-01', category: 'NEG', previousPlans: 2 },
  reg('C', '2022-03-01', '2018-03-03', 'U'),
  { type: 'ReferralAccepted', childId: 'C', date: '2022-03-01', referralId: 'C/1', source: '2A', isRereferral: false },
  { type: 'AssessmentStarted', childId: 'C', date: '2022-03-02' },
  { type: 'AssessmentAuthorised', childId: 'C', date: '2022-04-10', factors: ['21'], outcome: 'cin' },
  { type: 'CinPlanStarted', childId: 'C', date: '2022-04-10', needCode: 'N5' },
  reg('D', '2021-01-01', '2012-01-01'),
  { type: 'ReferralAccepted', childId: 'D', date: '2021-01-01', referralId: 'D/1', source: '1A', isRereferral: false },
  { type: 'CaseClosed', childId: 'D', date: '2021-05-01', reason: 'RC7' },
  reg('E', '2022-07-01', '2012-01-01'),
  { type: 'ReferralAccepted', childId: 'E', date: '2022-07-01', referralId: 'E/1', source: '1A', isRereferral: false },
  { type: 'StrategyDiscussionHeld', childId: 'E', date: '2022-07-05' },
  { type: 'Section47Started', childId: 'E', date: '2022-07-05' },
  { type: 'Section47Concluded', childId: 'E', date: '2022-07-20', outcome: 'nfa' },
]).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.childId < b.childId ? -1 : 1));

describe('openingFromEvents: known answers', () => {
  it('the history is a valid log', () => {
    const v = new JourneyValidator();
    for (const e of [...HISTORY].sort((a, b) => a.version - b.version)) v.check(e);
  });

  it('at 30 June 2022: A in care, B on a CP plan, C on a CIN plan; D closed and E not yet referred', () => {
    const s = openingFromEvents(HISTORY, '2022-06-30');
    expect(s.children).toEqual([
      {
        childId: 'A',
        dateOfBirth: d('2010-06-15'),
        sex: 'M',
        ethnicity: 'WBRI',
        uasc: true,
        state: 'cla',
        since: d('2021-01-10'),
        legalStatus: 'E1',
        placement: 'K2',
        provider: 'PR4',
        // placements starting in the 12 months to 30 June 2022 (the legal-status change is not a move)
        placementStarts: [d('2021-09-01'), d('2022-05-01')],
        route: 'uasc',
      },
      { childId: 'B', dateOfBirth: d('2015-02-02'), sex: 'F', ethnicity: 'WBRI', uasc: false, lastReferral: d('2022-01-01'), state: 'cp', since: d('2022-02-01'), previousCpPlans: 2 },
      { childId: 'C', dateOfBirth: d('2018-03-03'), sex: 'U', ethnicity: 'WBRI', uasc: false, lastReferral: d('2022-03-01'), state: 'cin', since: d('2022-04-10'), cinActivity: 'plan' },
    ]);
    expect(s.recentlyClosed).toEqual([]);
    expect(s.history!.every((e) => e.date <= '2022-06-30' && ['A', 'B', 'C'].includes(e.childId))).toBe(true);
    expect(s.history!.length).toBe(HISTORY.filter((e) => e.date <= '2022-06-30' && ['A', 'B', 'C'].includes(e.childId)).length);
  });

  it('an open case with no plan is CIN with what is open; the current placement counts even when older than 12 months', () => {
    const s = openingFromEvents(HISTORY, '2022-03-05');
    const c = s.children.find((x) => x.childId === 'C')!;
    expect(c).toMatchObject({ state: 'cin', since: d('2022-03-02'), cinActivity: 'assessment' });
    expect(openingFromEvents(HISTORY, '2022-03-01').children.find((x) => x.childId === 'C')).toMatchObject({ since: d('2022-03-01'), cinActivity: 'assessment' });
    expect(openingFromEvents(HISTORY, '2022-07-10').children.find((x) => x.childId === 'E')).toMatchObject({ since: d('2022-07-05'), cinActivity: 's47' });
    expect(openingFromEvents(HISTORY, '2022-07-20').children.find((x) => x.childId === 'E')).toMatchObject({ since: d('2022-07-01'), cinActivity: 'assessment' });
    const a = openingFromEvents(HISTORY, '2023-01-01').children.find((x) => x.childId === 'A')!;
    expect(a.placementStarts).toEqual([d('2022-05-01')]);
    const early = openingFromEvents(HISTORY, '2022-08-31').children.find((x) => x.childId === 'A')!;
    expect(early.placementStarts).toEqual([d('2021-09-01'), d('2022-05-01')]);
  });

  it('events on the as-at date count: a child leaving care that day is not open', () => {
    expect(openingFromEvents(HISTORY, '2023-05-31').children.map((c) => c.childId)).toContain('A');
    expect(openingFromEvents(HISTORY, '2023-06-01').children.map((c) => c.childId)).not.toContain('A');
    expect(openingFromEvents(HISTORY, '2022-07-01').children.map((c) => c.childId)).toContain('E');
  });

  it('lists children closed with RC7-RC9 whose latest referral was in the last 12 months as recently closed', () => {
    expect(openingFromEvents(HISTORY, '2021-06-30').recentlyClosed).toEqual([
      { childId: 'D', dateOfBirth: d('2012-01-01'), sex: 'M', ethnicity: 'WBRI', lastReferral: d('2021-01-01'), closedOn: d('2021-05-01'), closureReason: 'RC7' },
    ]);
    expect(openingFromEvents(HISTORY, '2022-01-01').recentlyClosed).toEqual([]);
  });

  it('rejects a bad date', () => {
    expect(() => openingFromEvents(HISTORY, '2022-02-30')).toThrow(RangeError);
  });
});

describe('openingFromEvents on an imported SSDA903 stack', () => {
  const { events } = importReturns({
    ssda903: [
      {
        episodes: join(DATA, 'ssda903-regional/episodes.csv'),
        header: join(DATA, 'ssda903-regional/header.csv'),
        uasc: join(DATA, 'ssda903-regional/uasc.csv'),
      },
    ],
  });

  it('the looked-after children at 31 March match a count from the log, with ages, placements and histories', () => {
    for (const asAt of ['2019-03-31', '2021-03-31']) {
      const s = openingFromEvents(events, asAt);
      const inCare = new Map<string, boolean>();
      for (const e of events) {
        if (e.date > asAt) break;
        if (e.type === 'PeriodOfCareStarted') inCare.set(e.childId, true);
        if (e.type === 'PeriodOfCareEnded') inCare.set(e.childId, false);
      }
      const expected = [...inCare].filter(([, v]) => v).map(([k]) => k).sort();
      const cla = s.children.filter((c) => c.state === 'cla');
      expect(cla.map((c) => c.childId)).toEqual(expected);
      for (const c of cla) {
        expect(c.since).toBeLessThanOrEqual(d(asAt));
        expect(c.dateOfBirth).toBeLessThan(c.since + 1);
        expect(c.placement).toBeTruthy();
        expect(c.placementStarts!.length).toBeGreaterThan(0);
        expect(Math.max(...c.placementStarts!)).toBeLessThanOrEqual(d(asAt));
      }
      const first = new Map<string, CaseEvent>();
      for (const e of s.history!) if (!first.has(e.childId)) first.set(e.childId, e);
      expect([...first.keys()].sort()).toEqual(expected);
      for (const e of first.values()) expect(e.type).toBe('ChildRegistered');
      for (const e of s.history!) expect(e.date <= asAt).toBe(true);
    }
  });
});
