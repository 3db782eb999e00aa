/**
 * Synthesises the opening stock (children open when a run starts) from parameters.
 *
 * Each open state is sampled from the steady state its own dynamics imply: a child's entry to
 * the state is drawn uniformly over a long window before the start, its length from the model's
 * duration distribution (cut at the 18th birthday), and it is kept only if it is still running at
 * the start. Repeating until the target count is reached gives a stock whose time already spent
 * in the state, ages and (for CLA) reasons for leaving are those of a system in equilibrium, so a
 * run with stationary parameters does not lurch in its first months.
 */
import { addWorkingDays, firstDayOfMonth, parseMonth, workingDaysBetween } from '../calendar/index.ts';
import { addYearsFast as addYears } from '../calendar/civil.ts';
import { PLACEMENT_GROUPS } from '../events/codes/index.ts';
import { Categorical, exponential, type UniformSource } from './distributions.ts';
import {
  ASSESS_OUT,
  ENTRY_TO_GROUP,
  ETHNICITY_CODES,
  EXIT_AGE18,
  LEGAL_CODES,
  S47_OUT,
  SEX_CODES,
  compileParameters,
  type CompiledParameters,
} from './compile.ts';
import { ageBandIndex, EXIT_REASONS } from './parameterLists.ts';
import type { Parameters } from './parameters.ts';
import type { OpeningChild, OpeningStock, RecentlyClosedChild } from './opening.ts';
import { scoped } from './scope.ts';
import { addPastCpPlans } from './openingCpHistory.ts';
import { Rng } from './random.ts';
import { PLACE_CODES, PROVIDER_CODES, choosePlacement } from './placementCodes.ts';

/** Mean days in a month (365.2425 / 12). */
export const DAYS_PER_MONTH = 30.436875;
const DAYS_PER_YEAR = 365.2425;
export const EMERGENCY_LEGAL = new Set(['L1', 'L2', 'L3', 'J2']);
const GROUP_PLACED_FOR_ADOPTION = PLACEMENT_GROUPS.indexOf('placed_for_adoption');
/** Window before the start over which closures are synthesised (re-contacts beyond it are rare). */
export const CLOSED_WINDOW_MONTHS = 24;
/** Children who left care by return home, SGO or CAO up to this long before the start are in the opening stock (when re-entry is modelled). */
const LEFT_CARE_WINDOW_DAYS = Math.round(10 * DAYS_PER_YEAR);
/** Exit reasons below this (return home, SGO, CAO) can break down into a re-entry. */
const REENTRY_REASONS = 3;
/** Exit reasons by index (EXIT_REASONS, then ageing out). */
const LEFT_CARE_REASONS = [...EXIT_REASONS, 'age18'] as const;

/** A date of birth that makes a child `age` whole years old on `day` (and under 18). */
export function birthDateForAge(day: number, age: number, rng: UniformSource): number {
  let dob = day - Math.floor((age + rng.uniform()) * DAYS_PER_YEAR);
  if (dob > day) dob = day;
  while (addYears(dob, 18) <= day) dob += 1;
  return dob;
}

function count(per10k: number, population: number): number {
  return Math.max(0, Math.round((per10k * population) / 10000));
}

/** Days in a duration of `months`, at least `min`. */
function monthsToDays(months: number, min = 1): number {
  return Math.max(min, Math.round(months * DAYS_PER_MONTH));
}

function sexOf(c: CompiledParameters, rng: UniformSource): 'M' | 'F' | 'U' {
  return SEX_CODES[c.sex.sample(rng)];
}

/** The last working day on or before `day`. */
function workingDayOnOrBefore(day: number): number {
  let d = day;
  while (workingDaysBetween(d - 1, d) === 0) d--;
  return d;
}

interface SampledCare {
  entry: number;
  dob: number;
  exit: number;
  reason: number;
  route: 'cp' | 'cin' | 'direct' | 'uasc';
}

type OpeningParameters = ReturnType<typeof scoped>['opening'];

/**
 * Builds the opening stock for a run starting in `startMonth` (YYYY-MM) for a population of
 * `population` children aged 0–17, from the opening section of the parameters.
 */
