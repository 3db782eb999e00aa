/**
 * England and Wales bank holidays and working-day arithmetic. Statutory time limits (45 working
 * days for assessments, 15 for ICPCs) count Mondays to Fridays that are not bank holidays.
 */
import { dayOf, weekday, ymd } from './dates.ts';

/** Western Easter Sunday (anonymous Gregorian algorithm). */
export function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(year, month, day);
}

function firstMonday(year: number, month: number): number {
  const first = dayOf(year, month, 1);
  return first + ((8 - weekday(first)) % 7);
}

function lastMonday(year: number, month: number): number {
  const last = dayOf(year, month + 1, 1) - 1;
  return last - ((weekday(last) + 6) % 7);
}

/** Moves a fixed-date holiday that falls at a weekend to the next free weekday. */
function substitute(day: number, taken: Set<number>): number {
  let d = day;
  while (weekday(d) === 0 || weekday(d) === 6 || taken.has(d)) d++;
  return d;
}

/** One-off holidays and moved holidays, by year. */
const SPECIAL: Record<number, { add?: [number, number][]; moveEarlyMay?: [number, number]; moveSpring?: [number, number] }> = {
  1995: { moveEarlyMay: [5, 8] },
  1999: { add: [[12, 31]] },
  2002: { moveSpring: [6, 4], add: [[6, 3]] },
  2011: { add: [[4, 29]] },
  2012: { moveSpring: [6, 4], add: [[6, 5]] },
  2020: { moveEarlyMay: [5, 8] },
  2022: { moveSpring: [6, 2], add: [[6, 3], [9, 19]] },
  2023: { add: [[5, 8]] },
};

const holidayCache = new Map<number, number[]>();

/** Bank holidays in England and Wales in `year`, as sorted day numbers. */
export function bankHolidays(year: number): number[] {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const special = SPECIAL[year] ?? {};
  const taken = new Set<number>();
  const easter = easterSunday(year);
  const newYear = substitute(dayOf(year, 1, 1), taken);
  taken.add(newYear);
  taken.add(easter - 2);
  taken.add(easter + 1);
  taken.add(special.moveEarlyMay ? dayOf(year, ...special.moveEarlyMay) : firstMonday(year, 5));
  taken.add(special.moveSpring ? dayOf(year, ...special.moveSpring) : lastMonday(year, 5));
  taken.add(lastMonday(year, 8));
  const christmas = substitute(dayOf(year, 12, 25), taken);
  taken.add(christmas);
  taken.add(substitute(dayOf(year, 12, 26), taken));
  for (const [m, d] of special.add ?? []) taken.add(dayOf(year, m, d));
  const list = [...taken].sort((a, b) => a - b);
  holidayCache.set(year, list);
  return list;
}

export function isBankHoliday(day: number): boolean {
  return bankHolidays(ymd(day)[0]).includes(day);
}

export function isWorkingDay(day: number): boolean {
  const w = weekday(day);
  return w !== 0 && w !== 6 && !isBankHoliday(day);
}

// Prefix counts of working days over a fixed span make every query O(1).
const SPAN_START = dayOf(1990, 1, 1);
const SPAN_END = dayOf(2101, 1, 1);
let prefix: Int32Array | undefined;
/** firstAt[k]: the first index i of `prefix` with prefix[i] >= k (the k-th working day is SPAN_START + i - 1). */
let firstAt: Int32Array | undefined;

function prefixCounts(): Int32Array {
  if (prefix) return prefix;
  const n = SPAN_END - SPAN_START;
  const p = new Int32Array(n + 1);
  const holidays = new Set<number>();
  for (let y = 1990; y <= 2100; y++) for (const h of bankHolidays(y)) holidays.add(h);
  for (let i = 0; i < n; i++) {
    const d = SPAN_START + i;
    const w = weekday(d);
    p[i + 1] = p[i] + (w !== 0 && w !== 6 && !holidays.has(d) ? 1 : 0);
  }
  prefix = p;
  const f = new Int32Array(p[n] + 1);
  for (let i = n; i >= 0; i--) f[p[i]] = i;
  firstAt = f;
  return p;
}

function checkSpan(day: number): void {
  if (day < SPAN_START || day >= SPAN_END) throw new RangeError(`date outside 1990–2100: day ${day}`);
}

/**
 * Working days after `from`, up to and including `to`: a child referred on a Monday and assessed
 * on the Tuesday took 1 working day. Negative when `to` is before `from`.
 */
export function workingDaysBetween(from: number, to: number): number {
  checkSpan(from);
  checkSpan(to);
  const p = prefixCounts();
  return p[to - SPAN_START + 1] - p[from - SPAN_START + 1];
}

/** The day that is `n` working days after `from` (n ≥ 0; n = 0 gives `from`). */
export function addWorkingDays(from: number, n: number): number {
  if (n <= 0) return from;
  checkSpan(from);
  const p = prefixCounts();
  const target = p[from - SPAN_START + 1] + n;
  // the first day whose inclusive count reaches target (it lies after `from`, whose count is below it)
  const f = firstAt!;
  if ((target | 0) === target) {
    if (target >= f.length) throw new RangeError('working-day arithmetic ran past 2100');
    return SPAN_START + f[target] - 1;
  }
  // a count that is not a whole number: search for it
  let lo = from - SPAN_START + 1;
  let hi = p.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p[mid] >= target) hi = mid;
    else lo = mid + 1;
  }
  if (p[lo] < target) throw new RangeError('working-day arithmetic ran past 2100');
  return SPAN_START + lo - 1;
}
