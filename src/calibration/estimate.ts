/**
 * Estimating the model's parameters straight from an event history (real, imported or
 * simulated), over a reference window of months.
 *
 * - Flows (first contacts, direct entries to care, UASC arrivals) are counts per month divided
 *   by the population, in units of 10,000 children.
 * - Conversions (contact → referral, assessment outcomes, S47 → ICPC …) are shares of the
 *   decisions made in the window; what followed the end of a plan or a period of care is read
 *   from the child's next event on the same day, as the engine writes it.
 * - Durations are fitted by censored maximum likelihood in the base scenario's family (or, for
 *   empirical tables, read off the Kaplan–Meier curve) from the spells that began in the window:
 *   spells still open at the window's end, or cut short by an 18th birthday, are right-censored.
 *   Kaplan–Meier tables of every duration are returned too.
 * - Time in care by age band at entry and the reasons for leaving are fitted jointly (a mixture
 *   over reasons, with ageing out and the window end as censoring; see `fitCareMixture`).
 * - Placements: the month-by-month transition table of the established children-in-care demand
 *   models (children in each age band × placement group at the end of the previous month, and
 *   where they are at the end of this one: same group, another group, or left care by reason),
 *   the placement mix at entry and after a move, and moves per child-year in care.
 *
 * The estimator is a plain event sink: `apply(event)` for each event of the log (each child's
 * events in stream order; children may interleave), then `finish()`.
 */
import { produce } from 'immer';
import { fastDayNumber, firstDayOfMonth, lastDayOfMonth, monthIndexOfDay, monthKey, workingDaysBetween, addYearsFast as addYears, ageFast as ageOn } from '../calendar/index.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS, leavingCareGroup, placementGroup, type CaseEvent, type LeavingCareGroup } from '../events/index.ts';
import { AGE_BANDS, CARE_ROUTES, ENTRY_PLACEMENT_GROUPS, EXIT_REASONS, ageBandIndex, type Parameters } from '../simulation/parameters.ts';
import type { DurationSpec } from '../simulation/distributions.ts';
import { density, fitCareMixture, fitDuration, fitReasonShares, kaplanMeier, kmSurvivalAt, type CareSpell, type Family, type KmStep } from './survival.ts';

export const DAYS_PER_MONTH = 30.436875;
const DAYS_PER_YEAR = 365.2425;
/** Fewest observations (decisions, or ended spells) for an estimate to replace the base value. */
export const MIN_OBSERVATIONS = 20;
/** S47 enquiries that began this close to the window's end are left out (their outcome may not be known yet). */
const S47_TAIL_DAYS = 120;

const NONE = -2147483648;

const GROUP_PFA = PLACEMENT_GROUPS.indexOf('placed_for_adoption');
const MOVE_RNE = new Set(['P', 'B', 'U', 'T']);
const ENTRY_INDEX = new Map<string, number>(ENTRY_PLACEMENT_GROUPS.map((g, i) => [g, i]));
const REASON_OF_GROUP: Partial<Record<LeavingCareGroup, number>> = { return_home: 0, sgo: 1, cao: 2, adoption: 3, other: 4 };

