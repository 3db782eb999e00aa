/**
 * Runs a sweep's jobs on local worker threads (one per core by default; 1 runs them in this
 * thread). Results and failures are handed to the caller as each job finishes; a failing job does
 * not stop the others.
 */
import type { Worker } from 'node:worker_threads';
import { threadEntry, startWorker } from '../ensemble/threads.ts';
import { defaultWorkers } from '../ensemble/index.ts';
import { runJobAsync } from './job.ts';
import type { SweepPlan } from './spec.ts';
import { encodeJobResult, type EncodedJobResult } from './tally.ts';

export interface JobSink {
  result(job: number, result: EncodedJobResult): void;
  failure(job: number, reason: string): void;
}

export async function runLocal(plan: SweepPlan, jobs: readonly number[], sink: JobSink, opts: { workers?: number; signal?: AbortSignal } = {}): Promise<void> {
  const n = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), jobs.length));
  if (jobs.length === 0) return;
  if (n === 1) {
    for (const job of jobs) {
      if (opts.signal?.aborted) return;
      try {
        sink.result(job, encodeJobResult(await runJobAsync(plan, job)));
      } catch (err) {
        sink.failure(job, (err as Error).message);
      }
    }
    return;
  }
  const entry = threadEntry('sweep/thread');
  let next = 0;
  let finished = 0;
  const pool: Worker[] = [];
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const done = (err?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    opts.signal?.addEventListener('abort', () => done(), { once: true });
    const dispatch = (w: Worker) => {
      if (next < jobs.length) w.postMessage({ job: jobs[next++] });
    };
    for (let k = 0; k < n; k++) {
      const w = startWorker(entry, { plan });
      pool.push(w);
      w.on('message', (msg: { job: number; result?: EncodedJobResult; error?: string }) => {
        if (settled) return;
        try {
          if (msg.error !== undefined) sink.failure(msg.job, msg.error);
          else sink.result(msg.job, msg.result!);
        } catch (err) {
          done(err);
          return;
        }
        finished++;
        if (finished === jobs.length) done();
        else dispatch(w);
      });
      w.on('error', (err) => done(err));
      dispatch(w);
    }
  });
}
