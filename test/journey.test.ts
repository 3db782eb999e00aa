import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  brokenRule,
  checkAndApply,
  dayOfIso,
  decide,
  evolve,
  evolveInPlace,
  initialJourney,
  JourneyRuleError,
  JourneyValidator,
  JOURNEY_RULES,
  type JourneyRule,
  type JourneyState,
} from '../src/events/journey.ts';
import { EVENT_TYPES, SCHEMA_VERSION, type CaseEvent, type EventType, type NewEvent } from '../src/events/schema.ts';
import { isoDate, parseIsoDate } from '../src/calendar/index.ts';
import { sampleCommand } from './helpers/sample.ts';
import { given, recorded } from './helpers/journey.ts';

// ---------------------------------------------------------------------------------------------
// The specification, written independently of the implementation: for each event type, the
// flags it requires (in the order the rules are checked) and the flags it sets.

const FLAGS = ['contactOpen', 'caseOpen', 'assessmentOpen', 's47Open', 'cinPlanOpen', 'cpPlanOpen', 'lookedAfter'] as const;
type Flag = (typeof FLAGS)[number];
type Flags = Record<Flag, boolean>;

const REQUIRES: Record<EventType, [Flag, boolean, JourneyRule][]> = {
  ChildRegistered: [],
  ContactReceived: [['contactOpen', false, 'contact-already-open']],
  ContactConcluded: [['contactOpen', true, 'contact-not-open']],
  ReferralAccepted: [['caseOpen', false, 'case-already-open']],
  AssessmentStarted: [
    ['caseOpen', true, 'case-not-open'],
    ['assessmentOpen', false, 'assessment-already-open'],
  ],
  AssessmentAuthorised: [['assessmentOpen', true, 'assessment-not-open']],
  StrategyDiscussionHeld: [['caseOpen', true, 'case-not-open']],
  Section47Started: [
    ['caseOpen', true, 'case-not-open'],
    ['s47Open', false, 's47-already-open'],
  ],
  Section47Concluded: [['s47Open', true, 's47-not-open']],
  IcpcHeld: [['caseOpen', true, 'case-not-open']],
  CinPlanStarted: [['cinPlanOpen', false, 'cin-plan-already-open']],
  CinPlanEnded: [['cinPlanOpen', true, 'cin-plan-not-open']],
  CpPlanStarted: [['cpPlanOpen', false, 'cp-plan-already-open']],
  CpPlanEnded: [['cpPlanOpen', true, 'cp-plan-not-open']],
  PeriodOfCareStarted: [['lookedAfter', false, 'already-looked-after']],
  EpisodeChanged: [['lookedAfter', true, 'not-looked-after']],
  PeriodOfCareEnded: [['lookedAfter', true, 'not-looked-after']],
  CaseClosed: [
    ['caseOpen', true, 'case-not-open'],
    ['assessmentOpen', false, 'case-has-open-assessment'],
    ['s47Open', false, 'case-has-open-s47'],
    ['cinPlanOpen', false, 'case-has-open-cin-plan'],
    ['cpPlanOpen', false, 'case-has-open-cp-plan'],
    ['lookedAfter', false, 'case-closed-while-looked-after'],
  ],
  CareLeaverStatusRecorded: [['lookedAfter', false, 'already-looked-after']],
};

const EFFECTS: Partial<Record<EventType, Partial<Flags>>> = {
  ContactReceived: { contactOpen: true },
  ContactConcluded: { contactOpen: false },
  ReferralAccepted: { caseOpen: true },
  AssessmentStarted: { assessmentOpen: true },
  AssessmentAuthorised: { assessmentOpen: false },
  Section47Started: { s47Open: true },
  Section47Concluded: { s47Open: false },
  CinPlanStarted: { cinPlanOpen: true },
  CinPlanEnded: { cinPlanOpen: false },
  CpPlanStarted: { cpPlanOpen: true },
  CpPlanEnded: { cpPlanOpen: false },
  PeriodOfCareStarted: { lookedAfter: true },
  PeriodOfCareEnded: { lookedAfter: false },
  CaseClosed: { caseOpen: false },
};

/** The rule the specification says `type` breaks with these flags (registered child), if any. */
function expectedRule(flags: Flags, type: EventType): JourneyRule | undefined {
  if (type === 'ChildRegistered') return 'already-registered';
  for (const [flag, required, rule] of REQUIRES[type]) if (flags[flag] !== required) return rule;
  return undefined;
}