// what to look for in a child's next event
const F_NONE = 0;
const F_CP_END = 1;
const F_CIN_END = 2;
const F_ICPC_NO_PLAN = 3;
const F_RETURN_HOME = 4;
const F_REFERRAL = 5;

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
}

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
  /** Events that could not be used, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
}

/** Growable list of spells: time (in the spell's unit) and whether it ended. */
class Spells {
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

/** An open or finished period of care. */
interface CareRecord {
  start: number;
  end: number; // NONE while open
  route: number;
  band: number;
  uasc: boolean;
  cohort: boolean;
  dob: number;
  b18: number;
  /** Episode starts and groups (the first is the entry placement). */
  days: number[];
  groups: number[];
  /** Whether each episode is a new placement (entry or move; not a legal change or adoption placement). */
  moves: boolean[];
  reasonGroup: number; // index in LEAVING_CARE_GROUPS, -1 while open
  adoptionPlacedOn: number;
}

class Child {
  dob = NONE;
  b18 = NONE;
  uasc = false;
  known = false;
  hadCp = false;
  contacts = 0;
  // contact being decided
  contactDay = NONE;
  contactFirst = false;
  contactOutcome = -1;
  // referral
  referralDay = NONE;
  // open items
  assessStart = NONE;
  s47Start = NONE;
  s47Outcome = -1;
  s47ConcludedOn = NONE;
  cinStart = NONE;
  cpStart = NONE;
  care: CareRecord | undefined = undefined;
  // what to look for in the next event
  follow = F_NONE;
  followDay = NONE;
  // awaiting a re-contact after closure
  closedOn = NONE;
  closedAfterCp = false;
}

function counts(n: number): Float64Array {
  return new Float64Array(n);
}

/** Sum of a record's values. */
function total(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

export class EventEstimator {
  private readonly kids = new Map<string, Child>();
  private readonly from: number;
  private readonly to: number;
  private readonly windowStart: number;
  private readonly windowEnd: number; // exclusive
  private readonly months: number;
  private lastDay = NONE;
  private events = 0;
  private readonly skipped: Record<string, number> = {};

  // flows by window month
  private readonly firstContacts: Float64Array;
  private readonly directEntries: Float64Array;
  private readonly uascEntries: Float64Array;
  // outcomes
  private readonly contactOutcome = counts(3); // nfa, early help, referral (first contacts)
  private readonly recontactOutcome = counts(3);
  private readonly recontactOutcomeAfterCp = counts(3);
  private referralsDecided = 0;
  private referralsNfa = 0;
  private readonly assessOutcome = counts(4); // nfa, earlyHelp, cin, s47 (no CP history)
  private readonly assessOutcomeAfterCp = counts(4);
  private readonly s47Outcome = counts(3); // nfa, cin, icpc
  private readonly icpcPlan = counts(2); // no plan, plan
  private readonly icpcNoPlanCin = counts(2); // closed, cin
  private readonly cpOutcome = counts(3); // close, cin, care
  private readonly cinOutcome = counts(3); // close, care, s47
  private readonly cpCategory = new Map<string, number>();
  private readonly returnHomeCin = counts(2);
  // durations
  private readonly assessDays = new Spells();
  private readonly s47Days = new Spells();
  private readonly icpcDays = new Spells();
  private readonly cpMonths = new Spells();
  private readonly cinMonths = new Spells();
  private readonly adoptionLead = new Spells();
  private readonly recontact = new Spells();
  private readonly recontactAfterCp = new Spells();
  private readonly careSpells: { band: number; route: number; uasc: boolean; time: number; reason: number }[] = [];
  // placements
  private readonly atEntry = AGE_BANDS.map(() => counts(ENTRY_PLACEMENT_GROUPS.length));
  private readonly uascAtEntry = counts(ENTRY_PLACEMENT_GROUPS.length);
  private readonly onMove = AGE_BANDS.map(() => counts(ENTRY_PLACEMENT_GROUPS.length));
  private readonly moves = counts(AGE_BANDS.length);
  private readonly exposureDays = counts(AGE_BANDS.length);
  // demand-model transitions: [band][from group][to: groups…, left reasons…]
  private readonly trans: Float64Array[][] = AGE_BANDS.map(() => PLACEMENT_GROUPS.map(() => counts(PLACEMENT_GROUPS.length + LEAVING_CARE_GROUPS.length)));
  private readonly stock: Float64Array[] = AGE_BANDS.map(() => counts(PLACEMENT_GROUPS.length));
  private readonly entryTable: Float64Array[] = AGE_BANDS.map(() => counts(PLACEMENT_GROUPS.length));
  private finished = false;
  /** Last day of each month from the month before the window to its last month. */
  private readonly monthEnds: Int32Array;

  constructor(private readonly opts: EstimatorOptions) {
    if (!(opts.to >= opts.from)) throw new RangeError(`the window must end on or after it starts (${monthKey(opts.from)} to ${monthKey(opts.to)})`);
    this.from = opts.from;
    this.to = opts.to;
    this.windowStart = firstDayOfMonth(opts.from);
    this.windowEnd = lastDayOfMonth(opts.to) + 1;
    this.months = opts.to - opts.from + 1;
    this.firstContacts = counts(this.months);
    this.directEntries = counts(this.months);
    this.uascEntries = counts(this.months);
    this.monthEnds = Int32Array.from({ length: this.months + 1 }, (_, i) => lastDayOfMonth(opts.from - 1 + i));
  }

  private skip(reason: string): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + 1;
  }

  private inWindow(day: number): boolean {
    return day >= this.windowStart && day < this.windowEnd;
  }

  private windowMonth(day: number): number {
    return monthIndexOfDay(day) - this.from;
  }

  readonly sink = (e: CaseEvent): void => this.apply(e);

  apply(e: CaseEvent): void {
    if (this.finished) throw new Error('EventEstimator: apply() after finish()');
    this.events++;
    const day = fastDayNumber(e.date);
    if (day > this.lastDay) this.lastDay = day;
    let k = this.kids.get(e.childId);
    if (!k) {
      if (e.type !== 'ChildRegistered') {
        this.skip('events of a child with no ChildRegistered first');
        return;
      }
      k = new Child();
      this.kids.set(e.childId, k);
    }
    if (k.follow !== F_NONE) this.resolve(k, e, day);
    if (day >= this.windowEnd) return; // after the window: nothing more to learn
    switch (e.type) {
      case 'ChildRegistered':
        k.dob = fastDayNumber(e.dateOfBirth);
        k.b18 = addYears(k.dob, 18);
        k.uasc = e.uasc;
        break;
      case 'ContactReceived':
        if (k.closedOn !== NONE) this.endRecontactWait(k, day, true);
        k.contactDay = day;
        k.contactFirst = !k.known && k.contacts === 0;
        k.contacts++;
        if (k.contactFirst && this.inWindow(day)) this.firstContacts[this.windowMonth(day)]++;
        break;
      case 'ContactConcluded': {
        const o = e.outcome === 'nfa' ? 0 : e.outcome === 'early_help' ? 1 : 2;
        k.contactOutcome = o;
        if (o < 2) this.tallyContact(k, o);
        break;
      }
      case 'ReferralAccepted':
        k.known = true;
        k.referralDay = day;
        k.follow = F_REFERRAL;
        k.followDay = day;
        break;
      case 'AssessmentStarted':
        k.assessStart = day;
        break;
      case 'AssessmentAuthorised':
        this.authorised(k, day, e.outcome);
        break;
      case 'StrategyDiscussionHeld':
        k.s47Start = day;
        k.s47Outcome = -1;
        break;
      case 'Section47Started':
        if (k.s47Start === NONE) k.s47Start = day;
        break;
      case 'Section47Concluded':
        this.s47Concluded(k, day, e.outcome);
        break;
      case 'IcpcHeld':
        this.icpc(k, day, e.resultedInCpPlan);
        break;
      case 'CinPlanStarted':
        k.cinStart = day;
        break;
      case 'CinPlanEnded':
        this.cinEnded(k, day);
        break;
      case 'CpPlanStarted':
        if (this.inWindow(day)) this.cpCategory.set(e.category, (this.cpCategory.get(e.category) ?? 0) + 1);
        k.cpStart = day;
        k.hadCp = true;
        break;
      case 'CpPlanEnded':
        this.cpEnded(k, day);
        break;
      case 'PeriodOfCareStarted':
        this.careStarted(k, day, e);
        break;
      case 'EpisodeChanged':
        this.episode(k, day, e);
        break;
      case 'PeriodOfCareEnded':
        this.careEnded(k, day, e.rec);
        break;
      case 'CaseClosed':
        this.closed(k, day, e.reason);
        break;
    }
  }

  /** Settles what a previous event left open by looking at the child's next event. */
  private resolve(k: Child, e: CaseEvent, day: number): void {
    const sameDay = day === k.followDay;
    const f = k.follow;
    k.follow = F_NONE;
    const counted = k.followDay < this.windowEnd && k.followDay >= this.windowStart;
    switch (f) {
      case F_REFERRAL: {
        const direct = sameDay && e.type === 'PeriodOfCareStarted';
        if (direct && k.contactFirst && k.contactDay === k.referralDay && this.inWindow(k.contactDay)) this.firstContacts[this.windowMonth(k.contactDay)]--;
        if (!direct) {
          if (k.contactOutcome === 2) this.tallyContact(k, 2);
          if (counted) {
            this.referralsDecided++;
            if (e.type === 'CaseClosed' && e.referralNfa === true) this.referralsNfa++;
          }
        }
        k.contactOutcome = -1;
        break;
      }
      case F_CP_END:
        if (counted) this.cpOutcome[sameDay && e.type === 'PeriodOfCareStarted' ? 2 : sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
      case F_CIN_END:
        if (counted) this.cinOutcome[sameDay && e.type === 'PeriodOfCareStarted' ? 1 : sameDay && e.type === 'StrategyDiscussionHeld' ? 2 : 0]++;
        break;
      case F_ICPC_NO_PLAN:
        if (counted) this.icpcNoPlanCin[sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
      case F_RETURN_HOME:
        if (counted) this.returnHomeCin[sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
    }
  }

  private tallyContact(k: Child, outcome: number): void {
    const day = k.contactDay;
    if (day === NONE || !this.inWindow(day)) return;
    if (k.contactFirst) this.contactOutcome[outcome]++;
    else if (k.known) (k.hadCp ? this.recontactOutcomeAfterCp : this.recontactOutcome)[outcome]++;
    else this.contactOutcome[outcome]++;
  }

  private authorised(k: Child, day: number, outcome: 'nfa' | 'cin' | 's47' | 'early_help'): void {
    const start = k.assessStart;
    k.assessStart = NONE;
    if (start === NONE) return this.skip('AssessmentAuthorised with no AssessmentStarted');
    if (!this.inWindow(start)) return;
    this.assessDays.add(Math.max(0, workingDaysBetween(start, day)), true);
    if (day >= k.b18) return;
    const o = outcome === 'nfa' ? 0 : outcome === 'early_help' ? 1 : outcome === 'cin' ? 2 : 3;
    (k.hadCp ? this.assessOutcomeAfterCp : this.assessOutcome)[o]++;
  }

  private s47Concluded(k: Child, day: number, outcome: 'icpc' | 'cin' | 'nfa'): void {
    const start = k.s47Start;
    k.s47ConcludedOn = day;
    k.s47Outcome = outcome === 'nfa' ? 0 : outcome === 'cin' ? 1 : 2;
    if (start === NONE) return this.skip('Section47Concluded with no strategy discussion');
    if (!this.inWindow(start) || start >= this.windowEnd - S47_TAIL_DAYS) return;
    if (day >= k.b18) return;
    this.s47Outcome[k.s47Outcome]++;
    if (outcome !== 'icpc') this.s47Days.add(Math.max(0, workingDaysBetween(start, day)), true);
  }

  private icpc(k: Child, day: number, plan: boolean): void {
    const start = k.s47Start;
    if (start !== NONE && this.inWindow(start) && start < this.windowEnd - S47_TAIL_DAYS && day < k.b18) {
      this.icpcDays.add(Math.max(0, workingDaysBetween(start, day)), true);
    }
    k.s47Start = NONE;
    if (!this.inWindow(day) || day >= k.b18) return;
    this.icpcPlan[plan ? 1 : 0]++;
    if (!plan) {
      k.follow = F_ICPC_NO_PLAN;
      k.followDay = day;
    }
  }

  private planEnded(start: number, day: number, b18: number, spells: Spells): boolean {
    if (start === NONE || !this.inWindow(start)) return false;
    if (day >= b18) {
      spells.add((b18 - start) / DAYS_PER_MONTH, false);
      return false;
    }
    spells.add((day - start) / DAYS_PER_MONTH, true);
    return true;
  }

  private cinEnded(k: Child, day: number): void {
    const ended = this.planEnded(k.cinStart, day, k.b18, this.cinMonths);
    k.cinStart = NONE;
    if (ended) {
      k.follow = F_CIN_END;
      k.followDay = day;
    }
  }

  private cpEnded(k: Child, day: number): void {
    const ended = this.planEnded(k.cpStart, day, k.b18, this.cpMonths);
    k.cpStart = NONE;
    if (ended) {
      k.follow = F_CP_END;
      k.followDay = day;
    }
  }

  private careStarted(k: Child, day: number, e: Extract<CaseEvent, { type: 'PeriodOfCareStarted' }>): void {
    if (k.care) {
      this.skip('PeriodOfCareStarted while in care');
      return;
    }
    const route = e.route ?? (k.uasc ? 'uasc' : 'direct');
    const r = CARE_ROUTES.indexOf(route);
    const uasc = route === 'uasc';
    const band = ageBandIndex(ageOn(k.dob, day));
    const group = PLACEMENT_GROUPS.indexOf(placementGroup(e.placement, e.provider));
    k.care = { start: day, end: NONE, route: r, band, uasc, cohort: this.inWindow(day), dob: k.dob, b18: k.b18, days: [day], groups: [group], moves: [true], reasonGroup: -1, adoptionPlacedOn: NONE };
    if (!this.inWindow(day)) return;
    const m = this.windowMonth(day);
    if (route === 'direct') this.directEntries[m]++;
    if (uasc) this.uascEntries[m]++;
    const entryIndex = ENTRY_INDEX.get(PLACEMENT_GROUPS[group]);
    if (entryIndex !== undefined) (uasc ? this.uascAtEntry : this.atEntry[band])[entryIndex]++;
  }

  private episode(k: Child, day: number, e: Extract<CaseEvent, { type: 'EpisodeChanged' }>): void {
    const c = k.care;
    if (!c) return this.skip('EpisodeChanged while not in care');
    const group = PLACEMENT_GROUPS.indexOf(placementGroup(e.placement, e.provider));
    const prev = c.groups[c.groups.length - 1];
    const move = MOVE_RNE.has(e.rne) && group !== GROUP_PFA;
    c.days.push(day);
    c.groups.push(group);
    c.moves.push(move);
    if (group === GROUP_PFA && prev !== GROUP_PFA) c.adoptionPlacedOn = day;
    if (!move || !this.inWindow(day)) return;
    const band = ageBandIndex(ageOn(k.dob, day));
    const entryIndex = ENTRY_INDEX.get(PLACEMENT_GROUPS[group]);
    if (entryIndex !== undefined) this.onMove[band][entryIndex]++;
  }

  private careEnded(k: Child, day: number, rec: string): void {
    const c = k.care;
    if (!c) return this.skip('PeriodOfCareEnded while not in care');
    k.care = undefined;
    c.end = day;
    const group = leavingCareGroup(rec, day >= k.b18);
    c.reasonGroup = LEAVING_CARE_GROUPS.indexOf(group);
    this.closeCare(c, day);
    if (group === 'return_home' && this.inWindow(day)) {
      k.follow = F_RETURN_HOME;
      k.followDay = day;
    }
  }

  private closed(k: Child, day: number, reason: string): void {
    if ((reason === 'RC7' || reason === 'RC8' || reason === 'RC9') && k.known && day < k.b18) {
      k.closedOn = day;
      k.closedAfterCp = k.hadCp;
    }
  }

  private endRecontactWait(k: Child, day: number, contacted: boolean): void {
    const start = k.closedOn;
    k.closedOn = NONE;
    if (!this.inWindow(start)) return;
    const spells = k.closedAfterCp ? this.recontactAfterCp : this.recontact;
    if (contacted && day < k.b18 && day < this.windowEnd) spells.add((day - start) / DAYS_PER_MONTH, true);
    else spells.add((Math.min(day, k.b18, this.windowEnd) - start) / DAYS_PER_MONTH, false);
  }

  /** Folds a finished (or, at the end, censored) period of care into the tables. */
  private closeCare(c: CareRecord, endDay: number): void {
    const ended = c.end !== NONE && c.end < this.windowEnd;
    const stop = ended ? c.end : Math.min(endDay, this.windowEnd);
    // time in care (cohort spells)
    if (c.cohort) {
      const reason = ended && c.reasonGroup >= 0 ? (REASON_OF_GROUP[LEAVING_CARE_GROUPS[c.reasonGroup]] ?? -1) : -1;
      this.careSpells.push({ band: c.band, route: c.route, uasc: c.uasc, time: (stop - c.start) / DAYS_PER_MONTH, reason });
      if (ended && LEAVING_CARE_GROUPS[c.reasonGroup] === 'adoption') {
        if (c.adoptionPlacedOn !== NONE) this.adoptionLead.add((c.end - c.adoptionPlacedOn) / DAYS_PER_MONTH, true);
        else this.adoptionLead.add((c.end - c.start) / DAYS_PER_MONTH, false);
      }
    }
    // moves and exposure to them, by age band at the start of the placement (the rate of the
    // next move is set when a placement begins), within the window, outside adoption placements
    let regime = ageBandIndex(ageOn(c.dob, c.days[0]));
    for (let i = 0; i < c.days.length; i++) {
      if (c.moves[i] && i > 0) {
        if (this.inWindow(c.days[i])) this.moves[regime]++;
        regime = ageBandIndex(ageOn(c.dob, c.days[i]));
      }
      if (c.groups[i] === GROUP_PFA) continue;
      const a = Math.max(c.days[i], this.windowStart);
      const b = Math.min(i + 1 < c.days.length ? c.days[i + 1] : stop, stop, this.windowEnd);
      if (b > a) this.exposureDays[regime] += b - a;
    }
    // month-end states for the transition table
    const groupAt = (d: number) => {
      let g = c.groups[0];
      for (let i = 1; i < c.days.length && c.days[i] <= d; i++) g = c.groups[i];
      return g;
    };
    const startMonth = Math.max(this.from, monthIndexOfDay(c.start));
    for (let m = startMonth; m <= this.to; m++) {
      const prevEnd = this.monthEnds[m - this.from];
      if (c.end !== NONE && c.end <= prevEnd) break;
      const thisEnd = this.monthEnds[m - this.from + 1];
      const inPrev = c.start <= prevEnd && (c.end === NONE ? prevEnd < endDay : c.end > prevEnd);
      if (!inPrev) {
        // entries: started this month and still in care at its end
        if (c.start > prevEnd && c.start <= thisEnd && (c.end === NONE ? thisEnd < endDay : c.end > thisEnd)) {
          this.entryTable[ageBandIndex(ageOn(c.dob, c.start))][groupAt(thisEnd)]++;
        }
        continue;
      }
      if (c.end === NONE && thisEnd >= endDay) break; // not observed to the end of this month
      const band = ageBandIndex(ageOn(c.dob, prevEnd));
      const from = groupAt(prevEnd);
      this.stock[band][from]++;
      if (c.end !== NONE && c.end <= thisEnd) {
        this.trans[band][from][PLACEMENT_GROUPS.length + c.reasonGroup]++;
        break;
      }
      this.trans[band][from][groupAt(thisEnd)]++;
    }
  }

  finish(): EventEstimates {
    if (this.finished) throw new Error('EventEstimator: finish() called twice');
    this.finished = true;
    const endDay = Math.min(this.windowEnd, this.lastDay + 1);
    for (const k of this.kids.values()) {
      if (k.follow === F_REFERRAL) {
        // the log ends before the referral's fate is known: leave it out
        k.follow = F_NONE;
      } else if (k.follow !== F_NONE) {
        // nothing followed on the same day
        this.resolve(k, { type: 'ChildRegistered' } as CaseEvent, NONE);
      }
      if (k.closedOn !== NONE) this.endRecontactWait(k, endDay, false);
      if (k.assessStart !== NONE && this.inWindow(k.assessStart)) this.assessDays.add(Math.max(0, workingDaysBetween(k.assessStart, endDay - 1)), false);
      if (k.cpStart !== NONE && this.inWindow(k.cpStart)) this.cpMonths.add((Math.min(endDay, k.b18) - k.cpStart) / DAYS_PER_MONTH, false);
      if (k.cinStart !== NONE && this.inWindow(k.cinStart)) this.cinMonths.add((Math.min(endDay, k.b18) - k.cinStart) / DAYS_PER_MONTH, false);
      if (k.care) this.closeCare(k.care, endDay);
    }
    return this.build();
  }

  // ------------------------------------------------------------------------------------------
  // from tallies to estimates

  private build(): EventEstimates {
    const base = this.opts.base;
    const est: Estimate[] = [];
    const values = new Map<string, number>();
    const informed = new Set<string>();
    const baseValue = (path: string): number => {
      const v = path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), base);
      return typeof v === 'number' ? v : NaN;
    };
    const add = (path: string, value: number, se: number, n: number, enough: boolean, note?: string) => {
      const applied = enough && Number.isFinite(value);
      est.push({ path, value, se, n, base: baseValue(path), applied, note: applied ? note : (note ?? `too little data (${n})`) });
      if (applied) {
        values.set(path, value);
        informed.add(path);
      }
    };
    const share = (path: string, num: number, den: number) => {
      const p = den > 0 ? num / den : NaN;
      add(path, p, den > 0 ? Math.sqrt((p * (1 - p)) / den) : NaN, den, den >= MIN_OBSERVATIONS);
    };
    const months = Array.from({ length: this.months }, (_, i) => this.from + i);
    const pop10k = months.map((m) => this.opts.population(m) / 10000);

    // ---- contacts
    const seas = Array.from(base.contacts.seasonality);
    const meanSeas = seas.reduce((a, b) => a + b, 0) / 12;
    let seasonality = seas.map((s) => s / meanSeas);
    const trendFrom = this.opts.trendFrom ?? this.from;
    const trend = (m: number) => Math.pow(1 + base.contacts.trendPctPerYear / 100, (m - trendFrom) / 12);
    if (this.months >= 24) {
      const byCal = new Array<number>(12).fill(0);
      const expoCal = new Array<number>(12).fill(0);
      months.forEach((m, i) => {
        byCal[m % 12] += this.firstContacts[i];
        expoCal[m % 12] += pop10k[i] * trend(m);
      });
      const raw = byCal.map((c, i) => (expoCal[i] > 0 ? c / expoCal[i] : NaN));
      if (raw.every((v) => v > 0)) {
        const mean = raw.reduce((a, b) => a + b, 0) / 12;
        seasonality = raw.map((v) => v / mean);
        seasonality.forEach((v, i) => add(`contacts.seasonality.${i}`, v, NaN, 1, true));
      }
    }
    {
      let num = 0;
      let den = 0;
      months.forEach((m, i) => {
        num += this.firstContacts[i];
        den += pop10k[i] * seasonality[m % 12] * trend(m);
      });
      const theta = den > 0 ? num / den : NaN;
      let ss = 0;
      months.forEach((m, i) => {
        const e = pop10k[i] * seasonality[m % 12] * trend(m);
        ss += (this.firstContacts[i] - theta * e) ** 2;
      });
      add('contacts.perMonthPer10k', theta, den > 0 ? Math.sqrt(ss) / den : NaN, num, num >= MIN_OBSERVATIONS, 'first contacts (children not known before) per month per 10,000, seasonality and trend removed');
    }
    const co = this.contactOutcome;
    share('contacts.outcomes.referral', co[2], total(co));
    share('contacts.outcomes.earlyHelp', co[1], total(co));
    const ro = this.recontactOutcome;
    share('recontact.outcomes.referral', ro[2], total(ro));
    share('recontact.outcomes.earlyHelp', ro[1], total(ro));
    share('afterCpPlan.recontactReferralProbability', this.recontactOutcomeAfterCp[2], total(this.recontactOutcomeAfterCp));

    // re-contact after closure (Kaplan–Meier, cumulative at the base's time points)
    const durations: DurationTable[] = [];
    const km = (spell: string, s: Spells, unit: DurationTable['unit']) => {
      const steps = s.times.length > 0 ? kaplanMeier(s.times, s.ended) : [];
      durations.push({ spell, unit, steps, n: s.times.length, events: s.events });
      return steps;
    };
    const rcSteps = km('recontact_after_closure', this.recontact, 'months');
    const rcCpSteps = km('recontact_after_closure_after_cp', this.recontactAfterCp, 'months');
    const rcEnough = this.recontact.events >= MIN_OBSERVATIONS;
    const rcPoints = base.recontact.cumulative.map(([t]) => t);
    let rcSum = 0;
    rcPoints.forEach((t, i) => {
      const f = 1 - kmSurvivalAt(rcSteps, t);
      rcSum += f;
      const covered = this.recontact.times.some((x) => x >= t);
      add(`recontact.cumulative.${i}.1`, f, NaN, this.recontact.times.length, rcEnough && covered, covered ? undefined : `follow-up shorter than ${t} months`);
    });
    if (this.recontactAfterCp.events >= MIN_OBSERVATIONS && rcSum > 0) {
      let cpSum = 0;
      let baseSum = 0;
      rcPoints.forEach((t) => {
        if (!this.recontactAfterCp.times.some((x) => x >= t)) return;
        cpSum += 1 - kmSurvivalAt(rcCpSteps, t);
        baseSum += 1 - kmSurvivalAt(rcSteps, t);
      });
      add('afterCpPlan.recontactFactor', baseSum > 0 ? cpSum / baseSum : NaN, NaN, this.recontactAfterCp.times.length, baseSum > 0);
    } else add('afterCpPlan.recontactFactor', NaN, NaN, this.recontactAfterCp.events, false);

    // ---- referrals and assessments
    share('referrals.nfaProbability', this.referralsNfa, this.referralsDecided);
    const ao = this.assessOutcome;
    share('assessment.outcomes.cin', ao[2], total(ao));
    share('assessment.outcomes.s47', ao[3], total(ao));
    share('assessment.outcomes.earlyHelp', ao[1], total(ao));
    share('afterCpPlan.s47Probability', this.assessOutcomeAfterCp[3], total(this.assessOutcomeAfterCp));

    const durationEstimate = (path: string, spec: DurationSpec, s: Spells, steps: readonly KmStep[], integer: boolean) => {
      const n = s.times.length;
      const events = s.events;
      if (spec.dist === 'empirical') {
        const last = spec.points[spec.points.length - 1][0];
        const F = (t: number) => 1 - kmSurvivalAt(steps, t);
        spec.points.forEach(([t], i) => {
          const f = i === spec.points.length - 1 ? 1 : integer ? (F(t) + F(t - 1)) / 2 : F(t);
          add(`${path}.points.${i}.1`, f, NaN, n, events >= MIN_OBSERVATIONS, t === last ? 'the last point is 1 by definition' : undefined);
        });
        return;
      }
      if (events < MIN_OBSERVATIONS) {
        add(`${path}.mean`, NaN, NaN, events, false);
        add(`${path}.cv`, NaN, NaN, events, false);
        return;
      }
      const fit = fitDuration(spec.dist as Family, s.times, s.ended, { start: [spec.mean, spec.cv] });
      add(`${path}.mean`, fit.mean, fit.seMean, events, true, `${spec.dist}, censored maximum likelihood (${n - events} of ${n} censored)`);
      add(`${path}.cv`, fit.cv, fit.seCv, events, true);
    };
    durationEstimate('assessment.durationWorkingDays', base.assessment.durationWorkingDays, this.assessDays, km('assessment', this.assessDays, 'working days'), true);

    // ---- S47 and ICPC
    const so = this.s47Outcome;
    share('s47.outcomes.icpc', so[2], total(so));
    share('s47.outcomes.cin', so[1], total(so));
    durationEstimate('s47.durationWorkingDays', base.s47.durationWorkingDays, this.s47Days, km('s47_without_icpc', this.s47Days, 'working days'), true);
    durationEstimate('icpc.workingDaysFromStrategy', base.icpc.workingDaysFromStrategy, this.icpcDays, km('strategy_to_icpc', this.icpcDays, 'working days'), true);
    share('icpc.cpPlanProbability', this.icpcPlan[1], total(this.icpcPlan));
    share('icpc.cinIfNoPlanProbability', this.icpcNoPlanCin[1], total(this.icpcNoPlanCin));

    // ---- plans
    durationEstimate('cp.durationMonths', base.cp.durationMonths, this.cpMonths, km('cp_plan', this.cpMonths, 'months'), false);
    share('cp.outcomes.care', this.cpOutcome[2], total(this.cpOutcome));
    share('cp.outcomes.cin', this.cpOutcome[1], total(this.cpOutcome));
    const cats = [...this.cpCategory.values()].reduce((a, b) => a + b, 0);
    for (const code of Object.keys(base.cp.categories)) {
      const c = this.cpCategory.get(code) ?? 0;
      const p = cats > 0 ? c / cats : NaN;
      add(`cp.categories.${code}`, 100 * p, cats > 0 ? 100 * Math.sqrt((p * (1 - p)) / cats) : NaN, cats, cats >= MIN_OBSERVATIONS, 'share in % (weights)');
    }
    durationEstimate('cin.durationMonths', base.cin.durationMonths, this.cinMonths, km('cin_plan', this.cinMonths, 'months'), false);
    share('cin.outcomes.care', this.cinOutcome[1], total(this.cinOutcome));
    share('cin.outcomes.s47', this.cinOutcome[2], total(this.cinOutcome));

    // ---- entries to care
    {
      const p = total(pop10k);
      const d = total(this.directEntries);
      add('care.directEntriesPerMonthPer10k', d / p, Math.sqrt(d) / p, d, d >= MIN_OBSERVATIONS);
      const u = total(this.uascEntries);
      add('uasc.arrivalsPerMonthPer10k', u / p, Math.sqrt(u) / p, u, u >= MIN_OBSERVATIONS);
    }
    share('care.returnHomeCinPlanProbability', this.returnHomeCin[1], total(this.returnHomeCin));

    // ---- time in care and reasons for leaving, by age band at entry
    const rf = EXIT_REASONS.map((r) => base.care.reasonDurationFactor[r]);
    const routeF = CARE_ROUTES.map((r) => base.care.routeDurationFactor[r]);
    const fitted: ({ family: Family; mean: number; cv: number } | undefined)[] = [];
    AGE_BANDS.forEach((band, b) => {
      const spec = base.care.durationMonths[band];
      const spells: CareSpell[] = this.careSpells.filter((s) => s.band === b && !s.uasc).map((s) => ({ time: s.time, reason: s.reason, scales: rf.map((f) => f * routeF[s.route]) }));
      const ended = spells.filter((s) => s.reason >= 0).length;
      const all = new Spells();
      for (const s of spells) all.add(s.time, s.reason >= 0);
      km(`care:${band}`, all, 'months');
      if (spec.dist === 'empirical' || ended < MIN_OBSERVATIONS) {
        const why = spec.dist === 'empirical' ? 'empirical time in care: not re-estimated' : undefined;
        add(`care.durationMonths.${band}.mean`, NaN, NaN, ended, false, why);
        for (const r of EXIT_REASONS) add(`care.exitReasons.${band}.${r}`, NaN, NaN, ended, false, why);
        fitted.push(spec.dist === 'empirical' ? undefined : { family: spec.dist, mean: spec.mean, cv: spec.cv });
        return;
      }
      const fit = fitCareMixture(spec.dist, spells, EXIT_REASONS.length);
      const note = `${spec.dist} mixture over reasons for leaving, ageing out and the window end as censoring (${spells.length - ended} of ${spells.length} censored)`;
      add(`care.durationMonths.${band}.mean`, fit.mean, fit.seMean, ended, true, note);
      add(`care.durationMonths.${band}.cv`, fit.cv, fit.seCv, ended, true);
      EXIT_REASONS.forEach((r, i) => add(`care.exitReasons.${band}.${r}`, fit.reasons[i], fit.seReasons[i], spells.length, true));
      fitted.push({ family: spec.dist, mean: fit.mean, cv: fit.cv });
    });
    {
      // UASC: reasons only, each child's duration from the band it entered at
      const spells = this.careSpells.filter((s) => s.uasc && fitted[s.band]);
      const exactCounts = new Array<number>(EXIT_REASONS.length).fill(0);
      const cens = spells.filter((s) => s.reason < 0);
      for (const s of spells) if (s.reason >= 0) exactCounts[s.reason]++;
      const ended = exactCounts.reduce((a, b) => a + b, 0);
      if (spells.length >= MIN_OBSERVATIONS && ended > 0) {
        const S = new Float64Array(cens.length * EXIT_REASONS.length);
        const dens = fitted.map((f) => (f ? density(f.family, f.mean, f.cv) : undefined));
        cens.forEach((s, i) => EXIT_REASONS.forEach((_, r) => (S[i * EXIT_REASONS.length + r] = dens[s.band]!.survival(Math.max(s.time, 1e-6) / (rf[r] * routeF[s.route])))));
        const fit = fitReasonShares(exactCounts, S, cens.length);
        EXIT_REASONS.forEach((r, i) => add(`uasc.exitReasons.${r}`, fit.reasons[i], fit.seReasons[i], spells.length, true));
      } else for (const r of EXIT_REASONS) add(`uasc.exitReasons.${r}`, NaN, NaN, spells.length, false);
    }
    durationEstimate(
      'placement.adoptionPlacementMonthsBeforeOrder',
      base.placement.adoptionPlacementMonthsBeforeOrder,
      this.adoptionLead,
      km('placed_for_adoption_before_order', this.adoptionLead, 'months'),
      false,
    );

    // ---- placements
    const mix = (prefix: string, c: Float64Array) => {
      const t = total(c);
      ENTRY_PLACEMENT_GROUPS.forEach((g, i) => add(`${prefix}.${g}`, t > 0 ? (100 * c[i]) / t : NaN, t > 0 ? 100 * Math.sqrt(((c[i] / t) * (1 - c[i] / t)) / t) : NaN, t, t >= MIN_OBSERVATIONS, i === 0 ? 'share in % (weights)' : undefined));
    };
    AGE_BANDS.forEach((band, b) => mix(`placement.atEntry.${band}`, this.atEntry[b]));
    AGE_BANDS.forEach((band, b) => mix(`placement.onMove.${band}`, this.onMove[b]));
    mix('uasc.placementMix', this.uascAtEntry);
    AGE_BANDS.forEach((band, b) => {
      const years = this.exposureDays[b] / DAYS_PER_YEAR;
      const moves = this.moves[b];
      add(`placement.changesPerYear.${band}`, years > 0 ? moves / years : NaN, years > 0 ? Math.sqrt(moves) / years : NaN, moves, moves >= MIN_OBSERVATIONS, 'moves per child-year in care, by age band at the start of the placement (time placed for adoption left out)');
    });

    // ---- write the applied estimates into the parameters
    const parameters = applyEstimates(base, values);

    // ---- tables
    const transitions: TransitionRow[] = [];
    const toNames = [...PLACEMENT_GROUPS, ...LEAVING_CARE_GROUPS.map((g) => `left_${g}`)];
    AGE_BANDS.forEach((band, b) =>
      PLACEMENT_GROUPS.forEach((g, gi) => {
        const stock = this.stock[b][gi];
        if (stock === 0) return;
        toNames.forEach((to, ti) => {
          const n = this.trans[b][gi][ti];
          if (n > 0) transitions.push({ ageBand: band, from: g, to, transitions: n, stockMonths: stock, monthlyRate: n / stock });
        });
      }),
    );
    const entries: EntryRow[] = [];
    AGE_BANDS.forEach((band, b) =>
      PLACEMENT_GROUPS.forEach((g, gi) => {
        const n = this.entryTable[b][gi];
        if (n > 0) entries.push({ ageBand: band, group: g, entries: n, perMonth: n / this.months });
      }),
    );
    const notInformed = listNotInformed(base, informed);
    return {
      from: monthKey(this.from),
      to: monthKey(this.to),
      months: this.months,
      events: this.events,
      children: this.kids.size,
      estimates: est,
      parameters,
      transitions,
      entries,
      durations,
      notInformed,
      skipped: { ...this.skipped },
    };
  }
}

/** Writes `path → value` estimates into a copy of `base`; mixes and outcome groups stay valid. */
export function applyEstimates(base: Parameters, values: ReadonlyMap<string, number>): Parameters {
  return produce(base, (draft) => {
    for (const [path, value] of values) {
      const keys = path.split('.');
      let node = draft as unknown as Record<string, unknown>;
      for (let i = 0; i < keys.length - 1; i++) {
        const next = node[keys[i]];
        if (next === undefined || next === null || typeof next !== 'object') {
          if (/^(atEntry|onMove|placementMix|categories|exitReasons)$/.test(keys[i - 1] ?? '') || keys[i] in node) node[keys[i]] = {};
          else throw new Error(`parameter path ${path} does not exist`);
        }
        node = node[keys[i]] as Record<string, unknown>;
      }
      node[keys[keys.length - 1]] = value;
    }
    // probabilities of the named outcomes must leave room for the default outcome
    const fit = (o: Record<string, number>) => {
      const sum = Object.values(o).reduce((a, b) => a + b, 0);
      if (sum > 1) for (const k of Object.keys(o)) o[k] /= sum;
    };
    fit(draft.contacts.outcomes);
    fit(draft.recontact.outcomes);
    fit(draft.assessment.outcomes);
    fit(draft.s47.outcomes);
    fit(draft.cp.outcomes);
    fit(draft.cin.outcomes);
    for (const b of AGE_BANDS) fit(draft.care.exitReasons[b]);
    fit(draft.uasc.exitReasons);
    // cumulative tables must not decrease
    let prev = 0;
    for (const pt of draft.recontact.cumulative) {
      pt[1] = Math.min(1, Math.max(prev, pt[1]));
      prev = pt[1];
    }
    for (const d of [draft.icpc.workingDaysFromStrategy, draft.assessment.durationWorkingDays, draft.s47.durationWorkingDays, draft.cp.durationMonths, draft.cin.durationMonths]) {
      if (d.dist !== 'empirical') continue;
      let f = 0;
      for (const pt of d.points) {
        pt[1] = Math.min(1, Math.max(f, pt[1]));
        f = pt[1];
      }
      d.points[d.points.length - 1][1] = 1;
    }
    // weight tables: drop zero weights only if something else is left
    for (const table of [...AGE_BANDS.map((b) => draft.placement.atEntry[b]), ...AGE_BANDS.map((b) => draft.placement.onMove[b]), draft.uasc.placementMix, draft.cp.categories]) {
      const t = table as Record<string, number>;
      if (Object.values(t).every((v) => !(v > 0))) throw new Error('an estimated weight table has no positive weight');
    }
  });
}

/** Every parameter (leaf number, weight table or duration) of `base` not among `informed` paths. */
export function listNotInformed(base: Parameters, informed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const isInformed = (path: string) => {
    for (const p of informed) if (p === path || p.startsWith(path + '.')) return true;
    return false;
  };
  const walk = (node: unknown, path: string) => {
    if (node === null || typeof node !== 'object') {
      if (!isInformed(path)) out.push(path);
      return;
    }
    const obj = node as Record<string, unknown>;
    const isDuration = 'dist' in obj;
    const isTable = Array.isArray(node) || isDuration || Object.values(obj).every((v) => typeof v === 'number');
    if (isTable && !isInformed(path)) {
      out.push(path);
      return;
    }
    if (isTable) {
      // partly informed: list its uninformed entries
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}.${i}`));
      else for (const [k, v] of Object.entries(obj)) walk(v, `${path}.${k}`);
      return;
    }
    for (const [k, v] of Object.entries(obj)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(base, '');
  return out.filter((p) => !p.endsWith('.dist') && !p.endsWith('.source'));
}

export { kaplanMeier, kmSurvivalAt } from './survival.ts';
