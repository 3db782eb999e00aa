/** Shared set-up of the CLI tests: the output the commands print, captured, and temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';

/** A new empty folder under the system's temporary folder. */
export function tempDir(prefix = 'caseflow-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A new empty folder (as `tempDir`) removed, with all it holds, after the tests of the file or
 * `describe` block that makes it. Make it while the tests are collected, not inside a test.
 */
export function tempDirRemovedAfterAll(prefix?: string): string {
  const dir = tempDir(prefix);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * What is written to stdout (`out`) and stderr (`err`) between `start()` and `stop()`, kept instead
 * of printed. Captures nest: `stop()` puts back the writers that were in place at `start()`.
 */
export class Capture {
  out = '';
  err = '';
  #restore: (() => void) | undefined;

  /** Clears `out` and `err` and starts capturing; a capture already running is stopped first. */
  start(): this {
    this.stop();
    this.out = '';
    this.err = '';
    const { stdout, stderr } = process;
    const [w1, w2] = [stdout.write, stderr.write];
    stdout.write = ((s: string | Uint8Array) => ((this.out += String(s)), true)) as typeof stdout.write;
    stderr.write = ((s: string | Uint8Array) => ((this.err += String(s)), true)) as typeof stderr.write;
    this.#restore = () => {
      stdout.write = w1;
      stderr.write = w2;
    };
    return this;
  }

  /** Puts the writers back (nothing if not capturing); `out` and `err` keep what was captured. */
  stop(): void {
    this.#restore?.();
    this.#restore = undefined;
  }
}

/**
 * Captures stdout and stderr around every test of the file or `describe` block (cleared before
 * each; `process.exitCode` reset after each). Read `io.out` and `io.err` in a test.
 */
export function captureOutput(): Capture {
  const io = new Capture();
  beforeEach(() => {
    io.start();
  });
  afterEach(() => {
    io.stop();
    process.exitCode = undefined;
  });
  return io;
}

/**
 * Runs the CLI with `args`, its output captured: the exit code, stdout and stderr. `process.exitCode`
 * (which a command may set) is reset after, so that it does not carry over into the next run.
 */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.ts');
  const io = new Capture().start();
  try {
    const code = await main(args);
    return { code, stdout: io.out, stderr: io.err };
  } finally {
    io.stop();
    process.exitCode = undefined;
  }
}
