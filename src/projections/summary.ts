/**
 * Ensemble statistics: per KPI and month, the mean and the 5th, 25th, 50th, 75th and 95th
 * percentiles over replications, ignoring NaN. Quantiles interpolate linearly between order
 * statistics (Hyndman & Fan type 7, as R's default and numpy's `linear`). Values are sorted before
 * summing, so the result does not depend on the order of the runs.
 */
import { KPI_IDS } from './catalogue.ts';
import type { KpiRun, KpiStats, KpiSummary } from './types.ts';

/** Type-7 quantile of ascending-sorted values `xs[0..n)`; NaN when n = 0. */
export function quantileSorted(xs: ArrayLike<number>, n: number, p: number): number {
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = xs[lo];
  const b = xs[hi];
  return a === b ? a : a + (h - lo) * (b - a);
}

/** The p5, p25, p50, p75 and p95 (type 7) of the finite values; each NaN when there are none. */
export function finiteBand(values: readonly number[]): { p5: number; p25: number; p50: number; p75: number; p95: number } {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  const q = (p: number) => quantileSorted(xs, xs.length, p);
  return { p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
}

/** Statistics of the non-NaN values; every field NaN when there are none. */
export function statsOf(values: ArrayLike<number>): KpiStats {
  const buf = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) buf[n++] = v;
  }
  return statsOfBuffer(buf, n);
}

function statsOfBuffer(buf: Float64Array, n: number): KpiStats {
  const xs = buf.subarray(0, n).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  return {
    mean: n > 0 ? sum / n : NaN,
    p5: quantileSorted(xs, n, 0.05),
    p25: quantileSorted(xs, n, 0.25),
    p50: quantileSorted(xs, n, 0.5),
    p75: quantileSorted(xs, n, 0.75),
    p95: quantileSorted(xs, n, 0.95),
  };
}

/** KPI ids of a record in catalogue order, then any others in code-point order. */
export function orderedKpiIds(ids: Iterable<string>): string[] {
  const present = new Set(ids);
  const out = KPI_IDS.filter((id) => present.has(id));
  const known = new Set<string>(KPI_IDS);
  const extra = [...present].filter((id) => !known.has(id)).sort();
  return [...out, ...extra];
}

function meanIgnoringNaN(buf: Float64Array, n: number): number {
  const xs = buf.subarray(0, n).sort();
  let sum = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(xs[i])) {
      sum += xs[i];
      k++;
    }
  }
  return k > 0 ? sum / k : NaN;
}

/** Summarises replications of one scenario. All runs must share start month, length and KPI ids. */
export function summarise(scenario: string, runs: readonly KpiRun[]): KpiSummary {
  if (runs.length === 0) throw new RangeError(`summarise("${scenario}"): no runs to summarise`);
  const first = runs[0];
  const ids = orderedKpiIds(Object.keys(first.values));
  for (let r = 1; r < runs.length; r++) {
    const run = runs[r];
    if (run.startMonth !== first.startMonth || run.months !== first.months) {
      throw new RangeError(`summarise("${scenario}"): run ${r} covers ${run.startMonth} for ${run.months} months, run 0 covers ${first.startMonth} for ${first.months} months`);
    }
    for (const id of ids) if (!run.values[id]) throw new RangeError(`summarise("${scenario}"): run ${r} has no values for KPI "${id}"`);
  }
  const months = first.months;
  const buf = new Float64Array(runs.length);
  const stats: Record<string, KpiStats[]> = {};
  for (const id of ids) {
    const series: KpiStats[] = new Array(months);
    for (let m = 0; m < months; m++) {
      let n = 0;
      for (let r = 0; r < runs.length; r++) {
        const v = runs[r].values[id][m];
        if (!Number.isNaN(v)) buf[n++] = v;
      }
      series[m] = statsOfBuffer(buf, n);
    }
    stats[id] = series;
  }
  const meanOf = (pick: (run: KpiRun) => Float64Array | undefined): number[] | undefined => {
    if (!runs.every((run) => pick(run) !== undefined)) return undefined;
    const out: number[] = new Array(months);
    for (let m = 0; m < months; m++) {
      for (let r = 0; r < runs.length; r++) buf[r] = pick(runs[r])![m];
      out[m] = meanIgnoringNaN(buf, runs.length);
    }
    return out;
  };
  const numerators: Record<string, number[]> = {};
  const denominators: Record<string, number[]> = {};
  for (const id of orderedKpiIds(Object.keys(first.numerators))) {
    const n = meanOf((run) => run.numerators[id]);
    const d = meanOf((run) => run.denominators[id]);
    if (n && d) {
      numerators[id] = n;
      denominators[id] = d;
    }
  }
  return { scenario, startMonth: first.startMonth, months, runs: runs.length, stats, numerators, denominators };
}
