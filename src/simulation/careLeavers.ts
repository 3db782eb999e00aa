/**
 * Care leavers' statuses (SSDA903 OC3): a `CareLeaverStatusRecorded` event at each birthday from
 * the 17th to the 21st of every care leaver not looked after that day, drawn with the scenario's
 * `careLeavers` probabilities for the age (none when the scenario has none).
 *
 * A care leaver is a child who ceased to be looked after aged 16, 17 or 18 after 13 weeks (91
 * days) or more looked after since the 14th birthday, all periods of care counted (the KPI
 * projector's definition). Birthdays are counted from the 18th (so 29 February births have theirs
 * on 28 February), as the projector counts them.
 *
 * Each child keeps its slot until its last status is recorded (a released slot is held in state
 * `S_LEAVER`, with no wake), so that the status carries the child's id and stream version. Every
 * status draws from its own stream `(key, 0x1ea5e, serial × 8 + age − 17)`: the child's own stream, and
 * so every other event of the run, is the same as without statuses.
 *
 * Statuses before the start are part of the opening history: a synthesised child who left care
 * before the start gets them as script ops; an imported history carries its own.
 */
import { addYearsFast } from '../calendar/civil.ts';
import type { CaseEvent } from '../events/index.ts';
import { SCHEMA_VERSION } from '../events/eventTypes.ts';
import type { LeaverAge } from './parameters.ts';
import { LEAVER_EET, LEAVER_IN_TOUCH, LEAVER_SUITABLE, T_LEAVER_STATUS } from '../events/fields.ts';
import { Categorical } from './distributions.ts';
import type { LeftCare, RecentlyClosedChild } from './opening.ts';
import { NEVER, NO_DAY, S_CLA } from './states.ts';
import { SlotRng } from './random.ts';
import { OP_CLOSE } from './historyTrack.ts';
import { iso } from './dayCache.ts';
import { HistoryReplay } from './history.ts';

/** Scheduler kind: a care leaver's status birthday comes due (payload: slot). */
export const K_LEAVER_STATUS = 9;
/** State of a slot kept only for its care leaver's statuses still to come. */
export const S_LEAVER = 31;
/** Key of the status streams under the replication key (apart from the arrivals' 1, the children's 2, the opening stock's 3). */
const LEAVER_STREAM = 0x1ea5e;
/** OP_CLOSE argument flag of a script op that records a care leaver's status. */
const STATUS_OP = 1 << 20;

type Rec = Extract<CaseEvent, { type: 'PeriodOfCareEnded' }>['rec'];
type Status = Extract<CaseEvent, { type: 'CareLeaverStatusRecorded' }>;

/**
 * Which codes stand for EET, NEET, suitable and unsuitable accommodation: relative weights (an
 * assumption; the KPIs read only the groups, whose shares are the scenario's).
 */
const EET_CODES = ['F2', 'F1', 'F5', 'P5', 'F4', 'P2'] as const;
const EET_MIX = new Categorical([35, 15, 25, 15, 5, 5]);
const NEET_CODES = ['G5', 'G6', 'G4'] as const;
const NEET_MIX = new Categorical([60, 20, 20]);
const SUITABLE_CODES = ['U1', 'D1', 'B1', 'Z1', 'E1', 'T1', 'K1'] as const;
const SUITABLE_MIX = new Categorical([35, 20, 15, 10, 10, 5, 5]);
const UNSUITABLE_CODES = ['S2', 'V2', 'W2', 'X2', 'D2', 'Y2'] as const;
const UNSUITABLE_MIX = new Categorical([20, 15, 10, 15, 20, 20]);

export abstract class CareLeaverStatus extends HistoryReplay {
  /** Day of the slot's next status birthday (NEVER: none due). */
  declare protected statusDay: Int32Array;
  /** Start day of the slot's current or latest period of care. */
  declare protected careFrom: Int32Array;
  /** Days looked after since the 14th birthday, periods ended so far. */
  declare protected careDays14: Int32Array;
  private readonly statusRng = new SlotRng(1);
  private statusHash = 0;

  protected override grow(min: number): void {
    super.grow(min);
    const g = (a: Int32Array | undefined, fill: number) => {
      const b = new Int32Array(this.cap).fill(fill);
      if (a) b.set(a);
      return b;
    };
    this.statusDay = g(this.statusDay, NEVER);
    this.careFrom = g(this.careFrom, NO_DAY);
    this.careDays14 = g(this.careDays14, 0);
  }

  protected override alloc(id: string | undefined): number {
    const c = super.alloc(id);
    this.statusDay[c] = NEVER;
    this.careFrom[c] = NO_DAY;
    this.careDays14[c] = 0;
    return c;
  }

  /** A slot with statuses still to come is kept (state S_LEAVER) until the last one. */
  protected override release(c: number): void {
    if (this.statusDay[c] !== NEVER) this.state[c] = S_LEAVER;
    else super.release(c);
  }

  protected override ePocStarted(c: number, day: number, need: number) {
    this.careFrom[c] = day;
    return super.ePocStarted(c, day, need);
  }

  protected override ePocEnded(c: number, day: number, rec: Rec) {
    const e = super.ePocEnded(c, day, rec);
    this.careEnded(c, day, true);
    return e;
  }

