/**
 * Monthly KPI projection from event streams.
 *
 * `KpiProjector` folds events (in non-decreasing date order, all children interleaved) into plain
 * mutable accumulators: per-child state in typed arrays (children numbered densely by
 * `ChildIndex`; state only for children past a contact), integer counters for the month's flows,
 * running stocks, and 12-slot rings of monthly counts for rolling rates. Per-event work is O(1);
 * month close is O(KPIs + children looked after). Each reported month is closed into its slot
 * of the result arrays and into an immutable `MonthSnapshot`.
 *
 * Events come as objects (`apply`) or, from the engine, as a few numbers (`applyFields`, via
 * `projector.sink`; see src/simulation/fields.ts); both go through the same fold.
 *
 * Conventions:
 * - A day belongs to a state from its start day up to but not including its end day: a child who
 *   leaves care on the last day of a month is not looked after at that month end, and a placement
 *   from the 3rd to the 5th costs two days.
 * - Events dated before `startMonth` build state (opening stock, rolling windows) but are not
 *   reported. Events dated on or after the horizon (`startMonth + months`) are ignored and counted.
 * - Events the stream's state machine should have rejected (ending a CP plan that is not open,
 *   entering care twice) are skipped and counted in `diagnostics()`, so stock-flow identities hold.
 */
import { freeze } from 'immer';
import type { CaseEvent } from '../events/index.ts';
import { PLACEMENT_GROUPS, LEAVING_CARE_GROUPS, type PlacementGroup } from '../events/codes/groups.ts';
import {
  addYears,
  addYearsFast,
  daysInMonth,
  fastDayNumber,
  firstDayOfMonth,
  monthIndexOfDay,
  monthIndexOfIso,
  monthKey,
  parseIsoDate,
  parseMonth,
  strictDayOfIso,
  workingDaysBetween,
} from '../calendar/index.ts';
import { KPIS, KPI_IDS } from './catalogue.ts';
import type { KpiRun } from './types.ts';
import { ChildIndex } from './childIndex.ts';
import {
  FIELD_SINK,
  LEAVING_AGE18,
  LEAVING_OTHER,
  OUT_EARLY_HELP,
  OUT_NFA,
  OUT_REFERRAL,
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
  T_REFERRAL_ACCEPTED,
  T_S47_CONCLUDED,
  T_S47_STARTED,
  T_STRATEGY_DISCUSSION,
  leavingGroupIndex,
  placementGroupIndex,
  type FieldSink,
} from '../simulation/fields.ts';

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
  /** AssessmentAuthorised with no AssessmentStarted: left out of assessments_45d_pct. */
  readonly assessmentWithoutStart: number;
  /** IcpcHeld with no earlier StrategyDiscussionHeld: left out of icpc_15d_pct. */
  readonly icpcWithoutStrategyDiscussion: number;
}

const NEVER = -1e9; // a day before any real date
const OPEN = 1e9; // the end day of something still open
const PLACEMENT_STARTS_NEW: ReadonlySet<string> = new Set(['P', 'T', 'B', 'U']);
const GROUP_INDEX = new Map<PlacementGroup, number>(PLACEMENT_GROUPS.map((g, i) => [g, i]));
const IFA = GROUP_INDEX.get('ifa')!;

/** KPIs that carry a numerator and a denominator. */
export const RATIO_KPI_IDS: readonly string[] = KPIS.filter((k) => k.unit === 'pct' || k.unit === 'per10k' || k.unit === 'ratio').map((k) => k.id);

// per-child flags (ChildStates.flags)
const F_CASE_OPEN = 1;
const F_ASSESSMENT = 2;
const F_S47 = 4;
const F_CIN_PLAN = 8;
const F_CP = 16;
const F_CLA = 32;
const F_UASC_IN_CARE = 64;
/** Counted in cin_open. */
const F_IN_CIN = 128;
/** Counted in open_cases. */
const F_IN_OPEN = 256;

