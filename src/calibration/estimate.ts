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
 * - Care leavers' statuses: the shares in touch, in education, employment or training and in
 *   suitable accommodation by age group (see estimateLeavers.ts).
 * - Placements: the month-by-month transition table of the established children-in-care demand
 *   models (children in each age band × placement group at the end of the previous month, and
 *   where they are at the end of this one: same group, another group, or left care by reason),
 *   the placement mix at entry and after a move, and moves per child-year in care.
 *
 * The estimator is a plain event sink: `apply(event)` for each event of the log (each child's
 * events in stream order; children may interleave), then `finish()`.
 */
import { fastDayNumber, firstDayOfMonth, lastDayOfMonth, monthIndexOfDay, monthKey, workingDaysBetween, addYearsFast as addYears, ageFast as ageOn } from '../calendar/index.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS, leavingCareGroup, placementGroup, type CaseEvent, type LeavingCareGroup } from '../events/index.ts';
import { CARE_ROUTES, ENTRY_PLACEMENT_GROUPS, REENTRY_ROUTES, ageBandIndex } from '../simulation/parameters.ts';
import { buildEstimates } from './estimateBuild.ts';
import { tallyLeaverStatus } from './estimateLeavers.ts';
import { DAYS_PER_MONTH, Spells, Tallies, type EstimatorOptions, type EventEstimates } from './estimateTypes.ts';

export { DAYS_PER_MONTH, MIN_OBSERVATIONS, type EstimatorOptions, type Estimate, type EventEstimates, type TransitionRow, type EntryRow, type DurationTable } from './estimateTypes.ts';
export { applyEstimates, listNotInformed } from './estimateApply.ts';
/** S47 enquiries that began this close to the window's end are left out (their outcome may not be known yet). */
const S47_TAIL_DAYS = 120;

const NONE = -2147483648;

const GROUP_PFA = PLACEMENT_GROUPS.indexOf('placed_for_adoption');
const MOVE_RNE = new Set(['P', 'B', 'U', 'T']);
const ENTRY_INDEX = new Map<string, number>(ENTRY_PLACEMENT_GROUPS.map((g, i) => [g, i]));
/**
 * The model's reason for leaving care (index in EXIT_REASONS) of a REC group, or -1 for ageing
 * out (the model's remainder: independent living, staying put, and any other reason on or after
 * the 18th birthday). The model's return home covers E13 as well as E4A/E4B.
 */
const REASON_OF_GROUP: Partial<Record<LeavingCareGroup, number>> = { return_home: 0, relatives_no_pr: 0, sgo: 1, cao: 2, adoption: 3, other: 4 };

function modelReason(group: LeavingCareGroup, aged18: boolean): number {
  if (group === 'other' && aged18) return -1;
  return REASON_OF_GROUP[group] ?? -1;
}

/** The part of the flow an event belongs to (what a history covers). */
const PART_OF_EVENT: Partial<Record<CaseEvent['type'], 'front_door' | 'cin' | 'cp' | 'care'>> = {
  ContactReceived: 'front_door',
  ReferralAccepted: 'front_door',
  AssessmentAuthorised: 'front_door',
  CinPlanStarted: 'cin',
  Section47Started: 'cp',
  CpPlanStarted: 'cp',
  PeriodOfCareStarted: 'care',
  EpisodeChanged: 'care',
};

// what to look for in a child's next event
const F_NONE = 0;
const F_CP_END = 1;
const F_CIN_END = 2;
const F_ICPC_NO_PLAN = 3;
const F_RETURN_HOME = 4;
const F_REFERRAL = 5;

/** An open or finished period of care. */
interface CareRecord {
  start: number;
  end: number; // NONE while open
  route: number;
  band: number;
  uasc: boolean;
  /** The start was made by an import repair (the real start is not known). */
  repaired: boolean;
  cohort: boolean;
  dob: number;
  b18: number;
  /** Episode starts and groups (the first is the entry placement). */
  days: number[];
  groups: number[];
  /** Whether each episode is a new placement (entry or move; not a legal change or adoption placement). */
  moves: boolean[];
  reasonGroup: number; // index in LEAVING_CARE_GROUPS, -1 while open
  /** The model's reason for leaving (see modelReason); -1 while open or for ageing out. */
  reason: number;
  adoptionPlacedOn: number;
}