export function synthesiseOpeningStock(given: Parameters, population: number, startMonth: string, rng: Rng): OpeningStock {
  const s = new StockSampler(given, startMonth, rng);
  const { c, o } = s;
  // --- children looked after (non-UASC, then UASC) -------------------------------------------
  const nUasc = count(o.uascPer10k, population);
  const nCla = Math.max(0, count(o.claPer10k, population) - nUasc);
  s.lookedAfter(nCla, false);
  s.lookedAfter(nUasc, true);
  // --- CP and CIN plans -----------------------------------------------------------------------
  s.plan(count(o.cpPer10k, population), new Categorical(o.cpAgeAtStart), c.cpMonths, 'cp', 'CP plans');
  s.plan(count(o.cinPlansPer10k, population), new Categorical(o.cinAgeAtStart), c.cinMonths, 'cin', 'CIN plans');
  // --- assessments and S47 enquiries in progress ----------------------------------------------
  s.inProgress(count(o.openAssessmentsPer10k, population), 'assessment');
  s.inProgress(count(o.openS47Per10k, population), 's47');
  // --- recently closed cases ------------------------------------------------------------------
  s.recentlyClosed(count(o.closuresPerMonthPer10k * CLOSED_WINDOW_MONTHS, population));
  // --- CP plans before the start (see openingCpHistory.ts) -------------------------------------
  addPastCpPlans(s.children, s.closed, o.cpHistory, c.cpMonths, rng);
  // --- children who left care by return home, SGO or CAO and may come back -----------------------
  s.leftCare();
  return { children: s.children, recentlyClosed: s.closed };
}

/**
 * The sampling of the opening stock, one method a part, so that each loop is compiled on its
 * own (a run samples the stock once, and one function holding every loop was optimised whole at
 * each of them).
 */
class StockSampler {
  readonly c: CompiledParameters;
  readonly o: OpeningParameters;
  readonly startDay: number;
  readonly children: OpeningChild[] = [];
  readonly closed: RecentlyClosedChild[] = [];
  /** The periods sampled for the stock that ended by return home, SGO or CAO not long before the start. */
  private readonly leavers: SampledCare[] = [];
  private readonly leaversWanted: boolean;
  private readonly routeCat: Categorical;
  private readonly claAgeCat: Categorical;
  private serial = 0;

  constructor(
    given: Parameters,
    private readonly startMonth: string,
    private readonly rng: Rng,
  ) {
    this.c = compileParameters(given);
    const params = scoped(given);
    this.o = params.opening;
    this.startDay = firstDayOfMonth(parseMonth(startMonth));
    this.routeCat = new Categorical([this.o.claRoutes.cp, this.o.claRoutes.cin, this.o.claRoutes.direct]);
    this.claAgeCat = new Categorical(params.opening.claAgeAtEntry);
    this.leaversWanted = params.care.reentry !== undefined;
  }

  private nextId(): string {
    return `O${++this.serial}`;
  }

  private guard(n: number, what: string): () => void {
    let tries = 0;
    const limit = 2000 * Math.max(n, 1) + 100000;
    return () => {
      if (++tries > limit) throw new RangeError(`opening stock: could not sample ${n} ${what} still open at ${this.startMonth}; check the ages and durations in the parameters`);
    };
  }

  /** `n` children looked after (UASC or not). */
  lookedAfter(n: number, uasc: boolean): void {
    const tick = this.guard(n, uasc ? 'UASC looked after' : 'children looked after');
    for (let k = 0; k < n; ) {
      tick();
      const s = this.sampleCare(uasc);
      if (s) {
        this.addCare(s, uasc);
        k++;
      }
    }
  }

