/**
 * SSDA903 rows checked one at a time: an episode, header or UASC row is turned into a record
 * (dates as day numbers, codes checked against the row's collection year) or a reason it is
 * rejected.
 */
import { ACCOMMODATION, ACTIVITY, ETHNICITY, IN_TOUCH, LEGAL_STATUS, NEED_CODE, PLACEMENT, PLACEMENT_PROVIDER, REASON_EPISODE_CEASED, REASON_NEW_EPISODE, REASON_PLACE_CHANGE, type Sex } from '../../events/index.ts';

import { codeProblem, parseSex } from '../codes.ts';
import { collectionYearEnd, collectionYearLabel, dmyDate, isoDate, parseReturnDate } from '../dates.ts';

import type { RawRow } from './read.ts';

export interface EpisodeRec {
  readonly raw: RawRow;
  child: string;
  decom: number;
  dec: number | null;
  rne: string;
  readonly ls: string;
  readonly cin: string;
  readonly place: string;
  readonly provider: string;
  rec: string | null;
  readonly rpc: string | null;
  readonly year: number | undefined;
  /** The repair rule that set DECOM (the start is not recorded in any return), if any. */
  startRepair?: string;
  /** The repair rule that set DEC (the end is not recorded in any return), if any. */
  endRepair?: string;
}

export interface HeaderRec {
  readonly raw: RawRow;
  child: string;
  readonly sex: Sex;
  readonly dob: number;
  readonly ethnic: string;
  readonly uasc: boolean;
  readonly year: number | undefined;
}

export interface UascRec {
  readonly raw: RawRow;
  child: string;
  readonly sex: Sex | undefined;
  readonly dob: number | null;
  readonly year: number | undefined;
}

export interface Oc3Rec {
  readonly raw: RawRow;
  child: string;
  readonly inTouch: string;
  readonly activity: string;
  readonly accommodation: string;
  /** DOB when the row carries one (the Header's is used otherwise). */
  readonly dob: number | null;
  readonly year: number | undefined;
}

const BAD_DATE = '(dd/mm/YYYY or YYYY-MM-DD)';

export function fmt(day: number | null): string {
  return day === null ? '' : isoDate(day);
}

function childOf(f: Record<string, string>): string {
  return (f.CHILD ?? '').trim();
}

/** A code field as the code lists hold it: trimmed, upper case, '' when absent. */
function codeOf(f: Record<string, string>, field: string): string {
  return (f[field] ?? '').trim().toUpperCase();
}

function checkChild(child: string): string | undefined {
  if (child === '') return 'missing-field: CHILD is blank';
  if (child.length > 64) return `bad-child-id: CHILD '${child.slice(0, 24)}…' is longer than 64 characters`;
  return undefined;
}

export function validateEpisode(r: RawRow): EpisodeRec | string {
  if (r.problem) return r.problem;
  const f = r.f;
  const child = childOf(f);
  const c = checkChild(child);
  if (c) return c;
  const decom = parseReturnDate(f.DECOM);
  if (decom === null) return 'missing-field: DECOM is blank';
  if (decom === undefined) return `bad-date: DECOM '${f.DECOM}' is not a date ${BAD_DATE}`;
  const dec = parseReturnDate(f.DEC);
  if (dec === undefined) return `bad-date: DEC '${f.DEC}' is not a date ${BAD_DATE}`;
  const y = r.year;
  const rne = codeOf(f, 'RNE');
  const ls = codeOf(f, 'LS');
  const cin = codeOf(f, 'CIN');
  const place = codeOf(f, 'PLACE');
  const provider = codeOf(f, 'PLACE_PROVIDER');
  const rec = codeOf(f, 'REC');
  const rpc = codeOf(f, 'REASON_PLACE_CHANGE');
  const problem =
    codeProblem(REASON_NEW_EPISODE, rne, 'RNE', 'a reason for new episode code', y) ??
    codeProblem(LEGAL_STATUS, ls, 'LS', 'a legal status code', y) ??
    codeProblem(NEED_CODE, cin, 'CIN', 'a category of need code', y) ??
    codeProblem(PLACEMENT, place, 'PLACE', 'a placement type code', y) ??
    codeProblem(PLACEMENT_PROVIDER, provider, 'PLACE_PROVIDER', 'a placement provider code', y) ??
    (rec === '' ? undefined : codeProblem(REASON_EPISODE_CEASED, rec, 'REC', 'a reason episode ceased code', y)) ??
    (rpc === '' ? undefined : codeProblem(REASON_PLACE_CHANGE, rpc, 'REASON_PLACE_CHANGE', 'a reason for placement change code', y));
  if (problem) return problem;
  if (dec !== null && dec < decom) return `dec-before-decom: DEC ${dmyDate(dec)} is before DECOM ${dmyDate(decom)}`;
  if (y !== undefined && decom > collectionYearEnd(y)) {
    return `decom-after-year-end: DECOM ${dmyDate(decom)} is after the end of the return's collection year ${collectionYearLabel(y)} (31/03/${y})`;
  }
  return { raw: r, child, decom, dec, rne, ls, cin, place, provider, rec: rec === '' ? null : rec, rpc: rpc === '' ? null : rpc, year: y };
}

