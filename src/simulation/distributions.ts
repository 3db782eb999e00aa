/**
 * Probability distributions the case-flow model draws from. Every sampler takes a uniform source
 * (an `Rng` or anything with `uniform()`), so all randomness stays seeded.
 *
 * - counts: Poisson (inversion for small means, PTRS transformed rejection for large ones) and
 *   negative binomial (gamma–Poisson mixture) for over-dispersed arrivals;
 * - durations: lognormal, gamma and Weibull parameterised by mean and coefficient of variation,
 *   and empirical cumulative tables; each has cdf, quantile, survival, a sampler conditional on
 *   having already lasted `a` (for children already open when a run starts) and the capped mean
 *   E[min(D, cap)] (for ageing out at 18);
 * - categorical choices over weights (`Categorical`).
 */

export interface UniformSource {
  uniform(): number;
}

/** A uniform draw on the open interval (0, 1): never exactly 0, so logs are finite. */
export function openUniform(rng: UniformSource): number {
  let u = rng.uniform();
  while (u === 0) u = rng.uniform();
  return u;
}

/** Standard normal draw (Box–Muller, one value per call). */
export function standardNormal(rng: UniformSource): number {
  const u1 = openUniform(rng);
  const u2 = rng.uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** Exponential draw with the given mean. */
export function exponential(rng: UniformSource, mean: number): number {
  return -Math.log(openUniform(rng)) * mean;
}

// ---------------------------------------------------------------------------------------------
// Special functions

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, ~15 significant digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  // continued fraction for Q (modified Lentz)
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/** Standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  // erfc via W. J. Cody's rational approximation (Numerical Recipes erfcc, relative error < 1.2e-7),
  // refined with one step of the series where it matters little for sampling purposes.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** Inverse of the standard normal CDF (Acklam's algorithm, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let q: number;
  if (p < pLow) {
    q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p <= 1 - pLow) {
    q = p - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

// ---------------------------------------------------------------------------------------------
// Counts

/** Poisson draw with mean `lambda` (0 for lambda <= 0). */
export function poisson(rng: UniformSource, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) {
    // inversion by sequential search
    let k = 0;
    let p = Math.exp(-lambda);
    let s = p;
    const u = rng.uniform();
    while (u > s && k < 1000) {
      k++;
      p *= lambda / k;
      s += p;
    }
    return k;
  }
  // PTRS: Hörmann (1993), "The transformed rejection method for generating Poisson random variables".
  const slam = Math.sqrt(lambda);
  const loglam = Math.log(lambda);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = openUniform(rng);
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - lnGamma(k + 1)) return k;
  }
}

/** Gamma draw with the given shape and scale (Marsaglia & Tsang 2000). */
export function gammaVariate(rng: UniformSource, shape: number, scale: number): number {
  if (shape < 1) {
    const g = gammaVariate(rng, shape + 1, 1);
    return g * Math.pow(openUniform(rng), 1 / shape) * scale;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = openUniform(rng);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
  }
}

/**
 * Negative binomial draw with the given mean and dispersion (size) k: variance = mean + mean²/k.
 * k = 0 (or not finite) means no over-dispersion, i.e. Poisson.
 */
export function negativeBinomial(rng: UniformSource, mean: number, dispersion: number): number {
  if (!(mean > 0)) return 0;
  if (!(dispersion > 0) || !Number.isFinite(dispersion)) return poisson(rng, mean);
  return poisson(rng, gammaVariate(rng, dispersion, mean / dispersion));
}

// ---------------------------------------------------------------------------------------------
// Durations

export type DurationSpec =
  | { readonly dist: 'lognormal' | 'gamma' | 'weibull'; readonly mean: number; readonly cv: number }
  | { readonly dist: 'empirical'; readonly points: readonly (readonly [number, number])[] };

/** A duration distribution on (0, ∞) with everything the model needs from it. */
export interface Duration {
  readonly spec: DurationSpec;
  readonly mean: number;
  cdf(t: number): number;
  survival(t: number): number;
  quantile(p: number): number;
  sample(rng: UniformSource): number;
  /** A draw conditional on the duration exceeding `a` (a child who has already spent `a` in the state). */
  sampleAbove(rng: UniformSource, a: number): number;
  /** E[min(D, cap)]: the mean time spent when the state is cut short at `cap` (e.g. an 18th birthday). */
  meanCapped(cap: number): number;
}