  private sampleCare(uasc: boolean): SampledCare | undefined {
    const { c, rng, startDay } = this;
    // entries over 26 years (UASC, who arrive aged 13 or more: 13): long enough for everyone who can be a care leaver (under 26) at the start
    const windowDays = Math.round((uasc ? 13 : 26) * DAYS_PER_YEAR);
    const entry = startDay - 1 - Math.floor(rng.uniform() * windowDays);
    const age = uasc ? c.uascAge.sample(rng) : this.claAgeCat.sample(rng);
    const dob = birthDateForAge(entry, age, rng);
    const b18 = addYears(dob, 18);
    if (b18 <= startDay && addYears(dob, 26) <= startDay) return undefined;
    const band = ageBandIndex(age);
    const route = uasc ? 'uasc' : ROUTE_NAMES_CLA[this.routeCat.sample(rng)];
    const routeIndex = uasc ? 3 : ROUTE_NAMES_CLA.indexOf(route as 'cp');
    const reason = uasc ? c.uascExit.sample(rng) : c.exitReason[band].sample(rng);
    let exit: number;
    if (reason === EXIT_AGE18) exit = b18;
    else {
      const months = c.careMonths[band].sample(rng) * c.reasonFactor[reason] * c.routeFactor[routeIndex];
      exit = Math.min(b18, entry + monthsToDays(months));
    }
    if (exit < startDay) {
      // a return home, SGO or CAO in the re-entry window: a child the re-entry table can bring back
      const reentry = !uasc && this.leaversWanted && reason < REENTRY_REASONS && exit < b18 && b18 > startDay && exit >= startDay - LEFT_CARE_WINDOW_DAYS;
      // left at 16, 17 or 18 after 13 weeks or more since the 14th birthday, under 26 at the start: a care leaver
      const b14 = addYears(dob, 14);
      const careLeaver = exit >= addYears(dob, 16) && exit - Math.max(entry, b14) >= 91 && addYears(dob, 26) > startDay;
      if (reentry || careLeaver) this.leavers.push({ entry, dob, exit, reason, route });
      return undefined;
    }
    return { entry, dob, exit, reason, route };
  }

  private addCare(s: SampledCare, uasc: boolean): void {
    const { c, rng, startDay } = this;
    const ageNow = Math.floor((startDay - 1 - s.dob) / DAYS_PER_YEAR);
    const bandNow = ageBandIndex(Math.min(17, ageNow));
    const bandAtEntry = ageBandIndex(Math.floor((s.entry - s.dob) / DAYS_PER_YEAR));
    // placement moves as a Poisson process, walked back from the start
    const rate = c.movesPerYear[bandNow];
    const moves: number[] = [];
    if (rate > 0) {
      let t = startDay;
      for (;;) {
        t -= Math.max(1, Math.round(exponential(rng, DAYS_PER_YEAR / rate)));
        if (t <= s.entry) break;
        moves.push(t);
      }
      moves.reverse();
    }
    let group: number;
    let currentStart: number;
    let adoptionPlaced = false;
    if (s.reason === 3) {
      const adoptDay = s.exit - monthsToDays(c.adoptionLeadMonths.sample(rng));
      if (adoptDay < startDay && adoptDay > s.entry) {
        adoptionPlaced = true;
        while (moves.length > 0 && moves[moves.length - 1] >= adoptDay) moves.pop();
        moves.push(adoptDay);
      }
    }
    if (adoptionPlaced) {
      group = GROUP_PLACED_FOR_ADOPTION;
      currentStart = moves[moves.length - 1];
    } else if (moves.length > 0) {
      group = ENTRY_TO_GROUP[c.placementOnMove[bandNow].sample(rng)];
      currentStart = moves[moves.length - 1];
    } else {
      group = ENTRY_TO_GROUP[(uasc ? c.uascPlacement : c.placementAtEntry[bandAtEntry]).sample(rng)];
      currentStart = s.entry;
    }
    const windowStart = startDay - 365;
    const placementStarts = [s.entry, ...moves].filter((d, i, all) => d >= windowStart || i === all.length - 1 || all[i + 1] > windowStart);
    // legal status now
    let legal: string;
    if (adoptionPlaced) legal = 'E1';
    else if (uasc) legal = 'V2';
    else {
      const routeIndex = ROUTE_NAMES_CLA.indexOf(s.route as 'cp');
      legal = LEGAL_CODES[c.legalAtEntry[routeIndex].sample(rng)];
      if (EMERGENCY_LEGAL.has(legal) && startDay - s.entry > 3) legal = rng.uniform() < c.afterEmergencyC1 ? 'C1' : 'V2';
      if (legal === 'C1' && s.entry + monthsToDays(c.interimMonths.sample(rng)) < startDay) legal = 'C2';
    }
    const male = uasc ? rng.uniform() < c.uascMale : undefined;
    const codes = choosePlacement(group, currentStart, rng);
    this.children.push({
      childId: this.nextId(),
      dateOfBirth: s.dob,
      sex: uasc ? (male ? 'M' : 'F') : sexOf(c, rng),
      ethnicity: ETHNICITY_CODES[(uasc ? c.uascEthnicity : c.ethnicity).sample(rng)],
      uasc,
      state: 'cla',
      since: s.entry,
      legalStatus: legal,
      placement: PLACE_CODES[codes & 0xff],
      provider: PROVIDER_CODES[codes >> 8],
      placementStarts: placementStarts.length > 0 ? placementStarts : [currentStart],
      lastReferral: s.entry,
      route: s.route,
    });
  }

