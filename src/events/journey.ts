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
 *     - CareLeaverStatusRecorded: `already-looked-after` (a care leaver's status is recorded
 *       out of care; the stream need hold no period of care: a return may list a care leaver
 *       with no episode in its year).
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
import { SCHEMA_VERSION } from './eventTypes.ts';
import type { CaseEvent, NewEvent } from './schema.ts';
import { ChildIndex } from './childIndex.ts';
import {
  T_ASSESSMENT_AUTHORISED,
  T_ASSESSMENT_STARTED,
  T_CARE_ENDED,
  T_CARE_STARTED,
  T_CASE_CLOSED,
  T_CHILD_REGISTERED,
  T_CIN_PLAN_ENDED,
  T_CIN_PLAN_STARTED,
  T_CONTACT_CONCLUDED,
  T_CONTACT_RECEIVED,
  T_CP_PLAN_ENDED,
  T_CP_PLAN_STARTED,
  T_EPISODE_CHANGED,
  T_ICPC_HELD,
  T_LEAVER_STATUS,
  T_REFERRAL_ACCEPTED,
  T_S47_CONCLUDED,
  T_S47_STARTED,
  T_STRATEGY_DISCUSSION,
  typeIndex,
} from './fields.ts';

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
    case 'CareLeaverStatusRecorded':
      return state.lookedAfter ? ['already-looked-after', 'the child is looked after: a care leaver status is recorded out of care'] : undefined;
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

// journey flags of the validator's dense state
const J_REGISTERED = 1;
const J_CONTACT = 2;
const J_CASE = 4;
const J_ASSESSMENT = 8;
const J_S47 = 16;
const J_CIN = 32;
const J_CP = 64;
const J_LOOKED_AFTER = 128;

/**
 * Validates a whole log in global order, keeping one small state per child: children are
 * numbered densely (`ChildIndex`) and their states kept in typed arrays, so a log of millions of
 * events costs no Map lookup or state object per event. The rules are `checkAndApply`'s: an
 * event the fast check here is not sure of goes through `checkAndApply` on the child's state as
 * an object, which gives the error (or, if it accepts the event, the new state).
 *
 * An event can be checked as an object (`check`) or as numbers (`checkNumbers`, for a reader
 * that reads them from a log's lines and numbers children with the same `ChildIndex`).
 */
export class JourneyValidator {
  private cap = 0;
  private flags = new Uint8Array(0);
  private version = new Int32Array(0);
  private lastDay = new Float64Array(0);
  private dob = new Float64Array(0);
  private cpPlans = new Int32Array(0);
  private referrals = new Int32Array(0);
  private periodsOfCare = new Int32Array(0);
  private seen = 0;
  // consecutive events mostly share a date: it is parsed when it changes
  private lastDate = '';
  private lastDateDay = Number.NaN;

  /** @param ids the numbering of children (shared with a reader that hands events over as numbers) */
  constructor(private readonly ids: ChildIndex = new ChildIndex()) {}

  /** Throws `JourneyRuleError` if `event` may not follow its stream's earlier events; otherwise records it. */
  check(event: CaseEvent): void {
    const k = this.ids.get(event.childId);
    const date = event.date;
    let day = this.lastDateDay;
    if (date !== this.lastDate) {
      day = typeof date === 'string' ? dayOfIso(date) : Number.NaN;
      this.lastDate = date;
      this.lastDateDay = day;
    }
    const type = typeIndex(event.type);
    const dob = event.type === 'ChildRegistered' ? dayOfIso(event.dateOfBirth) : Number.NaN;
    const plans = event.type === 'CpPlanStarted' ? event.previousPlans : 0;
    // anything out of the ordinary (a broken rule, a new type) is decided by checkAndApply
    if (!this.checkNumbers(type, k, day, event.version, plans, dob)) this.slow(k, event);
  }