/**
 * Per-child state as struct-of-arrays, indexed by a state slot (1-based; slot 0 is unused).
 * A slot is given to a child at its first event that needs one (not a contact or registration:
 * most contacted children never get further). Placement history lives in a second set of
 * arrays, indexed by `care[slot]`, given to children at their first period of care.
 */
class ChildStates {
  size = 1;
  flags = new Uint16Array(0);
  /** Month index of the referral that opened the current case; -1 when none. */
  referralMonth = new Int32Array(0);
  lastReferralDay = new Int32Array(0);
  assessmentStart = new Int32Array(0);
  strategyDay = new Int32Array(0);
  cpPlans = new Int32Array(0);
  cpTwoYears = new Int32Array(0);
  /** Index into the placement arrays (0: never looked after). */
  care = new Int32Array(0);

  careSize = 1;
  claSlot = new Int32Array(0);
  group = new Int8Array(0);
  // the latest three placements (start day, end day), most recent first
  p1s = new Int32Array(0);
  p1e = new Int32Array(0);
  p2s = new Int32Array(0);
  p2e = new Int32Array(0);
  p3s = new Int32Array(0);
  p3e = new Int32Array(0);

  constructor() {
    this.grow(1024);
    this.growCare(256);
  }

  /** A new slot in its initial state. */
  add(): number {
    const s = this.size++;
    if (s >= this.flags.length) this.grow(this.flags.length * 2);
    this.flags[s] = 0;
    this.referralMonth[s] = -1;
    this.lastReferralDay[s] = NEVER;
    this.assessmentStart[s] = NEVER;
    this.strategyDay[s] = NEVER;
    this.cpPlans[s] = 0;
    this.cpTwoYears[s] = OPEN;
    this.care[s] = 0;
    return s;
  }

  /** The placement index of slot `c`, created on first use. */
  careOf(c: number): number {
    let i = this.care[c];
    if (i === 0) {
      i = this.care[c] = this.careSize++;
      if (i >= this.claSlot.length) this.growCare(this.claSlot.length * 2);
      this.claSlot[i] = -1;
      this.group[i] = -1;
      this.p1s[i] = NEVER;
      this.p1e[i] = NEVER;
      this.p2s[i] = NEVER;
      this.p2e[i] = NEVER;
      this.p3s[i] = NEVER;
      this.p3e[i] = NEVER;
    }
    return i;
  }

  private grow(cap: number): void {
    const f = new Uint16Array(cap);
    f.set(this.flags);
    this.flags = f;
    this.referralMonth = grow32(this.referralMonth, cap);
    this.lastReferralDay = grow32(this.lastReferralDay, cap);
    this.assessmentStart = grow32(this.assessmentStart, cap);
    this.strategyDay = grow32(this.strategyDay, cap);
    this.cpPlans = grow32(this.cpPlans, cap);
    this.cpTwoYears = grow32(this.cpTwoYears, cap);
    this.care = grow32(this.care, cap);
  }

  private growCare(cap: number): void {
    const g = new Int8Array(cap);
    g.set(this.group);
    this.group = g;
    this.claSlot = grow32(this.claSlot, cap);
    this.p1s = grow32(this.p1s, cap);
    this.p1e = grow32(this.p1e, cap);
    this.p2s = grow32(this.p2s, cap);
    this.p2e = grow32(this.p2e, cap);
    this.p3s = grow32(this.p3s, cap);
    this.p3e = grow32(this.p3e, cap);
  }
}

