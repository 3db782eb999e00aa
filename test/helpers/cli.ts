/** Shared set-up of the CLI tests: the output the commands print, captured, and temporary folders. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** A new empty folder under the system's temporary folder. */
export function tempDir(prefix = 'caseflow-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Captures stdout and stderr around every test of the file (cleared before each; `process.exitCode`
 * reset after each). Read `io.out` and `io.err` in a test.
 */
export function captureOutput(): { out: string; err: string } {
  const io = { out: '', err: '' };
  beforeEach(() => {
    io.out = '';
    io.err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((io.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((io.err += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return io;
}

/** Runs the CLI with `args`, its output captured: the exit code, stdout and stderr. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = ((s: string) => ((stdout += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}
