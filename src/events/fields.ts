/**
 * Events as numbers, for a consumer fused with the simulation (the KPI projection of an
 * ensemble replication): the engine hands over the few fields the consumer reads instead of
 * building an event object per event.
 *
 * A sink function that carries a `FieldSink` under the `FIELD_SINK` key (see
 * `KpiProjector.sink`) is still an ordinary `(e: CaseEvent) => void` sink everywhere else; given
 * to `runSimulation`, the engine calls the field sink instead and builds no event objects, the
 * synthesised opening history's included. Only imported history (an opening stock read from
 * returns), whose events exist as objects already, is handed over whole with `applyEvent`.
 *
 * `type` is the index of the event type in `EVENT_TYPES`; `child` a number unique to the child
 * within the run; `day` the event's day number. `a` and `b` by type (0 where not listed):
 *
 * | type | a | b |
 * |---|---|---|
 * | ChildRegistered | day of the 18th birthday | 1 if UASC |
 * | ContactConcluded | outcome: 0 nfa, 1 early_help, 2 referral | |
 * | ReferralAccepted | 1 if isRereferral | |
 * | AssessmentAuthorised | outcome: 0 nfa, 1 early_help, 2 cin, 3 s47 | |
 * | CpPlanStarted | previousPlans | |
 * | PeriodOfCareStarted | placement group (index in PLACEMENT_GROUPS) | 1 if route is uasc |
 * | EpisodeChanged | placement group | 1 if RNE starts a new placement (P, T, B, U) |
 * | PeriodOfCareEnded | leaving-care group of the REC (index in LEAVING_CARE_GROUPS) | |
 * | CaseClosed | 1 if referralNfa | |
 * | CareLeaverStatusRecorded | 1 if in education, employment or training + 2 if in suitable accommodation + 4 if in touch | |
 */
import { EVENT_TYPES } from './eventTypes.ts';
import type { CaseEvent, EventType } from './schema.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS, isEet, isSuitableAccommodation, leavingCareGroup, placementGroup } from './codes/index.ts';

export interface FieldSink {
  /** One event as numbers (see the module comment). */
  applyFields(type: number, child: number, day: number, a: number, b: number): void;
  /** One whole event of child number `child`. */
  applyEvent(e: CaseEvent, child: number): void;
}

/** Key under which a sink function carries its `FieldSink`. */
export const FIELD_SINK: unique symbol = Symbol.for('caseflow.fieldSink');

/** A sink function, possibly carrying a field sink. */
export type MaybeFieldSink = ((e: CaseEvent) => void) & { readonly [FIELD_SINK]?: FieldSink };

/** The field sink a sink function carries, if any. */
export function fieldSinkOf(sink: (e: CaseEvent) => void): FieldSink | undefined {
  return (sink as MaybeFieldSink)[FIELD_SINK];
}

const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));

/** The index of an event type name in `EVENT_TYPES`, -1 for a name not in the catalogue. */
export function typeIndex(type: string): number {
  return TYPE_INDEX.get(type) ?? -1;
}

const code = (t: EventType): number => typeIndex(t);
export const T_CHILD_REGISTERED = code('ChildRegistered');
export const T_CONTACT_RECEIVED = code('ContactReceived');
export const T_CONTACT_CONCLUDED = code('ContactConcluded');
export const T_REFERRAL_ACCEPTED = code('ReferralAccepted');
export const T_ASSESSMENT_STARTED = code('AssessmentStarted');
export const T_ASSESSMENT_AUTHORISED = code('AssessmentAuthorised');
export const T_STRATEGY_DISCUSSION = code('StrategyDiscussionHeld');
export const T_S47_STARTED = code('Section47Started');
export const T_S47_CONCLUDED = code('Section47Concluded');
export const T_ICPC_HELD = code('IcpcHeld');
export const T_CIN_PLAN_STARTED = code('CinPlanStarted');
export const T_CIN_PLAN_ENDED = code('CinPlanEnded');
export const T_CP_PLAN_STARTED = code('CpPlanStarted');
export const T_CP_PLAN_ENDED = code('CpPlanEnded');
export const T_CARE_STARTED = code('PeriodOfCareStarted');
export const T_EPISODE_CHANGED = code('EpisodeChanged');
export const T_CARE_ENDED = code('PeriodOfCareEnded');
export const T_CASE_CLOSED = code('CaseClosed');
export const T_LEAVER_STATUS = code('CareLeaverStatusRecorded');

/** Bits of CareLeaverStatusRecorded's `a`. */
export const LEAVER_EET = 1;
export const LEAVER_SUITABLE = 2;
export const LEAVER_IN_TOUCH = 4;

/** Outcome codes of ContactConcluded and AssessmentAuthorised. */
export const OUT_NFA = 0;
export const OUT_EARLY_HELP = 1;
/** ContactConcluded: the contact became a referral. */
export const OUT_REFERRAL = 2;

const GROUP_INDEX = new Map<string, number>(PLACEMENT_GROUPS.map((g, i) => [g, i]));
const LEAVING_INDEX = new Map<string, number>(LEAVING_CARE_GROUPS.map((g, i) => [g, i]));

/** Placement group index of a PLACE and PLACE_PROVIDER code. */
export function placementGroupIndex(place: string, provider: string): number {
  return GROUP_INDEX.get(placementGroup(place, provider))!;
}

/** Leaving-care group index of a REC code. */
export function leavingGroupIndex(rec: string): number {
  return LEAVING_INDEX.get(leavingCareGroup(rec))!;
}

/** CareLeaverStatusRecorded's `a` (LEAVER_EET, LEAVER_SUITABLE, LEAVER_IN_TOUCH bits) from its codes. */
export function leaverStatusBits(inTouch: string, activity: string, accommodation: string): number {
  return (isEet(activity) ? LEAVER_EET : 0) | (isSuitableAccommodation(accommodation) ? LEAVER_SUITABLE : 0) | (inTouch === 'YES' ? LEAVER_IN_TOUCH : 0);
}
