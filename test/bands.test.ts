import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bandScore, calibrateSummary, conformalFactor, factorsAt, noiseFloor, widen } from '../src/projections/bands.ts';
import { bandFactors, sequentialCalibration, type OriginForecast } from '../src/calibration/index.ts';
import type { KpiStats, KpiSummary } from '../src/projections/types.ts';
import { Rng } from '../src/simulation/random.ts';
import { standardNormal } from '../src/simulation/distributions.ts';

const Z90 = 1.6448536269514722;

describe('band scores (misses in band half-widths, log scale)', () => {
  it('are 0 at the median, 1 at either edge and scale with the log distance', () => {
    // p50 100, band 81–121: half-widths ln(101/82) below and ln(122/101) above, both above the noise floor
    expect(bandScore(100, 100, 81, 121, 0.9)).toBe(0);
    expect(bandScore(121, 100, 81, 121, 0.9)).toBeCloseTo(1, 12);
    expect(bandScore(81, 100, 81, 121, 0.9)).toBeCloseTo(1, 12);
    expect(bandScore(143, 100, 81, 121, 0.9)).toBeCloseTo(Math.log(144 / 101) / Math.log(122 / 101), 12);
    expect(bandScore(-1, 100, 81, 121, 0.9)).toBeNaN();
    expect(bandScore(NaN, 100, 81, 121, 0.9)).toBeNaN();
  });

  it('measure a band narrower than counting noise by the noise floor', () => {
    // a model that holds a count at exactly 3: the floor is 1.645 / sqrt(4)
    expect(noiseFloor(3, 0.9)).toBeCloseTo(Z90 / 2, 12);
    expect(bandScore(7, 3, 3, 3, 0.9)).toBeCloseTo(Math.log(8 / 4) / (Z90 / 2), 12);
    expect(noiseFloor(0, 0.5)).toBeCloseTo(0.6744897501960817, 12);
  });
});

describe('conformal factors', () => {
  it('take the smallest score with the level’s share of the scores at or below it', () => {
    const s = [0.5, 0.1, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0];
    // n = 10: 9 of 10 at or below 0.9; 5 of 10 at or below 0.5
    expect(conformalFactor(s, 0.9)).toBe(0.9);
    expect(conformalFactor(s, 0.5)).toBe(0.5);
    expect(conformalFactor([...s, ...s.map((x) => x + 1)], 0.5)).toBe(1.0); // n = 20: the 10th
    expect(conformalFactor(s.slice(0, 9), 0.9)).toBeNaN(); // fewer than 10
  });

  it('weight newer scores more: with old scores weighted down, the factor follows the new ones', () => {
    const old = Array.from({ length: 20 }, () => 5);
    const recent = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
    const scores = [...old, ...recent];
    expect(conformalFactor(scores, 0.9)).toBe(5);
    // old weights 1/1000: total weight 20.02, 0.9 of it 18.018; the 18 smallest weigh 18, so the 19th
    expect(conformalFactor(scores, 0.9, 10, [...old.map(() => 0.001), ...recent.map(() => 1)])).toBe(19 / 20);
  });

  it('cover about 90% of new exchangeable forecasts, whatever the model band’s scale (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.2, max: 5, noNaN: true }), (seed, misScale) => {
        // forecasts of a count near 200 whose band is `misScale` times too narrow or too wide
        const rng = Rng.stream(seed, 9, 1);
        const make = (k: number): OriginForecast[] =>
          Array.from({ length: k }, (_, i) => {
            const p50 = 200;
            const half = 0.1 / misScale; // the model's half-width on the log scale
            const actual = Math.expm1(Math.log1p(p50) + standardNormal(rng) * (0.1 / Z90));
            return { source: 's', origin: `2020-${String((i % 12) + 1).padStart(2, '0')}`, horizon: 3, kpi: `k${i}`, actual, p5: Math.expm1(Math.log1p(p50) - half), p25: Math.expm1(Math.log1p(p50) - half / 2.44), p50, p75: Math.expm1(Math.log1p(p50) + half / 2.44), p95: Math.expm1(Math.log1p(p50) + half), naive: NaN, markov: NaN };
          });
        const f = bandFactors(make(400))[0];
        const fresh = make(2000);
        const inside = fresh.filter((r) => bandScore(r.actual, r.p50, r.p5, r.p95, 0.9) <= f.p90).length / fresh.length;
        expect(inside).toBeGreaterThan(0.86);
        expect(inside).toBeLessThan(0.94);
      }),
      { numRuns: 20 },
    );
  });
});

describe('widening a band', () => {
  it('multiplies the log half-widths around the median (hand-checked)', () => {
    // p50 100, band 80–120, factor 2: 101·(81/101)² − 1 and 101·(121/101)² − 1
    const [lo, hi] = widen(100, 80, 120, 2, 0.9);
    expect(lo).toBeCloseTo(6561 / 101 - 1, 9);
    expect(hi).toBeCloseTo(14641 / 101 - 1, 9);
    // factor 1 keeps the band; a percentage stays at 100 or below; counts stay at 0 or above
    const [a, b] = widen(100, 80, 120, 1, 0.9);
    expect(a).toBeCloseTo(80, 9);
    expect(b).toBeCloseTo(120, 9);
    expect(widen(90, 80, 99, 5, 0.9, true)[1]).toBe(100);
    expect(widen(1, 0, 2, 10, 0.9)[0]).toBe(0);
  });
});

