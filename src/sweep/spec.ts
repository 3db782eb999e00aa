/**
 * Sweep specs: the JSON file `caseflow sweep --spec` reads. A spec names the scenarios to vary
 * (a baseline, a list of scenario files, or a baseline and a CSV of councils with their
 * populations and rates), the factors (scenario levers or parameter paths, each with a range or
 * a distribution), a design, replications per point, months and seed. `loadSweepSpec` validates
 * it and turns it into a `SweepPlan`: everything a worker on another machine needs, with no file
 * paths left in it. Errors name the file, the field path (or CSV line and column) and the reason.
 */
import { createHash } from 'node:crypto';
import { NotReadable, readInput } from '../node/atomicFile.ts';
import { dirname, relative, resolve } from 'node:path';
import { z } from 'zod';
import { produce } from 'immer';
import { InputError } from '../errors.ts';
import { parseMonth } from '../calendar/index.ts';
import { KPI_IDS, isKpiId } from '../projections/catalogue.ts';
import { readCsvRecords } from '../node/csv.ts';
import { loadScenario } from '../node/scenarioLoader.ts';
import type { Scenario } from '../scenarios/index.ts';
import { MAX_JSON_DEPTH, firstIssue, nestedDeeperThan } from '../scenarios/schema.ts';
import { LEVER_NAMES, allowedChanges, leverDef } from '../scenarios/levers.ts';
import { ParametersSchema, formatPath } from '../simulation/parameters.ts';
import { VERSION } from '../version.ts';
import { buildDesign, designSize, type Design, type DesignSpec, type Distribution } from './design.ts';
import { expandPath } from '../scenarios/interventions.ts';

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const monthKeySchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month YYYY-MM' });

const FactorSchema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z][\w.-]*$/, { message: 'must start with a letter and hold only letters, digits, _ . -' }).optional().meta({ description: 'Column name in the outputs (default: the lever or path)' }),
    lever: z.string().optional().meta({ description: `A scenario lever: one of ${LEVER_NAMES.join(', ')}` }),
    change: z.enum(['relative', 'absolute', 'shift']).optional().meta({ description: 'With lever: how the value changes it (default relative; shift for shift levers)' }),
    path: z.string().optional().meta({ description: 'A numeric parameter path (e.g. care.directEntriesPerMonthPer10k) set to the value' }),
    dist: z.enum(['uniform', 'triangular', 'normal', 'values']).default('uniform'),
    min: finite.optional(),
    max: finite.optional(),
    mode: finite.optional(),
    mean: finite.optional(),
    sd: finite.optional(),
    values: z.array(finite).min(1).optional(),
  })
  .superRefine((f, ctx) => {
    const add = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if ((f.lever === undefined) === (f.path === undefined)) add('lever', 'give either a lever or a parameter path');
    if (f.lever !== undefined) {
      const def = leverDef(f.lever);
      if (!def) add('lever', `unknown lever "${f.lever}" (known: ${LEVER_NAMES.join(', ')})`);
      else if (f.change !== undefined && !allowedChanges(def.kind).includes(f.change)) add('change', `lever ${f.lever} (${def.kind}) takes change ${allowedChanges(def.kind).join(' or ')}, not "${f.change}"`);
    } else if (f.change !== undefined) add('change', 'change goes with a lever');
    const need = (k: 'min' | 'max' | 'mode' | 'mean' | 'sd' | 'values') => {
      if (f[k] === undefined) add(k, `missing (a ${f.dist} factor needs ${k})`);
    };
    if (f.dist === 'uniform' || f.dist === 'triangular') {
      need('min');
      need('max');
      if (f.min !== undefined && f.max !== undefined && f.min > f.max) add('max', `must be at least min (${f.min})`);
    }
    if (f.dist === 'triangular') {
      need('mode');
      if (f.mode !== undefined && f.min !== undefined && f.max !== undefined && (f.mode < f.min || f.mode > f.max)) add('mode', `must lie between min and max`);
    }
    if (f.dist === 'normal') {
      need('mean');
      need('sd');
      if (f.sd !== undefined && !(f.sd > 0)) add('sd', 'must be above 0');
    }
    if (f.dist === 'values') need('values');
  });

const DesignSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('grid'), levels: z.number().int().min(1).max(100).default(3) }),
  z.strictObject({ type: z.literal('lhs'), points: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ type: z.literal('saltelli'), samples: z.number().int().min(2).max(1_000_000) }),
]);

export const SweepSpecSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1),
    description: z.string().default(''),
    baseline: z.string().min(1).optional().meta({ description: 'Scenario file every point starts from (relative to the spec)' }),
    scenarios: z.array(z.string().min(1)).min(1).optional().meta({ description: 'Several scenario files, each crossed with the design' }),
    councils: z.string().min(1).optional().meta({ description: 'With baseline: CSV of councils (council,population and parameter-path columns); each row is the baseline with those values' }),
    factors: z.array(FactorSchema).min(1).max(200),
    design: DesignSchema,
    runs: z.number().int().min(1).max(100_000).meta({ description: 'Replications per point' }),
    months: z.number().int().min(1).max(600).optional().meta({ description: 'Months to project (default: the scenario’s horizon)' }),
    seed: z.number().int().min(0).max(4294967295),
    streams: z.enum(['per-point', 'common']).default('per-point').meta({
      description: 'per-point: replication r of point p uses streams derived from (seed, p, r); common: from (seed, scenario, r), the same for every point of a scenario (common random numbers: points differ only by their factors, which takes the simulation noise out of sensitivity indices)',
    }),
    replicationsPerJob: z.number().int().min(1).max(100_000).optional().meta({ description: 'Replications in one job (default: all of a point’s)' }),
    kpis: z.array(z.string()).min(1).optional().meta({ description: 'KPIs carried back and summarised (default: all)' }),
    sensitivity: z
      .strictObject({
        kpis: z.array(z.string()).min(1),
        months: z.array(monthKeySchema).min(1),
        bootstrap: z.number().int().min(0).max(100_000).default(500),
        confidence: z.number().gt(0).lt(1).default(0.95),
      })
      .optional()
      .meta({ description: 'Sobol indices (Saltelli designs) and tornado ranges of these KPIs’ means at these months' }),
  })
  .superRefine((s, ctx) => {
    if ((s.baseline === undefined) === (s.scenarios === undefined)) ctx.addIssue({ code: 'custom', path: ['baseline'], message: 'give either baseline or scenarios' });
    if (s.councils !== undefined && s.baseline === undefined) ctx.addIssue({ code: 'custom', path: ['councils'], message: 'councils goes with baseline' });
  });

export type SweepSpec = z.infer<typeof SweepSpecSchema>;

export interface FactorDef {
  readonly name: string;
  readonly lever?: string;
  readonly change?: 'relative' | 'absolute' | 'shift';
  readonly path?: string;
  readonly distribution: Distribution;
}

/** Everything needed to run any job of a sweep, on any machine: no file paths. */
export interface SweepPlan {
  readonly format: 'caseflow-sweep-plan';
  /** Hash of the plan's content: the same spec and engine give the same id. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly engineVersion: string;
  /** The scenarios every design point is applied to (one per council or scenario file). */
  readonly bases: Scenario[];
  readonly factors: FactorDef[];
  readonly design: Design;
  readonly runs: number;
  readonly months: number;
  readonly seed: number;
  readonly replicationsPerJob: number;
  readonly streams: 'per-point' | 'common';
  readonly startMonth: string;
  readonly kpis: string[];
  readonly sensitivity?: { kpis: string[]; months: string[]; bootstrap: number; confidence: number };
}

function shown(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function specError(file: string, path: string, message: string): InputError {
  return new InputError(`${shown(file)}: ${path}: ${message}`);
}

function parseSpec(file: string): SweepSpec {
  let text: string;
  try {
    text = readInput(file, 16 * 1024 * 1024, 'a sweep spec').toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof NotReadable) throw new InputError(`${shown(file)}: cannot read sweep spec (${err.reason})`);
    throw new InputError(`${shown(file)}: cannot read sweep spec (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${shown(file)}: not valid JSON: ${(err as Error).message}`);
  }
  if (nestedDeeperThan(value)) throw new InputError(`${shown(file)}: nested more than ${MAX_JSON_DEPTH} levels deep; a sweep spec is not`);
  const r = SweepSpecSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = firstIssue(r.error.issues);
  let path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = issue.path.length > 0 ? `${formatPath(issue.path)}.${issue.keys[0]}` : issue.keys[0];
    message = 'unknown field';
  } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
    message = `missing (${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')})`;
  }
  throw specError(file, path, message);
}

