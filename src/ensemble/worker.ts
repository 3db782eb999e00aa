/** Worker thread: runs the replications it is sent and posts their KPI runs back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runReplicationTask, transferList, type ReplicationTask } from './replication.ts';

parentPort!.on('message', (msg: { index: number; task: ReplicationTask }) => {
  try {
    const result = runReplicationTask({ ...(workerData as { shared?: Partial<ReplicationTask> }).shared, ...msg.task });
    parentPort!.postMessage({ index: msg.index, result }, transferList(result));
  } catch (err) {
    const e = err as Error & { exitCode?: number };
    parentPort!.postMessage({ index: msg.index, error: { message: e.message, exitCode: e.exitCode } });
  }
});
