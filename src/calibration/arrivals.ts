/**
 * Arrival rates with a trend, fitted to monthly counts over the reference window: ordinary least
 * squares of the monthly rate (count ÷ children in units of 10,000) on the month, with the
 * standard errors of the level and the slope from the residuals (never below the Poisson error of
 * the counts). The level is the fitted rate of the first month after the window, where a
 * projection from the window's end starts; `perYear` is the slope over 12 months as a fraction of
 * that level, as `trendFactor` applies it.
 */
export interface ArrivalFit {
  /** Mean monthly rate over the window, and its standard error (Poisson). */
  readonly mean: number;
  readonly seMean: number;
  /** Fitted rate in the month after the window, and its standard error. */
  readonly level: number;
  readonly seLevel: number;
  /** Slope over 12 months as a fraction of `level`, and its standard error. */
  readonly perYear: number;
  readonly sePerYear: number;
  readonly months: number;
  readonly count: number;
}

/** Bound of the relative slope (the parameter schema's). */
const MAX_PER_YEAR = 5;

export function fitArrivals(counts: ArrayLike<number>, pop10k: ArrayLike<number>): ArrivalFit {
  const n = counts.length;
  let count = 0;
  let exposure = 0;
  for (let i = 0; i < n; i++) {
    count += counts[i];
    exposure += pop10k[i];
  }
  const mean = exposure > 0 ? count / exposure : NaN;
  const seMean = exposure > 0 ? Math.sqrt(Math.max(count, 1)) / exposure : NaN;
  if (n < 3 || !(count > 0)) return { mean, seMean, level: mean, seLevel: seMean, perYear: 0, sePerYear: NaN, months: n, count };
  const y = Array.from({ length: n }, (_, i) => counts[i] / pop10k[i]);
  const tBar = (n - 1) / 2;
  const yBar = y.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i - tBar) ** 2;
    sxy += (i - tBar) * (y[i] - yBar);
  }
  const b = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - yBar - b * (i - tBar)) ** 2;
  // residual variance, at least the Poisson variance of a month's rate
  const poissonVar = mean / (exposure / n);
  const s2 = Math.max(rss / (n - 2), poissonVar);
  const seB = Math.sqrt(s2 / sxx);
  const rawLevel = yBar + b * (n - tBar);
  const level = Math.max(rawLevel, 0);
  const seLevel = Math.sqrt(s2 * (1 / n + (n - tBar) ** 2 / sxx));
  // a level near 0 makes the relative slope meaningless: it is kept within what a rate can do (5 times its level a year)
  const scale = Math.max(level, mean / 10);
  const perYear = Math.min(MAX_PER_YEAR, Math.max(-MAX_PER_YEAR, (12 * b) / scale));
  return { mean, seMean, level, seLevel, perYear, sePerYear: (12 * seB) / scale, months: n, count };
}
