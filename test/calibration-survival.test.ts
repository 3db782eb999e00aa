import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  density,
  fitCareMixture,
  fitDuration,
  fitReasonShares,
  invertMatrix,
  kaplanMeier,
  kmMedian,
  kmRestrictedMean,
  kmSurvivalAt,
  logNormalUpper,
  nelderMead,
  type CareSpell,
  type Family,
} from '../src/calibration/survival.ts';
import { duration, normalCdf } from '../src/simulation/distributions.ts';
import { Rng } from '../src/simulation/random.ts';

describe('Kaplan–Meier', () => {
  // times 1 2 2 3 4 5 with the second 2 and the 4 censored (hand calculation)
  const steps = kaplanMeier([1, 2, 2, 3, 4, 5], [true, true, false, true, false, true]);

  it('gives the product-limit survival and Greenwood standard errors of a hand calculation', () => {
    expect(steps.map((s) => s.time)).toEqual([1, 2, 3, 4, 5]);
    expect(steps.map((s) => s.atRisk)).toEqual([6, 5, 3, 2, 1]);
    expect(steps.map((s) => s.events)).toEqual([1, 1, 1, 0, 1]);
    expect(steps.map((s) => s.censored)).toEqual([0, 1, 0, 1, 0]);
    const expected = [5 / 6, 4 / 6, 4 / 9, 4 / 9, 0];
    steps.forEach((s, i) => expect(s.survival).toBeCloseTo(expected[i], 12));
    // Greenwood at t = 2: S·sqrt(1/(6·5) + 1/(5·4))
    expect(steps[1].se).toBeCloseTo((4 / 6) * Math.sqrt(1 / 30 + 1 / 20), 12);
  });

  it('answers S(t), the median and the restricted mean', () => {
    expect(kmSurvivalAt(steps, 0.5)).toBe(1);
    expect(kmSurvivalAt(steps, 2.5)).toBeCloseTo(4 / 6, 12);
    expect(kmSurvivalAt(steps, 10)).toBe(0);
    expect(kmMedian(steps)).toBe(3);
    // 1 + 5/6 + 4/6 + 4/9 + 4/9
    expect(kmRestrictedMean(steps, 5)).toBeCloseTo(1 + 5 / 6 + 4 / 6 + 8 / 9, 12);
    expect(kmMedian(kaplanMeier([1, 2], [false, false]))).toBeNaN();
  });

  it('without censoring is one minus the empirical distribution function', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 50 }), (xs, t) => {
        const km = kaplanMeier(xs, xs.map(() => true));
        const ecdf = xs.filter((x) => x <= t).length / xs.length;
        expect(kmSurvivalAt(km, t)).toBeCloseTo(1 - ecdf, 12);
      }),
      { numRuns: 100 },
    );
  });

  it('weights count a spell that many times', () => {
    const a = kaplanMeier([1, 2, 3], [true, false, true], [2, 1, 3]);
    const b = kaplanMeier([1, 1, 2, 3, 3, 3], [true, true, false, true, true, true]);
    expect(a.map((s) => s.survival)).toEqual(b.map((s) => s.survival));
  });

  it('refuses negative or non-finite times', () => {
    expect(() => kaplanMeier([1, -1], [true, true])).toThrow(/time 1 must be a finite number >= 0/);
    expect(() => kaplanMeier([1], [true, false])).toThrow(/same length/);
  });
});

describe('duration families', () => {
  it.each(['lognormal', 'gamma', 'weibull'] as Family[])('%s: survival and density agree with the engine’s distribution', (family) => {
    const spec = { dist: family, mean: 12, cv: 0.8 } as const;
    const d = duration(spec);
    const fit = density(family, 12, 0.8);
    for (const t of [0.5, 3, 12, 30]) {
      expect(fit.survival(t)).toBeCloseTo(d.survival(t), 6);
      expect(Math.exp(fit.logSurvival(t))).toBeCloseTo(d.survival(t), 6);
      // density = −dS/dt, numerically
      const h = 1e-4;
      expect(Math.exp(fit.logPdf(t))).toBeCloseTo((d.cdf(t + h) - d.cdf(t - h)) / (2 * h), 5);
    }
  });

  it('the log upper normal tail stays finite far out', () => {
    expect(Math.exp(logNormalUpper(1))).toBeCloseTo(1 - normalCdf(1), 7);
    expect(logNormalUpper(40)).toBeLessThan(-790);
    expect(Number.isFinite(logNormalUpper(40))).toBe(true);
    expect(logNormalUpper(-8)).toBeCloseTo(0, 12);
  });
});

describe('optimisation', () => {
  it('Nelder–Mead finds the minimum of the Rosenbrock function', () => {
    const m = nelderMead(([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, [-1.2, 1], { maxIterations: 5000 });
    expect(m.x[0]).toBeCloseTo(1, 3);
    expect(m.x[1]).toBeCloseTo(1, 3);
  });

  it('matrix inversion gives the identity back', () => {
    const a = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 2],
    ];
    const inv = invertMatrix(a)!;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(a[i].reduce((s, v, k) => s + v * inv[k][j], 0)).toBeCloseTo(i === j ? 1 : 0, 12);
    expect(invertMatrix([[1, 2], [2, 4]])).toBeUndefined();
  });
});