  /**
   * The fast check of an event given as numbers: its type's index in `EVENT_TYPES`, its child's
   * number, its day number, its version, and (where its type has them) its `previousPlans` and
   * the day number of its `dateOfBirth`. True when the event follows its stream's earlier events
   * (it is then recorded); false when this check is not sure, and the event must go to `check`
   * as an object, which decides (and records it, or throws the broken rule).
   */
  checkNumbers(type: number, k: number, day: number, version: number, previousPlans: number, dob: number): boolean {
    if (k >= this.cap) this.grow(k + 1);
    const f = this.flags[k];
    const v = this.version[k];
    if (version !== v + 1 || !(day >= this.lastDay[k])) return false;
    let next: number;
    switch (type) {
      case T_CHILD_REGISTERED:
        if (f & J_REGISTERED) return false;
        this.dob[k] = dob;
        next = f | J_REGISTERED;
        break;
      case T_CONTACT_RECEIVED:
        next = (f & (J_REGISTERED | J_CONTACT)) === J_REGISTERED ? f | J_CONTACT : -1;
        break;
      case T_CONTACT_CONCLUDED:
        next = (f & (J_REGISTERED | J_CONTACT)) === (J_REGISTERED | J_CONTACT) ? f & ~J_CONTACT : -1;
        break;
      case T_REFERRAL_ACCEPTED:
        next = (f & (J_REGISTERED | J_CASE)) === J_REGISTERED ? f | J_CASE : -1;
        if (next >= 0) this.referrals[k]++;
        break;
      case T_ASSESSMENT_STARTED:
        next = (f & (J_REGISTERED | J_CASE | J_ASSESSMENT)) === (J_REGISTERED | J_CASE) ? f | J_ASSESSMENT : -1;
        break;
      case T_ASSESSMENT_AUTHORISED:
        next = (f & (J_REGISTERED | J_ASSESSMENT)) === (J_REGISTERED | J_ASSESSMENT) ? f & ~J_ASSESSMENT : -1;
        break;
      case T_STRATEGY_DISCUSSION:
      case T_ICPC_HELD:
        next = (f & (J_REGISTERED | J_CASE)) === (J_REGISTERED | J_CASE) ? f : -1;
        break;
      case T_S47_STARTED:
        next = (f & (J_REGISTERED | J_CASE | J_S47)) === (J_REGISTERED | J_CASE) ? f | J_S47 : -1;
        break;
      case T_S47_CONCLUDED:
        next = (f & (J_REGISTERED | J_S47)) === (J_REGISTERED | J_S47) ? f & ~J_S47 : -1;
        break;
      case T_CIN_PLAN_STARTED:
        next = (f & (J_REGISTERED | J_CIN)) === J_REGISTERED ? f | J_CIN : -1;
        break;
      case T_CIN_PLAN_ENDED:
        next = (f & (J_REGISTERED | J_CIN)) === (J_REGISTERED | J_CIN) ? f & ~J_CIN : -1;
        break;
      case T_CP_PLAN_STARTED: {
        const plans = this.cpPlans[k];
        if ((f & (J_REGISTERED | J_CP)) !== J_REGISTERED || (plans >= 0 && previousPlans !== plans)) return false;
        this.cpPlans[k] = previousPlans + 1;
        next = f | J_CP;
        break;
      }
      case T_CP_PLAN_ENDED:
        next = (f & (J_REGISTERED | J_CP)) === (J_REGISTERED | J_CP) ? f & ~J_CP : -1;
        break;
      case T_CARE_STARTED:
        next = (f & (J_REGISTERED | J_LOOKED_AFTER)) === J_REGISTERED ? f | J_LOOKED_AFTER : -1;
        if (next >= 0) this.periodsOfCare[k]++;
        break;
      case T_EPISODE_CHANGED:
        next = (f & (J_REGISTERED | J_LOOKED_AFTER)) === (J_REGISTERED | J_LOOKED_AFTER) ? f : -1;
        break;
      case T_CARE_ENDED:
        next = (f & (J_REGISTERED | J_LOOKED_AFTER)) === (J_REGISTERED | J_LOOKED_AFTER) ? f & ~J_LOOKED_AFTER : -1;
        break;
      case T_CASE_CLOSED:
        next = (f & (J_REGISTERED | J_CASE | J_ASSESSMENT | J_S47 | J_CIN | J_CP | J_LOOKED_AFTER)) === (J_REGISTERED | J_CASE) ? f & ~J_CASE : -1;
        break;
      case T_LEAVER_STATUS:
        next = (f & (J_REGISTERED | J_LOOKED_AFTER)) === J_REGISTERED ? f : -1;
        break;
      default:
        next = -1;
    }
    if (next < 0) return false;
    if (v === 0) this.seen++;
    this.flags[k] = next;
    this.version[k] = v + 1;
    this.lastDay[k] = day;
    return true;
  }

