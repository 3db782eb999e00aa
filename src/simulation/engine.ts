/**
 * The case-flow microsimulation engine.
 *
 * It is built in layers, one file each, every layer a subclass of the one below:
 * - kernel.ts: the discrete-event kernel (a calendar of entries served in order), no domain;
 * - childTable.ts: the child (slot) table and the run's settings;
 * - emitters.ts: the event emitters (event objects, or numbers for a field sink);
 * - transitions.ts: the journey's transitions;
 * - history.ts: the opening history replay;
 * - careLeavers.ts: care leavers' statuses at their 17th to 21st birthdays;
 * - openingContinue.ts: the continuation of opening children;
 * - this file: monthly arrivals and the dispatch of the kernel's entries.
 * Per-child random streams are `SlotRng` (random.ts).
 *
 * Children live in struct-of-arrays state (typed arrays indexed by a recyclable slot); each child
 * has at most one entry in the scheduler (its next transition), so there are no stale entries to
 * skip. A run has two phases:
 *
 * 1. history: the opening stock's backdated events (synthesised scripts, or real imported events)
 *    are emitted in date order and folded into each child's state; then every opening child's
 *    journey is continued from that state (remaining time drawn conditional on the time already
 *    spent);
 * 2. live: month by month, arrivals (first contacts, direct entries to care, UASC) are drawn and
 *    every child moves through contact → referral → assessment → S47/ICPC → CIN/CP plans → care
 *    → leaving care → closure, and closed children may be contacted again.
 *
 * Every decision reads the parameters of the month in which it is made. Randomness: the
 * replication stream `Rng.stream(seed, replication)` yields a key; arrivals in month m use
 * `Rng.stream(key, 1, m)` and each child its own stream `Rng.stream(key, 2, serial)` (serial = order
 * of creation), so two scenarios that differ in one lever keep the same children and the same
 * draws wherever the lever does not reach (common random numbers).
 */
import { firstDayOfMonth } from '../calendar/index.ts';
import { negativeBinomial, poisson } from './distributions.ts';
import { CONTACT_OUT } from './compile.ts';
import { replicationKey, Rng, SlotRng } from './random.ts';
import { trendFactor } from './scope.ts';
import { HistoryError } from '../errors.ts';
import {
  K_DIRECT,
  K_MONTH,
  K_NEW_CONTACT,
  K_REENTRY,
  K_UASC,
  K_WAKE,
  R_DIRECT,
  R_UASC,
  RC,
  S_ASSESS,
  S_CIN,
  S_CLA,
  S_CLOSED,
  S_CONTACT,
  S_CP,
  S_ICPC_DUE,
  S_OPEN_IDLE,
  S_REF_NFA,
  S_S47,
  SOURCE_OTHER,
  F_NO_EPISODE,
  F_UASC,
  SLOT_MASK,
  WAKE_GEN_SHIFT,
} from './states.ts';
import { HistoryTrack } from './historyTrack.ts';
import type { EngineInput, EngineResult } from './childTable.ts';
import { OpeningContinuation } from './openingContinue.ts';
import { K_LEAVER_STATUS } from './careLeavers.ts';

export { HistoryError, SlotRng, replicationKey };
export type { EngineInput, EngineResult };

export class CaseFlowEngine extends OpeningContinuation {
  // ------------------------------------------------------------------------------------------
  // arrivals

