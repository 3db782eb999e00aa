/**
 * The errors every layer may throw. A leaf module: it imports nothing, so the calendar, the
 * events, the store and the engine can all use it without reaching up into the CLI.
 *
 * The CLI maps them to exit codes: 2 for bad input or usage (one line on stderr naming the file
 * and the row, line or field), 1 for a check that ran and failed.
 */
export class InputError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export class CheckFailed extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 3 } as const;

/** Bad opening history (imported events): names the event, the child and the reason. */
export class HistoryError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** An event that fails the schema: the message names the first bad field and the reason. */
export class EventValidationError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'EventValidationError';
  }
}

/** Parameters that fail their schema: the message names the first bad field and the reason. */
export class ParameterError extends Error {
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(message);
    this.name = 'ParameterError';
  }
}

/** `expectedVersion` did not match the stream's version: someone else appended first. */
export class ConcurrencyError extends Error {
  constructor(
    readonly childId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`child ${childId}: expected stream version ${expectedVersion} but it is ${actualVersion}; nothing was written`);
    this.name = 'ConcurrencyError';
  }
}

/** A line of an NDJSON event log that cannot be read: names the file, the line and the reason. */
export class LogFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}, line ${line}: ${reason}`, options);
    this.name = 'LogFormatError';
  }
}

/** An event log another running process has open for writing (its lock file names the process). */
export class LogLockedError extends InputError {
  constructor(
    readonly path: string,
    readonly owner: number,
  ) {
    super(`${path}: the log is open for writing in process ${owner} (lock file ${path}.lock); wait for it to finish`);
    this.name = 'LogLockedError';
  }
}
