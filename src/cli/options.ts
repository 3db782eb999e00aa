/**
 * Option parsers shared by every command, so the same option means the same thing everywhere and
 * has the same bounds as the scenario schema (months, runs, seed), plus the marks that tell the
 * command runner which options name output folders and files (checked before any work is done).
 */
import { InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { tryParseIsoDate, tryParseMonth } from '../calendar/index.ts';

/** Bounds shared with the scenario schema. */
export const LIMITS = {
  seed: 4294967295,
  runs: 10000,
  months: 600,
  iterations: 1000,
} as const;

/** At most this many worker threads per core. */
export const WORKERS_PER_CORE = 4;

export function maxWorkers(): number {
  return Math.max(8, WORKERS_PER_CORE * availableParallelism());
}

function wholeNumber(name: string, min: number, max: number | undefined, v: string): number {
  const n = Number(v);
  const ok = /^\s*\d+\s*$/.test(v) && Number.isSafeInteger(n) && n >= min;
  if (!ok) throw new InvalidArgumentError(`${name} must be a whole number ${min === 0 ? '0 or more' : `greater than ${min - 1}`} (got "${v}")`);
  if (max !== undefined && n > max) throw new InvalidArgumentError(`${name} must be at most ${max.toLocaleString('en-GB')} (got "${v}")`);
  return n;
}

export function positiveInt(name: string, max?: number) {
  return (v: string): number => wholeNumber(name, 1, max, v);
}

export function nonNegativeInt(name: string, max?: number) {
  return (v: string): number => wholeNumber(name, 0, max, v);
}

/** --seed: 0 to 2^32−1, as in the scenario schema (a larger seed is refused, not wrapped). */
export const seedArg = nonNegativeInt('--seed', LIMITS.seed);
/** --runs: 1 to 10,000 replications, as in the scenario schema. */
export const runsArg = positiveInt('--runs', LIMITS.runs);
/** --months: 1 to 600, as in the scenario schema (the calendar's end is checked against the start). */
export const monthsArg = positiveInt('--months', LIMITS.months);

/** --workers: 1 to a few times the machine's cores. */
export function workersArg(v: string): number {
  const max = maxWorkers();
  const n = wholeNumber('--workers', 1, undefined, v);
  if (n > max) throw new InvalidArgumentError(`--workers must be at most ${max} on this machine (${availableParallelism()} cores; got "${v}")`);
  return n;
}

export function finiteNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number (got "${v}")`);
    return n;
  };
}

/** The calendar's span (working days and bank holidays are known from 1990 to 2100): every month and date option lies in it. */
export const CALENDAR = { first: '1990-01', last: '2100-12' } as const;

/** A finite number from `min` to `max` (a percentage 0–100, a share, a threshold): NaN, Infinity and 1e308 are refused with the range. */
export function numberIn(name: string, min: number, max: number) {
  const parse = finiteNumber(name);
  return (v: string): number => {
    const n = parse(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be from ${min.toLocaleString('en-GB')} to ${max.toLocaleString('en-GB')} (got "${v}")`);
    return n;
  };
}

export function month(name: string) {
  return (v: string): string => {
    if (tryParseMonth(v) === undefined) throw new InvalidArgumentError(`${name} must be a month YYYY-MM (got "${v}")`);
    if (v < CALENDAR.first || v > CALENDAR.last) throw new InvalidArgumentError(`${name} must be a month from ${CALENDAR.first} to ${CALENDAR.last}, the calendar's span (got "${v}")`);
    return v;
  };
}

export function isoDay(name: string) {
  return (v: string): string => {
    if (tryParseIsoDate(v) === undefined) throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD (got "${v}")`);
    if (v.slice(0, 7) < CALENDAR.first || v.slice(0, 7) > CALENDAR.last) throw new InvalidArgumentError(`${name} must be a date from ${CALENDAR.first}-01 to ${CALENDAR.last}-31, the calendar's span (got "${v}")`);
    return v;
  };
}

/** Collects a repeatable option into an array. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

export interface OutputMark {
  readonly kind: 'folder' | 'file';
  /** Files of the family a folder holds (the ones a new set lacks are removed). */
  readonly family: readonly string[];
  /** Subfolders written as the run goes (checkpoints a resumed run reads), not staged. */
  readonly checkpoints: readonly string[];
}

const OUTPUTS = new WeakMap<Option, OutputMark>();

/** Marks an option as naming an output folder: it is created and checked before the run. */
export function outputFolder(opt: Option, family: readonly string[] = [], checkpoints: readonly string[] = []): Option {
  OUTPUTS.set(opt, { kind: 'folder', family, checkpoints });
  return opt;
}

/** Marks an option as naming an output file: its folder is created and checked before the run. */
export function outputFile(opt: Option): Option {
  OUTPUTS.set(opt, { kind: 'file', family: [], checkpoints: [] });
  return opt;
}

export function outputMark(opt: Option): OutputMark | undefined {
  return OUTPUTS.get(opt);
}

/** --population: children aged 0–17, with the scenario schema's bounds. */
export function populationArg(v: string): number {
  const n = wholeNumber('--population', 1, 20_000_000, v);
  if (n < 100) throw new InvalidArgumentError(`--population must be at least 100 children aged 0–17 (got "${v}")`);
  return n;
}
