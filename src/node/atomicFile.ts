/**
 * Atomic file writes: write to a temporary file beside the target, then rename over it.
 *
 * A command that writes a set of files (kpis.csv, kpis.json, report.html …) installs a staging
 * hook with `setOutputStaging`: every write then lands in a staging folder and the whole set is
 * moved into place when the command has finished, so a killed or failed run never leaves a
 * folder holding files of two runs. Without a hook, writes go straight to their paths.
 */
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync, rmSync, type Stats } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * Inputs: every reader of a file the user named opens it with `openInput`, which refuses anything
 * but a regular file (a folder, a FIFO, a device such as /dev/zero, a socket) before a byte is
 * read: the open does not block on a FIFO, and nothing is read from an endless device.
 * `readInput` also bounds the bytes it reads (a file read whole, such as a scenario or a CSV).
 */
export class NotReadable extends InputError {
  constructor(
    readonly path: string,
    /** The reason without the path ("is a FIFO (named pipe), not a regular file"). */
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = 'NotReadable';
  }
}

/** One-line reasons for file-system error codes, shared by every reader and writer. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists and is not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'busy',
  EXDEV: 'on another device',
  ENODEV: 'no such device',
  ENXIO: 'no such device',
  EINVAL: 'not valid here',
};

/** The one-line reason for a file-system error code (ENOSPC → "no space left on the device"). */
export function fsReason(code: string | undefined, fallback = 'cannot be used'): string {
  return (code && REASONS[code]) ?? (code ? `${fallback} (${code})` : fallback);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'is a folder, not a file';
  if (st.isFIFO()) return 'is a FIFO (named pipe), not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  return 'is not a regular file';
}

/** Opens `path` for reading; throws `NotReadable` unless it is a regular file (a missing file: the ENOENT error as it is). */
export function openInput(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined || code === 'ENOENT' || code === 'EMFILE' || code === 'ENFILE') throw err;
    throw new NotReadable(path, fsReason(code));
  }
  let st: Stats;
  try {
    st = fstatSync(fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!st.isFile()) {
    closeSync(fd);
    throw new NotReadable(path, kindOf(st));
  }
  return fd;
}

/** Files read whole (scenarios, specs, CSV tables) are at most this big. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function mb(n: number): string {
  return `${Math.round(n / (1024 * 1024)).toLocaleString('en-GB')} MB`;
}

/**
 * Reads a whole input file (a regular file only), refusing one of more than `maxBytes` without
 * reading past that many bytes (a /proc file's size says 0, so the bound is on what is read).
 */
export function readInput(path: string, maxBytes: number = MAX_INPUT_BYTES, what = 'an input file'): Buffer {
  const fd = openInput(path);
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new NotReadable(path, `${mb(size)}, more than the ${mb(maxBytes)} caseflow reads from ${what}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(size + 1, 64 * 1024), maxBytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new NotReadable(path, `more than the ${mb(maxBytes)} caseflow reads from ${what}`);
      chunks.push(buf.subarray(0, n));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

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

/**
 * For tests of the full-disk path only: with `CASEFLOW_TEST_ENOSPC` set to some text, every write
 * of an output whose path contains that text fails as a full disk makes it fail (ENOSPC), so that
 * each writer's handling of a full disk can be checked without filling one.
 */
export function simulatedDiskFull(path: string): void {
  const want = typeof process === 'undefined' ? undefined : process.env.CASEFLOW_TEST_ENOSPC;
  if (!want || !path.includes(want)) return;
  throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', errno: -28, syscall: 'write', path });
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const path = stagedPath(target);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathBeside(path);
  try {
    simulatedDiskFull(target);
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw withPath(err, target);
  }
}
