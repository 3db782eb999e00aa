/**
 * Survival analysis for durations estimated from event histories: the Kaplan–Meier estimator
 * (right-censored spells, Greenwood standard errors) and censored maximum-likelihood fits of the
 * engine's duration families (lognormal, gamma, Weibull, each parameterised by mean and
 * coefficient of variation), with standard errors from the observed information.
 *
 * A spell is `(time, ended)`: `ended` false means the spell was still open when observation
 * stopped (the end of the reference window, or an 18th birthday that cut it short), so all we
 * know is that it lasted longer than `time`.
 */
import { lnGamma, gammaP, weibullShapeForCv } from '../simulation/distributions.ts';

export interface KmStep {
  /** Time of the step (distinct event or censoring time). */
  readonly time: number;
  /** Spells still open just before `time`. */
  readonly atRisk: number;
  /** Spells that ended at `time`. */
  readonly events: number;
  /** Spells censored at `time`. */
  readonly censored: number;
  /** Survival just after `time`. */
  readonly survival: number;
  /** Greenwood standard error of `survival`. */
  readonly se: number;
}

/**
 * Kaplan–Meier estimate of S(t) from spells. At tied times events come before censorings (a
 * spell censored at t was at risk at t). Optional weights count each spell `w` times.
 */
export function kaplanMeier(times: ArrayLike<number>, ended: ArrayLike<boolean | number>, weights?: ArrayLike<number>): KmStep[] {
  const n = times.length;
  if (ended.length !== n || (weights && weights.length !== n)) throw new RangeError('kaplanMeier: times, ended and weights must have the same length');
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) if (!(times[i] >= 0) || !Number.isFinite(times[i])) throw new RangeError(`kaplanMeier: time ${i} must be a finite number >= 0 (got ${times[i]})`);
  order.sort((a, b) => times[a] - times[b] || Number(Boolean(ended[b])) - Number(Boolean(ended[a])) || a - b);
  let atRisk = 0;
  for (let i = 0; i < n; i++) atRisk += weights ? weights[i] : 1;
  const steps: KmStep[] = [];
  let s = 1;
  let greenwood = 0;
  let i = 0;
  while (i < n) {
    const t = times[order[i]];
    let d = 0;
    let c = 0;
    while (i < n && times[order[i]] === t) {
      const w = weights ? weights[order[i]] : 1;
      if (ended[order[i]]) d += w;
      else c += w;
      i++;
    }
    if (d > 0 && atRisk > 0) {
      s *= 1 - d / atRisk;
      if (atRisk > d) greenwood += d / (atRisk * (atRisk - d));
    }
    steps.push({ time: t, atRisk, events: d, censored: c, survival: s, se: s * Math.sqrt(greenwood) });
    atRisk -= d + c;
  }
  return steps;
}

/** S(t) from Kaplan–Meier steps (right-continuous step function). */
export function kmSurvivalAt(steps: readonly KmStep[], t: number): number {
  let s = 1;
  for (const st of steps) {
    if (st.time > t) break;
    s = st.survival;
  }
  return s;
}

/** Smallest time at which S drops to 0.5 or below; NaN when it never does. */
export function kmMedian(steps: readonly KmStep[]): number {
  for (const st of steps) if (st.survival <= 0.5) return st.time;
  return NaN;
}

/** Restricted mean ∫₀^τ S(t) dt (the mean when S reaches 0 before τ). */
export function kmRestrictedMean(steps: readonly KmStep[], tau: number): number {
  let area = 0;
  let prevT = 0;
  let s = 1;
  for (const st of steps) {
    if (st.time >= tau) break;
    area += s * (st.time - prevT);
    prevT = st.time;
    s = st.survival;
  }
  return area + s * Math.max(0, tau - prevT);
}

// ---------------------------------------------------------------------------------------------
// Duration families by mean and coefficient of variation

export type Family = 'lognormal' | 'gamma' | 'weibull';
export const FAMILIES: readonly Family[] = ['lognormal', 'gamma', 'weibull'];

