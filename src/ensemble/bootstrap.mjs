// Worker entry: registers the TypeScript loader, then runs the replication worker.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
