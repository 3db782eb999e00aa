/** The journey's transitions: what happens to a child at each step, and when its next step is due. */
import { addWorkingDays } from '../calendar/index.ts';
import { Categorical, exponential, poisson } from './distributions.ts';
import {
  ASSESS_OUT,
  CIN_OUT,
  type CompiledParameters,
  CONTACT_OUT,
  CP_OUT,
  ENTRY_TO_GROUP,
  EXIT_AGE18,
  FACTOR_CODES,
  PLACE_CHANGE_CODES,
  S47_OUT,
} from './compile.ts';
import { DAYS_PER_MONTH } from './openingStock.ts';
import { ageBandIndex } from './parameterLists.ts';
import { choosePlacement, placeOnDay } from './placementCodes.ts';
import {
  DAYS_PER_YEAR,
  EMERGENCY,
  F_DISABLED,
  F_KNOWN,
  F_NO_EPISODE,
  F_UASC,
  type Factors,
  GROUP_PFA,
  L_C1,
  L_C2,
  L_E1,
  L_V2,
  N1,
  N8,
  NEVER,
  NO_DAY,
  R_CIN,
  R_CP,
  R_DIRECT,
  R_UASC,
  RC,
  REC_CATS,
  REC_OPTIONS,
  S_ASSESS,
  S_CIN,
  S_CLA,
  S_CLOSED,
  S_CONTACT,
  S_CP,
  S_FREE,
  S_ICPC_DUE,
  S_REF_NFA,
  S_S47,
  K_REENTRY,
} from './states.ts';
import { ageYears, monthsToDays, plus1, plus18 } from './dayCache.ts';
import { Emitters } from './emitters.ts';

/** The factors handed to the emitter when events go as numbers (it does not read them). */
const NO_FACTORS: Factors = [];

/** Exit reasons below this (return home, SGO, CAO) can break down into a re-entry to care. */
const REENTRY_REASONS = 3;

export abstract class JourneyTransitions extends Emitters {
  // ------------------------------------------------------------------------------------------
  // the journey

  /** Creates a child new to the service on `day` (age from `ages`), selected as current stream. */
  protected newChild(day: number, ages: Categorical, p: CompiledParameters, uasc: boolean): number {
    const c = this.alloc(undefined);
    const rng = this.rng;
    const age = ages.sample(rng);
    let dob = day - Math.floor((age + rng.uniform()) * DAYS_PER_YEAR);
    let b18 = plus18(dob);
    while (b18 <= day) {
      dob += 1;
      b18 = plus18(dob);
    }
    this.dob[c] = dob;
    this.b18[c] = b18;
    if (uasc) {
      this.sex[c] = rng.uniform() < p.uascMale ? 0 : 1;
      this.eth[c] = p.uascEthnicity.sample(rng);
      this.flags[c] = F_UASC;
    } else {
      this.sex[c] = (ages === p.directAge ? p.directSex : p.sex).sample(rng);
      this.eth[c] = p.ethnicity.sample(rng);
      this.flags[c] = rng.uniform() < p.disability ? F_DISABLED : 0;
    }
    this.eRegistered(c, day);
    return c;
  }

  protected receiveContact(c: number, day: number, p: CompiledParameters): void {
    this.src[c] = p.sources.sample(this.rng);
    this.eContact(c, day);
    this.state[c] = S_CONTACT;
    const k = p.decisionDays.sample(this.rng);
    this.wake(c, k === 0 ? day : addWorkingDays(day, k));
  }

  protected concludeContact(c: number, day: number): void {
    const p = this.pAt(day);
    const known = (this.flags[c] & F_KNOWN) !== 0;
    const table = !known ? p.contactOutcome : this.cpPlans[c] > 0 ? p.recontactOutcomeAfterCp : p.recontactOutcome;
    const outcome = day >= this.b18[c] ? CONTACT_OUT.nfa : table.sample(this.rng);
    this.eContactConcluded(c, day, outcome);
    if (outcome === CONTACT_OUT.referral) {
      this.acceptReferral(c, day);
      if (this.rng.uniform() < p.referralNfa) {
        this.state[c] = S_REF_NFA;
        const wd = Math.max(0, Math.round(p.referralNfaDays.sample(this.rng)));
        this.wake(c, wd === 0 ? day : addWorkingDays(day, wd));
      } else this.startAssessment(c, day, p);
    } else if (known) this.scheduleRecontact(c, day, p);
    else this.awaitReentryOrRelease(c, day);
  }

