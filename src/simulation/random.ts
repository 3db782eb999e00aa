/**
 * Seeded pseudo-random numbers. The engine draws every random number from a generator passed in;
 * it never calls Math.random. The generator is SFC32 (small fast counting RNG, 128-bit state,
 * passes PractRand/BigCrush), seeded through SplitMix32 so that nearby seeds give unrelated
 * streams. `Rng.stream(seed, ...keys)` derives independent sub-streams, e.g. one per replication.
 *
 * There is one implementation: `SlotRng` keeps the 4-word SFC32 state of many streams in one
 * typed array (the engine's per-child streams), and `Rng` is a `SlotRng` of one stream.
 */
import type { UniformSource } from './distributions.ts';

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
 * Random streams with their SFC32 state in a typed array, 4 words per slot; draws come from the
 * selected slot. `seed(slot, h, n)` puts the slot in exactly the state of `Rng.stream(key, 2, n)`,
 * where `h` is the hash of (key, 2) (`streamHash(key, 2)`), without allocating.
 */
export class SlotRng implements UniformSource {
  state: Int32Array;
  base = 0;

  constructor(slots = 0) {
    this.state = new Int32Array(slots * 4);
  }

  /** Hash step of `Rng.stream`: combines the running hash `h` with key `k`. */
  static streamHash(h: number, k: number): number {
    const z = splitmixValue(splitmixState((h ^ Math.imul(k | 0, 0x27d4eb2f)) | 0));
    return (z ^ Math.imul(h, 0x165667b1)) | 0;
  }

  /** Seeds `slot` from the 32-bit seed `seed` (SplitMix32, then 12 warm-up draws) and selects it. */
  seedFrom(slot: number, seed: number): void {
    let s = splitmixState(seed | 0);
    let a = splitmixValue(s);
    s = splitmixState(s);
    let b = splitmixValue(s);
    s = splitmixState(s);
    let c = splitmixValue(s);
    s = splitmixState(s);
    let d = splitmixValue(s);
    // the 12 warm-up draws, in registers
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

  /** Seeds `slot` as the stream `n` under the running hash `h`, and selects it. */
  seed(slot: number, h: number, n: number): void {
    this.seedFrom(slot, SlotRng.streamHash(h, n));
  }

  select(slot: number): void {
    this.base = slot << 2;
  }

  /** The next 32 bits of the selected stream, as an unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const i = this.base;
    const a = s[i];
    const b = s[i + 1];
    const c = s[i + 2];
    const d = s[i + 3];
    const t = (((a + b) | 0) + d) | 0;
    s[i] = b ^ (b >>> 9);
    s[i + 1] = (c + (c << 3)) | 0;
    s[i + 2] = (((c << 21) | (c >>> 11)) + t) | 0;
    s[i + 3] = (d + 1) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer on [0, n) from the selected stream. */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** The selected stream's state, so a run can be checkpointed and resumed. */
  snapshot(): [number, number, number, number] {
    const s = this.state;
    const i = this.base;
    return [s[i], s[i + 1], s[i + 2], s[i + 3]];
  }
}

/**
 * One random stream: a `SlotRng` of one slot. `new Rng(seed)` builds a `SlotRng` (not an object
 * of a subclass), so that every generator the engine draws from has one shape and the samplers'
 * call sites stay monomorphic (a second class made V8 throw their optimised code away).
 */
export type Rng = SlotRng;

interface RngConstructor {
  /** A stream seeded from the 32-bit `seed`. */
  new (seed: number): Rng;
  /** An independent generator for (seed, key1, key2, …): e.g. `Rng.stream(seed, replication)`. */
  stream(seed: number, ...keys: number[]): Rng;
}

function oneStream(seed: number): SlotRng {
  const r = new SlotRng(1);
  r.seedFrom(0, seed);
  return r;
}

function stream(seed: number, ...keys: number[]): Rng {
  let h = seed | 0;
  for (const k of keys) h = SlotRng.streamHash(h, k);
  return oneStream(h);
}

/** A constructor that returns a `SlotRng` of one stream (see `Rng`). */
export const Rng = Object.assign(function Rng(seed: number): SlotRng {
  return oneStream(seed);
}, { stream }) as unknown as RngConstructor;

/** The 32-bit key every random stream of replication `replication` derives from: drawn from `Rng.stream(seed, replication)`. */
export function replicationKey(seed: number, replication: number): number {
  return Rng.stream(seed, replication).nextUint32() | 0;
}
