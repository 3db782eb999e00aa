/**
 * Input checks shared by every command: an empty input (an event log without events, a return
 * without records) is refused with exit 2 unless the user passed --allow-empty, so that an empty
 * file never silently replaces good outputs with zeros.
 */
import { InputError } from '../errors.ts';
import { LogFormatError } from '../store/types.ts';
import type { Progress } from './terminal.ts';

let allowEmpty = false;

/** Set by the command runner from the global --allow-empty option. */
export function setAllowEmpty(v: boolean): void {
  allowEmpty = v;
}

export function emptyAllowed(): boolean {
  return allowEmpty;
}

/** Refuses an input that holds nothing (`count` 0) unless --allow-empty was given. */
export function requireSome(file: string, count: number, what: string): void {
  if (count === 0 && !allowEmpty) throw new InputError(`${file}: ${what}; refusing an empty input (pass --allow-empty to accept it)`);
}

/**
 * Runs `fn` over a log read with `--validate none`: an event the schema would have refused can
 * make a projection fail; that is bad input (exit 2 naming the file and the event), not a bug.
 */
export function trusting<T>(file: string, validate: string, fn: () => T): T {
  if (validate !== 'none') return fn();
  try {
    return fn();
  } catch (err) {
    if ((err as { exitCode?: number }).exitCode !== undefined || typeof (err as NodeJS.ErrnoException).code === 'string') throw err;
    const where = (err as { eventNumber?: number }).eventNumber;
    throw new InputError(`${file}${where ? `, event ${where}` : ''}: an event that --validate none let through cannot be used (${(err as Error).message}); run with --validate schema to find and check it`);
  }
}

/**
 * `trusting(file, validate, read)` for a read of an event log, its failures as exit 2: a
 * malformed line names the file and the line, a file-system error the file and its code. `bar`
 * is stopped however the read ends.
 */
export function readingLog<T>(file: string, validate: string, bar: Progress, read: () => T): T {
  try {
    return trusting(file, validate, read);
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new InputError(`${file}: cannot read (${code})`);
    throw err;
  } finally {
    bar.stop();
  }
}
