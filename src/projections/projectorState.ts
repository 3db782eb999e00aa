/** Options, results and the month bookkeeping of the KPI projector (see projector.ts). */
import { freeze } from 'immer';
import type { CaseEvent } from '../events/index.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS, type PlacementGroup } from '../events/codes/groups.ts';
import {
  addYears,
  addYearsFast,
  daysInMonth,
  firstDayOfMonth,
  monthIndexOfDay,
  monthKey,
  parseIsoDate,
  parseMonth,
  strictDayOfIso,
  workingDaysBetween,
} from '../calendar/index.ts';
import { KPI_IDS, KPIS, type KpiId } from './catalogue.ts';
import { CareLeaverBook } from './careLeaverBook.ts';
import { UascBook } from './uascBook.ts';
import { MonthDeltas } from './monthDeltas.ts';
import type { KpiRun } from './types.ts';
import { ChildIndex } from '../events/childIndex.ts';
import {
  ChildRegister,
  ChildStates,
  F_ASSESSMENT,
  F_CASE_OPEN,
  F_CIN_PLAN,
  F_CLA,
  F_CP,
  F_IN_CIN_PLANS,
  F_IN_OPEN,
  F_S47,
  GROUP_INDEX,
  IFA,
  NEVER,
  OPEN,
} from './childStates.ts';

export interface ProjectorOptions {
  /** First reported month, `YYYY-MM`. */
  readonly startMonth: string;
  /** Number of reported months (at least 1). */
  readonly months: number;
  /**
   * Children aged 0–17, the denominator of every rate per 10,000: a constant, or a function of the
   * month index (`year * 12 + month - 1`).
   */
  readonly population: number | ((monthIndex: number) => number);
  /** Weekly unit cost in GBP per placement group; missing groups cost 0 (no costs: placement_cost is 0). */
  readonly unitCosts?: Partial<Record<PlacementGroup, number>>;
  /** Annual rise of unit costs in percent, applied once per whole 12 months since `startMonth`. */
  readonly unitCostInflationPct?: number;
  /**
   * Weekly unit costs in force in a month (by month index), already inflated. When given it
   * replaces `unitCosts` and `unitCostInflationPct`, so interventions can change costs over time.
   */
  readonly unitCostsAt?: (monthIndex: number) => Partial<Record<PlacementGroup, number>>;
  /**
   * Weekly costs in GBP per care leaver (leaving-care allowance and personal adviser time) and per
   * staying put arrangement in force in a month (by month index), already inflated; none: care_leaver_cost is 0.
   */
  readonly careLeaverCostsAt?: (monthIndex: number) => { readonly leavingCare: number; readonly stayingPut: number };
  /** The Home Office's UASC grant rates in force in a month (by month index): GBP per UASC per day, per former UASC care leaver per week; none: uasc_grant_income is 0. */
  readonly uascGrantAt?: (monthIndex: number) => { readonly under18PerDay: number; readonly careLeaverPerWeek: number } | undefined;
  /** Case-holding social workers (constant or per month index); caseload_avg is NaN without it. */
  readonly socialWorkers?: number | ((monthIndex: number) => number);
}

/** One reported month's KPI values, frozen at the month's close. */
export interface MonthSnapshot {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Offset from the start month (0-based). */
  readonly offset: number;
  readonly values: Readonly<Record<string, number>>;
  readonly numerators: Readonly<Record<string, number>>;
  readonly denominators: Readonly<Record<string, number>>;
}

/** Events the projector skipped or could only partly use, by reason. */
export interface ProjectorDiagnostics {
  /** Events dated on or after the end of the reported horizon. */
  readonly afterHorizon: number;
  readonly cpStartWhileOnPlan: number;
  readonly cpEndWithoutPlan: number;
  readonly careStartWhileInCare: number;
  readonly careEndNotInCare: number;
  readonly episodeChangeNotInCare: number;
  readonly caseClosedNotOpen: number;
  /** AssessmentAuthorised with neither a referral nor an AssessmentStarted before it: left out of assessments_45d_pct. */
  readonly assessmentWithoutStart: number;
  /** IcpcHeld with no strategy discussion to time it from (none in the case, or its S47 had none): left out of icpc_15d_pct. */
  readonly icpcWithoutStrategyDiscussion: number;
}

