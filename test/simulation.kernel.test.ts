import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addYears, ageOn, dayOf, ymd } from '../src/calendar/index.ts';
import {
  Categorical,
  DefectiveTable,
  duration,
  gammaP,
  gammaVariate,
  lnGamma,
  negativeBinomial,
  normalCdf,
  normalQuantile,
  poisson,
  weibullShapeForCv,
  type DurationSpec,
} from '../src/simulation/distributions.ts';
import { EventQueue } from '../src/simulation/scheduler.ts';
import { addYearsFast, ageFast, civilFromDays, daysFromCivil } from '../src/calendar/civil.ts';
import { SlotRng } from '../src/simulation/engine.ts';
import { Rng } from '../src/simulation/random.ts';

function meanVar(xs: ArrayLike<number>): [number, number] {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  const m = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - m) ** 2;
  return [m, v / (xs.length - 1)];
}

describe('EventQueue', () => {
  it('pops in day order, and in push order within a day', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { maxLength: 300 }), (ops) => {
        const q = new EventQueue(2);
        const pending: { day: number; seq: number }[] = [];
        let seq = 0;
        for (const [day, popNow] of ops) {
          q.push(day, seq, 1);
          pending.push({ day, seq });
          seq++;
          if (popNow) {
            pending.sort((a, b) => a.day - b.day || a.seq - b.seq);
            const want = pending.shift()!;
            expect(q.pop()).toBe(true);
            expect([q.day, q.payload, q.kind]).toEqual([want.day, want.seq, 1]);
          }
        }
        pending.sort((a, b) => a.day - b.day || a.seq - b.seq);
        expect(q.size).toBe(pending.length);
        for (const want of pending) {
          expect(q.peekDay()).toBe(want.day);
          q.pop();
          expect([q.day, q.payload]).toEqual([want.day, want.seq]);
        }
        expect(q.pop()).toBe(false);
        expect(q.peekDay()).toBe(Infinity);
      }),
    );
  });

  it('handles days far from the epoch (years 1900–2199)', () => {
    const q = new EventQueue();
    const days = [dayOf(2199, 12, 31), dayOf(1900, 1, 1), dayOf(2023, 3, 1), dayOf(2023, 3, 1)];
    days.forEach((d, i) => q.push(d, i, 0));
    const out: number[] = [];
    while (q.pop()) out.push(q.payload);
    expect(out).toEqual([1, 2, 3, 0]);
  });
});

describe('special functions', () => {
  it('lnGamma matches known values', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(2)).toBeCloseTo(0, 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });

  it('gammaP(1, x) = 1 - exp(-x) and gammaP(a, ·) rises from 0 to 1', () => {
    for (const x of [0.01, 0.5, 1, 3, 10]) expect(gammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 12);
    // chi-square with 4 degrees of freedom at 9.4877 is 0.95: P(2, 4.74385)
    expect(gammaP(2, 9.4877 / 2)).toBeCloseTo(0.95, 4);
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 30, noNaN: true }), fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (a, x, dx) => {
        const p = gammaP(a, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(gammaP(a, x + dx)).toBeGreaterThanOrEqual(p - 1e-12);
      }),
    );
  });

  it('normalQuantile inverts normalCdf', () => {
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 6);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (p) => {
        expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
      }),
    );
  });
});

describe('count distributions', () => {
  it.each([0.3, 4, 29.5, 30.5, 250, 12000])('Poisson(%s) has mean and variance lambda', (lambda) => {
    const rng = new Rng(42);
    const n = 40000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = poisson(rng, lambda);
      expect(Number.isInteger(xs[i]) && xs[i] >= 0).toBe(true);
    }
    const [m, v] = meanVar(xs);
    expect(Math.abs(m - lambda)).toBeLessThan(4 * Math.sqrt(lambda / n));
    expect(v / lambda).toBeGreaterThan(0.95);
    expect(v / lambda).toBeLessThan(1.05);
  });

  it('Poisson(0) and negative means give 0', () => {
    const rng = new Rng(1);
    expect(poisson(rng, 0)).toBe(0);
    expect(poisson(rng, -3)).toBe(0);
    expect(negativeBinomial(rng, 0, 5)).toBe(0);
  });

  it('negative binomial is over-dispersed: variance = mean + mean²/size', () => {
    const rng = new Rng(7);
    const n = 40000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = negativeBinomial(rng, 100, 5);
    const [m, v] = meanVar(xs);
    expect(Math.abs(m - 100)).toBeLessThan(4 * Math.sqrt(2100 / n));
    expect(v / 2100).toBeGreaterThan(0.93);
    expect(v / 2100).toBeLessThan(1.07);
    // size 0 means Poisson
    for (let i = 0; i < n; i++) xs[i] = negativeBinomial(rng, 100, 0);
    const [, vp] = meanVar(xs);
    expect(vp / 100).toBeLessThan(1.06);
  });

  it('gamma variates have mean shape·scale and variance shape·scale²', () => {
    for (const [shape, scale] of [
      [0.4, 3],
      [2.5, 2],
      [30, 0.1],
    ]) {
      const rng = new Rng(3);
      const n = 40000;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = gammaVariate(rng, shape, scale);
      const [m, v] = meanVar(xs);
      expect(m / (shape * scale)).toBeCloseTo(1, 1);
      expect(v / (shape * scale * scale)).toBeGreaterThan(0.9);
      expect(v / (shape * scale * scale)).toBeLessThan(1.1);
    }
  });
});