  protected acceptReferral(c: number, day: number): void {
    const last = this.lastRef[c];
    const isRe = last !== NO_DAY && day <= plus1(last);
    this.lastRef[c] = day;
    this.flags[c] |= F_KNOWN;
    this.eReferral(c, day, isRe);
  }

  protected startAssessment(c: number, day: number, p: CompiledParameters): void {
    this.eSimple(c, day, 'AssessmentStarted');
    this.state[c] = S_ASSESS;
    this.since[c] = day;
    const wd = Math.max(1, Math.round(p.assessmentDays.sample(this.rng)));
    this.wake(c, addWorkingDays(day, wd));
  }

  /** Factor indexes of the assessment being drawn (at most 6). */
  private readonly factorPick = new Int32Array(6);

  /** The factors identified at an assessment (the codes only when events are built as objects). */
  protected drawFactors(p: CompiledParameters, nfa: boolean): Factors {
    const rng = this.rng;
    const n = nfa ? 1 : Math.min(6, 1 + poisson(rng, p.factorsMean - 1));
    const picked = this.factorPick;
    let count = 0;
    for (let tries = 0; count < n && tries < 50; tries++) {
      const f = p.factors.sample(rng);
      let seen = false;
      for (let i = 0; i < count; i++) if (picked[i] === f) seen = true;
      if (!seen) picked[count++] = f;
    }
    if (this.asFields) return NO_FACTORS;
    const out: (typeof FACTOR_CODES)[number][] = [];
    for (let i = 0; i < count; i++) out.push(FACTOR_CODES[picked[i]]);
    return out;
  }

  protected authorise(c: number, day: number): void {
    const p = this.pAt(day);
    const outcome = day >= this.b18[c] ? ASSESS_OUT.nfa : (this.cpPlans[c] > 0 ? p.assessmentOutcomeAfterCp : p.assessmentOutcome).sample(this.rng);
    this.eAuthorised(c, day, this.drawFactors(p, outcome === ASSESS_OUT.nfa), outcome);
    switch (outcome) {
      case ASSESS_OUT.nfa:
        return this.closeCase(c, day, RC.RC8, false);
      case ASSESS_OUT.earlyHelp:
        return this.closeCase(c, day, RC.RC9, false);
      case ASSESS_OUT.cin:
        return this.startCin(c, day, p);
      default:
        return this.startS47(c, day, p);
    }
  }

  protected startS47(c: number, day: number, p: CompiledParameters): void {
    this.eSimple(c, day, 'StrategyDiscussionHeld');
    this.eSimple(c, day, 'Section47Started');
    this.strat[c] = day;
    const outcome = p.s47Outcome.sample(this.rng);
    this.outcome[c] = outcome;
    this.state[c] = S_S47;
    const wd = (outcome === S47_OUT.icpc ? p.icpcDays : p.s47Days).sample(this.rng);
    this.wake(c, addWorkingDays(day, Math.max(1, Math.round(wd))));
  }

  protected concludeS47(c: number, day: number): void {
    const p = this.pAt(day);
    const outcome = day >= this.b18[c] ? S47_OUT.nfa : this.outcome[c];
    this.eS47Concluded(c, day, outcome);
    if (outcome === S47_OUT.icpc) this.holdIcpc(c, day, p);
    else if (outcome === S47_OUT.cin) this.startCin(c, day, p);
    else this.closeCase(c, day, RC.RC8, false);
  }

  protected holdIcpc(c: number, day: number, p: CompiledParameters): void {
    const plan = day < this.b18[c] && this.rng.uniform() < p.icpcPlan;
    this.eIcpc(c, day, plan);
    if (plan) this.startCp(c, day, p);
    else if (this.rng.uniform() < p.icpcNoPlanCin) this.startCin(c, day, p);
    else this.closeCase(c, day, RC.RC7, false);
  }