  protected monthStart(m: number, day: number): void {
    const p = this.compiled[m < this.compiled.length ? m : this.compiled.length - 1];
    if (m > 0) {
      this.population *= p.growthPerMonth;
      this.trend *= p.trendPerMonth;
      this.onProgress?.(m);
    }
    const rng = Rng.stream(this.key, 1, m);
    const mi = this.startMonthIndex + m;
    const calMonth = ((mi % 12) + 12) % 12;
    const pop10k = this.population / 10000;
    const nextFirst = firstDayOfMonth(mi + 1);
    const working: number[] = [];
    for (let d = day; d < nextFirst; d++) if (this.isWorking(d)) working.push(d);
    const nContacts = negativeBinomial(rng, p.contactsPer10k * pop10k * p.seasonality[calMonth] * this.trend * trendFactor(p.contactTrend, m), p.dispersion);
    if (working.length > 0) for (let i = 0; i < nContacts; i++) this.schedule(working[Math.floor(rng.uniform() * working.length)], 0, K_NEW_CONTACT);
    const days = nextFirst - day;
    const nDirect = poisson(rng, p.directPer10k * pop10k * trendFactor(p.directTrend, m));
    for (let i = 0; i < nDirect; i++) this.schedule(day + Math.floor(rng.uniform() * days), 0, K_DIRECT);
    const nUasc = poisson(rng, p.uascPer10k * pop10k * trendFactor(p.uascTrend, m));
    for (let i = 0; i < nUasc; i++) this.schedule(day + Math.floor(rng.uniform() * days), 0, K_UASC);
    if (p.uascNts !== undefined) {
      // National Transfer Scheme: transfers while the UASC looked after are below the threshold
      const gap = p.uascNts.thresholdPer10k * pop10k - this.uascLookedAfter();
      const mean = Math.min(gap, p.uascNts.transfersPerMonthPer10k * pop10k);
      const nTransfers = mean > 0 ? poisson(rng, mean) : 0;
      for (let i = 0; i < nTransfers; i++) this.schedule(day + Math.floor(rng.uniform() * days), 0, K_UASC);
    }
    if (m + 1 < this.months) this.schedule(nextFirst, m + 1, K_MONTH);
  }

  /** UASC looked after now. */
  protected uascLookedAfter(): number {
    let n = 0;
    for (let c = 0; c < this.used; c++) if (this.state[c] === S_CLA && (this.flags[c] & F_UASC) !== 0) n++;
    return n;
  }

  protected arriveContact(day: number): void {
    const p = this.pAt(day);
    const c = this.newChild(day, p.contactAge, p, false);
    this.receiveContact(c, day, p);
  }

  protected arriveInCare(day: number, uasc: boolean): void {
    const p = this.pAt(day);
    const c = this.newChild(day, uasc ? p.uascAge : p.directAge, p, uasc);
    this.src[c] = uasc ? SOURCE_OTHER : p.sources.sample(this.rng);
    if (p.frontDoor) {
      this.eContact(c, day);
      this.eContactConcluded(c, day, CONTACT_OUT.referral);
      this.acceptReferral(c, day);
    } else this.flags[c] |= F_NO_EPISODE; // the front door is not simulated: no contact, referral or closure
    this.enterCare(c, day, uasc ? R_UASC : R_DIRECT);
  }

  // ------------------------------------------------------------------------------------------
  // run

  run(): EngineResult {
    const slots = this.replayOpening();
    this.continueOpening(slots);
    this.track = new HistoryTrack();
    this.schedule(this.startDay, 0, K_MONTH);
    // the queue keeps nothing after the horizon: the run ends when it is empty
    this.runQueue();
    this.onProgress?.(this.months);
    return { events: this.events, children: this.children };
  }

  protected override handle(kind: number, payload: number, day: number): void {
    switch (kind) {
      case K_WAKE: {
        const c = payload & SLOT_MASK;
        if (payload >>> WAKE_GEN_SHIFT !== this.wakeGen[c]) break; // stale: the state it was for was cut short
        this.rng.select(c);
        switch (this.state[c]) {
          case S_CLOSED:
            this.recontact(c, day);
            break;
          case S_CONTACT:
            this.concludeContact(c, day);
            break;
          case S_REF_NFA:
            this.closeCase(c, day, RC.RC8, true);
            break;
          case S_ASSESS:
            this.authorise(c, day);
            break;
          case S_S47:
            this.concludeS47(c, day);
            break;
          case S_ICPC_DUE:
            this.holdIcpc(c, day, this.pAt(day));
            break;
          case S_CIN:
            this.endCin(c, day);
            break;
          case S_CP:
            this.endCp(c, day);
            break;
          case S_CLA:
            this.careWake(c, day);
            break;
          case S_OPEN_IDLE:
            this.closeCase(c, day, RC.RC7, false);
            break;
          default:
            throw new Error(`internal: wake for child slot ${c} in state ${this.state[c]}`);
        }
        break;
      }
      case K_NEW_CONTACT:
        this.arriveContact(day);
        break;
      case K_DIRECT:
        this.arriveInCare(day, false);
        break;
      case K_UASC:
        this.arriveInCare(day, true);
        break;
      case K_MONTH:
        this.monthStart(payload, day);
        break;
      case K_REENTRY:
        if (this.reentryDay[payload] === day) {
          this.rng.select(payload);
          this.reenterNow(payload, day);
        }
        break;
      case K_LEAVER_STATUS:
        this.statusDue(payload, day);
        break;
    }
  }
}
