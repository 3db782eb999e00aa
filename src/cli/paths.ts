/**
 * File-system checks shared by every command: one-line reasons for file-system errors, output
 * folders created component by component (a file where a folder is expected, a read-only or
 * virtual file system are named before any work is done), and input files that must be files.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, parse, resolve, sep } from 'node:path';
import { InputError } from '../errors.ts';
import { fsReason } from '../node/atomicFile.ts';

export { fsReason } from '../node/atomicFile.ts';

/** Whether `err` is a Node file-system error (an errno code such as ENOSPC). */
export function isFsError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

/** Virtual file systems that cannot hold output files. */
const VIRTUAL = ['/proc', '/sys', '/dev'];

function refuseVirtual(dir: string, what: string): void {
  const abs = resolve(dir);
  for (const v of VIRTUAL) {
    if (abs === v || abs.startsWith(v + sep)) {
      if (v === '/dev' && abs === '/dev/shm') return;
      if (v === '/dev' && abs.startsWith('/dev/shm' + sep)) return;
      throw new InputError(`${what} ${dir}: ${v} is a virtual file system and cannot hold output files`);
    }
  }
}

/**
 * Creates the folder `dir` (and its parents) one component at a time, so that a file in the way
 * or an unwritable parent is named, and checks that the folder can be written to.
 * `what` names the option (`--out`) for the message.
 */
export function ensureFolder(dir: string, what: string, created: string[] = []): string[] {
  refuseVirtual(dir, what);
  const abs = resolve(dir);
  const root = parse(abs).root;
  const parts = abs.slice(root.length).split(sep).filter(Boolean);
  let cur = root;
  for (const part of parts) {
    cur = cur === root ? root + part : cur + sep + part;
    let st;
    try {
      st = statSync(cur);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new InputError(`${what} ${dir}: ${cur}: ${fsReason(code)}`);
      try {
        mkdirSync(cur);
        created.push(cur);
        continue;
      } catch (e) {
        const c = (e as NodeJS.ErrnoException).code;
        if (c === 'EEXIST' && statSync(cur).isDirectory()) continue;
        throw new InputError(`${what} ${dir}: cannot create folder ${cur}: ${fsReason(c)}`);
      }
    }
    if (!st.isDirectory()) throw new InputError(`${what} ${dir}: ${cur} is ${st.isFile() ? 'a file' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device'}, not a folder`);
  }
  try {
    accessSync(abs, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new InputError(`${what} ${dir}: cannot write there (${fsReason((err as NodeJS.ErrnoException).code)})`);
  }
  return created;
}

/** Checks that `file` can be written as an output file: its folder is made, and it is not a folder. */
export function ensureOutputFile(file: string, what: string): void {
  if (file === '' || file.endsWith(sep) || file.endsWith('/')) throw new InputError(`${what} "${file}": names a folder; give a file name`);
  try {
    if (statSync(file).isDirectory()) throw new InputError(`${what} ${file}: is a folder, not a file`);
  } catch (err) {
    if (err instanceof InputError) throw err;
  }
  ensureFolder(dirname(file), what);
}

/** Checks an input file the user named: it exists, is a file and is readable. */
export function requireInputFile(file: string, what: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${what} ${file}: ${code === 'ENOENT' ? 'file not found' : fsReason(code)}`);
  }
  if (!st.isFile()) throw new InputError(`${what} ${file}: ${st.isDirectory() ? 'is a folder, not a file' : 'not a regular file'}`);
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new InputError(`${what} ${file}: cannot read (${fsReason((err as NodeJS.ErrnoException).code)})`);
  }
}
