/**
 * A small streaming tally of a simulation's events by month: counts of every event type, the
 * front-door flows the calibration looks at, and month-end stocks. It is a sanity summary of the
 * engine's output (for `simulate --out` and the calibration tests), not the KPI projection.
 */
import { monthIndexOfIso, parseMonth, monthKey } from '../calendar/index.ts';
import { EVENT_TYPES } from '../events/eventTypes.ts';
import { placementGroup } from '../events/codes/index.ts';
import type { CaseEvent, EventType } from '../events/index.ts';

/** Month-end stocks the tally keeps (children). */
export const TALLY_STOCKS = ['cla', 'uasc', 'cp', 'cinPlan', 'assessment', 's47', 'ifa', 'placedForAdoption'] as const;
export type TallyStock = (typeof TALLY_STOCKS)[number];

/** Monthly flows beyond plain event-type counts. */
export const TALLY_FLOWS = ['contacts', 'referrals', 'rereferrals', 'earlyHelp', 'claStarts', 'claEnds', 'cpStarts', 'cpEnds', 'assessments', 'assessments45', 's47', 'icpc', 'icpc15'] as const;
export type TallyFlow = (typeof TALLY_FLOWS)[number];

const B_CARE = 1;
const B_UASC = 2;
const B_CP = 4;
const B_CIN = 8;
const B_ASSESS = 16;
const B_S47 = 32;
const B_IFA = 64;
const B_PFA = 128;
const B_UASC_CHILD = 256;

export interface TallyResult {
  readonly startMonth: string;
  readonly months: number;
  /** Event-type counts by month offset. */
  readonly types: Record<EventType, Int32Array>;
  readonly flows: Record<TallyFlow, Int32Array>;
  /** Month-end stocks by month offset. */
  readonly stocks: Record<TallyStock, Int32Array>;
  /** Stocks at the end of the month before the start (after the opening history). */
  readonly opening: Record<TallyStock, number>;
}

/**
 * Consumes events in date order (history included). `workingDaysBetween` is passed in so the
 * tally stays independent of the calendar's range checks.
 */
export class MonthlyTally {
  readonly startIndex: number;
  private readonly child = new Map<string, number>();
  private readonly assessStart = new Map<string, number>();
  private readonly strategy = new Map<string, number>();
  /** Referrals not yet followed by an assessment: the clock of the next assessment (as the KPIs time it). */
  private readonly referred = new Map<string, number>();
  /** The strategy discussion that started each child's latest S47 enquiry (ICPCs are timed from it). */
  private readonly s47Strategy = new Map<string, number | undefined>();
  private readonly counts = { cla: 0, uasc: 0, cp: 0, cinPlan: 0, assessment: 0, s47: 0, ifa: 0, placedForAdoption: 0 };
  private current = -1;
  private openingTaken = false;
  readonly result: TallyResult;

  constructor(
    startMonth: string,
    readonly months: number,
    private readonly workingDays: (from: number, to: number) => number,
    private readonly dayOf: (iso: string) => number,
  ) {
    this.startIndex = parseMonth(startMonth);
    const arr = () => new Int32Array(months);
    this.result = {
      startMonth,
      months,
      types: Object.fromEntries(EVENT_TYPES.map((t) => [t, arr()])) as Record<EventType, Int32Array>,
      flows: Object.fromEntries(TALLY_FLOWS.map((f) => [f, arr()])) as Record<TallyFlow, Int32Array>,
      stocks: Object.fromEntries(TALLY_STOCKS.map((s) => [s, arr()])) as Record<TallyStock, Int32Array>,
      opening: { cla: 0, uasc: 0, cp: 0, cinPlan: 0, assessment: 0, s47: 0, ifa: 0, placedForAdoption: 0 },
    };
  }

  private snapshot(upTo: number): void {
    if (!this.openingTaken && upTo >= 0) {
      Object.assign(this.result.opening, this.counts);
      this.openingTaken = true;
    }
    for (let m = Math.max(this.current, 0); m < upTo && m < this.months; m++) {
      for (const s of TALLY_STOCKS) this.result.stocks[s][m] = this.counts[s];
    }
    if (upTo > this.current) this.current = upTo;
  }

  private set(id: string, bits: number, on: boolean): void {
    const f = this.child.get(id) ?? 0;
    const g = on ? f | bits : f & ~bits;
    if (g === 0) this.child.delete(id);
    else this.child.set(id, g);
  }

  private has(id: string, bit: number): boolean {
    return ((this.child.get(id) ?? 0) & bit) !== 0;
  }

  private placement(id: string, place: string, provider: string): void {
    const g = placementGroup(place, provider);
    const wasIfa = this.has(id, B_IFA);
    const wasPfa = this.has(id, B_PFA);
    const isIfa = g === 'ifa';
    const isPfa = g === 'placed_for_adoption';
    if (wasIfa !== isIfa) this.counts.ifa += isIfa ? 1 : -1;
    if (wasPfa !== isPfa) this.counts.placedForAdoption += isPfa ? 1 : -1;
    this.set(id, B_IFA, isIfa);
    this.set(id, B_PFA, isPfa);
  }

