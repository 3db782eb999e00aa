/**
 * The event catalogue's names and schema version, without the zod schemas (src/events/schema.ts,
 * which checks at load that its union lists the same types in the same order): what the engine
 * and the projector need, so that a worker thread running replications never builds the schemas.
 */

/** The schema version this code writes. Readers accept every version up to it. */
export const SCHEMA_VERSION = 1;

/** Every event type, in catalogue order. */
export const EVENT_TYPES = [
  'ChildRegistered',
  'ContactReceived',
  'ContactConcluded',
  'ReferralAccepted',
  'AssessmentStarted',
  'AssessmentAuthorised',
  'StrategyDiscussionHeld',
  'Section47Started',
  'Section47Concluded',
  'IcpcHeld',
  'CinPlanStarted',
  'CinPlanEnded',
  'CpPlanStarted',
  'CpPlanEnded',
  'PeriodOfCareStarted',
  'EpisodeChanged',
  'PeriodOfCareEnded',
  'CaseClosed',
  'CareLeaverStatusRecorded',
] as const;