/** KPIs that carry a numerator and a denominator. */
export const RATIO_KPI_IDS: readonly KpiId[] = KPIS.filter((k) => k.unit === 'pct' || k.unit === 'per10k' || k.unit === 'ratio').map((k) => k.id);

/**
 * The 18th birthday of a child born on `dob`: `addYears(parseIsoDate(dob), 18)` without building
 * Dates, and the same error for a string that is not a real `YYYY-MM-DD` date.
 */
export function age18DayOf(dob: string): number {
  const day = strictDayOfIso(dob);
  return day === day ? addYearsFast(day, 18) : addYears(parseIsoDate(dob), 18);
}

/** Working days from `from` to `to`, with the event named if a date is outside the calendar. */
export function workingDays(from: number, to: number, e: CaseEvent | undefined): number {
  try {
    return workingDaysBetween(from, to);
  } catch (err) {
    const what = e ? `${e.type} of child ${e.childId} (version ${e.version}) dated ${e.date}` : `an event on day ${to}`;
    throw new RangeError(`${what}: cannot count working days: ${(err as Error).message}`);
  }
}

export function constantOrPerMonth(name: string, v: number | ((m: number) => number) | undefined): ((m: number) => number) | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'function') return v;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`ProjectorOptions.${name} must be a number greater than 0 (got ${String(v)})`);
  return () => v;
}

/** The projector's accumulators and its month bookkeeping: opening, closing and reporting months. */
export abstract class ProjectorState {
  protected readonly start: number;
  protected readonly months: number;
  protected readonly end: number;
  protected readonly population: (m: number) => number;
  protected readonly socialWorkers: ((m: number) => number) | undefined;
  protected readonly unitCost = new Float64Array(PLACEMENT_GROUPS.length);
  protected readonly inflation: number;
  protected readonly unitCostsAt: ProjectorOptions['unitCostsAt'];
  protected readonly careLeaverCostsAt: ProjectorOptions['careLeaverCostsAt'];
  protected readonly uascGrantAt: ProjectorOptions['uascGrantAt'];
  /** UASC days looked after and former UASC care leavers (uasc_grant_income, care_leavers_uasc_open). */
  protected readonly uascBook = new UascBook();
  /** Care leavers' statuses and days (care_leavers_eet_pct, care_leavers_suitable_accommodation_pct, care_leaver_cost). */
  protected readonly leavers = new CareLeaverBook();

  protected readonly ids = new ChildIndex();
  protected readonly register = new ChildRegister();
  protected readonly st = new ChildStates();
  /** Placement indexes of the children looked after (unordered). */
  protected inCare = new Int32Array(1024);
  protected inCareCount = 0;

  protected started = false;
  protected finished = false;
  protected run: KpiRun | undefined;
  protected cur = 0;
  protected nextMonthDay = 0;
  protected lastDay = NEVER;
  protected lastDate = '';
  /** Month index of `lastDay`. */
  protected lastMonth = 0;
  /**
   * The engine's children, by the number it gives each (`applyFields`, and `applyEvent` with a
   * number): a register of their own, so that a number is its own index (no second lookup).
   */
  protected readonly numberedRegister = new ChildRegister();

  // flows of the current month
  protected contacts = 0;
  protected concluded = 0;
  protected converted = 0;
  protected earlyHelp = 0;
  protected referrals = 0;
  protected rereferrals = 0;
  protected assessments = 0;
  protected assessmentNfa = 0;
  protected assessmentsTimed = 0;
  protected assessmentsIn45 = 0;
  protected strategy = 0;
  protected s47 = 0;
  protected icpc = 0;
  protected icpcTimed = 0;
  protected icpcIn15 = 0;
  protected cpStarts = 0;
  protected cpRepeat = 0;
  protected cpRepeat2y = 0;
  protected cpEnds = 0;
  protected cpEnds2y = 0;
  protected claStarts = 0;
  protected claReentries = 0;
  protected claReentries12m = 0;
  protected claEnds = 0;
  protected readonly endsByGroup = new Int32Array(LEAVING_CARE_GROUPS.length);
  protected endsAge18 = 0;

