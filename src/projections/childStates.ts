/** The projector's per-child state: flags, open dates and placements in typed arrays, by child number. */
import { PLACEMENT_GROUPS, type PlacementGroup } from '../events/codes/groups.ts';

export const NEVER = -1e9; // a day before any real date
export const OPEN = 1e9; // the end day of something still open
export const PLACEMENT_STARTS_NEW: ReadonlySet<string> = new Set(['P', 'T', 'B', 'U']);
export const GROUP_INDEX = new Map<PlacementGroup, number>(PLACEMENT_GROUPS.map((g, i) => [g, i]));
export const IFA = GROUP_INDEX.get('ifa')!;

// per-child flags (ChildStates.flags)
export const F_CASE_OPEN = 1;
export const F_ASSESSMENT = 2;
export const F_S47 = 4;
export const F_CIN_PLAN = 8;
export const F_CP = 16;
export const F_CLA = 32;
export const F_UASC_IN_CARE = 64;
/** Counted in cin_plans_open. */
export const F_IN_CIN_PLANS = 128;
/** Counted in open_cases (and cin_open, the same children). */
export const F_IN_OPEN = 256;

/**
 * Per-child state as struct-of-arrays, indexed by a state slot (1-based; slot 0 is unused).
 * A slot is given to a child at its first event that needs one (not a contact or registration:
 * most contacted children never get further). Placement history lives in a second set of
 * arrays, indexed by `care[slot]`, given to children at their first period of care.
 */
export class ChildStates {
  size = 1;
  flags = new Uint16Array(0);
  /** Month index of the referral that opened the current case; -1 when none. */
  referralMonth = new Int32Array(0);
  lastReferralDay = new Int32Array(0);
  /** Day of a referral not yet followed by an assessment (NEVER when none): the assessment clock. */
  referralClock = new Int32Array(0);
  /** Day the clock of the assessment in progress started (its referral, or its own start). */
  assessmentStart = new Int32Array(0);
  /** Day of the latest strategy discussion in the case. */
  strategyDay = new Int32Array(0);
  /** Strategy discussion that started the latest S47 enquiry in the case (NEVER: no S47; OPEN: an S47 with none). */
  s47Strategy = new Int32Array(0);
  cpPlans = new Int32Array(0);
  /** End day of the child's latest CP plan (NEVER: none in the stream). */
  cpLastEnd = new Int32Array(0);
  cpTwoYears = new Int32Array(0);
  /** Day the child's latest period of care ended (NEVER: none in the stream). */
  careLastEnd = new Int32Array(0);
  /** Days looked after since the 14th birthday, periods ended so far (for care-leaver status). */
  careDaysSince14 = new Int32Array(0);
  /** The child's time counted as a care leaver: from (inclusive) to (exclusive) day; NEVER when none. */
  leaverFrom = new Int32Array(0);
  leaverTo = new Int32Array(0);
  /** Index into the placement arrays (0: never looked after). */
  care = new Int32Array(0);

  careSize = 1;
  claSlot = new Int32Array(0);
  /** Start day of the current (or latest) period of care. */
  periodStart = new Int32Array(0);
  group = new Int8Array(0);
  // the latest three placements (start day, end day), most recent first
  p1s = new Int32Array(0);
  p1e = new Int32Array(0);
  p2s = new Int32Array(0);
  p2e = new Int32Array(0);
  p3s = new Int32Array(0);
  p3e = new Int32Array(0);

  constructor() {
    this.grow(1024);
    this.growCare(256);
  }

  /** A new slot in its initial state. */
  add(): number {
    const s = this.size++;
    if (s >= this.flags.length) this.grow(this.flags.length * 2);
    this.flags[s] = 0;
    this.referralMonth[s] = -1;
    this.lastReferralDay[s] = NEVER;
    this.referralClock[s] = NEVER;
    this.assessmentStart[s] = NEVER;
    this.strategyDay[s] = NEVER;
    this.s47Strategy[s] = NEVER;
    this.cpPlans[s] = 0;
    this.cpLastEnd[s] = NEVER;
    this.cpTwoYears[s] = OPEN;
    this.careLastEnd[s] = NEVER;
    this.careDaysSince14[s] = 0;
    this.leaverFrom[s] = NEVER;
    this.leaverTo[s] = NEVER;
    this.care[s] = 0;
    return s;
  }

  /** The placement index of slot `c`, created on first use. */
  careOf(c: number): number {
    let i = this.care[c];
    if (i === 0) {
      i = this.care[c] = this.careSize++;
      if (i >= this.claSlot.length) this.growCare(this.claSlot.length * 2);
      this.claSlot[i] = -1;
      this.group[i] = -1;
      this.p1s[i] = NEVER;
      this.p1e[i] = NEVER;
      this.p2s[i] = NEVER;
      this.p2e[i] = NEVER;
      this.p3s[i] = NEVER;
      this.p3e[i] = NEVER;
    }
    return i;
  }

  private grow(cap: number): void {
    const f = new Uint16Array(cap);
    f.set(this.flags);
    this.flags = f;
    this.referralMonth = grow32(this.referralMonth, cap);
    this.lastReferralDay = grow32(this.lastReferralDay, cap);
    this.referralClock = grow32(this.referralClock, cap);
    this.assessmentStart = grow32(this.assessmentStart, cap);
    this.strategyDay = grow32(this.strategyDay, cap);
    this.s47Strategy = grow32(this.s47Strategy, cap);
    this.cpPlans = grow32(this.cpPlans, cap);
    this.cpLastEnd = grow32(this.cpLastEnd, cap);
    this.cpTwoYears = grow32(this.cpTwoYears, cap);
    this.careLastEnd = grow32(this.careLastEnd, cap);
    this.careDaysSince14 = grow32(this.careDaysSince14, cap);
    this.leaverFrom = grow32(this.leaverFrom, cap);
    this.leaverTo = grow32(this.leaverTo, cap);
    this.care = grow32(this.care, cap);
  }

  private growCare(cap: number): void {
    const g = new Int8Array(cap);
    g.set(this.group);
    this.group = g;
    this.claSlot = grow32(this.claSlot, cap);
    this.periodStart = grow32(this.periodStart, cap);
    this.p1s = grow32(this.p1s, cap);
    this.p1e = grow32(this.p1e, cap);
    this.p2s = grow32(this.p2s, cap);
    this.p2e = grow32(this.p2e, cap);
    this.p3s = grow32(this.p3s, cap);
    this.p3e = grow32(this.p3e, cap);
  }
}

export function grow32(a: Int32Array<ArrayBuffer>, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** What every child seen has, by child number: registration details and its state slot. */
export class ChildRegister {
  /** Day of the 18th birthday (OPEN until registered). */
  age18Day = new Int32Array(1024).fill(OPEN);
  uasc = new Uint8Array(1024);
  /** State slot (0: none yet). */
  slot = new Int32Array(1024);

  ensure(n: number): void {
    if (n < this.slot.length) return;
    const cap = Math.max(n + 1, this.slot.length * 2);
    const a = new Int32Array(cap).fill(OPEN);
    a.set(this.age18Day);
    this.age18Day = a;
    const u = new Uint8Array(cap);
    u.set(this.uasc);
    this.uasc = u;
    const s = new Int32Array(cap);
    s.set(this.slot);
    this.slot = s;
  }
}
