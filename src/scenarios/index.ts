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
import { ScenarioError, isPlainObject, labelOwnParameters, mergeExtended, validateScenario, type Json, type Scenario } from './schema.ts';

export { ScenarioSchema, ScenarioError, scenarioJsonSchema, deepMerge, mergeExtended, validateScenario, LAST_PROJECTED_MONTH, projectionEnd, type Scenario } from './schema.ts';

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
  labelOwnParameters(own);
  if (own.extends === undefined) return own;
  if (typeof own.extends !== 'string' || own.extends === '') throw new ScenarioError(`${display(file)}: extends: must be a path to a scenario file`, file, 'extends');
  const parent = readResolved(resolve(dir, own.extends), [...chain, file], { file });
  return mergeExtended(parent, own, file, display(file));
}

/** Validates an already-resolved scenario object; errors name `file`, the field path and the reason. */
export function parseScenario(value: unknown, file = '(scenario)'): Scenario {
  return validateScenario(value, file, display(file));
}

/** Reads, resolves and validates a scenario file. */
export function loadScenario(path: string): Scenario {
  const file = resolve(path);
  return parseScenario(readResolved(file, []), file);
}

/**
 * A scenario file with `extends` and `comparators` resolved but not yet validated: what the
 * workbench extends in the browser, so that a what-if built there validates exactly as the
 * saved file will when the command line loads it.
 */
export function resolveScenarioFile(path: string): Record<string, unknown> {
  return readResolved(resolve(path), []);
}
