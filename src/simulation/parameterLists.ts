/**
 * The lists the parameters are keyed by (age bands, care routes, exit reasons …), without the zod
 * schema of src/simulation/parameters.ts: what the engine needs, so that a worker thread running
 * replications never builds the schema.
 */
import { PLACEMENT_GROUPS } from '../events/codes/index.ts';

/** Age bands (age at the decision, in whole years) used for care durations, exits and placements. */
export const AGE_BANDS = ['under1', '1-4', '5-9', '10-15', '16-17'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Index into AGE_BANDS of an age in whole years. */
export function ageBandIndex(age: number): number {
  return age < 1 ? 0 : age < 5 ? 1 : age < 10 ? 2 : age < 16 ? 3 : 4;
}

export const CARE_ROUTES = ['cp', 'cin', 'direct', 'uasc'] as const;
export type CareRoute = (typeof CARE_ROUTES)[number];

/** Reasons for leaving care the model chooses between; `age18` (the remainder) means staying until the 18th birthday. */
export const EXIT_REASONS = ['returnHome', 'sgo', 'cao', 'adoption', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** Routes out of care that can break down into a re-entry (the model's first three exit reasons). */
export const REENTRY_ROUTES = ['returnHome', 'sgo', 'cao'] as const satisfies readonly ExitReason[];
export type ReentryRoute = (typeof REENTRY_ROUTES)[number];

/** Ages at which a care leaver's status is recorded, in the two groups the DfE publishes. */
export const LEAVER_AGES = ['17-18', '19-21'] as const;
export type LeaverAge = (typeof LEAVER_AGES)[number];

/** Placement groups a child can be placed in at entry or on a move (placed for adoption comes from adoption plans). */
export const ENTRY_PLACEMENT_GROUPS = PLACEMENT_GROUPS.filter((g) => g !== 'placed_for_adoption') as Exclude<(typeof PLACEMENT_GROUPS)[number], 'placed_for_adoption'>[];

/** Parts of the case flow a scenario can simulate (see `scope.ts`). */
export const FLOW_PARTS = ['front_door', 'cin', 'cp', 'care'] as const;
export type FlowPart = (typeof FLOW_PARTS)[number];

/** Kinds of trend an arrival rate can carry (see `trendFactor`). */
export const TREND_KINDS = ['none', 'linear', 'damped'] as const;
