/**
 * The scenario schema and validation of an already-resolved scenario object: no file access, so
 * the browser workbench validates edits with exactly the code the command line uses.
 */
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { ParametersSchema, formatPath } from '../simulation/parameters.ts';
import { InterventionSchema, checkInterventions } from './interventions.ts';
import { PROVENANCE_SOURCES, leafPaths } from './provenance.ts';

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' })
  .refine((s) => +s.slice(0, 4) >= 1995 && +s.slice(0, 4) <= 2080, { message: 'must be between 1995-01 and 2080-12' });

export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema of this file, for editors' }),
    name: z.string().min(1).meta({ description: 'Short name, used in outputs' }),
    description: z.string().meta({ description: 'What the scenario represents' }),
    extends: z.string().min(1).optional().meta({ description: 'Scenario file this one extends, relative to this file' }),
    start: month.meta({ unit: 'YYYY-MM', description: 'First simulated month; the opening stock is the position at the end of the month before' }),
    months: z.number().int().min(1).max(600).meta({ unit: 'months', description: 'Default horizon' }),
    seed: z.number().int().min(0).max(4294967295).meta({ unit: 'integer', description: 'Default random seed' }),
    runs: z.number().int().min(1).max(10000).meta({ unit: 'replications', description: 'Default number of replications' }),
    population: z.number().min(100, { message: 'Too small: at least 100 children aged 0–17 (a plausible bound)' }).max(20_000_000, { message: 'Too big: at most 20,000,000 children aged 0–17 (England has about 12 million)' }).meta({ unit: 'children aged 0–17', description: 'Population aged 0–17 at the start (rates per 10,000 are scaled by it)' }),
    parameters: ParametersSchema,
    interventions: z.array(InterventionSchema).default([]).meta({ description: 'Interventions applied to the parameters month by month, in order (see the README: levers, ramps, relative/absolute/shift changes)' }),
    comparators: z.string().min(1).optional().meta({ description: 'CSV of observed values and comparators (shared/data format), relative to the scenario file; resolved to an absolute path on load' }),
    provenance: z
      .record(z.string(), z.enum(PROVENANCE_SOURCES))
      .optional()
      .meta({
        description:
          'Where the parameters come from: a parameter path, or the start of one ("" for all), → events (fitted from an event history), observed (fitted to observed KPI series), national (a national default) or assumption; the longest matching path wins. Parameters a file sets itself and does not label are assumptions',
      }),
    uncertainty: z
      .record(z.string(), z.number().min(0))
      .optional()
      .meta({ description: 'Standard errors of estimated parameters (parameter path → standard error): each replication of an ensemble draws its parameters from them, so the bands carry what the data cannot pin down' }),
    bands: z
      .strictObject({
        source: z.string().min(1).meta({ description: 'What the factors were measured on (a rolling-origin back-test of which history, which origins)' }),
        factors: z
          .array(
            z.strictObject({
              horizon: z.number().int().min(1).max(600).meta({ unit: 'months ahead' }),
              p90: z.number().min(0).max(100).meta({ unit: 'ratio', description: 'p5–p95 half-widths (log scale) are multiplied by it' }),
              p50: z.number().min(0).max(100).meta({ unit: 'ratio', description: 'p25–p75 half-widths (log scale) are multiplied by it' }),
              n: z.number().int().min(0).meta({ unit: 'forecasts', description: 'Past forecasts the factors come from' }),
            }),
          )
          .min(1),
      })
      .optional()
      .meta({
        description:
          'Calibrated bands: factors per horizon, measured on how far past forecasts missed (in band half-widths) in a rolling-origin back-test; the p5–p95 and p25–p75 bands of counts, rates and percentages are widened (or narrowed) by them around the median. Written by calibrate --events and backtest',
      }),
  })
  .superRefine((s, ctx) => {
    const end = projectionEnd(s.start, s.months);
    if (end > LAST_PROJECTED_MONTH) ctx.addIssue({ code: 'custom', path: ['months'], message: `${s.months} months from ${s.start} end in ${end}, after ${LAST_PROJECTED_MONTH} (the calendar ends in 2100)` });
  })
  .meta({ description: 'A case-flow scenario' });

/** The last month a projection may reach (the calendar of working days and bank holidays ends in 2100). */
export const LAST_PROJECTED_MONTH = '2095-12';