  /** Imported history: periods of care count towards the 13 weeks; statuses before the start are the history's own. */
  protected override fold(c: number, e: CaseEvent, day: number, imported: boolean): void {
    super.fold(c, e, day, imported);
    if (e.type === 'PeriodOfCareStarted') this.careFrom[c] = day;
    else if (e.type === 'PeriodOfCareEnded') this.careEnded(c, day, e.repair === undefined);
  }

  /** The `k`th birthday of slot `c` (k from 14 to 21). */
  protected birthday(c: number, k: number): number {
    return addYearsFast(this.b18[c], k - 18);
  }

  /** True when a period of care of slot `c` ending on `day` makes it a care leaver (days since the 14th birthday counted in). */
  private careEnded(c: number, day: number, exit: boolean): void {
    const b14 = this.birthday(c, 14);
    if (day > b14) this.careDays14[c] += day - Math.max(this.careFrom[c], b14);
    if (!exit || day < this.birthday(c, 16) || day >= this.birthday(c, 19) || this.careDays14[c] < 91) return;
    this.nextStatus(c, day, this.startDay);
  }

  /**
   * Schedules slot `c`'s next status birthday on or after `from` and `notBefore` (the statuses
   * before the start are the opening history's); one on `from` itself, the day the child left
   * care, is recorded at once (live only).
   */
  private nextStatus(c: number, from: number, notBefore: number): void {
    this.statusDay[c] = NEVER;
    const start = Math.max(from, notBefore);
    for (let k = 17; k <= 21; k++) {
      const b = this.birthday(c, k);
      if (b < start) continue;
      if (b === from && !this.inHistory) {
        this.recordStatus(c, b);
        continue;
      }
      this.statusDay[c] = b;
      this.schedule(b, c, K_LEAVER_STATUS);
      return;
    }
  }

  /** A status birthday of slot `c` comes due: recorded unless the child is looked after again. */
  protected statusDue(c: number, day: number): void {
    if (this.statusDay[c] !== day) return; // stale: the child left care again since
    if (this.state[c] === S_CLA) {
      this.statusDay[c] = NEVER; // the next end of care schedules the next one
      return;
    }
    this.recordStatus(c, day);
    // the next birthday is a year on: scheduled, never recorded at once
    this.nextStatus(c, day + 1, this.startDay);
    if (this.statusDay[c] === NEVER && this.state[c] === S_LEAVER) super.release(c);
  }

  /** Emits slot `c`'s status for the birthday `day` (nothing when the month's parameters have no care leavers). */
  protected recordStatus(c: number, day: number): void {
    const cl = this.pAt(day).source.careLeavers;
    if (cl === undefined) return;
    let age = 17;
    while (age < 21 && this.birthday(c, age + 1) <= day) age++;
    const group: LeaverAge = age <= 18 ? '17-18' : '19-21';
    const p = cl[group];
    if (this.statusHash === 0) this.statusHash = SlotRng.streamHash(this.key | 0, LEAVER_STREAM);
    const rng = this.statusRng;
    rng.seed(0, this.statusHash, this.serialOf[c] * 8 + age - 17);
    const inTouch = rng.uniform() < p.inTouch;
    const eet = inTouch && rng.uniform() * p.inTouch < p.eet;
    const suitable = inTouch && rng.uniform() * p.inTouch < p.suitableAccommodation;
    if (this.asFields) {
      this.fields(c, T_LEAVER_STATUS, day, (eet ? LEAVER_EET : 0) | (suitable ? LEAVER_SUITABLE : 0) | (inTouch ? LEAVER_IN_TOUCH : 0), 0);
      return;
    }
    const e: Status = {
      type: 'CareLeaverStatusRecorded',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      inTouch: inTouch ? 'YES' : 'NO',
      activity: !inTouch ? '0' : eet ? EET_CODES[EET_MIX.sample(rng)] : NEET_CODES[NEET_MIX.sample(rng)],
      accommodation: !inTouch ? '0' : suitable ? SUITABLE_CODES[SUITABLE_MIX.sample(rng)] : UNSUITABLE_CODES[UNSUITABLE_MIX.sample(rng)],
    };
    this.out(e);
  }

  /** A synthesised child who left care before the start: its statuses before the start are script ops. */
  protected override buildLeftCareScript(c: number, ch: RecentlyClosedChild, lc: LeftCare): void {
    super.buildLeftCareScript(c, ch, lc);
    const dob = this.dob[c];
    const closedOn = Math.min(this.startDay - 1, Math.max(dob, ch.closedOn));
    const since = Math.min(closedOn, Math.max(dob, ch.lastReferral));
    const b14 = this.birthday(c, 14);
    const days = closedOn > b14 ? closedOn - Math.max(since, b14) : 0;
    if (closedOn < this.birthday(c, 16) || closedOn >= this.birthday(c, 19) || days < 91) return;
    for (let k = 17; k <= 21; k++) {
      const b = this.birthday(c, k);
      if (b >= closedOn && b < this.startDay) this.track.op(b, OP_CLOSE, STATUS_OP);
    }
  }

  protected override runOp(c: number, day: number, op: number, arg: number): void {
    if (op === OP_CLOSE && arg & STATUS_OP) this.recordStatus(c, day);
    else super.runOp(c, day, op, arg);
  }
}