function weibullCv(k: number): number {
  const g1 = lnGamma(1 + 1 / k);
  const g2 = lnGamma(1 + 2 / k);
  return Math.sqrt(Math.max(0, Math.exp(g2 - 2 * g1) - 1));
}

/** Weibull shape k whose coefficient of variation is `cv` (bisection; cv decreases in k). */
export function weibullShapeForCv(cv: number): number {
  let lo = 0.05;
  let hi = 50;
  for (let i = 0; i < 200; i++) {
    const mid = Math.sqrt(lo * hi);
    if (weibullCv(mid) > cv) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

abstract class BaseDuration implements Duration {
  abstract readonly spec: DurationSpec;
  abstract readonly mean: number;
  abstract cdf(t: number): number;
  abstract quantile(p: number): number;
  survival(t: number): number {
    return 1 - this.cdf(t);
  }
  sample(rng: UniformSource): number {
    return this.quantile(openUniform(rng));
  }
  sampleAbove(rng: UniformSource, a: number): number {
    if (!(a > 0)) return this.sample(rng);
    const fa = this.cdf(a);
    if (fa >= 1 - 1e-12) return a * (1 + 1e-9) + 1e-9;
    const p = fa + openUniform(rng) * (1 - fa);
    return Math.max(a, this.quantile(p));
  }
  abstract meanCapped(cap: number): number;
}

class LognormalDuration extends BaseDuration {
  readonly mu: number;
  readonly sigma: number;
  constructor(
    readonly spec: DurationSpec,
    readonly mean: number,
    cv: number,
  ) {
    super();
    const s2 = Math.log(1 + cv * cv);
    this.sigma = Math.sqrt(s2);
    this.mu = Math.log(mean) - s2 / 2;
  }
  cdf(t: number): number {
    return t <= 0 ? 0 : normalCdf((Math.log(t) - this.mu) / this.sigma);
  }
  quantile(p: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(p));
  }
  override sample(rng: UniformSource): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }
  /** E[min(D, c)] = E[D; D <= c] + c·S(c), with E[D; D <= c] = mean·Φ((ln c − μ − σ²)/σ). */
  override meanCapped(cap: number): number {
    if (!Number.isFinite(cap)) return this.mean;
    if (!(cap > 0)) return 0;
    const z = (Math.log(cap) - this.mu) / this.sigma;
    return this.mean * normalCdf(z - this.sigma) + cap * (1 - normalCdf(z));
  }
}

class GammaDuration extends BaseDuration {
  readonly shape: number;
  readonly scale: number;
  constructor(
    readonly spec: DurationSpec,
    readonly mean: number,
    cv: number,
  ) {
    super();
    this.shape = 1 / (cv * cv);
    this.scale = mean * cv * cv;
  }
  cdf(t: number): number {
    return t <= 0 ? 0 : gammaP(this.shape, t / this.scale);
  }
  quantile(p: number): number {
    if (p <= 0) return 0;
    // bracket then bisect on the CDF
    let lo = 0;
    let hi = this.mean;
    while (this.cdf(hi) < p && hi < this.mean * 1e6) hi *= 2;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (this.cdf(mid) < p) lo = mid;
      else hi = mid;
      if (hi - lo <= 1e-10 * hi) break;
    }
    return (lo + hi) / 2;
  }
  override sample(rng: UniformSource): number {
    return gammaVariate(rng, this.shape, this.scale);
  }
  /** E[D; D <= c] = mean·P(shape + 1, c/scale). */
  override meanCapped(cap: number): number {
    if (!Number.isFinite(cap)) return this.mean;
    if (!(cap > 0)) return 0;
    return this.mean * gammaP(this.shape + 1, cap / this.scale) + cap * (1 - this.cdf(cap));
  }
  override sampleAbove(rng: UniformSource, a: number): number {
    // rejection is exact and quick while the survival is not small
    if (a > 0 && this.survival(a) > 0.2) {
      for (let i = 0; i < 64; i++) {
        const x = this.sample(rng);
        if (x > a) return x;
      }
    }
    return super.sampleAbove(rng, a);
  }
}

