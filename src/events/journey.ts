/**
 * A child's journey as a state machine, in decider style:
 *
 * - `initialJourney(childId)` is the state before the stream's first event;
 * - `decide(command, state)` turns the intent to record an event (a `NewEvent`) into the stamped
 *   event (`version = state.version + 1`, `schema = SCHEMA_VERSION`), or refuses it with a
 *   `JourneyRuleError` when the sequence is impossible (ending a CP plan that never started,
 *   entering care twice without leaving …);
 * - `evolve(state, event)` folds an accepted event into a new state (`evolveInPlace` mutates,
 *   for hot loops).
 *
 * `JourneyValidator` checks a whole log in global order (one state per child), as the stores
 * and replay do.
 *
 * The state is deliberately small (flags, counters, the last event's day as a day number and
 * the date of birth) so that validating millions of events stays fast. Date validity itself
 * (no 30 February) is the schema's job; the rules here only need dates to be ordered.
 *
 * Rules, checked in this order (the first broken rule is reported):
 *  1. `wrong-stream`: the event's childId is not the stream's.
 *  2. `version-not-contiguous` (stored events only): version must be the previous version + 1.
 *  3. `not-registered`: the first event must be ChildRegistered; `already-registered`: only once.
 *  4. `invalid-date`: the date is not `YYYY-MM-DD`; `date-before-previous`: dates never go back.
 *  5. Per event type (in the order listed):
 *     - ContactReceived: `contact-already-open`.  ContactConcluded: `contact-not-open`.
 *     - ReferralAccepted: `case-already-open` (one episode of need at a time).
 *     - AssessmentStarted: `case-not-open`, `assessment-already-open`.
 *     - AssessmentAuthorised: `assessment-not-open`.
 *     - StrategyDiscussionHeld, IcpcHeld: `case-not-open`.
 *     - Section47Started: `case-not-open`, `s47-already-open`.  Section47Concluded: `s47-not-open`.
 *     - CinPlanStarted: `cin-plan-already-open`.  CinPlanEnded: `cin-plan-not-open`.
 *     - CpPlanStarted: `cp-plan-already-open`, `cp-previous-plans-mismatch`.
 *       CpPlanEnded: `cp-plan-not-open`.
 *     - PeriodOfCareStarted: `already-looked-after` (entering care needs no open case: direct
 *       entries, UASC).  EpisodeChanged, PeriodOfCareEnded: `not-looked-after`.
 *     - CaseClosed: `case-not-open`, `case-has-open-assessment`, `case-has-open-s47`,
 *       `case-has-open-cin-plan`, `case-has-open-cp-plan`, `case-closed-while-looked-after`.
 *  6. `unknown-event-type`: a type outside the catalogue (only unvalidated input can carry one).
 *
 * `previousPlans` on CpPlanStarted is checked "when the state knows": a stream may begin part way
 * through a child's history (an imported return, or an opening stock child already on a repeat
 * plan), so the first CP plan in a stream may carry any count; from then on the state knows the
 * total (`cpPlans`) and every later plan must carry exactly that number.
 *
 * Children can cycle: referred again after closure, a second CP plan, back into care.
 */
import { dayOfIso } from '../calendar/civil.ts';
import { SCHEMA_VERSION, type CaseEvent, type NewEvent } from './schema.ts';

export { dayOfIso };

/** Stable identifiers of the journey rules (see the module comment). */
export const JOURNEY_RULES = [
  'wrong-stream',
  'unknown-event-type',
  'version-not-contiguous',
  'not-registered',
  'already-registered',
  'invalid-date',
  'date-before-previous',
  'contact-already-open',
  'contact-not-open',
  'case-already-open',
  'case-not-open',
  'assessment-already-open',
  'assessment-not-open',
  's47-already-open',
  's47-not-open',
  'cin-plan-already-open',
  'cin-plan-not-open',
  'cp-plan-already-open',
  'cp-plan-not-open',
  'cp-previous-plans-mismatch',
  'already-looked-after',
  'not-looked-after',
  'case-has-open-assessment',
  'case-has-open-s47',
  'case-has-open-cin-plan',
  'case-has-open-cp-plan',
  'case-closed-while-looked-after',
] as const;
export type JourneyRule = (typeof JOURNEY_RULES)[number];

/** An event refused by the journey rules. The message names the child, the event type and the rule. */
export class JourneyRuleError extends Error {
  constructor(
    readonly childId: string,
    readonly eventType: string,
    readonly rule: JourneyRule,
    detail: string,
  ) {
    super(`child ${childId}: ${eventType} refused by rule ${rule}: ${detail}`);
    this.name = 'JourneyRuleError';
  }
}