function grow32(a: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** What every child seen has, by child number: registration details and its state slot. */
class ChildRegister {
  /** Day of the 18th birthday (OPEN until registered). */
  age18Day = new Int32Array(1024).fill(OPEN);
  uasc = new Uint8Array(1024);
  /** State slot (0: none yet). */
  slot = new Int32Array(1024);

  ensure(n: number): void {
    if (n < this.slot.length) return;
    const cap = Math.max(n + 1, this.slot.length * 2);
    const a = new Int32Array(cap).fill(OPEN);
    a.set(this.age18Day);
    this.age18Day = a;
    const u = new Uint8Array(cap);
    u.set(this.uasc);
    this.uasc = u;
    const s = new Int32Array(cap);
    s.set(this.slot);
    this.slot = s;
  }
}

/**
 * The 18th birthday of a child born on `dob`: `addYears(parseIsoDate(dob), 18)` without building
 * Dates, and the same error for a string that is not a real `YYYY-MM-DD` date.
 */
function age18DayOf(dob: string): number {
  const day = strictDayOfIso(dob);
  return day === day ? addYearsFast(day, 18) : addYears(parseIsoDate(dob), 18);
}

/** Working days from `from` to `to`, with the event named if a date is outside the calendar. */
function workingDays(from: number, to: number, e: CaseEvent | undefined): number {
  try {
    return workingDaysBetween(from, to);
  } catch (err) {
    const what = e ? `${e.type} of child ${e.childId} (version ${e.version}) dated ${e.date}` : `an event on day ${to}`;
    throw new RangeError(`${what}: cannot count working days: ${(err as Error).message}`);
  }
}

function constantOrPerMonth(name: string, v: number | ((m: number) => number) | undefined): ((m: number) => number) | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'function') return v;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`ProjectorOptions.${name} must be a number greater than 0 (got ${String(v)})`);
  return () => v;
}

export class KpiProjector {
  private readonly start: number;
  private readonly months: number;
  private readonly end: number;
  private readonly population: (m: number) => number;
  private readonly socialWorkers: ((m: number) => number) | undefined;
  private readonly unitCost = new Float64Array(PLACEMENT_GROUPS.length);
  private readonly inflation: number;
  private readonly unitCostsAt: ProjectorOptions['unitCostsAt'];

  private readonly ids = new ChildIndex();
  private readonly register = new ChildRegister();
  private readonly st = new ChildStates();
  /** Placement indexes of the children looked after (unordered). */
  private inCare = new Int32Array(1024);
  private inCareCount = 0;

  private started = false;
  private finished = false;
  private run: KpiRun | undefined;
  private cur = 0;
  private nextMonthDay = 0;
  private lastDay = NEVER;
  private lastDate = '';
  /** Month index of `lastDay`. */
  private lastMonth = 0;
  /** Child numbers of the engine's children (`applyFields`). */
  private byNumber = new Int32Array(1024);

  // flows of the current month
  private contacts = 0;
  private concluded = 0;
  private converted = 0;
  private earlyHelp = 0;
  private referrals = 0;
  private rereferrals = 0;
  private assessments = 0;
  private assessmentNfa = 0;
  private assessmentsTimed = 0;
  private assessmentsIn45 = 0;
  private strategy = 0;
  private s47 = 0;
  private icpc = 0;
  private icpcTimed = 0;
  private icpcIn15 = 0;
  private cpStarts = 0;
  private cpRepeat = 0;
  private cpEnds = 0;
  private cpEnds2y = 0;
  private claStarts = 0;
  private claEnds = 0;
  private readonly endsByGroup = new Int32Array(LEAVING_CARE_GROUPS.length);

  // stocks
  private cpOpen = 0;
  private cinOpen = 0;
  private openCases = 0;
  private claOpen = 0;
  private uascOpen = 0;
  private readonly groupCount = new Int32Array(PLACEMENT_GROUPS.length);
  /** Child-days in each placement group in the current month (maintained incrementally). */
  private readonly groupDays = new Float64Array(PLACEMENT_GROUPS.length);

  // rolling 12-month rings of monthly counts, indexed by month index mod 12
  private readonly referralRing = new Int32Array(12);
  private readonly assessmentRing = new Int32Array(12);
  private readonly s47Ring = new Int32Array(12);
  private readonly icpcRing = new Int32Array(12);

  // results
  private readonly values: Record<string, Float64Array> = {};
  private readonly numerators: Record<string, Float64Array> = {};
  private readonly denominators: Record<string, Float64Array> = {};
  private readonly snaps: MonthSnapshot[] = [];
  private readonly diag = {
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
  }

  /** Folds one event. Events must come in non-decreasing date order. */
  apply(e: CaseEvent): void {
    this.applyEvent(e, -1);
  }

