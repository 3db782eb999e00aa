/**
 * Atomic file writes: write to a temporary file beside the target, then rename over it.
 *
 * A command that writes a set of files (kpis.csv, kpis.json, report.html …) installs a staging
 * hook with `setOutputStaging`: every write then lands in a staging folder and the whole set is
 * moved into place when the command has finished, so a killed or failed run never leaves a
 * folder holding files of two runs. Without a hook, writes go straight to their paths.
 */
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

let counter = 0;

/** Maps a final output path to the path the file is written to now. */
export type OutputStaging = (path: string) => string;

let staging: OutputStaging | undefined;

/** Installs (or with `undefined` removes) the staging hook every output writer goes through. */
export function setOutputStaging(hook: OutputStaging | undefined): void {
  staging = hook;
}

/** Where an output meant for `path` is written now (the path itself when nothing is staged). */
export function stagedPath(path: string): string {
  return staging ? staging(path) : path;
}

/** A temporary file name beside `path`, unique in this process (`.<name>.<pid>.<n>.tmp`). */
export function tempPathBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${counter++}.tmp`);
}

/** Gives a file-system error that names no file (a write to a descriptor) the path it was for. */
export function withPath(err: unknown, path: string): unknown {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e && typeof e === 'object' && typeof e.code === 'string' && !e.path) e.path = path;
  return err;
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const path = stagedPath(target);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathBeside(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw withPath(err, target);
  }
}
