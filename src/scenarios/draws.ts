/**
 * Estimation uncertainty in ensembles: each replication draws its own parameter set from the
 * standard errors of the estimated parameters (`scenario.uncertainty`), so that the spread of an
 * ensemble holds what the data cannot pin down as well as chance. The draw of a parameter depends
 * only on (seed, replication, path): the same on any worker count, and shared by a baseline and a
 * scenario compared with it (common random numbers).
 *
 * - probabilities (reasons for leaving, outcomes, `…Probability`, care leavers' shares) are drawn on the logit scale
 *   (delta method: sd = se / (p(1 − p))), then each outcome group is scaled back to a sum of 1 at most;
 * - trends (`…perYear`) are drawn on their own scale (normal);
 * - everything else (rates, mean durations, coefficients of variation) is positive and drawn
 *   lognormally with the estimate as its mean.
 */
import { produce } from 'immer';
import { standardNormal } from '../simulation/distributions.ts';
import type { Parameters } from '../simulation/parameters.ts';
import { Rng } from '../simulation/random.ts';

/** Stream key of parameter draws (1: arrivals, 2: children, 3: the synthesised opening stock). */
const DRAW_STREAM = 4;

/** A 31-bit FNV-1a hash of a parameter path. */
function pathKey(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) {
    h ^= path.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 1;
}

const PROBABILITY = /(exitReasons|outcomes|cumulative|reentry\.[^.]+\.\d+|careLeavers\.[^.]+)\.|Probability$|Factor$/;

/** One drawn value of a parameter with estimate `v` and standard error `se`, from a standard normal `z`. */
export function drawValue(path: string, v: number, se: number, z: number): number {
  if (!(se > 0) || !Number.isFinite(v)) return v;
  if (/\.perYear$/.test(path)) return v + z * se;
  if (PROBABILITY.test(path) && !/Factor$/.test(path)) {
    // a probability at 0 or 1 has an infinite logit: it stays where it is
    if (!(v > 0 && v < 1)) return v;
    const sd = se / (v * (1 - v));
    const x = Math.log(v / (1 - v)) + z * sd;
    return 1 / (1 + Math.exp(-x));
  }
  if (!(v > 0)) return v;
  const s2 = Math.log(1 + (se / v) ** 2);
  return v * Math.exp(z * Math.sqrt(s2) - s2 / 2);
}

/** The parameters of replication `replication`: `base` with every parameter in `uncertainty` drawn. */
export function drawParameters(base: Parameters, uncertainty: Readonly<Record<string, number>> | undefined, replicationKey: number): Parameters {
  if (!uncertainty) return base;
  const paths = Object.keys(uncertainty).filter((p) => uncertainty[p] > 0);
  if (paths.length === 0) return base;
  return produce(base, (draft) => {
    for (const path of paths) {
      const keys = path.split('.');
      let node = draft as unknown as Record<string, unknown>;
      for (let i = 0; i < keys.length - 1 && node; i++) node = node[keys[i]] as Record<string, unknown>;
      const leaf = keys[keys.length - 1];
      if (!node || typeof node[leaf] !== 'number') continue;
      const z = standardNormal(Rng.stream(replicationKey, DRAW_STREAM, pathKey(path)));
      node[leaf] = drawValue(path, node[leaf] as number, uncertainty[path], z);
    }
    // outcome probabilities leave room for the default outcome; durations keep a valid cv
    const fit = (o: Record<string, number>) => {
      const sum = Object.values(o).reduce((a, b) => a + b, 0);
      if (sum > 1) for (const k of Object.keys(o)) o[k] /= sum;
    };
    for (const o of [draft.contacts.outcomes, draft.recontact.outcomes, draft.assessment.outcomes, draft.s47.outcomes, draft.cp.outcomes, draft.cin.outcomes, draft.uasc.exitReasons, ...Object.values(draft.care.exitReasons)]) fit(o as Record<string, number>);
    for (const d of Object.values(draft.care.durationMonths)) if (d.dist !== 'empirical') d.cv = Math.min(10, d.cv);
    // care leavers in education or suitable accommodation are in touch: the share in touch is at least theirs
    for (const g of Object.values(draft.careLeavers ?? {})) g.inTouch = Math.min(1, Math.max(g.inTouch, g.eet, g.suitableAccommodation));
    // cumulative tables drawn point by point keep their order: each point at least the one before
    if (draft.care.reentry) {
      for (const table of Object.values(draft.care.reentry)) {
        let prev = 0;
        for (const pt of table) prev = pt[1] = Math.max(prev, pt[1]);
      }
    }
  });
}
