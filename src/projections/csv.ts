/** Reading CSV for the projections' inputs, with the 1-based line each record starts on. */
import { NotReadable, readInput } from '../store/atomicFile.ts';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';

/** A CSV record longer than this (a file without line breaks, a runaway quote) is refused, not parsed for minutes. */
const MAX_RECORD_CHARS = 1_000_000;

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line the record starts on. */
  readonly line: number;
}

/** Reads every non-empty record; unreadable files and malformed CSV are `InputError`s naming the file and line. */
export function readCsvRecords(path: string, what: string): CsvRecord[] {
  let text: string;
  try {
    text = readInput(path, undefined, `${/^[aeiou]/i.test(what) ? 'an' : 'a'} ${what}`).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof NotReadable) throw new InputError(`${path}: cannot read ${what} (${err.reason})`);
    throw new InputError(`${path}: ${code === 'ENOENT' ? `${what} not found` : `cannot read ${what} (${code === 'EISDIR' ? 'is a folder, not a file' : code ?? (err as Error).message})`}`);
  }
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
