/**
 * What the event estimator collects (tallies of decisions, spells and flows over the reference
 * window) and what it returns.
 */
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS } from '../events/index.ts';
import { AGE_BANDS, ENTRY_PLACEMENT_GROUPS, LEAVER_AGES, TREND_KINDS, type FlowPart, type Parameters } from '../simulation/parameters.ts';
import type { KmStep } from './survival.ts';

export const DAYS_PER_MONTH = 30.436875;
export const DAYS_PER_YEAR = 365.2425;
/** Fewest observations (decisions, or ended spells) for an estimate to replace the base value. */
export const MIN_OBSERVATIONS = 20;

export interface EstimatorOptions {
  /** First and last month of the reference window (month indexes, inclusive). */
  readonly from: number;
  readonly to: number;
  /** Children aged 0–17 in a month (month index). */
  readonly population: (monthIndex: number) => number;
  /**
   * The parameters the estimates are written into, which also supply what the events cannot
   * identify: duration families, reason and route duration factors, contact seasonality (when
   * the window is under two years) and trend.
   */
  readonly base: Parameters;
  /** Month index the base's contact trend counts from (default: the window's first month). */
  readonly trendFrom?: number;
  /** Trend of the arrival rates into care (default none: the window's mean rate). */
  readonly trend?: TrendKind;
  /** Monthly damping of a damped trend (default DEFAULT_DAMPING). */
  readonly damping?: number;
  /** Parts of the flow the estimated scenario simulates (default: the parts with events in the window). */
  readonly scope?: readonly FlowPart[];
}

export type TrendKind = (typeof TREND_KINDS)[number];
/** Damping per month of a damped trend: the total change tends to about 9 months of the first month's step. */
export const DEFAULT_DAMPING = 0.9;

/** One estimated number, with where it goes in the parameters. */
export interface Estimate {
  /** Parameter path, e.g. `cp.durationMonths.mean` or `care.exitReasons.1-4.adoption`. */
  readonly path: string;
  readonly value: number;
  /** Standard error (NaN when not available). */
  readonly se: number;
  /** Observations behind it (decisions, spells, months). */
  readonly n: number;
  /** The base scenario's value at that path (NaN when it has none, e.g. empirical tables). */
  readonly base: number;
  /** True when the estimate was written into the parameters; false: too little data. */
  readonly applied: boolean;
  readonly note?: string;
}

export interface TransitionRow {
  readonly ageBand: string;
  readonly from: string;
  /** A placement group (the same one: stayed), or `left_<reason group>`. */
  readonly to: string;
  readonly transitions: number;
  /** Children in (ageBand, from) at the end of the previous month, summed over the window's months. */
  readonly stockMonths: number;
  /** transitions / stockMonths. */
  readonly monthlyRate: number;
}

export interface EntryRow {
  readonly ageBand: string;
  readonly group: string;
  readonly entries: number;
  readonly perMonth: number;
}

export interface DurationTable {
  /** What the spell is, e.g. `cp_plan`, `care:1-4`. */
  readonly spell: string;
  readonly unit: 'months' | 'working days';
  readonly steps: readonly KmStep[];
  readonly n: number;
  readonly events: number;
}

export interface EventEstimates {
  readonly from: string;
  readonly to: string;
  readonly months: number;
  readonly events: number;
  readonly children: number;
  readonly estimates: readonly Estimate[];
  /** The base parameters with every applied estimate written in. */
  readonly parameters: Parameters;
  readonly transitions: readonly TransitionRow[];
  readonly entries: readonly EntryRow[];
  readonly durations: readonly DurationTable[];
  /** Parameter paths the events did not inform (left as in the base). */
  readonly notInformed: readonly string[];
  /** Parts of the flow the parameters are for (the `scope` written into them), and events in the window by part. */
  readonly scope: readonly FlowPart[];
  readonly coverage: Readonly<Record<FlowPart, number>>;
  /** Starts and ends of periods of care in the window made by import repairs (not counted as entries or exits). */
  readonly repairs: { readonly starts: number; readonly ends: number };
  /** Events that could not be used, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Parameter groups written with national values (care leavers of an age with too few statuses, where the base had no `careLeavers`). */
  readonly nationalDefaults: readonly string[];
}

/** Growable list of spells: time (in the spell's unit) and whether it ended. */
export class Spells {
  times: number[] = [];
  ended: boolean[] = [];
  add(t: number, e: boolean): void {
    this.times.push(t);
    this.ended.push(e);
  }
  get events(): number {
    let k = 0;
    for (const e of this.ended) if (e) k++;
    return k;
  }
}

