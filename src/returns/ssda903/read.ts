/**
 * Reading SSDA903 inputs (CSV tables or EXPSSDA903 XML) into raw rows, each registered with the
 * import report, and working out each row's collection year (from a YEAR column or the dates).
 */
import { collectionYearOf } from '../../calendar/index.ts';
import { InputError } from '../../errors.ts';
import { readCsvTable } from '../csvInput.ts';
import { collectionYearEnd, collectionYearLabel, parseReturnDate } from '../dates.ts';
import type { FileCount, ImportReport, RowRef } from '../report.ts';
import type { Ssda903Input, YearBasis } from '../types.ts';
import { childText, childrenNamed, readXmlRecords, renderNode, type XmlNode } from '../xmlRecords.ts';

export const EPISODE_COLUMNS = ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC'] as const;
export const EPISODE_OPTIONAL_COLUMNS = ['REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'] as const;
export const HEADER_COLUMNS = ['CHILD', 'SEX', 'DOB', 'ETHNIC'] as const;
export const UASC_COLUMNS = ['CHILD', 'SEX', 'DOB'] as const;
export const OC3_COLUMNS = ['CHILD', 'IN_TOUCH', 'ACTIV', 'ACCOM'] as const;

export interface RawRow {
  readonly ref: RowRef;
  /** Field values by column name. */
  readonly f: Record<string, string>;
  /** Collection year (year ending 31 March) the row belongs to, when known. */
  year: number | undefined;
  /** Why the row cannot be used (set while reading, e.g. a bad YEAR or a short row). */
  problem?: string;
  /** Input order across all files (for deterministic tie-breaks). */
  readonly order: number;
}

export interface RawTable {
  readonly fc: FileCount;
  readonly rows: RawRow[];
  readonly hasYear: boolean;
}

export interface RawReturn {
  readonly label: string;
  readonly episodes: RawTable;
  readonly header: RawTable;
  readonly uasc?: RawTable;
  readonly oc3?: RawTable;
}

let orderCounter = 0;

function tableFromCsv(report: ImportReport, file: string, kind: 'ssda903-episodes' | 'ssda903-header' | 'ssda903-uasc' | 'ssda903-oc3', required: readonly string[], name: string): RawTable {
  const t = readCsvTable(file, required, name);
  const fc = report.addFile(file, kind);
  const hasYear = t.columns.includes('YEAR');
  const rows: RawRow[] = [];
  for (const r of t.rows) {
    const ref = report.row(fc, r.line, r.values.CHILD ?? '', name, r.raw);
    const row: RawRow = { ref, f: r.values, year: undefined, order: orderCounter++ };
    if (r.fieldCount !== t.columns.length) {
      row.problem = `field-count: the row has ${r.fieldCount} field${r.fieldCount === 1 ? '' : 's'}, the header row has ${t.columns.length}`;
    }
    rows.push(row);
  }
  return { fc, rows, hasYear };
}

const XML_EPISODE_FIELDS: Record<string, string> = { PL: 'PLACE' };

function tablesFromXml(report: ImportReport, file: string): RawReturn {
  const fc = report.addFile(file, 'ssda903-xml');
  const episodes: RawRow[] = [];
  const headers: RawRow[] = [];
  const oc3: RawRow[] = [];
  let root = '';
  readXmlRecords(file, {
    records: ['CHILD'],
    onRoot: (name, line) => {
      root = name;
      if (name !== 'EXPSSDA903') throw new InputError(`${file}, line ${line}: not an EXPSSDA903 file (the root element is <${name}>)`);
    },
    onRecord: (node) => {
      const headerNodes = childrenNamed(node, 'HEADER');
      const h = headerNodes[0];
      const childId = h ? childText(h, 'CHILDID') : '';
      for (const hn of headerNodes) {
        const f: Record<string, string> = {};
        for (const c of hn.children) if (c.children.length === 0) f[c.name] = c.text;
        f.CHILD = childText(hn, 'CHILDID');
        const ref = report.row(fc, hn.line, f.CHILD, 'HEADER', renderNode(hn));
        const row: RawRow = { ref, f, year: undefined, order: orderCounter++ };
        if (hn !== h) row.problem = `duplicate-header: a second <HEADER> for child ${childId} in one <CHILD>`;
        headers.push(row);
        // a care leaver's OC3 status sits in the header: IN_TOUCH, ACTIV, ACCOM
        if (hn === h && 'IN_TOUCH' in f) {
          const o: Record<string, string> = { CHILD: f.CHILD, IN_TOUCH: f.IN_TOUCH, ACTIV: f.ACTIV ?? '', ACCOM: f.ACCOM ?? '' };
          oc3.push({ ref: report.row(fc, hn.line, f.CHILD, 'OC3', renderNode(hn)), f: o, year: undefined, order: orderCounter++ });
        }
      }
      for (const en of childrenNamed(node, 'EPISODE')) {
        const f = leafFields(en);
        f.CHILD = childId;
        const ref = report.row(fc, en.line, childId, 'EPISODE', renderNode(en));
        const row: RawRow = { ref, f, year: undefined, order: orderCounter++ };
        if (!h) row.problem = `no-header: the <CHILD> element at line ${node.line} has no <HEADER>, so the episode has no child`;
        episodes.push(row);
      }
    },
  });
  if (root === '') throw new InputError(`${file}: not an EXPSSDA903 file`);
  return {
    label: file,
    episodes: { fc, rows: episodes, hasYear: false },
    header: { fc, rows: headers, hasYear: false },
    oc3: { fc, rows: oc3, hasYear: false },
  };
}