  // stocks
  protected cpOpen = 0;
  /** Children on CP plans that have lasted 2 years or more by the month end (cp_open_2yr_pct). */
  protected readonly cpOpen2y = new MonthDeltas();
  protected cinPlansOpen = 0;
  protected openCases = 0;
  protected claOpen = 0;
  protected uascOpen = 0;
  /** Care leavers at the end of the month being closed, and changes to come by month index. */
  protected careLeavers = 0;
  protected readonly leaverDeltas = new Map<number, number>();
  protected readonly groupCount = new Int32Array(PLACEMENT_GROUPS.length);
  /** Child-days in each placement group in the current month (maintained incrementally). */
  protected readonly groupDays = new Float64Array(PLACEMENT_GROUPS.length);

  // rolling 12-month rings of monthly counts, indexed by month index mod 12
  protected readonly referralRing = new Int32Array(12);
  protected readonly assessmentRing = new Int32Array(12);
  protected readonly s47Ring = new Int32Array(12);
  protected readonly icpcRing = new Int32Array(12);

  // results
  protected readonly values: Record<string, Float64Array> = {};
  protected readonly numerators: Record<string, Float64Array> = {};
  protected readonly denominators: Record<string, Float64Array> = {};
  protected readonly snaps: MonthSnapshot[] = [];
  /** Month indexes of the reported months closed so far, in order (their snapshots are built on demand). */
  protected readonly closedMonths: number[] = [];
  /** referral_nfa_pct's value and numerator of each reported month when it closed. */
  protected readonly nfaAtClose: Float64Array;
  /** The result arrays of cla_ends_<group> (LEAVING_CARE_GROUPS order) and cla_placement_<group> (PLACEMENT_GROUPS order). */
  protected readonly endsCols: Float64Array[];
  protected readonly placementCols: Float64Array[];
  protected readonly diag = {
    afterHorizon: 0,
    cpStartWhileOnPlan: 0,
    cpEndWithoutPlan: 0,
    careStartWhileInCare: 0,
    careEndNotInCare: 0,
    episodeChangeNotInCare: 0,
    caseClosedNotOpen: 0,
    assessmentWithoutStart: 0,
    icpcWithoutStrategyDiscussion: 0,
  };

