/**
 * SSDA903 export: Header, Episodes, UASC and OC3 tables for the collection year ending 31 March of
 * a year, from an event log. OC3 holds the care leavers' statuses recorded on the child's birthday
 * from the 17th to the 21st that falls in the year (the only day the return can date one), and a
 * care leaver with no episode in the year has its Header row for them. An episode is in a year's return when it is open at some point of the
 * year (DECOM on or before 31 March, DEC on or after 1 April); what happens after the year end is
 * not known to that return (DEC, REC and REASON_PLACE_CHANGE are blank). Made-up UPNs and
 * postcodes (seeded from the child id) make the files look like a real return.
 */
import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { addYears, parseIsoDate } from '../../calendar/index.ts';
import type { CaseEvent } from '../../events/index.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { neutralised } from '../../projections/csvCell.ts';
import { collectionYearEnd, collectionYearStart, dmyDate, isoDate } from '../dates.ts';
import { childHistory, eventsByChild, type ChildHistory } from './history.ts';
import { IdentityCache, placementIdentity } from './identity.ts';
import { statusBirthday } from '../ssda903/oc3.ts';

export interface Ssda903ExportOptions {
  /** Write dates as YYYY-MM-DD instead of dd/mm/YYYY. */
  readonly isoDates?: boolean;
  /** Three-digit LA number used in made-up UPNs (default 852). */
  readonly la?: number;
}

export interface Ssda903Tables {
  readonly year: number;
  readonly header: string[][];
  readonly episodes: string[][];
  readonly uasc: string[][];
  readonly oc3: string[][];
}

export const HEADER_OUT = ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'];
export const EPISODES_OUT = ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'];
export const UASC_OUT = ['CHILD', 'SEX', 'DOB', 'DUC'];
export const OC3_OUT = ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'];

/** SEX as the return of that year writes it: 1/2 before 2024-25, M/F/U from then. */
export function sexCode(sex: string, year: number): string {
  if (year >= 2025) return sex;
  return sex === 'M' ? '1' : sex === 'F' ? '2' : 'U';
}

/** The tables of each requested collection year. */
export function ssda903Tables(events: Iterable<CaseEvent>, years: readonly number[], opts: Ssda903ExportOptions = {}): Ssda903Tables[] {
  const histories: ChildHistory[] = [];
  for (const evs of eventsByChild(events).values()) {
    const h = childHistory(evs);
    if (h && (h.care.length > 0 || h.statuses.length > 0)) histories.push(h);
  }
  histories.sort((a, b) => (a.registered.childId < b.registered.childId ? -1 : a.registered.childId > b.registered.childId ? 1 : 0));
  const date = (iso: string): string => (opts.isoDates ? iso : dmyDate(parseIsoDate(iso)));
  const la = opts.la ?? 852;
  const ids = new IdentityCache(la);
  return years.map((year) => {
    const start = isoDate(collectionYearStart(year));
    const end = isoDate(collectionYearEnd(year));
    const header: string[][] = [];
    const episodes: string[][] = [];
    const uasc: string[][] = [];
    const oc3: string[][] = [];
    for (const h of histories) {
      const r = h.registered;
      const inYear = h.care.filter((e) => e.decom <= end && (e.dec === undefined || e.dec >= start));
      // OC3 carries a status on the birthday from the 17th to the 21st in the year; a status on any other day cannot be written
      const birthday = statusBirthday(parseIsoDate(r.dateOfBirth), year);
      const statuses = birthday === undefined ? [] : h.statuses.filter((e) => parseIsoDate(e.date) === birthday.day);
      if (inYear.length === 0 && statuses.length === 0) continue;
      for (const e of statuses) oc3.push([r.childId, date(r.dateOfBirth), e.inTouch, e.activity, e.accommodation]);
      const dob = parseIsoDate(r.dateOfBirth);
      const id = ids.get(r.childId, +r.dateOfBirth.slice(0, 4), r.sex);
      header.push([r.childId, sexCode(r.sex, year), date(r.dateOfBirth), r.ethnicity, id.upn, '', '']);
      if (r.uasc) uasc.push([r.childId, sexCode(r.sex, year), date(r.dateOfBirth), date(isoDate(addYears(dob, 18)))]);
      for (const e of inYear) {
        const known = e.dec !== undefined && e.dec <= end;
        const pl = placementIdentity(r.childId, e.placementIndex, e.place);
        episodes.push([
          r.childId,
          date(e.decom),
          e.rne,
          e.ls,
          e.cin,
          e.place,
          e.provider,
          known ? date(e.dec!) : '',
          known ? (e.rec ?? '') : '',
          known ? (e.rpc ?? '') : '',
          id.homePostcode,
          pl.postcode,
          pl.urn,
        ]);
      }
    }
    return { year, header, episodes, uasc, oc3 };
  });
}

export interface ExportedFiles {
  readonly year: number;
  readonly files: readonly string[];
  readonly children: number;
  readonly episodes: number;
  readonly uasc: number;
  readonly careLeavers: number;
}

/** File names of a year's tables in `dir`. */
export function ssda903FileNames(dir: string, year: number): { header: string; episodes: string; uasc: string; oc3: string } {
  return { header: join(dir, `header_${year}.csv`), episodes: join(dir, `episodes_${year}.csv`), uasc: join(dir, `uasc_${year}.csv`), oc3: join(dir, `oc3_${year}.csv`) };
}

/**
 * Every cell of the tables is text; one that a spreadsheet would run as a formula (a child id such
 * as `=HYPERLINK(…)`, from a log imported from elsewhere) gets a leading apostrophe, the OWASP rule
 * as in kpis.csv. The importer reads such a cell back as it was.
 */
const TEXT_CELLS = { string: (v: string) => neutralised(v) };

/** Writes header_YYYY.csv, episodes_YYYY.csv, uasc_YYYY.csv and oc3_YYYY.csv for each year into `dir` (atomically). */
export function writeSsda903(events: Iterable<CaseEvent>, years: readonly number[], dir: string, opts: Ssda903ExportOptions = {}): ExportedFiles[] {
  return ssda903Tables(events, years, opts).map((t) => {
    const names = ssda903FileNames(dir, t.year);
    writeFileAtomic(names.header, stringify(t.header, { header: true, columns: HEADER_OUT, cast: TEXT_CELLS }));
    writeFileAtomic(names.episodes, stringify(t.episodes, { header: true, columns: EPISODES_OUT, cast: TEXT_CELLS }));
    writeFileAtomic(names.uasc, stringify(t.uasc, { header: true, columns: UASC_OUT, cast: TEXT_CELLS }));
    writeFileAtomic(names.oc3, stringify(t.oc3, { header: true, columns: OC3_OUT, cast: TEXT_CELLS }));
    return {
      year: t.year,
      files: [names.header, names.episodes, names.uasc, names.oc3],
      children: t.header.length,
      episodes: t.episodes.length,
      uasc: t.uasc.length,
      careLeavers: t.oc3.length,
    };
  });
}
