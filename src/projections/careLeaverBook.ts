/**
 * The projector's care leavers beyond their count: the latest OC3 status of each (for
 * care_leavers_eet_pct and care_leavers_suitable_accommodation_pct) and their days in each month
 * (for care_leaver_cost). A compact list of the care leavers, walked once at each month close;
 * a care leaver leaves it after the month its time as a care leaver ends.
 */
import { addYearsFast } from '../calendar/index.ts';
import { LEAVER_EET, LEAVER_SUITABLE } from '../events/fields.ts';
import { grow32, NEVER } from './childStates.ts';

const LISTED = 1;
const STAYING_PUT = 2;
const HAS_STATUS = 4;
const EET = 8;
const SUITABLE = 16;

/** What the care leavers add up to in one month. */
export interface CareLeaverMonth {
  /** Days counted as a care leaver in the month, over all care leavers. */
  days: number;
  /** Days in the month of care leavers who left care by staying put (E17), before their 21st birthday. */
  stayingPutDays: number;
  /** Care leavers aged 19–21 at month end with a status recorded. */
  aged19to21: number;
  /** Of those, the latest status in education, employment or training. */
  eet: number;
  /** Of those, the latest status in suitable accommodation. */
  suitable: number;
}

export class CareLeaverBook {
  private flags = new Uint8Array(1024);
  private from = new Int32Array(1024);
  private to = new Int32Array(1024);
  /** The 19th, 21st and 22nd birthdays (the 18th plus 1, 3 and 4 years), worked out once at `start`. */
  private b19 = new Int32Array(1024);
  private b21 = new Int32Array(1024);
  private b22 = new Int32Array(1024);
  private list = new Int32Array(256);
  private count = 0;
  readonly month: CareLeaverMonth = { days: 0, stayingPutDays: 0, aged19to21: 0, eet: 0, suitable: 0 };

  private ensure(c: number): void {
    if (c < this.flags.length) return;
    const cap = Math.max(c + 1, this.flags.length * 2);
    const f = new Uint8Array(cap);
    f.set(this.flags);
    this.flags = f;
    this.from = grow32(this.from, cap);
    this.to = grow32(this.to, cap);
    this.b19 = grow32(this.b19, cap);
    this.b21 = grow32(this.b21, cap);
    this.b22 = grow32(this.b22, cap);
  }

  /** Slot `c` is a care leaver from `from` (inclusive) to `to` (exclusive); `stayingPut`: it left care by E17. */
  start(c: number, from: number, to: number, age18: number, stayingPut: boolean): void {
    this.ensure(c);
    let f = this.flags[c];
    this.from[c] = from;
    this.to[c] = to;
    this.b19[c] = addYearsFast(age18, 1);
    this.b21[c] = addYearsFast(age18, 3);
    this.b22[c] = addYearsFast(age18, 4);
    f = stayingPut ? f | STAYING_PUT : f & ~STAYING_PUT;
    if (!(f & LISTED)) {
      f |= LISTED;
      if (this.count === this.list.length) this.list = grow32(this.list, this.count * 2);
      this.list[this.count++] = c;
    }
    this.flags[c] = f;
  }

  /** Slot `c` stops being a care leaver on `day` (looked after again). */
  end(c: number, day: number): void {
    if (c < this.flags.length && this.flags[c] & LISTED && this.to[c] > day) this.to[c] = day;
  }

  /** Slot `c`'s latest status (CareLeaverStatusRecorded's bits, src/events/fields.ts). */
  status(c: number, bits: number): void {
    this.ensure(c);
    this.flags[c] = (this.flags[c] & (LISTED | STAYING_PUT)) | HAS_STATUS | (bits & LEAVER_EET ? EET : 0) | (bits & LEAVER_SUITABLE ? SUITABLE : 0);
  }

  /**
   * Adds up the month from day `first` to `next` − 1 (its month end) into `month`, and drops the
   * care leavers whose time has ended by then.
   */
  close(first: number, next: number): CareLeaverMonth {
    const m = this.month;
    m.days = m.stayingPutDays = m.aged19to21 = m.eet = m.suitable = 0;
    const end = next - 1;
    const { flags, from, to, b19, b21, b22, list } = this;
    for (let i = 0; i < this.count; ) {
      const c = list[i];
      const a = from[c] > first ? from[c] : first;
      const b = to[c] < next ? to[c] : next;
      const f = flags[c];
      if (b > a) {
        m.days += b - a;
        if (f & STAYING_PUT) {
          const e = b < b21[c] ? b : b21[c];
          if (e > a) m.stayingPutDays += e - a;
        }
      }
      if (f & HAS_STATUS && from[c] <= end && to[c] > end && b19[c] <= end && end < b22[c]) {
        m.aged19to21++;
        if (f & EET) m.eet++;
        if (f & SUITABLE) m.suitable++;
      }
      if (to[c] <= next || from[c] === NEVER) {
        // its time as a care leaver has ended: off the list (a later period of care puts it back)
        flags[c] &= ~LISTED;
        list[i] = list[--this.count];
      } else i++;
    }
    return m;
  }
}
