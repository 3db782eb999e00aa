/** CSV for the projections' inputs, with the 1-based line each record starts on (src/node/csv.ts reads the files). */
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';

/** A CSV record longer than this (a file without line breaks, a runaway quote) is refused, not parsed for minutes. */
const MAX_RECORD_CHARS = 1_000_000;

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line the record starts on. */
  readonly line: number;
}

/** Every non-empty record of `text`; malformed CSV is an `InputError` naming `path` and the line. */
export function parseCsvRecords(text: string, path: string): CsvRecord[] {
  let rows: { record: string[]; info: { lines: number; empty_lines: number } }[];
  try {
    rows = parse(text, { bom: true, info: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_CHARS }) as unknown as typeof rows;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InputError(`${path}: line ${e.lines ?? '?'}: not valid CSV: ${e.message}`);
  }
  const out: CsvRecord[] = [];
  let prevEnd = 0;
  let prevEmpty = 0;
  for (const { record, info } of rows) {
    out.push({ fields: record, line: prevEnd + 1 + (info.empty_lines - prevEmpty) });
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
  }
  return out;
}
