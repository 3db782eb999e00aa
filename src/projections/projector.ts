/**
 * Monthly KPI projection from event streams.
 *
 * `KpiProjector` folds events (in non-decreasing date order, all children interleaved) into plain
 * mutable accumulators: a Map of small per-child records, integer counters for the month's flows,
 * running stocks, and 12-slot rings of monthly counts for rolling rates. Per-event work is O(1);
 * month close is O(KPIs + children looked after). Each reported month is closed into its slot
 * of the result arrays and into an immutable `MonthSnapshot`.
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
import { PLACEMENT_GROUPS, placementGroup, leavingCareGroup, LEAVING_CARE_GROUPS, type PlacementGroup, type LeavingCareGroup } from '../events/codes/groups.ts';
import { addYears, daysInMonth, firstDayOfMonth, monthKey, parseIsoDate, parseMonth, workingDaysBetween } from '../calendar/index.ts';
import { KPIS, KPI_IDS } from './catalogue.ts';
import type { KpiRun } from './types.ts';

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
const LEAVING_INDEX = new Map<LeavingCareGroup, number>(LEAVING_CARE_GROUPS.map((g, i) => [g, i]));
const IFA = GROUP_INDEX.get('ifa')!;

/** KPIs that carry a numerator and a denominator. */
export const RATIO_KPI_IDS: readonly string[] = KPIS.filter((k) => k.unit === 'pct' || k.unit === 'per10k' || k.unit === 'ratio').map((k) => k.id);

/** Per-child state: one small mutable record per child, with a fixed shape. */
class ChildState {
  age18Day = OPEN;
  uasc = false;
  caseOpen = false;
  /** Month index of the referral that opened the current case; -1 when none. */
  referralMonth = -1;
  lastReferralDay = NEVER;
  /** Last day a new referral counts as a re-referral of the latest one. */
  rereferralUntil = NEVER;
  assessmentOpen = false;
  assessmentStart = NEVER;
  s47Open = false;
  cinPlanOpen = false;
  strategyDay = NEVER;
  cpOpen = false;
  cpPlans = 0;
  cpTwoYears = OPEN;
  cla = false;
  claSlot = -1;
  group = -1;
  uascInCare = false;
  // the latest three placements (start day, end day), most recent first
  p1s = NEVER;
  p1e = NEVER;
  p2s = NEVER;
  p2e = NEVER;
  p3s = NEVER;
  p3e = NEVER;
  // current contributions to the cin_open and open_cases stocks
  inCin = false;
  inOpen = false;
}

// --- fast ISO date parsing (no allocation): sets the scratch year/month/day and returns the day number
let sy = 0;
let sm = 0;
let sd = 0;

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function scanIso(s: string): number {
  sy = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + (s.charCodeAt(3) - 48);
  sm = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  sd = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  return daysFromCivil(sy, sm, sd);
}

/** Day number of a valid `YYYY-MM-DD` (the same as calendar's `parseIsoDate`, without checks). */
export function fastDayNumber(iso: string): number {
  return scanIso(iso);
}


