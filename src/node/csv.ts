/** Reading CSV files for the projections' inputs. */
import { NotReadable, readInput } from './atomicFile.ts';
import { InputError } from '../errors.ts';
import { parseCsvRecords, type CsvRecord } from '../projections/csv.ts';

export type { CsvRecord };

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
  return parseCsvRecords(text, path);
}