  /**
   * This projector as an event sink (`(e) => projector.apply(e)`). Given to `runSimulation` it
   * also lets the engine hand events over as numbers (see src/simulation/fields.ts) without
   * building event objects; the KPIs are the same.
   */
  readonly sink: (e: CaseEvent) => void = Object.assign((e: CaseEvent) => this.applyEvent(e, -1), { [FIELD_SINK]: this as FieldSink });

  /**
   * Folds one event of child number `child` (from the engine, with `applyFields`; children are
   * told apart by number, not by `childId`), or of the child `e.childId` when `child` is -1.
   */
  applyEvent(e: CaseEvent, child: number): void {
    if (this.finished) throw new Error('KpiProjector: apply() called after finish()');
    const date = e.date;
    let day = this.lastDay;
    // consecutive events mostly share a date: parse a date only when it changes
    if (date !== this.lastDate) {
      day = fastDayNumber(date);
      if (day < this.lastDay) {
        throw new RangeError(`events out of date order: ${e.type} of child ${e.childId} (version ${e.version}) dated ${date} comes after an event dated ${this.lastDate}`);
      }
      this.lastDay = day;
      this.lastDate = date;
      this.lastMonth = monthIndexOfIso(date);
    }
    const mi = this.lastMonth;
    if (mi >= this.end) {
      this.diag.afterHorizon++;
      return;
    }
    if (!this.started) this.begin(mi < this.start ? mi : this.start);
    if (mi > this.cur) this.advanceTo(mi);

    let type: number;
    let a = 0;
    let b = 0;
    switch (e.type) {
      // contacts need no per-child state (most contacted children are never referred)
      case 'ContactReceived':
        this.contacts++;
        return;
      case 'ContactConcluded':
        this.concluded++;
        if (e.outcome === 'referral') this.converted++;
        else if (e.outcome === 'early_help') this.earlyHelp++;
        return;
      case 'ChildRegistered':
        type = T_CHILD_REGISTERED;
        a = age18DayOf(e.dateOfBirth);
        b = e.uasc ? 1 : 0;
        break;
      case 'ReferralAccepted':
        type = T_REFERRAL_ACCEPTED;
        a = e.isRereferral ? 1 : 0;
        break;
      case 'AssessmentStarted':
        type = T_ASSESSMENT_STARTED;
        break;
      case 'AssessmentAuthorised':
        type = T_ASSESSMENT_AUTHORISED;
        a = e.outcome === 'nfa' ? OUT_NFA : e.outcome === 'early_help' ? OUT_EARLY_HELP : 2;
        break;
      case 'StrategyDiscussionHeld':
        type = T_STRATEGY_DISCUSSION;
        break;
      case 'Section47Started':
        type = T_S47_STARTED;
        break;
      case 'Section47Concluded':
        type = T_S47_CONCLUDED;
        break;
      case 'IcpcHeld':
        type = T_ICPC_HELD;
        break;
      case 'CinPlanStarted':
        type = T_CIN_PLAN_STARTED;
        break;
      case 'CinPlanEnded':
        type = T_CIN_PLAN_ENDED;
        break;
      case 'CpPlanStarted':
        type = T_CP_PLAN_STARTED;
        a = e.previousPlans;
        break;
      case 'CpPlanEnded':
        type = T_CP_PLAN_ENDED;
        break;
      case 'PeriodOfCareStarted':
        type = T_CARE_STARTED;
        a = placementGroupIndex(e.placement, e.provider);
        b = e.route === 'uasc' ? 1 : 0;
        break;
      case 'EpisodeChanged':
        type = T_EPISODE_CHANGED;
        a = placementGroupIndex(e.placement, e.provider);
        b = PLACEMENT_STARTS_NEW.has(e.rne) ? 1 : 0;
        break;
      case 'PeriodOfCareEnded':
        type = T_CARE_ENDED;
        a = leavingGroupIndex(e.rec);
        break;
      case 'CaseClosed':
        type = T_CASE_CLOSED;
        a = e.referralNfa === true ? 1 : 0;
        break;
      default:
        // a type outside the catalogue (unvalidated input): it names a child and changes nothing
        type = -1;
    }
    const k = child < 0 ? this.ids.get(e.childId) : this.numbered(child);
    this.fold(type, k, day, mi, a, b, e);
  }

