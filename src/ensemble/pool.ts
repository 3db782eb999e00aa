/**
 * Runs replications on worker threads. Replication r always uses the seed stream (seed, r), and
 * results are stored by replication index, so the output does not depend on how many workers
 * ran or in which order they finished.
 */
import type { Worker } from 'node:worker_threads';
import { sibling, startWorker } from './threads.ts';
import { availableParallelism } from 'node:os';
import type { ReplicationTask, ReplicationResult } from './replication.ts';
import { runReplicationTask } from './replication.ts';

export interface PoolOptions {
  /** Worker threads; 1 runs in this thread. Default: all cores. */
  workers?: number;
  /** Input every task shares (an opening stock), sent to each worker once rather than with every task. */
  shared?: Pick<ReplicationTask, 'opening'>;
  onProgress?: (done: number, total: number) => void;
}

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Runs `tasks` (one per replication) and returns their results in task order. */
export async function runTasks(tasks: readonly ReplicationTask[], opts: PoolOptions = {}): Promise<ReplicationResult[]> {
  const total = tasks.length;
  const workers = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), total));
  const results: ReplicationResult[] = new Array(total);
  if (workers === 1) {
    for (let i = 0; i < total; i++) {
      results[i] = runReplicationTask({ ...opts.shared, ...tasks[i] });
      opts.onProgress?.(i + 1, total);
    }
    return results;
  }

  let next = 0;
  let done = 0;
  const entry = sibling('./worker', import.meta.url);

  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    let failed = false;
    const finish = (err?: unknown) => {
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const dispatch = (w: Worker) => {
      if (next < total) {
        const index = next++;
        w.postMessage({ index, task: tasks[index] });
      }
    };
    for (let k = 0; k < workers; k++) {
      const w = startWorker(entry, { shared: opts.shared });
      pool.push(w);
      w.on('message', (msg: { index: number; result?: ReplicationResult; error?: { message: string; exitCode?: number } }) => {
        if (failed) return;
        if (msg.error) {
          failed = true;
          const err = Object.assign(new Error(msg.error.message), msg.error.exitCode ? { exitCode: msg.error.exitCode } : {});
          finish(err);
          return;
        }
        results[msg.index] = msg.result!;
        done++;
        opts.onProgress?.(done, total);
        if (done === total) finish();
        else dispatch(w);
      });
      w.on('error', (err) => {
        if (!failed) {
          failed = true;
          finish(err);
        }
      });
      dispatch(w);
    }
  });
  return results;
}
