/**
 * Output sets: every file a command writes goes first into a staging folder inside its target
 * folder (`.caseflow-staging-<pid>-<n>/`); when the command has finished, the staging folders are
 * marked committed (renamed to `.caseflow-commit-<pid>-<n>/`, one atomic step each) and their
 * files are renamed into place. A run that fails or is killed before that leaves the previous set
 * untouched; the next run removes its staging folder and temporary files, and finishes a commit
 * that a kill interrupted. Files of the same family that the new set does not include (an old
 * report.html after a run with --no-report, an old comparison.csv after a simulate) are removed,
 * so a folder never holds files of two runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { setOutputStaging, simulatedDiskFull } from '../node/atomicFile.ts';
import { processAlive } from '../node/lock.ts';
import { InputError } from '../errors.ts';
import { ensureFolder, fsReason } from './paths.ts';

const STAGING = '.caseflow-staging-';
const COMMIT = '.caseflow-commit-';
const SET_FILE = '.caseflow-set.json';
/** Temporary files of atomic writes: `.<name>.<pid>.<n>.tmp`. */
const TEMP = /^\..+\.(\d+)\.\d+\.tmp$/;
const MARK = /^\.caseflow-(staging|commit)-(\d+)-\d+$/;


interface SetRecord {
  files: string[];
  remove: string[];
}

function finishCommit(commitDir: string): void {
  const folder = dirname(commitDir);
  let set: SetRecord;
  try {
    set = JSON.parse(readFileSync(join(commitDir, SET_FILE), 'utf8')) as SetRecord;
  } catch {
    rmSync(commitDir, { recursive: true, force: true });
    return;
  }
  for (const f of set.remove) if (!set.files.includes(f)) rmSync(join(folder, f), { force: true });
  for (const f of set.files) {
    const from = join(commitDir, f);
    if (existsSync(from)) renameSync(from, join(folder, f));
  }
  rmSync(commitDir, { recursive: true, force: true });
}

/**
 * Removes what killed runs left in `folder` (staging folders, temporary files of processes that
 * are no longer running) and finishes commits they had started. Returns the number of entries
 * cleaned up.
 */
export function recoverFolder(folder: string): number {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    const mark = MARK.exec(name);
    const temp = mark ? undefined : TEMP.exec(name);
    const pid = mark ? +mark[2] : temp ? +temp[1] : 0;
    if ((!mark && !temp) || processAlive(pid)) continue;
    const path = join(folder, name);
    try {
      if (mark && mark[1] === 'commit') finishCommit(path);
      else rmSync(path, { recursive: true, force: true });
      n++;
    } catch {
      // left for a later run; it does not belong to any output set
    }
  }
  return n;
}

let counter = 0;

/** The output set of one command run. */
export class OutputSet {
  private readonly staged = new Map<string, string>();
  private readonly families = new Map<string, readonly string[]>();
  /** Folders whose files are written in place as the run goes (a resumable run's checkpoints). */
  private readonly checkpoints: string[] = [];
  /** Folders this set created, removed again (when empty) if the run fails. */
  private readonly created: string[] = [];

  /**
   * Declares an output folder before any work is done: creates it (naming a file in the way, a
   * read-only or virtual file system), cleans up after killed runs and makes its staging folder.
   * `family`: the file names this command may write there; the ones the new set lacks are removed.
   */
  folder(dir: string, what: string, family: readonly string[] = [], checkpoints: readonly string[] = []): void {
    const abs = resolve(dir);
    this.open(abs, what);
    if (family.length > 0) this.families.set(abs, family);
    for (const c of checkpoints) this.checkpoints.push(join(abs, c));
  }

  /** Declares an output file before any work is done (its folder is checked as for `folder`). */
  file(path: string, what: string): void {
    const abs = resolve(path);
    if (path === '' || /[\\/]$/.test(path)) throw new InputError(`${what} "${path}": names a folder; give a file name`);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new InputError(`${what} ${path}: ${fsReason(code)}`);
    }
    if (st?.isDirectory()) throw new InputError(`${what} ${path}: is a folder, not a file`);
    if (st && !st.isFile()) throw new InputError(`${what} ${path}: is ${st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device'}, not a regular file; an output replaces a regular file only`);
    this.open(dirname(abs), what);
  }

  private open(folder: string, what: string): string {
    const have = this.staged.get(folder);
    if (have) return have;
    ensureFolder(folder, what, this.created);
    recoverFolder(folder);
    const st = join(folder, `${STAGING}${process.pid}-${counter++}`);
    try {
      mkdirSync(st);
    } catch (err) {
      throw new InputError(`${what} ${folder}: cannot write there (${fsReason((err as NodeJS.ErrnoException).code)})`);
    }
    this.staged.set(folder, st);
    return st;
  }

  /** The path a file meant for `path` is written to while the set is open. */
  stage(path: string): string {
    const abs = resolve(path);
    const folder = dirname(abs);
    if (MARK.test(basename(folder))) return abs;
    if (this.checkpoints.some((c) => folder === c || folder.startsWith(c + '/'))) return abs;
    return join(this.open(folder, 'output'), basename(abs));
  }

  /** Moves every staged file into place; returns the number of files moved. */
  commit(): number {
    // first every set record (a write that can fail on a full disk), then the renames
    const marked: [string, string][] = [];
    for (const [folder, st] of this.staged) {
      const files = readdirSync(st).filter((f) => f !== SET_FILE && !TEMP.test(f));
      for (const f of files) {
        let isDir = false;
        try {
          isDir = statSync(join(folder, f)).isDirectory();
        } catch {
          // nothing in the way
        }
        if (isDir) throw new InputError(`${join(folder, f)}: is a folder, not a file; the output cannot replace it`);
      }
      const remove = (this.families.get(folder) ?? []).filter((f) => !files.includes(f));
      simulatedDiskFull(join(folder, SET_FILE));
      writeFileSync(join(st, SET_FILE), JSON.stringify({ files, remove } satisfies SetRecord));
      marked.push([folder, st]);
    }
    const commits: string[] = [];
    for (const [folder, st] of marked) {
      const c = join(folder, basename(st).replace(STAGING, COMMIT));
      renameSync(st, c);
      commits.push(c);
    }
    this.staged.clear();
    let n = 0;
    for (const c of commits) {
      n += (JSON.parse(readFileSync(join(c, SET_FILE), 'utf8')) as SetRecord).files.length;
      finishCommit(c);
    }
    return n;
  }

  /** Removes every staged file; the previous outputs stay as they were. */
  abort(): void {
    for (const st of this.staged.values()) rmSync(st, { recursive: true, force: true });
    this.staged.clear();
    for (const dir of [...this.created].reverse()) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty (or gone): kept
      }
    }
    this.created.length = 0;
  }
}

let current: OutputSet | undefined;

/** Starts the output set of a command run: from now on every output write is staged. */
export function beginOutputs(): OutputSet {
  current?.abort();
  const set = new OutputSet();
  current = set;
  setOutputStaging((p) => set.stage(p));
  return set;
}

/** The output set of the command running now. */
export function currentOutputs(): OutputSet | undefined {
  return current;
}

/** Ends the command's output set: commits it (`ok`) or discards it. */
export function endOutputs(ok: boolean): void {
  const set = current;
  current = undefined;
  setOutputStaging(undefined);
  if (!set) return;
  if (!ok) return set.abort();
  try {
    set.commit();
  } catch (err) {
    set.abort();
    throw err;
  }
}
