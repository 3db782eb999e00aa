/**
 * Worker threads for modules of this package. Built JavaScript (dist/, bundled by
 * scripts/build.mjs) runs in the thread as it is; TypeScript sources (tests, `npm run caseflow`)
 * go through tsx's loader in bootstrap.mjs.
 */
import { Worker } from 'node:worker_threads';

/** Starts a worker thread running `entry` (a module URL, from `threadEntry`). */
export function startWorker(entry: URL, workerData: Record<string, unknown>): Worker {
  if (entry.pathname.endsWith('.js')) return new Worker(entry, { workerData });
  return new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
}

/**
 * The module URL of a thread entry, `folder/name` below src/ (`ensemble/worker`): the TypeScript
 * source when running from the sources, else the built entry of the same name in dist/. Every
 * built file lies one folder below dist/ (the bundle's entries and its chunks alike), as this one
 * lies one folder below src/, so the path is the same from either.
 */
export function threadEntry(path: string): URL {
  return new URL(`../${path}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
}