class Child {
  sex = 'U';
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
  // left care by return home, SGO or CAO (before 18): awaiting a re-entry
  leftOn = NONE;
  leftReason = -1;
}

export class EventEstimator {
  private readonly kids = new Map<string, Child>();
  private readonly windowStart: number;
  private readonly windowEnd: number; // exclusive
  private lastDay = NONE;
  private finished = false;
  /** Last day of each month from the month before the window to its last month. */
  private readonly monthEnds: Int32Array;

  readonly t: Tallies;
  /** The base has a re-entry table: re-entries are its, not direct entries. */
  private readonly reentryModelled: boolean;
  constructor(private readonly opts: EstimatorOptions) {
    this.reentryModelled = opts.base.care.reentry !== undefined;
    if (!(opts.to >= opts.from)) throw new RangeError(`the window must end on or after it starts (${monthKey(opts.from)} to ${monthKey(opts.to)})`);
    this.t = new Tallies(opts.from, opts.to);
    this.windowStart = firstDayOfMonth(opts.from);
    this.windowEnd = lastDayOfMonth(opts.to) + 1;
    this.monthEnds = Int32Array.from({ length: this.t.months + 1 }, (_, i) => lastDayOfMonth(opts.from - 1 + i));
  }

  private skip(reason: string): void {
    this.t.skipped[reason] = (this.t.skipped[reason] ?? 0) + 1;
  }

  private inWindow(day: number): boolean {
    return day >= this.windowStart && day < this.windowEnd;
  }

  private windowMonth(day: number): number {
    return monthIndexOfDay(day) - this.t.from;
  }

  readonly sink = (e: CaseEvent): void => this.apply(e);