function leafFields(n: XmlNode): Record<string, string> {
  const f: Record<string, string> = {};
  for (const c of n.children) if (c.children.length === 0) f[XML_EPISODE_FIELDS[c.name] ?? c.name] = c.text;
  return f;
}

/** Reads every input into raw tables (files are checked for their columns; rows are not validated yet). */
export function readSsda903Inputs(report: ImportReport, inputs: readonly Ssda903Input[], basis: YearBasis): RawReturn[] {
  const out: RawReturn[] = [];
  for (const input of inputs) {
    let ret: RawReturn;
    if ('xml' in input) {
      ret = tablesFromXml(report, input.xml);
    } else {
      const episodes = tableFromCsv(report, input.episodes, 'ssda903-episodes', EPISODE_COLUMNS, 'episodes');
      const header = tableFromCsv(report, input.header, 'ssda903-header', HEADER_COLUMNS, 'header');
      const uasc = input.uasc ? tableFromCsv(report, input.uasc, 'ssda903-uasc', UASC_COLUMNS, 'uasc') : undefined;
      const oc3 = input.oc3 ? tableFromCsv(report, input.oc3, 'ssda903-oc3', OC3_COLUMNS, 'oc3') : undefined;
      ret = { label: input.episodes, episodes, header, uasc, oc3 };
    }
    assignYears(ret, basis);
    out.push(ret);
  }
  return out;
}

interface YearText {
  /** The year as written (4 digits), or the ending year of a "2017-18" label. */
  readonly year: number;
  /** True for a "2017-18" label, which names its collection year unambiguously. */
  readonly explicit: boolean;
}

function parseYear(text: string): YearText | undefined {
  const s = text.trim();
  let m = /^(\d{4})$/.exec(s);
  if (m) return { year: +m[1], explicit: false };
  m = /^(\d{4})[-/](\d{2})$/.exec(s);
  if (m && (+m[1] + 1) % 100 === +m[2]) return { year: +m[1] + 1, explicit: true };
  return undefined;
}

function readYearColumn(t: RawTable): Map<RawRow, YearText> {
  const out = new Map<RawRow, YearText>();
  for (const r of t.rows) {
    const raw = r.f.YEAR ?? '';
    const y = parseYear(raw);
    if (y === undefined) r.problem ??= `bad-year: YEAR '${raw}' is not a year (YYYY or YYYY-YY)`;
    else out.set(r, y);
  }
  return out;
}

function resolveYear(y: YearText, basis: 'ending' | 'starting'): number {
  return y.explicit || basis === 'ending' ? y.year : y.year + 1;
}

