/**
 * Sweep designs and Sobol estimators against known answers: grid combinations, Latin hypercube
 * strata, the Saltelli matrices' structure, and the analytic Sobol indices of a linear model and
 * of the Ishigami function.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDesign, designSize, gridDesign, latinHypercubeUnit, normalCdf, normalQuantile, quantileOf, saltelliUnit, type Distribution } from '../src/sweep/design.ts';
import { sobolIndices, tornado } from '../src/sweep/sobol.ts';
import { Rng } from '../src/simulation/random.ts';

const U = (min: number, max: number): Distribution => ({ dist: 'uniform', min, max });

describe('distributions', () => {
  it('inverse CDFs: uniform, triangular, normal (truncated), discrete values', () => {
    expect(quantileOf(U(2, 6), 0.25)).toBe(3);
    const tri: Distribution = { dist: 'triangular', min: 0, mode: 1, max: 4 };
    // CDF at the mode is (mode - min)/(max - min) = 0.25
    expect(quantileOf(tri, 0.25)).toBeCloseTo(1, 12);
    expect(quantileOf(tri, 0)).toBe(0);
    expect(quantileOf(tri, 1)).toBe(4);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    const n: Distribution = { dist: 'normal', mean: 10, sd: 2, min: 9, max: 20 };
    expect(quantileOf(n, 0)).toBeCloseTo(9, 5);
    expect(quantileOf(n, 0.999999)).toBeLessThanOrEqual(20);
    const v: Distribution = { dist: 'values', values: [1, 5, 9] };
    expect([0, 0.34, 0.99].map((u) => quantileOf(v, u))).toEqual([1, 5, 9]);
  });
});

describe('designs', () => {
  it('grid: every combination, last factor fastest, ends included', () => {
    const g = gridDesign([U(0, 1), { dist: 'values', values: [10, 20] }], 3);
    expect(g).toEqual([
      [0, 10], [0, 20], [0.5, 10], [0.5, 20], [1, 10], [1, 20],
    ]);
    expect(designSize({ type: 'grid', levels: 3 }, [U(0, 1), { dist: 'values', values: [10, 20] }])).toBe(6);
  });

  it('Latin hypercube: exactly one point in each stratum of every dimension (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer(), (n, k, seed) => {
        const pts = latinHypercubeUnit(n, k, new Rng(seed));
        expect(pts).toHaveLength(n);
        for (let i = 0; i < k; i++) {
          const strata = pts.map((p) => Math.floor(p[i] * n)).sort((a, b) => a - b);
          expect(strata).toEqual(Array.from({ length: n }, (_, j) => j));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('Saltelli: AB_i is A with column i from B; N(k+2) points', () => {
    const n = 5;
    const k = 3;
    const pts = saltelliUnit(n, k, new Rng(4));
    expect(pts).toHaveLength(n * (k + 2));
    for (let j = 0; j < n; j++) {
      const a = pts[j * (k + 2)];
      const b = pts[j * (k + 2) + 1];
      for (let i = 0; i < k; i++) {
        const ab = pts[j * (k + 2) + 2 + i];
        for (let c = 0; c < k; c++) expect(ab[c]).toBe(c === i ? b[c] : a[c]);
      }
    }
  });

  it('designs are reproducible from the seed and mapped through the distributions', () => {
    const dists = [U(-1, 1), U(100, 200)];
    const d1 = buildDesign({ type: 'lhs', points: 8 }, dists, 42);
    const d2 = buildDesign({ type: 'lhs', points: 8 }, dists, 42);
    const d3 = buildDesign({ type: 'lhs', points: 8 }, dists, 43);
    expect(d1).toEqual(d2);
    expect(d1).not.toEqual(d3);
    for (const p of d1.points) {
      expect(p[0]).toBeGreaterThanOrEqual(-1);
      expect(p[0]).toBeLessThan(1);
      expect(p[1]).toBeGreaterThanOrEqual(100);
      expect(p[1]).toBeLessThan(200);
    }
    expect(buildDesign({ type: 'saltelli', samples: 4 }, dists, 1).points).toHaveLength(16);
  });
});

function evaluate(pointsUnit: number[][], f: (x: number[]) => number): Float64Array {
  return Float64Array.from(pointsUnit.map(f));
}

describe('Sobol indices', () => {
  it('a linear model: S_i = ST_i = a_i² / Σ a_j² (uniform inputs), inside the 99% bootstrap intervals', () => {
    const a = [1, 2, 3, 0];
    const k = a.length;
    const pts = saltelliUnit(10000, k, new Rng(11));
    const y = evaluate(pts, (x) => x.reduce((s, xi, i) => s + a[i] * xi, 0));
    const r = sobolIndices(y, k, { bootstrap: 200, seed: 3, confidence: 0.99 });
    const sum = a.reduce((s, ai) => s + ai * ai, 0);
    for (let i = 0; i < k; i++) {
      const exact = (a[i] * a[i]) / sum;
      expect(r.first[i]).toBeCloseTo(exact, 1);
      expect(r.total[i]).toBeCloseTo(exact, 1);
      expect(r.firstLo[i]).toBeLessThanOrEqual(exact + 1e-12);
      expect(r.firstHi[i]).toBeGreaterThanOrEqual(exact - 1e-12);
      expect(r.totalLo[i]).toBeLessThanOrEqual(exact + 1e-12);
      expect(r.totalHi[i]).toBeGreaterThanOrEqual(exact - 1e-12);
    }
    // a factor with no effect has a total index of exactly 0 (f(A) = f(AB_i) on every row)
    expect(r.total[3]).toBe(0);
    expect(r.rows).toBe(10000);
  });

  it('Ishigami (a = 7, b = 0.1): the analytic first-order and total indices', () => {
    const A = 7;
    const B = 0.1;
    const pi4 = Math.PI ** 4;
    const pi8 = Math.PI ** 8;
    const V = (A * A) / 8 + (B * pi4) / 5 + (B * B * pi8) / 18 + 0.5;
    const V1 = 0.5 * (1 + (B * pi4) / 5) ** 2;
    const V2 = (A * A) / 8;
    const V13 = (8 * B * B * pi8) / 225;
    const exactFirst = [V1 / V, V2 / V, 0];
    const exactTotal = [(V1 + V13) / V, V2 / V, V13 / V];
    // the known values: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    expect(exactFirst[0]).toBeCloseTo(0.3139, 4);
    expect(exactTotal[2]).toBeCloseTo(0.2437, 4);
    const k = 3;
    const pts = saltelliUnit(20000, k, new Rng(2024)).map((u) => u.map((x) => -Math.PI + 2 * Math.PI * x));
    const y = evaluate(pts, (x) => Math.sin(x[0]) + A * Math.sin(x[1]) ** 2 + B * x[2] ** 4 * Math.sin(x[0]));
    const r = sobolIndices(y, k, { bootstrap: 100, seed: 9 });
    for (let i = 0; i < k; i++) {
      expect(Math.abs(r.first[i] - exactFirst[i])).toBeLessThan(0.03);
      expect(Math.abs(r.total[i] - exactTotal[i])).toBeLessThan(0.03);
      expect(r.totalLo[i]).toBeLessThan(exactTotal[i] + 0.01);
      expect(r.totalHi[i]).toBeGreaterThan(exactTotal[i] - 0.01);
    }
  });

  it('rows with a NaN output are dropped and counted; bad lengths are refused', () => {
    const y = [1, 2, 3, NaN, 5, 6, 2, 4, 1];
    const r = sobolIndices(y, 1);
    expect(r.rowsDropped).toBe(1);
    expect(r.rows).toBe(2);
    expect(() => sobolIndices([1, 2, 3, 4], 1)).toThrow(RangeError);
  });
});

describe('tornado ranges', () => {
  it('a 3-level grid: the means at the lowest and highest level of each factor', () => {
    const pts = gridDesign([U(0, 2), U(0, 1)], 3);
    const y = pts.map((p) => 10 * p[0] + p[1]);
    const bars = tornado(pts, y);
    expect(bars[0].low).toBeCloseTo(0.5, 12);
    expect(bars[0].high).toBeCloseTo(20.5, 12);
    expect(bars[1].low).toBeCloseTo(10, 12);
    expect(bars[1].high).toBeCloseTo(11, 12);
  });
});