  /** `checkAndApply` on child `k`'s state as an object: throws the broken rule, or stores the new state. */
  private slow(k: number, event: CaseEvent): void {
    if (k >= this.cap) this.grow(k + 1);
    const state = this.stateOf(k, event.childId);
    checkAndApply(state, event);
    if (this.version[k] === 0) this.seen++;
    this.flags[k] =
      (state.registered ? J_REGISTERED : 0) |
      (state.contactOpen ? J_CONTACT : 0) |
      (state.caseOpen ? J_CASE : 0) |
      (state.assessmentOpen ? J_ASSESSMENT : 0) |
      (state.s47Open ? J_S47 : 0) |
      (state.cinPlanOpen ? J_CIN : 0) |
      (state.cpPlanOpen ? J_CP : 0) |
      (state.lookedAfter ? J_LOOKED_AFTER : 0);
    this.version[k] = state.version;
    this.lastDay[k] = state.lastDay;
    this.dob[k] = state.dob;
    this.cpPlans[k] = state.cpPlans;
    this.referrals[k] = state.referrals;
    this.periodsOfCare[k] = state.periodsOfCare;
  }

  private stateOf(k: number, childId: string): JourneyState {
    const f = this.flags[k];
    return {
      childId,
      version: this.version[k],
      lastDay: this.lastDay[k],
      dob: this.dob[k],
      registered: (f & J_REGISTERED) !== 0,
      contactOpen: (f & J_CONTACT) !== 0,
      caseOpen: (f & J_CASE) !== 0,
      assessmentOpen: (f & J_ASSESSMENT) !== 0,
      s47Open: (f & J_S47) !== 0,
      cinPlanOpen: (f & J_CIN) !== 0,
      cpPlanOpen: (f & J_CP) !== 0,
      lookedAfter: (f & J_LOOKED_AFTER) !== 0,
      cpPlans: this.cpPlans[k],
      referrals: this.referrals[k],
      periodsOfCare: this.periodsOfCare[k],
    };
  }

  private grow(n: number): void {
    const cap = Math.max(n, this.cap * 2, 1024);
    const old = this.cap;
    const g = <T extends Uint8Array | Int32Array | Float64Array>(a: T, fill?: number): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      if (fill !== undefined) b.fill(fill, old);
      return b;
    };
    this.flags = g(this.flags);
    this.version = g(this.version);
    this.lastDay = g(this.lastDay, Number.NEGATIVE_INFINITY);
    this.dob = g(this.dob, Number.NaN);
    this.cpPlans = g(this.cpPlans, -1);
    this.referrals = g(this.referrals);
    this.periodsOfCare = g(this.periodsOfCare);
    this.cap = cap;
  }

  /** The current state of a child's stream (undefined if it has no events): a copy. */
  state(childId: string): Readonly<JourneyState> | undefined {
    const before = this.ids.count;
    const k = this.ids.get(childId);
    if (k > before) {
      // not seen: the number stays allocated, with no events
      if (k >= this.cap) this.grow(k + 1);
      return undefined;
    }
    return this.version[k] > 0 ? this.stateOf(k, childId) : undefined;
  }

  /** Number of streams seen. */
  get streams(): number {
    return this.seen;
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
