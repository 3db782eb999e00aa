/**
 * Scenarios: a named parameter set with a start month, horizon, seed and population, optionally
 * extending another scenario file, plus interventions.
 *
 * `loadScenario(path)` reads the JSON, resolves `extends` (a path relative to the file; the
 * parent's `parameters` are deep-merged with the child's, arrays replaced; `interventions` are
 * concatenated, the parent's first; every other field is the child's if it has one), resolves
 * `comparators` relative to the file that names it, validates the result, and throws a
 * `ScenarioError` naming the file, the field path and the reason on any failure.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve, relative } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { ParametersSchema, formatPath } from '../simulation/parameters.ts';
import { InterventionSchema, checkInterventions } from './interventions.ts';

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
    population: z.number().gt(0).max(20_000_000).meta({ unit: 'children aged 0–17', description: 'Population aged 0–17 at the start (rates per 10,000 are scaled by it)' }),
    parameters: ParametersSchema,
    interventions: z.array(InterventionSchema).default([]).meta({ description: 'Interventions applied to the parameters month by month, in order (see the README: levers, ramps, relative/absolute/shift changes)' }),
    comparators: z.string().min(1).optional().meta({ description: 'CSV of observed values and comparators (shared/data format), relative to the scenario file; resolved to an absolute path on load' }),
  })
  .meta({ description: 'A case-flow scenario' });

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

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: objects merge key by key, anything else (arrays included) is replaced by `over`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
  return out;
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const col = position - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

function readJson(file: string, from?: { file: string }): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    if (from) throw new ScenarioError(`${display(from.file)}: extends: cannot read ${display(file)} (${why})`, from.file, 'extends');
    throw new ScenarioError(`${display(file)}: cannot read scenario file (${why})`, file, '');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const where = pos ? ` at ${lineColumn(text, +pos[1])}` : '';
    throw new ScenarioError(`${display(file)}: not valid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, file, '');
  }
  if (!isPlainObject(value)) throw new ScenarioError(`${display(file)}: a scenario must be a JSON object`, file, '');
  return value;
}

function readResolved(file: string, chain: string[], from?: { file: string }): Json {
  if (chain.includes(file)) {
    const cycle = [...chain.slice(chain.indexOf(file)), file].map(display).join(' → ');
    throw new ScenarioError(`${display(chain[chain.length - 1])}: extends: circular (${cycle})`, chain[chain.length - 1], 'extends');
  }
  const own = readJson(file, from);
  const dir = dirname(file);
  if (own.comparators !== undefined) {
    if (typeof own.comparators !== 'string' || own.comparators === '') throw new ScenarioError(`${display(file)}: comparators: must be a path to a CSV file`, file, 'comparators');
    own.comparators = resolve(dir, own.comparators);
  }
  if (own.extends === undefined) return own;
  if (typeof own.extends !== 'string' || own.extends === '') throw new ScenarioError(`${display(file)}: extends: must be a path to a scenario file`, file, 'extends');
  const parent = readResolved(resolve(dir, own.extends), [...chain, file], { file });
  const merged: Json = { ...parent, ...own };
  merged.parameters = deepMerge(parent.parameters, own.parameters);
  const pi = parent.interventions ?? [];
  const oi = own.interventions ?? [];
  if (!Array.isArray(oi)) throw new ScenarioError(`${display(file)}: interventions: must be an array`, file, 'interventions');
  merged.interventions = [...(Array.isArray(pi) ? pi : []), ...oi];
  return merged;
}

/** Validates an already-resolved scenario object; errors name `file`, the field path and the reason. */
export function parseScenario(value: unknown, file = '(scenario)'): Scenario {
  const r = ScenarioSchema.safeParse(value);
  if (r.success) {
    const problem = checkInterventions(r.data.parameters, r.data.interventions);
    if (problem) throw new ScenarioError(`${display(file)}: ${problem.path}: ${problem.message}`, file, problem.path);
    return r.data;
  }
  const issue = r.error.issues[0];
  let path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    path = issue.path.length > 0 ? `${formatPath(issue.path)}.${key}` : key;
    message = 'unknown field';
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    message = `missing (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
  }
  throw new ScenarioError(`${display(file)}: ${path}: ${message}`, file, path);
}

/** Reads, resolves and validates a scenario file. */
export function loadScenario(path: string): Scenario {
  const file = resolve(path);
  return parseScenario(readResolved(file, []), file);
}
