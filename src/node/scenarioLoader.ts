/**
 * Reading scenario files. `loadScenario(path)` reads the JSON, resolves `extends` (a path relative to the file; the
 * parent's `parameters` are deep-merged with the child's, arrays replaced; `interventions` are
 * concatenated, the parent's first; every other field is the child's if it has one), resolves
 * `comparators` relative to the file that names it, validates the result, and throws a
 * `ScenarioError` naming the file, the field path and the reason on any failure.
 */
import { realpathSync } from 'node:fs';
import { NotReadable, readInput } from './atomicFile.ts';
import { dirname, resolve, relative, sep } from 'node:path';
import { MAX_JSON_DEPTH, ScenarioError, isPlainObject, nestedDeeperThan, labelOwnParameters, mergeExtended, validateScenario, type Json, type Scenario } from '../scenarios/schema.ts';
import { scenarioRoots } from '../scenarios/roots.ts';

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

/**
 * The shipped scenarios' folder: a scenario anywhere may extend the files in it. (Built, this
 * module lies one folder below dist/, as its source lies one below src/.)
 */
export const SHIPPED = resolve(decodeURIComponent(new URL('../../scenarios/', import.meta.url).pathname));

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function inside(file: string, dir: string): boolean {
  const d = real(dir);
  return file === d || file.startsWith(d.endsWith(sep) ? d : d + sep);
}

/**
 * `extends` may name only a scenario file (.json) inside the top scenario's folder tree, the
 * shipped scenarios or a folder named with --scenario-root; anything else is refused before it
 * is read, so that a scenario cannot make caseflow read (and quote) an unrelated file.
 */
function checkExtends(target: string, from: string, top: string): void {
  if (!/\.json$/i.test(target)) throw new ScenarioError(`${display(from)}: extends: ${display(target)} is not a scenario file (.json)`, from, 'extends');
  checkInsideRoots('extends', target, from, top);
}

/**
 * A file a scenario names (`extends`, `comparators`) must lie inside the top scenario's folder
 * tree, the shipped scenarios or a folder named with --scenario-root (symbolic links followed).
 */
function checkInsideRoots(field: string, target: string, from: string, top: string): void {
  const t = real(target);
  const roots = [dirname(top), SHIPPED, ...scenarioRoots()];
  if (!roots.some((r) => inside(t, r))) {
    throw new ScenarioError(`${display(from)}: ${field}: ${display(target)} is outside the scenario's folder (${display(dirname(top))}) and the shipped scenarios; name its folder with --scenario-root <dir> to allow it`, from, field);
  }
}

/** A JSON.parse message without any of the text it was parsing. */
function jsonReason(msg: string): string {
  if (/^Unexpected token/.test(msg)) return 'unexpected character';
  if (/^Unexpected end/.test(msg)) return 'unexpected end of the text';
  if (/is not valid JSON/.test(msg)) return 'unexpected character';
  return msg.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, '');
}

/** A scenario file is small: a larger one is refused before it is read. */
const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

function readJson(file: string, from?: { file: string }): Json {
  let text: string;
  try {
    text = readInput(file, MAX_SCENARIO_BYTES, 'a scenario file').toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = err instanceof NotReadable ? err.reason : code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
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
    throw new ScenarioError(`${display(file)}: not valid JSON${where}: ${jsonReason(msg)}`, file, '');
  }
  if (!isPlainObject(value)) throw new ScenarioError(`${display(file)}: a scenario must be a JSON object`, file, '');
  if (nestedDeeperThan(value)) throw new ScenarioError(`${display(file)}: nested more than ${MAX_JSON_DEPTH} levels deep; a scenario is not`, file, '');
  return value;
}

function readResolved(file: string, chain: string[], from?: { file: string }, top = file, readFrom = file): Json {
  if (chain.includes(file)) {
    const cycle = [...chain.slice(chain.indexOf(file)), file].map(display).join(' → ');
    throw new ScenarioError(`${display(chain[chain.length - 1])}: extends: circular (${cycle})`, chain[chain.length - 1], 'extends');
  }
  const own = readJson(readFrom, from);
  const dir = dirname(file);
  if (own.comparators !== undefined) {
    if (typeof own.comparators !== 'string' || own.comparators === '') throw new ScenarioError(`${display(file)}: comparators: must be a path to a CSV file`, file, 'comparators');
    if (!/\.csv$/i.test(own.comparators)) throw new ScenarioError(`${display(file)}: comparators: ${own.comparators} is not a CSV file (.csv)`, file, 'comparators');
    own.comparators = resolve(dir, own.comparators);
    checkInsideRoots('comparators', own.comparators as string, file, top);
  }
  labelOwnParameters(own);
  if (own.extends === undefined) return own;
  if (typeof own.extends !== 'string' || own.extends === '') throw new ScenarioError(`${display(file)}: extends: must be a path to a scenario file`, file, 'extends');
  const target = resolve(dir, own.extends);
  checkExtends(target, file, top);
  const parent = readResolved(target, [...chain, file], { file }, top);
  return mergeExtended(parent, own, file, display(file));
}

/** Validates an already-resolved scenario object; errors name `file`, the field path and the reason. */
export function parseScenario(value: unknown, file = '(scenario)'): Scenario {
  return validateScenario(value, file, display(file));
}

/**
 * Reads, resolves and validates a scenario file. `readFrom`: where the file's text is now (an
 * output not yet moved into place), when that is not `path`; `extends` and `comparators` are
 * still resolved from `path`'s folder, where the file will be.
 */
export function loadScenario(path: string, readFrom?: string): Scenario {
  const file = resolve(path);
  return parseScenario(readResolved(file, [], undefined, file, readFrom === undefined ? file : resolve(readFrom)), file);
}

/**
 * A scenario file with `extends` and `comparators` resolved but not yet validated: what the
 * workbench extends in the browser, so that a what-if built there validates exactly as the
 * saved file will when the command line loads it.
 */
export function resolveScenarioFile(path: string): Record<string, unknown> {
  return readResolved(resolve(path), []);
}