  constructor(opts: ProjectorOptions) {
    this.start = parseMonth(opts.startMonth);
    if (!Number.isSafeInteger(opts.months) || opts.months < 1) throw new RangeError(`ProjectorOptions.months must be a whole number of at least 1 (got ${String(opts.months)})`);
    this.months = opts.months;
    this.end = this.start + opts.months;
    this.population = constantOrPerMonth('population', opts.population)!;
    if (this.population === undefined) throw new RangeError('ProjectorOptions.population is required');
    this.socialWorkers = constantOrPerMonth('socialWorkers', opts.socialWorkers);
    this.unitCostsAt = opts.unitCostsAt;
    this.careLeaverCostsAt = opts.careLeaverCostsAt;
    this.uascGrantAt = opts.uascGrantAt;
    const infl = opts.unitCostInflationPct ?? 0;
    if (!Number.isFinite(infl) || infl <= -100) throw new RangeError(`ProjectorOptions.unitCostInflationPct must be a number above -100 (got ${String(infl)})`);
    this.inflation = 1 + infl / 100;
    for (const [g, cost] of Object.entries(opts.unitCosts ?? {})) {
      const i = GROUP_INDEX.get(g as PlacementGroup);
      if (i === undefined) throw new RangeError(`ProjectorOptions.unitCosts: unknown placement group "${g}" (expected one of ${PLACEMENT_GROUPS.join(', ')})`);
      if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) throw new RangeError(`ProjectorOptions.unitCosts.${g} must be a number of 0 or more (got ${String(cost)})`);
      this.unitCost[i] = cost;
    }
    for (const id of KPI_IDS) this.values[id] = new Float64Array(this.months).fill(NaN);
    for (const id of RATIO_KPI_IDS) {
      this.numerators[id] = new Float64Array(this.months).fill(NaN);
      this.denominators[id] = new Float64Array(this.months).fill(NaN);
    }
    // referral_nfa_pct's numerator is added to as closures arrive, possibly months later
    this.numerators.referral_nfa_pct.fill(0);
    this.nfaAtClose = new Float64Array(2 * this.months);
    this.endsCols = LEAVING_CARE_GROUPS.map((g) => this.values[`cla_ends_${g}`]);
    this.placementCols = PLACEMENT_GROUPS.map((g) => this.values[`cla_placement_${g}`]);
  }

  /** Closes every month to the horizon and returns the run. Later calls return the same run. */
  finish(): KpiRun {
    if (this.run) return this.run;
    if (!this.started) this.begin(this.start);
    this.advanceTo(this.end);
    this.finished = true;
    const num = this.numerators.referral_nfa_pct;
    const den = this.denominators.referral_nfa_pct;
    const val = this.values.referral_nfa_pct;
    for (let i = 0; i < this.months; i++) val[i] = den[i] > 0 ? (num[i] * 100) / den[i] : NaN;
    this.run = {
      startMonth: monthKey(this.start),
      months: this.months,
      values: this.values,
      numerators: this.numerators,
      denominators: this.denominators,
    };
    return this.run;
  }

  /** Snapshots of the reported months closed so far (referral_nfa_pct as known at each close). */
  snapshots(): readonly MonthSnapshot[] {
    while (this.snaps.length < this.closedMonths.length) this.snaps.push(this.buildSnapshot(this.closedMonths[this.snaps.length]));
    return this.snaps;
  }

  diagnostics(): ProjectorDiagnostics {
    return { ...this.diag };
  }

  // --- internals

  protected begin(month: number): void {
    this.started = true;
    this.cur = month;
    this.openMonth(month);
  }

  protected advanceTo(month: number): void {
    while (this.cur < month) {
      this.closeMonth(this.cur);
      this.cur++;
      this.openMonth(this.cur);
    }
  }

  protected openMonth(m: number): void {
    this.nextMonthDay = firstDayOfMonth(m + 1);
    const dim = daysInMonth(m);
    for (let g = 0; g < this.groupDays.length; g++) this.groupDays[g] = this.groupCount[g] * dim;
    this.uascBook.openMonth(this.uascOpen, dim, this.nextMonthDay);
  }

  /**
   * Care-leaver bookkeeping at the end of a period of care of slot `c` (18th birthday `age18`;
   * `exit` false for an end made by an import repair; `stayingPut` for REC E17):
   * the days looked after since the 14th birthday add up, and a child who ceased to be looked
   * after aged 16, 17 or 18 with 13 weeks (91 days) or more since the 14th birthday is a care
   * leaver from the later of that day and the 17th birthday to the 26th birthday (other
   * birthdays are counted from the 18th, so 29 February births have theirs on 28 February).
   */
  protected careEnded(c: number, age18: number, start: number, day: number, exit: boolean, stayingPut: boolean, uasc = false): void {
    if (age18 === OPEN) return;
    const st = this.st;
    const b14 = addYearsFast(age18, -4);
    if (day > b14) st.careDaysSince14[c] += day - Math.max(start, b14);
    // an end made by an import repair is no exit (the child was still looked after)
    if (!exit || day < addYearsFast(age18, -2) || day >= addYearsFast(age18, 1) || st.careDaysSince14[c] < 91) return;
    const from = Math.max(day, addYearsFast(age18, -1));
    const to = addYearsFast(age18, 8);
    st.leaverFrom[c] = from;
    st.leaverTo[c] = to;
    this.leavers.start(c, from, to, age18, stayingPut);
    if (uasc) this.uascBook.startLeaver(c, Math.max(day, age18), to);
    this.leaverDelta(monthIndexOfDay(from), 1);
    this.leaverDelta(monthIndexOfDay(to), -1);
  }

  /** Slot `c` stops being a care leaver on `day` (looked after again). */
  protected endCareLeaver(c: number, day: number): void {
    const st = this.st;
    const from = st.leaverFrom[c];
    const to = st.leaverTo[c];
    st.leaverFrom[c] = st.leaverTo[c] = NEVER;
    this.leavers.end(c, day);
    this.uascBook.endLeaver(c, day);
    // undo the interval from this month on: counted until now if it had begun
    this.leaverDelta(monthIndexOfDay(to), 1);
    this.leaverDelta(monthIndexOfDay(from > day ? from : day), -1);
  }

  /** Care leavers counted from the end of month `m` on change by `d`. */
  protected leaverDelta(m: number, d: number): void {
    if (m <= this.cur - 1) {
      // the month is closed already (a start before the projector's first month): count it now
      this.careLeavers += d;
      return;
    }
    this.leaverDeltas.set(m, (this.leaverDeltas.get(m) ?? 0) + d);
  }

  /** Sets slot `c`'s flags to `f` and updates the open_cases (= cin_open) and cin_plans_open stocks. */
  protected refresh(c: number, f: number): void {
    const open = (f & (F_CASE_OPEN | F_CP | F_CLA)) !== 0;
    if (open !== ((f & F_IN_OPEN) !== 0)) {
      f ^= F_IN_OPEN;
      this.openCases += open ? 1 : -1;
    }
    const plan = (f & F_CIN_PLAN) !== 0 && (f & (F_CP | F_CLA)) === 0;
    if (plan !== ((f & F_IN_CIN_PLANS) !== 0)) {
      f ^= F_IN_CIN_PLANS;
      this.cinPlansOpen += plan ? 1 : -1;
    }
    this.st.flags[c] = f;
  }

  /** Placement index `p` enters placement group `g` on `day`. */
  protected enterGroup(p: number, g: number, day: number): void {
    this.st.group[p] = g;
    this.groupCount[g]++;
    this.groupDays[g] += this.nextMonthDay - day;
  }

  protected leaveGroup(p: number, day: number): void {
    const g = this.st.group[p];
    this.groupCount[g]--;
    this.groupDays[g] -= this.nextMonthDay - day;
    this.st.group[p] = -1;
  }

  protected newPlacement(p: number, day: number): void {
    const st = this.st;
    if (st.p1e[p] === OPEN) st.p1e[p] = day;
    st.p3s[p] = st.p2s[p];
    st.p3e[p] = st.p2e[p];
    st.p2s[p] = st.p1s[p];
    st.p2e[p] = st.p1e[p];
    st.p1s[p] = day;
    st.p1e[p] = OPEN;
  }

  protected closeMonth(m: number): void {
    this.cpOpen2y.close(m);
    const dl = this.leaverDeltas.get(m);
    if (dl !== undefined) {
      this.careLeavers += dl;
      this.leaverDeltas.delete(m);
    }
    const slot = m % 12;
    this.referralRing[slot] = this.referrals;
    this.assessmentRing[slot] = this.assessments;
    this.s47Ring[slot] = this.s47;
    this.icpcRing[slot] = this.icpc;
    if (m >= this.start && m < this.end) this.report(m, m - this.start);
    this.contacts = this.concluded = this.converted = this.earlyHelp = 0;
    this.referrals = this.rereferrals = 0;
    this.assessments = this.assessmentNfa = this.assessmentsTimed = this.assessmentsIn45 = 0;
    this.strategy = this.s47 = this.icpc = this.icpcTimed = this.icpcIn15 = 0;
    this.cpStarts = this.cpRepeat = this.cpRepeat2y = this.cpEnds = this.cpEnds2y = 0;
    this.claStarts = this.claEnds = this.endsAge18 = this.claReentries = this.claReentries12m = 0;
    this.endsByGroup.fill(0);
  }

  protected report(m: number, off: number): void {
    const pop = this.population(m);
    if (typeof pop !== 'number' || !Number.isFinite(pop) || pop <= 0) {
      throw new RangeError(`ProjectorOptions.population gave ${String(pop)} for ${monthKey(m)}: it must be a number greater than 0`);
    }
    const V = this.values;
    const N = this.numerators;
    const D = this.denominators;

    this.count('contacts', off, this.contacts);
    this.pct('contact_conversion_pct', off, this.converted, this.concluded);
    this.count('referrals', off, this.referrals);
    this.rate('referral_rate', off, pop, ringSum(this.referralRing));
    this.pct('rereferral_pct', off, this.rereferrals, this.referrals);
    // numerator accumulates as closures arrive; the final value is set in finish()
    D.referral_nfa_pct[off] = this.referrals;
    V.referral_nfa_pct[off] = this.referrals > 0 ? (N.referral_nfa_pct[off] * 100) / this.referrals : NaN;
    this.count('early_help_referrals', off, this.earlyHelp);
    this.count('assessments_completed', off, this.assessments);
    this.rate('assessment_rate', off, pop, ringSum(this.assessmentRing));
    this.pct('assessments_45d_pct', off, this.assessmentsIn45, this.assessmentsTimed);
    this.pct('assessment_nfa_pct', off, this.assessmentNfa, this.assessments);
    this.count('strategy_discussions', off, this.strategy);
    this.count('s47_started', off, this.s47);
    this.rate('s47_rate', off, pop, ringSum(this.s47Ring));
    this.count('icpc_held', off, this.icpc);
    this.rate('icpc_rate', off, pop, ringSum(this.icpcRing));
    this.pct('icpc_15d_pct', off, this.icpcIn15, this.icpcTimed);
    this.count('cp_starts', off, this.cpStarts);
    this.count('cp_ends', off, this.cpEnds);
    this.count('cp_open', off, this.cpOpen);
    this.rate('cp_rate', off, pop, this.cpOpen);
    this.pct('cp_repeat_pct', off, this.cpRepeat, this.cpStarts);
    this.pct('cp_repeat_2yr_pct', off, this.cpRepeat2y, this.cpStarts);
    this.pct('cp_2yr_pct', off, this.cpEnds2y, this.cpEnds);
    this.pct('cp_open_2yr_pct', off, this.cpOpen2y.value, this.cpOpen);
    // the DfE's children in need: every open episode of need, CP plans and children looked after included
    this.count('cin_open', off, this.openCases);
    this.rate('cin_rate', off, pop, this.openCases);
    this.count('cin_plans_open', off, this.cinPlansOpen);
    this.count('open_cases', off, this.openCases);
    this.rate('open_rate', off, pop, this.openCases);
    this.count('cla_starts', off, this.claStarts);
    this.count('cla_ends', off, this.claEnds);
    this.count('cla_reentries', off, this.claReentries);
    this.pct('cla_reentry_12m_pct', off, this.claReentries12m, this.claStarts);
    this.count('cla_open', off, this.claOpen);
    this.rate('cla_rate', off, pop, this.claOpen);
    for (let i = 0; i < LEAVING_CARE_GROUPS.length; i++) this.endsCols[i][off] = this.endsByGroup[i];
    this.count('cla_ends_age18', off, this.endsAge18);
    this.count('uasc_open', off, this.uascOpen);
    this.count('care_leavers_open', off, this.careLeavers);
    const cl = this.leavers.close(firstDayOfMonth(m), firstDayOfMonth(m + 1));
    this.pct('care_leavers_eet_pct', off, cl.eet, cl.aged19to21);
    this.pct('care_leavers_suitable_accommodation_pct', off, cl.suitable, cl.aged19to21);
    for (let g = 0; g < PLACEMENT_GROUPS.length; g++) this.placementCols[g][off] = this.groupCount[g];
    this.pct('cla_placement_ifa_pct', off, this.groupCount[IFA], this.claOpen);
    this.pct('cla_3plus_moves_pct', off, this.threePlusMoves(m), this.claOpen);

    let cost = 0;
    if (this.unitCostsAt) {
      const costs = this.unitCostsAt(m);
      for (let g = 0; g < PLACEMENT_GROUPS.length; g++) cost += (this.groupDays[g] * (costs[PLACEMENT_GROUPS[g]] ?? 0)) / 7;
    } else {
      const inflation = Math.pow(this.inflation, Math.floor((m - this.start) / 12));
      for (let g = 0; g < PLACEMENT_GROUPS.length; g++) cost += (this.groupDays[g] * this.unitCost[g]) / 7;
      cost *= inflation;
    }
    this.count('placement_cost', off, cost);
    const lc = this.careLeaverCostsAt?.(m);
    const leaverCost = lc ? (cl.days * lc.leavingCare + cl.stayingPutDays * lc.stayingPut) / 7 : 0;
    this.count('care_leaver_cost', off, leaverCost);
    const uascLeavers = this.uascBook.leaversAt(m);
    this.count('care_leavers_uasc_open', off, uascLeavers);
    const grant = this.uascGrantAt?.(m);
    const income = grant ? this.uascBook.days * grant.under18PerDay + (uascLeavers * daysInMonth(m) * grant.careLeaverPerWeek) / 7 : 0;
    this.count('uasc_grant_income', off, income);
    this.count('net_spend', off, cost + leaverCost - income);

    const workers = this.socialWorkers ? this.socialWorkers(m) : NaN;
    N.caseload_avg[off] = this.openCases;
    D.caseload_avg[off] = workers;
    V.caseload_avg[off] = workers > 0 ? this.openCases / workers : NaN;

    this.snapshot(m, off);
  }

  /** Children in care at the end of month `m` with 3 or more placements in the 12 months to then. */
  protected threePlusMoves(m: number): number {
    const ws = firstDayOfMonth(m - 11);
    let n3 = 0;
    const list = this.inCare;
    const { p1s, p2s, p3s, p3e } = this.st;
    for (let i = 0; i < this.inCareCount; i++) {
      const p = list[i];
      // the current placement always counts; it is open at month end
      if (p1s[p] < ws || p2s[p] < ws) continue; // at most 2: current (+ the one open at ws)
      // p1 and p2 started in the window: a third if p3 started in it or was open at its start
      if (p3s[p] >= ws || p3e[p] > ws) n3++;
    }
    return n3;
  }

  protected count(id: KpiId, off: number, v: number): void {
    this.values[id][off] = v;
  }

  protected pct(id: KpiId, off: number, n: number, d: number): void {
    this.numerators[id][off] = n;
    this.denominators[id][off] = d;
    this.values[id][off] = d > 0 ? (n * 100) / d : NaN;
  }

  protected rate(id: KpiId, off: number, pop: number, n: number): void {
    this.numerators[id][off] = n;
    this.denominators[id][off] = pop;
    this.values[id][off] = (n * 10000) / pop;
  }

  /**
   * Notes month `off` as closed. Its snapshot is built when `snapshots()` asks for it, from the
   * result arrays (which no longer change for a closed month) and referral_nfa_pct as it was now.
   */
  protected snapshot(m: number, off: number): void {
    this.nfaAtClose[2 * off] = this.values.referral_nfa_pct[off];
    this.nfaAtClose[2 * off + 1] = this.numerators.referral_nfa_pct[off];
    this.closedMonths.push(m);
  }

  private buildSnapshot(m: number): MonthSnapshot {
    const off = m - this.start;
    const values: Record<string, number> = {};
    const numerators: Record<string, number> = {};
    const denominators: Record<string, number> = {};
    for (const id of KPI_IDS) values[id] = this.values[id][off];
    for (const id of RATIO_KPI_IDS) {
      numerators[id] = this.numerators[id][off];
      denominators[id] = this.denominators[id][off];
    }
    values.referral_nfa_pct = this.nfaAtClose[2 * off];
    numerators.referral_nfa_pct = this.nfaAtClose[2 * off + 1];
    return freeze({ month: monthKey(m), offset: off, values, numerators, denominators }, true);
  }
}

function ringSum(ring: Int32Array): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += ring[i];
  return s;
}
