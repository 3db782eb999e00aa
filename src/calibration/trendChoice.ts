/**
 * Choosing the trend of the arrival rates by back-test: each option's forecasts from the same
 * origins are scored by their mean MASE against the naive forecast, and the simplest option
 * within a small margin of the best is kept (a damped trend is a linear one that levels off).
 */
import { ALL_KPIS, scoreForecasts, type OriginForecast } from './scores.ts';

/** What chooses the trend: lower is better. */
export const TREND_CRITERION = 'mean MASE against the naive forecast over cla_open, cla_starts and cla_ends at every horizon and source';
/** The same over every KPI of an observed series (a trend in the front door moves all of them). */
export const TREND_CRITERION_OBSERVED = 'mean MASE against the naive forecast over every KPI scored at every horizon';

export function trendCriterion(rows: readonly OriginForecast[], kpis: readonly string[] | 'all' = ['cla_open', 'cla_starts', 'cla_ends']): number {
  const ms = scoreForecasts(rows)
    .filter((s) => s.kpi !== ALL_KPIS && (kpis === 'all' || kpis.includes(s.kpi)) && Number.isFinite(s.maseNaive))
    .map((s) => s.maseNaive);
  return ms.length === 0 ? NaN : ms.reduce((a, b) => a + b, 0) / ms.length;
}

/** Trend options from the simplest: a damped trend is a linear one that levels off. */
const SIMPLER_FIRST: readonly string[] = ['none', 'damped', 'linear'];
/** A more complex trend is kept only when it scores lower than a simpler one by more than this share. */
export const TREND_TIE = 0.005;

/** The simplest trend option whose score is within `TREND_TIE` of the best (lower is better; NaN scores last). */
export function chooseTrend<T extends { trend: string; score: number }>(options: readonly T[]): T {
  const sorted = [...options].sort((a, b) => SIMPLER_FIRST.indexOf(a.trend) - SIMPLER_FIRST.indexOf(b.trend));
  const scored = sorted.filter((o) => Number.isFinite(o.score));
  if (scored.length === 0) return sorted[0];
  const best = Math.min(...scored.map((o) => o.score));
  return scored.find((o) => o.score <= best * (1 + TREND_TIE))!;
}

