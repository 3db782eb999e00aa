/**
 * Writing a calibrated scenario as a standalone scenario file: every parameter written out (no
 * `extends`, so the file keeps its meaning when the base changes), numbers rounded to 6
 * significant digits, and the `$schema` and `comparators` paths made relative to the new file.
 */
import { dirname, relative, resolve } from 'node:path';
import { produce } from 'immer';
import type { BandCalibration } from '../projections/types.ts';
import { parseScenario } from '../node/scenarioLoader.ts';
import type { Scenario } from '../scenarios/index.ts';
import { readInput, writeFileAtomic } from '../node/atomicFile.ts';

function roundDeep(v: unknown): unknown {
  if (typeof v === 'number') return Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v;
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

function relPath(fromDir: string, target: string): string {
  return relative(fromDir, target).split('\\').join('/');
}

/** The `$schema` a scenario file names, resolved to an absolute path (following `extends`). */
export function schemaOf(file: string): string | undefined {
  const seen = new Set<string>();
  let current = resolve(file);
  while (!seen.has(current)) {
    seen.add(current);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readInput(current, 16 * 1024 * 1024).toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    if (typeof json.$schema === 'string') return resolve(dirname(current), json.$schema);
    if (typeof json.extends !== 'string') return undefined;
    current = resolve(dirname(current), json.extends);
  }
  return undefined;
}

/** JSON with two-space indentation, arrays of numbers or strings (and of such arrays) on one line. */
export function prettyJson(v: unknown, indent = ''): string {
  const inner = indent + '  ';
  const flat = (x: unknown): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) && x.every((y) => y === null || typeof y !== 'object' || (Array.isArray(y) && y.every((z) => z === null || typeof z !== 'object'))));
  if (Array.isArray(v)) {
    if (v.every(flat)) return JSON.stringify(v).replace(/,/g, ', ');
    return `[\n${v.map((x) => inner + prettyJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${prettyJson(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v);
}

/**
 * The scenario as file content for `path`. `schema` (absolute) and the scenario's absolute
 * `comparators` path become relative to the file's folder.
 */
export function scenarioFileText(scenario: Scenario, path: string, schema?: string): string {
  const dir = dirname(resolve(path));
  const rounded = roundDeep(scenario.parameters);
  let parameters = scenario.parameters;
  try {
    parameters = parseScenario({ ...scenario, parameters: rounded }).parameters;
  } catch {
    // rounding broke a constraint (e.g. probabilities summing to just over 1): keep full precision
  }
  const out: Record<string, unknown> = {};
  if (schema) {
    const r = relPath(dir, schema);
    out.$schema = r.startsWith('.') ? r : `./${r}`;
  }
  out.name = scenario.name;
  out.description = scenario.description;
  out.start = scenario.start;
  out.months = scenario.months;
  out.seed = scenario.seed;
  out.runs = scenario.runs;
  out.population = scenario.population;
  out.parameters = parameters;
  out.interventions = scenario.interventions;
  if (scenario.comparators) out.comparators = relPath(dir, scenario.comparators);
  if (scenario.provenance) out.provenance = scenario.provenance;
  if (scenario.uncertainty && Object.keys(scenario.uncertainty).length > 0) out.uncertainty = roundDeep(scenario.uncertainty);
  if (scenario.bands) out.bands = roundDeep(scenario.bands);
  return prettyJson(out) + '\n';
}

/**
 * The text of a scenario file with its `bands` set (replaced when present), the rest of the file
 * as it was written: the block goes last, so a hand-formatted file keeps its layout. Falls back to
 * the whole file re-printed when the text does not end as such a file does.
 */
export function scenarioTextWithBands(text: string, bands: BandCalibration): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  delete json.bands;
  const want = { ...json, bands: roundDeep(bands) };
  const block = `  "bands": ${prettyJson(want.bands, '  ')}\n}\n`;
  const at = text.lastIndexOf('\n  "bands": ');
  const head = at >= 0 ? text.slice(0, text.lastIndexOf(',', at)) : text.replace(/\s*\}\s*$/, '');
  const out = `${head},\n${block}`;
  try {
    if (JSON.stringify(JSON.parse(out)) === JSON.stringify(want)) return out;
  } catch {
    // not a layout this function knows: print the whole file
  }
  return prettyJson(want) + '\n';
}

/** Writes the scenario atomically and returns it as it will load from `path`. */
export function writeScenarioFile(scenario: Scenario, path: string, schema?: string): void {
  writeFileAtomic(path, scenarioFileText(scenario, path, schema));
}

/** The scenario with new parameters, name and description (validated). */
export function withParameters(s: Scenario, parameters: Scenario['parameters'], name: string, description: string): Scenario {
  return parseScenario(
    produce(s, (d) => {
      d.parameters = parameters as typeof d.parameters;
      d.name = name;
      d.description = description;
    }),
    name,
  );
}