describe('duration distributions', () => {
  const parametric = fc.record({
    dist: fc.constantFrom('lognormal' as const, 'gamma' as const, 'weibull' as const),
    mean: fc.double({ min: 0.5, max: 200, noNaN: true }),
    cv: fc.double({ min: 0.15, max: 2.5, noNaN: true }),
  });

  it('Weibull shape for a coefficient of variation: exponential and Rayleigh-like known answers', () => {
    expect(weibullShapeForCv(1)).toBeCloseTo(1, 6);
    expect(weibullShapeForCv(Math.sqrt(4 / Math.PI - 1))).toBeCloseTo(2, 5);
  });

  it('quantile inverts cdf, survival = 1 - cdf, and the capped mean never exceeds the cap or the mean', () => {
    fc.assert(
      fc.property(parametric, fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.01, max: 3, noNaN: true }), (spec, p, capFactor) => {
        const d = duration(spec);
        const t = d.quantile(p);
        expect(t).toBeGreaterThan(0);
        expect(d.cdf(t)).toBeCloseTo(p, 5);
        expect(d.survival(t)).toBeCloseTo(1 - p, 5);
        const cap = capFactor * spec.mean;
        const mc = d.meanCapped(cap);
        expect(mc).toBeLessThanOrEqual(cap * (1 + 1e-9));
        expect(mc).toBeLessThanOrEqual(d.mean * (1 + 1e-3));
        // the closed form agrees with a fine trapezoid integral of the survival up to the cap
        const n = 4000;
        let integral = 0;
        for (let i = 0; i < n; i++) integral += ((d.survival((i * cap) / n) + d.survival(((i + 1) * cap) / n)) / 2) * (cap / n);
        expect(Math.abs(mc - integral)).toBeLessThan(2e-3 * cap);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['lognormal', 9.5, 0.57],
    ['gamma', 6, 0.9],
    ['weibull', 9.5, 0.57],
    ['lognormal', 28, 0.7],
    ['weibull', 30, 1.4],
  ] as const)('%s(mean %s, cv %s): sample mean and cv match, and the integral of the survival is the mean', (dist, mean, cv) => {
    const d = duration({ dist, mean, cv });
    const rng = new Rng(11);
    const n = 60000;
    const xs = new Float64Array(n);
    for (let i = 0; i < n; i++) xs[i] = d.sample(rng);
    const [m, v] = meanVar(xs);
    expect(Math.abs(m - mean)).toBeLessThan(5 * ((mean * cv) / Math.sqrt(n)));
    expect(Math.sqrt(v) / m).toBeCloseTo(cv, 1);
    expect(d.meanCapped(mean * 200) / mean).toBeCloseTo(1, 2);
  });

  it('sampleAbove(a) draws from the distribution conditional on lasting longer than a', () => {
    fc.assert(
      fc.property(parametric, fc.double({ min: 0.05, max: 0.9, noNaN: true }), (spec, q) => {
        const d = duration(spec);
        const a = d.quantile(q);
        const b = d.quantile(q + (1 - q) / 2); // median of the conditional distribution
        const rng = new Rng(5);
        let above = 0;
        const n = 2000;
        for (let i = 0; i < n; i++) {
          const x = d.sampleAbove(rng, a);
          expect(x).toBeGreaterThanOrEqual(a);
          if (x > b) above++;
        }
        // P(X > b | X > a) = 1/2
        expect(Math.abs(above / n - 0.5)).toBeLessThan(0.05);
      }),
      { numRuns: 30 },
    );
  });

  it('empirical tables: piecewise-linear cdf, mean and capped mean by hand', () => {
    const spec: DurationSpec = {
      dist: 'empirical',
      points: [
        [10, 0.5],
        [20, 1],
      ],
    };
    const d = duration(spec);
    expect(d.cdf(5)).toBeCloseTo(0.25, 12);
    expect(d.cdf(15)).toBeCloseTo(0.75, 12);
    expect(d.quantile(0.75)).toBeCloseTo(15, 12);
    // mean = ∫ S = 10·(1 + 0.5)/2 + 10·(0.5 + 0)/2 = 7.5 + 2.5
    expect(d.mean).toBeCloseTo(10, 12);
    // capped at 10: 7.5; capped at 15: 7.5 + 5·(0.5 + 0.25)/2 = 9.375
    expect(d.meanCapped(10)).toBeCloseTo(7.5, 12);
    expect(d.meanCapped(15)).toBeCloseTo(9.375, 12);
    const rng = new Rng(9);
    for (let i = 0; i < 500; i++) {
      const x = d.sampleAbove(rng, 12);
      expect(x).toBeGreaterThanOrEqual(12);
      expect(x).toBeLessThanOrEqual(20);
    }
  });

  it('defective tables: never happens with probability 1 - F(last)', () => {
    const table = new DefectiveTable([
      [1, 0.1],
      [12, 0.5],
      [36, 0.6],
    ]);
    const rng = new Rng(13);
    const n = 40000;
    let never = 0;
    let within12 = 0;
    for (let i = 0; i < n; i++) {
      const t = table.sample(rng);
      if (!Number.isFinite(t)) never++;
      else if (t <= 12) within12++;
    }
    expect(Math.abs(never / n - 0.4)).toBeLessThan(0.015);
    expect(Math.abs(within12 / n - 0.5)).toBeLessThan(0.015);
    // given no event by 12 months: P(event by 36) = 0.1 / 0.5
    let later = 0;
    for (let i = 0; i < n; i++) {
      const t = table.sampleAbove(rng, 12);
      if (Number.isFinite(t)) {
        expect(t).toBeGreaterThanOrEqual(12);
        later++;
      }
    }
    expect(Math.abs(later / n - 0.2)).toBeLessThan(0.015);
  });
});

describe('Categorical', () => {
  it('chooses each index with its normalised weight and never a zero-weight index', () => {
    const cat = new Categorical([1, 0, 3, 6]);
    const rng = new Rng(21);
    const counts = [0, 0, 0, 0];
    const n = 50000;
    for (let i = 0; i < n; i++) counts[cat.sample(rng)]++;
    expect(counts[1]).toBe(0);
    expect(counts[0] / n).toBeCloseTo(0.1, 2);
    expect(counts[2] / n).toBeCloseTo(0.3, 2);
    expect(counts[3] / n).toBeCloseTo(0.6, 2);
  });

  it('refuses all-zero and negative weights', () => {
    expect(() => new Categorical([0, 0])).toThrow(/all be 0/);
    expect(() => new Categorical([1, -1])).toThrow(/weight 1/);
  });
});

describe('integer calendar arithmetic', () => {
  const day = fc.integer({ min: dayOf(1900, 1, 1), max: dayOf(2150, 12, 31) });

  it('civilFromDays and daysFromCivil agree with the calendar', () => {
    fc.assert(
      fc.property(day, (d) => {
        const c = civilFromDays(d);
        expect(c).toEqual(ymd(d));
        expect(daysFromCivil(...c)).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });

  it('addYearsFast and ageFast agree with addYears and ageOn (29 February included)', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: 9000 }), (d, n, gap) => {
        expect(addYearsFast(d, n)).toBe(addYears(d, n));
        expect(ageFast(d, d + gap)).toBe(ageOn(d, d + gap));
      }),
      { numRuns: 2000 },
    );
    const leap = dayOf(2008, 2, 29);
    expect(addYearsFast(leap, 18)).toBe(dayOf(2026, 2, 28));
    expect(addYearsFast(leap, 16)).toBe(dayOf(2024, 2, 29));
  });
});

describe('per-child random streams', () => {
  it('a seeded slot is exactly Rng.stream(key, 2, serial)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 0, max: 7 }), (key, serial, slot) => {
        const pool = new SlotRng();
        pool.state = new Int32Array(32);
        pool.seed(slot, SlotRng.streamHash(key, 2), serial);
        const ref = Rng.stream(key, 2, serial);
        expect(Array.from(pool.state.subarray(slot * 4, slot * 4 + 4))).toEqual(ref.snapshot());
        pool.select(slot);
        for (let i = 0; i < 5; i++) expect(pool.uniform()).toBe(ref.uniform());
      }),
      { numRuns: 300 },
    );
  });
});
