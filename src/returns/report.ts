/**
 * Accounting for an import: every input row (CSV row or XML record) is registered once and ends
 * in exactly one state, imported, merged (a duplicate of a row that was imported) or rejected
 * (with a reason), so that `read = imported + merged + rejected` holds for every file. Repairs
 * (deterministic fixes of rows that were kept) and conflicts (disagreements between returns) are
 * listed with the child, the rule and the values before and after.
 */
import { stringify } from 'csv-stringify/sync';
import { join } from 'node:path';
import { writeFileAtomic } from '../node/atomicFile.ts';
import { neutralised } from '../projections/csvCell.ts';

/** Text cells of the report CSVs are neutralised against spreadsheet formulas (numbers are left as they are). */
const TEXT_CELLS = { string: (v: string) => neutralised(v) };

export type InputKind = 'ssda903-episodes' | 'ssda903-header' | 'ssda903-uasc' | 'ssda903-oc3' | 'ssda903-xml' | 'cin-xml' | 'events';

export type RowStatus = 'pending' | 'imported' | 'merged' | 'rejected';

/** One input file and its row counts. */
export interface FileCount {
  readonly file: string;
  readonly kind: InputKind;
  /** Collection year(s) (year ending 31 March) the rows were read as. */
  years: number[];
  /** How the collection year was determined. */
  yearSource?: string;
  rows: number;
  imported: number;
  merged: number;
  rejected: number;
}

/** An input row or record: where it is, which child it belongs to and what became of it. */
export class RowRef {
  status: RowStatus = 'pending';
  reason = '';
  constructor(
    readonly file: FileCount,
    /** 1-based line of the row (CSV) or of the record's start tag (XML). */
    readonly line: number,
    /** Child id as written in the input ('' when missing). */
    public child: string,
    /** Table or element: episodes, header, uasc, CINdetails, Assessments … */
    readonly record: string,
    /** The row as read, for rejects.csv. */
    readonly raw: string,
  ) {}
}

export interface RepairEntry {
  readonly child: string;
  readonly rule: string;
  readonly before: string;
  readonly after: string;
  readonly file: string;
  readonly line: number;
}

export interface ConflictEntry {
  readonly child: string;
  readonly date: string;
  readonly rule: string;
  readonly first: string;
  readonly second: string;
  readonly resolution: string;
}

export interface ImportSummary {
  readonly files: readonly FileCount[];
  readonly totals: { read: number; imported: number; merged: number; rejected: number };
  readonly repairs: number;
  readonly repairsByRule: Record<string, number>;
  readonly rejectsByReason: Record<string, number>;
  readonly conflicts: number;
  readonly conflictsByRule: Record<string, number>;
  readonly children: number;
  readonly events: number;
  readonly notes: readonly string[];
}

/** Collects the accounting of one import run. */
export class ImportReport {
  readonly files: FileCount[] = [];
  readonly rows: RowRef[] = [];
  readonly repairs: RepairEntry[] = [];
  readonly conflicts: ConflictEntry[] = [];
  readonly notes: string[] = [];
  children = 0;
  events = 0;

  addFile(file: string, kind: InputKind): FileCount {
    const fc: FileCount = { file, kind, years: [], rows: 0, imported: 0, merged: 0, rejected: 0 };
    this.files.push(fc);
    return fc;
  }

  row(file: FileCount, line: number, child: string, record: string, raw: string): RowRef {
    const r = new RowRef(file, line, child, record, raw);
    this.rows.push(r);
    file.rows++;
    return r;
  }

  /** Rejects a row (a later rejection of the same row keeps the first reason). */
  reject(row: RowRef, reason: string): void {
    if (row.status === 'rejected') return;
    row.status = 'rejected';
    row.reason = reason;
  }

  imported(row: RowRef): void {
    if (row.status === 'pending') row.status = 'imported';
  }

  merged(row: RowRef): void {
    if (row.status === 'pending') row.status = 'merged';
  }

  repair(child: string, rule: string, before: string, after: string, row?: RowRef): void {
    this.repairs.push({ child, rule, before, after, file: row?.file.file ?? '', line: row?.line ?? 0 });
  }

  conflict(child: string, date: string, rule: string, first: string, second: string, resolution: string): void {
    this.conflicts.push({ child, date, rule, first, second, resolution });
  }

  /** Rows still pending: a bug in the importer, reported rather than hidden. */
  pending(): RowRef[] {
    return this.rows.filter((r) => r.status === 'pending');
  }

  rejects(): RowRef[] {
    return this.rows.filter((r) => r.status === 'rejected');
  }

  /** Tallies the row states into the file counts and returns the summary. */
  summary(): ImportSummary {
    for (const f of this.files) {
      f.imported = 0;
      f.merged = 0;
      f.rejected = 0;
    }
    for (const r of this.rows) {
      if (r.status === 'pending') {
        // never silently: a row nobody decided on is a reject with a reason
        r.status = 'rejected';
        r.reason = 'internal: row was not used by any rule';
      }
      if (r.status === 'imported') r.file.imported++;
      else if (r.status === 'merged') r.file.merged++;
      else r.file.rejected++;
    }
    const totals = { read: 0, imported: 0, merged: 0, rejected: 0 };
    for (const f of this.files) {
      totals.read += f.rows;
      totals.imported += f.imported;
      totals.merged += f.merged;
      totals.rejected += f.rejected;
    }
    return {
      files: this.files.map((f) => ({ ...f, years: [...f.years] })),
      totals,
      repairs: this.repairs.length,
      repairsByRule: countBy(this.repairs.map((r) => r.rule)),
      rejectsByReason: countBy(this.rejects().map((r) => reasonKey(r.reason))),
      conflicts: this.conflicts.length,
      conflictsByRule: countBy(this.conflicts.map((c) => c.rule)),
      children: this.children,
      events: this.events,
      notes: [...this.notes],
    };
  }

  rejectsCsv(): string {
    return stringify(
      this.rejects().map((r) => [r.file.file, r.line, r.child, r.record, r.reason, r.raw]),
      { header: true, columns: ['file', 'line', 'child', 'record', 'reason', 'row'], cast: TEXT_CELLS },
    );
  }

  repairsCsv(): string {
    return stringify(
      this.repairs.map((r) => [r.child, r.rule, r.before, r.after, r.file, r.line || '']),
      { header: true, columns: ['child', 'rule', 'before', 'after', 'file', 'line'], cast: TEXT_CELLS },
    );
  }

  conflictsCsv(): string {
    return stringify(
      this.conflicts.map((c) => [c.child, c.date, c.rule, c.first, c.second, c.resolution]),
      { header: true, columns: ['child', 'date', 'rule', 'first', 'second', 'resolution'], cast: TEXT_CELLS },
    );
  }

  /** Writes rejects.csv, repairs.csv, conflicts.csv and import-summary.json into `dir` (atomically). */
  write(dir: string): ImportSummary {
    const s = this.summary();
    writeFileAtomic(join(dir, 'rejects.csv'), this.rejectsCsv());
    writeFileAtomic(join(dir, 'repairs.csv'), this.repairsCsv());
    writeFileAtomic(join(dir, 'conflicts.csv'), this.conflictsCsv());
    writeFileAtomic(join(dir, 'import-summary.json'), JSON.stringify(s, null, 2) + '\n');
    return s;
  }
}

/** The reason without row-specific values (the text before the first colon), for counting. */
export function reasonKey(reason: string): string {
  const i = reason.indexOf(':');
  return i > 0 ? reason.slice(0, i) : reason;
}

function countBy(keys: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}
