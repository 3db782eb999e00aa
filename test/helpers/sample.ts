/**
 * Synthetic, journey-valid event logs for exercising stores and replay (tests, throughput
 * measurements). Not a model of case flow: the next event of a child is drawn uniformly from
 * the event types the journey rules allow, so every path through the state machine occurs.
 * Deterministic for a given seed.
 */
import { Rng } from '../../src/simulation/random.ts';
import { isoDate, parseIsoDate } from '../../src/calendar/index.ts';
import { EVENT_TYPES, type CaseEvent, type EventType, type NewEvent } from '../../src/events/schema.ts';
import { brokenRule, evolveInPlace, initialJourney, type JourneyState } from '../../src/events/journey.ts';
import { SCHEMA_VERSION } from '../../src/events/schema.ts';

/**
 * A schema-valid command of `type` with fixed, valid field values. `previousPlans` (CpPlanStarted)
 * defaults to 0; `variant` picks among a few alternative codes so logs are not all alike.
 */
export function sampleCommand(type: EventType, childId: string, date: string, previousPlans = 0, variant = 0): NewEvent {
  const base = { childId, date };
  const pick = <T>(xs: readonly T[]): T => xs[variant % xs.length];
  switch (type) {
    case 'ChildRegistered':
      return { type, ...base, dateOfBirth: isoDate(parseIsoDate(date) - 365 * (1 + (variant % 16)) - variant), sex: pick(['M', 'F'] as const), ethnicity: pick(['WBRI', 'WIRI', 'MWBC'] as const), disability: variant % 7 === 0, uasc: variant % 11 === 0 };
    case 'ContactReceived':
      return { type, ...base, source: pick(['1A', '2A', '3A', '5A'] as const) };
    case 'ContactConcluded':
      return { type, ...base, outcome: pick(['nfa', 'early_help', 'referral'] as const) };
    case 'ReferralAccepted':
      return { type, ...base, referralId: `${childId}-r${variant}`, source: pick(['1A', '2A', '3A', '5A'] as const), isRereferral: variant % 4 === 0 };
    case 'AssessmentStarted':
    case 'StrategyDiscussionHeld':
    case 'Section47Started':
    case 'CinPlanEnded':
    case 'CpPlanEnded':
      return { type, ...base };
    case 'AssessmentAuthorised':
      return { type, ...base, factors: variant % 2 === 0 ? ['3A', '4A'] : [], outcome: pick(['nfa', 'cin', 's47', 'early_help'] as const) };
    case 'Section47Concluded':
      return { type, ...base, outcome: pick(['icpc', 'cin', 'nfa'] as const) };
    case 'IcpcHeld':
      return { type, ...base, resultedInCpPlan: variant % 3 !== 0 };
    case 'CinPlanStarted':
      return { type, ...base, needCode: pick(['N1', 'N2', 'N3'] as const) };
    case 'CpPlanStarted':
      return { type, ...base, category: pick(['NEG', 'EMO', 'PHY', 'SAB', 'MUL'] as const), previousPlans };
    case 'PeriodOfCareStarted':
      return { type, ...base, legalStatus: pick(['C2', 'V2', 'J2'] as const), placement: pick(['U4', 'U1', 'K2'] as const), provider: pick(['PR1', 'PR4', 'PR2'] as const), needCode: pick(['N1', 'N2'] as const), route: pick(['cp', 'cin', 'direct', 'uasc'] as const) };
    case 'EpisodeChanged':
      return { type, ...base, rne: pick(['P', 'L', 'T'] as const), legalStatus: pick(['C2', 'C1'] as const), placement: pick(['U5', 'U6', 'R1'] as const), provider: pick(['PR1', 'PR5'] as const) };
    case 'PeriodOfCareEnded':
      return { type, ...base, rec: pick(['E4A', 'E41', 'E11', 'E17', 'E8'] as const) };
    case 'CaseClosed':
      return { type, ...base, reason: pick(['RC7', 'RC8', 'RC9'] as const) };
    case 'CareLeaverStatusRecorded':
      return { type, ...base, inTouch: pick(['YES', 'NO', 'YES'] as const), activity: pick(['F2', 'G5', '0'] as const), accommodation: pick(['U1', 'S2', '0'] as const) };
  }
}

export interface SampleLogOptions {
  seed: number;
  /** Number of children. */
  children: number;
  /** Total number of events. */
  events: number;
  /** First date (default 2020-01-01). */
  start?: string;
  /** Mean events per day across all children (default children / 20). */
  eventsPerDay?: number;
}

/**
 * Yields a valid global-order log: events of `children` children interleaved, dates never going
 * back within a stream, versions stamped. Each child starts with ChildRegistered.
 */
export function* sampleLog(opts: SampleLogOptions): Generator<CaseEvent, void, undefined> {
  const rng = Rng.stream(opts.seed, 0x5a3b1e);
  let day = parseIsoDate(opts.start ?? '2020-01-01');
  const perDay = opts.eventsPerDay ?? Math.max(1, opts.children / 20);
  const states: JourneyState[] = [];
  const allowed: EventType[] = [];
  for (let n = 0; n < opts.events; n++) {
    if (rng.uniform() * perDay < 1) day++;
    const date = isoDate(day);
    const k = rng.int(opts.children);
    let state = states[k];
    if (state === undefined) {
      state = initialJourney(`C${String(k).padStart(6, '0')}`);
      states[k] = state;
    }
    allowed.length = 0;
    const prev = state.cpPlans < 0 ? rng.int(3) : state.cpPlans;
    for (const t of EVENT_TYPES) {
      if (brokenRule(state, sampleCommand(t, state.childId, date, prev)) === undefined) allowed.push(t);
    }
    const type = allowed[rng.int(allowed.length)];
    const cmd = sampleCommand(type, state.childId, date, prev, rng.int(1000));
    const event = { ...cmd, version: state.version + 1, schema: SCHEMA_VERSION } as CaseEvent;
    evolveInPlace(state, event);
    yield event;
  }
}
