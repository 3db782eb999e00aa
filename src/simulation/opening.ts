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
}

export interface OpeningStock {
  readonly children: readonly OpeningChild[];
  /**
   * Real history events of those children up to the as-at date, emitted before the projection
   * starts (instead of the backdated events the engine synthesises for `children`).
   */
  readonly history?: readonly CaseEvent[];
}
