import { Command, Option } from 'commander';
import { checkRedis, DEFAULT_QUEUE_NAME, runQueueWorker } from '../../sweep/queue.ts';
import { positiveInt } from '../options.ts';

interface WorkerCliOptions {
  queue: string;
  queueName: string;
  exitWhenIdle?: boolean;
  lockMs?: number;
  name?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Take sweep jobs from a Redis (BullMQ) queue and run them, until stopped')
    .requiredOption('--queue <redis://host:port>', 'the Redis the coordinator (`caseflow sweep --queue`) uses')
    .option('--queue-name <name>', 'queue name', DEFAULT_QUEUE_NAME)
    .option('--exit-when-idle', 'exit when the queue has no job waiting or running')
    .option('--lock-ms <ms>', "job lease: renewed while a job runs; a dead worker's job goes to another worker after it lapses", positiveInt('--lock-ms', 86_400_000), 30000)
    .option('--name <name>', 'worker name shown in Redis (default host:pid)')
    .addOption(new Option('-q, --quiet', 'no log lines'))
    .addHelpText(
      'after',
      `
One worker runs one job at a time on one core: start one per core. SIGTERM (or Ctrl-C) lets the
current job finish, then exits 0. A worker needs the same caseflow version as the coordinator,
nothing else: the scenarios travel with the sweep through Redis.

Examples:
  $ caseflow worker --queue redis://10.0.0.5:6379
  $ caseflow worker --queue redis://10.0.0.5:6379 --exit-when-idle`,
    )
    .action(async (opts: WorkerCliOptions) => {
      await checkRedis(opts.queue);
      const log = opts.quiet ? () => {} : (line: string) => process.stderr.write(`${line}\n`);
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      let signals = 0;
      const onSignal = () => {
        if (++signals > 1) process.exit(143);
        log('stopping after the current job');
        stop();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      log(`worker ${opts.name ?? process.pid} taking jobs from ${opts.queueName} at ${opts.queue}`);
      const r = await runQueueWorker({ url: opts.queue, queueName: opts.queueName, exitWhenIdle: opts.exitWhenIdle, lockMs: opts.lockMs, name: opts.name, log, stop: stopped });
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      log(`worker done: ${r.jobs} job${r.jobs === 1 ? "" : "s"} run, ${r.failed} failed`);
    });
}