const LOG_TINY = -745;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln(1 − Φ(z)), accurate far into the upper tail (same rational approximation as normalCdf). */
export function logNormalUpper(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const logErfc =
    Math.log(t) -
    x * x -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  if (z >= 0) return Math.log(0.5) + logErfc;
  return Math.log1p(-0.5 * Math.exp(logErfc));
}

/** Log density and log survival of one family at fixed (mean, cv), for fast repeated evaluation. */
export interface Density {
  logPdf(t: number): number;
  logSurvival(t: number): number;
  survival(t: number): number;
}

export function density(family: Family, mean: number, cv: number): Density {
  switch (family) {
    case 'lognormal': {
      const s2 = Math.log(1 + cv * cv);
      const sigma = Math.sqrt(s2);
      const mu = Math.log(mean) - s2 / 2;
      const logSigma = Math.log(sigma);
      return {
        logPdf: (t) => {
          const lt = Math.log(t);
          const z = (lt - mu) / sigma;
          return -lt - logSigma - HALF_LOG_2PI - 0.5 * z * z;
        },
        logSurvival: (t) => (t <= 0 ? 0 : logNormalUpper((Math.log(t) - mu) / sigma)),
        survival: (t) => (t <= 0 ? 1 : Math.exp(logNormalUpper((Math.log(t) - mu) / sigma))),
      };
    }
    case 'gamma': {
      const a = 1 / (cv * cv);
      const theta = mean * cv * cv;
      const c0 = -lnGamma(a) - a * Math.log(theta);
      const surv = (t: number) => (t <= 0 ? 1 : 1 - gammaP(a, t / theta));
      return {
        logPdf: (t) => c0 + (a - 1) * Math.log(t) - t / theta,
        logSurvival: (t) => {
          const s = surv(t);
          return s > 0 ? Math.log(s) : LOG_TINY;
        },
        survival: surv,
      };
    }
    case 'weibull': {
      const k = weibullShapeForCv(cv);
      const lambda = mean / Math.exp(lnGamma(1 + 1 / k));
      const c0 = Math.log(k) - Math.log(lambda);
      return {
        logPdf: (t) => {
          const x = t / lambda;
          return c0 + (k - 1) * Math.log(x) - Math.pow(x, k);
        },
        logSurvival: (t) => (t <= 0 ? 0 : -Math.pow(t / lambda, k)),
        survival: (t) => (t <= 0 ? 1 : Math.exp(-Math.pow(t / lambda, k))),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Optimisation

export interface Minimum {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
}

/** Nelder–Mead simplex minimisation (deterministic; `step` is the initial simplex size per coordinate). */
export function nelderMead(f: (x: number[]) => number, start: readonly number[], opts: { step?: number | readonly number[]; maxIterations?: number; tolerance?: number } = {}): Minimum {
  const n = start.length;
  const steps = Array.isArray(opts.step) ? (opts.step as number[]) : new Array<number>(n).fill((opts.step as number | undefined) ?? 0.2);
  const maxIt = opts.maxIterations ?? 400 * n;
  const tol = opts.tolerance ?? 1e-9;
  const safe = (x: number[]) => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.MAX_VALUE;
  };
  let pts: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const p = start.slice();
    p[i] += steps[i];
    pts.push(p);
  }
  let vals = pts.map(safe);
  let it = 0;
  for (; it < maxIt; it++) {
    const idx = vals.map((_, i) => i).sort((a, b) => vals[a] - vals[b]);
    pts = idx.map((i) => pts[i]);
    vals = idx.map((i) => vals[i]);
    if (Math.abs(vals[n] - vals[0]) <= tol * (Math.abs(vals[0]) + tol)) {
      let spread = 0;
      for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs(pts[i][j] - pts[0][j]));
      if (spread < 1e-7) break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += pts[i][j] / n;
    const along = (c: number) => centroid.map((v, j) => v + c * (pts[n][j] - v));
    const xr = along(-1);
    const fr = safe(xr);
    if (fr < vals[0]) {
      const xe = along(-2);
      const fe = safe(xe);
      if (fe < fr) {
        pts[n] = xe;
        vals[n] = fe;
      } else {
        pts[n] = xr;
        vals[n] = fr;
      }
    } else if (fr < vals[n - 1]) {
      pts[n] = xr;
      vals[n] = fr;
    } else {
      const xc = fr < vals[n] ? along(-0.5) : along(0.5);
      const fc = safe(xc);
      if (fc < Math.min(fr, vals[n])) {
        pts[n] = xc;
        vals[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = pts[i].map((v, j) => pts[0][j] + 0.5 * (v - pts[0][j]));
          vals[i] = safe(pts[i]);
        }
      }
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (vals[i] < vals[best]) best = i;
  return { x: pts[best], value: vals[best], iterations: it };
}

/** Central-difference Hessian of `f` at `x`. */
export function hessian(f: (x: number[]) => number, x: readonly number[], h = 1e-3): number[][] {
  const n = x.length;
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const at = (d: Record<number, number>) => f(x.map((v, i) => v + (d[i] ?? 0)));
  const f0 = f(x.slice());
  for (let i = 0; i < n; i++) {
    H[i][i] = (at({ [i]: h }) - 2 * f0 + at({ [i]: -h })) / (h * h);
    for (let j = i + 1; j < n; j++) {
      const v = (at({ [i]: h, [j]: h }) - at({ [i]: h, [j]: -h }) - at({ [i]: -h, [j]: h }) + at({ [i]: -h, [j]: -h })) / (4 * h * h);
      H[i][j] = v;
      H[j][i] = v;
    }
  }
  return H;
}

/** Inverse of a 2×2 matrix; undefined when singular. */
function inverse2(m: number[][]): number[][] | undefined {
  const det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
  if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return undefined;
  return [
    [m[1][1] / det, -m[0][1] / det],
    [-m[1][0] / det, m[0][0] / det],
  ];
}

// ---------------------------------------------------------------------------------------------
// Censored maximum likelihood

export interface DurationFit {
  readonly family: Family;
  readonly mean: number;
  readonly cv: number;
  /** Standard errors of mean and cv (delta method from the observed information); NaN when not available. */
  readonly seMean: number;
  readonly seCv: number;
  readonly logLik: number;
  /** Spells used, and how many of them ended (were not censored). */
  readonly n: number;
  readonly events: number;
}

/** Moment-style starting values: mean and cv of the ended spells (at least sensible numbers). */
function startingValues(times: ArrayLike<number>, ended: ArrayLike<boolean | number>): [number, number] {
  let n = 0;
  let s = 0;
  let s2 = 0;
  let all = 0;
  for (let i = 0; i < times.length; i++) {
    all += times[i];
    if (!ended[i]) continue;
    n++;
    s += times[i];
    s2 += times[i] * times[i];
  }
  const mean = n > 0 ? s / n : times.length > 0 ? all / times.length : 1;
  const v = n > 1 ? Math.max(0, s2 / n - mean * mean) : mean * mean;
  const cv = Math.min(5, Math.max(0.1, Math.sqrt(v) / Math.max(mean, 1e-9)));
  return [Math.max(mean, 1e-6), cv];
}

const MIN_TIME = 1e-6;

/**
 * Maximum-likelihood fit of a duration family to right-censored spells: ended spells contribute
 * the density, censored ones the survival at their time.
 */
export function fitDuration(family: Family, times: ArrayLike<number>, ended: ArrayLike<boolean | number>, opts: { weights?: ArrayLike<number>; start?: [number, number] } = {}): DurationFit {
  const n = times.length;
  let events = 0;
  for (let i = 0; i < n; i++) if (ended[i]) events++;
  if (events === 0) throw new RangeError('fitDuration: no ended spells to fit');
  const w = opts.weights;
  const negLogLik = (x: number[]) => {
    const mean = Math.exp(x[0]);
    const cv = Math.exp(x[1]);
    if (!(cv > 0.02 && cv < 10 && mean > 0)) return Infinity;
    const d = density(family, mean, cv);
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const t = Math.max(times[i], MIN_TIME);
      const wi = w ? w[i] : 1;
      ll += wi * (ended[i] ? d.logPdf(t) : d.logSurvival(t));
    }
    return -ll;
  };
  const [m0, c0] = opts.start ?? startingValues(times, ended);
  let best = nelderMead(negLogLik, [Math.log(m0), Math.log(c0)], { step: 0.3 });
  best = nelderMead(negLogLik, best.x, { step: 0.05 });
  const mean = Math.exp(best.x[0]);
  const cv = Math.exp(best.x[1]);
  // standard errors: inverse observed information in (ln mean, ln cv), then the delta method
  let seMean = NaN;
  let seCv = NaN;
  const inv = inverse2(hessian(negLogLik, best.x, 1e-3));
  if (inv && inv[0][0] > 0 && inv[1][1] > 0) {
    seMean = mean * Math.sqrt(inv[0][0]);
    seCv = cv * Math.sqrt(inv[1][1]);
  }
  return { family, mean, cv, seMean, seCv, logLik: -best.value, n, events };
}

// ---------------------------------------------------------------------------------------------
// Time in care: a mixture over reasons for leaving, with ageing out as censoring

/**
 * One period of care for the time-in-care model. `reason` is the index of the reason it ended
 * for (0..R-1), or -1 when it did not end for one of those reasons: still open at the end of the
 * window, or ended by the 18th birthday. `scales[r]` multiplies the band's duration for reason r
 * (reason × route duration factors).
 */
export interface CareSpell {
  readonly time: number;
  readonly reason: number;
  readonly scales: ArrayLike<number>;
}

export interface CareFit {
  readonly family: Family;
  readonly mean: number;
  readonly cv: number;
  readonly seMean: number;
  readonly seCv: number;
  /** Probability of each reason (the rest: staying until the 18th birthday). */
  readonly reasons: number[];
  /** Approximate standard errors of `reasons`. */
  readonly seReasons: number[];
  readonly logLik: number;
  readonly n: number;
  readonly events: number;
  readonly iterations: number;
}

/** Inverse of a symmetric positive-definite-ish matrix by Gauss–Jordan; undefined when singular. */
export function invertMatrix(m: readonly (readonly number[])[]): number[][] | undefined {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
    if (!(Math.abs(a[piv][c]) > 1e-300) || !Number.isFinite(a[piv][c])) return undefined;
    [a[c], a[piv]] = [a[piv], a[c]];
    const d = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Log-likelihood of the reason probabilities `q` (without the durations' density), -Infinity where
 * `q` is not a probability vector: `exactCounts[r]` spells ended for reason r, and
 * `survival[i*R + r]` is the probability that censored spell i (of `censored`) would still have
 * lasted at its censoring time had it been heading for reason r; a spell heading for no reason
 * stays (probability 1 − Σq).
 */
function reasonsLogLik(q: readonly number[], exactCounts: readonly number[], survival: Float64Array, censored: number): number {
  const R = exactCounts.length;
  const stay = 1 - q.reduce((a, b) => a + b, 0);
  if (stay < -1e-12 || q.some((v) => v < 0)) return -Infinity;
  let ll = 0;
  for (let r = 0; r < R; r++) if (exactCounts[r] > 0) ll += exactCounts[r] * Math.log(Math.max(q[r], 1e-300));
  for (let i = 0; i < censored; i++) {
    let L = Math.max(stay, 0);
    for (let r = 0; r < R; r++) L += q[r] * survival[i * R + r];
    ll += Math.log(Math.max(L, 1e-300));
  }
  return ll;
}

/**
 * Expectation–maximisation of the reason probabilities from `start` (`n` spells in all, the
 * rest as in `reasonsLogLik`): each censored spell is shared over the reasons and staying by its
 * posterior weights, until no probability moves by `tolerance` or after `maxIterations`. Returns
 * the iterations it took too.
 */
function emReasonShares(start: readonly number[], exactCounts: readonly number[], survival: Float64Array, censored: number, n: number, maxIterations: number, tolerance: number): { shares: number[]; iterations: number } {
  const R = exactCounts.length;
  let q = start.slice();
  const next = new Float64Array(R);
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    next.set(exactCounts);
    const stay = Math.max(0, 1 - q.reduce((a, b) => a + b, 0));
    for (let i = 0; i < censored; i++) {
      let L = stay;
      for (let r = 0; r < R; r++) L += q[r] * survival[i * R + r];
      if (L <= 0) continue;
      for (let r = 0; r < R; r++) next[r] += (q[r] * survival[i * R + r]) / L;
    }
    let change = 0;
    const nq = Array.from(next, (v) => v / n);
    for (let r = 0; r < R; r++) change = Math.max(change, Math.abs(nq[r] - q[r]));
    q = nq;
    if (change < tolerance) break;
  }
  return { shares: q, iterations };
}

/**
 * Maximum likelihood for the engine's time-in-care model. A child leaves for reason r with
 * probability p_r after a duration D·s_r (D from the band's distribution, s_r the reason and
 * route factors), or stays until the 18th birthday with probability 1 − Σp_r. Spells cut short
 * by the window end or the 18th birthday are censored with an unknown reason.
 *
 * The likelihood is maximised over (mean, cv) by Nelder–Mead on the profile likelihood: for each
 * (mean, cv) the reason probabilities are found by expectation–maximisation on cached survival
 * values (each censored spell gets posterior weights over the reasons and staying). Standard
 * errors come from the numerical Hessian of the full log-likelihood.
 */
export function fitCareMixture(
  family: Family,
  spells: readonly CareSpell[],
  reasons: number,
): CareFit {
  const n = spells.length;
  if (n === 0) throw new RangeError('fitCareMixture: no spells');
  const R = reasons;
  const exactCounts = new Array<number>(R).fill(0);
  const exact: CareSpell[] = [];
  const censored: CareSpell[] = [];
  for (const s of spells) {
    if (s.reason >= R) throw new RangeError(`fitCareMixture: reason ${s.reason} out of range`);
    if (s.reason >= 0) {
      exactCounts[s.reason]++;
      exact.push(s);
    } else censored.push(s);
  }
  const events = exact.length;
  if (events === 0) throw new RangeError('fitCareMixture: no spell ended for a modelled reason');
  const nc = censored.length;
  const S = new Float64Array(nc * R);
  let p = exactCounts.map((c) => Math.max(c / n, 1e-4));
  let iterations = 0;

  /** Fills S for (mean, cv) and returns the density's contribution of the ended spells. */
  const prepare = (mean: number, cv: number): number => {
    const d = density(family, mean, cv);
    let ll = 0;
    for (const s of exact) {
      const sc = s.scales[s.reason];
      ll += d.logPdf(Math.max(s.time, MIN_TIME) / sc) - Math.log(sc);
    }
    for (let i = 0; i < nc; i++) {
      const s = censored[i];
      const t = Math.max(s.time, MIN_TIME);
      for (let r = 0; r < R; r++) S[i * R + r] = d.survival(t / s.scales[r]);
    }
    return ll;
  };
  /** Log-likelihood at the prepared (mean, cv) and reason probabilities `q` (without the density part). */
  const reasonLogLik = (q: readonly number[]): number => reasonsLogLik(q, exactCounts, S, nc);
  /** EM over the reason probabilities at the prepared (mean, cv), from `p`. */
  const emReasons = (): number[] => {
    const em = emReasonShares(p, exactCounts, S, nc, n, 2000, 1e-10);
    iterations += em.iterations;
    return em.shares;
  };
  const profile = (x: number[]): number => {
    const mean = Math.exp(x[0]);
    const cv = Math.exp(x[1]);
    if (!(cv > 0.02 && cv < 10 && mean > 1e-6 && mean < 1e6)) return Infinity;
    const ll = prepare(mean, cv);
    const q = emReasons();
    p = q;
    return -(ll + reasonLogLik(q));
  };

  const [m0, c0] = startingValues(
    exact.map((s) => s.time / s.scales[s.reason]),
    exact.map(() => true),
  );
  let best = nelderMead(profile, [Math.log(m0), Math.log(c0)], { step: 0.3, maxIterations: 300 });
  best = nelderMead(profile, best.x, { step: 0.05, maxIterations: 300 });
  const mean = Math.exp(best.x[0]);
  const cv = Math.exp(best.x[1]);
  const reasonsAt = p.slice();
  const logLik = -profile([Math.log(mean), Math.log(cv)]);

  // standard errors from the Hessian of the full log-likelihood in (ln mean, ln cv, p_r > 0)
  const free = reasonsAt.map((v, r) => (v > 1e-4 ? r : -1)).filter((r) => r >= 0);
  const full = (x: number[]): number => {
    const mu = Math.exp(x[0]);
    const c = Math.exp(x[1]);
    const q = reasonsAt.slice();
    free.forEach((r, k) => (q[r] = x[2 + k]));
    const ll = prepare(mu, c) + reasonLogLik(q);
    return Number.isFinite(ll) ? -ll : 1e300;
  };
  const x0 = [Math.log(mean), Math.log(cv), ...free.map((r) => reasonsAt[r])];
  const H = hessian(full, x0, 1e-4);
  const inv = invertMatrix(H);
  const varOf = (i: number) => (inv && inv[i][i] > 0 ? inv[i][i] : NaN);
  const seMean = mean * Math.sqrt(varOf(0));
  const seCv = cv * Math.sqrt(varOf(1));
  const seReasons = reasonsAt.map((v, r) => {
    const k = free.indexOf(r);
    return k >= 0 ? Math.sqrt(varOf(2 + k)) : NaN;
  });
  return { family, mean, cv, seMean, seCv, reasons: reasonsAt, seReasons, logLik, n, events, iterations };
}

/**
 * Reason probabilities alone, when each spell's duration distribution is known: `exactCounts[r]`
 * spells ended for reason r; `survival[i*R + r]` is the probability that censored spell i would
 * still have lasted at its censoring time had it been heading for reason r. Expectation–
 * maximisation as in `fitCareMixture`, with standard errors from the Hessian.
 */
export function fitReasonShares(exactCounts: readonly number[], survival: Float64Array, censoredCount: number): { reasons: number[]; seReasons: number[]; n: number } {
  const R = exactCounts.length;
  if (survival.length !== censoredCount * R) throw new RangeError('fitReasonShares: survival must have censoredCount × reasons values');
  const n = exactCounts.reduce((a, b) => a + b, 0) + censoredCount;
  if (n === 0) throw new RangeError('fitReasonShares: no spells');
  const q = emReasonShares(
    exactCounts.map((c) => Math.max(c / n, 1e-4)),
    exactCounts,
    survival,
    censoredCount,
    n,
    5000,
    1e-11,
  ).shares;
  const free = q.map((v, r) => (v > 1e-4 ? r : -1)).filter((r) => r >= 0);
  const negLL = (x: number[]) => {
    const p = q.slice();
    free.forEach((r, k) => (p[r] = x[k]));
    const ll = reasonsLogLik(p, exactCounts, survival, censoredCount);
    return ll === -Infinity ? 1e300 : -ll;
  };
  const inv = free.length > 0 ? invertMatrix(hessian(negLL, free.map((r) => q[r]), 1e-4)) : undefined;
  const seReasons = q.map((_, r) => {
    const k = free.indexOf(r);
    return inv && k >= 0 && inv[k][k] > 0 ? Math.sqrt(inv[k][k]) : NaN;
  });
  return { reasons: q, seReasons, n };
}