  protected startCin(c: number, day: number, p: CompiledParameters): void {
    if (day >= this.b18[c]) return this.closeCase(c, day, RC.RC7, false);
    // a re-entry that came due while the case was being assessed or planned: care in place of the plan
    const reentry = this.pendingReentry(c, day);
    if (reentry <= day) return this.enterCare(c, day, R_CIN);
    this.eCinStarted(c, day, p.cinNeed.sample(this.rng));
    this.state[c] = S_CIN;
    this.since[c] = day;
    let outcome = p.cinOutcome.sample(this.rng);
    let end = day + monthsToDays(p.cinMonths.sample(this.rng));
    if (end >= this.b18[c]) {
      end = this.b18[c];
      outcome = CIN_OUT.close;
    }
    this.outcome[c] = outcome;
    this.wake(c, Math.min(end, reentry));
  }

  protected endCin(c: number, day: number): void {
    this.eSimple(c, day, 'CinPlanEnded');
    // a re-entry due while on the plan ends it and starts a new period of care
    if (this.reentryDay[c] <= day) return this.enterCare(c, day, R_CIN);
    const outcome = this.outcome[c];
    if (outcome === CIN_OUT.care) this.enterCare(c, day, R_CIN);
    else if (outcome === CIN_OUT.s47) this.startS47(c, day, this.pAt(day));
    else this.closeCase(c, day, RC.RC7, false);
  }

  protected startCp(c: number, day: number, p: CompiledParameters): void {
    if (day >= this.b18[c]) return this.closeCase(c, day, RC.RC7, false);
    const previous = this.cpPlans[c];
    this.eCpStarted(c, day, p.cpCategory.sample(this.rng), previous);
    if (previous < 255) this.cpPlans[c] = previous + 1;
    this.state[c] = S_CP;
    this.since[c] = day;
    let outcome = p.cpOutcome.sample(this.rng);
    let end = day + monthsToDays(p.cpMonths.sample(this.rng));
    if (end >= this.b18[c]) {
      end = this.b18[c];
      outcome = CP_OUT.close;
    }
    this.outcome[c] = outcome;
    this.wake(c, end);
  }

  protected endCp(c: number, day: number): void {
    this.eSimple(c, day, 'CpPlanEnded');
    const outcome = this.outcome[c];
    if (outcome === CP_OUT.care) this.enterCare(c, day, R_CP);
    else if (outcome === CP_OUT.cin) this.startCin(c, day, this.pAt(day));
    else this.closeCase(c, day, RC.RC7, false);
  }

  protected nextMove(c: number, day: number, p: CompiledParameters): number {
    const rate = p.movesPerYear[ageBandIndex(ageYears(this.dob[c], day))];
    return rate > 0 ? day + Math.max(1, Math.round(exponential(this.rng, DAYS_PER_YEAR / rate))) : NEVER;
  }

  protected enterCare(c: number, day: number, route: number): void {
    if (day >= this.b18[c]) return this.closeCase(c, day, RC.RC7, false);
    const p = this.pAt(day);
    const rng = this.rng;
    const band = ageBandIndex(ageYears(this.dob[c], day));
    const legal = p.legalAtEntry[route].sample(rng);
    const group = ENTRY_TO_GROUP[(route === R_UASC ? p.uascPlacement : p.placementAtEntry[band]).sample(rng)];
    const codes = choosePlacement(group, day, rng);
    const need = route === R_CP ? N1 : route === R_UASC ? N8 : p.careNeed.sample(rng);
    this.reentryDay[c] = NEVER;
    this.route[c] = route;
    this.legal[c] = legal;
    this.group[c] = group;
    this.place[c] = codes & 0xff;
    this.prov[c] = codes >> 8;
    this.ePocStarted(c, day, need);
    this.state[c] = S_CLA;
    this.since[c] = day;
    let reason = (route === R_UASC ? p.uascExit : p.exitReason[band]).sample(rng);
    let exit: number;
    if (reason === EXIT_AGE18) exit = this.b18[c];
    else {
      exit = day + monthsToDays(p.careMonths[band].sample(rng) * p.reasonFactor[reason] * p.routeFactor[route]);
      if (exit >= this.b18[c]) {
        exit = this.b18[c];
        reason = EXIT_AGE18;
      }
    }
    this.exitDay[c] = exit;
    this.exitReason[c] = reason;
    this.adoptDay[c] = NEVER;
    if (reason === 3) {
      const a = exit - monthsToDays(p.adoptionLeadMonths.sample(rng));
      if (a > day) this.adoptDay[c] = a;
    }
    this.legalDay[c] = EMERGENCY[legal] ? day + 3 : legal === L_C1 ? day + monthsToDays(p.interimMonths.sample(rng)) : NEVER;
    this.moveDay[c] = this.nextMove(c, day, p);
    this.scheduleCare(c);
  }