  /** Folds one event given as numbers by the engine (see src/simulation/fields.ts). */
  applyFields(type: number, child: number, day: number, a: number, b: number): void {
    if (this.finished) throw new Error('KpiProjector: apply() called after finish()');
    if (day !== this.lastDay) {
      if (day < this.lastDay) throw new RangeError(`events out of date order: an event of child number ${child} on day ${day} comes after one on day ${this.lastDay}`);
      this.lastDay = day;
      this.lastDate = '';
      this.lastMonth = monthIndexOfDay(day);
    }
    const mi = this.lastMonth;
    if (mi >= this.end) {
      this.diag.afterHorizon++;
      return;
    }
    if (!this.started) this.begin(mi < this.start ? mi : this.start);
    if (mi > this.cur) this.advanceTo(mi);
    if (type === T_CONTACT_RECEIVED) {
      this.contacts++;
      return;
    }
    if (type === T_CONTACT_CONCLUDED) {
      this.concluded++;
      if (a === OUT_REFERRAL) this.converted++;
      else if (a === OUT_EARLY_HELP) this.earlyHelp++;
      return;
    }
    this.fold(type, this.numbered(child), day, mi, a, b, undefined);
  }

  /** The child number of the engine's child `child`. */
  private numbered(child: number): number {
    let t = this.byNumber;
    if (child >= t.length) {
      const bigger = new Int32Array(Math.max(child + 1, t.length * 2));
      bigger.set(t);
      this.byNumber = t = bigger;
    }
    let k = t[child];
    if (k === 0) k = t[child] = this.ids.fresh();
    return k;
  }