function distributionOf(f: z.infer<typeof FactorSchema>): Distribution {
  switch (f.dist) {
    case 'uniform':
      return { dist: 'uniform', min: f.min!, max: f.max! };
    case 'triangular':
      return { dist: 'triangular', min: f.min!, mode: f.mode!, max: f.max! };
    case 'normal':
      return { dist: 'normal', mean: f.mean!, sd: f.sd!, ...(f.min !== undefined ? { min: f.min } : {}), ...(f.max !== undefined ? { max: f.max } : {}) };
    case 'values':
      return { dist: 'values', values: f.values! };
  }
}

/** Sets a numeric parameter path (no wildcards) in a parameters object; the path must hold a number. */
export function setParameter<T>(params: T, path: string, value: number): T {
  const keys = path.split('.');
  return produce(params, (draft) => {
    let node = draft as Record<string, unknown>;
    for (let i = 0; i < keys.length - 1; i++) node = node[keys[i]] as Record<string, unknown>;
    node[keys[keys.length - 1]] = value;
  });
}

/** Why a parameter path cannot take a number, or undefined when it can. */
export function parameterPathProblem(params: unknown, path: string): string | undefined {
  if (path.includes('*')) return 'a parameter path names one number (no *); use a lever for several';
  let paths: string[][];
  try {
    paths = expandPath(params, path);
  } catch (err) {
    return (err as Error).message;
  }
  let node: unknown = params;
  for (const k of paths[0]) node = (node as Record<string, unknown>)[k];
  return typeof node === 'number' ? undefined : `parameter ${path} is not a number`;
}

function readCouncils(file: string, baseline: Scenario): Scenario[] {
  const records = readCsvRecords(file, 'councils CSV');
  if (records.length < 2) throw new InputError(`${shown(file)}: no councils (a header council,population,… and one row per council)`);
  const header = records[0].fields.map((h) => h.trim());
  if (header[0] !== 'council' || header[1] !== 'population') throw new InputError(`${shown(file)}: line ${records[0].line}: the header must start council,population (got ${header.slice(0, 2).join(',')})`);
  for (let c = 2; c < header.length; c++) {
    const problem = parameterPathProblem(baseline.parameters, header[c]);
    if (problem) throw new InputError(`${shown(file)}: line ${records[0].line}, column ${header[c]}: ${problem}`);
  }
  const seen = new Set<string>();
  const out: Scenario[] = [];
  for (const rec of records.slice(1)) {
    const at = (col: string) => `${shown(file)}: line ${rec.line}, column ${col}`;
    if (rec.fields.length !== header.length) throw new InputError(`${shown(file)}: line ${rec.line}: ${rec.fields.length} fields, the header has ${header.length}`);
    const name = rec.fields[0].trim();
    if (name === '') throw new InputError(`${at('council')}: empty`);
    if (seen.has(name)) throw new InputError(`${at('council')}: "${name}" appears twice`);
    seen.add(name);
    const num = (c: number) => {
      const v = Number(rec.fields[c].trim());
      if (rec.fields[c].trim() === '' || !Number.isFinite(v)) throw new InputError(`${at(header[c])}: not a number ("${rec.fields[c]}")`);
      return v;
    };
    const population = num(1);
    if (!(population > 0)) throw new InputError(`${at('population')}: must be above 0 (got ${population})`);
    let parameters = baseline.parameters;
    for (let c = 2; c < header.length; c++) parameters = setParameter(parameters, header[c], num(c));
    const check = ParametersSchema.safeParse(parameters);
    if (!check.success) {
      const issue = check.error.issues[0];
      throw new InputError(`${shown(file)}: line ${rec.line}: makes parameters.${formatPath(issue.path)} invalid: ${issue.message}`);
    }
    out.push({ ...baseline, name, population, parameters });
  }
  return out;
}

