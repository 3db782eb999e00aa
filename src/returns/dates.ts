/** Dates as the statutory returns write them: dd/mm/YYYY, or ISO YYYY-MM-DD (with an optional time). */
import { dayOf, isoDate, ymd } from '../calendar/index.ts';

const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function real(y: number, m: number, d: number): number | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31) return undefined;
  const n = dayOf(y, m, d);
  const [y2, m2, d2] = ymd(n);
  return y2 === y && m2 === m && d2 === d ? n : undefined;
}

/**
 * Day number of a return date; `null` for a blank field; `undefined` when the text is not a real
 * date in either format.
 */
export function parseReturnDate(text: string | undefined): number | null | undefined {
  const s = (text ?? '').trim();
  if (s === '') return null;
  let m = DMY.exec(s);
  if (m) return real(+m[3], +m[2], +m[1]);
  m = ISO.exec(s);
  if (m) return real(+m[1], +m[2], +m[3]);
  return undefined;
}

/** dd/mm/YYYY of a day number. */
export function dmyDate(day: number): string {
  const [y, m, d] = ymd(day);
  return `${d < 10 ? '0' : ''}${d}/${m < 10 ? '0' : ''}${m}/${y}`;
}

export { isoDate };

/** 1 April of the collection year's first calendar year (the year ending 31 March `year`). */
export function collectionYearStart(year: number): number {
  return dayOf(year - 1, 4, 1);
}

/** 31 March `year`. */
export function collectionYearEnd(year: number): number {
  return dayOf(year, 3, 31);
}

/** `2017-18` for the collection year ending 31 March 2018. */
export function collectionYearLabel(year: number): string {
  return `${year - 1}-${String(year % 100).padStart(2, '0')}`;
}
