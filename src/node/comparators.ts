/** Reading a comparator file (src/projections/comparators.ts parses it). */
import { parseComparators } from '../projections/comparators.ts';
import type { Comparator } from '../projections/types.ts';
import { readCsvRecords } from './csv.ts';

/** Reads comparators; any bad row is an `InputError` naming the file, line and field. */
export function loadComparators(path: string, what = 'comparator file'): Comparator[] {
  return parseComparators(readCsvRecords(path, what), path);
}
