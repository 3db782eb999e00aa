/** Child states, scheduler kinds, flags, routes and code tables of the case-flow engine. */
import type { CaseEvent } from '../events/index.ts';
import { PLACEMENT_GROUPS } from '../events/codes/index.ts';
import { Categorical } from './distributions.ts';
import { ETHNICITY_CODES, LEGAL_CODES, NEED_CODES, SEX_CODES, SOURCE_CODES } from './compile.ts';
import { EMERGENCY_LEGAL } from './openingStock.ts';
import { PLACE_CODES, PROVIDER_CODES } from './placementCodes.ts';
import { placementGroupIndex, T_ASSESSMENT_STARTED, T_CIN_PLAN_ENDED, T_CP_PLAN_ENDED, T_S47_STARTED, T_STRATEGY_DISCUSSION } from '../events/fields.ts';

export const DAYS_PER_YEAR = 365.2425;
/** Slots are below this (a history script op keeps its slot and op code in one 32-bit integer). */
export const SLOT_LIMIT = 1 << 27;
export const NO_DAY = -1_000_000_000;
export const NEVER = 2_147_483_647;

// child states
export const S_FREE = 0;
export const S_CLOSED = 1;
export const S_CONTACT = 2;
export const S_REF_NFA = 3;
export const S_ASSESS = 4;
export const S_S47 = 5;
export const S_CIN = 6;
export const S_CP = 7;
export const S_CLA = 8;
export const S_OPEN_IDLE = 9;
export const S_ICPC_DUE = 10;
export const S_HISTORY = 11;

// scheduler kinds
export const K_WAKE = 0;
export const K_NEW_CONTACT = 1;
export const K_DIRECT = 2;
export const K_UASC = 3;
export const K_MONTH = 4;
/** A child's re-entry to care comes due (payload: slot); ignored unless the child's re-entry day is that day. */
export const K_REENTRY = 5;
/** A wake's payload is the slot in its low bits and the slot's wake generation above (see `ChildTable.wake`). */
export const WAKE_GEN_SHIFT = 27;
export const SLOT_MASK = (1 << WAKE_GEN_SHIFT) - 1;

// child flags
export const F_UASC = 1;
export const F_DISABLED = 2;
export const F_KNOWN = 4;
/** Imported child looked after with no open episode of need (SSDA903 data has no referrals): nothing to close. */
export const F_NO_EPISODE = 8;

// routes
export const R_CP = 0;
export const R_CIN = 1;
export const R_DIRECT = 2;
export const R_UASC = 3;
export const ROUTE_NAMES = ['cp', 'cin', 'direct', 'uasc'] as const;

export const GROUP_PFA = PLACEMENT_GROUPS.indexOf('placed_for_adoption');
/** Placement group index of place code index p and provider code index v: GROUP_OF[p * PROVIDERS + v]. */
export const PROVIDERS = PROVIDER_CODES.length;
export const GROUP_OF = new Uint8Array(PLACE_CODES.length * PROVIDERS);
for (let p = 0; p < PLACE_CODES.length; p++) for (let v = 0; v < PROVIDERS; v++) GROUP_OF[p * PROVIDERS + v] = placementGroupIndex(PLACE_CODES[p], PROVIDER_CODES[v]);
export const LEGAL_INDEX = new Map<string, number>(LEGAL_CODES.map((c, i) => [c, i]));
export const L_C1 = LEGAL_INDEX.get('C1')!;
export const L_C2 = LEGAL_INDEX.get('C2')!;
export const L_V2 = LEGAL_INDEX.get('V2')!;
export const L_E1 = LEGAL_INDEX.get('E1')!;
export const EMERGENCY = new Uint8Array(LEGAL_CODES.length);
for (const c of EMERGENCY_LEGAL) EMERGENCY[LEGAL_INDEX.get(c)!] = 1;
export const SEX_INDEX = new Map<string, number>(SEX_CODES.map((c, i) => [c, i]));
export const ETH_INDEX = new Map<string, number>(ETHNICITY_CODES.map((c, i) => [c, i]));
export const SOURCE_INDEX = new Map<string, number>(SOURCE_CODES.map((c, i) => [c, i]));
export const NEED_INDEX = new Map<string, number>(NEED_CODES.map((c, i) => [c, i]));
export const N1 = NEED_INDEX.get('N1')!;
export const N8 = NEED_INDEX.get('N8')!;
export const SOURCE_OTHER = SOURCE_INDEX.get('8')!;

export const ASSESS_OUTCOME_NAMES = ['nfa', 'early_help', 'cin', 's47'] as const;
export const S47_OUTCOME_NAMES = ['nfa', 'cin', 'icpc'] as const;
export const CONTACT_OUTCOME_NAMES = ['nfa', 'early_help', 'referral'] as const;
export const CLOSURE_CODES = ['RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9'] as const;
/** Field-sink outcome codes of ASSESS_OUTCOME_NAMES (src/events/fields.ts: 0 nfa, 1 early_help, 2 cin, 3 s47). */
export const ASSESS_FIELD = [0, 1, 2, 3];
export const SIMPLE_CODES = {
  AssessmentStarted: T_ASSESSMENT_STARTED,
  StrategyDiscussionHeld: T_STRATEGY_DISCUSSION,
  Section47Started: T_S47_STARTED,
  CinPlanEnded: T_CIN_PLAN_ENDED,
  CpPlanEnded: T_CP_PLAN_ENDED,
} as const;
export const RC = { RC1: 0, RC2: 1, RC3: 2, RC4: 3, RC5: 4, RC6: 5, RC7: 6, RC8: 7, RC9: 8 } as const;

export type Factors = Extract<CaseEvent, { type: 'AssessmentAuthorised' }>['factors'];
export type Rec = Extract<CaseEvent, { type: 'PeriodOfCareEnded' }>['rec'];
/**
 * REC codes within each reason group, weighted by England's children ceasing to be looked after
 * in 2023-24 (national.csv) where the split is published; SGO and adoption splits are assumptions.
 * The model's return home covers E13 (to relatives without parental responsibility) beside
 * E4A/E4B, and its ageing out E17, E5 and E6: the KPIs report each in the DfE's own group.
 */
export const REC_OPTIONS: readonly (readonly [Rec, number, number][])[] = [
  // returnHome
  [
    ['E4A', 5740, RC.RC7],
    ['E4B', 1100, RC.RC7],
    ['E13', 1970, RC.RC7],
  ],
  // sgo
  [
    ['E45', 35, RC.RC4],
    ['E46', 10, RC.RC4],
    ['E47', 45, RC.RC4],
    ['E48', 10, RC.RC4],
  ],
  // cao
  [['E41', 1, RC.RC3]],
  // adoption
  [
    ['E11', 55, RC.RC1],
    ['E12', 45, RC.RC1],
  ],
  // other
  [
    ['E8', 2660, RC.RC7],
    ['E3', 2140, RC.RC5],
    ['E7', 460, RC.RC6],
    ['E15', 380, RC.RC7],
    ['E9', 220, RC.RC7],
    ['E14', 150, RC.RC7],
    ['E16', 70, RC.RC7],
    ['E2', 60, RC.RC2],
  ],
  // age18
  [
    ['E17', 5380, RC.RC7],
    ['E5', 4230, RC.RC7],
    ['E6', 1100, RC.RC7],
  ],
];
export const REC_CATS = REC_OPTIONS.map((opts) => new Categorical(opts.map((o) => o[1])));
