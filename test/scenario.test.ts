import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../src/errors.ts';
import { ScenarioError, deepMerge, scenarioJsonSchema } from '../src/scenarios/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { ParameterError, parseParameters, parametersJsonSchema } from '../src/simulation/parameters.ts';
import { tempDir } from './helpers/cli.ts';

const dir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const southampton = join(dir, 'southampton-baseline.json');
const england = join(dir, 'england-per-10k.json');

function scratch(files: Record<string, unknown>): string {
  const d = tempDir('caseflow-scenario-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(d, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return d;
}

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    expect(e).toBeInstanceOf(InputError);
    return e as ScenarioError;
  }
  throw new Error('expected an error');
}

const base = () => JSON.parse(readFileSync(southampton, 'utf8')) as Record<string, any>;

describe('the shipped scenarios', () => {
  it('load, validate and resolve the comparators file beside the scenario', () => {
    const s = loadScenario(southampton);
    expect(s.name).toBe('southampton-baseline');
    expect(s.start).toBe('2023-03');
    expect(s.population).toBe(49500);
    expect(s.interventions).toEqual([]);
    expect(s.comparators).toBe(join(dir, 'data', 'southampton-observed.csv'));
    expect(existsSync(s.comparators!)).toBe(true);
    const e = loadScenario(england);
    expect(e.name).toBe('england-per-10k');
  });

  it('england-national extends england-per-10k with an England-sized population', () => {
    const n = loadScenario(join(dir, 'england-national.json'));
    const e = loadScenario(england);
    expect(n.population).toBe(12_000_000);
    expect(n.parameters).toEqual(e.parameters);
    expect(n.start).toBe(e.start);
  });

  it('the comparators copy is identical to the shared data file when that is available', () => {
    const shared = fileURLToPath(new URL('../../shared/data/southampton/observed.csv', import.meta.url));
    if (!existsSync(shared)) return;
    expect(readFileSync(join(dir, 'data', 'southampton-observed.csv'), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});

describe('JSON Schema', () => {
  /** Walks a JSON Schema and returns the paths of number leaves without a unit or a description. */
  function undocumented(schema: any, path = ''): string[] {
    if (!schema || typeof schema !== 'object') return [];
    const out: string[] = [];
    if (schema.type === 'number' || schema.type === 'integer') {
      if (!schema.unit || !schema.description) out.push(path || '(root)');
    }
    for (const [k, v] of Object.entries(schema.properties ?? {})) out.push(...undocumented(v, `${path}.${k}`));
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.push(...undocumented(schema.additionalProperties, `${path}.*`));
    if (schema.items) out.push(...undocumented(schema.items, `${path}[]`));
    (schema.prefixItems ?? []).forEach((s: unknown, i: number) => out.push(...undocumented(s, `${path}[${i}]`)));
    (schema.oneOf ?? schema.anyOf ?? []).forEach((s: unknown, i: number) => out.push(...undocumented(s, `${path}|${i}`)));
    return out;
  }

  it('every numeric parameter has a unit and a one-line description', () => {
    const schema = parametersJsonSchema();
    expect(undocumented(schema)).toEqual([]);
    const text = JSON.stringify(schema);
    expect(text.match(/"unit"/g)!.length).toBeGreaterThan(150);
    // descriptions are one line
    expect(text).not.toMatch(/"description":"[^"]*\\n/);
  });

  it('scenarios/scenario.schema.json is the generated schema (regenerate it after changing the schemas; see scenarios/README.md)', () => {
    const committed = JSON.parse(readFileSync(join(dir, 'scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});

describe('loadScenario errors name the file, the field and the reason', () => {
  it('missing file', () => {
    const e = errorOf(() => loadScenario(join(tmpdir(), 'no-such-scenario.json')));
    expect(e.message).toMatch(/no-such-scenario\.json: cannot read scenario file \(no such file\)/);
  });

  it('bad JSON, with line and column', () => {
    const d = scratch({ 'bad.json': '{\n  "name": "x",\n  "start": 2023-03\n}' });
    const e = errorOf(() => loadScenario(join(d, 'bad.json')));
    expect(e.message).toMatch(/bad\.json: not valid JSON at line 3, column \d+/);
  });

  it('not an object', () => {
    const d = scratch({ 'list.json': '[1, 2]' });
    expect(errorOf(() => loadScenario(join(d, 'list.json'))).message).toMatch(/list\.json: a scenario must be a JSON object/);
  });

  it('unknown field, at any depth', () => {
    const s = base();
    s.parameters.contacts.perMonth = 3;
    const d = scratch({ 's.json': s });
    const e = errorOf(() => loadScenario(join(d, 's.json')));
    expect(e.message).toMatch(/s\.json: parameters\.contacts\.perMonth: unknown field$/);
    expect(e.path).toBe('parameters.contacts.perMonth');
    const top = base();
    top.colour = 'red';
    expect(errorOf(() => loadScenario(join(scratch({ 't.json': top }), 't.json'))).message).toMatch(/t\.json: colour: unknown field$/);
  });

  it('missing field', () => {
    const s = base();
    delete s.parameters.cp.durationMonths;
    const e = errorOf(() => loadScenario(join(scratch({ 's.json': s }), 's.json')));
    expect(e.message).toMatch(/parameters\.cp\.durationMonths: missing/);
  });

  it('out-of-range values', () => {
    const cases: [(s: Record<string, any>) => void, RegExp][] = [
      [(s) => (s.parameters.assessment.outcomes.s47 = 1.2), /parameters\.assessment\.outcomes\.s47: Too big: expected number to be <=1/],
      [(s) => (s.parameters.cp.outcomes = { care: 0.6, cin: 0.6 }), /parameters\.cp\.outcomes: probabilities sum to 1\.2, more than 1 \(the rest is "case closed"\)/],
      [(s) => (s.parameters.contacts.seasonality = [1, 1, 1]), /parameters\.contacts\.seasonality: must have 12 multipliers/],
      [(s) => (s.parameters.care.durationMonths['5-9'] = { dist: 'weibull', mean: -2, cv: 1 }), /parameters\.care\.durationMonths\.5-9\.mean: Too small/],
      [(s) => (s.parameters.cin.durationMonths = { dist: 'empirical', points: [[3, 0.5], [2, 1]] }), /parameters\.cin\.durationMonths\.points\[1\]\[0\]: times must increase/],
      [(s) => (s.parameters.cin.durationMonths = { dist: 'empirical', points: [[3, 0.5]] }), /the last cumulative probability must be 1/],
      [(s) => (s.parameters.opening.uascPer10k = 500), /parameters\.opening\.uascPer10k: must not exceed opening\.claPer10k/],
      [(s) => (s.start = '2023-13'), /start: must be a month YYYY-MM/],
      [(s) => (s.population = 0), /population: Too small/],
      [(s) => (s.parameters.children.ageAtContact = new Array(18).fill(0)), /ageAtContact: weights must not all be 0/],
      [(s) => (s.parameters.children.ethnicity = { XXXX: 1 }), /parameters\.children\.ethnicity/],
    ];
    for (const [mutate, pattern] of cases) {
      const s = base();
      mutate(s);
      expect(errorOf(() => loadScenario(join(scratch({ 's.json': s }), 's.json'))).message).toMatch(pattern);
    }
  });

  it('parseParameters reports the first bad field with its path', () => {
    const p = base().parameters;
    p.icpc.cpPlanProbability = -0.1;
    try {
      parseParameters(p);
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(ParameterError);
      expect((e as Error).message).toMatch(/^parameters\.icpc\.cpPlanProbability: Too small/);
    }
  });
});

describe('extends', () => {
  it('deep-merges parameters, concatenates interventions and resolves paths relative to each file', () => {
    const parent = base();
    parent.comparators = '../data/southampton-observed.csv';
    const ivA = { name: 'a', start: '2024-01', rampMonths: 0, effects: [{ lever: 'icpc_to_cp', change: 'relative', value: -0.1 }] };
    const ivB = { name: 'b', start: '2024-06', rampMonths: 3, effects: [{ lever: 'cp_to_care', change: 'relative', value: -0.1 }] };
    parent.interventions = [ivA];
    const d = scratch({
      'child.json': {
        extends: 'parent/base.json',
        name: 'variant',
        parameters: { cp: { outcomes: { care: 0.1 } }, contacts: { seasonality: new Array(12).fill(1) } },
        interventions: [ivB],
      },
    });
    mkdirSync(join(d, 'parent'));
    mkdirSync(join(d, 'data'));
    copyFileSync(join(dir, 'data', 'southampton-observed.csv'), join(d, 'data', 'southampton-observed.csv'));
    writeFileSync(join(d, 'parent', 'base.json'), JSON.stringify(parent));
    const s = loadScenario(join(d, 'child.json'));
    expect(s.name).toBe('variant');
    expect(s.start).toBe(parent.start);
    expect(s.parameters.cp.outcomes).toEqual({ care: 0.1, cin: parent.parameters.cp.outcomes.cin });
    expect(s.parameters.cp.durationMonths).toEqual(parent.parameters.cp.durationMonths);
    expect(s.parameters.contacts.seasonality).toEqual(new Array(12).fill(1));
    expect(s.interventions).toEqual([ivA, ivB]);
    expect(s.comparators).toBe(join(d, 'data', 'southampton-observed.csv'));
  });

  it('a missing parent names both files; a cycle is refused', () => {
    const d = scratch({ 'child.json': { extends: 'nowhere.json' } });
    expect(errorOf(() => loadScenario(join(d, 'child.json'))).message).toMatch(/child\.json: extends: cannot read .*nowhere\.json \(no such file\)/);
    const c = scratch({ 'a.json': { extends: 'b.json' }, 'b.json': { extends: 'a.json' } });
    expect(errorOf(() => loadScenario(join(c, 'a.json'))).message).toMatch(/extends: circular \(.*a\.json → .*b\.json → .*a\.json\)/);
  });

  it('errors in the merged result still name the file that was loaded', () => {
    const d = scratch({ 'parent.json': base(), 'child.json': { extends: 'parent.json', parameters: { cin: { outcomes: { care: 2 } } } } });
    expect(errorOf(() => loadScenario(join(d, 'child.json'))).message).toMatch(/child\.json: parameters\.cin\.outcomes\.care: Too big/);
  });

  it('deepMerge: objects merge key by key, anything else is replaced, merging nothing changes nothing', () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), tie('object')),
      object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4 }),
    }));
    fc.assert(
      fc.property(json.object, json.object, (a, b) => {
        expect(deepMerge(a, {})).toEqual(a);
        expect(deepMerge(a, undefined)).toEqual(a);
        const m = deepMerge(a, b) as Record<string, unknown>;
        for (const k of Object.keys(b)) {
          const bv = (b as Record<string, unknown>)[k];
          if (bv === null || typeof bv !== 'object' || Array.isArray(bv)) expect(m[k]).toEqual(bv);
        }
        for (const k of Object.keys(a)) if (!(k in b)) expect(m[k]).toEqual((a as Record<string, unknown>)[k]);
        expect(deepMerge(m, b)).toEqual(m);
      }),
    );
  });
});
