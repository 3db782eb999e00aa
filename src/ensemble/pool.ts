/**
 * Runs replications on worker threads. Replication r always uses the seed stream (seed, r), and
 * results are stored by replication index, so the output does not depend on how many workers
 * ran or in which order they finished.
 */
import type { Worker } from 'node:worker_threads';
import { threadEntry, startWorker } from './threads.ts';
import { availableParallelism } from 'node:os';
import type { ReplicationTask, ReplicationResult } from './replication.ts';
import { runReplicationTask } from './replication.ts';

export interface PoolOptions {
  /** Workers, the calling thread being one of them (1 runs everything in this thread). Default: all cores. */
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

  // the calling thread is one of the workers: it has the modules loaded and compiled already,
  // so n workers cost n - 1 threads' start-up, module loading and cold code, not n
  let next = 0;
  let done = 0;
  const entry = threadEntry('ensemble/worker');

  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    let settled = false;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const completed = () => {
      done++;
      opts.onProgress?.(done, total);
      if (done === total) finish();
    };
    const dispatch = (w: Worker) => {
      if (next < total && !settled) {
        const index = next++;
        w.postMessage({ index, task: tasks[index] });
      }
    };
    for (let k = 1; k < workers; k++) {
      const w = startWorker(entry, { shared: opts.shared });
      pool.push(w);
      w.on('message', (msg: { index: number; result?: ReplicationResult; error?: { message: string; exitCode?: number } }) => {
        if (settled) return;
        if (msg.error) {
          finish(Object.assign(new Error(msg.error.message), msg.error.exitCode ? { exitCode: msg.error.exitCode } : {}));
          return;
        }
        results[msg.index] = msg.result!;
        completed();
        dispatch(w);
      });
      w.on('error', (err) => finish(err));
      // two tasks in hand, so that a thread never waits while this thread runs a replication
      dispatch(w);
      dispatch(w);
    }
    // this thread takes the next task whenever it is free, letting the threads' messages in between
    const runHere = () => {
      if (settled || next >= total) return;
      const index = next++;
      try {
        results[index] = runReplicationTask({ ...opts.shared, ...tasks[index] });
      } catch (err) {
        finish(err);
        return;
      }
      completed();
      setImmediate(runHere);
    };
    setImmediate(runHere);
  });
  return results;
}
