/** The engine's child (slot) table and the run context every part of the engine reads. */
import { addWorkingDays, firstDayOfMonth, parseMonth, workingDaysBetween } from '../calendar/index.ts';
import type { CaseEvent } from '../events/index.ts';
import { type CompiledParameters, compileParameters } from './compile.ts';
import type { Parameters } from './parameters.ts';
import { replicationKey, Rng, SlotRng } from './random.ts';
import type { FieldSink } from '../events/fields.ts';
import type { OpeningStock } from './opening.ts';
import { K_WAKE, NEVER, NO_DAY, S_FREE, WAKE_GEN_SHIFT } from './states.ts';
import { Kernel } from './kernel.ts';

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
  /** When given, events go here as numbers instead of to `sink` (see src/events/fields.ts). */
  readonly fieldSink?: FieldSink;
  readonly opening: OpeningStock;
  readonly onProgress?: (monthsDone: number) => void;
}

export interface EngineResult {
  readonly events: number;
  readonly children: number;
}

/**
 * The child table: struct-of-arrays state indexed by a recyclable slot, with each slot's own
 * random stream, and the run's shared settings (parameters by month, sinks, counters).
 */
export abstract class ChildTable extends Kernel {
  protected readonly compiled: CompiledParameters[];
  protected readonly sink: (e: CaseEvent) => void;
  /** Events as numbers instead of objects (see src/events/fields.ts); undefined: objects to `sink`. */
  protected readonly fs: FieldSink | undefined;
  /** True while the opening history is replayed (its events are folded, so always built). */
  protected inHistory = false;
  protected readonly startDay: number;
  protected readonly endDay: number;
  protected readonly startMonthIndex: number;
  protected readonly months: number;
  protected readonly dayOffset: Uint16Array;
  protected readonly key: number;
  /** Hash of (key, 2): child streams are `Rng.stream(key, 2, serial)`. */
  protected readonly childHash: number;
  protected readonly rng = new SlotRng();
  protected opening: OpeningStock | undefined;
  protected readonly startMonth: string;
  protected readonly onProgress: ((monthsDone: number) => void) | undefined;

  protected events = 0;
  protected children = 0;
  protected serial = 0;
  protected idPrefix = 'N';
  protected population: number;
  protected trend = 1;

  // struct of arrays, indexed by slot
  protected cap = 0;
  protected used = 0;
  protected freeList: number[] = [];
  protected ids: string[] = [];
  /** The child's number within the run (its serial): `child` of the field sink. */
  protected serialOf = new Int32Array(0);
  protected dob = new Int32Array(0);
  protected b18 = new Int32Array(0);
  protected ver = new Int32Array(0);
  protected since = new Int32Array(0);
  protected lastRef = new Int32Array(0);
  protected strat = new Int32Array(0);
  protected exitDay = new Int32Array(0);
  protected moveDay = new Int32Array(0);
  protected legalDay = new Int32Array(0);
  protected adoptDay = new Int32Array(0);
  /** Day a child who left care by return home, SGO or CAO comes back into care (NEVER: not due). */
  protected reentryDay = new Int32Array(0);
  /**
   * Wake generation of each slot (0–15): a wake carries the generation it was scheduled in, and
   * one scheduled before the child's state was cut short (a re-entry to care) is stale and skipped.
   * Kept when a slot is reused, so a stale wake of the slot's previous child is skipped too.
   */
  protected wakeGen = new Uint8Array(0);
  protected refs = new Uint16Array(0);
  protected sex = new Uint8Array(0);
  protected eth = new Uint8Array(0);
  protected flags = new Uint8Array(0);
  protected state = new Uint8Array(0);
  protected outcome = new Uint8Array(0);
  protected src = new Uint8Array(0);
  protected cpPlans = new Uint8Array(0);
  protected route = new Uint8Array(0);
  protected legal = new Uint8Array(0);
  protected place = new Uint8Array(0);
  protected prov = new Uint8Array(0);
  protected group = new Uint8Array(0);
  protected exitReason = new Uint8Array(0);

  constructor(input: EngineInput) {
    if (input.parameters.length === 0) throw new RangeError('at least one parameter set is needed');
    if (!(input.months >= 1) || !Number.isInteger(input.months)) throw new RangeError(`months must be a whole number >= 1 (got ${input.months})`);
    if (!(input.population > 0)) throw new RangeError(`population must be > 0 (got ${input.population})`);
    const compiled = input.parameters.map((p) => compileParameters(p));
    const startMonthIndex = parseMonth(input.startMonth);
    const startDay = firstDayOfMonth(startMonthIndex);
    const endDay = firstDayOfMonth(startMonthIndex + input.months) - 1;
    super(startDay, endDay, 4096);
    this.opening = input.opening;
    this.startMonth = input.startMonth;
    this.onProgress = input.onProgress;
    this.compiled = compiled;
    this.sink = input.sink;
    this.fs = input.fieldSink;
    this.startMonthIndex = startMonthIndex;
    this.months = input.months;
    this.startDay = startDay;
    this.endDay = endDay;
    this.dayOffset = new Uint16Array(this.endDay - this.startDay + 1);
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

  protected grow(min: number): void {
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
    this.reentryDay = g32(this.reentryDay);
    this.wakeGen = g8(this.wakeGen);
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
  protected alloc(id: string | undefined): number {
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
    this.reentryDay[c] = NEVER;
    this.state[c] = S_FREE;
    this.children++;
    return c;
  }

  protected release(c: number): void {
    this.state[c] = S_FREE;
    this.ids[c] = '';
    this.freeList.push(c);
  }

  /** Parameters of the month containing `day` (month 0 before the start, the last month after). */
  protected pAt(day: number): CompiledParameters {
    const i = day - this.startDay;
    const m = i < 0 ? 0 : i >= this.dayOffset.length ? this.months - 1 : this.dayOffset[i];
    const cs = this.compiled;
    return cs[m < cs.length ? m : cs.length - 1];
  }

  protected wake(c: number, day: number): void {
    this.schedule(day, c | (this.wakeGen[c] << WAKE_GEN_SHIFT), K_WAKE);
  }

  /** Makes the child's pending wake stale (its state is being cut short). */
  protected dropWake(c: number): void {
    this.wakeGen[c] = (this.wakeGen[c] + 1) & 15;
  }

  protected isWorking(day: number): boolean {
    return workingDaysBetween(day - 1, day) === 1;
  }

  protected workingOnOrAfter(day: number): number {
    return this.isWorking(day) ? day : addWorkingDays(day, 1);
  }
}
