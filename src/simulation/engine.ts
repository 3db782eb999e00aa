/**
 * The case-flow microsimulation kernel.
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
import { addWorkingDays, firstDayOfMonth, isoDate, parseMonth, tryParseIsoDate, workingDaysBetween } from '../calendar/index.ts';
import { addYearsFast as addYears, ageFast } from './civil.ts';
import { PLACEMENT_GROUPS, SCHEMA_VERSION, placementGroup, type CaseEvent } from '../events/index.ts';
import { Categorical, exponential, negativeBinomial, poisson, type UniformSource } from './distributions.ts';
import {
  ASSESS_OUT,
  CIN_OUT,
  CONTACT_OUT,
  CP_CATEGORY_CODES,
  CP_OUT,
  ETHNICITY_CODES,
  EXIT_AGE18,
  FACTOR_CODES,
  LEGAL_CODES,
  NEED_CODES,
  PLACE_CHANGE_CODES,
  S47_OUT,
  SEX_CODES,
  SOURCE_CODES,
  ENTRY_TO_GROUP,
  compileParameters,
  type CompiledParameters,
} from './compile.ts';
import { DAYS_PER_MONTH, EMERGENCY_LEGAL } from './openingStock.ts';
import type { OpeningChild, OpeningStock, RecentlyClosedChild } from './opening.ts';
import { ageBandIndex, type Parameters } from './parameters.ts';
import { PLACE_CODES, PROVIDER_CODES, choosePlacement, placeIndexOf, providerIndexOf } from './placementCodes.ts';
import { Rng } from './random.ts';
import { ChildIndex } from '../projections/childIndex.ts';
import { DayQueue } from './scheduler.ts';
import {
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
  T_REFERRAL_ACCEPTED,
  T_S47_CONCLUDED,
  T_S47_STARTED,
  T_STRATEGY_DISCUSSION,
  leavingGroupIndex,
  placementGroupIndex,
  type FieldSink,
} from './fields.ts';
import { HistoryError } from '../errors.ts';

export { HistoryError };

const DAYS_PER_YEAR = 365.2425;
/** Slots are below this (a history script op keeps its slot and op code in one 32-bit integer). */
const SLOT_LIMIT = 1 << 27;
const NO_DAY = -1_000_000_000;
const NEVER = 2_147_483_647;

// child states
const S_FREE = 0;
const S_CLOSED = 1;
const S_CONTACT = 2;
const S_REF_NFA = 3;
const S_ASSESS = 4;
const S_S47 = 5;
const S_CIN = 6;
const S_CP = 7;
const S_CLA = 8;
const S_OPEN_IDLE = 9;
const S_ICPC_DUE = 10;
const S_HISTORY = 11;

// scheduler kinds
const K_WAKE = 0;
const K_NEW_CONTACT = 1;
const K_DIRECT = 2;
const K_UASC = 3;
const K_MONTH = 4;

// child flags
const F_UASC = 1;
const F_DISABLED = 2;
const F_KNOWN = 4;
/** Imported child looked after with no open episode of need (SSDA903 data has no referrals): nothing to close. */
const F_NO_EPISODE = 8;

// routes
const R_CP = 0;
const R_CIN = 1;
const R_DIRECT = 2;
const R_UASC = 3;
const ROUTE_NAMES = ['cp', 'cin', 'direct', 'uasc'] as const;

const GROUP_PFA = PLACEMENT_GROUPS.indexOf('placed_for_adoption');
/** Placement group index of place code index p and provider code index v: GROUP_OF[p * PROVIDERS + v]. */
const PROVIDERS = PROVIDER_CODES.length;
const GROUP_OF = new Uint8Array(PLACE_CODES.length * PROVIDERS);
for (let p = 0; p < PLACE_CODES.length; p++) for (let v = 0; v < PROVIDERS; v++) GROUP_OF[p * PROVIDERS + v] = placementGroupIndex(PLACE_CODES[p], PROVIDER_CODES[v]);
const LEGAL_INDEX = new Map<string, number>(LEGAL_CODES.map((c, i) => [c, i]));
const L_C1 = LEGAL_INDEX.get('C1')!;
const L_C2 = LEGAL_INDEX.get('C2')!;
const L_V2 = LEGAL_INDEX.get('V2')!;
const L_E1 = LEGAL_INDEX.get('E1')!;
const EMERGENCY = new Uint8Array(LEGAL_CODES.length);
for (const c of EMERGENCY_LEGAL) EMERGENCY[LEGAL_INDEX.get(c)!] = 1;
const SEX_INDEX = new Map<string, number>(SEX_CODES.map((c, i) => [c, i]));
const ETH_INDEX = new Map<string, number>(ETHNICITY_CODES.map((c, i) => [c, i]));
const SOURCE_INDEX = new Map<string, number>(SOURCE_CODES.map((c, i) => [c, i]));
const NEED_INDEX = new Map<string, number>(NEED_CODES.map((c, i) => [c, i]));
const N1 = NEED_INDEX.get('N1')!;
const N8 = NEED_INDEX.get('N8')!;
const SOURCE_OTHER = SOURCE_INDEX.get('8')!;

const ASSESS_OUTCOME_NAMES = ['nfa', 'early_help', 'cin', 's47'] as const;
const S47_OUTCOME_NAMES = ['nfa', 'cin', 'icpc'] as const;
const CONTACT_OUTCOME_NAMES = ['nfa', 'early_help', 'referral'] as const;
const CLOSURE_CODES = ['RC1', 'RC2', 'RC3', 'RC4', 'RC5', 'RC6', 'RC7', 'RC8', 'RC9'] as const;
/** Field-sink outcome codes of ASSESS_OUTCOME_NAMES (fields.ts: 0 nfa, 1 early_help, 2 cin, 3 s47). */
const ASSESS_FIELD = [0, 1, 2, 3];
const SIMPLE_CODES = {
  AssessmentStarted: T_ASSESSMENT_STARTED,
  StrategyDiscussionHeld: T_STRATEGY_DISCUSSION,
  Section47Started: T_S47_STARTED,
  CinPlanEnded: T_CIN_PLAN_ENDED,
  CpPlanEnded: T_CP_PLAN_ENDED,
} as const;
const RC = { RC1: 0, RC2: 1, RC3: 2, RC4: 3, RC5: 4, RC6: 5, RC7: 6, RC8: 7, RC9: 8 } as const;

type Factors = Extract<CaseEvent, { type: 'AssessmentAuthorised' }>['factors'];
type Rec = Extract<CaseEvent, { type: 'PeriodOfCareEnded' }>['rec'];
/**
 * REC codes within each reason group, weighted by England's children ceasing to be looked after
 * in 2023-24 (national.csv) where the split is published; SGO and adoption splits are assumptions.
 */