describe('calibrated summaries', () => {
  const stats = (p50: number): KpiStats => ({ mean: p50, p5: p50 * 0.8, p25: p50 * 0.9, p50, p75: p50 * 1.1, p95: p50 * 1.2 });
  const summary: KpiSummary = {
    scenario: 's',
    startMonth: '2024-04',
    months: 3,
    runs: 20,
    stats: { cla_open: [stats(100), stats(100), stats(100)], placement_spend: [stats(1e6), stats(1e6), stats(1e6)] },
    numerators: {},
    denominators: {},
  };
  const cal = { source: 'test', factors: [{ horizon: 1, p90: 1, p50: 1, n: 10 }, { horizon: 3, p90: 2, p50: 3, n: 10 }] };

  it('interpolate the factors between horizons and hold them beyond', () => {
    expect(factorsAt(cal, 1)).toEqual({ p90: 1, p50: 1 });
    expect(factorsAt(cal, 2)).toEqual({ p90: 1.5, p50: 2 });
    expect(factorsAt(cal, 30)).toEqual({ p90: 2, p50: 3 });
    expect(factorsAt(undefined, 3)).toBeUndefined();
  });

  it('widen counts month by month and leave money as the runs give it', () => {
    const out = calibrateSummary(summary, cal);
    expect(out.stats.cla_open[0].p95).toBeCloseTo(120, 9);
    const [lo3, hi3] = widen(100, 80, 120, 2, 0.9);
    expect(out.stats.cla_open[2].p5).toBeCloseTo(lo3, 9);
    expect(out.stats.cla_open[2].p95).toBeCloseTo(hi3, 9);
    expect(out.stats.cla_open[2].p50).toBe(100);
    expect(out.stats.placement_spend[2]).toEqual(stats(1e6));
    expect(out.bands).toBe(cal);
    expect(calibrateSummary(summary, undefined)).toBe(summary);
  });
});

describe('sequential calibration in a back-test', () => {
  const row = (origin: string, horizon: number, kpi: string, actual: number): OriginForecast => ({ source: 'a', origin, horizon, kpi, actual, p5: 90, p25: 95, p50: 100, p75: 105, p95: 110, naive: NaN, markov: NaN });
  it('calibrates an origin only on forecasts whose target month had passed, and keeps the model band beside it', () => {
    const rows: OriginForecast[] = [];
    for (const o of ['2020-01', '2020-02', '2020-03']) for (let k = 0; k < 5; k++) rows.push(row(o, 3, `k${k}`, 150)); // every one missed far above
    for (const o of ['2020-05', '2020-06']) for (let k = 0; k < 4; k++) rows.push(row(o, 3, `k${k}`, 100));
    const out = sequentialCalibration(rows);
    // nothing is known at the first three origins; by May January's and February's forecasts are (two origins: used, as nothing better is known)
    expect(out.filter((r) => r.origin < '2020-04').every((r) => Number.isNaN(r.factor90) && r.p95 === 110)).toBe(true);
    expect(out.filter((r) => r.origin === '2020-05').every((r) => Math.abs(r.factor90! - bandScore(150, 100, 90, 110, 0.9)) < 1e-12)).toBe(true);
    const later = out.filter((r) => r.origin === '2020-06');
    const f = bandScore(150, 100, 90, 110, 0.9);
    expect(later[0].factor90).toBeCloseTo(f, 12);
    expect(later[0].model).toEqual({ p5: 90, p25: 95, p75: 105, p95: 110 });
    expect(later[0].p95).toBeCloseTo(widen(100, 90, 110, f, 0.9)[1], 9);
    expect(later[0].p95).toBeGreaterThanOrEqual(150 - 1e-9);
  });

  it('calibrates on one-month-ahead forecasts made only for that, known a month later, and never returns them', () => {
    const rows: OriginForecast[] = [];
    const extra: OriginForecast[] = [];
    for (const o of ['2020-01', '2020-02', '2020-03', '2020-04']) {
      for (let k = 0; k < 4; k++) {
        rows.push(row(o, 3, `k${k}`, 100));
        extra.push(row(o, 1, `k${k}`, 150));
      }
    }
    extra.push(...['2020-01', '2020-02'].flatMap((o) => [0, 1, 2, 3].map((k) => row(o, 3, `x${k}`, 300)))); // missed far more, 3 months ahead
    const out = sequentialCalibration(rows, 10, extra);
    expect(out).toHaveLength(rows.length);
    expect(out.filter((r) => r.origin < '2020-03').every((r) => Number.isNaN(r.factor90))).toBe(true);
    // at April the one-month forecasts of January to March are known (three origins), the 3-month ones of
    // January only (one origin, so left out): the one-month factor, held to 3 months ahead
    expect(out.filter((r) => r.origin === '2020-04').every((r) => Math.abs(r.factor90! - bandScore(150, 100, 90, 110, 0.9)) < 1e-12)).toBe(true);
    expect(out.every((r) => r.horizon === 3)).toBe(true);
  });
});