class WeibullDuration extends BaseDuration {
  readonly shape: number;
  readonly scale: number;
  constructor(
    readonly spec: DurationSpec,
    readonly mean: number,
    cv: number,
  ) {
    super();
    this.shape = weibullShapeForCv(cv);
    this.scale = mean / Math.exp(lnGamma(1 + 1 / this.shape));
  }
  cdf(t: number): number {
    return t <= 0 ? 0 : 1 - Math.exp(-Math.pow(t / this.scale, this.shape));
  }
  override survival(t: number): number {
    return t <= 0 ? 1 : Math.exp(-Math.pow(t / this.scale, this.shape));
  }
  quantile(p: number): number {
    return this.scale * Math.pow(-Math.log(1 - p), 1 / this.shape);
  }
  /** E[D; D <= c] = mean·P(1 + 1/k, (c/λ)^k). */
  override meanCapped(cap: number): number {
    if (!Number.isFinite(cap)) return this.mean;
    if (!(cap > 0)) return 0;
    const x = Math.pow(cap / this.scale, this.shape);
    return this.mean * gammaP(1 + 1 / this.shape, x) + cap * Math.exp(-x);
  }
  override sampleAbove(rng: UniformSource, a: number): number {
    if (!(a > 0)) return this.sample(rng);
    // S(t | t > a) = exp(-((t/λ)^k - (a/λ)^k))  =>  t = λ ((a/λ)^k - ln U)^(1/k)
    const ha = Math.pow(a / this.scale, this.shape);
    return this.scale * Math.pow(ha - Math.log(openUniform(rng)), 1 / this.shape);
  }
}

/** Piecewise-linear CDF through (0, 0) and the given (t, F) points; the last F must be 1. */
class EmpiricalDuration extends BaseDuration {
  readonly t: Float64Array;
  readonly f: Float64Array;
  readonly mean: number;
  constructor(readonly spec: DurationSpec & { dist: 'empirical' }) {
    super();
    const pts = spec.points[0][0] > 0 ? [[0, 0] as const, ...spec.points] : spec.points;
    this.t = Float64Array.from(pts, (p) => p[0]);
    this.f = Float64Array.from(pts, (p) => p[1]);
    let m = 0;
    for (let i = 1; i < this.t.length; i++) m += (this.t[i] - this.t[i - 1]) * (1 - (this.f[i] + this.f[i - 1]) / 2);
    this.mean = m;
  }
  cdf(x: number): number {
    const { t, f } = this;
    if (x <= t[0]) return f[0];
    const n = t.length;
    if (x >= t[n - 1]) return f[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (t[mid] <= x) lo = mid;
      else hi = mid;
    }
    const w = (x - t[lo]) / (t[hi] - t[lo]);
    return f[lo] + w * (f[hi] - f[lo]);
  }
  quantile(p: number): number {
    const { t, f } = this;
    const n = t.length;
    if (p <= f[0]) return t[0];
    if (p >= f[n - 1]) return t[n - 1];
    let lo = 0;
    let hi = n - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (f[mid] < p) lo = mid;
      else hi = mid;
    }
    // f[lo] < p <= f[hi]
    const df = f[hi] - f[lo];
    return df > 0 ? t[lo] + ((p - f[lo]) / df) * (t[hi] - t[lo]) : t[hi];
  }
  override meanCapped(cap: number): number {
    if (!Number.isFinite(cap)) return this.mean;
    const { t, f } = this;
    let m = 0;
    for (let i = 1; i < t.length && t[i - 1] < cap; i++) {
      const t1 = Math.min(t[i], cap);
      const f1 = this.cdf(t1);
      m += (t1 - t[i - 1]) * (1 - (f1 + f[i - 1]) / 2);
    }
    return m;
  }
}

const durationCache = new WeakMap<object, Duration>();

