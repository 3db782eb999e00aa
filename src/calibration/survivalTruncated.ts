/**
 * The time-in-care mixture (see `fitCareMixture`) with delayed entry: a period of care already
 * running when the window starts is observed from `entry` months into it, so its likelihood is
 * conditional on having lasted that long (left truncation). The children in care at the start of
 * a window are most of what a short history shows about how long children stay; without them the
 * fit sees only the periods that began in the window, few of which have ended.
 *
 * Maximum likelihood over (ln mean, ln cv) and the reason probabilities (softmax against staying
 * until the 18th birthday) by Nelder–Mead, started from the cohort fit; standard errors from the
 * numerical Hessian in (ln mean, ln cv, the reason probabilities).
 */
import { density, hessian, invertMatrix, nelderMead, type CareFit, type CareSpell, type Family } from './survival.ts';

export interface TruncatedSpell extends CareSpell {
  /** Months in care before the window started (0: the period began in the window). */
  readonly entry: number;
}

const MIN_TIME = 1e-6;

/** Log-likelihood of the spells at (mean, cv) and reason probabilities `q` (the rest stays until 18). */
function logLik(family: Family, spells: readonly TruncatedSpell[], mean: number, cv: number, q: readonly number[]): number {
  const stay = 1 - q.reduce((a, b) => a + b, 0);
  if (stay < -1e-12 || q.some((v) => v < 0)) return -Infinity;
  const d = density(family, mean, cv);
  const R = q.length;
  let ll = 0;
  for (const s of spells) {
    const t = Math.max(s.time, MIN_TIME);
    if (s.reason >= 0) {
      const sc = s.scales[s.reason];
      ll += Math.log(Math.max(q[s.reason], 1e-300)) + d.logPdf(t / sc) - Math.log(sc);
    } else {
      let L = Math.max(stay, 0);
      for (let r = 0; r < R; r++) L += q[r] * d.survival(t / s.scales[r]);
      ll += Math.log(Math.max(L, 1e-300));
    }
    if (s.entry > 0) {
      let G = Math.max(stay, 0);
      for (let r = 0; r < R; r++) G += q[r] * d.survival(s.entry / s.scales[r]);
      ll -= Math.log(Math.max(G, 1e-300));
    }
  }
  return ll;
}

export function fitCareMixtureTruncated(family: Family, spells: readonly TruncatedSpell[], reasons: number, start: { mean: number; cv: number; reasons: readonly number[] }): CareFit {
  const R = reasons;
  const events = spells.filter((s) => s.reason >= 0).length;
  if (events === 0) throw new RangeError('fitCareMixtureTruncated: no spell ended for a modelled reason');
  const toQ = (a: readonly number[]): number[] => {
    let m = 0;
    for (const v of a) m = Math.max(m, v);
    const e = a.map((v) => Math.exp(v - m));
    const stay = Math.exp(-m);
    const z = e.reduce((x, y) => x + y, stay);
    return e.map((v) => v / z);
  };
  const stay0 = Math.max(1e-3, 1 - start.reasons.reduce((a, b) => a + b, 0));
  const x0 = [Math.log(start.mean), Math.log(start.cv), ...start.reasons.map((p) => Math.log(Math.max(p, 1e-3) / stay0))];
  const f = (x: number[]): number => {
    const mean = Math.exp(x[0]);
    const cv = Math.exp(x[1]);
    if (!(cv > 0.02 && cv < 10 && mean > 1e-3 && mean < 1e4)) return Infinity;
    const ll = logLik(family, spells, mean, cv, toQ(x.slice(2)));
    return Number.isFinite(ll) ? -ll : Infinity;
  };
  let best = nelderMead(f, x0, { step: 0.5, maxIterations: 3000 });
  best = nelderMead(f, best.x, { step: 0.1, maxIterations: 3000 });
  const mean = Math.exp(best.x[0]);
  const cv = Math.exp(best.x[1]);
  const q = toQ(best.x.slice(2));
  const free = q.map((v, r) => (v > 1e-4 ? r : -1)).filter((r) => r >= 0);
  const full = (x: number[]): number => {
    const qq = q.slice();
    free.forEach((r, k) => (qq[r] = x[2 + k]));
    const ll = logLik(family, spells, Math.exp(x[0]), Math.exp(x[1]), qq);
    return Number.isFinite(ll) ? -ll : 1e300;
  };
  const inv = invertMatrix(hessian(full, [Math.log(mean), Math.log(cv), ...free.map((r) => q[r])], 1e-4));
  const varOf = (i: number) => (inv && inv[i][i] > 0 ? inv[i][i] : NaN);
  return {
    family,
    mean,
    cv,
    seMean: mean * Math.sqrt(varOf(0)),
    seCv: cv * Math.sqrt(varOf(1)),
    reasons: q,
    seReasons: q.map((_, r) => (free.includes(r) ? Math.sqrt(varOf(2 + free.indexOf(r))) : NaN)),
    logLik: -best.value,
    n: spells.length,
    events,
    iterations: 0,
  };
}
