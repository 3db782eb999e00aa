/** Day-number helpers of the engine: ISO strings, 18th and 1st birthdays and parsed dates, cached over 1900–2199. */
import { isoDate, tryParseIsoDate } from '../calendar/index.ts';
import { addYearsFast as addYears, ageFast } from '../calendar/civil.ts';
import { DAYS_PER_MONTH } from './openingStock.ts';
import { HistoryError } from '../errors.ts';

export function monthsToDays(months: number, min = 1): number {
  return Math.max(min, Math.round(months * DAYS_PER_MONTH));
}

/** Whole years of age on `day`. */
export function ageYears(dob: number, day: number): number {
  return ageFast(dob, day);
}

/** ISO strings of day numbers from 1900 to 2199, filled as they are needed. */
const DATE_BASE = -25567;
export const dateStrings: string[] = new Array(109572);
export function iso(day: number): string {
  const i = day - DATE_BASE;
  if (i < 0 || i >= dateStrings.length) return isoDate(day);
  let s = dateStrings[i];
  if (s === undefined) s = dateStrings[i] = isoDate(day);
  return s;
}

/** `addYears(day, 18)` and `addYears(day, 1)` for the same span of days, filled as they are needed. */
const UNSET = -2147483648;
const plus18Table = new Int32Array(dateStrings.length).fill(UNSET);
const plus1Table = new Int32Array(dateStrings.length).fill(UNSET);
export function plus18(day: number): number {
  const i = day - DATE_BASE;
  if (i < 0 || i >= plus18Table.length) return addYears(day, 18);
  let v = plus18Table[i];
  if (v === UNSET) v = plus18Table[i] = addYears(day, 18);
  return v;
}
export function plus1(day: number): number {
  const i = day - DATE_BASE;
  if (i < 0 || i >= plus1Table.length) return addYears(day, 1);
  let v = plus1Table[i];
  if (v === UNSET) v = plus1Table[i] = addYears(day, 1);
  return v;
}

const dayCache = new Map<string, number>();
export function parseDay(s: string, what: () => string): number {
  let d = dayCache.get(s);
  if (d === undefined) {
    d = tryParseIsoDate(s);
    if (d === undefined) throw new HistoryError(`${what()}: not a valid date "${s}"`);
    if (dayCache.size < 100_000) dayCache.set(s, d);
  }
  return d;
}