const REC_OPTIONS: readonly (readonly [Rec, number, number][])[] = [
  // returnHome
  [
    ['E4A', 5740, RC.RC7],
    ['E4B', 1100, RC.RC7],
    ['E13', 1970, RC.RC7],
  ],
  // sgo
  [
    ['E45', 35, RC.RC4],
    ['E46', 10, RC.RC4],
    ['E47', 45, RC.RC4],
    ['E48', 10, RC.RC4],
  ],
  // cao
  [['E41', 1, RC.RC3]],
  // adoption
  [
    ['E11', 55, RC.RC1],
    ['E12', 45, RC.RC1],
  ],
  // other
  [
    ['E8', 2660, RC.RC7],
    ['E3', 2140, RC.RC5],
    ['E7', 460, RC.RC6],
    ['E15', 380, RC.RC7],
    ['E9', 220, RC.RC7],
    ['E14', 150, RC.RC7],
    ['E16', 70, RC.RC7],
    ['E2', 60, RC.RC2],
  ],
  // age18
  [
    ['E17', 5380, RC.RC7],
    ['E5', 4230, RC.RC7],
    ['E6', 1100, RC.RC7],
  ],
];
const REC_CATS = REC_OPTIONS.map((opts) => new Categorical(opts.map((o) => o[1])));

function splitmixState(state: number): number {
  return (state + 0x9e3779b9) | 0;
}
function splitmixValue(s: number): number {
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return z ^ (z >>> 16);
}

/**
 * Per-child random streams: SFC32 state in a typed array, 4 words per slot. `seed(slot, h, n)`
 * puts the slot in exactly the state of `Rng.stream(key, 2, n)`, where `h` is the hash of
 * (key, 2) (`streamHash(key, 2)`), without allocating.
 */
export class SlotRng implements UniformSource {
  state = new Int32Array(0);
  base = 0;
  /** Hash step of `Rng.stream`: combines the running hash `h` with key `k`. */
  static streamHash(h: number, k: number): number {
    const z = splitmixValue(splitmixState((h ^ Math.imul(k | 0, 0x27d4eb2f)) | 0));
    return (z ^ Math.imul(h, 0x165667b1)) | 0;
  }
  seed(slot: number, h: number, n: number): void {
    let s = SlotRng.streamHash(h, n);
    s = splitmixState(s);
    let a = splitmixValue(s);
    s = splitmixState(s);
    let b = splitmixValue(s);
    s = splitmixState(s);
    let c = splitmixValue(s);
    s = splitmixState(s);
    let d = splitmixValue(s);
    // the 12 warm-up draws of `Rng`'s constructor, in registers
    for (let r = 0; r < 12; r++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
    }
    const st = this.state;
    const i = slot << 2;
    st[i] = a;
    st[i + 1] = b;
    st[i + 2] = c;
    st[i + 3] = d;
    this.base = i;
  }
  select(slot: number): void {
    this.base = slot << 2;
  }
  uniform(): number {
    const s = this.state;
    const i = this.base;
    let a = s[i];
    let b = s[i + 1];
    let c = s[i + 2];
    let d = s[i + 3];
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    s[i] = a;
    s[i + 1] = b;
    s[i + 2] = c;
    s[i + 3] = d;
    return (t >>> 0) / 4294967296;
  }
}

/** The 32-bit key every random stream of replication `replication` derives from: drawn from `Rng.stream(seed, replication)`. */
export function replicationKey(seed: number, replication: number): number {
  return Rng.stream(seed, replication).nextUint32() | 0;
}

export interface EngineInput {
  /** Effective parameters by month offset from the start (at least one; the last one applies after the array ends). */
  readonly parameters: readonly Parameters[];
  /** Children aged 0–17 at the start. */
  readonly population: number;
  /** First simulated month, YYYY-MM. */
  readonly startMonth: string;
  readonly months: number;
  readonly seed: number;
  readonly replication: number;
  readonly sink: (e: CaseEvent) => void;
  /** When given, events go here as numbers instead of to `sink` (see fields.ts). */
  readonly fieldSink?: FieldSink;
  readonly opening: OpeningStock;
  readonly onProgress?: (monthsDone: number) => void;
}

export interface EngineResult {
  readonly events: number;
  readonly children: number;
}

function monthsToDays(months: number, min = 1): number {
  return Math.max(min, Math.round(months * DAYS_PER_MONTH));
}

/** Whole years of age on `day`. */
function ageYears(dob: number, day: number): number {
  return ageFast(dob, day);
}

/** ISO strings of day numbers from 1900 to 2199, filled as they are needed. */
const DATE_BASE = -25567;
const dateStrings: string[] = new Array(109572);
function iso(day: number): string {
  const i = day - DATE_BASE;
  if (i < 0 || i >= dateStrings.length) return isoDate(day);
  let s = dateStrings[i];
  if (s === undefined) s = dateStrings[i] = isoDate(day);
  return s;
}

/** `addYears(day, 18)` and `addYears(day, 1)` for the same span of days, filled as they are needed. */
const UNSET = -2147483648;
const plus18Table = new Int32Array(dateStrings.length).fill(UNSET);
const plus1Table = new Int32Array(dateStrings.length).fill(UNSET);
function plus18(day: number): number {
  const i = day - DATE_BASE;
  if (i < 0 || i >= plus18Table.length) return addYears(day, 18);
  let v = plus18Table[i];
  if (v === UNSET) v = plus18Table[i] = addYears(day, 18);
  return v;
}
function plus1(day: number): number {
  const i = day - DATE_BASE;
  if (i < 0 || i >= plus1Table.length) return addYears(day, 1);
  let v = plus1Table[i];
  if (v === UNSET) v = plus1Table[i] = addYears(day, 1);
  return v;
}

const dayCache = new Map<string, number>();
function parseDay(s: string, what: () => string): number {
  let d = dayCache.get(s);
  if (d === undefined) {
    d = tryParseIsoDate(s);
    if (d === undefined) throw new HistoryError(`${what()}: not a valid date "${s}"`);
    if (dayCache.size < 100_000) dayCache.set(s, d);
  }
  return d;
}

// history script op codes
const OP_REG = 0;
const OP_CONTACT = 1;
const OP_CONTACT_REF = 2;
const OP_REFERRAL = 3;
const OP_ASSESS_START = 4;
const OP_ASSESS_AUTH = 5;
const OP_STRATEGY = 6;
const OP_S47_START = 7;
const OP_S47_END = 8;
const OP_ICPC = 9;
const OP_CP_START = 10;
const OP_CIN_START = 11;
const OP_CIN_END = 12;
const OP_POC_START = 13;
const OP_EPISODE = 14;
const OP_CLOSE = 15;

// history tracking flags
const H_CONTACT = 1;
const H_EPISODE = 2;
const H_ASSESS = 4;
const H_S47 = 8;
const H_AWAIT_ICPC = 16;
const H_AWAIT_CP = 32;
const H_CIN = 64;
const H_CP = 128;
const H_CARE = 256;
const H_CLOSED = 512;

/** Per-child bookkeeping used only while the opening history is replayed. */
class HistoryTrack {
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

  op(day: number, op: number, arg: number): void {
    const i = this.ops;
    if (i === this.opDay.length) this.resize(2 * i);
    this.opDay[i] = day;
    this.opArg[i] = arg;
    this.opWho[i] = this.building * 16 + op;
    this.ops = i + 1;
  }
}

export class CaseFlowEngine {
  private readonly compiled: CompiledParameters[];
  private readonly sink: (e: CaseEvent) => void;
  /** Events as numbers instead of objects (see fields.ts); undefined: objects to `sink`. */
  private readonly fs: FieldSink | undefined;
  /** True while the opening history is replayed (its events are folded, so always built). */
  private inHistory = false;
  private readonly startDay: number;
  private readonly endDay: number;
  private readonly startMonthIndex: number;
  private readonly months: number;
  private readonly dayOffset: Uint16Array;
  private readonly key: number;
  /** Hash of (key, 2): child streams are `Rng.stream(key, 2, serial)`. */
  private readonly childHash: number;
  private readonly queue: DayQueue;
  private readonly rng = new SlotRng();
  private opening: OpeningStock | undefined;
  private readonly startMonth: string;
  private readonly onProgress: ((monthsDone: number) => void) | undefined;

