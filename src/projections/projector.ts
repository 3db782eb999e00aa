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
 * `projector.sink`; see src/events/fields.ts); both go through the same fold.
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
import { LEAVING_CARE_GROUPS } from '../events/codes/index.ts';
import type { CaseEvent } from '../events/index.ts';
import { addYearsFast, fastDayNumber, monthIndexOfDay, monthIndexOfIso } from '../calendar/index.ts';
import type { KpiRun } from './types.ts';
import {
  FIELD_SINK,
  type FieldSink,
  leaverStatusBits,
  leavingGroupIndex,
  OUT_EARLY_HELP,
  OUT_NFA,
  OUT_REFERRAL,
  placementGroupIndex,
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
  T_LEAVER_STATUS,
  T_REFERRAL_ACCEPTED,
  T_S47_CONCLUDED,
  T_S47_STARTED,
  T_STRATEGY_DISCUSSION,
} from '../events/fields.ts';
import { type ChildRegister, F_ASSESSMENT, F_CASE_OPEN, F_CIN_PLAN, F_CLA, F_CP, F_S47, F_UASC_IN_CARE, NEVER, OPEN, PLACEMENT_STARTS_NEW } from './childStates.ts';
import { age18DayOf, type MonthSnapshot, type ProjectorDiagnostics, type ProjectorOptions, ProjectorState, RATIO_KPI_IDS, workingDays } from './projectorState.ts';

export { RATIO_KPI_IDS, fastDayNumber };
export type { MonthSnapshot, ProjectorDiagnostics, ProjectorOptions };

/** Leaving-care group index of staying put (REC E17). */
const STAYING_PUT = LEAVING_CARE_GROUPS.indexOf('staying_put');

/** Flag in an event's second number: a start or end of a period of care made by an import repair. */
const REPAIRED = 2;

export class KpiProjector extends ProjectorState {
  /** Folds one event. Events must come in non-decreasing date order. */
  apply(e: CaseEvent): void {
    this.applyEvent(e, -1);
  }

