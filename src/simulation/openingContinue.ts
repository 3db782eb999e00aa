/**
 * The opening children's journeys continued from the state their back-dated history implies:
 * whatever is open at the start (a period of care, a plan, an enquiry …) runs on from the time
 * already spent in it.
 */
import { addWorkingDays, workingDaysBetween } from '../calendar/index.ts';
import { Categorical } from './distributions.ts';
import { ASSESS_OUT, CONTACT_OUT, type CompiledParameters, EXIT_AGE18, S47_OUT } from './compile.ts';
import { DAYS_PER_MONTH } from './openingStock.ts';
import { ageBandIndex } from './parameterLists.ts';
import {
  EMERGENCY,
  F_KNOWN,
  F_NO_EPISODE,
  GROUP_PFA,
  L_C1,
  NEVER,
  NO_DAY,
  R_UASC,
  RC,
  S_ASSESS,
  S_CIN,
  S_CLA,
  S_CONTACT,
  S_CP,
  S_ICPC_DUE,
  S_OPEN_IDLE,
  S_S47,
} from './states.ts';
import { ageYears, monthsToDays } from './dayCache.ts';
import {
  H_ASSESS,
  H_AWAIT_CP,
  H_AWAIT_ICPC,
  H_CARE,
  H_CIN,
  H_CLOSED,
  H_CONTACT,
  H_CP,
  H_EPISODE,
  H_S47,
} from './historyTrack.ts';
import { CareLeaverStatus } from './careLeavers.ts';

export abstract class OpeningContinuation extends CareLeaverStatus {
  /**
   * Continues every opening child's journey from the state its history implies (one call a
   * child: the loop stays small when V8 optimises it in the middle of a run).
   */
  protected continueOpening(slots: readonly number[]): void {
    const now = this.startDay;
    const p = this.compiled[0];
    for (const c of slots) this.continueChild(c, now, p);
  }

  /** Continues opening child `c` on the first day `now` (month-0 parameters `p`). */
  protected continueChild(c: number, now: number, p: CompiledParameters): void {
    const t = this.track;
    this.rng.select(c);
    const f = t.flags[c];
    const rng = this.rng;
    if (now >= this.b18[c]) {
      // aged 18 or over at the start: everything open ends on the first day
      if (f & H_CARE) {
        if (!(f & H_EPISODE)) this.flags[c] |= F_NO_EPISODE;
        this.exitReason[c] = EXIT_AGE18;
        this.exitDay[c] = now;
        this.leaveCare(c, now);
        return;
      }
      if (f & H_CP) this.eSimple(c, now, 'CpPlanEnded');
      if (f & H_CIN) this.eSimple(c, now, 'CinPlanEnded');
      if (f & H_EPISODE && !(f & H_CLOSED)) this.eClosed(c, now, RC.RC7, false);
      this.release(c);
      return;
    }
    // subordinate open items are ended on the first day when a stronger state is open
    const strong = f & (H_CARE | H_CP | H_AWAIT_CP | H_AWAIT_ICPC | H_S47 | H_CIN);
    if (f & H_CONTACT && f & (H_EPISODE | H_CARE)) this.eContactConcluded(c, now, CONTACT_OUT.nfa);
    if (f & H_ASSESS && strong) this.eAuthorised(c, now, [], ASSESS_OUT.cin);
    if (f & H_S47 && f & (H_CARE | H_CP)) this.eS47Concluded(c, now, S47_OUT.cin);
    if (f & H_CIN && f & (H_CARE | H_CP)) this.eSimple(c, now, 'CinPlanEnded');
    if (f & H_CP && f & H_CARE) this.eSimple(c, now, 'CpPlanEnded');

    if (f & H_CARE && !(f & H_EPISODE)) this.flags[c] |= F_NO_EPISODE;
    // a child who left care by return home, SGO or CAO before the start may still come back
    if (!(f & H_CARE) && t.careLeft[c] !== NO_DAY) this.armReentry(c, t.careLeft[c], now, t.careLeftReason[c], p);
    if (f & H_CARE) this.continueCare(c, t.careSince[c]);
    else if (f & H_CP) this.continuePlan(c, t.cpSince[c], S_CP);
    else if (f & H_AWAIT_CP) this.startCp(c, now, p);
    else if (f & H_AWAIT_ICPC) {
      const e = Math.max(0, workingDaysBetween(t.strategy[c], now - 1));
      const wd = Math.max(e + 1, Math.round(p.icpcDays.sampleAbove(rng, e)));
      this.state[c] = S_ICPC_DUE;
      this.wake(c, Math.max(now, addWorkingDays(t.strategy[c], wd)));
    } else if (f & H_S47) this.continueS47(c, t.strategy[c] === NO_DAY ? now : t.strategy[c]);
    else if (f & H_CIN) this.continuePlan(c, t.cinSince[c], S_CIN);
    else if (f & H_ASSESS) this.continueAssessment(c, t.assessSince[c]);
    else if (f & H_EPISODE && !(f & H_CLOSED)) {
      if (t.assessSince[c] < t.episodeSince[c]) this.startAssessment(c, now, p);
      else {
        // open after an assessment or plan, with nothing active: closes after a CIN-like spell
        const a = (now - t.lastActivity[c]) / DAYS_PER_MONTH;
        const end = t.lastActivity[c] + monthsToDays(p.cinMonths.sampleAbove(rng, a));
        this.state[c] = S_OPEN_IDLE;
        this.wake(c, Math.min(this.b18[c], Math.max(now, end)));
      }
    } else if (f & H_CONTACT) {
      this.state[c] = S_CONTACT;
      this.wake(c, this.workingOnOrAfter(now));
    } else if (f & H_CLOSED && t.closeReason[c] >= RC.RC7 && this.flags[c] & F_KNOWN) {
      const elapsed = (now - t.closedOn[c]) / DAYS_PER_MONTH;
      this.scheduleRecontact(c, now, p, elapsed);
    } else this.awaitReentryOrRelease(c, now);
  }

