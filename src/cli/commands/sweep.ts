import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { kpiDef } from '../../projections/catalogue.ts';
import { runSweep } from '../../sweep/coordinator.ts';
import { checkRedis, DEFAULT_QUEUE_NAME } from '../../sweep/queue.ts';
import { loadSweepSpec } from '../../sweep/spec.ts';
import { jobCount, pointCount } from '../../sweep/plan.ts';
import { CheckFailed } from '../../errors.ts';
import { outputFolder, workersArg } from '../options.ts';
import { commandLine, shown } from '../run.ts';
import { paint, progress, table } from '../terminal.ts';
import { count, fixed, headline } from '../format.ts';

interface SweepOptions {
  spec: string;
  out: string;
  queue?: string;
  queueName: string;
  workers?: number;
  resume?: boolean;
  allowFailed?: boolean;
  report?: boolean;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('sweep')
    .description('Run a parameter sweep or sensitivity analysis: many points of a design, each an ensemble, on local worker threads or on a Redis queue')
    .requiredOption('--spec <file>', 'sweep spec JSON (see scenarios/sweeps/ and the README)')
    .addOption(outputFolder(new Option('--out <dir>', 'output folder (job results are kept in <dir>/jobs)').makeOptionMandatory(), [], ['jobs']))
    .option('--queue <redis://host:port>', 'put the jobs on this Redis (BullMQ) for `caseflow worker` processes instead of running them here')
    .option('--queue-name <name>', 'queue name (workers must use the same)', DEFAULT_QUEUE_NAME)
    .option('--workers <n>', 'local worker threads, without --queue (default: all cores)', workersArg)
    .option('--resume', 'keep the job results already in <dir>/jobs and run only the rest')
    .option('--allow-failed', 'exit 0 when some jobs failed (their points are left out and listed in failed.csv)')
    .option('--no-report', 'do not write report.html')
    .addOption(new Option('-q, --quiet', 'no progress or summary output'))
    .addHelpText(
      'after',
      `
Every job is one point's replications (or a chunk of them); replication r of point p draws its
random numbers from streams derived from (seed, p, r), so the outputs are the same byte for byte
however many threads, workers or machines ran the jobs. Writes sweep-kpis.csv, design.json,
sensitivity.csv/json (with a sensitivity section in the spec), failed.csv (if jobs failed) and
report.html. Stopped part-way (Ctrl-C), it keeps the results in; --resume carries on.

Exit status: 0 when every job is in; 1 when jobs failed (without --allow-failed); 2 bad input,
including an unreachable Redis.

Examples:
  $ caseflow sweep --spec scenarios/sweeps/example.json --out out/sweep
  $ caseflow sweep --spec scenarios/sweeps/example.json --out out/sweep --resume
  $ caseflow sweep --spec scenarios/sweeps/councils.json --out out/councils --queue redis://10.0.0.5:6379
    (and on each machine: caseflow worker --queue redis://10.0.0.5:6379)`,
    )
    .action(async (opts: SweepOptions) => {
      const plan = loadSweepSpec(opts.spec);
      if (opts.queue) await checkRedis(opts.queue);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      if (!opts.quiet) {
        log(`Sweep ${plan.name} (${plan.id}): ${count(pointCount(plan))} points × ${plan.runs} replications × ${plan.months} months, ${count(jobCount(plan))} jobs, ${opts.queue ? `on queue ${opts.queueName} at ${opts.queue}` : 'on local worker threads'}`);
      }
      const abort = new AbortController();
      let signalled: NodeJS.Signals | undefined;
      const onSignal = (sig: NodeJS.Signals) => {
        if (signalled) process.exit(sig === 'SIGINT' ? 130 : 143);
        signalled = sig;
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const bar = progress('jobs', jobCount(plan), opts.quiet);
      let outcome;
      try {
        outcome = await runSweep(plan, {
          out: resolve(opts.out),
          queue: opts.queue,
          queueName: opts.queueName,
          workers: opts.workers,
          resume: opts.resume,
          signal: abort.signal,
          report: opts.report !== false,
          command: commandLine(),
          onProgress: (d) => bar.update(d),
          log: opts.quiet ? undefined : (line) => log(line),
        });
      } finally {
        bar.stop();
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (outcome.stopped) {
        log(`stopped: ${outcome.jobsDone} of ${outcome.jobsTotal} jobs are saved in ${shown(resolve(opts.out, 'jobs'))}; run again with --resume to finish`);
        process.exitCode = signalled === 'SIGINT' ? 130 : 143;
        return;
      }
      if (!opts.quiet) {
        if (outcome.jobsResumed > 0) log(`${outcome.jobsResumed} of ${outcome.jobsTotal} jobs were already done (--resume)`);
        const rows: string[][] = [['target', 'factor', 'first-order', 'total', 'tornado (low → high)']];
        const top = new Map<string, number>();
        for (const r of [...outcome.sensitivity].sort((a, b) => (Number.isNaN(b.total) ? 0 : b.total) - (Number.isNaN(a.total) ? 0 : a.total) || Math.abs(b.high - b.low) - Math.abs(a.high - a.low))) {
          const key = `${plan.bases.length > 1 ? `${r.scenario}: ` : ''}${kpiDef(r.kpi)?.label ?? r.kpi}, ${r.month}`;
          if ((top.get(key) ?? 0) >= 5) continue;
          top.set(key, (top.get(key) ?? 0) + 1);
          rows.push([key, r.factor, fixed(r.first, 2), fixed(r.total, 2), `${headline(r.low)} → ${headline(r.high)}`]);
        }
        if (rows.length > 1) process.stdout.write('\n' + table(rows) + '\n\n');
        process.stdout.write(`${count(outcome.events)} events simulated; ${outcome.jobsDone} of ${outcome.jobsTotal} jobs in\n`);
        process.stdout.write(`${paint('bold', 'Wrote')} ${outcome.files.map(shown).join(', ')}\n`);
      }
      if (outcome.failures.length > 0) {
        const msg = `${outcome.failures.length} job${outcome.failures.length === 1 ? '' : 's'} failed (first: point ${outcome.failures[0].point}, seed ${outcome.failures[0].seed}: ${outcome.failures[0].reason}); their points are left out of the outputs and listed in failed.csv`;
        if (!opts.allowFailed) throw new CheckFailed(`${msg}; --allow-failed accepts this`);
        log(`warning: ${msg}`);
      }
    });
}
