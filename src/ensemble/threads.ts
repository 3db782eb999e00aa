/**
 * Worker threads for modules of this package. Built JavaScript (dist/) runs in the thread as it
 * is; TypeScript sources (tests, `npm run caseflow`) go through tsx's loader in bootstrap.mjs.
 */
import { Worker } from 'node:worker_threads';

/** Starts a worker thread running `entry` (a module URL, e.g. `new URL('./worker.ts', import.meta.url)` with the caller's extension). */
export function startWorker(entry: URL, workerData: Record<string, unknown>): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  return new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
}

/** `name` with the extension of the calling module (`.ts` from sources, `.js` when built). */
export function sibling(name: string, callerUrl: string): URL {
  return new URL(`${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}
