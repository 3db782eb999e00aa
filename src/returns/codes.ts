/** Code checks with the collection year the code lists depend on, and readable reasons. */
import type { CodeEntry } from '../events/codes/codeList.ts';
import { LEGACY_SEX, type Sex } from '../events/index.ts';
import { collectionYearLabel } from './dates.ts';

/**
 * undefined when `code` is in `list` and valid in `year` (year ending 31 March; any year when
 * undefined); otherwise the reason, naming the field.
 */
export function codeProblem(list: readonly CodeEntry[], code: string, field: string, what: string, year: number | undefined): string | undefined {
  if (code === '') return `missing-field: ${field} is blank`;
  const e = list.find((x) => x.code === code);
  if (!e) return `unknown-code: ${field} '${code}' is not ${what}`;
  if (year !== undefined) {
    if (e.from !== undefined && year < e.from) {
      return `code-not-valid-in-year: ${field} '${code}' is not valid in collection year ${collectionYearLabel(year)} (valid from ${collectionYearLabel(e.from)})`;
    }
    if (e.until !== undefined && year > e.until) {
      return `code-not-valid-in-year: ${field} '${code}' is not valid in collection year ${collectionYearLabel(year)} (last valid in ${collectionYearLabel(e.until)})`;
    }
  }
  return undefined;
}

/** SEX as 1/2 (returns before 2024-25) or M/F/U; CIN census also writes 0 (not known) and 9 (not specified). */
export function parseSex(text: string, allowCinCodes = false): Sex | undefined {
  const s = text.trim().toUpperCase();
  if (s === 'M' || s === 'F' || s === 'U') return s;
  const legacy = LEGACY_SEX[s];
  if (legacy) return legacy;
  if (allowCinCodes && (s === '0' || s === '9')) return 'U';
  return undefined;
}
