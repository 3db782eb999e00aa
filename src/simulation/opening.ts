/**
 * The opening stock: children already open to children's social care when a projection starts.
 * Synthesised from parameters, or read from real returns (an imported event history).
 */
import type { CaseEvent } from '../events/index.ts';

export type OpeningState = 'cin' | 'cp' | 'cla';

export interface OpeningChild {
  readonly childId: string;
  /** Day numbers (see calendar). */
  readonly dateOfBirth: number;
  readonly sex: 'M' | 'F' | 'U';
  readonly ethnicity: string;
  readonly uasc: boolean;
  readonly state: OpeningState;
  /** Day the current state began (CIN plan / CP plan / period of care start). */
  readonly since: number;
  /** For CP: number of CP plans before the current one. */
  readonly previousCpPlans?: number;
  /** For CLA: the current episode. */
  readonly legalStatus?: string;
  readonly placement?: string;
  readonly provider?: string;
  /** For CLA: start days of placements in the 12 months before the start (the current one included). */
  readonly placementStarts?: readonly number[];
  /** Day of the latest referral, for re-referral detection. */
  readonly lastReferral?: number;
  /** For CLA: how the period of care began (default: uasc for UASC, else direct). */
  readonly route?: 'cp' | 'cin' | 'direct' | 'uasc';
  /**
   * For CIN: what is open. `plan` (default) a CIN plan; `assessment` an assessment in progress;
   * `s47` a Section 47 enquiry in progress. `since` is the day it began.
   */
  readonly cinActivity?: 'plan' | 'assessment' | 's47';
  /** A CP plan before the current episode (for CP: the latest of the previousCpPlans), back-dated in an episode of its own. */
  readonly pastCpPlan?: PastCpPlan;
}

/** A past CP plan, in an episode of need of its own that closes (RC7) the day the plan ends. Day numbers. */
export interface PastCpPlan {
  readonly start: number;
  readonly end: number;
}

/**
 * A child whose case closed before the start (RC7, RC8 or RC9): not open, but can be contacted
 * again, and a new referral within 12 months of `lastReferral` is a re-referral.
 */
export interface RecentlyClosedChild {
  readonly childId: string;
  /** Day numbers (see calendar). */
  readonly dateOfBirth: number;
  readonly sex: 'M' | 'F' | 'U';
  readonly ethnicity: string;
  readonly lastReferral: number;
  readonly closedOn: number;
  /** RC7–RC9; RC3 (CAO) or RC4 (SGO) for a child who left care by an order. */
  readonly closureReason: 'RC3' | 'RC4' | 'RC7' | 'RC8' | 'RC9';
  /** True when the referral was closed before any assessment. */
  readonly referralNfa?: boolean;
  /**
   * A child who left care before the start, from `lastReferral` to `closedOn`: by return home,
   * SGO or CAO (synthesised when the parameters have a re-entry table, so that re-entries run at
   * their level from the first month), or aged 16–18 after 13 weeks looked after since the 14th
   * birthday (a care leaver still under 26 at the start). The case closes as the REC says
   * (`closureReason` is then not used).
   */
  readonly leftCare?: LeftCare;
  /** A CP plan before the last episode (not with `leftCare`). */
  readonly pastCpPlan?: PastCpPlan;
}

export interface LeftCare {
  /** How the period ended. */
  readonly reason: 'returnHome' | 'sgo' | 'cao' | 'adoption' | 'other' | 'age18';
  /** Its REC (default: drawn within the reason's group: E4A, E4B or E13; E43–E48; E41; …; E17, E5 or E6 at 18). */
  readonly rec?: string;
  /** `uasc`: an unaccompanied asylum-seeking child (a care leaver, never a re-entry). */
  readonly route: 'cp' | 'cin' | 'direct' | 'uasc';
  readonly legalStatus: string;
  readonly placement: string;
  readonly provider: string;
}

export interface OpeningStock {
  readonly children: readonly OpeningChild[];
  /**
   * Real history events of those children up to the as-at date, emitted before the projection
   * starts (instead of the backdated events the engine synthesises for `children`).
   */
  readonly history?: readonly CaseEvent[];
  /** Children closed before the start who may come back (ignored when `history` is given). */
  readonly recentlyClosed?: readonly RecentlyClosedChild[];
}
