/**
 * The data structures behind the engine's speed give exactly the answers of the plain versions
 * they replace: the day bucket queue pops like the binary heap, the guide-table categorical draws
 * like a linear scan, the dense child numbering numbers ids like a Map.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChildIndex } from '../src/events/childIndex.ts';
import { Categorical } from '../src/simulation/distributions.ts';
import { DayQueue, EventQueue } from '../src/simulation/scheduler.ts';
import { Rng } from '../src/simulation/random.ts';

describe('DayQueue', () => {
  const FIRST = 100;
  const LAST = 160;

  it('pops what EventQueue pops, in the same order, up to the last day', () => {
    // ops: push (day relative to the day last popped, so most are on or after it) or pop
    const op = fc.oneof(
      fc.record({ push: fc.integer({ min: -3, max: 70 }), kind: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ pop: fc.constant(true) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const heap = new EventQueue(2);
        const buckets = new DayQueue(FIRST, LAST, 2);
        let current = FIRST;
        let payload = 0;
        const fromHeap: number[][] = [];
        const fromBuckets: number[][] = [];
        const popBoth = () => {
          // the heap's entries after the last day are never popped by the engine: stop there
          const hasHeap = heap.size > 0 && heap.peekDay() <= LAST;
          if (hasHeap) {
            heap.pop();
            fromHeap.push([heap.day, heap.payload, heap.kind]);
            current = heap.day;
          }
          const hasBuckets = buckets.pop();
          if (hasBuckets) fromBuckets.push([buckets.day, buckets.payload, buckets.kind]);
          expect(hasBuckets).toBe(hasHeap);
        };
        for (const o of ops) {
          if ('push' in o) {
            const day = current + o.push;
            heap.push(day, payload, o.kind);
            buckets.push(day, payload, o.kind);
            payload++;
          } else popBoth();
        }
        while (heap.size > 0 && heap.peekDay() <= LAST) popBoth();
        expect(buckets.pop()).toBe(false);
        expect(fromBuckets).toEqual(fromHeap);
      }),
    );
  });

  it('counts what it drops after the last day and serves earlier days first', () => {
    const q = new DayQueue(10, 20);
    q.push(25, 1, 0);
    q.push(12, 2, 0);
    q.push(12, 3, 0);
    expect(q.dropped).toBe(1);
    expect(q.size).toBe(2);
    expect(q.pop()).toBe(true);
    expect([q.day, q.payload]).toEqual([12, 2]);
    q.push(11, 4, 0); // before the day being served: comes next
    q.push(12, 5, 0);
    const order: number[] = [];
    while (q.pop()) order.push(q.payload);
    expect(order).toEqual([4, 3, 5]);
    expect(() => new DayQueue(5, 4)).toThrow(RangeError);
  });
});

describe('Categorical with a guide table', () => {
  /** The linear scan the guide table replaces. */
  function linear(c: Categorical, u: number): number {
    const cum = c.cumulative;
    let i = 0;
    while (i < cum.length - 1 && u >= cum[i]) i++;
    return i;
  }

  it('draws the index a linear scan of the cumulative weights gives, for any weights and uniform', () => {
    const weights = fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true })), { minLength: 1, maxLength: 70 }).filter((w) => w.some((x) => x > 0));
    const uniforms = fc.array(fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 4294967295 }).map((x) => x / 4294967296)), { maxLength: 60 });
    fc.assert(
      fc.property(weights, uniforms, (w, us) => {
        const c = new Categorical(w);
        // the cumulative boundaries themselves are the hardest cases
        for (const u of [...us, ...Array.from(c.cumulative).filter((x) => x < 1), 0]) {
          expect(c.sample({ uniform: () => u })).toBe(linear(c, u));
        }
      }),
    );
  });

  it('never draws a zero-weight category, and keeps a seeded stream reproducible', () => {
    const c = new Categorical([0, 3, 0, 1, 0]);
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const x = c.sample(a);
      expect([1, 3]).toContain(x);
      expect(x).toBe(linear(c, b.uniform()));
    }
  });
});

describe('ChildIndex', () => {
  const id = fc.oneof(
    fc.integer({ min: 0, max: 5000 }).map((n) => `N${n}`),
    fc.integer({ min: 0, max: 5000 }).map((n) => `O${n}`),
    fc.integer({ min: 0, max: 50 }).map((n) => `NN0${n}`),
    fc.integer({ min: 0, max: 2 ** 31 }).map((n) => `C${n}`),
    fc.integer({ min: 0, max: 999 }).map(String),
    fc.stringMatching(/^[A-Za-z0-9/_-]{1,12}$/),
    fc.constantFrom('', 'N', '007', 'N01', 'N1', 'verylongprefix123'),
  );

  it('numbers ids 1, 2, 3 … in order of first sight, the same number for the same id', () => {
    fc.assert(
      fc.property(fc.array(id, { maxLength: 500 }), (ids) => {
        const index = new ChildIndex();
        const reference = new Map<string, number>();
        for (const x of ids) {
          if (!reference.has(x)) reference.set(x, reference.size + 1);
          expect(index.get(x)).toBe(reference.get(x));
        }
        expect(index.count).toBe(reference.size);
      }),
    );
  });

  it('gives an id first seen as a sparse number the same number once the table has grown past it', () => {
    const index = new ChildIndex();
    const big = `N${50_000_000}`;
    expect(index.get(big)).toBe(1);
    for (let i = 0; i < 2000; i++) index.get(`N${i}`);
    expect(index.get(big)).toBe(1);
    expect(index.get('N0')).toBe(2);
    expect(index.fresh()).toBe(2002);
  });
});
