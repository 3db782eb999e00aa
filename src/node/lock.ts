/**
 * An exclusive lock on a file, held by a lock file beside it (`<path>.lock`) that holds the
 * owner's process id. A lock whose owner is no longer running (the process was killed) is stale:
 * it is taken over. Only one process at a time can append to an NDJSON log.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { LogLockedError } from '../errors.ts';

/** Whether a process with this id is running (a process of another user counts as running). */
export function processAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface FileLock {
  readonly lockPath: string;
  release(): void;
}

/** Takes the lock on `path` or throws `LogLockedError` naming the process that holds it. */
export function lockFile(path: string): FileLock {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockPath, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number.parseInt(readFileSync(lockPath, 'utf8').trim(), 10);
      } catch {
        // removed in between: try again
        continue;
      }
      if (processAlive(owner) && owner !== process.pid) throw new LogLockedError(path, owner);
      if (owner === process.pid) throw new LogLockedError(path, owner);
      // stale: its owner is gone
      rmSync(lockPath, { force: true });
      continue;
    }
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      lockPath,
      release() {
        if (released) return;
        released = true;
        rmSync(lockPath, { force: true });
      },
    };
  }
  throw new LogLockedError(path, NaN);
}