/** Sets `year` on every row of a return and notes on each file how it was determined. */
function assignYears(ret: RawReturn, basis: YearBasis): void {
  let episodeBasis: 'ending' | 'starting' = basis === 'starting' ? 'starting' : 'ending';
  const ep = ret.episodes;
  if (ep.hasYear) {
    const years = readYearColumn(ep);
    let fitsEnding = 0;
    let fitsStarting = 0;
    let n = 0;
    for (const [r, y] of years) {
      if (y.explicit) continue;
      const d = parseReturnDate(r.f.DECOM);
      if (typeof d !== 'number') continue;
      n++;
      if (d <= collectionYearEnd(y.year)) fitsEnding++;
      if (d <= collectionYearEnd(y.year + 1)) fitsStarting++;
    }
    if (basis === 'auto') episodeBasis = n > 0 && fitsEnding < n && fitsStarting > fitsEnding ? 'starting' : 'ending';
    for (const [r, y] of years) r.year = resolveYear(y, episodeBasis);
    ep.fc.yearSource =
      episodeBasis === 'starting'
        ? `YEAR column, read as the year starting 1 April YEAR (YEAR 2017 = 2017-18)${basis === 'auto' ? `: ${n - fitsEnding} of ${n} episodes start after 31 March of their YEAR` : ''}`
        : 'YEAR column, read as the year ending 31 March YEAR (YEAR 2018 = 2017-18)';
  } else {
    const inferred = yearFromDates(ep.rows);
    for (const r of ep.rows) r.year = inferred?.year;
    ep.fc.yearSource =
      inferred === undefined
        ? 'no usable dates: collection year unknown'
        : `from the dates: the latest date of ${inferred.within} episode${inferred.within === 1 ? '' : 's'} falls in ${collectionYearLabel(inferred.year)}, of ${inferred.before} before it (carried over), of ${inferred.after} after it`;
  }
  const epYears = distinctYears(ep.rows);
  addYears(ep.fc, epYears);
  const latest = epYears.length > 0 ? epYears[epYears.length - 1] : undefined;
  for (const t of [ret.header, ret.uasc, ret.oc3]) {
    if (!t) continue;
    if (t.fc === ep.fc) {
      for (const r of t.rows) r.year = latest;
      continue;
    }
    if (t.hasYear) {
      for (const [r, y] of readYearColumn(t)) r.year = resolveYear(y, episodeBasis);
      t.fc.yearSource = `YEAR column, read as for ${ep.fc.file}`;
    } else {
      for (const r of t.rows) r.year = latest;
      t.fc.yearSource = latest === undefined ? 'collection year unknown' : `from ${ep.fc.file} (${collectionYearLabel(latest)})`;
    }
    addYears(t.fc, distinctYears(t.rows));
  }
}

/**
 * In choosing a return's year from its dates: an episode dated in a candidate year counts 1 for
 * it, one dated after it counts this much against it. A return should hold no episode dated after
 * its year end (those are faults), whereas most hold many carried over from the year before.
 */
const LATE_WEIGHT = 3;

/**
 * The collection year of a return without a YEAR column, from the latest date of each episode
 * (DEC, or DECOM when the episode is open). A return holds the episodes open at some point of its
 * year, so no date is after its 31 March, but many dates are before its 1 April: every episode
 * carried over from an earlier year (still open, or ending in the year) began before it, and a
 * long-running open episode has no date in the year at all. A latest date therefore says the year
 * is no earlier than the one it falls in; it does not say the year is that one. Each candidate
 * year is scored by the episodes whose latest date falls in it, less `LATE_WEIGHT` for each whose
 * latest date is after it (DECOM or DEC after the year end, which that year's return cannot
 * hold); episodes dated before it are carried over and count neither way. So a year wins over the
 * year before it when at least a quarter as many episodes are dated in it, and a few faulty late
 * dates do not decide the year. On a tie the later year wins: its odd rows are dated before the
 * year, which the return can read, rather than after it, which it must repair or reject.
 */
function yearFromDates(rows: readonly RawRow[]): { year: number; before: number; within: number; after: number } | undefined {
  const counts = new Map<number, number>();
  let dated = 0;
  for (const r of rows) {
    const decom = parseReturnDate(r.f.DECOM);
    if (typeof decom !== 'number') continue;
    const dec = parseReturnDate(r.f.DEC);
    const y = collectionYearOf(typeof dec === 'number' && dec > decom ? dec : decom);
    counts.set(y, (counts.get(y) ?? 0) + 1);
    dated++;
  }
  let best: { year: number; before: number; within: number; after: number } | undefined;
  let bestScore = -Infinity;
  let before = 0;
  for (const [year, within] of [...counts].sort((p, q) => p[0] - q[0])) {
    const after = dated - before - within;
    const score = within - LATE_WEIGHT * after;
    if (score >= bestScore) {
      bestScore = score;
      best = { year, before, within, after };
    }
    before += within;
  }
  return best;
}

function distinctYears(rows: readonly RawRow[]): number[] {
  return [...new Set(rows.map((r) => r.year).filter((y): y is number => y !== undefined))].sort((a, b) => a - b);
}

function addYears(fc: FileCount, years: readonly number[]): void {
  for (const y of years) if (!fc.years.includes(y)) fc.years.push(y);
  fc.years.sort((a, b) => a - b);
}