function flagsOf(mask: number): Flags {
  const f = {} as Flags;
  FLAGS.forEach((name, i) => (f[name] = (mask & (1 << i)) !== 0));
  return f;
}

function pickFlags(s: Readonly<JourneyState>): Flags {
  const f = {} as Flags;
  for (const name of FLAGS) f[name] = s[name];
  return f;
}

const DAY = '2023-03-15';

function registeredState(flags: Flags, extra: Partial<JourneyState> = {}): JourneyState {
  return { ...initialJourney('c1'), registered: true, version: 7, lastDay: parseIsoDate(DAY), dob: parseIsoDate('2015-01-01'), ...flags, ...extra };
}

function ruleOf(fn: () => unknown): JourneyRule | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof JourneyRuleError) return err.rule;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------

describe('transition table (every flag combination x every event type)', () => {
  it('accepts or refuses exactly as the specification says, and applies the specified effects', () => {
    let accepted = 0;
    let refused = 0;
    for (let mask = 0; mask < 1 << FLAGS.length; mask++) {
      const flags = flagsOf(mask);
      for (const type of EVENT_TYPES) {
        const state = Object.freeze(registeredState(flags));
        const before = { ...state };
        const cmd = sampleCommand(type, 'c1', DAY);
        const want = expectedRule(flags, type);
        const got = ruleOf(() => decide(cmd, state));
        expect({ mask, type, rule: got }).toEqual({ mask, type, rule: want });
        expect(brokenRule(state, cmd)).toBe(want);
        expect(state).toEqual(before);
        if (want !== undefined) {
          refused++;
          continue;
        }
        accepted++;
        const events = decide(cmd, state);
        expect(events).toHaveLength(1);
        expect(events[0]).toEqual({ ...cmd, version: 8, schema: SCHEMA_VERSION });
        const next = evolve(state, events[0]);
        expect(pickFlags(next)).toEqual({ ...flags, ...EFFECTS[type] });
        expect(next.version).toBe(8);
        expect(next.lastDay).toBe(parseIsoDate(DAY));
      }
    }
    // sanity of the table itself: both outcomes occur many times
    expect(accepted).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it('refuses every event but ChildRegistered before registration, and ChildRegistered only once', () => {
    const s0 = initialJourney('c1');
    for (const type of EVENT_TYPES) {
      const rule = ruleOf(() => decide(sampleCommand(type, 'c1', DAY), s0));
      expect({ type, rule }).toEqual({ type, rule: type === 'ChildRegistered' ? undefined : 'not-registered' });
    }
    const [reg] = decide(sampleCommand('ChildRegistered', 'c1', DAY), s0);
    expect(reg.version).toBe(1);
    const s1 = evolve(s0, reg);
    expect(s1.registered).toBe(true);
    expect(s1.dob).toBe(parseIsoDate((reg as Extract<CaseEvent, { type: 'ChildRegistered' }>).dateOfBirth));
    expect(ruleOf(() => decide(sampleCommand('ChildRegistered', 'c1', DAY), s1))).toBe('already-registered');
  });

  it('every rule id in the catalogue is produced by some input', () => {
    const seen = new Set<JourneyRule>();
    for (let mask = 0; mask < 1 << FLAGS.length; mask++) {
      for (const type of EVENT_TYPES) {
        const r = brokenRule(registeredState(flagsOf(mask)), sampleCommand(type, 'c1', DAY));
        if (r) seen.add(r);
      }
    }
    seen.add(brokenRule(initialJourney('c1'), sampleCommand('CinPlanEnded', 'c1', DAY))!);
    seen.add(brokenRule(registeredState(flagsOf(0)), sampleCommand('ContactReceived', 'c2', DAY))!);
    seen.add(brokenRule(registeredState(flagsOf(0)), sampleCommand('ContactReceived', 'c1', '2023-03-14'))!);
    seen.add(brokenRule(registeredState(flagsOf(0)), sampleCommand('ContactReceived', 'c1', '15/03/2023'))!);
    seen.add(brokenRule(registeredState(flagsOf(0), { cpPlans: 2 }), sampleCommand('CpPlanStarted', 'c1', DAY, 1))!);
    seen.add(brokenRule(registeredState(flagsOf(0)), { type: 'Adopted', childId: 'c1', date: DAY } as unknown as NewEvent)!);
    const v = new JourneyValidator();
    try {
      v.check({ ...sampleCommand('ChildRegistered', 'c1', DAY), version: 2, schema: 1 } as CaseEvent);
    } catch (err) {
      seen.add((err as JourneyRuleError).rule);
    }
    expect([...seen].sort()).toEqual([...JOURNEY_RULES].sort());
  });
});

describe('dates, streams and rule order', () => {
  const open = registeredState(flagsOf(0));

  it('refuses a date before the previous event and accepts the same day', () => {
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c1', '2023-03-14'), open))).toBe('date-before-previous');
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c1', DAY), open))).toBeUndefined();
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c1', '2023-03-16'), open))).toBeUndefined();
  });

  it('refuses a malformed date and an event for another child', () => {
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c1', '2023-3-15'), open))).toBe('invalid-date');
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c1', '2023-13-01'), open))).toBe('invalid-date');
    expect(ruleOf(() => decide(sampleCommand('ContactReceived', 'c2', DAY), open))).toBe('wrong-stream');
  });

  it('reports the first broken rule in the documented order', () => {
    // wrong stream beats everything, registration beats dates, dates beat type rules
    expect(brokenRule(initialJourney('c1'), sampleCommand('CpPlanEnded', 'c2', '1999-01-01'))).toBe('wrong-stream');
    expect(brokenRule({ ...initialJourney('c1'), lastDay: parseIsoDate(DAY) }, sampleCommand('CpPlanEnded', 'c1', '1999-01-01'))).toBe('not-registered');
    expect(brokenRule(open, sampleCommand('CpPlanEnded', 'c1', '1999-01-01'))).toBe('date-before-previous');
    // CaseClosed lists its blockers in order
    const all = registeredState({ ...flagsOf(0), caseOpen: true, assessmentOpen: true, s47Open: true, cinPlanOpen: true, cpPlanOpen: true, lookedAfter: true });
    expect(brokenRule(all, sampleCommand('CaseClosed', 'c1', DAY))).toBe('case-has-open-assessment');
    expect(brokenRule({ ...all, assessmentOpen: false }, sampleCommand('CaseClosed', 'c1', DAY))).toBe('case-has-open-s47');
  });

  it('JourneyRuleError carries childId, eventType and rule, and its message names all three', () => {
    try {
      decide(sampleCommand('CpPlanEnded', 'c1', DAY), open);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(JourneyRuleError);
      const e = err as JourneyRuleError;
      expect([e.childId, e.eventType, e.rule]).toEqual(['c1', 'CpPlanEnded', 'cp-plan-not-open']);
      expect(e.message).toContain('c1');
      expect(e.message).toContain('CpPlanEnded');
      expect(e.message).toContain('cp-plan-not-open');
    }
  });
});

describe('journey stories', () => {
  const start = recorded([sampleCommand('ChildRegistered', 'c1', DAY), sampleCommand('ContactReceived', 'c1', DAY)]);

  it('a contact concluded after it was received is recorded as the next version', () => {
    given(start)
      .when(sampleCommand('ContactConcluded', 'c1', DAY))
      .then([{ ...sampleCommand('ContactConcluded', 'c1', DAY), version: 3, schema: SCHEMA_VERSION } as CaseEvent]);
  });

  it('a second contact while one is open is refused, and so is a contact for another child', () => {
    given(start).when(sampleCommand('ContactReceived', 'c1', DAY)).thenRefused('contact-already-open');
    given(start).when(sampleCommand('ContactConcluded', 'c2', DAY)).thenRefused('wrong-stream');
  });

  it('an opening-stock child on a third plan: the next plan must carry the running count', () => {
    const onThirdPlan = recorded([sampleCommand('ChildRegistered', 'c1', DAY), sampleCommand('CpPlanStarted', 'c1', DAY, 2), sampleCommand('CpPlanEnded', 'c1', DAY)]);
    given(onThirdPlan).when(sampleCommand('CpPlanStarted', 'c1', DAY, 2)).thenRefused('cp-previous-plans-mismatch');
    const after = given(onThirdPlan)
      .when(sampleCommand('CpPlanStarted', 'c1', DAY, 3))
      .then([{ ...sampleCommand('CpPlanStarted', 'c1', DAY, 3), version: 4, schema: SCHEMA_VERSION } as CaseEvent]);
    expect(after.cpPlans).toBe(4);
  });
});

describe('CP plan counts', () => {
  it('accepts any previousPlans on the first CP plan of a stream, then requires the running count', () => {
    let s = registeredState(flagsOf(0));
    expect(s.cpPlans).toBe(-1);
    // an opening-stock child already on a third plan
    const [first] = decide(sampleCommand('CpPlanStarted', 'c1', DAY, 2), s);
    s = evolve(s, first);
    expect(s.cpPlans).toBe(3);
    s = evolve(s, decide(sampleCommand('CpPlanEnded', 'c1', DAY), s)[0]);
    for (const wrong of [0, 2, 4]) {
      expect(ruleOf(() => decide(sampleCommand('CpPlanStarted', 'c1', DAY, wrong), s))).toBe('cp-previous-plans-mismatch');
    }
    const [fourth] = decide(sampleCommand('CpPlanStarted', 'c1', DAY, 3), s);
    expect(evolve(s, fourth).cpPlans).toBe(4);
  });
});

describe('a whole journey that cycles', () => {
  it('is accepted end to end, with counters for referrals, periods of care and CP plans', () => {
    const steps: [EventType, string, number?][] = [
      ['ChildRegistered', '2021-01-04'],
      ['ContactReceived', '2021-01-04'],
      ['ContactConcluded', '2021-01-05'],
      ['ReferralAccepted', '2021-01-05'],
      ['AssessmentStarted', '2021-01-06'],
      ['StrategyDiscussionHeld', '2021-01-08'],
      ['Section47Started', '2021-01-08'],
      ['Section47Concluded', '2021-01-20'],
      ['IcpcHeld', '2021-01-27'],
      ['CpPlanStarted', '2021-01-27', 0],
      ['AssessmentAuthorised', '2021-02-10'],
      ['PeriodOfCareStarted', '2021-06-01'],
      ['CpPlanEnded', '2021-06-01'],
      ['EpisodeChanged', '2021-09-01'],
      ['PeriodOfCareEnded', '2022-03-01'],
      ['CaseClosed', '2022-04-01'],
      // referred again, a second CP plan, back into care
      ['ContactReceived', '2023-01-09'],
      ['ContactConcluded', '2023-01-09'],
      ['ReferralAccepted', '2023-01-10'],
      ['CinPlanStarted', '2023-02-01'],
      ['CinPlanEnded', '2023-05-01'],
      ['CpPlanStarted', '2023-05-01', 1],
      ['PeriodOfCareStarted', '2023-08-01'],
      ['CpPlanEnded', '2023-08-01'],
    ];
    let s = initialJourney('c9');
    const log: CaseEvent[] = [];
    for (const [type, date, prev] of steps) {
      const [e] = decide(sampleCommand(type, 'c9', date, prev ?? 0), s);
      log.push(e);
      s = evolve(s, e);
    }
    expect(log.map((e) => e.version)).toEqual(steps.map((_, i) => i + 1));
    expect(s).toMatchObject({ referrals: 2, periodsOfCare: 2, cpPlans: 2, lookedAfter: true, caseOpen: true, cpPlanOpen: false, version: steps.length });
    // closing while in care is refused; so is a third plan with a wrong count
    expect(ruleOf(() => decide(sampleCommand('CaseClosed', 'c9', '2023-09-01'), s))).toBe('case-closed-while-looked-after');
    expect(ruleOf(() => decide(sampleCommand('CpPlanStarted', 'c9', '2023-09-01', 0), s))).toBe('cp-previous-plans-mismatch');
    // a direct entry to care needs no open case
    const other = evolve(initialJourney('u1'), decide(sampleCommand('ChildRegistered', 'u1', '2023-01-01'), initialJourney('u1'))[0]);
    expect(ruleOf(() => decide(sampleCommand('PeriodOfCareStarted', 'u1', '2023-01-02'), other))).toBeUndefined();
  });
});

describe('evolve and the validator', () => {
  it('the validator (dense states) agrees with checkAndApply on a Map of states for any interleaved log, good or bad', () => {
    const ids = ['N1', 'N2', 'O7', 'child-x'];
    const dates = ['2023-03-14', '2023-03-15', '2023-03-16', '2023-02-30x', '2023-03-15'];
    const step = fc.record({ child: fc.nat(ids.length - 1), type: fc.nat(EVENT_TYPES.length - 1), date: fc.nat(dates.length - 1), versionOff: fc.constantFrom(0, 0, 0, 0, 1, -1), plans: fc.nat(3), allowed: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        const v = new JourneyValidator();
        const ref = new Map<string, JourneyState>();
        for (const s of steps) {
          const id = ids[s.child];
          const refState = ref.get(id) ?? initialJourney(id);
          // half the steps are events the rules allow (right version, no earlier date), so that streams get far
          let e: CaseEvent;
          if (s.allowed) {
            const date = refState.lastDay > dayOfIso(DAY) ? '2023-03-16' : DAY;
            const ok = EVENT_TYPES.filter((t) => brokenRule(refState, sampleCommand(t, id, date, Math.max(0, refState.cpPlans))) === undefined);
            e = { ...sampleCommand(ok[s.type % ok.length], id, date, Math.max(0, refState.cpPlans)), version: refState.version + 1, schema: SCHEMA_VERSION } as CaseEvent;
          } else {
            const cmd = sampleCommand(EVENT_TYPES[s.type], id, DAY, s.plans);
            e = { ...cmd, date: dates[s.date], version: refState.version + 1 + s.versionOff, schema: SCHEMA_VERSION } as CaseEvent;
          }
          let want: string | undefined;
          try {
            const next = { ...refState };
            checkAndApply(next, e);
            ref.set(id, next);
          } catch (err) {
            want = (err as JourneyRuleError).rule;
          }
          let got: string | undefined;
          try {
            v.check(e);
          } catch (err) {
            got = (err as JourneyRuleError).rule;
          }
          expect(got).toBe(want);
          expect(v.state(id)).toEqual(ref.get(id));
        }
        expect(v.streams).toBe(ref.size);
      }),
      { numRuns: 300 },
    );
  });

  it('evolve never modifies its input; evolveInPlace does', () => {
    const s = Object.freeze(registeredState(flagsOf(0)));
    const [e] = decide(sampleCommand('ReferralAccepted', 'c1', DAY), s);
    const next = evolve(s, e);
    expect(next).not.toBe(s);
    expect(s.caseOpen).toBe(false);
    expect(next.caseOpen).toBe(true);
    expect(() => evolveInPlace(s as JourneyState, e)).toThrow(TypeError); // frozen: in-place mutation is visible
    const m = registeredState(flagsOf(0));
    expect(evolveInPlace(m, e)).toBe(m);
    expect(m.caseOpen).toBe(true);
  });

  it('JourneyValidator checks versions per stream across an interleaved log and keeps state on refusal', () => {
    const v = new JourneyValidator();
    const ev = (type: EventType, child: string, version: number, date = DAY) => ({ ...sampleCommand(type, child, date), version, schema: 1 }) as CaseEvent;
    v.check(ev('ChildRegistered', 'a', 1));
    v.check(ev('ChildRegistered', 'b', 1));
    v.check(ev('ReferralAccepted', 'a', 2));
    v.check(ev('ContactReceived', 'b', 2));
    expect(v.streams).toBe(2);
    const before = { ...v.state('a')! };
    expect(ruleOf(() => v.check(ev('AssessmentStarted', 'a', 4)))).toBe('version-not-contiguous');
    expect(ruleOf(() => v.check(ev('AssessmentStarted', 'a', 2)))).toBe('version-not-contiguous');
    expect(ruleOf(() => v.check(ev('CaseClosed', 'a', 3, '2023-01-01')))).toBe('date-before-previous');
    expect(v.state('a')).toEqual(before);
    expect(ruleOf(() => v.check(ev('ContactReceived', 'c', 1)))).toBe('not-registered');
    expect(ruleOf(() => v.check(ev('ChildRegistered', 'c', 2)))).toBe('version-not-contiguous');
    expect(v.state('c')).toBeUndefined();
    expect(v.streams).toBe(2);
    v.check(ev('AssessmentStarted', 'a', 3));
    expect(v.state('a')!.assessmentOpen).toBe(true);
  });

  it('dayOfIso agrees with the calendar for every day 1900-2199, and rejects bad shapes', () => {
    fc.assert(
      fc.property(fc.integer({ min: parseIsoDate('1900-01-01'), max: parseIsoDate('2199-12-31') }), (d) => {
        expect(dayOfIso(isoDate(d))).toBe(d);
      }),
      { numRuns: 2000 },
    );
    for (const bad of ['2023-1-01', '2023/01/01', '2023-00-10', '2023-01-32', 'abcd-ef-gh', '', '20230101xx']) expect(dayOfIso(bad)).toBeNaN();
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random command sequences.

const commandArb = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  gap: fc.integer({ min: -3, max: 40 }),
  prev: fc.nat(4),
  variant: fc.nat(60),
});

describe('properties of random command sequences', () => {
  it('accepted events keep every invariant; refused commands change nothing; replay reproduces every decision state', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 80 }), (cmds) => {
        let state = initialJourney('k');
        let day = parseIsoDate('2020-01-01');
        const accepted: CaseEvent[] = [];
        const statesBefore: JourneyState[] = [];
        // registration first, so most sequences get somewhere
        const all = [{ type: 'ChildRegistered' as EventType, gap: 0, prev: 0, variant: 0 }, ...cmds];
        for (const c of all) {
          const d = day + c.gap;
          const cmd = sampleCommand(c.type, 'k', isoDate(d), c.prev, c.variant);
          const snapshot = structuredClone(state);
          const rule = brokenRule(state, cmd);
          let events: CaseEvent[] | undefined;
          try {
            events = decide(cmd, state);
          } catch (err) {
            expect(err).toBeInstanceOf(JourneyRuleError);
            expect((err as JourneyRuleError).rule).toBe(rule);
          }
          expect(state).toEqual(snapshot); // decide is pure either way
          if (events === undefined) continue;
          expect(rule).toBeUndefined();
          statesBefore.push(snapshot);
          accepted.push(events[0]);
          state = evolve(state, events[0]);
          day = Math.max(day, d);
        }

        // versions contiguous, dates never go back, registration once and first
        expect(accepted.map((e) => e.version)).toEqual(accepted.map((_, i) => i + 1));
        for (let i = 1; i < accepted.length; i++) expect(accepted[i].date >= accepted[i - 1].date).toBe(true);
        expect(accepted.filter((e) => e.type === 'ChildRegistered')).toHaveLength(1);
        expect(accepted[0].type).toBe('ChildRegistered');

        // counted independently from the events: never in care twice at once, never two CP plans
        // (or two of anything else) open at once
        const open: Record<string, number> = {};
        const pairs: [EventType, EventType][] = [
          ['PeriodOfCareStarted', 'PeriodOfCareEnded'],
          ['CpPlanStarted', 'CpPlanEnded'],
          ['CinPlanStarted', 'CinPlanEnded'],
          ['Section47Started', 'Section47Concluded'],
          ['AssessmentStarted', 'AssessmentAuthorised'],
          ['ContactReceived', 'ContactConcluded'],
          ['ReferralAccepted', 'CaseClosed'],
        ];
        for (const e of accepted) {
          for (const [start, end] of pairs) {
            if (e.type === start) open[start] = (open[start] ?? 0) + 1;
            if (e.type === end) open[start] = (open[start] ?? 0) - 1;
            expect(open[start] ?? 0).toBeGreaterThanOrEqual(0);
            expect(open[start] ?? 0).toBeLessThanOrEqual(1);
          }
          // a case closes with no assessment, S47, CIN plan or CP plan open and the child not in care
          if (e.type === 'CaseClosed') for (const [start] of pairs.slice(0, 5)) expect(open[start] ?? 0).toBe(0);
        }
        expect(state.lookedAfter).toBe((open.PeriodOfCareStarted ?? 0) === 1);
        expect(state.cpPlanOpen).toBe((open.CpPlanStarted ?? 0) === 1);

        // the validator, replaying the stored events, sees exactly the states decide saw
        const v = new JourneyValidator();
        accepted.forEach((e, i) => {
          if (i > 0) expect(v.state('k')).toEqual(statesBefore[i]);
          v.check(e);
        });
        expect(v.state('k')).toEqual(state);
        // and so does a plain fold of evolve
        expect(accepted.reduce(evolve, initialJourney('k'))).toEqual(state);
      }),
      { numRuns: 400 },
    );
  });

  it('a model walk only ever picks allowed events, and brokenRule agrees with the specification in every reached state', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 150 }), (choices) => {
        let state = evolve(initialJourney('m'), decide(sampleCommand('ChildRegistered', 'm', DAY), initialJourney('m'))[0]);
        let model: Flags = flagsOf(0);
        for (const choice of choices) {
          const allowed = EVENT_TYPES.filter((t) => expectedRule(model, t) === undefined);
          for (const t of EVENT_TYPES) {
            const prev = Math.max(0, state.cpPlans);
            expect({ t, rule: brokenRule(state, sampleCommand(t, 'm', DAY, prev)) }).toEqual({ t, rule: expectedRule(model, t) });
          }
          const type = allowed[choice % allowed.length];
          const [e] = decide(sampleCommand(type, 'm', DAY, Math.max(0, state.cpPlans), choice), state);
          state = evolve(state, e);
          model = { ...model, ...EFFECTS[type] };
          expect(pickFlags(state)).toEqual(model);
        }
      }),
      { numRuns: 200 },
    );
  });
});