  private events = 0;
  private children = 0;
  private serial = 0;
  private idPrefix = 'N';
  private population: number;
  private trend = 1;

  // struct of arrays, indexed by slot
  private cap = 0;
  private used = 0;
  private freeList: number[] = [];
  private ids: string[] = [];
  /** The child's number within the run (its serial): `child` of the field sink. */
  private serialOf = new Int32Array(0);
  private dob = new Int32Array(0);
  private b18 = new Int32Array(0);
  private ver = new Int32Array(0);
  private since = new Int32Array(0);
  private lastRef = new Int32Array(0);
  private strat = new Int32Array(0);
  private exitDay = new Int32Array(0);
  private moveDay = new Int32Array(0);
  private legalDay = new Int32Array(0);
  private adoptDay = new Int32Array(0);
  private refs = new Uint16Array(0);
  private sex = new Uint8Array(0);
  private eth = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private state = new Uint8Array(0);
  private outcome = new Uint8Array(0);
  private src = new Uint8Array(0);
  private cpPlans = new Uint8Array(0);
  private route = new Uint8Array(0);
  private legal = new Uint8Array(0);
  private place = new Uint8Array(0);
  private prov = new Uint8Array(0);
  private group = new Uint8Array(0);
  private exitReason = new Uint8Array(0);

  constructor(input: EngineInput) {
    if (input.parameters.length === 0) throw new RangeError('at least one parameter set is needed');
    if (!(input.months >= 1) || !Number.isInteger(input.months)) throw new RangeError(`months must be a whole number >= 1 (got ${input.months})`);
    if (!(input.population > 0)) throw new RangeError(`population must be > 0 (got ${input.population})`);
    this.opening = input.opening;
    this.startMonth = input.startMonth;
    this.onProgress = input.onProgress;
    this.compiled = input.parameters.map((p) => compileParameters(p));
    this.sink = input.sink;
    this.fs = input.fieldSink;
    this.startMonthIndex = parseMonth(input.startMonth);
    this.months = input.months;
    this.startDay = firstDayOfMonth(this.startMonthIndex);
    this.endDay = firstDayOfMonth(this.startMonthIndex + input.months) - 1;
    this.dayOffset = new Uint16Array(this.endDay - this.startDay + 1);
    this.queue = new DayQueue(this.startDay, this.endDay, 4096);
    for (let m = 0; m < input.months; m++) {
      const a = firstDayOfMonth(this.startMonthIndex + m) - this.startDay;
      const b = firstDayOfMonth(this.startMonthIndex + m + 1) - this.startDay;
      this.dayOffset.fill(m, a, b);
    }
    this.population = input.population;
    this.key = replicationKey(input.seed, input.replication);
    this.childHash = SlotRng.streamHash(this.key | 0, 2);
    this.grow(1024);
  }

  // ------------------------------------------------------------------------------------------
  // slots

  private grow(min: number): void {
    const cap = Math.max(min, this.cap * 2);
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const g16 = (a: Uint16Array) => {
      const b = new Uint16Array(cap);
      b.set(a);
      return b;
    };
    const g8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.serialOf = g32(this.serialOf);
    this.dob = g32(this.dob);
    this.b18 = g32(this.b18);
    this.ver = g32(this.ver);
    this.since = g32(this.since);
    this.lastRef = g32(this.lastRef);
    this.strat = g32(this.strat);
    this.exitDay = g32(this.exitDay);
    this.moveDay = g32(this.moveDay);
    this.legalDay = g32(this.legalDay);
    this.adoptDay = g32(this.adoptDay);
    this.refs = g16(this.refs);
    this.sex = g8(this.sex);
    this.eth = g8(this.eth);
    this.flags = g8(this.flags);
    this.state = g8(this.state);
    this.outcome = g8(this.outcome);
    this.src = g8(this.src);
    this.cpPlans = g8(this.cpPlans);
    this.route = g8(this.route);
    this.legal = g8(this.legal);
    this.place = g8(this.place);
    this.prov = g8(this.prov);
    this.group = g8(this.group);
    this.exitReason = g8(this.exitReason);
    const rs = new Int32Array(cap * 4);
    rs.set(this.rng.state);
    this.rng.state = rs;
    this.cap = cap;
  }

  /** A fresh slot with its own random stream, selected as the current stream. */
  private alloc(id: string | undefined): number {
    let c: number;
    if (this.freeList.length > 0) c = this.freeList.pop()!;
    else {
      if (this.used === this.cap) this.grow(this.cap * 2);
      c = this.used++;
    }
    const serial = ++this.serial;
    // a field sink never sees ids, and new children only ever go to it as numbers
    this.ids[c] = id ?? (this.fs !== undefined && !this.inHistory ? '' : `${this.idPrefix}${serial}`);
    this.rng.seed(c, this.childHash, serial);
    this.serialOf[c] = serial;
    this.ver[c] = 0;
    this.lastRef[c] = NO_DAY;
    this.strat[c] = NO_DAY;
    this.refs[c] = 0;
    this.flags[c] = 0;
    this.cpPlans[c] = 0;
    this.state[c] = S_FREE;
    this.children++;
    return c;
  }

  private release(c: number): void {
    this.state[c] = S_FREE;
    this.ids[c] = '';
    this.freeList.push(c);
  }

  /** Parameters of the month containing `day` (month 0 before the start, the last month after). */
  private pAt(day: number): CompiledParameters {
    const i = day - this.startDay;
    const m = i < 0 ? 0 : i >= this.dayOffset.length ? this.months - 1 : this.dayOffset[i];
    const cs = this.compiled;
    return cs[m < cs.length ? m : cs.length - 1];
  }

  private wake(c: number, day: number): void {
    this.queue.push(day, c, K_WAKE);
  }

  private isWorking(day: number): boolean {
    return workingDaysBetween(day - 1, day) === 1;
  }

  private workingOnOrAfter(day: number): number {
    return this.isWorking(day) ? day : addWorkingDays(day, 1);
  }

  // ------------------------------------------------------------------------------------------
  // events: one plain object each, or a few numbers to the field sink

  private out<E extends CaseEvent>(c: number, e: E): E {
    this.events++;
    if (this.fs !== undefined) this.fs.applyEvent(e, this.serialOf[c]);
    else this.sink(e);
    return e;
  }

  /** True when events go to the field sink as numbers (no event object is built). */
  private get asFields(): boolean {
    return this.fs !== undefined && !this.inHistory;
  }

  /** One event to the field sink (see fields.ts). */
  private fields(c: number, type: number, day: number, a: number, b: number): undefined {
    this.events++;
    ++this.ver[c];
    this.fs!.applyFields(type, this.serialOf[c], day, a, b);
    return undefined;
  }