  protected scheduleCare(c: number): void {
    let next = this.exitDay[c];
    if (this.adoptDay[c] < next) next = this.adoptDay[c];
    if (this.legalDay[c] < next) next = this.legalDay[c];
    if (this.moveDay[c] < next) next = this.moveDay[c];
    this.wake(c, next);
  }

  protected careWake(c: number, day: number): void {
    if (day >= this.exitDay[c]) return this.leaveCare(c, day);
    const p = this.pAt(day);
    const rng = this.rng;
    if (this.adoptDay[c] === day) {
      const codes = choosePlacement(GROUP_PFA, day, rng);
      this.group[c] = GROUP_PFA;
      this.place[c] = codes & 0xff;
      this.prov[c] = codes >> 8;
      this.legal[c] = L_E1;
      this.eEpisode(c, day, 'T', PLACE_CHANGE_CODES.indexOf('CARPL'));
      this.adoptDay[c] = NEVER;
      this.moveDay[c] = NEVER;
      this.legalDay[c] = NEVER;
    } else if (this.legalDay[c] === day) {
      if (EMERGENCY[this.legal[c]]) {
        const toC1 = rng.uniform() < p.afterEmergencyC1;
        this.legal[c] = toC1 ? L_C1 : L_V2;
        this.legalDay[c] = toC1 ? day + monthsToDays(p.interimMonths.sample(rng)) : NEVER;
      } else {
        this.legal[c] = L_C2;
        this.legalDay[c] = NEVER;
      }
      this.place[c] = placeOnDay(this.place[c], day);
      this.eEpisode(c, day, 'L', 0);
    } else if (this.moveDay[c] === day) {
      const band = ageBandIndex(ageYears(this.dob[c], day));
      const group = ENTRY_TO_GROUP[p.placementOnMove[band].sample(rng)];
      const codes = choosePlacement(group, day, rng);
      this.group[c] = group;
      this.place[c] = codes & 0xff;
      this.prov[c] = codes >> 8;
      this.eEpisode(c, day, 'P', p.changeReason.sample(rng));
      this.moveDay[c] = this.nextMove(c, day, p);
    }
    this.scheduleCare(c);
  }

  protected leaveCare(c: number, day: number): void {
    const rng = this.rng;
    const reason = day >= this.b18[c] ? EXIT_AGE18 : this.exitReason[c];
    const opts = REC_OPTIONS[reason];
    const [rec, , closure] = opts[REC_CATS[reason].sample(rng)];
    this.ePocEnded(c, day, rec);
    if (reason < REENTRY_REASONS) this.armReentry(c, day, day, reason, this.pAt(day));
    // a child with no open episode of need (imported from a care return alone) is not given a plan
    if (reason === 0 && rng.uniform() < this.pAt(day).returnHomeCin && !(this.flags[c] & F_NO_EPISODE)) return this.startCin(c, day, this.pAt(day));
    this.closeCase(c, day, closure, false);
  }

  protected closeCase(c: number, day: number, reason: number, referralNfa: boolean): void {
    if (this.flags[c] & F_NO_EPISODE) this.flags[c] &= ~F_NO_EPISODE;
    else this.eClosed(c, day, reason, referralNfa);
    if (reason >= RC.RC7 && (this.flags[c] & F_KNOWN) !== 0 && day < this.b18[c]) this.scheduleRecontact(c, day, this.pAt(day));
    else this.awaitReentryOrRelease(c, day);
  }