function stripPaths(s: Scenario): Scenario {
  const { comparators: _drop, $schema: _schema, ...rest } = s;
  return rest as Scenario;
}

/** Reads and validates a sweep spec, loads its scenarios and builds the plan (design included). */
export function loadSweepSpec(path: string): SweepPlan {
  const file = resolve(path);
  const spec = parseSpec(file);
  const dir = dirname(file);
  let bases: Scenario[];
  if (spec.baseline !== undefined) {
    const baseline = loadScenario(resolve(dir, spec.baseline));
    bases = spec.councils !== undefined ? readCouncils(resolve(dir, spec.councils), baseline) : [baseline];
  } else {
    bases = spec.scenarios!.map((s) => loadScenario(resolve(dir, s)));
    const names = new Set<string>();
    spec.scenarios!.forEach((s, i) => {
      if (names.has(bases[i].name)) throw specError(file, `scenarios[${i}]`, `a second scenario named "${bases[i].name}"`);
      names.add(bases[i].name);
    });
  }
  const start = bases[0].start;
  bases.forEach((b, i) => {
    if (b.start !== start) throw specError(file, spec.scenarios ? `scenarios[${i}]` : 'baseline', `starts ${b.start}, the first starts ${start}: every scenario of a sweep starts in the same month`);
  });
  const names = new Set<string>();
  const factors: FactorDef[] = spec.factors.map((f, i) => {
    const name = f.name ?? f.lever ?? f.path!;
    if (names.has(name)) throw specError(file, `factors[${i}].name`, `"${name}" names two factors (give each a name)`);
    names.add(name);
    if (f.path !== undefined) {
      const problem = parameterPathProblem(bases[0].parameters, f.path);
      if (problem) throw specError(file, `factors[${i}].path`, problem);
    }
    const def = f.lever ? leverDef(f.lever)! : undefined;
    const change = def ? (f.change ?? (def.kind === 'shift' ? 'shift' : 'relative')) : undefined;
    return { name, ...(f.lever ? { lever: f.lever, change } : { path: f.path }), distribution: distributionOf(f) };
  });
  const dists = factors.map((f) => f.distribution);
  const designSpec = spec.design as DesignSpec;
  const size = designSize(designSpec, dists) * bases.length;
  if (size > 10_000_000) throw specError(file, 'design', `${size.toLocaleString('en-GB')} points is more than 10,000,000`);
  const kpis: string[] = spec.kpis ?? [...KPI_IDS];
  kpis.forEach((k, i) => {
    if (!isKpiId(k)) throw specError(file, `kpis[${i}]`, `unknown KPI "${k}"`);
  });
  if (new Set(kpis).size !== kpis.length) throw specError(file, 'kpis', 'a KPI is listed twice');
  const months = spec.months ?? bases[0].months;
  let sensitivity: SweepPlan['sensitivity'];
  if (spec.sensitivity) {
    const s = spec.sensitivity;
    s.kpis.forEach((k, i) => {
      if (!kpis.includes(k)) throw specError(file, `sensitivity.kpis[${i}]`, isKpiId(k) ? `"${k}" is not among the sweep's kpis` : `unknown KPI "${k}"`);
    });
    s.months.forEach((m, i) => {
      const off = parseMonth(m) - parseMonth(start);
      if (off < 0 || off >= months) throw specError(file, `sensitivity.months[${i}]`, `${m} is outside the sweep's months (${start} for ${months} months)`);
    });
    sensitivity = { kpis: s.kpis, months: s.months, bootstrap: s.bootstrap, confidence: s.confidence };
  }
  const design = buildDesign(designSpec, dists, spec.seed);
  const body = {
    format: 'caseflow-sweep-plan' as const,
    name: spec.name,
    description: spec.description,
    engineVersion: VERSION,
    bases: bases.map(stripPaths),
    factors,
    design,
    runs: spec.runs,
    months,
    seed: spec.seed,
    replicationsPerJob: Math.min(spec.replicationsPerJob ?? spec.runs, spec.runs),
    streams: spec.streams,
    startMonth: start,
    kpis,
    ...(sensitivity ? { sensitivity } : {}),
  };
  const id = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { ...body, id };
}