/** n spells of a family, censored independently at Uniform(0, 3·mean). */
function censoredSample(family: Family, mean: number, cv: number, n: number, seed: number) {
  const rng = Rng.stream(seed, 1);
  const d = duration({ dist: family, mean, cv });
  const times: number[] = [];
  const ended: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const t = d.sample(rng);
    const c = rng.uniform() * 3 * mean;
    times.push(Math.min(t, c));
    ended.push(t <= c);
  }
  return { times, ended };
}

describe('censored maximum likelihood', () => {
  it('recovers mean and cv of every family from right-censored spells, within sampling error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Family>('lognormal', 'gamma', 'weibull'),
        fc.double({ min: 2, max: 40, noNaN: true }),
        fc.double({ min: 0.4, max: 1.4, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (family, mean, cv, seed) => {
          const { times, ended } = censoredSample(family, mean, cv, 2500, seed);
          const fit = fitDuration(family, times, ended);
          expect(fit.n).toBe(2500);
          expect(fit.events).toBe(ended.filter(Boolean).length);
          expect(fit.seMean).toBeGreaterThan(0);
          expect(Math.abs(fit.mean - mean), `${family} mean ${fit.mean} ± ${fit.seMean} against ${mean}`).toBeLessThan(4.5 * fit.seMean);
          expect(Math.abs(fit.cv - cv), `${family} cv ${fit.cv} ± ${fit.seCv} against ${cv}`).toBeLessThan(4.5 * fit.seCv);
        },
      ),
      { numRuns: 12, seed: 20240601 },
    );
  });

  it('is needed: the mean of the ended spells alone is far below the truth when a third are censored', () => {
    const { times, ended } = censoredSample('lognormal', 20, 1, 4000, 7);
    const endedTimes = times.filter((_, i) => ended[i]);
    const naive = endedTimes.reduce((a, b) => a + b, 0) / endedTimes.length;
    const fit = fitDuration('lognormal', times, ended);
    expect(ended.filter((e) => !e).length / 4000).toBeGreaterThan(0.2);
    expect(naive).toBeLessThan(20 - 10 * fit.seMean);
    expect(Math.abs(fit.mean - 20)).toBeLessThan(4 * fit.seMean);
  });

  it('needs at least one ended spell', () => {
    expect(() => fitDuration('gamma', [1, 2], [false, false])).toThrow(/no ended spells/);
  });
});

describe('time in care: a mixture over reasons with ageing out as censoring', () => {
  // three reasons with probabilities 0.3, 0.2, 0.1 (the rest stay until 18), duration factors
  // 0.6, 1.2 and 1, lognormal durations of mean 20 months and cv 0.8; every child has a time to
  // its 18th birthday (0–120 months) and the window closes at 0–150 months.
  const truth = { p: [0.3, 0.2, 0.1], scales: [0.6, 1.2, 1], mean: 20, cv: 0.8 };
  function sample(n: number, seed: number) {
    const rng = Rng.stream(seed, 2);
    const d = duration({ dist: 'lognormal', mean: truth.mean, cv: truth.cv });
    const spells: CareSpell[] = [];
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      const r = u < 0.3 ? 0 : u < 0.5 ? 1 : u < 0.6 ? 2 : -1;
      const limit = Math.min(rng.uniform() * 120, rng.uniform() * 150);
      const t = r >= 0 ? d.sample(rng) * truth.scales[r] : Infinity;
      spells.push(t < limit ? { time: t, reason: r, scales: truth.scales } : { time: limit, reason: -1, scales: truth.scales });
    }
    return spells;
  }

  it('recovers the reason probabilities and the duration distribution within sampling error', () => {
    const spells = sample(4000, 11);
    const fit = fitCareMixture('lognormal', spells, 3);
    expect(fit.n).toBe(4000);
    expect(Math.abs(fit.mean - truth.mean)).toBeLessThan(4 * fit.seMean);
    expect(Math.abs(fit.cv - truth.cv)).toBeLessThan(4 * fit.seCv);
    truth.p.forEach((p, r) => expect(Math.abs(fit.reasons[r] - p), `reason ${r}: ${fit.reasons[r]} ± ${fit.seReasons[r]}`).toBeLessThan(4 * fit.seReasons[r]));
    // the naive share of spells that ended for each reason is biased low by the censoring
    const naive = [0, 1, 2].map((r) => spells.filter((s) => s.reason === r).length / spells.length);
    expect(naive[1]).toBeLessThan(truth.p[1] - 4 * fit.seReasons[1]);
  });

  it('reason shares alone, with the durations known, agree with the joint fit', () => {
    const spells = sample(3000, 12);
    const joint = fitCareMixture('lognormal', spells, 3);
    const d = density('lognormal', joint.mean, joint.cv);
    const exact = [0, 0, 0];
    const cens = spells.filter((s) => s.reason < 0);
    for (const s of spells) if (s.reason >= 0) exact[s.reason]++;
    const S = new Float64Array(cens.length * 3);
    cens.forEach((s, i) => truth.scales.forEach((sc, r) => (S[i * 3 + r] = d.survival(s.time / sc))));
    const shares = fitReasonShares(exact, S, cens.length);
    shares.reasons.forEach((p, r) => expect(p).toBeCloseTo(joint.reasons[r], 4));
    expect(shares.n).toBe(3000);
  });
});