  protected scheduleRecontact(c: number, day: number, p: CompiledParameters, elapsedMonths = 0): void {
    const table = this.cpPlans[c] > 0 ? p.recontactAfterCp : p.recontact;
    const t = elapsedMonths > 0 ? table.sampleAbove(this.rng, elapsedMonths) : table.sample(this.rng);
    if (!Number.isFinite(t)) return this.awaitReentryOrRelease(c, day);
    const from = day - Math.round(elapsedMonths * DAYS_PER_MONTH);
    let at = from + monthsToDays(t);
    if (at <= day) at = day + 1;
    at = Math.min(this.workingOnOrAfter(Math.max(at, this.startDay)), this.pendingReentry(c, day));
    if (at >= this.b18[c]) return this.release(c);
    this.state[c] = S_CLOSED;
    this.wake(c, at);
  }

  /** A closed child: contacted again, or back into care when its re-entry is due that day. */
  protected recontact(c: number, day: number): void {
    if (this.reentryDay[c] <= day) return this.reenterFromClosed(c, day);
    this.receiveContact(c, day, this.pAt(day));
  }

  // ------------------------------------------------------------------------------------------
  // re-entry to care after a return home, an SGO or a CAO

  /**
   * Draws when a child who left care on `left` by exit reason `reason` (return home, SGO, CAO)
   * comes back into care, given that it has not by `now` (the opening history's children are
   * armed at the start): NEVER when it does not, or not before its 18th birthday.
   */
  protected armReentry(c: number, left: number, now: number, reason: number, p: CompiledParameters): void {
    this.reentryDay[c] = NEVER;
    const tables = p.reentry;
    if (tables === undefined) return;
    const elapsed = (now - left) / DAYS_PER_MONTH;
    const t = elapsed > 0 ? tables[reason].sampleAbove(this.rng, elapsed) : tables[reason].sample(this.rng);
    if (!Number.isFinite(t)) return;
    const at = Math.max(now + 1, left + monthsToDays(t));
    if (at >= this.b18[c]) return;
    this.reentryDay[c] = at;
    this.schedule(at, c, K_REENTRY);
  }

  /**
   * A re-entry comes due. A closed child or one on a CIN plan is woken for it that day anyway
   * (their wakes are no later than the re-entry day). A contact, a referral waiting to be closed,
   * an idle case or a CP plan is ended that day and the child starts a new period of care (a
   * contact becomes a referral). An assessment, an enquiry or an awaited ICPC (a few weeks) runs
   * to its end first, so that their timings are not cut short: the child then comes into care in
   * place of a CIN plan or a closure (see `pendingReentry`).
   */
  protected reenterNow(c: number, day: number): void {
    const state = this.state[c];
    if (state === S_CLOSED || state === S_CIN || state === S_CLA || state === S_FREE || state === S_ASSESS || state === S_S47 || state === S_ICPC_DUE) return;
    this.dropWake(c);
    let route = R_DIRECT;
    switch (state) {
      case S_CONTACT:
        this.eContactConcluded(c, day, CONTACT_OUT.referral);
        this.acceptReferral(c, day);
        break;
      case S_CP:
        this.eSimple(c, day, 'CpPlanEnded');
        route = R_CP;
        break;
    }
    this.enterCare(c, day, route);
  }

  /**
   * When the child's re-entry is due: its day, or `day` itself when it came due while the case
   * was open (an assessment, an enquiry or an awaited ICPC: the child comes into care as soon as
   * that closes or turns into a CIN plan); NEVER when none is due before the 18th birthday.
   */
  protected pendingReentry(c: number, day: number): number {
    const r = this.reentryDay[c];
    if (r === NEVER) return NEVER;
    if (day >= this.b18[c]) {
      this.reentryDay[c] = NEVER;
      return NEVER;
    }
    return r > day ? r : day;
  }

  /** A closed child waits for its re-entry when one is due, else leaves the model. */
  protected awaitReentryOrRelease(c: number, day: number): void {
    const r = this.pendingReentry(c, day);
    if (r === NEVER) return this.release(c);
    this.state[c] = S_CLOSED;
    this.wake(c, r);
  }

  /** A closed child comes back into care: a contact and referral that day when the front door is simulated. */
  protected reenterFromClosed(c: number, day: number): void {
    const p = this.pAt(day);
    this.src[c] = p.sources.sample(this.rng);
    if (p.frontDoor) {
      this.eContact(c, day);
      this.eContactConcluded(c, day, CONTACT_OUT.referral);
      this.acceptReferral(c, day);
    } else this.flags[c] |= F_NO_EPISODE;
    this.enterCare(c, day, R_DIRECT);
  }
}