/** Working days from `from` to the event's day, with the event named if a date is outside the calendar. */
function workingDays(from: number, to: number, e: CaseEvent): number {
  try {
    return workingDaysBetween(from, to);
  } catch (err) {
    throw new RangeError(`${e.type} of child ${e.childId} (version ${e.version}) dated ${e.date}: cannot count working days: ${(err as Error).message}`);
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

  private readonly children = new Map<string, ChildState>();
  private readonly inCare: ChildState[] = [];

  private started = false;
  private finished = false;
  private run: KpiRun | undefined;
  private cur = 0;
  private nextMonthDay = 0;
  private lastDay = NEVER;
  private lastDate = '';
  /** Year, month and day of `lastDate`, and its month index. */
  private y = 0;
  private m = 0;
  private d = 0;
  private lastMonth = 0;

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
    if (this.finished) throw new Error('KpiProjector: apply() called after finish()');
    const date = e.date;
    let day = this.lastDay;
    // consecutive events mostly share a date: parse a date only when it changes
    if (date !== this.lastDate) {
      day = scanIso(date);
      if (day < this.lastDay) {
        throw new RangeError(`events out of date order: ${e.type} of child ${e.childId} (version ${e.version}) dated ${date} comes after an event dated ${this.lastDate}`);
      }
      this.lastDay = day;
      this.lastDate = date;
      this.y = sy;
      this.m = sm;
      this.d = sd;
      this.lastMonth = sy * 12 + sm - 1;
    }
    const mi = this.lastMonth;
    if (mi >= this.end) {
      this.diag.afterHorizon++;
      return;
    }
    if (!this.started) this.begin(mi < this.start ? mi : this.start);
    if (mi > this.cur) this.advanceTo(mi);

    // contacts need no per-child state (most contacted children are never referred)
    if (e.type === 'ContactReceived') {
      this.contacts++;
      return;
    }
    if (e.type === 'ContactConcluded') {
      this.concluded++;
      if (e.outcome === 'referral') this.converted++;
      else if (e.outcome === 'early_help') this.earlyHelp++;
      return;
    }

    let c = this.children.get(e.childId);
    if (c === undefined) {
      c = new ChildState();
      this.children.set(e.childId, c);
    }

    switch (e.type) {
      case 'ReferralAccepted': {
        this.referrals++;
        const re = c.lastReferralDay !== NEVER ? day <= c.rereferralUntil : e.isRereferral;
        if (re) this.rereferrals++;
        c.lastReferralDay = day;
        c.rereferralUntil = this.sameDateYearsOn(1);
        c.caseOpen = true;
        c.referralMonth = mi;
        this.refresh(c);
        return;
      }
      case 'AssessmentStarted':
        c.assessmentOpen = true;
        c.assessmentStart = day;
        this.refresh(c);
        return;
      case 'AssessmentAuthorised':
        this.assessments++;
        if (e.outcome === 'nfa') this.assessmentNfa++;
        else if (e.outcome === 'early_help') this.earlyHelp++;
        if (c.assessmentStart !== NEVER) {
          this.assessmentsTimed++;
          if (workingDays(c.assessmentStart, day, e) <= 45) this.assessmentsIn45++;
        } else this.diag.assessmentWithoutStart++;
        c.assessmentOpen = false;
        c.assessmentStart = NEVER;
        this.refresh(c);
        return;
      case 'StrategyDiscussionHeld':
        this.strategy++;
        c.strategyDay = day;
        return;
      case 'Section47Started':
        this.s47++;
        c.s47Open = true;
        this.refresh(c);
        return;
      case 'Section47Concluded':
        c.s47Open = false;
        this.refresh(c);
        return;
      case 'IcpcHeld':
        this.icpc++;
        if (c.strategyDay !== NEVER) {
          this.icpcTimed++;
          if (workingDays(c.strategyDay, day, e) <= 15) this.icpcIn15++;
        } else this.diag.icpcWithoutStrategyDiscussion++;
        return;
      case 'CinPlanStarted':
        c.cinPlanOpen = true;
        this.refresh(c);
        return;
      case 'CinPlanEnded':
        c.cinPlanOpen = false;
        this.refresh(c);
        return;
      case 'CpPlanStarted':
        if (c.cpOpen) {
          this.diag.cpStartWhileOnPlan++;
          return;
        }
        this.cpStarts++;
        if (e.previousPlans > 0 || c.cpPlans > 0) this.cpRepeat++;
        c.cpPlans++;
        c.cpOpen = true;
        c.cpTwoYears = this.sameDateYearsOn(2);
        this.cpOpen++;
        this.refresh(c);
        return;
      case 'CpPlanEnded':
        if (!c.cpOpen) {
          this.diag.cpEndWithoutPlan++;
          return;
        }
        this.cpEnds++;
        if (day >= c.cpTwoYears) this.cpEnds2y++;
        c.cpOpen = false;
        this.cpOpen--;
        this.refresh(c);
        return;
      case 'PeriodOfCareStarted': {
        if (c.cla) {
          this.diag.careStartWhileInCare++;
          return;
        }
        this.claStarts++;
        this.claOpen++;
        c.cla = true;
        c.claSlot = this.inCare.length;
        this.inCare.push(c);
        c.uascInCare = c.uasc || e.route === 'uasc';
        if (c.uascInCare) this.uascOpen++;
        this.enterGroup(c, GROUP_INDEX.get(placementGroup(e.placement, e.provider))!, day);
        this.newPlacement(c, day);
        this.refresh(c);
        return;
      }
      case 'EpisodeChanged': {
        if (!c.cla) {
          this.diag.episodeChangeNotInCare++;
          return;
        }
        const g = GROUP_INDEX.get(placementGroup(e.placement, e.provider))!;
        if (g !== c.group) {
          this.leaveGroup(c, day);
          this.enterGroup(c, g, day);
        }
        if (PLACEMENT_STARTS_NEW.has(e.rne)) this.newPlacement(c, day);
        return;
      }
      case 'PeriodOfCareEnded': {
        if (!c.cla) {
          this.diag.careEndNotInCare++;
          return;
        }
        this.claEnds++;
        this.endsByGroup[LEAVING_INDEX.get(leavingCareGroup(e.rec, day >= c.age18Day))!]++;
        this.leaveGroup(c, day);
        c.p1e = day;
        this.claOpen--;
        if (c.uascInCare) this.uascOpen--;
        c.uascInCare = false;
        c.cla = false;
        const last = this.inCare.pop()!;
        if (last !== c) {
          this.inCare[c.claSlot] = last;
          last.claSlot = c.claSlot;
        }
        c.claSlot = -1;
        this.refresh(c);
        return;
      }
      case 'CaseClosed':
        if (!c.caseOpen) this.diag.caseClosedNotOpen++;
        else if (e.referralNfa === true && c.referralMonth >= this.start) this.numerators.referral_nfa_pct[c.referralMonth - this.start]++;
        c.caseOpen = false;
        c.referralMonth = -1;
        c.assessmentOpen = false;
        c.assessmentStart = NEVER;
        c.s47Open = false;
        c.cinPlanOpen = false;
        this.refresh(c);
        return;
      case 'ChildRegistered':
        c.age18Day = addYears(parseIsoDate(e.dateOfBirth), 18);
        c.uasc = e.uasc;
        return;
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

  /** The same date as the current event's, `n` years on (29 February becomes 28 February). */
  private sameDateYearsOn(n: number): number {
    return daysFromCivil(this.y + n, this.m, this.m === 2 && this.d === 29 ? 28 : this.d);
  }

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

  private refresh(c: ChildState): void {
    const open = c.caseOpen || c.cpOpen || c.cla;
    if (open !== c.inOpen) {
      c.inOpen = open;
      this.openCases += open ? 1 : -1;
    }
    const cin = c.caseOpen && (c.cinPlanOpen || c.assessmentOpen || c.s47Open) && !c.cpOpen && !c.cla;
    if (cin !== c.inCin) {
      c.inCin = cin;
      this.cinOpen += cin ? 1 : -1;
    }
  }

  private enterGroup(c: ChildState, g: number, day: number): void {
    c.group = g;
    this.groupCount[g]++;
    this.groupDays[g] += this.nextMonthDay - day;
  }

  private leaveGroup(c: ChildState, day: number): void {
    const g = c.group;
    this.groupCount[g]--;
    this.groupDays[g] -= this.nextMonthDay - day;
    c.group = -1;
  }

  private newPlacement(c: ChildState, day: number): void {
    if (c.p1e === OPEN) c.p1e = day;
    c.p3s = c.p2s;
    c.p3e = c.p2e;
    c.p2s = c.p1s;
    c.p2e = c.p1e;
    c.p1s = day;
    c.p1e = OPEN;
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
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      // the current placement always counts; it is open at month end
      if (c.p1s < ws || c.p2s < ws) continue; // at most 2: current (+ the one open at ws)
      // p1 and p2 started in the window: a third if p3 started in it or was open at its start
      if (c.p3s >= ws || c.p3e > ws) n3++;
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
export function project(events: Iterable<CaseEvent>, opts: ProjectorOptions): KpiRun {
  const p = new KpiProjector(opts);
  if (Array.isArray(events)) p.applyBatch(events);
  else for (const e of events) p.apply(e);
  return p.finish();
}