/** Compiles a duration specification (cached per specification object). */
export function duration(spec: DurationSpec): Duration {
  const cached = durationCache.get(spec);
  if (cached) return cached;
  let d: Duration;
  switch (spec.dist) {
    case 'lognormal':
      d = new LognormalDuration(spec, spec.mean, spec.cv);
      break;
    case 'gamma':
      d = new GammaDuration(spec, spec.mean, spec.cv);
      break;
    case 'weibull':
      d = new WeibullDuration(spec, spec.mean, spec.cv);
      break;
    case 'empirical':
      d = new EmpiricalDuration(spec);
      break;
  }
  durationCache.set(spec, d);
  return d;
}

/**
 * A cumulative table that may stay below 1: F(t) is the probability that the event has happened
 * by `t`; with probability 1 − F(last) it never happens. Used for re-contact after closure.
 */
export class DefectiveTable {
  readonly t: Float64Array;
  readonly f: Float64Array;
  readonly total: number;
  constructor(points: readonly (readonly [number, number])[]) {
    const pts = points.length === 0 || points[0][0] > 0 ? [[0, 0] as const, ...points] : points;
    this.t = Float64Array.from(pts, (p) => p[0]);
    this.f = Float64Array.from(pts, (p) => p[1]);
    this.total = this.f[this.f.length - 1];
  }
  cdf(x: number): number {
    const { t, f } = this;
    const n = t.length;
    if (x <= t[0]) return f[0];
    if (x >= t[n - 1]) return f[n - 1];
    let i = 1;
    while (t[i] < x) i++;
    const w = (x - t[i - 1]) / (t[i] - t[i - 1]);
    return f[i - 1] + w * (f[i] - f[i - 1]);
  }
  private inverse(p: number): number {
    const { t, f } = this;
    let i = 1;
    while (i < t.length - 1 && f[i] < p) i++;
    const df = f[i] - f[i - 1];
    return df > 0 ? t[i - 1] + ((p - f[i - 1]) / df) * (t[i] - t[i - 1]) : t[i];
  }
  /** Time of the event, or Infinity when it never happens. */
  sample(rng: UniformSource): number {
    const u = rng.uniform();
    return u < this.total ? this.inverse(u) : Infinity;
  }
  /** Time of the event given that it has not happened by `a` (Infinity when it never happens). */
  sampleAbove(rng: UniformSource, a: number): number {
    const fa = this.cdf(a);
    const rest = 1 - fa;
    if (rest <= 0) return Infinity;
    const u = fa + rng.uniform() * rest;
    return u < this.total ? Math.max(a, this.inverse(u)) : Infinity;
  }
}

// ---------------------------------------------------------------------------------------------
// Categorical

/** A categorical distribution over indexes 0..n-1, from non-negative weights (normalised). */
export class Categorical {
  readonly cumulative: Float64Array;
  readonly probabilities: Float64Array;
  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} must be a finite number >= 0 (got ${w})`);
      total += w;
    }
    if (!(total > 0)) throw new RangeError('weights must not all be 0');
    this.probabilities = new Float64Array(n);
    this.cumulative = new Float64Array(n);
    let c = 0;
    for (let i = 0; i < n; i++) {
      this.probabilities[i] = weights[i] / total;
      c += this.probabilities[i];
      this.cumulative[i] = c;
    }
    this.cumulative[n - 1] = 1;
    // guide table: guide[j] is the answer for u = j / K, where every u in [j / K, (j + 1) / K)
    // starts its search (K a power of two, so u * K and j / K are exact)
    let k = 8;
    while (k < 2 * n && k < 1024) k *= 2;
    this.k = k;
    this.guide = new Int32Array(k);
    for (let j = 0; j < k; j++) this.guide[j] = this.scan(0, j / k);
  }

  private readonly k: number;
  private readonly guide: Int32Array;

  /** The first index at or after `from` whose cumulative weight exceeds `u` (the last index if none). */
  private scan(from: number, u: number): number {
    const c = this.cumulative;
    const n = c.length - 1;
    let i = from;
    while (i < n && u >= c[i]) i++;
    return i;
  }

  /** Index i with probability p[i]: the first i with u < cumulative[i], for one uniform u. */
  sample(rng: UniformSource): number {
    const u = rng.uniform();
    const c = this.cumulative;
    const n = c.length - 1;
    let i = u >= 0 && u < 1 ? this.guide[(u * this.k) | 0] : 0;
    while (i < n && u >= c[i]) i++;
    return i;
  }
}
