/** Worker thread of a local sweep: runs the jobs it is sent and posts their encoded results back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runJobSync } from './job.ts';
import type { SweepPlan } from './spec.ts';
import { encodeJobResult } from './tally.ts';

const plan = (workerData as { plan: SweepPlan }).plan;

parentPort!.on('message', (msg: { job: number }) => {
  try {
    parentPort!.postMessage({ job: msg.job, result: encodeJobResult(runJobSync(plan, msg.job)) });
  } catch (err) {
    parentPort!.postMessage({ job: msg.job, error: (err as Error).message });
  }
});