  apply(e: CaseEvent): void {
    if (this.finished) throw new Error('EventEstimator: apply() after finish()');
    this.t.events++;
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
    if (day >= this.windowStart) {
      const part = PART_OF_EVENT[e.type];
      if (part) this.t.coverage[part]++;
    }
    switch (e.type) {
      case 'ChildRegistered':
        k.dob = fastDayNumber(e.dateOfBirth);
        k.b18 = addYears(k.dob, 18);
        k.uasc = e.uasc;
        k.sex = e.sex;
        break;
      case 'ContactReceived':
        if (k.closedOn !== NONE) this.endRecontactWait(k, day, true);
        k.contactDay = day;
        k.contactFirst = !k.known && k.contacts === 0;
        k.contacts++;
        if (k.contactFirst && this.inWindow(day)) this.t.firstContacts[this.windowMonth(day)]++;
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
        if (this.inWindow(day)) this.t.cpCategory.set(e.category, (this.t.cpCategory.get(e.category) ?? 0) + 1);
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
        this.careEnded(k, day, e.rec, e.repair);
        break;
      case 'CaseClosed':
        this.closed(k, day, e.reason);
        break;
      case 'CareLeaverStatusRecorded': {
        const why = day >= this.windowStart ? tallyLeaverStatus(this.t.leaverStatuses, k.b18, day, k.care !== undefined, e) : undefined;
        if (why) this.skip(why);
        break;
      }
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
        if (direct && k.contactFirst && k.contactDay === k.referralDay && this.inWindow(k.contactDay)) this.t.firstContacts[this.windowMonth(k.contactDay)]--;
        if (!direct) {
          if (k.contactOutcome === 2) this.tallyContact(k, 2);
          if (counted) {
            this.t.referralsDecided++;
            if (e.type === 'CaseClosed' && e.referralNfa === true) this.t.referralsNfa++;
          }
        }
        k.contactOutcome = -1;
        break;
      }
      case F_CP_END:
        if (counted) this.t.cpOutcome[sameDay && e.type === 'PeriodOfCareStarted' ? 2 : sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
      case F_CIN_END:
        if (counted) this.t.cinOutcome[sameDay && e.type === 'PeriodOfCareStarted' ? 1 : sameDay && e.type === 'StrategyDiscussionHeld' ? 2 : 0]++;
        break;
      case F_ICPC_NO_PLAN:
        if (counted) this.t.icpcNoPlanCin[sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
      case F_RETURN_HOME:
        if (counted) this.t.returnHomeCin[sameDay && e.type === 'CinPlanStarted' ? 1 : 0]++;
        break;
    }
  }

  private tallyContact(k: Child, outcome: number): void {
    const day = k.contactDay;
    if (day === NONE || !this.inWindow(day)) return;
    if (k.contactFirst) this.t.contactOutcome[outcome]++;
    else if (k.known) (k.hadCp ? this.t.recontactOutcomeAfterCp : this.t.recontactOutcome)[outcome]++;
    else this.t.contactOutcome[outcome]++;
  }

  private authorised(k: Child, day: number, outcome: 'nfa' | 'cin' | 's47' | 'early_help'): void {
    const start = k.assessStart;
    k.assessStart = NONE;
    if (start === NONE) return this.skip('AssessmentAuthorised with no AssessmentStarted');
    if (!this.inWindow(start)) return;
    this.t.assessDays.add(Math.max(0, workingDaysBetween(start, day)), true);
    if (day >= k.b18) return;
    const o = outcome === 'nfa' ? 0 : outcome === 'early_help' ? 1 : outcome === 'cin' ? 2 : 3;
    (k.hadCp ? this.t.assessOutcomeAfterCp : this.t.assessOutcome)[o]++;
  }

  private s47Concluded(k: Child, day: number, outcome: 'icpc' | 'cin' | 'nfa'): void {
    const start = k.s47Start;
    k.s47ConcludedOn = day;
    k.s47Outcome = outcome === 'nfa' ? 0 : outcome === 'cin' ? 1 : 2;
    if (start === NONE) return this.skip('Section47Concluded with no strategy discussion');
    if (!this.inWindow(start) || start >= this.windowEnd - S47_TAIL_DAYS) return;
    if (day >= k.b18) return;
    this.t.s47Outcome[k.s47Outcome]++;
    if (outcome !== 'icpc') this.t.s47Days.add(Math.max(0, workingDaysBetween(start, day)), true);
  }

  private icpc(k: Child, day: number, plan: boolean): void {
    const start = k.s47Start;
    if (start !== NONE && this.inWindow(start) && start < this.windowEnd - S47_TAIL_DAYS && day < k.b18) {
      this.t.icpcDays.add(Math.max(0, workingDaysBetween(start, day)), true);
    }
    k.s47Start = NONE;
    if (!this.inWindow(day) || day >= k.b18) return;
    this.t.icpcPlan[plan ? 1 : 0]++;
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
    const ended = this.planEnded(k.cinStart, day, k.b18, this.t.cinMonths);
    k.cinStart = NONE;
    if (ended) {
      k.follow = F_CIN_END;
      k.followDay = day;
    }
  }

  private cpEnded(k: Child, day: number): void {
    const ended = this.planEnded(k.cpStart, day, k.b18, this.t.cpMonths);
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
    // a child who left by return home, SGO or CAO: its time to re-entry ends here (censored by a repair's start)
    const reentry = k.leftOn !== NONE && e.repair === undefined;
    if (k.leftOn !== NONE) this.endReentryWait(k, day, reentry);
    const age = ageOn(k.dob, day);
    const band = ageBandIndex(age);
    const group = PLACEMENT_GROUPS.indexOf(placementGroup(e.placement, e.provider));
    // a start made by an import repair is not an entry: the child was already in care, since a date no return gives
    const entry = e.repair === undefined;
    k.care = { start: day, end: NONE, route: r, band, uasc, repaired: !entry, cohort: entry && this.inWindow(day), dob: k.dob, b18: k.b18, days: [day], groups: [group], moves: [true], reasonGroup: -1, reason: -1, adoptionPlacedOn: NONE };
    if (!this.inWindow(day)) return;
    if (!entry) {
      this.t.repairedStarts++;
      return;
    }
    const m = this.windowMonth(day);
    const a = Math.min(17, Math.max(0, age));
    const sx = k.sex === 'M' ? 0 : k.sex === 'F' ? 1 : 2;
    // the re-entry table brings a child back who left by return home, SGO or CAO: not an arrival as well
    // (direct entries; and every entry but UASC when no plans are simulated)
    const asReentry = reentry && this.reentryModelled;
    if (asReentry) this.t.reentryStarts++;
    if (route === 'direct' && !asReentry) {
      this.t.directEntries[m]++;
      this.t.directAge[a]++;
      this.t.directSex[sx]++;
    }
    if (uasc) {
      this.t.uascEntries[m]++;
      this.t.uascAge[a]++;
      this.t.uascSex[sx]++;
    } else if (!asReentry) {
      this.t.careEntries[m]++;
      this.t.careAge[a]++;
      this.t.careSex[sx]++;
    }
    const entryIndex = ENTRY_INDEX.get(PLACEMENT_GROUPS[group]);
    if (entryIndex !== undefined) (uasc ? this.t.uascAtEntry : this.t.atEntry[band])[entryIndex]++;
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
    if (entryIndex !== undefined) this.t.onMove[band][entryIndex]++;
  }

  private careEnded(k: Child, day: number, rec: string, repair: string | undefined): void {
    const c = k.care;
    if (!c) return this.skip('PeriodOfCareEnded while not in care');
    k.care = undefined;
    if (repair !== undefined) {
      // an end made by an import repair is not an exit: the period is censored there
      if (this.inWindow(day)) this.t.repairedEnds++;
      this.closeCare(c, day);
      return;
    }
    c.end = day;
    const group = leavingCareGroup(rec);
    c.reasonGroup = LEAVING_CARE_GROUPS.indexOf(group);
    c.reason = modelReason(group, day >= k.b18);
    this.closeCare(c, day);
    if (c.reason >= 0 && c.reason < REENTRY_ROUTES.length && day < k.b18 && this.inWindow(day)) {
      k.leftOn = day;
      k.leftReason = c.reason;
    }
    if (c.reason === 0 && this.inWindow(day)) {
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
    const spells = k.closedAfterCp ? this.t.recontactAfterCp : this.t.recontact;
    if (contacted && day < k.b18 && day < this.windowEnd) spells.add((day - start) / DAYS_PER_MONTH, true);
    else spells.add((Math.min(day, k.b18, this.windowEnd) - start) / DAYS_PER_MONTH, false);
  }

  /**
   * Ends the wait for a re-entry of a child who left care by return home, SGO or CAO in the
   * window: a re-entry on `day` when `returned`, else censored there; censored at the window's
   * end and the 18th birthday.
   */
  private endReentryWait(k: Child, day: number, returned: boolean): void {
    const left = k.leftOn;
    const spells = this.t.reentry[k.leftReason];
    k.leftOn = NONE;
    k.leftReason = -1;
    if (returned && day < this.windowEnd && day < k.b18) spells.add((day - left) / DAYS_PER_MONTH, true);
    else spells.add(Math.max(0, Math.min(day, k.b18, this.windowEnd) - left) / DAYS_PER_MONTH, false);
  }

  /** Folds a finished (or, at the end, censored) period of care into the tables. */
  private closeCare(c: CareRecord, endDay: number): void {
    const ended = c.end !== NONE && c.end < this.windowEnd;
    const stop = ended ? c.end : Math.min(endDay, this.windowEnd);
    // time in care (cohort spells)
    // periods already running at the window's start (with a recorded start) count from there: left-truncated
    const running = !c.cohort && !c.repaired && c.start < this.windowStart && stop > this.windowStart;
    if (running) {
      const reason = ended ? c.reason : -1;
      this.t.careSpells.push({ band: c.band, route: c.route, uasc: c.uasc, time: (stop - c.start) / DAYS_PER_MONTH, reason, entry: (this.windowStart - c.start) / DAYS_PER_MONTH });
    }
    if (c.cohort) {
      const reason = ended ? c.reason : -1;
      this.t.careSpells.push({ band: c.band, route: c.route, uasc: c.uasc, time: (stop - c.start) / DAYS_PER_MONTH, reason, entry: 0 });
      if (ended && LEAVING_CARE_GROUPS[c.reasonGroup] === 'adoption') {
        if (c.adoptionPlacedOn !== NONE) this.t.adoptionLead.add((c.end - c.adoptionPlacedOn) / DAYS_PER_MONTH, true);
        else this.t.adoptionLead.add((c.end - c.start) / DAYS_PER_MONTH, false);
      }
    }
    // moves and exposure to them, by age band at the start of the placement (the rate of the
    // next move is set when a placement begins), within the window, outside adoption placements
    let regime = ageBandIndex(ageOn(c.dob, c.days[0]));
    for (let i = 0; i < c.days.length; i++) {
      if (c.moves[i] && i > 0) {
        if (this.inWindow(c.days[i])) this.t.moves[regime]++;
        regime = ageBandIndex(ageOn(c.dob, c.days[i]));
      }
      if (c.groups[i] === GROUP_PFA) continue;
      const a = Math.max(c.days[i], this.windowStart);
      const b = Math.min(i + 1 < c.days.length ? c.days[i + 1] : stop, stop, this.windowEnd);
      if (b > a) this.t.exposureDays[regime] += b - a;
    }
    // month-end states for the transition table
    const groupAt = (d: number) => {
      let g = c.groups[0];
      for (let i = 1; i < c.days.length && c.days[i] <= d; i++) g = c.groups[i];
      return g;
    };
    const startMonth = Math.max(this.t.from, monthIndexOfDay(c.start));
    for (let m = startMonth; m <= this.t.to; m++) {
      const prevEnd = this.monthEnds[m - this.t.from];
      if (c.end !== NONE && c.end <= prevEnd) break;
      const thisEnd = this.monthEnds[m - this.t.from + 1];
      const inPrev = c.start <= prevEnd && (c.end === NONE ? prevEnd < endDay : c.end > prevEnd);
      if (!inPrev) {
        // entries: started this month and still in care at its end
        if (c.start > prevEnd && c.start <= thisEnd && (c.end === NONE ? thisEnd < endDay : c.end > thisEnd)) {
          this.t.entryTable[ageBandIndex(ageOn(c.dob, c.start))][groupAt(thisEnd)]++;
        }
        continue;
      }
      if (c.end === NONE && thisEnd >= endDay) break; // not observed to the end of this month
      const band = ageBandIndex(ageOn(c.dob, prevEnd));
      const from = groupAt(prevEnd);
      this.t.stock[band][from]++;
      if (c.end !== NONE && c.end <= thisEnd) {
        this.t.trans[band][from][PLACEMENT_GROUPS.length + c.reasonGroup]++;
        break;
      }
      this.t.trans[band][from][groupAt(thisEnd)]++;
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
      if (k.leftOn !== NONE) this.endReentryWait(k, endDay, false);
      if (k.assessStart !== NONE && this.inWindow(k.assessStart)) this.t.assessDays.add(Math.max(0, workingDaysBetween(k.assessStart, endDay - 1)), false);
      if (k.cpStart !== NONE && this.inWindow(k.cpStart)) this.t.cpMonths.add((Math.min(endDay, k.b18) - k.cpStart) / DAYS_PER_MONTH, false);
      if (k.cinStart !== NONE && this.inWindow(k.cinStart)) this.t.cinMonths.add((Math.min(endDay, k.b18) - k.cinStart) / DAYS_PER_MONTH, false);
      if (k.care) {
        if (k.care.uasc) this.t.uascInCareAtEnd++;
        else this.t.inCareAtEnd++;
        this.closeCare(k.care, endDay);
      }
    }
    this.t.observedTo = endDay;
    return buildEstimates(this.t, this.opts, this.kids.size);
  }
}
export { kaplanMeier, kmSurvivalAt } from './survival.ts';
