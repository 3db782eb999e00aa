/**
 * The event catalogue: every fact in a child's journey, as zod schemas.
 *
 * Every event carries `type`, `childId` (its stream), `date` (simulated or recorded date,
 * `YYYY-MM-DD`), `version` (1 for the stream's first event, then 2, 3, …) and `schema` (the
 * schema version the event was written with, so old logs stay readable).
 */
import { EventValidationError } from '../errors.ts';
import { z } from 'zod';
import {
  ACCOMMODATION,
  ACTIVITY,
  ASSESSMENT_FACTOR,
  IN_TOUCH,
  CLOSURE_REASON,
  CP_CATEGORY,
  ETHNICITY,
  LEGAL_STATUS,
  NEED_CODE,
  PLACEMENT,
  PLACEMENT_PROVIDER,
  REASON_EPISODE_CEASED,
  REASON_NEW_EPISODE,
  REASON_PLACE_CHANGE,
  REFERRAL_SOURCE,
  SEX,
  codesOf,
} from './codes/index.ts';
import { tryParseIsoDate } from '../calendar/index.ts';
import { EVENT_TYPES as TYPE_NAMES, SCHEMA_VERSION } from './eventTypes.ts';

export { SCHEMA_VERSION };

const isoDate = z.string().refine((s) => tryParseIsoDate(s) !== undefined, { message: 'must be a real date YYYY-MM-DD' });

const base = {
  childId: z.string().min(1).max(64),
  date: isoDate,
  version: z.number().int().positive(),
  schema: z.number().int().min(1).max(SCHEMA_VERSION),
};

const sex = z.enum(codesOf(SEX));
const ethnicity = z.enum(codesOf(ETHNICITY));
const referralSource = z.enum(codesOf(REFERRAL_SOURCE));
const factor = z.enum(codesOf(ASSESSMENT_FACTOR));
const needCode = z.enum(codesOf(NEED_CODE));
const cpCategory = z.enum(codesOf(CP_CATEGORY));
const legalStatus = z.enum(codesOf(LEGAL_STATUS));
const placement = z.enum(codesOf(PLACEMENT));
const provider = z.enum(codesOf(PLACEMENT_PROVIDER));
const rne = z.enum(codesOf(REASON_NEW_EPISODE));
const recEnd = z.enum(codesOf(REASON_EPISODE_CEASED)).exclude(['X1']);
const reasonPlaceChange = z.enum(codesOf(REASON_PLACE_CHANGE));
const closureReason = z.enum(codesOf(CLOSURE_REASON));

export const ChildRegistered = z.object({
  type: z.literal('ChildRegistered'),
  ...base,
  dateOfBirth: isoDate,
  sex,
  ethnicity,
  disability: z.boolean(),
  uasc: z.boolean(),
});

export const ContactReceived = z.object({
  type: z.literal('ContactReceived'),
  ...base,
  source: referralSource,
});

export const ContactConcluded = z.object({
  type: z.literal('ContactConcluded'),
  ...base,
  outcome: z.enum(['nfa', 'early_help', 'referral']),
});

/** Opens an episode of need. `isRereferral` is derived from the child's history, never an input. */
export const ReferralAccepted = z.object({
  type: z.literal('ReferralAccepted'),
  ...base,
  referralId: z.string().min(1),
  source: referralSource,
  isRereferral: z.boolean(),
});

export const AssessmentStarted = z.object({
  type: z.literal('AssessmentStarted'),
  ...base,
});

export const AssessmentAuthorised = z.object({
  type: z.literal('AssessmentAuthorised'),
  ...base,
  factors: z.array(factor),
  outcome: z.enum(['nfa', 'cin', 's47', 'early_help']),
});

export const StrategyDiscussionHeld = z.object({
  type: z.literal('StrategyDiscussionHeld'),
  ...base,
});

export const Section47Started = z.object({
  type: z.literal('Section47Started'),
  ...base,
});

export const Section47Concluded = z.object({
  type: z.literal('Section47Concluded'),
  ...base,
  outcome: z.enum(['icpc', 'cin', 'nfa']),
});

export const IcpcHeld = z.object({
  type: z.literal('IcpcHeld'),
  ...base,
  resultedInCpPlan: z.boolean(),
});

export const CinPlanStarted = z.object({
  type: z.literal('CinPlanStarted'),
  ...base,
  needCode,
});