  /**
   * The per-child part of an event: `type` (index in EVENT_TYPES), child number `k`, day, month
   * index `mi`, the fields `a` and `b` (see src/simulation/fields.ts), and the event itself when
   * there is one (for error messages).
   */
  private fold(type: number, k: number, day: number, mi: number, a: number, b: number, e: CaseEvent | undefined): void {
    const reg = this.register;
    if (k >= reg.slot.length) reg.ensure(k);
    if (type === T_CHILD_REGISTERED) {
      reg.age18Day[k] = a;
      reg.uasc[k] = b;
      return;
    }
    const st = this.st;
    let c = reg.slot[k];
    if (c === 0) c = reg.slot[k] = st.add();
    const f = st.flags[c];

    switch (type) {
      case T_REFERRAL_ACCEPTED: {
        this.referrals++;
        const last = st.lastReferralDay[c];
        // a re-referral: within a year of the latest one (to the same date a year on)
        const re = last !== NEVER ? day <= addYearsFast(last, 1) : a === 1;
        if (re) this.rereferrals++;
        st.lastReferralDay[c] = day;
        st.referralMonth[c] = mi;
        this.refresh(c, f | F_CASE_OPEN);
        return;
      }
      case T_ASSESSMENT_STARTED:
        st.assessmentStart[c] = day;
        this.refresh(c, f | F_ASSESSMENT);
        return;
      case T_ASSESSMENT_AUTHORISED: {
        this.assessments++;
        if (a === OUT_NFA) this.assessmentNfa++;
        else if (a === OUT_EARLY_HELP) this.earlyHelp++;
        const started = st.assessmentStart[c];
        if (started !== NEVER) {
          this.assessmentsTimed++;
          if (workingDays(started, day, e) <= 45) this.assessmentsIn45++;
        } else this.diag.assessmentWithoutStart++;
        st.assessmentStart[c] = NEVER;
        this.refresh(c, f & ~F_ASSESSMENT);
        return;
      }
      case T_STRATEGY_DISCUSSION:
        this.strategy++;
        st.strategyDay[c] = day;
        return;
      case T_S47_STARTED:
        this.s47++;
        this.refresh(c, f | F_S47);
        return;
      case T_S47_CONCLUDED:
        this.refresh(c, f & ~F_S47);
        return;
      case T_ICPC_HELD: {
        this.icpc++;
        const strategy = st.strategyDay[c];
        if (strategy !== NEVER) {
          this.icpcTimed++;
          if (workingDays(strategy, day, e) <= 15) this.icpcIn15++;
        } else this.diag.icpcWithoutStrategyDiscussion++;
        return;
      }
      case T_CIN_PLAN_STARTED:
        this.refresh(c, f | F_CIN_PLAN);
        return;
      case T_CIN_PLAN_ENDED:
        this.refresh(c, f & ~F_CIN_PLAN);
        return;
      case T_CP_PLAN_STARTED:
        if (f & F_CP) {
          this.diag.cpStartWhileOnPlan++;
          return;
        }
        this.cpStarts++;
        if (a > 0 || st.cpPlans[c] > 0) this.cpRepeat++;
        st.cpPlans[c]++;
        st.cpTwoYears[c] = addYearsFast(day, 2);
        this.cpOpen++;
        this.refresh(c, f | F_CP);
        return;
      case T_CP_PLAN_ENDED:
        if (!(f & F_CP)) {
          this.diag.cpEndWithoutPlan++;
          return;
        }
        this.cpEnds++;
        if (day >= st.cpTwoYears[c]) this.cpEnds2y++;
        this.cpOpen--;
        this.refresh(c, f & ~F_CP);
        return;
      case T_CARE_STARTED: {
        if (f & F_CLA) {
          this.diag.careStartWhileInCare++;
          return;
        }
        this.claStarts++;
        this.claOpen++;
        if (this.inCareCount === this.inCare.length) {
          const bigger = new Int32Array(this.inCare.length * 2);
          bigger.set(this.inCare);
          this.inCare = bigger;
        }
        const p = st.careOf(c);
        st.claSlot[p] = this.inCareCount;
        this.inCare[this.inCareCount++] = p;
        const uasc = reg.uasc[k] === 1 || b === 1;
        if (uasc) this.uascOpen++;
        this.enterGroup(p, a, day);
        this.newPlacement(p, day);
        this.refresh(c, uasc ? f | F_CLA | F_UASC_IN_CARE : f | F_CLA);
        return;
      }
      case T_EPISODE_CHANGED: {
        if (!(f & F_CLA)) {
          this.diag.episodeChangeNotInCare++;
          return;
        }
        const p = st.care[c];
        if (a !== st.group[p]) {
          this.leaveGroup(p, day);
          this.enterGroup(p, a, day);
        }
        if (b === 1) this.newPlacement(p, day);
        return;
      }
      case T_CARE_ENDED: {
        if (!(f & F_CLA)) {
          this.diag.careEndNotInCare++;
          return;
        }
        this.claEnds++;
        this.endsByGroup[a === LEAVING_OTHER && day >= reg.age18Day[k] ? LEAVING_AGE18 : a]++;
        const p = st.care[c];
        this.leaveGroup(p, day);
        st.p1e[p] = day;
        this.claOpen--;
        if (f & F_UASC_IN_CARE) this.uascOpen--;
        const at = st.claSlot[p];
        const last = this.inCare[--this.inCareCount];
        if (last !== p) {
          this.inCare[at] = last;
          st.claSlot[last] = at;
        }
        st.claSlot[p] = -1;
        this.refresh(c, f & ~(F_CLA | F_UASC_IN_CARE));
        return;
      }
      case T_CASE_CLOSED: {
        const from = st.referralMonth[c];
        if (!(f & F_CASE_OPEN)) this.diag.caseClosedNotOpen++;
        else if (a === 1 && from >= this.start) this.numerators.referral_nfa_pct[from - this.start]++;
        st.referralMonth[c] = -1;
        st.assessmentStart[c] = NEVER;
        this.refresh(c, f & ~(F_CASE_OPEN | F_ASSESSMENT | F_S47 | F_CIN_PLAN));
        return;
      }
    }
  }