/** What the rules need to know about one child. Plain data: copy with `{ ...state }`. */
export interface JourneyState {
  readonly childId: string;
  /** Version of the last event (0 before the first). */
  version: number;
  /** Day number of the last event; -Infinity before the first. */
  lastDay: number;
  /** Day number of the date of birth; NaN before ChildRegistered. */
  dob: number;
  registered: boolean;
  contactOpen: boolean;
  /** An episode of need (referral accepted, not yet closed). */
  caseOpen: boolean;
  assessmentOpen: boolean;
  s47Open: boolean;
  cinPlanOpen: boolean;
  cpPlanOpen: boolean;
  lookedAfter: boolean;
  /** CP plans the child has had, counting history before the stream; -1 until the first CpPlanStarted. */
  cpPlans: number;
  /** Referrals accepted in this stream. */
  referrals: number;
  /** Periods of care started in this stream. */
  periodsOfCare: number;
}

export function initialJourney(childId: string): JourneyState {
  return {
    childId,
    version: 0,
    lastDay: Number.NEGATIVE_INFINITY,
    dob: Number.NaN,
    registered: false,
    contactOpen: false,
    caseOpen: false,
    assessmentOpen: false,
    s47Open: false,
    cinPlanOpen: false,
    cpPlanOpen: false,
    lookedAfter: false,
    cpPlans: -1,
    referrals: 0,
    periodsOfCare: 0,
  };
}

// --- rules ------------------------------------------------------------------------------------

/** A broken rule with the reason, or undefined when the event may follow. */
type Violation = [rule: JourneyRule, detail: string] | undefined;

const NO_CASE: Violation = ['case-not-open', 'no episode of need is open'];

/**
 * The first rule (1 and 3–5; not the version) that `event` breaks after `state`, if any. `day` is
 * `dayOfIso(event.date)` (the caller parses it once and passes it on to `apply`).
 */
function violation(state: Readonly<JourneyState>, event: NewEvent, day: number): Violation {
  const type = event.type;
  if (event.childId !== state.childId) return ['wrong-stream', `event is for child ${event.childId}, stream is ${state.childId}`];
  if (!state.registered) {
    if (type !== 'ChildRegistered') return ['not-registered', 'the first event of a stream must be ChildRegistered'];
  } else if (type === 'ChildRegistered') {
    return ['already-registered', 'the child is already registered'];
  }
  if (Number.isNaN(day)) return ['invalid-date', `date "${String(event.date)}" is not YYYY-MM-DD`];
  if (day < state.lastDay) return ['date-before-previous', `date ${event.date} is before the previous event's date`];

  switch (type) {
    case 'ChildRegistered':
      return undefined;
    case 'ContactReceived':
      return state.contactOpen ? ['contact-already-open', 'a contact is already open'] : undefined;
    case 'ContactConcluded':
      return state.contactOpen ? undefined : ['contact-not-open', 'no contact is open'];
    case 'ReferralAccepted':
      return state.caseOpen ? ['case-already-open', 'an episode of need is already open'] : undefined;
    case 'AssessmentStarted':
      if (!state.caseOpen) return NO_CASE;
      return state.assessmentOpen ? ['assessment-already-open', 'an assessment is already open'] : undefined;
    case 'AssessmentAuthorised':
      return state.assessmentOpen ? undefined : ['assessment-not-open', 'no assessment is open'];
    case 'StrategyDiscussionHeld':
    case 'IcpcHeld':
      return state.caseOpen ? undefined : NO_CASE;
    case 'Section47Started':
      if (!state.caseOpen) return NO_CASE;
      return state.s47Open ? ['s47-already-open', 'a Section 47 enquiry is already open'] : undefined;
    case 'Section47Concluded':
      return state.s47Open ? undefined : ['s47-not-open', 'no Section 47 enquiry is open'];
    case 'CinPlanStarted':
      return state.cinPlanOpen ? ['cin-plan-already-open', 'a CIN plan is already open'] : undefined;
    case 'CinPlanEnded':
      return state.cinPlanOpen ? undefined : ['cin-plan-not-open', 'no CIN plan is open'];
    case 'CpPlanStarted':
      if (state.cpPlanOpen) return ['cp-plan-already-open', 'a CP plan is already open'];
      if (state.cpPlans >= 0 && event.previousPlans !== state.cpPlans) {
        return ['cp-previous-plans-mismatch', `previousPlans is ${event.previousPlans} but the child has had ${state.cpPlans} CP plan(s)`];
      }
      return undefined;
    case 'CpPlanEnded':
      return state.cpPlanOpen ? undefined : ['cp-plan-not-open', 'no CP plan is open'];
    case 'PeriodOfCareStarted':
      return state.lookedAfter ? ['already-looked-after', 'the child is already looked after'] : undefined;
    case 'EpisodeChanged':
    case 'PeriodOfCareEnded':
      return state.lookedAfter ? undefined : ['not-looked-after', 'the child is not looked after'];
    case 'CaseClosed':
      if (!state.caseOpen) return NO_CASE;
      if (state.assessmentOpen) return ['case-has-open-assessment', 'an assessment is still open'];
      if (state.s47Open) return ['case-has-open-s47', 'a Section 47 enquiry is still open'];
      if (state.cinPlanOpen) return ['case-has-open-cin-plan', 'a CIN plan is still open'];
      if (state.cpPlanOpen) return ['case-has-open-cp-plan', 'a CP plan is still open'];
      if (state.lookedAfter) return ['case-closed-while-looked-after', 'the child is still looked after'];
      return undefined;
    default: {
      const unknown: never = type;
      return ['unknown-event-type', `${String(unknown)} is not an event type of the catalogue`];
    }
  }
}