export const CinPlanEnded = z.object({
  type: z.literal('CinPlanEnded'),
  ...base,
});

export const CpPlanStarted = z.object({
  type: z.literal('CpPlanStarted'),
  ...base,
  category: cpCategory,
  /** Number of CP plans this child had before this one (0 for a first plan). */
  previousPlans: z.number().int().min(0),
});

export const CpPlanEnded = z.object({
  type: z.literal('CpPlanEnded'),
  ...base,
});

/** Starts a period of care (SSDA903 episode with RNE = S). */
export const PeriodOfCareStarted = z.object({
  type: z.literal('PeriodOfCareStarted'),
  ...base,
  legalStatus,
  placement,
  provider,
  needCode,
  /** How the child came into care: from a CP plan, from CIN, or directly (police protection, remand, UASC, s20). */
  route: z.enum(['cp', 'cin', 'direct', 'uasc']).optional(),
  /**
   * Set by an importer when no return records this start: the repair rule that made it (e.g.
   * `back-in-later-return`: the period was cut where a return left the child out). The child is
   * looked after from this date, but it is not a new entry to care.
   */
  repair: z.string().min(1).max(64).optional(),
});

/** A new episode within a period of care (SSDA903 RNE other than S). */
export const EpisodeChanged = z.object({
  type: z.literal('EpisodeChanged'),
  ...base,
  rne: rne.exclude(['S']),
  legalStatus,
  placement,
  provider,
  reasonPlaceChange: reasonPlaceChange.optional(),
});

export const PeriodOfCareEnded = z.object({
  type: z.literal('PeriodOfCareEnded'),
  ...base,
  rec: recEnd,
  /** Set by an importer when no return records this end (e.g. `missing-from-return`): the period is cut here, but the child did not leave care. */
  repair: z.string().min(1).max(64).optional(),
});

/**
 * A care leaver's status around a birthday from the 17th to the 21st (SSDA903 OC3): whether the
 * council is in touch, the main activity (F/P codes: in education, employment or training) and
 * the accommodation (second character 1: suitable). Dated on the birthday it is recorded for.
 */
export const CareLeaverStatusRecorded = z.object({
  type: z.literal('CareLeaverStatusRecorded'),
  ...base,
  inTouch: z.enum(codesOf(IN_TOUCH)),
  activity: z.enum(codesOf(ACTIVITY)),
  accommodation: z.enum(codesOf(ACCOMMODATION)),
});

/** Closes an episode of need. `referralNfa` marks a referral closed before any assessment. */
export const CaseClosed = z.object({
  type: z.literal('CaseClosed'),
  ...base,
  reason: closureReason,
  referralNfa: z.boolean().optional(),
});

export const CaseEventSchema = z.discriminatedUnion('type', [
  ChildRegistered,
  ContactReceived,
  ContactConcluded,
  ReferralAccepted,
  AssessmentStarted,
  AssessmentAuthorised,
  StrategyDiscussionHeld,
  Section47Started,
  Section47Concluded,
  IcpcHeld,
  CinPlanStarted,
  CinPlanEnded,
  CpPlanStarted,
  CpPlanEnded,
  PeriodOfCareStarted,
  EpisodeChanged,
  PeriodOfCareEnded,
  CaseClosed,
  CareLeaverStatusRecorded,
]);

export type CaseEvent = z.infer<typeof CaseEventSchema>;
export type EventType = CaseEvent['type'];
export type EventOf<T extends EventType> = Extract<CaseEvent, { type: T }>;
/** An event before the store stamps it with its stream version and schema version. */
export type NewEvent = CaseEvent extends infer E ? (E extends CaseEvent ? Omit<E, 'version' | 'schema'> : never) : never;

export const EVENT_TYPES: readonly EventType[] = TYPE_NAMES satisfies readonly EventType[];
{
  const fromSchema = CaseEventSchema.options.map((o) => o.shape.type.value);
  if (fromSchema.join() !== EVENT_TYPES.join()) throw new Error(`src/events/eventTypes.ts lists ${EVENT_TYPES.join(', ')}; the schema's union ${fromSchema.join(', ')}`);
}

export { EventValidationError };

/** Validates an unknown value as an event; the error names the field and the reason. */
export function parseEvent(value: unknown): CaseEvent {
  const r = CaseEventSchema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: i.path.join('.') || '(event)', message: i.message }));
  const first = issues[0];
  throw new EventValidationError(`${first.path}: ${first.message}`, issues);
}
