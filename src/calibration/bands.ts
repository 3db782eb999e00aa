/**
 * Band factors from rolling-origin forecasts (see `projections/bands.ts` for the method). A
 * source's (a council's, a series') forecasts are scored per horizon, pooled over its KPIs: the
 * factor at a horizon is the conformal quantile of the misses in band half-widths.
 *
 * In a back-test the factors at an origin come only from forecasts whose target month had passed
 * by then (`sequentialCalibration`), so the calibrated bands it scores are the bands a user would
 * have had at that origin; origins before enough forecasts have matured keep the model's bands.
 */
import { bandScore, conformalFactor, factorsAt, widen, isPctKpi } from '../projections/bands.ts';
import type { BandCalibration, BandFactor } from '../projections/types.ts';
import type { OriginForecast } from './scores.ts';

/** Fewest scored forecasts at a horizon for a factor there. */
export const MIN_SCORES = 10;

/** Fewest origins at a horizon for a factor there when another horizon has them: one origin's KPIs miss together. */
export const MIN_ORIGINS = 3;

/** Months after which an earlier forecast's miss counts half as much as the latest's. */
export const HALF_LIFE_MONTHS = 12;

const monthOf = (ym: string) => +ym.slice(0, 4) * 12 + +ym.slice(5, 7) - 1;

/** The model's band of a forecast (before any calibration). */
function modelBand(r: OriginForecast): { p5: number; p25: number; p75: number; p95: number } {
  return r.model ?? { p5: r.p5, p25: r.p25, p75: r.p75, p95: r.p95 };
}

/**
 * Factors per horizon from forecasts (their model bands), at the horizons with at least
 * `minScores` scored forecasts from `MIN_ORIGINS` origins or more (from fewer only when no horizon
 * has that many: early in a back-test a rough factor is better than none). A forecast's miss is
 * weighted by how much older its target month is than the newest among the forecasts (half as
 * much every `HALF_LIFE_MONTHS`): the latest misses say most about the next. Ages count from the
 * newest miss known, not from today, so a gap in the record (a series observed in two stretches
 * years apart) does not leave every miss with a weight near 0 and the factor at the largest one.
 */
export function bandFactors(rows: readonly OriginForecast[], minScores = MIN_SCORES): BandFactor[] {
  const byHorizon = new Map<number, { s90: number[]; s50: number[]; w: number[]; origins: Set<string> }>();
  const now = rows.reduce((m, r) => Math.max(m, monthOf(r.origin) + r.horizon), -Infinity);
  for (const r of rows) {
    const b = modelBand(r);
    const s90 = bandScore(r.actual, r.p50, b.p5, b.p95, 0.9);
    const s50 = bandScore(r.actual, r.p50, b.p25, b.p75, 0.5);
    if (!Number.isFinite(s90) || !Number.isFinite(s50)) continue;
    let g = byHorizon.get(r.horizon);
    if (!g) byHorizon.set(r.horizon, (g = { s90: [], s50: [], w: [], origins: new Set() }));
    g.origins.add(r.origin);
    g.s90.push(s90);
    g.s50.push(s50);
    g.w.push(0.5 ** (Math.max(0, now - monthOf(r.origin) - r.horizon) / HALF_LIFE_MONTHS));
  }
  const out: BandFactor[] = [];
  // horizons known from too few origins are left to the others, unless no horizon has enough
  const enough = [...byHorizon.values()].some((g) => g.origins.size >= MIN_ORIGINS);
  for (const [horizon, g] of [...byHorizon].sort((a, b) => a[0] - b[0])) {
    if (enough && g.origins.size < MIN_ORIGINS) continue;
    const p90 = conformalFactor(g.s90, 0.9, minScores, g.w);
    const p50 = conformalFactor(g.s50, 0.5, minScores, g.w);
    if (Number.isFinite(p90) && Number.isFinite(p50)) out.push({ horizon, p90, p50, n: g.s90.length });
  }
  return out;
}

/** A forecast with its bands widened by the calibration's factors at its horizon (the model's band kept in `model`). */
export function calibrateForecast(r: OriginForecast, cal: BandCalibration): OriginForecast {
  const f = factorsAt(cal, r.horizon);
  const b = modelBand(r);
  if (!f) return { ...r, model: b, factor90: NaN };
  const pct = isPctKpi(r.kpi);
  const [p5, p95] = widen(r.p50, b.p5, b.p95, f.p90, 0.9, pct);
  const [p25, p75] = widen(r.p50, b.p25, b.p75, f.p50, 0.5, pct);
  return { ...r, p5, p25, p75, p95, model: b, factor90: f.p90 };
}

/**
 * Back-test forecasts with calibrated bands: each source's forecasts at an origin get the factors
 * of that source's earlier forecasts whose target month is the origin or before. `extra` are
 * forecasts made only to calibrate on (one month ahead, known a month later: with an origin every
 * month they calibrate the second origin on), not returned.
 */
export function sequentialCalibration(rows: readonly OriginForecast[], minScores = MIN_SCORES, extra: readonly OriginForecast[] = []): OriginForecast[] {
  const out: OriginForecast[] = new Array(rows.length);
  const pool = [...rows, ...extra];
  const bySource = new Map<string, number[]>();
  pool.forEach((r, i) => {
    if (!bySource.has(r.source)) bySource.set(r.source, []);
    bySource.get(r.source)!.push(i);
  });
  for (const idx of bySource.values()) {
    const origins = [...new Set(idx.filter((i) => i < rows.length).map((i) => monthOf(rows[i].origin)))].sort((a, b) => a - b);
    for (const o of origins) {
      const matured = idx.filter((i) => monthOf(pool[i].origin) + pool[i].horizon <= o).map((i) => pool[i]);
      const cal: BandCalibration = { source: '', factors: bandFactors(matured, minScores) };
      for (const i of idx) if (i < rows.length && monthOf(rows[i].origin) === o) out[i] = calibrateForecast(rows[i], cal);
    }
  }
  return out;
}

/** The calibration a projection from the end of a history gets: factors from every forecast of its back-test. */
export function calibrationFrom(rows: readonly OriginForecast[], source: string, minScores = MIN_SCORES): BandCalibration | undefined {
  const factors = bandFactors(rows, minScores);
  return factors.length > 0 ? { source, factors } : undefined;
}

/** Where a source's band factors come from, as the scenario and the report say it. */
export function bandSource(label: string, rows: readonly OriginForecast[]): string {
  const origins = [...new Set(rows.map((r) => r.origin))].sort();
  return `rolling-origin back-test of ${label}: ${rows.length} forecasts from ${origins.length} origins, ${origins[0]} to ${origins[origins.length - 1]}`;
}
