/** The engine worker's side of the protocol (see protocol.ts): remembers the job, runs replications. */
import { runReplicationTask, transferList, type ReplicationResult } from '../../src/ensemble/replication.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** The worker's side: remembers the current job and answers each `replicate`. */
export class WorkerSide {
  private current: Extract<ToWorker, { type: 'job' }> | undefined;

  constructor(private readonly run: (task: Parameters<typeof runReplicationTask>[0]) => ReplicationResult = runReplicationTask) {}

  handle(msg: ToWorker): { reply: FromWorker; transfer: ArrayBuffer[] } | undefined {
    if (msg.type === 'job') {
      this.current = msg;
      return undefined;
    }
    const job = this.current;
    if (!job || job.job !== msg.job) return { reply: { type: 'error', job: msg.job, replication: msg.replication, message: `replication ${msg.replication} of run ${msg.job} arrived before its job` }, transfer: [] };
    try {
      const result = this.run({ scenarios: job.scenarios, seed: job.seed, replication: msg.replication, months: job.months });
      return { reply: { type: 'result', job: job.job, replication: msg.replication, runs: result.runs, events: result.events }, transfer: transferList(result) };
    } catch (err) {
      return { reply: { type: 'error', job: job.job, replication: msg.replication, message: (err as Error).message }, transfer: [] };
    }
  }
}

