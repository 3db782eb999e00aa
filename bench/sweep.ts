/**
 * Sweep throughput: the same Southampton sweep on 2 local worker threads and on 2 queue workers
 * (`caseflow worker` processes) taking jobs from a real Redis on localhost. The figure is jobs a
 * second in the steady state (from the first result to the last, so that starting threads or
 * processes is not counted), and the ratio queue ÷ threads; both runs must write the same bytes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../src/sweep/coordinator.ts';
import { loadSweepSpec } from '../src/sweep/spec.ts';
import { startRedis } from './redis.ts';

const CLI = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const BASELINE = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));

export interface SweepBench {
  readonly jobs: number;
  readonly replicationsPerJob: number;
  readonly months: number;
  readonly workers: number;
  readonly threadSeconds: number;
  readonly queueSeconds: number;
  /** Jobs a second from the first result to the last. */
  readonly threadJobsPerSec: number;
  readonly queueJobsPerSec: number;
  /** queue ÷ threads. */
  readonly ratio: number;
  /** Events simulated per job (the same on both). */
  readonly eventsPerJob: number;
  readonly identical: boolean;
}

type Log = (line: string) => void;

function timedProgress(): { onProgress: (done: number, total: number) => void; rate: () => number } {
  let first = NaN;
  let last = NaN;
  let firstDone = 0;
  let lastDone = 0;
  return {
    onProgress(done) {
      if (done === 0) return;
      const t = performance.now();
      if (Number.isNaN(first)) {
        first = t;
        firstDone = done;
      }
      last = t;
      lastDone = done;
    },
    rate: () => (lastDone > firstDone ? ((lastDone - firstDone) / (last - first)) * 1000 : NaN),
  };
}

export async function benchSweep(opts: { points: number; runs: number; months: number; workers?: number; log?: Log }): Promise<SweepBench> {
  const log = opts.log ?? (() => {});
  const workers = opts.workers ?? 2;
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-bench-sweep-'));
  const specFile = join(dir, 'spec.json');
  writeFileSync(
    specFile,
    JSON.stringify({
      name: 'bench-sweep',
      baseline: BASELINE,
      factors: [
        { lever: 'cp_to_care', min: -0.3, max: 0.3 },
        { lever: 'direct_entries', min: -0.3, max: 0.3 },
      ],
      design: { type: 'lhs', points: opts.points },
      runs: opts.runs,
      months: opts.months,
      seed: 1,
      kpis: ['referrals', 'cp_open', 'cla_open', 'placement_cost'],
    }),
  );
  const plan = loadSweepSpec(specFile);
  const redis = await startRedis();
  try {
    log(`sweep: ${opts.points} jobs of ${opts.runs} replications × ${opts.months} months on ${workers} local threads`);
    const threads = timedProgress();
    let t0 = performance.now();
    const local = await runSweep(plan, { out: join(dir, 'threads'), workers, report: false, onProgress: threads.onProgress });
    const threadSeconds = (performance.now() - t0) / 1000;
    log(`sweep: ${threadSeconds.toFixed(1)} s on threads; now ${workers} queue workers on Redis at ${redis.url}`);
    const procs = Array.from({ length: workers }, () => {
      const p = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker', '--queue', redis.url, '--queue-name', 'bench'], { stdio: ['ignore', 'ignore', 'pipe'] });
      const ready = new Promise<void>((resolve) => p.stderr!.on('data', (d) => String(d).includes('taking jobs') && resolve()));
      const exit = new Promise<number | null>((resolve) => p.on('exit', resolve));
      return { ready, exit, stop: () => p.kill('SIGTERM') };
    });
    await Promise.all(procs.map((p) => p.ready));
    const queue = timedProgress();
    t0 = performance.now();
    await runSweep(plan, { out: join(dir, 'queue'), queue: redis.url, queueName: 'bench', report: false, onProgress: queue.onProgress });
    const queueSeconds = (performance.now() - t0) / 1000;
    procs.forEach((p) => p.stop());
    await Promise.all(procs.map((p) => p.exit));
    const same = (f: string) => readFileSync(join(dir, 'threads', f), 'utf8') === readFileSync(join(dir, 'queue', f), 'utf8');
    const identical = same('sweep-kpis.csv') && same('design.json');
    const threadJobsPerSec = threads.rate();
    const queueJobsPerSec = queue.rate();
    log(`sweep: ${queueSeconds.toFixed(1)} s on the queue; steady state ${threadJobsPerSec.toFixed(2)} vs ${queueJobsPerSec.toFixed(2)} jobs/s`);
    return { jobs: opts.points, replicationsPerJob: opts.runs, months: opts.months, workers, threadSeconds, queueSeconds, threadJobsPerSec, queueJobsPerSec, ratio: queueJobsPerSec / threadJobsPerSec, eventsPerJob: local.events / local.jobsTotal, identical };
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
