/**
 * Measurement helpers for the benchmarks: timing with warm-up and medians, the plain-loop
 * baselines every figure is compared with, draw counting, a least-squares line, machine facts.
 *
 * Why baselines: on a shared or noisy machine an absolute figure moves with the load; a plain
 * loop measured in the same run, doing the same number of PRNG draws and array writes with no
 * engine around them, moves with it. The ratio engine / baseline is what to compare across runs.
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Rng, SlotRng } from '../src/simulation/random.ts';

/** The middle value (the mean of the two middle values for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Timed<T> {
  /** Seconds of each measured run (warm-up runs not included). */
  readonly seconds: number[];
  readonly median: number;
  /** What the last run returned. */
  readonly last: T;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured; reports each run's seconds. */
export function timeRuns<T>(fn: (run: number) => T, opts: { warmup: number; runs: number; onRun?: (i: number, seconds: number) => void }): Timed<T> {
  if (!(opts.runs >= 1)) throw new RangeError(`runs must be at least 1 (got ${opts.runs})`);
  for (let i = 0; i < opts.warmup; i++) fn(-1 - i);
  const seconds: number[] = [];
  let last!: T;
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    last = fn(i);
    const s = (performance.now() - t0) / 1000;
    seconds.push(s);
    opts.onRun?.(i, s);
  }
  return { seconds, median: median(seconds), last };
}

/**
 * The plain loop: `events` steps, with `draws` SFC32 draws spread evenly over them and
 * `writesPerEvent` writes into an Int32Array per step. Returns a checksum (so the work is kept).
 */
export function plainLoop(events: number, draws: number, writesPerEvent = 5): number {
  const rng = new Rng(0x5eed);
  const ring = new Int32Array(1 << 16);
  const mask = ring.length - 1;
  let w = 0;
  let acc = 0;
  let done = 0;
  const perEvent = events > 0 ? draws / events : 0;
  for (let e = 1; e <= events; e++) {
    const target = Math.round(e * perEvent);
    for (; done < target; done++) acc = (acc + rng.nextUint32()) | 0;
    for (let k = 0; k < writesPerEvent; k++) ring[(w + k) & mask] = acc + k;
    w += writesPerEvent;
  }
  for (; done < draws; done++) acc = (acc + rng.nextUint32()) | 0;
  return (acc ^ ring[w & mask]) | 0;
}

/**
 * The same plain loop as JavaScript source, for worker threads started with `eval: true`
 * (no TypeScript loader needed). Posts its checksum and seconds when done.
 */
export const PLAIN_LOOP_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
function next(s) {
  const t = (((s[0] + s[1]) | 0) + s[3]) | 0;
  s[3] = (s[3] + 1) | 0;
  s[0] = s[1] ^ (s[1] >>> 9);
  s[1] = (s[2] + (s[2] << 3)) | 0;
  s[2] = (s[2] << 21) | (s[2] >>> 11);
  s[2] = (s[2] + t) | 0;
  return t >>> 0;
}
const { events, draws, writesPerEvent } = workerData;
const t0 = performance.now();
const s = new Int32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, 1]);
const ring = new Int32Array(1 << 16);
const mask = ring.length - 1;
let w = 0, acc = 0, done = 0;
const perEvent = events > 0 ? draws / events : 0;
for (let e = 1; e <= events; e++) {
  const target = Math.round(e * perEvent);
  for (; done < target; done++) acc = (acc + next(s)) | 0;
  for (let k = 0; k < writesPerEvent; k++) ring[(w + k) & mask] = acc + k;
  w += writesPerEvent;
}
parentPort.postMessage({ checksum: acc ^ ring[w & mask], seconds: (performance.now() - t0) / 1000 });
`;

/**
 * Wall seconds for `jobs` plain loops of (`events`, `draws`) each, shared by `workers` worker
 * threads (each takes its share of the jobs as one loop). The baseline of an ensemble.
 */
export async function plainLoopOnWorkers(jobs: number, events: number, draws: number, workers: number): Promise<number> {
  const t0 = performance.now();
  const shares: number[] = [];
  for (let w = 0; w < workers; w++) shares.push(Math.floor(jobs / workers) + (w < jobs % workers ? 1 : 0));
  await Promise.all(
    shares
      .filter((n) => n > 0)
      .map(
        (n) =>
          new Promise<void>((resolve, reject) => {
            const worker = new Worker(PLAIN_LOOP_WORKER, { eval: true, workerData: { events: events * n, draws: draws * n, writesPerEvent: 5 } });
            worker.once('message', () => {
              void worker.terminate();
              resolve();
            });
            worker.once('error', reject);
          }),
      ),
  );
  return (performance.now() - t0) / 1000;
}

/**
 * PRNG draws made while `fn` runs: every `Rng` draw and every draw of the engine's per-child
 * streams (their 12 warm-up draws at seeding included). Counting slows the run: do not time it.
 */
export function countDraws<T>(fn: () => T): { draws: number; result: T } {
  // Rng is a SlotRng of one stream: every draw goes through nextUint32, every seeding through seedFrom
  const proto = SlotRng.prototype as unknown as { nextUint32: () => number; seedFrom: (slot: number, seed: number) => void };
  const next = proto.nextUint32;
  const seedFrom = proto.seedFrom;
  let draws = 0;
  proto.nextUint32 = function (this: SlotRng) {
    draws++;
    return next.call(this);
  };
  proto.seedFrom = function (this: SlotRng, slot: number, seed: number) {
    draws += 12;
    seedFrom.call(this, slot, seed);
  };
  try {
    const result = fn();
    return { draws, result };
  } finally {
    proto.nextUint32 = next;
    proto.seedFrom = seedFrom;
  }
}

export interface Line {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination (1: the points lie on the line). */
  readonly r2: number;
}

/** Least-squares line through (x, y) points. */
export function fitLine(xs: readonly number[], ys: readonly number[]): Line {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new RangeError(`fitLine needs at least 2 points and as many y as x (got ${n} and ${ys.length})`);
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) throw new RangeError('fitLine needs at least two different x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2 };
}

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model?.trim() || 'unknown',
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