  protected continueCare(c: number, since: number): void {
    const p = this.compiled[0];
    const now = this.startDay;
    const rng = this.rng;
    const a = Math.max(0, (now - since) / DAYS_PER_MONTH);
    const band = ageBandIndex(Math.max(0, ageYears(this.dob[c], since)));
    const route = this.route[c];
    let reason: number;
    if (this.group[c] === GROUP_PFA) reason = 3;
    else {
      const probs = route === R_UASC ? p.uascExitProbs : p.exitReasonProbs[band];
      const w = new Float64Array(6);
      for (let r = 0; r < 5; r++) w[r] = probs[r] * p.careMonths[band].survival(a / (p.reasonFactor[r] * p.routeFactor[route]));
      w[EXIT_AGE18] = probs[EXIT_AGE18];
      reason = w.some((x) => x > 0) ? new Categorical(w).sample(rng) : EXIT_AGE18;
    }
    let exit: number;
    if (reason === EXIT_AGE18) exit = this.b18[c];
    else {
      const f = p.reasonFactor[reason] * p.routeFactor[route];
      exit = Math.max(now, since + monthsToDays(f * p.careMonths[band].sampleAbove(rng, a / f)));
      if (exit >= this.b18[c]) {
        exit = this.b18[c];
        reason = EXIT_AGE18;
      }
    }
    this.state[c] = S_CLA;
    this.since[c] = since;
    this.exitDay[c] = exit;
    this.exitReason[c] = reason;
    this.adoptDay[c] = NEVER;
    if (reason === 3 && this.group[c] !== GROUP_PFA) {
      let ad = exit - monthsToDays(p.adoptionLeadMonths.sample(rng));
      if (ad < now) ad = now + Math.floor(rng.uniform() * Math.max(1, exit - now));
      if (ad < exit) this.adoptDay[c] = ad;
    }
    const legal = this.legal[c];
    if (EMERGENCY[legal]) this.legalDay[c] = Math.max(now, since + 3);
    else if (legal === L_C1) this.legalDay[c] = Math.max(now, since + monthsToDays(p.interimMonths.sampleAbove(rng, a)));
    else this.legalDay[c] = NEVER;
    this.moveDay[c] = this.group[c] === GROUP_PFA ? NEVER : this.nextMove(c, now, p);
    this.scheduleCare(c);
  }

  protected continuePlan(c: number, since: number, state: typeof S_CP | typeof S_CIN): void {
    const p = this.compiled[0];
    const now = this.startDay;
    const a = Math.max(0, (now - since) / DAYS_PER_MONTH);
    const dist = state === S_CP ? p.cpMonths : p.cinMonths;
    let outcome = (state === S_CP ? p.cpOutcome : p.cinOutcome).sample(this.rng);
    let end = Math.max(now, since + monthsToDays(dist.sampleAbove(this.rng, a)));
    if (end >= this.b18[c]) {
      end = this.b18[c];
      outcome = 0;
    }
    this.state[c] = state;
    this.since[c] = since;
    this.outcome[c] = outcome;
    this.wake(c, state === S_CIN ? Math.min(end, this.pendingReentry(c, now)) : end);
  }

  protected continueAssessment(c: number, since: number): void {
    const p = this.compiled[0];
    const now = this.startDay;
    const e = Math.max(0, workingDaysBetween(since, now - 1));
    const wd = Math.max(e + 1, Math.round(p.assessmentDays.sampleAbove(this.rng, e)));
    this.state[c] = S_ASSESS;
    this.since[c] = since;
    this.wake(c, Math.max(now, addWorkingDays(since, wd)));
  }

  protected continueS47(c: number, strategy: number): void {
    const p = this.compiled[0];
    const now = this.startDay;
    const rng = this.rng;
    const e = Math.max(0, workingDaysBetween(strategy, now - 1));
    const pr = p.s47Outcome.probabilities;
    const w = [pr[S47_OUT.nfa] * p.s47Days.survival(e), pr[S47_OUT.cin] * p.s47Days.survival(e), pr[S47_OUT.icpc] * p.icpcDays.survival(e)];
    const outcome = w.some((x) => x > 0) ? new Categorical(w).sample(rng) : S47_OUT.nfa;
    const dist = outcome === S47_OUT.icpc ? p.icpcDays : p.s47Days;
    const wd = Math.max(e + 1, Math.round(dist.sampleAbove(rng, e)));
    this.strat[c] = strategy;
    this.outcome[c] = outcome;
    this.state[c] = S_S47;
    this.wake(c, Math.max(now, addWorkingDays(strategy, wd)));
  }
}