  applyBatch(events: readonly CaseEvent[]): void {
    for (let i = 0; i < events.length; i++) this.apply(events[i]);
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
    return this.snaps;
  }

  diagnostics(): ProjectorDiagnostics {
    return { ...this.diag };
  }

  // --- internals

  private begin(month: number): void {
    this.started = true;
    this.cur = month;
    this.openMonth(month);
  }

  private advanceTo(month: number): void {
    while (this.cur < month) {
      this.closeMonth(this.cur);
      this.cur++;
      this.openMonth(this.cur);
    }
  }

  private openMonth(m: number): void {
    this.nextMonthDay = firstDayOfMonth(m + 1);
    const dim = daysInMonth(m);
    for (let g = 0; g < this.groupDays.length; g++) this.groupDays[g] = this.groupCount[g] * dim;
  }

  /** Sets slot `c`'s flags to `f` and updates the open_cases and cin_open stocks. */
  private refresh(c: number, f: number): void {
    const open = (f & (F_CASE_OPEN | F_CP | F_CLA)) !== 0;
    if (open !== ((f & F_IN_OPEN) !== 0)) {
      f ^= F_IN_OPEN;
      this.openCases += open ? 1 : -1;
    }
    const cin = (f & F_CASE_OPEN) !== 0 && (f & (F_CIN_PLAN | F_ASSESSMENT | F_S47)) !== 0 && (f & (F_CP | F_CLA)) === 0;
    if (cin !== ((f & F_IN_CIN) !== 0)) {
      f ^= F_IN_CIN;
      this.cinOpen += cin ? 1 : -1;
    }
    this.st.flags[c] = f;
  }

  /** Placement index `p` enters placement group `g` on `day`. */
  private enterGroup(p: number, g: number, day: number): void {
    this.st.group[p] = g;
    this.groupCount[g]++;
    this.groupDays[g] += this.nextMonthDay - day;
  }

  private leaveGroup(p: number, day: number): void {
    const g = this.st.group[p];
    this.groupCount[g]--;
    this.groupDays[g] -= this.nextMonthDay - day;
    this.st.group[p] = -1;
  }

  private newPlacement(p: number, day: number): void {
    const st = this.st;
    if (st.p1e[p] === OPEN) st.p1e[p] = day;
    st.p3s[p] = st.p2s[p];
    st.p3e[p] = st.p2e[p];
    st.p2s[p] = st.p1s[p];
    st.p2e[p] = st.p1e[p];
    st.p1s[p] = day;
    st.p1e[p] = OPEN;
  }

  private closeMonth(m: number): void {
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
    this.cpStarts = this.cpRepeat = this.cpEnds = this.cpEnds2y = 0;
    this.claStarts = this.claEnds = 0;
    this.endsByGroup.fill(0);
  }

