/**
 * Seeded pseudo-random numbers. The engine draws every random number from an `Rng` passed in;
 * it never calls Math.random. The generator is SFC32 (small fast counting RNG, 128-bit state,
 * passes PractRand/BigCrush), seeded through SplitMix32 so that nearby seeds give unrelated
 * streams. `Rng.stream(seed, ...keys)` derives independent sub-streams, e.g. one per replication.
 */

import type { UniformSource } from './distributions.ts';

function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [s, z >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed | 0;
    let v: number;
    [s, v] = splitmix32(s);
    this.a = v | 0;
    [s, v] = splitmix32(s);
    this.b = v | 0;
    [s, v] = splitmix32(s);
    this.c = v | 0;
    [s, v] = splitmix32(s);
    this.d = v | 0;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** An independent generator for (seed, key1, key2, …): e.g. `Rng.stream(seed, replication)`. */
  static stream(seed: number, ...keys: number[]): Rng {
    let h = seed | 0;
    for (const k of keys) {
      const [, z] = splitmix32((h ^ Math.imul(k | 0, 0x27d4eb2f)) | 0);
      h = (z ^ Math.imul(h, 0x165667b1)) | 0;
    }
    return new Rng(h);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform on [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer on [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** The generator's state, so a run can be checkpointed and resumed. */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }
}

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
