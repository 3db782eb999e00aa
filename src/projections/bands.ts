/**
 * Calibrated bands. An ensemble's p5–p95 and p25–p75 hold chance and the estimation uncertainty
 * the model knows of; what the model does not know (a drifting level, a change of practice) shows
 * only in how far past projections missed. Bands are calibrated the way normalised conformal
 * prediction does it: a past forecast's miss is measured in units of its own band half-width on
 * the log scale (`bandScore`), and a band is widened or narrowed by a factor per horizon, the
 * conformal quantile of those scores (`conformalFactor`), around the median (`widen`).
 *
 * The log scale (of 1 + value) makes misses of KPIs of any size comparable; a band is never
 * narrower than the counting noise of its median (`noiseFloor`), so a KPI the model holds fixed
 * still gets a band.
 */
import { KPIS } from './catalogue.ts';
import type { BandCalibration, KpiStats, KpiSummary } from './types.ts';

/** The two bands every summary carries, by their nominal coverage. */
export type BandLevel = 0.9 | 0.5;

/** Standard normal quantile of each band's upper edge. */
const Z: Record<BandLevel, number> = { 0.9: 1.6448536269514722, 0.5: 0.6744897501960817 };

/** Half-width (log scale) of a band of `level` around median `p50` from Poisson counting noise alone. */
export function noiseFloor(p50: number, level: BandLevel): number {
  return Z[level] / Math.sqrt(Math.max(0, p50) + 1);
}

const lg = (x: number) => Math.log1p(Math.max(0, x));

/** The band's lower and upper half-widths on the log scale, each at least the noise floor. */
function halfWidths(p50: number, lo: number, hi: number, level: BandLevel): [number, number] {
  const m = lg(p50);
  const floor = noiseFloor(p50, level);
  return [Math.max(m - lg(lo), floor), Math.max(lg(hi) - m, floor)];
}

/**
 * How far `actual` fell from the median `p50`, in half-widths of the band [lo, hi] on its side
 * (log scale): inside the band ⇔ score ≤ 1. NaN when a value is missing or negative.
 */
export function bandScore(actual: number, p50: number, lo: number, hi: number, level: BandLevel): number {
  if (![actual, p50, lo, hi].every(Number.isFinite) || actual < 0 || p50 < 0 || lo < 0) return NaN;
  const [dn, up] = halfWidths(p50, lo, hi, level);
  const d = lg(actual) - lg(p50);
  return d >= 0 ? d / up : -d / dn;
}

/**
 * The factor of `scores` for nominal coverage `level`: the smallest score with at least `level` of
 * the scores (by weight) at or below it, as split conformal prediction takes it, but without its
 * finite-sample step to the next rank: the scores of one origin's KPIs miss together, so a pool
 * of a few origins would otherwise get its largest miss as the factor. NaN with fewer than
 * `minScores` scores.
 *
 * With `weights` (one per score, in (0, 1]) older misses count less, as weighted conformal
 * prediction does for scores that are not exchangeable (Barber et al., 2023), so a factor follows
 * a model whose misses change over time. Without, every score weighs 1.
 */
export function conformalFactor(scores: readonly number[], level: BandLevel, minScores = 10, weights?: readonly number[]): number {
  const w = (i: number) => (weights ? weights[i] : 1);
  const idx = scores.map((_, i) => i).filter((i) => Number.isFinite(scores[i]) && w(i) > 0);
  if (idx.length < Math.max(1, minScores)) return NaN;
  idx.sort((a, b) => scores[a] - scores[b]);
  let total = 0;
  for (const i of idx) total += w(i);
  // the smallest score whose weighted share reaches the level
  const target = level * total;
  let cum = 0;
  for (const i of idx) {
    cum += w(i);
    if (cum >= target - 1e-9) return scores[i];
  }
  return scores[idx[idx.length - 1]];
}

/** The edges of a band of `level` widened by `factor` around `p50` (log scale), kept at 0 or more and, for a percentage, at 100 or less. */
export function widen(p50: number, lo: number, hi: number, factor: number, level: BandLevel, pct = false): [number, number] {
  if (!Number.isFinite(factor) || ![p50, lo, hi].every(Number.isFinite) || p50 < 0 || lo < 0) return [lo, hi];
  const [dn, up] = halfWidths(p50, lo, hi, level);
  const m = lg(p50);
  const a = Math.max(0, Math.expm1(m - factor * dn));
  const b = Math.expm1(m + factor * up);
  return [Math.min(a, p50), pct ? Math.max(Math.min(b, 100), p50) : Math.max(b, p50)];
}

/**
 * The factors `months` months ahead: linear between the horizons measured, the first one's
 * before it and the last one's after it; undefined without factors.
 */
export function factorsAt(cal: BandCalibration | undefined, months: number): { p90: number; p50: number } | undefined {
  const fs = [...(cal?.factors ?? [])].filter((f) => Number.isFinite(f.p90) && Number.isFinite(f.p50)).sort((a, b) => a.horizon - b.horizon);
  if (fs.length === 0) return undefined;
  if (months <= fs[0].horizon) return { p90: fs[0].p90, p50: fs[0].p50 };
  for (let i = 1; i < fs.length; i++) {
    if (months <= fs[i].horizon) {
      const t = (months - fs[i - 1].horizon) / (fs[i].horizon - fs[i - 1].horizon);
      return { p90: fs[i - 1].p90 + t * (fs[i].p90 - fs[i - 1].p90), p50: fs[i - 1].p50 + t * (fs[i].p50 - fs[i - 1].p50) };
    }
  }
  const f = fs[fs.length - 1];
  return { p90: f.p90, p50: f.p50 };
}

const PCT: ReadonlySet<string> = new Set(KPIS.filter((k) => k.unit === 'pct').map((k) => k.id));

/** Whether a KPI id (or a label `id[basis]`) is a percentage. */
export function isPctKpi(kpi: string): boolean {
  return PCT.has(kpi.replace(/\[.*\]$/, ''));
}

/** One month's statistics with both bands widened by their factors. */
export function widenStats(s: KpiStats, f: { p90: number; p50: number }, pct: boolean): KpiStats {
  const [p5, p95] = widen(s.p50, s.p5, s.p95, f.p90, 0.9, pct);
  const [p25, p75] = widen(s.p50, s.p25, s.p75, f.p50, 0.5, pct);
  return { ...s, p5, p25, p75, p95 };
}

/**
 * A summary whose bands are calibrated: month i of the projection is i + 1 months ahead. Monetary
 * KPIs and ratios keep the model's bands (no back-test scores them). The summary is returned as
 * it is without a calibration.
 */
export function calibrateSummary(summary: KpiSummary, cal: BandCalibration | undefined): KpiSummary {
  if (!cal || cal.factors.length === 0) return summary;
  const units = new Map(KPIS.map((k) => [k.id as string, k.unit]));
  const perMonth = Array.from({ length: summary.months }, (_, i) => factorsAt(cal, i + 1));
  const stats: Record<string, KpiStats[]> = {};
  for (const [id, series] of Object.entries(summary.stats)) {
    const unit = units.get(id);
    if (unit !== 'count' && unit !== 'pct' && unit !== 'per10k') {
      stats[id] = series;
      continue;
    }
    stats[id] = series.map((s, i) => (perMonth[i] ? widenStats(s, perMonth[i]!, unit === 'pct') : s));
  }
  return { ...summary, stats, bands: cal };
}