  /**
   * This projector as an event sink (`(e) => projector.apply(e)`). Given to `runSimulation` it
   * also lets the engine hand events over as numbers (see src/events/fields.ts) without
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
        b = (e.route === 'uasc' ? 1 : 0) | (e.repair !== undefined ? REPAIRED : 0);
        break;
      case 'EpisodeChanged':
        type = T_EPISODE_CHANGED;
        a = placementGroupIndex(e.placement, e.provider);
        b = PLACEMENT_STARTS_NEW.has(e.rne) ? 1 : 0;
        break;
      case 'PeriodOfCareEnded':
        type = T_CARE_ENDED;
        a = leavingGroupIndex(e.rec);
        b = e.repair !== undefined ? REPAIRED : 0;
        break;
      case 'CaseClosed':
        type = T_CASE_CLOSED;
        a = e.referralNfa === true ? 1 : 0;
        break;
      case 'CareLeaverStatusRecorded':
        type = T_LEAVER_STATUS;
        a = leaverStatusBits(e.inTouch, e.activity, e.accommodation);
        break;
      default:
        // a type outside the catalogue (unvalidated input): it names a child and changes nothing
        type = -1;
    }
    if (child < 0) this.fold(type, this.register, this.ids.get(e.childId), day, mi, a, b, e);
    else this.fold(type, this.numberedRegister, child, day, mi, a, b, e);
  }

  /** Folds one event given as numbers by the engine (see src/events/fields.ts). */
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
    this.fold(type, this.numberedRegister, child, day, mi, a, b, undefined);
  }

  /**
   * The per-child part of an event: `type` (index in EVENT_TYPES), the child as number `k` of
   * register `reg` (`register` for children told apart by id, `numberedRegister` for the
   * engine's numbered children), day, month index `mi`, the fields `a` and `b` (see
   * src/events/fields.ts), and the event itself when there is one (for error messages).
   */
  protected fold(type: number, reg: ChildRegister, k: number, day: number, mi: number, a: number, b: number, e: CaseEvent | undefined): void {
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
        st.referralClock[c] = day;
        st.referralMonth[c] = mi;
        this.refresh(c, f | F_CASE_OPEN);
        return;
      }
      case T_ASSESSMENT_STARTED: {
        // the first assessment after a referral runs on the referral's clock
        const referred = st.referralClock[c];
        st.assessmentStart[c] = referred !== NEVER ? referred : day;
        st.referralClock[c] = NEVER;
        this.refresh(c, f | F_ASSESSMENT);
        return;
      }
      case T_ASSESSMENT_AUTHORISED: {
        this.assessments++;
        if (a === OUT_NFA) this.assessmentNfa++;
        else if (a === OUT_EARLY_HELP) this.earlyHelp++;
        let started = st.assessmentStart[c];
        if (started === NEVER) started = st.referralClock[c];
        st.referralClock[c] = NEVER;
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
        st.s47Strategy[c] = st.strategyDay[c] === NEVER ? OPEN : st.strategyDay[c];
        this.refresh(c, f | F_S47);
        return;
      case T_S47_CONCLUDED:
        this.refresh(c, f & ~F_S47);
        return;
      case T_ICPC_HELD: {
        this.icpc++;
        // timed from the discussion that started the S47 leading to it (with no S47 in the case, the latest discussion)
        const s47 = st.s47Strategy[c];
        const strategy = s47 === NEVER ? st.strategyDay[c] : s47;
        if (strategy !== NEVER && strategy !== OPEN) {
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
        if (st.cpLastEnd[c] !== NEVER && day <= addYearsFast(st.cpLastEnd[c], 2)) this.cpRepeat2y++;
        st.cpPlans[c]++;
        st.cpTwoYears[c] = addYearsFast(day, 2);
        this.cpOpen2y.add(monthIndexOfDay(st.cpTwoYears[c]), 1, this.cur);
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
        this.cpOpen2y.add(Math.max(monthIndexOfDay(day), monthIndexOfDay(st.cpTwoYears[c])), -1, this.cur);
        st.cpLastEnd[c] = day;
        this.cpOpen--;
        this.refresh(c, f & ~F_CP);
        return;
      case T_CARE_STARTED: {
        if (f & F_CLA) {
          this.diag.careStartWhileInCare++;
          return;
        }
        // a start an import repair made (no return records it) is not an entry to care
        if (!(b & REPAIRED)) {
          this.claStarts++;
          const left = st.careLastEnd[c];
          if (left !== NEVER) {
            this.claReentries++;
            // left care in the previous 12 months: on or before the same date a year on
            if (day <= addYearsFast(left, 1)) this.claReentries12m++;
          }
        }
        this.claOpen++;
        if (this.inCareCount === this.inCare.length) {
          const bigger = new Int32Array(this.inCare.length * 2);
          bigger.set(this.inCare);
          this.inCare = bigger;
        }
        const p = st.careOf(c);
        st.periodStart[p] = day;
        // a care leaver looked after again is not a care leaver while in care
        if (st.leaverTo[c] > day) this.endCareLeaver(c, day);
        st.claSlot[p] = this.inCareCount;
        this.inCare[this.inCareCount++] = p;
        const uasc = reg.uasc[k] === 1 || (b & 1) === 1;
        if (uasc) {
          this.uascOpen++;
          this.uascBook.enter(day);
        }
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
        // an end an import repair made (the period cut where a return left the child out) is not
        // a child leaving care, nor the start of a time out of care that a re-entry ends
        const repaired = (b & REPAIRED) !== 0;
        if (!repaired) {
          this.claEnds++;
          this.endsByGroup[a]++;
          if (day >= reg.age18Day[k]) this.endsAge18++;
        }
        const p = st.care[c];
        this.leaveGroup(p, day);
        st.p1e[p] = day;
        if (!repaired) st.careLastEnd[c] = day;
        this.careEnded(c, reg.age18Day[k], st.periodStart[p], day, !repaired, a === STAYING_PUT, (f & F_UASC_IN_CARE) !== 0);
        this.claOpen--;
        if (f & F_UASC_IN_CARE) {
          this.uascOpen--;
          this.uascBook.leave(day);
        }
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
      case T_LEAVER_STATUS:
        this.leavers.status(c, a);
        return;
      case T_CASE_CLOSED: {
        const from = st.referralMonth[c];
        if (!(f & F_CASE_OPEN)) this.diag.caseClosedNotOpen++;
        else if (a === 1 && from >= this.start) this.numerators.referral_nfa_pct[from - this.start]++;
        st.referralMonth[c] = -1;
        st.referralClock[c] = NEVER;
        st.assessmentStart[c] = NEVER;
        st.strategyDay[c] = NEVER;
        st.s47Strategy[c] = NEVER;
        this.refresh(c, f & ~(F_CASE_OPEN | F_ASSESSMENT | F_S47 | F_CIN_PLAN));
        return;
      }
    }
  }

  applyBatch(events: readonly CaseEvent[]): void {
    for (let i = 0; i < events.length; i++) this.apply(events[i]);
  }
}

/** Projects a whole event sequence (in non-decreasing date order). */
export function project(events: Iterable<CaseEvent>, opts: ProjectorOptions): KpiRun {
  const p = new KpiProjector(opts);
  if (Array.isArray(events)) p.applyBatch(events);
  else for (const e of events) p.apply(e);
  return p.finish();
}
