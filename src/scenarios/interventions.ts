/**
 * Interventions: ramped, time-limited changes to named levers. An intervention starts in a month,
 * reaches full effect after `rampMonths` (linearly: 1/ramp of the effect in its first month), and
 * stops at `end` if given. Interventions compose in the order they are listed; within one, effects
 * apply in order. `monthParameters()` turns a scenario into the effective parameters of every
 * simulated month, which the engine reads decision by decision.
 */
import { z } from 'zod';
import { produce, type Draft } from 'immer';
import { parseMonth, monthKey } from '../calendar/index.ts';
import { ParametersSchema, formatPath, type Parameters } from '../simulation/parameters.ts';
import { LEVER_NAMES, allowedChanges, leverDef, type LeverDef } from './levers.ts';
import { ProgrammeCostSchema } from './programmeCost.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' });

export const EffectSchema = z
  .strictObject({
    lever: z.string().meta({ description: `Lever to change: one of ${LEVER_NAMES.join(', ')}` }),
    change: z.enum(['relative', 'absolute', 'shift']).meta({
      description: 'relative: value is a fraction (-0.3 = 30% less); absolute: value is added in the parameter’s unit; shift: value is the share of the lever’s "from" weight moved to its "to" weight (0–1)',
    }),
    value: z.number().meta({ description: 'Size of the change at full effect' }),
    note: z.string().optional().meta({ description: 'Evidence or reasoning for this value' }),
  })
  .superRefine((e, ctx) => {
    const def = leverDef(e.lever);
    if (!def) {
      ctx.addIssue({ code: 'custom', path: ['lever'], message: `unknown lever "${e.lever}" (known: ${LEVER_NAMES.join(', ')})` });
      return;
    }
    if (!allowedChanges(def.kind).includes(e.change)) {
      ctx.addIssue({ code: 'custom', path: ['change'], message: `lever ${e.lever} (${def.kind}) takes change ${allowedChanges(def.kind).join(' or ')}, not "${e.change}"` });
    }
    if (!Number.isFinite(e.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be a finite number' });
    if (e.change === 'relative' && e.value < -1) ctx.addIssue({ code: 'custom', path: ['value'], message: `a relative change below -1 (-100%) would make ${e.lever} negative (got ${e.value})` });
    if (e.change === 'shift' && (e.value < 0 || e.value > 1)) ctx.addIssue({ code: 'custom', path: ['value'], message: `a shift must be a share between 0 and 1 (got ${e.value})` });
  })
  .meta({ description: 'One change to one lever' });

export const InterventionSchema = z
  .strictObject({
    name: z.string().min(1).meta({ description: 'Name shown in reports' }),
    description: z.string().optional().meta({ description: 'What the intervention is' }),
    evidence: z.string().optional().meta({ description: 'Evidence level of the effect sizes (e.g. "assumption", "single-site evaluation", "programme claim")' }),
    start: month.meta({ unit: 'YYYY-MM', description: 'First month with any effect' }),
    rampMonths: z.number().int().min(0).max(240).meta({ unit: 'months', description: 'Months to full effect (0 = full effect at once)' }),
    end: month.optional().meta({ unit: 'YYYY-MM', description: 'First month with no effect (optional)' }),
    effects: z.array(EffectSchema).min(1).meta({ description: 'Changes to levers' }),
    cost: ProgrammeCostSchema.optional(),
  })
  .superRefine((iv, ctx) => {
    if (iv.end !== undefined && /^\d{4}-\d{2}$/.test(iv.end) && /^\d{4}-\d{2}$/.test(iv.start) && iv.end <= iv.start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${iv.start})` });
    }
  })
  .meta({ description: 'A ramped change to named levers' });

export type Effect = z.infer<typeof EffectSchema>;
export type Intervention = z.infer<typeof InterventionSchema>;

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
function applyEffect(draft: Draft<Parameters>, def: LeverDef, e: Effect, f: number): void {
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

export interface InterventionIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks that every intervention, applied in order at full effect on top of the earlier ones,
 * leaves valid parameters. Returns the first problem with the path of the effect responsible.
 */
export function checkInterventions(base: Parameters, interventions: readonly Intervention[]): InterventionIssue | undefined {
  let current = base;
  for (let i = 0; i < interventions.length; i++) {
    for (let j = 0; j < interventions[i].effects.length; j++) {
      const e = interventions[i].effects[j];
      const def = leverDef(e.lever)!;
      const where = `interventions[${i}].effects[${j}]`;
      try {
        current = produce(current, (d) => applyEffect(d, def, e, 1));
      } catch (err) {
        return { path: where, message: (err as Error).message };
      }
      const r = ParametersSchema.safeParse(current);
      if (!r.success) {
        const issue = r.error.issues[0];
        return { path: where, message: `${e.lever} ${e.change} ${e.value} makes parameters.${formatPath(issue.path)} invalid: ${issue.message}` };
      }
    }
  }
  return undefined;
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

/** One line per effect, for reports and run metadata. */
export function describeInterventions(interventions: readonly Intervention[]): string[] {
  const lines: string[] = [];
  for (const iv of interventions) {
    const when = `from ${iv.start}, ramp ${iv.rampMonths} month${iv.rampMonths === 1 ? '' : 's'}${iv.end ? `, until ${monthKey(parseMonth(iv.end) - 1)}` : ''}`;
    for (const e of iv.effects) {
      const size =
        e.change === 'relative' ? `${e.value >= 0 ? '+' : ''}${+(e.value * 100).toFixed(2)}%` : e.change === 'shift' ? `shift ${+(e.value * 100).toFixed(2)}%` : `${e.value >= 0 ? '+' : ''}${e.value}`;
      lines.push(`${iv.name}: ${e.lever} ${size} (${when})${iv.evidence ? `; evidence: ${iv.evidence}` : ''}${e.note ? `; ${e.note}` : ''}`);
    }
  }
  return lines;
}