  private report(m: number, off: number): void {
    const pop = this.population(m);
    if (typeof pop !== 'number' || !Number.isFinite(pop) || pop <= 0) {
      throw new RangeError(`ProjectorOptions.population gave ${String(pop)} for ${monthKey(m)}: it must be a number greater than 0`);
    }
    const V = this.values;
    const N = this.numerators;
    const D = this.denominators;
    const count = (id: string, v: number) => {
      V[id][off] = v;
    };
    const pct = (id: string, n: number, d: number) => {
      N[id][off] = n;
      D[id][off] = d;
      V[id][off] = d > 0 ? (n * 100) / d : NaN;
    };
    const rate = (id: string, n: number) => {
      N[id][off] = n;
      D[id][off] = pop;
      V[id][off] = (n * 10000) / pop;
    };
    const sum = (ring: Int32Array) => {
      let s = 0;
      for (let i = 0; i < 12; i++) s += ring[i];
      return s;
    };

    count('contacts', this.contacts);
    pct('contact_conversion_pct', this.converted, this.concluded);
    count('referrals', this.referrals);
    rate('referral_rate', sum(this.referralRing));
    pct('rereferral_pct', this.rereferrals, this.referrals);
    // numerator accumulates as closures arrive; the final value is set in finish()
    D.referral_nfa_pct[off] = this.referrals;
    V.referral_nfa_pct[off] = this.referrals > 0 ? (N.referral_nfa_pct[off] * 100) / this.referrals : NaN;
    count('early_help_referrals', this.earlyHelp);
    count('assessments_completed', this.assessments);
    rate('assessment_rate', sum(this.assessmentRing));
    pct('assessments_45d_pct', this.assessmentsIn45, this.assessmentsTimed);
    pct('assessment_nfa_pct', this.assessmentNfa, this.assessments);
    count('strategy_discussions', this.strategy);
    count('s47_started', this.s47);
    rate('s47_rate', sum(this.s47Ring));
    count('icpc_held', this.icpc);
    rate('icpc_rate', sum(this.icpcRing));
    pct('icpc_15d_pct', this.icpcIn15, this.icpcTimed);
    count('cp_starts', this.cpStarts);
    count('cp_ends', this.cpEnds);
    count('cp_open', this.cpOpen);
    rate('cp_rate', this.cpOpen);
    pct('cp_repeat_pct', this.cpRepeat, this.cpStarts);
    pct('cp_2yr_pct', this.cpEnds2y, this.cpEnds);
    count('cin_open', this.cinOpen);
    rate('cin_rate', this.cinOpen);
    count('open_cases', this.openCases);
    rate('open_rate', this.openCases);
    count('cla_starts', this.claStarts);
    count('cla_ends', this.claEnds);
    count('cla_open', this.claOpen);
    rate('cla_rate', this.claOpen);
    for (let i = 0; i < LEAVING_CARE_GROUPS.length; i++) count(`cla_ends_${LEAVING_CARE_GROUPS[i]}`, this.endsByGroup[i]);
    count('uasc_open', this.uascOpen);
    for (let g = 0; g < PLACEMENT_GROUPS.length; g++) count(`cla_placement_${PLACEMENT_GROUPS[g]}`, this.groupCount[g]);
    pct('cla_placement_ifa_pct', this.groupCount[IFA], this.claOpen);
    pct('cla_3plus_moves_pct', this.threePlusMoves(m), this.claOpen);

    let cost = 0;
    if (this.unitCostsAt) {
      const costs = this.unitCostsAt(m);
      for (let g = 0; g < PLACEMENT_GROUPS.length; g++) cost += (this.groupDays[g] * (costs[PLACEMENT_GROUPS[g]] ?? 0)) / 7;
    } else {
      const inflation = Math.pow(this.inflation, Math.floor((m - this.start) / 12));
      for (let g = 0; g < PLACEMENT_GROUPS.length; g++) cost += (this.groupDays[g] * this.unitCost[g]) / 7;
      cost *= inflation;
    }
    count('placement_cost', cost);

    const workers = this.socialWorkers ? this.socialWorkers(m) : NaN;
    N.caseload_avg[off] = this.openCases;
    D.caseload_avg[off] = workers;
    V.caseload_avg[off] = workers > 0 ? this.openCases / workers : NaN;

    this.snapshot(m, off);
  }

  /** Children in care at the end of month `m` with 3 or more placements in the 12 months to then. */
  private threePlusMoves(m: number): number {
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

  private snapshot(m: number, off: number): void {
    const values: Record<string, number> = {};
    const numerators: Record<string, number> = {};
    const denominators: Record<string, number> = {};
    for (const id of KPI_IDS) values[id] = this.values[id][off];
    for (const id of RATIO_KPI_IDS) {
      numerators[id] = this.numerators[id][off];
      denominators[id] = this.denominators[id][off];
    }
    this.snaps.push(freeze({ month: monthKey(m), offset: off, values, numerators, denominators }, true));
  }
}

/** Projects a whole event sequence (in non-decreasing date order). */
export { fastDayNumber };

export function project(events: Iterable<CaseEvent>, opts: ProjectorOptions): KpiRun {
  const p = new KpiProjector(opts);
  if (Array.isArray(events)) p.applyBatch(events);
  else for (const e of events) p.apply(e);
  return p.finish();
}
