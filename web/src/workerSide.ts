/** The engine worker's side of the protocol (see protocol.ts): remembers the job, runs replications. */
import { runReplicationTask, transferList, type ReplicationResult } from '../../src/ensemble/replication.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/** The worker's side: remembers the current job and answers each `replicate` (one scenario, one replication). */
export class WorkerSide {
  private current: Extract<ToWorker, { type: 'job' }> | undefined;

  constructor(private readonly run: (task: Parameters<typeof runReplicationTask>[0]) => ReplicationResult = runReplicationTask) {}

  handle(msg: ToWorker): { reply: FromWorker; transfer: ArrayBuffer[] } | undefined {
    if (msg.type === 'job') {
      this.current = msg;
      return undefined;
    }
    const job = this.current;
    const where = { job: msg.job, replication: msg.replication, scenario: msg.scenario };
    if (!job || job.job !== msg.job) return { reply: { type: 'error', ...where, message: `replication ${msg.replication} of run ${msg.job} arrived before its job` }, transfer: [] };
    const scenario = job.scenarios[msg.scenario];
    if (!scenario) return { reply: { type: 'error', ...where, message: `run ${msg.job} has no scenario ${msg.scenario}` }, transfer: [] };
    try {
      const result = this.run({ scenarios: [scenario], seed: job.seed, replication: msg.replication, months: job.months });
      return { reply: { type: 'result', ...where, run: result.runs[0], events: result.events[0] }, transfer: transferList(result) };
    } catch (err) {
      return { reply: { type: 'error', ...where, message: (err as Error).message }, transfer: [] };
    }
  }
}