/**
 * The first journey rule that `command` would break after `state` (versions aside), or
 * undefined if `decide` would accept it. Never throws: for generators and simulations that
 * need to ask "is this allowed?" in a hot loop.
 */
export function brokenRule(state: Readonly<JourneyState>, command: NewEvent): JourneyRule | undefined {
  return violation(state, command, dayOfIso(command.date))?.[0];
}

function check(state: Readonly<JourneyState>, event: NewEvent, day: number): void {
  const v = violation(state, event, day);
  if (v !== undefined) throw new JourneyRuleError(state.childId, String(event.type), v[0], v[1]);
}

/** Applies an accepted event to `state` in place (no checks). `day` is the event's day number. */
function apply(state: JourneyState, event: NewEvent, version: number, day: number): void {
  state.version = version;
  state.lastDay = day;
  switch (event.type) {
    case 'ChildRegistered':
      state.registered = true;
      state.dob = dayOfIso(event.dateOfBirth);
      break;
    case 'ContactReceived':
      state.contactOpen = true;
      break;
    case 'ContactConcluded':
      state.contactOpen = false;
      break;
    case 'ReferralAccepted':
      state.caseOpen = true;
      state.referrals++;
      break;
    case 'AssessmentStarted':
      state.assessmentOpen = true;
      break;
    case 'AssessmentAuthorised':
      state.assessmentOpen = false;
      break;
    case 'Section47Started':
      state.s47Open = true;
      break;
    case 'Section47Concluded':
      state.s47Open = false;
      break;
    case 'CinPlanStarted':
      state.cinPlanOpen = true;
      break;
    case 'CinPlanEnded':
      state.cinPlanOpen = false;
      break;
    case 'CpPlanStarted':
      state.cpPlanOpen = true;
      state.cpPlans = event.previousPlans + 1;
      break;
    case 'CpPlanEnded':
      state.cpPlanOpen = false;
      break;
    case 'PeriodOfCareStarted':
      state.lookedAfter = true;
      state.periodsOfCare++;
      break;
    case 'PeriodOfCareEnded':
      state.lookedAfter = false;
      break;
    case 'CaseClosed':
      state.caseOpen = false;
      break;
    default:
      break;
  }
}

/**
 * Folds an event into `state` in place, without checking the rules (use for events already
 * validated). Returns `state`.
 */
export function evolveInPlace(state: JourneyState, event: CaseEvent): JourneyState {
  apply(state, event, event.version, dayOfIso(event.date));
  return state;
}

/** The state after `event`. Does not modify `state`. */
export function evolve(state: Readonly<JourneyState>, event: CaseEvent): JourneyState {
  return evolveInPlace({ ...state }, event);
}

/**
 * Decides whether `command` (the intent to record an event) may follow `state`. Returns the
 * stamped event (`version = state.version + 1`, `schema = SCHEMA_VERSION`) or throws
 * `JourneyRuleError`. Pure: `state` is never modified.
 */
export function decide(command: NewEvent, state: Readonly<JourneyState>): CaseEvent[] {
  check(state, command, dayOfIso(command.date));
  return [{ ...command, version: state.version + 1, schema: SCHEMA_VERSION } as CaseEvent];
}

/**
 * Checks a stored event (version included) against `state` and, if accepted, applies it in
 * place. Throws `JourneyRuleError` and leaves `state` unchanged when refused.
 */
export function checkAndApply(state: JourneyState, event: CaseEvent): void {
  if (event.childId === state.childId && event.version !== state.version + 1) {
    throw new JourneyRuleError(state.childId, event.type, 'version-not-contiguous', `version is ${event.version}, expected ${state.version + 1}`);
  }
  const day = dayOfIso(event.date);
  check(state, event, day);
  apply(state, event, event.version, day);
}

/** Validates a whole log in global order, keeping one small state per child. */
export class JourneyValidator {
  private readonly states = new Map<string, JourneyState>();

  /** Throws `JourneyRuleError` if `event` may not follow its stream's earlier events; otherwise records it. */
  check(event: CaseEvent): void {
    let state = this.states.get(event.childId);
    if (state === undefined) {
      state = initialJourney(event.childId);
      checkAndApply(state, event);
      this.states.set(event.childId, state);
    } else {
      checkAndApply(state, event);
    }
  }

  /** The current state of a child's stream (undefined if it has no events). Do not modify it. */
  state(childId: string): Readonly<JourneyState> | undefined {
    return this.states.get(childId);
  }

  /** Number of streams seen. */
  get streams(): number {
    return this.states.size;
  }
}

/**
 * The journey as one decider: the state before a stream's first event, `decide` (a command and
 * the state → the events to record, or a `JourneyRuleError`) and `evolve` (a state and an event →
 * the next state).
 */
export const journeyDecider = {
  initialState: initialJourney,
  decide,
  evolve,
} as const;