export function validateHeader(r: RawRow): HeaderRec | string {
  if (r.problem) return r.problem;
  const f = r.f;
  const child = childOf(f);
  const c = checkChild(child);
  if (c) return c;
  const sex = parseSex(f.SEX ?? '');
  if (!sex) return (f.SEX ?? '').trim() === '' ? 'missing-field: SEX is blank' : `unknown-code: SEX '${f.SEX}' is not 1, 2, M, F or U`;
  const dob = parseReturnDate(f.DOB);
  if (dob === null) return 'missing-field: DOB is blank';
  if (dob === undefined) return `bad-date: DOB '${f.DOB}' is not a date ${BAD_DATE}`;
  const ethnic = codeOf(f, 'ETHNIC');
  const p = codeProblem(ETHNICITY, ethnic, 'ETHNIC', 'an ethnicity code', undefined);
  if (p) return p;
  if (r.year !== undefined && dob > collectionYearEnd(r.year)) {
    return `dob-after-year-end: DOB ${dmyDate(dob)} is after the end of the return's collection year ${collectionYearLabel(r.year)}`;
  }
  const u = (f.UASC ?? '').trim().toLowerCase();
  return { raw: r, child, sex, dob, ethnic, uasc: u === '1' || u === 'true' || u === 'y', year: r.year };
}

export function validateUasc(r: RawRow): UascRec | string {
  if (r.problem) return r.problem;
  const f = r.f;
  const child = childOf(f);
  const c = checkChild(child);
  if (c) return c;
  const sexText = (f.SEX ?? '').trim();
  const sex = sexText === '' ? undefined : parseSex(sexText);
  if (sexText !== '' && !sex) return `unknown-code: SEX '${sexText}' is not 1, 2, M, F or U`;
  const dob = parseReturnDate(f.DOB);
  if (dob === undefined) return `bad-date: DOB '${f.DOB}' is not a date ${BAD_DATE}`;
  const duc = parseReturnDate(f.DUC);
  if (duc === undefined) return `bad-date: DUC '${f.DUC}' is not a date ${BAD_DATE}`;
  return { raw: r, child, sex, dob, year: r.year };
}

/**
 * An OC3 row: IN_TOUCH, ACTIV and ACCOM checked against their code lists. A young person the
 * council is not in touch with may have ACTIV and ACCOM blank (read as 0, no information).
 */
export function validateOc3(r: RawRow): Oc3Rec | string {
  if (r.problem) return r.problem;
  const f = r.f;
  const child = childOf(f);
  const c = checkChild(child);
  if (c) return c;
  const inTouch = codeOf(f, 'IN_TOUCH');
  const p = codeProblem(IN_TOUCH, inTouch, 'IN_TOUCH', 'an in touch code (YES, NO, DIED, REFU, NREQ, RHOM)', undefined);
  if (p) return p;
  const blank = inTouch === 'YES' ? '' : '0';
  const activity = codeOf(f, 'ACTIV') || blank;
  const accommodation = codeOf(f, 'ACCOM') || blank;
  const problem =
    codeProblem(ACTIVITY, activity, 'ACTIV', 'a main activity code (F1–F5, P1–P5, G4–G6 or 0)', undefined) ??
    codeProblem(ACCOMMODATION, accommodation, 'ACCOM', 'an accommodation code (a type B–Z with suitability 1 or 2, or 0)', undefined);
  if (problem) return problem;
  const dob = parseReturnDate(f.DOB);
  if (dob === undefined) return `bad-date: DOB '${f.DOB}' is not a date ${BAD_DATE}`;
  return { raw: r, child, inTouch, activity, accommodation, dob, year: r.year };
}

/** Later collection year first, then (for episodes) a closed row before an open one, then the later row. */
