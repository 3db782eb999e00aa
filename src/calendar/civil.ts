/**
 * Integer-only civil-date arithmetic (no Date objects, no allocation in the hot paths), after
 * Howard Hinnant's days-from-civil algorithms. Day numbers count days since 1970-01-01 in the
 * proleptic Gregorian calendar, as everywhere in src/calendar; month indices are
 * `year * 12 + (month - 1)`.
 */

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Day number of year `y`, month `m` (1–12), day `d` by the closed formula (any year). */
function civilDays(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// day numbers of 1 January of the years TABLE_FROM…TABLE_TO, and of the first of each month in a year
const TABLE_FROM = 1800;
const TABLE_TO = 2300;
const YEAR_START = new Int32Array(TABLE_TO - TABLE_FROM + 1);
for (let y = TABLE_FROM; y <= TABLE_TO; y++) YEAR_START[y - TABLE_FROM] = civilDays(y, 1, 1);
const MONTH_START = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MONTH_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Day number of year `y`, month `m` (1–12), day `d` (days past the month's end run on). */
export function daysFromCivil(y: number, m: number, d: number): number {
  if (y < TABLE_FROM || y > TABLE_TO || m < 1 || m > 12) return civilDays(y, m, d);
  return YEAR_START[y - TABLE_FROM] + MONTH_START[m] + (m > 2 && isLeapYear(y) ? 1 : 0) + d - 1;
}

/** [year, month 1–12, day] of a day number. */
export function civilFromDays(day: number): [number, number, number] {
  const mi = monthIndexOfDay(day);
  const y = Math.floor(mi / 12);
  const m = mi - y * 12 + 1;
  return [y, m, day - daysFromCivil(y, m, 1) + 1];
}

/** Month index (`year * 12 + month - 1`) of a day number. */
export function monthIndexOfDay(day: number): number {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 12 + m - 1;
}

/** The same calendar day `n` years later; 29 February becomes 28 February in a common year. */
export function addYearsFast(day: number, n: number): number {
  // civilFromDays without the tuple (this runs once or twice per simulated child)
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y2 = yoe + era * 400 + (m <= 2 ? 1 : 0) + n;
  return daysFromCivil(y2, m, m === 2 && d === 29 && !isLeapYear(y2) ? 28 : d);
}

/**
 * Whole years of age on `day` for a child born on `dob`, by plain date comparison: a child born on
 * 29 February turns a year older on 1 March in common years (the engine's convention; `ageOn`
 * in dates.ts moves the birthday to 28 February instead).
 */
export function ageFast(dob: number, day: number): number {
  const [by, bm, bd] = civilFromDays(dob);
  const [y, m, d] = civilFromDays(day);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age--;
  return age;
}

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
}

/**
 * Day number of a `YYYY-MM-DD` string by integer arithmetic (no Date), NaN when the shape is
 * wrong (or the month or day out of 1–12 / 1–31). Day-of-month overflow (30 February) runs on.
 */
export function dayOfIso(s: string): number {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return Number.NaN;
  return civilDays(y, m, d);
}

/**
 * Day number of a real calendar date `YYYY-MM-DD` (no 30 February), NaN for anything else.
 */
export function strictDayOfIso(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const m = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  return realDay(y, m, d);
}

/** The day number of year `y`, month `m`, day `d` when they make a real date, else NaN. */
function realDay(y: number, m: number, d: number): number {
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 && isLeapYear(y) ? 29 : MONTH_DAYS[m]) ? daysFromCivil(y, m, d) : Number.NaN;
}

/** Day number of a `YYYY-MM-DD` already known to be valid (no checks: the fastest parse). */
export function fastDayNumber(iso: string): number {
  return daysFromCivil(
    (iso.charCodeAt(0) - 48) * 1000 + (iso.charCodeAt(1) - 48) * 100 + (iso.charCodeAt(2) - 48) * 10 + (iso.charCodeAt(3) - 48),
    (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 48),
    (iso.charCodeAt(8) - 48) * 10 + (iso.charCodeAt(9) - 48),
  );
}