  /** The sink: add one event. */
  add(e: CaseEvent): void {
    const m = monthIndexOfIso(e.date) - this.startIndex;
    if (m > this.current) this.snapshot(m);
    const inRange = m >= 0 && m < this.months;
    if (inRange) this.result.types[e.type][m]++;
    const flows = this.result.flows;
    const id = e.childId;
    const c = this.counts;
    switch (e.type) {
      case 'ChildRegistered':
        if (e.uasc) this.set(id, B_UASC_CHILD, true);
        break;
      case 'ContactReceived':
        if (inRange) flows.contacts[m]++;
        break;
      case 'ContactConcluded':
        if (inRange && e.outcome === 'early_help') flows.earlyHelp[m]++;
        break;
      case 'ReferralAccepted':
        this.referred.set(id, this.dayOf(e.date));
        if (inRange) {
          flows.referrals[m]++;
          if (e.isRereferral) flows.rereferrals[m]++;
        }
        break;
      case 'AssessmentStarted':
        this.assessStart.set(id, this.referred.get(id) ?? this.dayOf(e.date));
        this.referred.delete(id);
        if (!this.has(id, B_ASSESS)) c.assessment++;
        this.set(id, B_ASSESS, true);
        break;
      case 'AssessmentAuthorised': {
        if (this.has(id, B_ASSESS)) c.assessment--;
        this.set(id, B_ASSESS, false);
        const start = this.assessStart.get(id) ?? this.referred.get(id);
        this.assessStart.delete(id);
        this.referred.delete(id);
        if (inRange) {
          flows.assessments[m]++;
          if (e.outcome === 'early_help') flows.earlyHelp[m]++;
          if (start !== undefined && this.workingDays(start, this.dayOf(e.date)) <= 45) flows.assessments45[m]++;
        }
        break;
      }
      case 'StrategyDiscussionHeld':
        this.strategy.set(id, this.dayOf(e.date));
        break;
      case 'Section47Started':
        this.s47Strategy.set(id, this.strategy.get(id));
        if (!this.has(id, B_S47)) c.s47++;
        this.set(id, B_S47, true);
        if (inRange) flows.s47[m]++;
        break;
      case 'Section47Concluded':
        if (this.has(id, B_S47)) c.s47--;
        this.set(id, B_S47, false);
        break;
      case 'IcpcHeld': {
        if (inRange) {
          flows.icpc[m]++;
          const s = this.s47Strategy.has(id) ? this.s47Strategy.get(id) : this.strategy.get(id);
          if (s !== undefined && this.workingDays(s, this.dayOf(e.date)) <= 15) flows.icpc15[m]++;
        }
        break;
      }
      case 'CinPlanStarted':
        if (!this.has(id, B_CIN)) c.cinPlan++;
        this.set(id, B_CIN, true);
        break;
      case 'CinPlanEnded':
        if (this.has(id, B_CIN)) c.cinPlan--;
        this.set(id, B_CIN, false);
        break;
      case 'CpPlanStarted':
        if (!this.has(id, B_CP)) c.cp++;
        this.set(id, B_CP, true);
        if (inRange) flows.cpStarts[m]++;
        break;
      case 'CpPlanEnded':
        if (this.has(id, B_CP)) c.cp--;
        this.set(id, B_CP, false);
        if (inRange) flows.cpEnds[m]++;
        break;
      case 'PeriodOfCareStarted':
        if (!this.has(id, B_CARE)) {
          c.cla++;
          if (this.has(id, B_UASC_CHILD)) {
            c.uasc++;
            this.set(id, B_UASC, true);
          }
        }
        this.set(id, B_CARE, true);
        this.placement(id, e.placement, e.provider);
        if (inRange) flows.claStarts[m]++;
        break;
      case 'EpisodeChanged':
        this.placement(id, e.placement, e.provider);
        break;
      case 'PeriodOfCareEnded':
        if (this.has(id, B_CARE)) {
          c.cla--;
          if (this.has(id, B_UASC)) c.uasc--;
        }
        this.set(id, B_CARE | B_UASC, false);
        if (this.has(id, B_IFA)) c.ifa--;
        if (this.has(id, B_PFA)) c.placedForAdoption--;
        this.set(id, B_IFA | B_PFA, false);
        if (inRange) flows.claEnds[m]++;
        break;
      case 'CaseClosed':
        this.strategy.delete(id);
        this.s47Strategy.delete(id);
        this.referred.delete(id);
        this.assessStart.delete(id);
        break;
    }
  }

  /** Completes the month-end stocks up to the horizon and returns the tally. */
  finish(): TallyResult {
    this.snapshot(this.months);
    return this.result;
  }

  /** `YYYY-MM` of month offset `m`. */
  monthOf(m: number): string {
    return monthKey(this.startIndex + m);
  }
}