  private eRegistered(c: number, day: number) {
    const f = this.flags[c];
    if (this.asFields) return this.fields(c, T_CHILD_REGISTERED, day, this.b18[c], (f & F_UASC) !== 0 ? 1 : 0);
    return this.out(c, {
      type: 'ChildRegistered',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      dateOfBirth: iso(this.dob[c]),
      sex: SEX_CODES[this.sex[c]],
      ethnicity: ETHNICITY_CODES[this.eth[c]],
      disability: (f & F_DISABLED) !== 0,
      uasc: (f & F_UASC) !== 0,
    });
  }

  private eContact(c: number, day: number) {
    if (this.asFields) return this.fields(c, T_CONTACT_RECEIVED, day, 0, 0);
    return this.out(c, { type: 'ContactReceived', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, source: SOURCE_CODES[this.src[c]] });
  }

  private eContactConcluded(c: number, day: number, outcome: number) {
    if (this.asFields) return this.fields(c, T_CONTACT_CONCLUDED, day, outcome, 0);
    return this.out(c, { type: 'ContactConcluded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, outcome: CONTACT_OUTCOME_NAMES[outcome] });
  }

  private eReferral(c: number, day: number, isRereferral: boolean) {
    const n = ++this.refs[c];
    if (this.asFields) return this.fields(c, T_REFERRAL_ACCEPTED, day, isRereferral ? 1 : 0, 0);
    return this.out(c, {
      type: 'ReferralAccepted',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      referralId: `${this.ids[c]}-R${n}`,
      source: SOURCE_CODES[this.src[c]],
      isRereferral,
    });
  }

  private eSimple(c: number, day: number, type: 'AssessmentStarted' | 'StrategyDiscussionHeld' | 'Section47Started' | 'CinPlanEnded' | 'CpPlanEnded') {
    if (this.asFields) return this.fields(c, SIMPLE_CODES[type], day, 0, 0);
    return this.out(c, { type, childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION });
  }

  private eAuthorised(c: number, day: number, factors: Factors, outcome: number) {
    if (this.asFields) return this.fields(c, T_ASSESSMENT_AUTHORISED, day, ASSESS_FIELD[outcome], 0);
    return this.out(c, { type: 'AssessmentAuthorised', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, factors, outcome: ASSESS_OUTCOME_NAMES[outcome] });
  }

  private eS47Concluded(c: number, day: number, outcome: number) {
    if (this.asFields) return this.fields(c, T_S47_CONCLUDED, day, 0, 0);
    return this.out(c, { type: 'Section47Concluded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, outcome: S47_OUTCOME_NAMES[outcome] });
  }

  private eIcpc(c: number, day: number, resulted: boolean) {
    if (this.asFields) return this.fields(c, T_ICPC_HELD, day, 0, 0);
    return this.out(c, { type: 'IcpcHeld', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, resultedInCpPlan: resulted });
  }

  private eCinStarted(c: number, day: number, need: number) {
    if (this.asFields) return this.fields(c, T_CIN_PLAN_STARTED, day, 0, 0);
    return this.out(c, { type: 'CinPlanStarted', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, needCode: NEED_CODES[need] });
  }

  private eCpStarted(c: number, day: number, category: number, previous: number) {
    if (this.asFields) return this.fields(c, T_CP_PLAN_STARTED, day, previous, 0);
    return this.out(c, { type: 'CpPlanStarted', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, category: CP_CATEGORY_CODES[category], previousPlans: previous });
  }

  private ePocStarted(c: number, day: number, need: number) {
    if (this.asFields) return this.fields(c, T_CARE_STARTED, day, GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]], this.route[c] === R_UASC ? 1 : 0);
    return this.out(c, {
      type: 'PeriodOfCareStarted',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      legalStatus: LEGAL_CODES[this.legal[c]],
      placement: PLACE_CODES[this.place[c]],
      provider: PROVIDER_CODES[this.prov[c]],
      needCode: NEED_CODES[need],
      route: ROUTE_NAMES[this.route[c]],
    });
  }

  private eEpisode(c: number, day: number, rne: 'L' | 'P' | 'T', reason: number) {
    if (this.asFields) return this.fields(c, T_EPISODE_CHANGED, day, GROUP_OF[this.place[c] * PROVIDERS + this.prov[c]], rne === 'L' ? 0 : 1);
    if (rne === 'L') {
      return this.out(c, {
        type: 'EpisodeChanged',
        childId: this.ids[c],
        date: iso(day),
        version: ++this.ver[c],
        schema: SCHEMA_VERSION,
        rne,
        legalStatus: LEGAL_CODES[this.legal[c]],
        placement: PLACE_CODES[this.place[c]],
        provider: PROVIDER_CODES[this.prov[c]],
      });
    }
    return this.out(c, {
      type: 'EpisodeChanged',
      childId: this.ids[c],
      date: iso(day),
      version: ++this.ver[c],
      schema: SCHEMA_VERSION,
      rne,
      legalStatus: LEGAL_CODES[this.legal[c]],
      placement: PLACE_CODES[this.place[c]],
      provider: PROVIDER_CODES[this.prov[c]],
      reasonPlaceChange: PLACE_CHANGE_CODES[reason],
    });
  }

  private ePocEnded(c: number, day: number, rec: Rec) {
    if (this.asFields) return this.fields(c, T_CARE_ENDED, day, leavingGroupIndex(rec), 0);
    return this.out(c, { type: 'PeriodOfCareEnded', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, rec });
  }

  private eClosed(c: number, day: number, reason: number, referralNfa: boolean) {
    if (this.asFields) return this.fields(c, T_CASE_CLOSED, day, referralNfa ? 1 : 0, 0);
    if (referralNfa) {
      return this.out(c, { type: 'CaseClosed', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, reason: CLOSURE_CODES[reason], referralNfa: true });
    }
    return this.out(c, { type: 'CaseClosed', childId: this.ids[c], date: iso(day), version: ++this.ver[c], schema: SCHEMA_VERSION, reason: CLOSURE_CODES[reason] });
  }

  // ------------------------------------------------------------------------------------------
  // the journey

  /** Creates a child new to the service on `day` (age from `ages`), selected as current stream. */
  private newChild(day: number, ages: Categorical, p: CompiledParameters, uasc: boolean): number {
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
      this.sex[c] = p.sex.sample(rng);
      this.eth[c] = p.ethnicity.sample(rng);
      this.flags[c] = rng.uniform() < p.disability ? F_DISABLED : 0;
    }
    this.eRegistered(c, day);
    return c;
  }

  private receiveContact(c: number, day: number, p: CompiledParameters): void {
    this.src[c] = p.sources.sample(this.rng);
    this.eContact(c, day);
    this.state[c] = S_CONTACT;
    const k = p.decisionDays.sample(this.rng);
    this.wake(c, k === 0 ? day : addWorkingDays(day, k));
  }

  private concludeContact(c: number, day: number): void {
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
    else this.release(c);
  }

  private acceptReferral(c: number, day: number): void {
    const last = this.lastRef[c];
    const isRe = last !== NO_DAY && day <= plus1(last);
    this.lastRef[c] = day;
    this.flags[c] |= F_KNOWN;
    this.eReferral(c, day, isRe);
  }

  private startAssessment(c: number, day: number, p: CompiledParameters): void {
    this.eSimple(c, day, 'AssessmentStarted');
    this.state[c] = S_ASSESS;
    this.since[c] = day;
    const wd = Math.max(1, Math.round(p.assessmentDays.sample(this.rng)));
    this.wake(c, addWorkingDays(day, wd));
  }

  private drawFactors(p: CompiledParameters, nfa: boolean): Factors {
    const rng = this.rng;
    const n = nfa ? 1 : Math.min(6, 1 + poisson(rng, p.factorsMean - 1));
    const out: (typeof FACTOR_CODES)[number][] = [];
    for (let tries = 0; out.length < n && tries < 50; tries++) {
      const f = FACTOR_CODES[p.factors.sample(rng)];
      if (!out.includes(f)) out.push(f);
    }
    return out;
  }

  private authorise(c: number, day: number): void {
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

  private startS47(c: number, day: number, p: CompiledParameters): void {
    this.eSimple(c, day, 'StrategyDiscussionHeld');
    this.eSimple(c, day, 'Section47Started');
    this.strat[c] = day;
    const outcome = p.s47Outcome.sample(this.rng);
    this.outcome[c] = outcome;
    this.state[c] = S_S47;
    const wd = (outcome === S47_OUT.icpc ? p.icpcDays : p.s47Days).sample(this.rng);
    this.wake(c, addWorkingDays(day, Math.max(1, Math.round(wd))));
  }

  private concludeS47(c: number, day: number): void {
    const p = this.pAt(day);
    const outcome = day >= this.b18[c] ? S47_OUT.nfa : this.outcome[c];
    this.eS47Concluded(c, day, outcome);
    if (outcome === S47_OUT.icpc) this.holdIcpc(c, day, p);
    else if (outcome === S47_OUT.cin) this.startCin(c, day, p);
    else this.closeCase(c, day, RC.RC8, false);
  }

  private holdIcpc(c: number, day: number, p: CompiledParameters): void {
    const plan = day < this.b18[c] && this.rng.uniform() < p.icpcPlan;
    this.eIcpc(c, day, plan);
    if (plan) this.startCp(c, day, p);
    else if (this.rng.uniform() < p.icpcNoPlanCin) this.startCin(c, day, p);
    else this.closeCase(c, day, RC.RC7, false);
  }

  private startCin(c: number, day: number, p: CompiledParameters): void {
    if (day >= this.b18[c]) return this.closeCase(c, day, RC.RC7, false);
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
    this.wake(c, end);
  }

  private endCin(c: number, day: number): void {
    this.eSimple(c, day, 'CinPlanEnded');
    const outcome = this.outcome[c];
    if (outcome === CIN_OUT.care) this.enterCare(c, day, R_CIN);
    else if (outcome === CIN_OUT.s47) this.startS47(c, day, this.pAt(day));
    else this.closeCase(c, day, RC.RC7, false);
  }

  private startCp(c: number, day: number, p: CompiledParameters): void {
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

  private endCp(c: number, day: number): void {
    this.eSimple(c, day, 'CpPlanEnded');
    const outcome = this.outcome[c];
    if (outcome === CP_OUT.care) this.enterCare(c, day, R_CP);
    else if (outcome === CP_OUT.cin) this.startCin(c, day, this.pAt(day));
    else this.closeCase(c, day, RC.RC7, false);
  }

  private nextMove(c: number, day: number, p: CompiledParameters): number {
    const rate = p.movesPerYear[ageBandIndex(ageYears(this.dob[c], day))];
    return rate > 0 ? day + Math.max(1, Math.round(exponential(this.rng, DAYS_PER_YEAR / rate))) : NEVER;
  }

  private enterCare(c: number, day: number, route: number): void {
    if (day >= this.b18[c]) return this.closeCase(c, day, RC.RC7, false);
    const p = this.pAt(day);
    const rng = this.rng;
    const band = ageBandIndex(ageYears(this.dob[c], day));
    const legal = p.legalAtEntry[route].sample(rng);
    const group = ENTRY_TO_GROUP[(route === R_UASC ? p.uascPlacement : p.placementAtEntry[band]).sample(rng)];
    const codes = choosePlacement(group, day, rng);
    const need = route === R_CP ? N1 : route === R_UASC ? N8 : p.careNeed.sample(rng);
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

  private scheduleCare(c: number): void {
    let next = this.exitDay[c];
    if (this.adoptDay[c] < next) next = this.adoptDay[c];
    if (this.legalDay[c] < next) next = this.legalDay[c];
    if (this.moveDay[c] < next) next = this.moveDay[c];
    this.wake(c, next);
  }

  private careWake(c: number, day: number): void {
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

  private leaveCare(c: number, day: number): void {
    const rng = this.rng;
    const reason = day >= this.b18[c] ? EXIT_AGE18 : this.exitReason[c];
    const opts = REC_OPTIONS[reason];
    const [rec, , closure] = opts[REC_CATS[reason].sample(rng)];
    this.ePocEnded(c, day, rec);
    // a child with no open episode of need (imported from a care return alone) is not given a plan
    if (reason === 0 && rng.uniform() < this.pAt(day).returnHomeCin && !(this.flags[c] & F_NO_EPISODE)) return this.startCin(c, day, this.pAt(day));
    this.closeCase(c, day, closure, false);
  }

  private closeCase(c: number, day: number, reason: number, referralNfa: boolean): void {
    if (this.flags[c] & F_NO_EPISODE) this.flags[c] &= ~F_NO_EPISODE;
    else this.eClosed(c, day, reason, referralNfa);
    if (reason >= RC.RC7 && (this.flags[c] & F_KNOWN) !== 0 && day < this.b18[c]) this.scheduleRecontact(c, day, this.pAt(day));
    else this.release(c);
  }

  private scheduleRecontact(c: number, day: number, p: CompiledParameters, elapsedMonths = 0): void {
    const table = this.cpPlans[c] > 0 ? p.recontactAfterCp : p.recontact;
    const t = elapsedMonths > 0 ? table.sampleAbove(this.rng, elapsedMonths) : table.sample(this.rng);
    if (!Number.isFinite(t)) return this.release(c);
    const from = day - Math.round(elapsedMonths * DAYS_PER_MONTH);
    let at = from + monthsToDays(t);
    if (at <= day) at = day + 1;
    at = this.workingOnOrAfter(Math.max(at, this.startDay));
    if (at >= this.b18[c]) return this.release(c);
    this.state[c] = S_CLOSED;
    this.wake(c, at);
  }

  private recontact(c: number, day: number): void {
    this.receiveContact(c, day, this.pAt(day));
  }

  // ------------------------------------------------------------------------------------------
  // arrivals

  private monthStart(m: number, day: number): void {
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
    const nContacts = negativeBinomial(rng, p.contactsPer10k * pop10k * p.seasonality[calMonth] * this.trend, p.dispersion);
    const q = this.queue;
    if (working.length > 0) for (let i = 0; i < nContacts; i++) q.push(working[Math.floor(rng.uniform() * working.length)], 0, K_NEW_CONTACT);
    const days = nextFirst - day;
    const nDirect = poisson(rng, p.directPer10k * pop10k);
    for (let i = 0; i < nDirect; i++) q.push(day + Math.floor(rng.uniform() * days), 0, K_DIRECT);
    const nUasc = poisson(rng, p.uascPer10k * pop10k);
    for (let i = 0; i < nUasc; i++) q.push(day + Math.floor(rng.uniform() * days), 0, K_UASC);
    if (m + 1 < this.months) q.push(nextFirst, m + 1, K_MONTH);
  }

  private arriveContact(day: number): void {
    const p = this.pAt(day);
    const c = this.newChild(day, p.contactAge, p, false);
    this.receiveContact(c, day, p);
  }

  private arriveInCare(day: number, uasc: boolean): void {
    const p = this.pAt(day);
    const c = this.newChild(day, uasc ? p.uascAge : p.directAge, p, uasc);
    this.src[c] = uasc ? SOURCE_OTHER : p.sources.sample(this.rng);
    this.eContact(c, day);
    this.eContactConcluded(c, day, CONTACT_OUT.referral);
    this.acceptReferral(c, day);
    this.enterCare(c, day, uasc ? R_UASC : R_DIRECT);
  }

  // ------------------------------------------------------------------------------------------
  // opening history

  private track = new HistoryTrack();

  /** Updates the history bookkeeping of slot `c` with one of its events. */
  private fold(c: number, e: CaseEvent, day: number, imported: boolean): void {
    const t = this.track;
    t.lastActivity[c] = day;
    switch (e.type) {
      case 'ChildRegistered': {
        if (!imported) break; // a synthesised child's details are already in place
        const dob = parseDay(e.dateOfBirth, () => `history: ${e.childId} ChildRegistered.dateOfBirth`);
        this.dob[c] = dob;
        this.b18[c] = addYears(dob, 18);
        this.sex[c] = SEX_INDEX.get(e.sex) ?? 2;
        this.eth[c] = ETH_INDEX.get(e.ethnicity) ?? ETH_INDEX.get('NOBT')!;
        this.flags[c] = (this.flags[c] & F_KNOWN) | (e.uasc ? F_UASC : 0) | (e.disability ? F_DISABLED : 0);
        break;
      }
      case 'ContactReceived':
        t.flags[c] |= H_CONTACT;
        this.src[c] = SOURCE_INDEX.get(e.source) ?? SOURCE_OTHER;
        break;
      case 'ContactConcluded':
        t.flags[c] &= ~H_CONTACT;
        break;
      case 'ReferralAccepted':
        this.lastRef[c] = day;
        if (imported && this.refs[c] < 65535) this.refs[c]++;
        this.flags[c] |= F_KNOWN;
        t.flags[c] = (t.flags[c] | H_EPISODE) & ~H_CLOSED;
        t.episodeSince[c] = day;
        this.src[c] = SOURCE_INDEX.get(e.source) ?? SOURCE_OTHER;
        break;
      case 'AssessmentStarted':
        t.flags[c] |= H_ASSESS;
        t.assessSince[c] = day;
        break;
      case 'AssessmentAuthorised':
        t.flags[c] &= ~H_ASSESS;
        break;
      case 'StrategyDiscussionHeld':
        t.strategy[c] = day;
        this.strat[c] = day;
        break;
      case 'Section47Started':
        t.flags[c] |= H_S47;
        if (t.strategy[c] < t.episodeSince[c]) t.strategy[c] = day;
        break;
      case 'Section47Concluded':
        t.flags[c] &= ~H_S47;
        if (e.outcome === 'icpc') t.flags[c] |= H_AWAIT_ICPC;
        break;
      case 'IcpcHeld':
        t.flags[c] &= ~H_AWAIT_ICPC;
        if (e.resultedInCpPlan) t.flags[c] |= H_AWAIT_CP;
        break;
      case 'CinPlanStarted':
        t.flags[c] |= H_CIN;
        t.cinSince[c] = day;
        break;
      case 'CinPlanEnded':
        t.flags[c] &= ~H_CIN;
        break;
      case 'CpPlanStarted':
        t.flags[c] = (t.flags[c] | H_CP) & ~H_AWAIT_CP;
        t.cpSince[c] = day;
        this.cpPlans[c] = Math.min(255, Math.max(this.cpPlans[c], e.previousPlans) + 1);
        break;
      case 'CpPlanEnded':
        t.flags[c] &= ~H_CP;
        break;
      case 'PeriodOfCareStarted':
        t.flags[c] |= H_CARE;
        t.careSince[c] = day;
        this.route[c] = e.route ? ROUTE_NAMES.indexOf(e.route) : this.flags[c] & F_UASC ? R_UASC : R_DIRECT;
        this.setEpisode(c, e.legalStatus, e.placement, e.provider);
        break;
      case 'EpisodeChanged':
        this.setEpisode(c, e.legalStatus, e.placement, e.provider);
        break;
      case 'PeriodOfCareEnded':
        t.flags[c] &= ~H_CARE;
        break;
      case 'CaseClosed':
        t.flags[c] = (t.flags[c] & H_CONTACT) | H_CLOSED;
        t.closedOn[c] = day;
        t.closeReason[c] = CLOSURE_CODES.indexOf(e.reason);
        break;
    }
  }

  private setEpisode(c: number, legal: string, place: string, provider: string): void {
    this.legal[c] = LEGAL_INDEX.get(legal) ?? L_V2;
    this.place[c] = placeIndexOf(place);
    this.prov[c] = providerIndexOf(provider);
    this.group[c] = PLACEMENT_GROUPS.indexOf(placementGroup(place, provider));
  }

  /** Compact backdated script for a synthesised opening child (emitted lazily in date order). */
  private buildScript(c: number, ch: OpeningChild): void {
    const t = this.track;
    const rng = this.rng;
    const p = this.compiled[0];
    const dob = this.dob[c];
    const last = this.startDay - 1;
    const clamp = (d: number) => Math.min(last, Math.max(dob, d));
    const since = clamp(ch.since);
    const activity = ch.state === 'cin' ? (ch.cinActivity ?? 'plan') : undefined;
    let refDay = clamp(Math.min(ch.lastReferral ?? since, since));
    if (ch.state === 'cp' || activity === 's47') refDay = Math.min(refDay, clamp(since - 20));
    t.op(refDay, OP_REG, 0);
    t.op(refDay, OP_CONTACT, 0);
    t.op(refDay, OP_CONTACT_REF, 0);
    t.op(refDay, OP_REFERRAL, 0);
    if (ch.state === 'cla') {
      const starts = [...(ch.placementStarts ?? [])].map(clamp).filter((d) => d >= since).sort((a, b) => a - b);
      const route = ch.route ? ROUTE_NAMES.indexOf(ch.route) : ch.uasc ? R_UASC : R_DIRECT;
      const need = route === R_CP ? N1 : route === R_UASC ? N8 : p.careNeed.sample(rng);
      const legal = LEGAL_INDEX.get(ch.legalStatus ?? 'V2') ?? L_V2;
      const place = placeIndexOf(ch.placement ?? 'U6');
      const prov = providerIndexOf(ch.provider ?? 'PR1');
      const bandAtEntry = ageBandIndex(Math.max(0, ageYears(dob, since)));
      const moves = starts.filter((d) => d > since);
      const initialLegal = legal === L_E1 ? L_C2 : legal;
      let pack: number;
      if (moves.length === 0 && legal !== L_E1) pack = place | (prov << 8);
      else {
        const g = ENTRY_TO_GROUP[(route === R_UASC ? p.uascPlacement : p.placementAtEntry[bandAtEntry]).sample(rng)];
        pack = choosePlacement(g, since, rng);
      }
      t.op(since, OP_POC_START, pack | (initialLegal << 16) | (route << 24) | (need << 28));
      const placeChange = PLACE_CHANGE_CODES.indexOf('CARPL');
      for (let i = 0; i < moves.length; i++) {
        const lastMove = i === moves.length - 1;
        let mp: number;
        if (lastMove) mp = place | (prov << 8);
        else mp = choosePlacement(ENTRY_TO_GROUP[p.placementOnMove[ageBandIndex(Math.max(0, ageYears(dob, moves[i])))].sample(rng)], moves[i], rng);
        const rne = lastMove && legal !== initialLegal ? 2 : 1;
        const reason = lastMove && legal === L_E1 ? placeChange : p.changeReason.sample(rng);
        t.op(moves[i], OP_EPISODE, mp | ((lastMove ? legal : initialLegal) << 16) | (rne << 24) | (reason << 26));
      }
      if (moves.length === 0 && legal === L_E1) t.op(since, OP_EPISODE, place | (prov << 8) | (legal << 16) | (2 << 24) | (placeChange << 26));
    } else if (ch.state === 'cp') {
      const strategy = Math.max(refDay, this.workingDaysBefore(since, 10));
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(strategy, OP_ASSESS_AUTH, ASSESS_OUT.s47);
      t.op(strategy, OP_STRATEGY, 0);
      t.op(strategy, OP_S47_START, 0);
      t.op(since, OP_S47_END, S47_OUT.icpc);
      t.op(since, OP_ICPC, 1);
      t.op(since, OP_CP_START, Math.min(255, ch.previousCpPlans ?? 0) | (p.cpCategory.sample(rng) << 8));
    } else if (activity === 'assessment') {
      t.op(since, OP_ASSESS_START, 0);
    } else if (activity === 's47') {
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(since, OP_ASSESS_AUTH, ASSESS_OUT.s47);
      t.op(since, OP_STRATEGY, 0);
      t.op(since, OP_S47_START, 0);
    } else {
      t.op(refDay, OP_ASSESS_START, 0);
      t.op(since, OP_ASSESS_AUTH, ASSESS_OUT.cin);
      t.op(since, OP_CIN_START, p.cinNeed.sample(rng));
    }
  }

  private buildClosedScript(c: number, ch: RecentlyClosedChild): void {
    const t = this.track;
    const p = this.compiled[0];
    const dob = this.dob[c];
    const last = this.startDay - 1;
    const closedOn = Math.min(last, Math.max(dob, ch.closedOn));
    const refDay = Math.min(closedOn, Math.max(dob, ch.lastReferral));
    t.op(refDay, OP_REG, 0);
    t.op(refDay, OP_CONTACT, 0);
    t.op(refDay, OP_CONTACT_REF, 0);
    t.op(refDay, OP_REFERRAL, 0);
    const reason = RC[ch.closureReason];
    if (ch.referralNfa) {
      t.op(closedOn, OP_CLOSE, reason | 256);
    } else {
      t.op(refDay, OP_ASSESS_START, 0);
      if (reason === RC.RC7) {
        const planStart = Math.min(closedOn, this.workingOnOrAfter(Math.min(closedOn, refDay + 30)));
        t.op(planStart, OP_ASSESS_AUTH, ASSESS_OUT.cin);
        t.op(planStart, OP_CIN_START, p.cinNeed.sample(this.rng));
        t.op(closedOn, OP_CIN_END, 0);
      } else t.op(closedOn, OP_ASSESS_AUTH, reason === RC.RC9 ? ASSESS_OUT.earlyHelp : ASSESS_OUT.nfa);
      t.op(closedOn, OP_CLOSE, reason);
    }
  }

  /** The day `n` working days before `day` (n >= 1). */
  private workingDaysBefore(day: number, n: number): number {
    let d = day - 1;
    while (workingDaysBetween(d, day) < n) d--;
    return d;
  }

  /** Emits one script op of slot `c` and folds it. */
  private runOp(c: number, day: number, op: number, arg: number): void {
    let e: CaseEvent | undefined;
    switch (op) {
      case OP_REG:
        e = this.eRegistered(c, day);
        break;
      case OP_CONTACT:
        e = this.eContact(c, day);
        break;
      case OP_CONTACT_REF:
        e = this.eContactConcluded(c, day, CONTACT_OUT.referral);
        break;
      case OP_REFERRAL:
        e = this.eReferral(c, day, false);
        break;
      case OP_ASSESS_START:
        e = this.eSimple(c, day, 'AssessmentStarted');
        break;
      case OP_ASSESS_AUTH:
        e = this.eAuthorised(c, day, this.drawFactors(this.compiled[0], arg === ASSESS_OUT.nfa), arg);
        break;
      case OP_STRATEGY:
        e = this.eSimple(c, day, 'StrategyDiscussionHeld');
        break;
      case OP_S47_START:
        e = this.eSimple(c, day, 'Section47Started');
        break;
      case OP_S47_END:
        e = this.eS47Concluded(c, day, arg);
        break;
      case OP_ICPC:
        e = this.eIcpc(c, day, arg === 1);
        break;
      case OP_CP_START:
        e = this.eCpStarted(c, day, arg >> 8, arg & 0xff);
        break;
      case OP_CIN_START:
        e = this.eCinStarted(c, day, arg);
        break;
      case OP_CIN_END:
        e = this.eSimple(c, day, 'CinPlanEnded');
        break;
      case OP_POC_START:
        this.place[c] = arg & 0xff;
        this.prov[c] = (arg >>> 8) & 0xff;
        this.legal[c] = (arg >>> 16) & 0xff;
        this.route[c] = (arg >>> 24) & 0xf;
        e = this.ePocStarted(c, day, (arg >>> 28) & 0xf);
        break;
      case OP_EPISODE:
        this.place[c] = arg & 0xff;
        this.prov[c] = (arg >>> 8) & 0xff;
        this.legal[c] = (arg >>> 16) & 0xff;
        e = this.eEpisode(c, day, (arg >>> 24) & 3 ? (((arg >>> 24) & 3) === 2 ? 'T' : 'P') : 'L', (arg >>> 26) & 0xf);
        break;
      default:
        e = this.eClosed(c, day, arg & 0xff, (arg & 256) !== 0);
        break;
    }
    this.fold(c, e!, day, false);
  }

  /** Emits the opening history (synthesised scripts and/or imported events) in date order. */
  private replayOpening(): number[] {
    this.inHistory = true;
    const slots = this.replayHistory();
    this.inHistory = false;
    return slots;
  }

  private replayHistory(): number[] {
    const t = this.track;
    const slots: number[] = [];
    const imported = this.opening!.history ?? [];
    const idToSlot = new Map<string, number>();
    // children in the history are continued from it; other opening children get scripts
    const importedIds = new Set<string>();
    for (const e of imported) importedIds.add(e.childId);
    const taken = (prefix: string) => [...importedIds].some((id) => id.startsWith(prefix) && /^\d+$/.test(id.slice(prefix.length)));
    while (taken(this.idPrefix)) this.idPrefix = `${this.idPrefix}N`;
    // (the opening stock is dropped once its scripts are built)
    this.buildScripts(importedIds, slots);

    // script ops in date order: a stable counting sort by day (a child's ops keep their order)
    const nOps = t.ops;
    const opDay = t.opDay;
    let minDay = this.startDay;
    for (let i = 0; i < nOps; i++) if (opDay[i] < minDay) minDay = opDay[i];
    const counts = new Int32Array(this.startDay - minDay + 2);
    for (let i = 0; i < nOps; i++) counts[opDay[i] - minDay + 1]++;
    for (let i = 1; i < counts.length; i++) counts[i] += counts[i - 1];
    const sorted = new Int32Array(nOps);
    for (let i = 0; i < nOps; i++) sorted[counts[opDay[i] - minDay]++] = i;

    // imported events, sorted by date (stable: a child's own events keep their order)
    const order = imported.map((e, i) => ({ e, i, d: parseDay(e.date, () => `history event ${i + 1} (${e.type} for ${e.childId})`) }));
    order.sort((a, b) => a.d - b.d || a.i - b.i);
    let k = 0;
    let j = 0;
    for (;;) {
      const nextImported = k < order.length ? order[k].d : Infinity;
      const nextScript = j < nOps ? opDay[sorted[j]] : Infinity;
      if (nextImported === Infinity && nextScript === Infinity) break;
      if (nextImported <= nextScript) {
        const { e, i, d } = order[k++];
        if (d >= this.startDay) throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}) is not before the start month ${this.startMonth}`);
        let c = idToSlot.get(e.childId);
        if (c === undefined) {
          if (e.type !== 'ChildRegistered') throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}): the child's first event must be ChildRegistered`);
          c = this.alloc(e.childId);
          t.ensure(c + 1);
          idToSlot.set(e.childId, c);
          slots.push(c);
          this.state[c] = S_HISTORY;
        }
        if (e.version !== this.ver[c] + 1) throw new HistoryError(`history event ${i + 1} (${e.type} for ${e.childId} on ${e.date}): version ${e.version}, expected ${this.ver[c] + 1}`);
        this.ver[c] = e.version;
        this.events++;
        if (this.fs !== undefined) this.fs.applyEvent(e, this.serialOf[c]);
        else this.sink(e);
        this.fold(c, e, d, true);
      } else {
        const i = sorted[j++];
        const who = t.opWho[i];
        const c = who >>> 4;
        this.rng.select(c);
        this.runOp(c, opDay[i], who & 15, t.opArg[i]);
      }
    }
    return slots;
  }

  /**
   * Gives every synthesised opening child (open, then recently closed) a slot and its backdated
   * script, skipping ids that have imported history or were given before.
   */
  private buildScripts(importedIds: ReadonlySet<string>, slots: number[]): void {
    const { children, history, recentlyClosed } = this.opening!;
    // the opening stock is not needed once its scripts are built: let it go
    this.opening = undefined;
    const closedList = history ? [] : (recentlyClosed ?? []);
    const t = this.track;
    // room for every opening child at once, and for the longest script each can have
    const nOpening = children.length + closedList.length;
    if (this.used + nOpening > this.cap) this.grow(this.used + nOpening);
    if (this.used + nOpening >= SLOT_LIMIT) throw new RangeError(`too many children for one run (${this.used + nOpening}; at most ${SLOT_LIMIT - 1})`);
    t.ensure(this.used + nOpening);
    let maxOps = 9 * closedList.length;
    for (const ch of children) maxOps += 11 + (ch.placementStarts?.length ?? 0);
    t.reserve(maxOps);
    // a scripted child's id given twice is taken once (the first time)
    const scriptedIds = new ChildIndex();
    const hasImported = importedIds.size > 0;
    const addScripted = (ch: OpeningChild | RecentlyClosedChild, closed: boolean) => {
      if (hasImported && importedIds.has(ch.childId)) return;
      const before = scriptedIds.count;
      if (scriptedIds.get(ch.childId) <= before) return;
      const c = this.alloc(ch.childId);
      t.ensure(c + 1);
      slots.push(c);
      this.dob[c] = ch.dateOfBirth;
      this.b18[c] = plus18(ch.dateOfBirth);
      this.sex[c] = SEX_INDEX.get(ch.sex) ?? 2;
      this.eth[c] = ETH_INDEX.get(ch.ethnicity) ?? ETH_INDEX.get('NOBT')!;
      this.flags[c] = !closed && (ch as OpeningChild).uasc ? F_UASC : 0;
      this.state[c] = S_HISTORY;
      t.building = c;
      if (closed) this.buildClosedScript(c, ch as RecentlyClosedChild);
      else this.buildScript(c, ch as OpeningChild);
    };
    for (const ch of children) addScripted(ch, false);
    for (const ch of closedList) addScripted(ch, true);
  }

  /** Continues every opening child's journey from the state its history implies. */
  private continueOpening(slots: readonly number[]): void {
    const t = this.track;
    const now = this.startDay;
    const p = this.compiled[0];
    for (const c of slots) {
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
          continue;
        }
        if (f & H_CP) this.eSimple(c, now, 'CpPlanEnded');
        if (f & H_CIN) this.eSimple(c, now, 'CinPlanEnded');
        if (f & H_EPISODE && !(f & H_CLOSED)) this.eClosed(c, now, RC.RC7, false);
        this.release(c);
        continue;
      }
      // subordinate open items are ended on the first day when a stronger state is open
      const strong = f & (H_CARE | H_CP | H_AWAIT_CP | H_AWAIT_ICPC | H_S47 | H_CIN);
      if (f & H_CONTACT && f & (H_EPISODE | H_CARE)) this.eContactConcluded(c, now, CONTACT_OUT.nfa);
      if (f & H_ASSESS && strong) this.eAuthorised(c, now, [], ASSESS_OUT.cin);
      if (f & H_S47 && f & (H_CARE | H_CP)) this.eS47Concluded(c, now, S47_OUT.cin);
      if (f & H_CIN && f & (H_CARE | H_CP)) this.eSimple(c, now, 'CinPlanEnded');
      if (f & H_CP && f & H_CARE) this.eSimple(c, now, 'CpPlanEnded');

      if (f & H_CARE && !(f & H_EPISODE)) this.flags[c] |= F_NO_EPISODE;
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
      } else this.release(c);
    }
  }

  private continueCare(c: number, since: number): void {
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

  private continuePlan(c: number, since: number, state: typeof S_CP | typeof S_CIN): void {
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
    this.wake(c, end);
  }

  private continueAssessment(c: number, since: number): void {
    const p = this.compiled[0];
    const now = this.startDay;
    const e = Math.max(0, workingDaysBetween(since, now - 1));
    const wd = Math.max(e + 1, Math.round(p.assessmentDays.sampleAbove(this.rng, e)));
    this.state[c] = S_ASSESS;
    this.since[c] = since;
    this.wake(c, Math.max(now, addWorkingDays(since, wd)));
  }

  private continueS47(c: number, strategy: number): void {
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

  // ------------------------------------------------------------------------------------------
  // run

  run(): EngineResult {
    const slots = this.replayOpening();
    this.continueOpening(slots);
    this.track = new HistoryTrack();
    const q = this.queue;
    q.push(this.startDay, 0, K_MONTH);
    const rng = this.rng;
    // the queue keeps nothing after the horizon: the run ends when it is empty
    while (q.pop()) {
      const day = q.day;
      switch (q.kind) {
        case K_WAKE: {
          const c = q.payload;
          rng.select(c);
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
          this.monthStart(q.payload, day);
          break;
      }
    }
    this.onProgress?.(this.months);
    return { events: this.events, children: this.children };
  }
}
