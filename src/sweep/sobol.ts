/**
 * Variance-based sensitivity: first-order and total Sobol indices from a Saltelli design, with
 * bootstrap percentile intervals, and the one-factor "tornado" ranges any design can give.
 *
 * With f(A), f(B) and f(AB_i) the outputs on the design's rows (design.ts), N rows each:
 *   first order (Saltelli et al. 2010, eq. (b) of table 2):  V_i  = 1/N Σ_j f(B)_j (f(AB_i)_j − f(A)_j)
 *   total       (Jansen 1999, eq. (f) of table 2):            VT_i = 1/(2N) Σ_j (f(A)_j − f(AB_i)_j)²
 * and S_i = V_i / V(Y), ST_i = VT_i / V(Y), V(Y) the variance of the 2N outputs of A and B.
 * f(B) is centred on the mean of the 2N outputs in the first-order sum (the estimator stays
 * consistent and its variance no longer grows with the output's mean). Rows holding a NaN output
 * are left out (and counted). Pure: no I/O.
 */
import { Rng } from '../simulation/random.ts';
import { quantileSorted } from '../projections/summary.ts';

export interface SobolIndices {
  /** First-order and total indices, one per factor. */
  readonly first: number[];
  readonly total: number[];
  /** Bootstrap percentile intervals (NaN when no bootstrap was asked for). */
  readonly firstLo: number[];
  readonly firstHi: number[];
  readonly totalLo: number[];
  readonly totalHi: number[];
  /** V(Y) over the rows used. */
  readonly variance: number;
  /** Rows used (rows with any NaN output are left out). */
  readonly rows: number;
  readonly rowsDropped: number;
}

export interface SobolOptions {
  /** Bootstrap resamples (0: no intervals). */
  readonly bootstrap?: number;
  /** Interval coverage, e.g. 0.95. */
  readonly confidence?: number;
  readonly seed?: number;
}

function estimate(fa: Float64Array, fb: Float64Array, fab: Float64Array[], rows: ArrayLike<number>): { first: number[]; total: number[]; variance: number } {
  const n = rows.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += fa[rows[t]] + fb[rows[t]];
  mean /= 2 * n;
  let v = 0;
  for (let t = 0; t < n; t++) {
    const a = fa[rows[t]] - mean;
    const b = fb[rows[t]] - mean;
    v += a * a + b * b;
  }
  v /= 2 * n;
  const first: number[] = [];
  const total: number[] = [];
  for (const col of fab) {
    let s1 = 0;
    let st = 0;
    for (let t = 0; t < n; t++) {
      const j = rows[t];
      s1 += (fb[j] - mean) * (col[j] - fa[j]);
      const d = fa[j] - col[j];
      st += d * d;
    }
    first.push(v > 0 ? s1 / n / v : NaN);
    total.push(v > 0 ? st / (2 * n) / v : NaN);
  }
  return { first, total, variance: v };
}

/**
 * Sobol indices of k factors from outputs `y` in the Saltelli order of design.ts (row j: A_j, B_j,
 * AB_1j … AB_kj; length N(k + 2)).
 */
export function sobolIndices(y: ArrayLike<number>, k: number, opts: SobolOptions = {}): SobolIndices {
  const width = k + 2;
  if (k < 1 || y.length % width !== 0) throw new RangeError(`sobolIndices: ${y.length} outputs is not a multiple of k + 2 = ${width}`);
  const total = y.length / width;
  const fa = new Float64Array(total);
  const fb = new Float64Array(total);
  const fab = Array.from({ length: k }, () => new Float64Array(total));
  const rows: number[] = [];
  for (let j = 0; j < total; j++) {
    let ok = true;
    for (let c = 0; c < width; c++) if (!Number.isFinite(y[j * width + c])) ok = false;
    fa[j] = y[j * width];
    fb[j] = y[j * width + 1];
    for (let i = 0; i < k; i++) fab[i][j] = y[j * width + 2 + i];
    if (ok) rows.push(j);
  }
  const nan = () => new Array<number>(k).fill(NaN);
  if (rows.length < 2) return { first: nan(), total: nan(), firstLo: nan(), firstHi: nan(), totalLo: nan(), totalHi: nan(), variance: NaN, rows: rows.length, rowsDropped: total - rows.length };
  const point = estimate(fa, fb, fab, rows);
  const reps = opts.bootstrap ?? 0;
  const out = { ...point, firstLo: nan(), firstHi: nan(), totalLo: nan(), totalHi: nan(), rows: rows.length, rowsDropped: total - rows.length };
  if (reps > 0) {
    const conf = opts.confidence ?? 0.95;
    const rng = Rng.stream(opts.seed ?? 0, 0xb007, k);
    const firsts = Array.from({ length: k }, () => new Float64Array(reps));
    const totals = Array.from({ length: k }, () => new Float64Array(reps));
    const sample = new Int32Array(rows.length);
    for (let b = 0; b < reps; b++) {
      for (let t = 0; t < rows.length; t++) sample[t] = rows[rng.int(rows.length)];
      const e = estimate(fa, fb, fab, sample);
      for (let i = 0; i < k; i++) {
        firsts[i][b] = e.first[i];
        totals[i][b] = e.total[i];
      }
    }
    const lo = (1 - conf) / 2;
    for (let i = 0; i < k; i++) {
      const f = firsts[i].filter((x) => !Number.isNaN(x)).sort();
      const s = totals[i].filter((x) => !Number.isNaN(x)).sort();
      out.firstLo[i] = quantileSorted(f, f.length, lo);
      out.firstHi[i] = quantileSorted(f, f.length, 1 - lo);
      out.totalLo[i] = quantileSorted(s, s.length, lo);
      out.totalHi[i] = quantileSorted(s, s.length, 1 - lo);
    }
  }
  return out;
}

export interface TornadoBar {
  readonly factor: number;
  /** Mean output over the points in the factor's lowest and highest thirds. */
  readonly low: number;
  readonly high: number;
  /** Factor values bounding those thirds. */
  readonly lowValue: number;
  readonly highValue: number;
}

/**
 * One-factor ranges for a tornado chart, from any design: for each factor, the mean output over
 * the points whose value of that factor lies in its lowest third, and over those in its highest
 * third (by value; for a 3-level grid, the lowest and highest level). NaN outputs are left out.
 */
export function tornado(points: readonly (readonly number[])[], y: ArrayLike<number>): TornadoBar[] {
  if (points.length !== y.length) throw new RangeError(`tornado: ${points.length} points but ${y.length} outputs`);
  const k = points[0]?.length ?? 0;
  const bars: TornadoBar[] = [];
  for (let i = 0; i < k; i++) {
    const values = points.map((p) => p[i]).sort((a, b) => a - b);
    const lowT = quantileSorted(values, values.length, 1 / 3);
    const highT = quantileSorted(values, values.length, 2 / 3);
    let lo = 0;
    let nl = 0;
    let hi = 0;
    let nh = 0;
    for (let p = 0; p < points.length; p++) {
      const v = points[p][i];
      const out = y[p];
      if (Number.isNaN(out)) continue;
      if (v <= lowT) {
        lo += out;
        nl++;
      }
      if (v >= highT) {
        hi += out;
        nh++;
      }
    }
    bars.push({ factor: i, low: nl ? lo / nl : NaN, high: nh ? hi / nh : NaN, lowValue: lowT, highValue: highT });
  }
  return bars;
}