  /** `n` children on CP or CIN plans. */
  plan(n: number, ages: Categorical, months: CompiledParameters['cpMonths'], state: 'cp' | 'cin', what: string): void {
    const tick = this.guard(n, what);
    const windowDays = Math.round(6 * DAYS_PER_YEAR);
    for (let k = 0; k < n; ) {
      tick();
      if (this.planChild(ages, months, state, windowDays)) k++;
    }
  }

  /** One draw of a child on a plan: added, and true, when the plan is still open at the start. */
  private planChild(ages: Categorical, months: CompiledParameters['cpMonths'], state: 'cp' | 'cin', windowDays: number): boolean {
    const { c, o, rng, startDay } = this;
    const since = workingDayOnOrBefore(startDay - 1 - Math.floor(rng.uniform() * windowDays));
    const age = ages.sample(rng);
    const dob = birthDateForAge(since, age, rng);
    const b18 = addYears(dob, 18);
    if (b18 <= startDay) return false;
    const end = Math.min(b18, since + monthsToDays(months.sample(rng)));
    if (end < startDay) return false;
    let previous = 0;
    if (state === 'cp') while (previous < 5 && rng.uniform() < (previous === 0 ? o.cpRepeatProbability : 0.25)) previous++;
    this.children.push({
      childId: this.nextId(),
      dateOfBirth: dob,
      sex: sexOf(c, rng),
      ethnicity: ETHNICITY_CODES[c.ethnicity.sample(rng)],
      uasc: false,
      state,
      since,
      previousCpPlans: state === 'cp' ? previous : undefined,
      lastReferral: Math.max(dob, since - Math.round((state === 'cp' ? 45 : 40) + rng.uniform() * 30)),
      cinActivity: state === 'cin' ? 'plan' : undefined,
    });
    return true;
  }

  /** `n` assessments or S47 enquiries in progress. */
  inProgress(n: number, activity: 'assessment' | 's47'): void {
    const tick = this.guard(n, activity === 'assessment' ? 'open assessments' : 'open Section 47 enquiries');
    for (let k = 0; k < n; ) {
      tick();
      if (this.inProgressChild(activity)) k++;
    }
  }

  /** One draw of a child with an assessment or S47 enquiry: added, and true, when it is still open at the start. */
  private inProgressChild(activity: 'assessment' | 's47'): boolean {
    const { c, rng, startDay } = this;
    const windowDays = 200;
    const since = workingDayOnOrBefore(startDay - 1 - Math.floor(rng.uniform() * windowDays));
    let wd: number;
    if (activity === 'assessment') wd = c.assessmentDays.sample(rng);
    else wd = c.s47Outcome.sample(rng) === S47_OUT.icpc ? c.icpcDays.sample(rng) : c.s47Days.sample(rng);
    const end = addWorkingDays(since, Math.max(1, Math.round(wd)));
    if (end < startDay) return false;
    const age = c.contactAge.sample(rng);
    const dob = birthDateForAge(since, age, rng);
    if (addYears(dob, 18) <= startDay) return false;
    this.children.push({
      childId: this.nextId(),
      dateOfBirth: dob,
      sex: sexOf(c, rng),
      ethnicity: ETHNICITY_CODES[c.ethnicity.sample(rng)],
      uasc: false,
      state: 'cin',
      since,
      cinActivity: activity,
      lastReferral: activity === 'assessment' ? since : Math.max(dob, since - Math.round(20 + rng.uniform() * 30)),
    });
    return true;
  }

  /**
   * `nClosed` cases closed in the window before the start. The mix of closures follows the
   * month-0 front-door outcomes: referral NFA, assessment NFA (RC8), step down to early help
   * (RC9), or closure after a plan (RC7).
   */
  recentlyClosed(nClosed: number): void {
    const c = this.c;
    const pa = c.assessmentOutcome.probabilities;
    const closeMix = new Categorical([c.referralNfa, (1 - c.referralNfa) * pa[ASSESS_OUT.nfa], (1 - c.referralNfa) * pa[ASSESS_OUT.earlyHelp], (1 - c.referralNfa) * (pa[ASSESS_OUT.cin] + pa[ASSESS_OUT.s47])]);
    const windowDays = Math.round(CLOSED_WINDOW_MONTHS * DAYS_PER_MONTH);
    for (let k = 0; k < nClosed; k++) this.closedCase(closeMix, windowDays);
  }

