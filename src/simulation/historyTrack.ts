/** Bookkeeping of the opening history: per-child flags and the script of back-dated operations. */
import { NO_DAY } from './states.ts';

// history script op codes
export const OP_REG = 0;
export const OP_CONTACT = 1;
export const OP_CONTACT_REF = 2;
export const OP_REFERRAL = 3;
export const OP_ASSESS_START = 4;
export const OP_ASSESS_AUTH = 5;
export const OP_STRATEGY = 6;
export const OP_S47_START = 7;
export const OP_S47_END = 8;
export const OP_ICPC = 9;
export const OP_CP_START = 10;
export const OP_CIN_START = 11;
export const OP_CIN_END = 12;
export const OP_POC_START = 13;
export const OP_EPISODE = 14;
export const OP_CLOSE = 15;
/** OP_CLOSE argument flag: the op ends a CP plan (of a back-dated past plan) instead of closing the case. */
export const CLOSE_ENDS_CP = 1024;

// history tracking flags
export const H_CONTACT = 1;
export const H_EPISODE = 2;
export const H_ASSESS = 4;
export const H_S47 = 8;
export const H_AWAIT_ICPC = 16;
export const H_AWAIT_CP = 32;
export const H_CIN = 64;
export const H_CP = 128;
export const H_CARE = 256;
export const H_CLOSED = 512;

/** Per-child bookkeeping used only while the opening history is replayed. */
export class HistoryTrack {
  flags = new Uint16Array(0);
  careSince = new Int32Array(0);
  cpSince = new Int32Array(0);
  cinSince = new Int32Array(0);
  assessSince = new Int32Array(0);
  episodeSince = new Int32Array(0);
  strategy = new Int32Array(0);
  closedOn = new Int32Array(0);
  closeReason = new Uint8Array(0);
  lastActivity = new Int32Array(0);
  /** Day of the latest period of care that ended by return home, SGO or CAO before the 18th birthday (NO_DAY: none). */
  careLeft = new Int32Array(0);
  /** Its exit reason (index in EXIT_REASONS). */
  careLeftReason = new Uint8Array(0);
  // script ops: day, argument, and slot * 16 + op code
  opDay = new Int32Array(1024);
  opArg = new Int32Array(1024);
  opWho = new Int32Array(1024);
  /** Number of script ops. */
  ops = 0;
  /** Slot whose script is being built. */
  building = 0;
  slots: number[] = [];

  ensure(n: number): void {
    if (this.flags.length >= n) return;
    const cap = Math.max(n, this.flags.length * 2, 256);
    const grow = <T extends Int32Array | Uint16Array | Uint8Array>(a: T, fill = 0): T => {
      const b = new (a.constructor as { new (n: number): T })(cap);
      b.set(a);
      if (fill) b.fill(fill, a.length);
      return b;
    };
    this.flags = grow(this.flags);
    this.careSince = grow(this.careSince);
    this.cpSince = grow(this.cpSince);
    this.cinSince = grow(this.cinSince);
    this.assessSince = grow(this.assessSince, NO_DAY);
    this.episodeSince = grow(this.episodeSince, NO_DAY);
    this.strategy = grow(this.strategy, NO_DAY);
    this.closedOn = grow(this.closedOn);
    this.closeReason = grow(this.closeReason);
    this.lastActivity = grow(this.lastActivity);
    this.careLeft = grow(this.careLeft, NO_DAY);
    this.careLeftReason = grow(this.careLeftReason);
  }

  /** Makes room for `n` more script ops. */
  reserve(n: number): void {
    const need = this.ops + n;
    if (need > this.opDay.length) this.resize(need);
  }

  private resize(cap: number): void {
    const g = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a.subarray(0, this.ops));
      return b;
    };
    this.opDay = g(this.opDay);
    this.opArg = g(this.opArg);
    this.opWho = g(this.opWho);
  }

  /** Lets the script ops go (once they have been copied out in date order): for England, hundreds of MB. */
  dropOps(): void {
    this.opDay = new Int32Array(0);
    this.opArg = new Int32Array(0);
    this.opWho = new Int32Array(0);
    this.ops = 0;
  }

    op(day: number, op: number, arg: number): void {
    const i = this.ops;
    if (i === this.opDay.length) this.resize(2 * i);
    this.opDay[i] = day;
    this.opArg[i] = arg;
    this.opWho[i] = this.building * 16 + op;
    this.ops = i + 1;
  }
}
