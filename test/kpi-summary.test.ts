/** Ensemble statistics over replications: known answers, NaN handling and order invariance. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { summarise, statsOf, quantileSorted, type KpiRun } from '../src/projections/index.ts';

function run(values: Record<string, number[]>, extra: Partial<KpiRun> = {}): KpiRun {
  const months = Object.values(values)[0].length;
  const f = (r: Record<string, number[]>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Float64Array.from(v)]));
  return { startMonth: '2024-01', months, values: f(values), numerators: {}, denominators: {}, ...extra };
}

/** Type-7 quantile written independently: R's definition on a plain sorted array. */
function r7(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p + 1; // 1-based
  const j = Math.floor(h);
  const g = h - j;
  const at = (k: number) => s[Math.min(Math.max(k, 1), s.length) - 1];
  return at(j) + g * (at(j + 1) - at(j));
}

describe('summarise', () => {
  it('gives type-7 quantiles and the mean: 1..10 as R quantile() does', () => {
    const runs = Array.from({ length: 10 }, (_, i) => run({ cla_open: [i + 1] }));
    const st = summarise('s', runs).stats.cla_open[0];
    expect(st.mean).toBe(5.5);
    expect(st.p5).toBeCloseTo(1.45, 12);
    expect(st.p25).toBeCloseTo(3.25, 12);
    expect(st.p50).toBeCloseTo(5.5, 12);
    expect(st.p75).toBeCloseTo(7.75, 12);
    expect(st.p95).toBeCloseTo(9.55, 12);
  });

  it('makes every statistic equal the value for a single run', () => {
    const s = summarise('one', [run({ cla_open: [3, 7.25], cp_open: [0, 1] })]);
    expect(s.runs).toBe(1);
    for (const [id, want] of [['cla_open', [3, 7.25]], ['cp_open', [0, 1]]] as const) {
      s.stats[id].forEach((st, m) => {
        for (const v of Object.values(st)) expect(v).toBe(want[m]);
      });
    }
  });

  it('ignores NaN, and gives NaN where no run has a value', () => {
    const s = summarise('x', [run({ rereferral_pct: [NaN, NaN] }), run({ rereferral_pct: [4, NaN] }), run({ rereferral_pct: [2, NaN] })]);
    const st = s.stats.rereferral_pct[0];
    expect(st.mean).toBe(3);
    expect(st.p50).toBe(3);
    expect(st.p5).toBeCloseTo(2.1, 12);
    expect(Object.values(s.stats.rereferral_pct[1]).every(Number.isNaN)).toBe(true);
  });

  it('averages numerators and denominators over runs', () => {
    const mk = (n: number, d: number) => run({ cla_rate: [n / d] }, { numerators: { cla_rate: Float64Array.of(n) }, denominators: { cla_rate: Float64Array.of(d) } });
    const s = summarise('x', [mk(10, 100), mk(20, 100), mk(60, 200)]);
    expect(s.numerators.cla_rate).toEqual([30]);
    expect(s.denominators.cla_rate[0]).toBeCloseTo(400 / 3, 12);
  });

  it('rejects runs that do not line up', () => {
    expect(() => summarise('x', [])).toThrow(/no runs/);
    expect(() => summarise('x', [run({ cla_open: [1, 2] }), run({ cla_open: [1] })])).toThrow(/run 1 covers 2024-01 for 1 months/);
    expect(() => summarise('x', [run({ cla_open: [1], cp_open: [1] }), run({ cla_open: [1] })])).toThrow(/run 1 has no values for KPI "cp_open"/);
  });

  it('agrees with an independent type-7 quantile, is ordered, and does not depend on the order of runs', () => {
    const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN), fc.integer({ min: 0, max: 50 }));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 40 }), fc.nat(), (xs, seed) => {
        const runs = xs.map((x) => run({ cla_open: [x] }));
        const st = summarise('s', runs).stats.cla_open[0];
        const finite = xs.filter((x) => !Number.isNaN(x));
        if (finite.length === 0) {
          expect(Number.isNaN(st.mean)).toBe(true);
          return;
        }
        const tol = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
        tol(st.p5, r7(finite, 0.05));
        tol(st.p25, r7(finite, 0.25));
        tol(st.p50, r7(finite, 0.5));
        tol(st.p75, r7(finite, 0.75));
        tol(st.p95, r7(finite, 0.95));
        expect(st.p5 <= st.p25 && st.p25 <= st.p50 && st.p50 <= st.p75 && st.p75 <= st.p95).toBe(true);
        expect(st.mean >= Math.min(...finite) - 1e-6 && st.mean <= Math.max(...finite) + 1e-6).toBe(true);
        // a permutation of the runs gives exactly the same statistics
        const shuffled = [...runs];
        let s = seed;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (s * 1103515245 + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        expect(summarise('s', shuffled).stats).toEqual(summarise('s', runs).stats);
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it('exposes the quantile and stats helpers', () => {
    expect(quantileSorted(Float64Array.of(10, 20), 2, 0.5)).toBe(15);
    expect(quantileSorted([], 0, 0.5)).toBeNaN();
    expect(statsOf([5, NaN, 1, 3])).toEqual({ mean: 3, p5: 1.2, p25: 2, p50: 3, p75: 4, p95: 4.8 });
  });
});
