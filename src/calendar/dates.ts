/**
 * Simulated calendar. Dates are whole days counted from 1970-01-01 (UTC), so arithmetic is
 * integer arithmetic and nothing depends on the machine's time zone or clock.
 * Months are counted as `year * 12 + (month - 1)` ("month index").
 */

import { civilFromDays, isLeapYear, monthIndexOfDay } from './civil.ts';

export { monthIndexOfDay };

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Day number of a calendar date (month 1–12). */
export function dayOf(year: number, month: number, day: number): number {
  if (year >= 0 && year < 100) {
    // Date.UTC reads years 0–99 as 1900–1999
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    return Math.floor(d.getTime() / MS_PER_DAY);
  }
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** Parses `YYYY-MM-DD`; returns undefined if it is not a real calendar date. */
export function tryParseIsoDate(s: string): number | undefined {
  const m = ISO_DATE.exec(s);
  if (!m) return undefined;
  const y = +m[1], mo = +m[2], d = +m[3];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  const n = dayOf(y, mo, d);
  const back = new Date(n * MS_PER_DAY);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return n;
}

export function parseIsoDate(s: string): number {
  const n = tryParseIsoDate(s);
  if (n === undefined) throw new RangeError(`not a valid date (YYYY-MM-DD): "${s}"`);
  return n;
}

const isoCache = new Map<number, string>();
/** `YYYY-MM-DD` for a day number (cached: the engine formats the same few thousand days). */
export function isoDate(day: number): string {
  let s = isoCache.get(day);
  if (s === undefined) {
    s = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (isoCache.size < 200_000) isoCache.set(day, s);
  }
  return s;
}

/** [year, month 1–12, day] of a day number. */
export function ymd(day: number): [number, number, number] {
  return civilFromDays(day);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Month index of an ISO date string, without building a Date. */
export function monthIndexOfIso(iso: string): number {
  return +iso.slice(0, 4) * 12 + (+iso.slice(5, 7) - 1);
}

export function parseMonth(s: string): number {
  const m = ISO_MONTH.exec(s);
  if (!m || +m[2] < 1 || +m[2] > 12) throw new RangeError(`not a valid month (YYYY-MM): "${s}"`);
  return +m[1] * 12 + (+m[2] - 1);
}

export function tryParseMonth(s: string): number | undefined {
  try {
    return parseMonth(s);
  } catch {
    return undefined;
  }
}

/** `YYYY-MM` of a month index. */
export function monthKey(monthIndex: number): string {
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  return `${y}-${m < 10 ? '0' : ''}${m}`;
}

/** First day (day number) of a month index. */
export function firstDayOfMonth(monthIndex: number): number {
  const y = Math.floor(monthIndex / 12);
  return dayOf(y, monthIndex - y * 12 + 1, 1);
}

/** Last day (day number) of a month index. */
export function lastDayOfMonth(monthIndex: number): number {
  return firstDayOfMonth(monthIndex + 1) - 1;
}

export function daysInMonth(monthIndex: number): number {
  return firstDayOfMonth(monthIndex + 1) - firstDayOfMonth(monthIndex);
}

/** The same calendar day `n` years later (29 February becomes 28 February in a common year). */
export function addYears(day: number, n: number): number {
  const [y, m, d] = ymd(day);
  const target = dayOf(y + n, m, d);
  const [, m2] = ymd(target);
  return m2 === m ? target : dayOf(y + n, m, 28);
}

/** The same day of the month `n` months later, clamped to the month's last day. */
export function addMonths(day: number, n: number): number {
  const [y, m, d] = ymd(day);
  const mi = y * 12 + (m - 1) + n;
  const first = firstDayOfMonth(mi);
  return first + Math.min(d, daysInMonth(mi)) - 1;
}

/**
 * Whole years of age on `day` for a child born on `dob`. A child born on 29 February has its
 * birthday on 28 February in common years, as `addYears` does, so that
 * `ageOn(dob, addYears(dob, n)) === n` (the 18th birthday is the day the child turns 18).
 * (`ageFast` in civil.ts keeps the engine's plain date comparison.)
 */
export function ageOn(dob: number, day: number): number {
  const [by, bm, bd0] = ymd(dob);
  const [y, m, d] = ymd(day);
  const bd = bm === 2 && bd0 === 29 && !isLeapYear(y) ? 28 : bd0;
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

/** Collection year (year ending 31 March) that contains `day`: 2023-04-01 … 2024-03-31 is 2024. */
export function collectionYearOf(day: number): number {
  const [y, m] = ymd(day);
  return m >= 4 ? y + 1 : y;
}