export function counts(n: number): Float64Array {
  return new Float64Array(n);
}

/** Sum of a record's values. */
export function total(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

/** Tallies over the reference window, filled by the estimator's event handlers. */
export class Tallies {
  readonly months: number;
  events = 0;
  readonly skipped: Record<string, number> = {};
  // flows by window month
  readonly firstContacts: Float64Array;
  readonly directEntries: Float64Array;
  readonly uascEntries: Float64Array;
  // outcomes
  readonly contactOutcome = counts(3); // nfa, early help, referral (first contacts)
  readonly recontactOutcome = counts(3);
  readonly recontactOutcomeAfterCp = counts(3);
  referralsDecided = 0;
  referralsNfa = 0;
  readonly assessOutcome = counts(4); // nfa, earlyHelp, cin, s47 (no CP history)
  readonly assessOutcomeAfterCp = counts(4);
  readonly s47Outcome = counts(3); // nfa, cin, icpc
  readonly icpcPlan = counts(2); // no plan, plan
  readonly icpcNoPlanCin = counts(2); // closed, cin
  readonly cpOutcome = counts(3); // close, cin, care
  readonly cinOutcome = counts(3); // close, care, s47
  readonly cpCategory = new Map<string, number>();
  readonly returnHomeCin = counts(2);
  // durations
  readonly assessDays = new Spells();
  readonly s47Days = new Spells();
  readonly icpcDays = new Spells();
  readonly cpMonths = new Spells();
  readonly cinMonths = new Spells();
  readonly adoptionLead = new Spells();
  readonly recontact = new Spells();
  readonly recontactAfterCp = new Spells();
  /** Time from leaving care by return home, SGO or CAO (REENTRY_ROUTES order) to the next period of care. */
  readonly reentry = [new Spells(), new Spells(), new Spells()];
  /** Entries (in the window) of children who had left by return home, SGO or CAO, counted as re-entries rather than arrivals (when the base has a re-entry table). */
  reentryStarts = 0;
  readonly careSpells: { band: number; route: number; uasc: boolean; time: number; reason: number; entry: number }[] = [];
  // placements
  readonly atEntry = AGE_BANDS.map(() => counts(ENTRY_PLACEMENT_GROUPS.length));
  readonly uascAtEntry = counts(ENTRY_PLACEMENT_GROUPS.length);
  readonly onMove = AGE_BANDS.map(() => counts(ENTRY_PLACEMENT_GROUPS.length));
  readonly moves = counts(AGE_BANDS.length);
  readonly exposureDays = counts(AGE_BANDS.length);
  // demand-model transitions: [band][from group][to: groups…, left reasons…]
  readonly trans: Float64Array[][] = AGE_BANDS.map(() => PLACEMENT_GROUPS.map(() => counts(PLACEMENT_GROUPS.length + LEAVING_CARE_GROUPS.length)));
  readonly stock: Float64Array[] = AGE_BANDS.map(() => counts(PLACEMENT_GROUPS.length));
  readonly entryTable: Float64Array[] = AGE_BANDS.map(() => counts(PLACEMENT_GROUPS.length));
  // entries to care (not import repairs): direct, UASC and every non-UASC entry, by month; age in whole years at entry, sex M/F/U
  readonly careEntries: Float64Array;
  readonly careAge = counts(18);
  readonly careSex = counts(3);
  readonly directAge = counts(18);
  readonly directSex = counts(3);
  readonly uascAge = counts(18);
  readonly uascSex = counts(3);
  /** Care leavers' statuses by LEAVER_AGES group: statuses, in touch, EET, suitable accommodation. */
  readonly leaverStatuses = LEAVER_AGES.map(() => counts(4));
  repairedStarts = 0;
  repairedEnds = 0;
  /** Children looked after at the end of the observed window (not UASC; UASC). */
  inCareAtEnd = 0;
  uascInCareAtEnd = 0;
  /** Day after the last observed day (the window's end, or the log's when it ends sooner). */
  observedTo = 0;
  /** Events in the window by the part of the flow they belong to. */
  readonly coverage = { front_door: 0, cin: 0, cp: 0, care: 0 };
  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    this.months = to - from + 1;
    this.firstContacts = counts(this.months);
    this.directEntries = counts(this.months);
    this.uascEntries = counts(this.months);
    this.careEntries = counts(this.months);
  }
}
