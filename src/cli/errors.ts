/**
 * Errors that map to the CLI's exit codes: 2 for bad input or usage (one line on stderr naming
 * the file and the row, line or field), 1 for a check that ran and failed.
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

export const EXIT = { ok: 0, checkFailed: 1, badInput: 2 } as const;
