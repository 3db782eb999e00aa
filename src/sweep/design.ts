/**
 * Sweep designs: which parameter sets (points) a sweep runs. Every design is first built in the
 * unit cube [0, 1)^k and then mapped through each factor's distribution (inverse CDF), so that
 * grid, Latin hypercube and Saltelli designs share one description of the factors.
 *
 * - grid: every combination of each factor's levels (its `values`, or `levels` evenly spaced
 *   quantiles of its distribution, ends included);
 * - Latin hypercube: `points` points; each factor's range is cut into `points` strata of equal
 *   probability and every stratum holds exactly one point (McKay, Beckman & Conover 1979);
 * - Saltelli: two independent N × k samples A and B and, for each factor i, the matrix AB_i (A
 *   with column i taken from B): N(k + 2) points, the input of the Sobol estimators in sobol.ts.
 *   Points are ordered by row j: A_j, B_j, AB_1j, …, AB_kj.
 *
 * All randomness comes from the seeded generator in src/simulation/random.ts. Pure: no I/O.
 */
import { Rng } from '../simulation/random.ts';

export type Distribution =
  | { readonly dist: 'uniform'; readonly min: number; readonly max: number }
  | { readonly dist: 'triangular'; readonly min: number; readonly mode: number; readonly max: number }
  | { readonly dist: 'normal'; readonly mean: number; readonly sd: number; readonly min?: number; readonly max?: number }
  | { readonly dist: 'values'; readonly values: readonly number[] };

export type DesignSpec =
  | { readonly type: 'grid'; readonly levels?: number }
  | { readonly type: 'lhs'; readonly points: number }
  | { readonly type: 'saltelli'; readonly samples: number };

export interface Design {
  readonly type: DesignSpec['type'];
  /** points[p][i]: the value of factor i at point p. */
  readonly points: number[][];
  /** For Saltelli designs: N, the number of rows of A and B. */
  readonly samples?: number;
}

/**
 * Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9),
 * for p in (0, 1).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 through erf; absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** The value of a distribution at probability u in [0, 1] (its inverse CDF). */
export function quantileOf(d: Distribution, u: number): number {
  switch (d.dist) {
    case 'uniform':
      return d.min + u * (d.max - d.min);
    case 'triangular': {
      const span = d.max - d.min;
      if (span === 0) return d.min;
      const fc = (d.mode - d.min) / span;
      return u < fc ? d.min + Math.sqrt(u * span * (d.mode - d.min)) : d.max - Math.sqrt((1 - u) * span * (d.max - d.mode));
    }
    case 'normal': {
      // truncated to [min, max] when given: u is spread over the CDF between the bounds
      const lo = d.min === undefined ? 0 : normalCdf((d.min - d.mean) / d.sd);
      const hi = d.max === undefined ? 1 : normalCdf((d.max - d.mean) / d.sd);
      const p = Math.min(1 - 1e-12, Math.max(1e-12, lo + u * (hi - lo)));
      let x = d.mean + d.sd * normalQuantile(p);
      if (d.min !== undefined) x = Math.max(d.min, x);
      if (d.max !== undefined) x = Math.min(d.max, x);
      return x;
    }
    case 'values':
      return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))];
  }
}

/** The levels a factor takes in a grid: its values, or `levels` quantiles from 0 to 1 (ends included). */
export function gridLevels(d: Distribution, levels: number): number[] {
  if (d.dist === 'values') return [...d.values];
  if (levels === 1) return [quantileOf(d, 0.5)];
  const out: number[] = [];
  for (let l = 0; l < levels; l++) {
    // the normal's ends are its 2.5% and 97.5% quantiles (or its bounds)
    const u = d.dist === 'normal' ? 0.025 + (0.95 * l) / (levels - 1) : l / (levels - 1);
    out.push(quantileOf(d, u));
  }
  return out;
}

/** Every combination of the factors' levels, the last factor changing fastest. */
export function gridDesign(dists: readonly Distribution[], levels: number): number[][] {
  const axes = dists.map((d) => gridLevels(d, levels));
  let points: number[][] = [[]];
  for (const axis of axes) {
    const next: number[][] = [];
    for (const p of points) for (const v of axis) next.push([...p, v]);
    points = next;
  }
  return points;
}

/** A Latin hypercube sample in the unit cube: n points, k dimensions, one point per stratum in each. */
export function latinHypercubeUnit(n: number, k: number, rng: Rng): number[][] {
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(k));
  const perm = new Int32Array(n);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) perm[j] = j;
    for (let j = n - 1; j > 0; j--) {
      const s = rng.int(j + 1);
      const t = perm[j];
      perm[j] = perm[s];
      perm[s] = t;
    }
    for (let j = 0; j < n; j++) out[j][i] = (perm[j] + rng.uniform()) / n;
  }
  return out;
}

/** Saltelli's sampling scheme in the unit cube: rows A_j, B_j, AB_1j … AB_kj for j < n. */
export function saltelliUnit(n: number, k: number, rng: Rng): number[][] {
  const a: number[][] = [];
  const b: number[][] = [];
  for (let j = 0; j < n; j++) {
    const row: number[] = [];
    for (let i = 0; i < 2 * k; i++) row.push(rng.uniform());
    a.push(row.slice(0, k));
    b.push(row.slice(k));
  }
  const out: number[][] = [];
  for (let j = 0; j < n; j++) {
    out.push(a[j], b[j]);
    for (let i = 0; i < k; i++) {
      const ab = a[j].slice();
      ab[i] = b[j][i];
      out.push(ab);
    }
  }
  return out;
}

/** Builds a design for factors with the given distributions; `seed` drives LHS and Saltelli samples. */
export function buildDesign(spec: DesignSpec, dists: readonly Distribution[], seed: number): Design {
  const k = dists.length;
  const rng = Rng.stream(seed, 0x5eed, k);
  const map = (unit: number[][]) => unit.map((u) => u.map((x, i) => quantileOf(dists[i], x)));
  switch (spec.type) {
    case 'grid':
      return { type: 'grid', points: gridDesign(dists, spec.levels ?? 3) };
    case 'lhs':
      return { type: 'lhs', points: map(latinHypercubeUnit(spec.points, k, rng)) };
    case 'saltelli':
      return { type: 'saltelli', points: map(saltelliUnit(spec.samples, k, rng)), samples: spec.samples };
  }
}

/** Number of points a design spec gives for k factors (before building it). */
export function designSize(spec: DesignSpec, dists: readonly Distribution[]): number {
  switch (spec.type) {
    case 'grid':
      return dists.reduce((n, d) => n * (d.dist === 'values' ? d.values.length : (spec.levels ?? 3)), 1);
    case 'lhs':
      return spec.points;
    case 'saltelli':
      return spec.samples * (dists.length + 2);
  }
}
