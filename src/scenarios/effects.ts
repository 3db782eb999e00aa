/**
 * Applying interventions to parameters, month by month, without the zod schemas of
 * src/scenarios/interventions.ts (which define and check them): what a replication needs, so that
 * a worker thread running replications never builds the schemas.
 */
import { produce, type Draft } from 'immer';
import { parseMonth } from '../calendar/index.ts';
import type { Parameters } from '../simulation/parameters.ts';
import { leverDef, type LeverDef } from './levers.ts';
import type { Effect, Intervention } from './interventions.ts';

/** Share of an intervention's full effect in month index `m` (0 before start and from end on). */
export function rampFraction(iv: Intervention, m: number): number {
  const start = parseMonth(iv.start);
  if (m < start) return 0;
  if (iv.end !== undefined && m >= parseMonth(iv.end)) return 0;
  if (iv.rampMonths === 0) return 1;
  return Math.min(1, (m - start + 1) / iv.rampMonths);
}

type Node = Record<string, unknown> | unknown[];

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null;
}

/** Every concrete path a lever path pattern matches in `root`; throws if a segment is missing. */
export function expandPath(root: unknown, pattern: string): string[][] {
  let paths: string[][] = [[]];
  const get = (p: string[]) => p.reduce<unknown>((n, k) => (isNode(n) ? (n as Record<string, unknown>)[k] : undefined), root);
  for (const seg of pattern.split('.')) {
    const next: string[][] = [];
    for (const p of paths) {
      const node = get(p);
      if (!isNode(node)) throw new Error(`parameter ${[...p].join('.')} is not an object`);
      if (seg === '*') for (const k of Object.keys(node)) next.push([...p, k]);
      else if (seg in node) next.push([...p, seg]);
      else throw new Error(`parameter ${[...p, seg].join('.')} does not exist`);
    }
    paths = next;
  }
  return paths;
}

function changeNumber(x: number, e: Effect, f: number): number {
  return e.change === 'relative' ? x * (1 + e.value * f) : x + e.value * f;
}

/** Applies one effect at fraction `f` of its full size to a parameters draft. */
export function applyEffect(draft: Draft<Parameters>, def: LeverDef, e: Effect, f: number): void {
  for (const pattern of def.paths) {
    for (const path of expandPath(draft, pattern)) {
      const parent = path.slice(0, -1).reduce<Record<string, unknown>>((n, k) => n[k] as Record<string, unknown>, draft as unknown as Record<string, unknown>);
      const key = path[path.length - 1];
      const value = parent[key];
      if (def.kind === 'shift') {
        const w = value as Record<string, number>;
        const moved = (w[def.from!] ?? 0) * e.value * f;
        w[def.from!] = (w[def.from!] ?? 0) - moved;
        w[def.to!] = (w[def.to!] ?? 0) + moved;
      } else if (typeof value === 'number') {
        parent[key] = changeNumber(value, e, f);
      } else if (isNode(value) && 'dist' in value) {
        const dist = value as { dist: string; mean?: number; points?: [number, number][] };
        if (dist.dist === 'empirical') {
          if (e.change !== 'relative') throw new Error(`an empirical duration (${path.join('.')}) takes only relative changes`);
          for (const pt of dist.points!) pt[0] *= 1 + e.value * f;
        } else {
          dist.mean = changeNumber(dist.mean!, e, f);
        }
      } else {
        throw new Error(`parameter ${path.join('.')} is not a number or a duration`);
      }
    }
  }
}

/** Applies interventions at the given fractions (one per intervention) to `base`. */
export function applyInterventions(base: Parameters, interventions: readonly Intervention[], fractions: readonly number[]): Parameters {
  if (fractions.every((f) => f === 0)) return base;
  return produce(base, (draft) => {
    interventions.forEach((iv, i) => {
      if (fractions[i] === 0) return;
      for (const e of iv.effects) applyEffect(draft, leverDef(e.lever)!, e, fractions[i]);
    });
  });
}

/**
 * Effective parameters for each of `months` months from `startMonth` (YYYY-MM). Months with the
 * same ramp fractions share one (frozen) parameters object.
 */
export function monthParameters(base: Parameters, interventions: readonly Intervention[], startMonth: string, months: number): Parameters[] {
  const start = parseMonth(startMonth);
  const cache = new Map<string, Parameters>();
  const out: Parameters[] = new Array(months);
  for (let k = 0; k < months; k++) {
    const fractions = interventions.map((iv) => rampFraction(iv, start + k));
    const key = fractions.join(',');
    let p = cache.get(key);
    if (!p) {
      p = applyInterventions(base, interventions, fractions);
      cache.set(key, p);
    }
    out[k] = p;
  }
  return out;
}