  /** One case closed in the `windowDays` before the start, of a kind drawn from `closeMix`. */
  private closedCase(closeMix: Categorical, windowDays: number): void {
    const { c, rng, startDay } = this;
    const closedOn = workingDayOnOrBefore(startDay - 1 - Math.floor(rng.uniform() * windowDays));
    const kind = closeMix.sample(rng);
    let episodeDays: number;
    if (kind === 0) episodeDays = Math.round(c.referralNfaDays.sample(rng) * 1.4);
    else if (kind === 3) episodeDays = monthsToDays(c.cinMonths.sample(rng)) + 45;
    else episodeDays = Math.round(c.assessmentDays.sample(rng) * 1.4);
    const lastReferral = closedOn - episodeDays;
    let dob = birthDateForAge(lastReferral, c.contactAge.sample(rng), rng);
    // a child must still be under 18 when the case closes
    for (let tries = 0; addYears(dob, 18) <= closedOn && tries < 100; tries++) dob = birthDateForAge(lastReferral, c.contactAge.sample(rng), rng);
    if (addYears(dob, 18) <= closedOn) dob = birthDateForAge(lastReferral, 0, rng);
    this.closed.push({
      childId: this.nextId(),
      dateOfBirth: dob,
      sex: sexOf(c, rng),
      ethnicity: ETHNICITY_CODES[c.ethnicity.sample(rng)],
      lastReferral,
      closedOn,
      closureReason: kind === 2 ? 'RC9' : kind === 3 ? 'RC7' : 'RC8',
      referralNfa: kind === 0 ? true : undefined,
    });
  }

  /**
   * The children who left care by return home, SGO or CAO and may come back, and the care
   * leavers. Found while sampling the stock (the periods that had ended in the window), so there
   * are as many, for the stock's size, as the model's own steady state has; detailed last, so
   * that the rest of the opening stock draws the same numbers with or without them.
   */
  leftCare(): void {
    const { c, rng, startDay } = this;
    for (const s of this.leavers) {
      // those the re-entry table would have brought back before the start are not waiting any more
      const elapsed = (startDay - s.exit) / DAYS_PER_MONTH;
      const uasc = s.route === 'uasc';
      if (!uasc && s.reason < REENTRY_REASONS && c.reentry && s.exit < addYears(s.dob, 18) && rng.uniform() < c.reentry[s.reason].cdf(elapsed)) continue;
      const routeIndex = ROUTE_NAMES_ALL.indexOf(s.route);
      const bandAtEntry = ageBandIndex(Math.floor((s.entry - s.dob) / DAYS_PER_YEAR));
      const codes = choosePlacement(ENTRY_TO_GROUP[(uasc ? c.uascPlacement : c.placementAtEntry[bandAtEntry]).sample(rng)], s.entry, rng);
      this.closed.push({
        childId: this.nextId(),
        dateOfBirth: s.dob,
        sex: uasc ? (rng.uniform() < c.uascMale ? 'M' : 'F') : sexOf(c, rng),
        ethnicity: ETHNICITY_CODES[(uasc ? c.uascEthnicity : c.ethnicity).sample(rng)],
        lastReferral: s.entry,
        closedOn: s.exit,
        closureReason: s.reason === 1 ? 'RC4' : s.reason === 2 ? 'RC3' : 'RC7',
        leftCare: { reason: s.exit >= addYears(s.dob, 18) ? 'age18' : LEFT_CARE_REASONS[s.reason], route: s.route, legalStatus: uasc ? 'V2' : LEGAL_CODES[c.legalAtEntry[routeIndex].sample(rng)], placement: PLACE_CODES[codes & 0xff], provider: PROVIDER_CODES[codes >> 8] },
      });
    }
  }
}

/** Routes of children looked after (not UASC), in the order of `claRoutes`. */
const ROUTE_NAMES_CLA = ['cp', 'cin', 'direct'] as const;
const ROUTE_NAMES_ALL = ['cp', 'cin', 'direct', 'uasc'] as const;