/** The last month of a projection of `months` months from `start` (YYYY-MM). */
export function projectionEnd(start: string, months: number): string {
  const m = +start.slice(0, 4) * 12 + +start.slice(5, 7) - 1 + months - 1;
  return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

export type Scenario = z.infer<typeof ScenarioSchema>;

export class ScenarioError extends InputError {
  constructor(
    message: string,
    readonly file: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

/** JSON Schema of a scenario file. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ScenarioSchema, { io: 'input' }) as Record<string, unknown>;
}

export type Json = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The issue to report: the first, except that a whole number beyond the safe-integer range (1e308
 * where at most 600 months are allowed) is reported by the field's own bound when it has one.
 */
export function firstIssue<T extends { code: string; path: PropertyKey[]; maximum?: unknown }>(issues: readonly T[]): T {
  const first = issues[0];
  if (first.code !== 'too_big' || first.maximum !== Number.MAX_SAFE_INTEGER) return first;
  const same = (i: T): boolean => i.path.length === first.path.length && i.path.every((k, n) => k === first.path[n]);
  return issues.find((i) => i !== first && same(i)) ?? first;
}

/** Scenario and sweep files nest a few levels deep; deeper JSON is refused before it is walked (recursion would overflow the stack). */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `max` arrays and objects (counted without recursion). */
export function nestedDeeperThan(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d + 1 > max) return true;
    for (const c of Array.isArray(v) ? v : Object.values(v)) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return false;
}

/** Deep merge: objects merge key by key, anything else (arrays included) is replaced by `over`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * A scenario over the one it extends: `parameters` deep-merged, `interventions` appended after the
 * parent's, every other field the child's if it has one. Errors name `shown` (the child file).
 */
/**
 * Parameters a file sets itself are assumptions unless the same file says where they came from
 * (its own `provenance` covers the path); a parameter a file overrides loses the parent's label.
 * A file with neither `extends` nor `provenance` is an assumption throughout.
 */
export function labelOwnParameters(own: Json): void {
  if (!isPlainObject(own.parameters)) return;
  const labels = isPlainObject(own.provenance) ? (own.provenance as Record<string, unknown>) : undefined;
  const covered = (path: string) => labels !== undefined && Object.keys(labels).some((k) => k === '' || path === k || path.startsWith(k + '.'));
  const added: Record<string, string> = {};
  if (own.extends === undefined && labels === undefined) added[''] = 'assumption';
  else for (const path of leafPaths(own.parameters)) if (!covered(path)) added[path] = 'assumption';
  if (Object.keys(added).length > 0) own.provenance = { ...added, ...(labels ?? {}) };
}

export function mergeExtended(parent: Json, own: Json, file: string, shown = file): Json {
  const merged: Json = { ...parent, ...own };
  merged.parameters = deepMerge(parent.parameters, own.parameters);
  if (parent.provenance !== undefined || own.provenance !== undefined) merged.provenance = { ...(isPlainObject(parent.provenance) ? parent.provenance : {}), ...(isPlainObject(own.provenance) ? own.provenance : {}) };
  if (parent.uncertainty !== undefined || own.uncertainty !== undefined) merged.uncertainty = { ...(isPlainObject(parent.uncertainty) ? parent.uncertainty : {}), ...(isPlainObject(own.uncertainty) ? own.uncertainty : {}) };
  const pi = parent.interventions ?? [];
  const oi = own.interventions ?? [];
  if (!Array.isArray(oi)) throw new ScenarioError(`${shown}: interventions: must be an array`, file, 'interventions');
  merged.interventions = [...(Array.isArray(pi) ? pi : []), ...oi];
  return merged;
}

/**
 * Validates an already-resolved scenario object; errors start with `shown` (the file as the user
 * named it), then the field path and the reason.
 */
export function validateScenario(value: unknown, file = '(scenario)', shown = file): Scenario {
  const r = ScenarioSchema.safeParse(value);
  if (r.success) {
    const problem = checkInterventions(r.data.parameters, r.data.interventions);
    if (problem) throw new ScenarioError(`${shown}: ${problem.path}: ${problem.message}`, file, problem.path);
    return r.data;
  }
  const issue = firstIssue(r.error.issues);
  let path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    path = issue.path.length > 0 ? `${formatPath(issue.path)}.${key}` : key;
    message = 'unknown field';
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    message = `missing (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
  }
  throw new ScenarioError(`${shown}: ${path}: ${message}`, file, path);
}
