/** CSV input for the returns: the header row checked against the columns a table needs, rows with line numbers. */
import { readInput } from '../node/atomicFile.ts';
import { isUtf8 } from 'node:buffer';
import { badByte, firstInvalidUtf8, lineOfOffset } from '../store/utf8.ts';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.ts';
import { fromTextCell } from '../projections/csvCell.ts';

/** A CSV record longer than this (a file without line breaks, a runaway quote) is refused, not parsed for minutes. */
const MAX_RECORD_CHARS = 1_000_000;

export interface CsvRow {
  /** 1-based line number of the row in the file. */
  readonly line: number;
  /** Field values by upper-case column name ('' for a missing trailing field; a cell neutralised against spreadsheet formulas, `'=…`, read back as `=…`). */
  readonly values: Record<string, string>;
  /** Number of fields the row had. */
  readonly fieldCount: number;
  /** The row as written (fields joined with commas), for reports. */
  readonly raw: string;
}

export interface CsvTable {
  readonly file: string;
  /** Column names as upper case, in file order. */
  readonly columns: readonly string[];
  readonly rows: readonly CsvRow[];
}

/**
 * Reads a CSV file whose first row names the columns. Throws `InputError` naming the file when it
 * cannot be read, is empty, is not valid CSV (with the line), or lacks a required column.
 */
export function readCsvTable(file: string, required: readonly string[], tableName: string): CsvTable {
  let text: string;
  try {
    const bytes = readInput(file, undefined, `an SSDA903 ${tableName} file`);
    if (!isUtf8(bytes)) {
      const bad = firstInvalidUtf8(bytes);
      throw new InputError(`${file}, line ${lineOfOffset(bytes, bad)}: not valid UTF-8 (${badByte(bytes, bad)}); save the ${tableName} file as UTF-8 (ids decoded any other way could collide)`);
    }
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the ${tableName} file (${code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a file' : code ?? (err as Error).message})`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: MAX_RECORD_CHARS }) as never;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new InputError(`${file}${e.lines ? `, line ${e.lines}` : ''}: not valid CSV (${e.message.replace(/\s+/g, ' ')})`);
  }
  if (records.length === 0) throw new InputError(`${file}: the ${tableName} file is empty (expected a header row with ${required.join(', ')})`);
  const columns = records[0].record.map((c) => c.trim().toUpperCase());
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${file}, line ${records[0].info.lines}: not an SSDA903 ${tableName} table: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (found ${columns.join(', ') || 'nothing'})`,
    );
  }
  const dup = columns.find((c, i) => c !== '' && columns.indexOf(c) !== i);
  if (dup) throw new InputError(`${file}, line ${records[0].info.lines}: column ${dup} appears twice in the header row`);
  const rows: CsvRow[] = [];
  for (let i = 1; i < records.length; i++) {
    const { record, info } = records[i];
    const values: Record<string, string> = {};
    for (let c = 0; c < columns.length; c++) values[columns[c]] = fromTextCell(record[c] ?? '');
    rows.push({ line: info.lines, values, fieldCount: record.length, raw: record.join(',') });
  }
  return { file, columns, rows };
}
