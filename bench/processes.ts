/**
 * Whole-process figures: start-up CPU of the built CLI against a bare `node -e 0`, one
 * Southampton replication's CPU, and the extra CPU two worker threads cost over one. Each process
 * reports its own CPU seconds (all threads) at exit (cpuAtExit.mjs), so other load on the
 * machine does not count; each figure is the median of a few runs, read as a ratio to a baseline
 * measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.ts';
import { SOUTHAMPTON, type Log } from './benchmarks.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOOK = fileURLToPath(new URL('./cpuAtExit.mjs', import.meta.url));
const CLI = join(ROOT, 'dist/cli/main.js');

/** Builds dist/ when it is missing. */
export function ensureBuilt(log: Log): void {
  if (existsSync(CLI)) return;
  log('building dist/ (npm run build)');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** CPU seconds of one `node` process running `args`. */
export function processCpuSeconds(args: readonly string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-bench-'));
  const file = join(dir, 'cpu');
  try {
    const r = spawnSync(process.execPath, ['--import', HOOK, ...args], { cwd: ROOT, env: { ...process.env, BENCH_CPU_FILE: file }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
    return Number(readFileSync(file, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function medianCpu(args: readonly string[], runs: number): number {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(processCpuSeconds(args));
  return median(xs);
}

export interface StartupBench {
  readonly nodeSeconds: number;
  readonly helpSeconds: number;
  /** `caseflow simulate`, 1 run × 60 months of the Southampton baseline, one worker, report written. */
  readonly simulateSeconds: number;
}

export function benchStartup(opts: { runs: number; log: Log }): StartupBench {
  ensureBuilt(opts.log);
  const out = mkdtempSync(join(tmpdir(), 'caseflow-bench-out-'));
  try {
    opts.log(`start-up: node -e 0, caseflow --help, simulate 1 x 60 months (${opts.runs} runs each)`);
    const nodeSeconds = medianCpu(['-e', '0'], opts.runs);
    const helpSeconds = medianCpu([CLI, '--help'], opts.runs);
    const simulateSeconds = medianCpu([CLI, 'simulate', '--scenario', SOUTHAMPTON, '--runs', '1', '--months', '60', '--workers', '1', '--quiet', '--out', out], opts.runs);
    return { nodeSeconds, helpSeconds, simulateSeconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface WorkersPoint {
  readonly runs: number;
  readonly oneWorkerSeconds: number;
  readonly twoWorkersSeconds: number;
}

/**
 * CPU of the same ensemble (`runs` × 60 months, no report) on one worker and on two, for each
 * size in `runs`. A second worker costs about the same CPU whatever the ensemble's size (a
 * thread, its modules, and V8 optimising the engine again in its own isolate), so the extra
 * share falls as the ensemble grows; the sizes show how.
 */
export function benchWorkers(opts: { runs: readonly number[]; repeats: number; log: Log }): WorkersPoint[] {
  ensureBuilt(opts.log);
  const out = mkdtempSync(join(tmpdir(), 'caseflow-bench-out-'));
  try {
    const points: WorkersPoint[] = [];
    for (const runs of opts.runs) {
      opts.log(`workers: simulate ${runs} x 60 months on 1 and on 2 workers (${opts.repeats} runs each)`);
      const args = (w: number) => [CLI, 'simulate', '--scenario', SOUTHAMPTON, '--runs', String(runs), '--months', '60', '--workers', String(w), '--quiet', '--no-report', '--out', out];
      const oneWorkerSeconds = medianCpu(args(1), opts.repeats);
      const twoWorkersSeconds = medianCpu(args(2), opts.repeats);
      opts.log(`  ${runs} x 60 months: ${oneWorkerSeconds.toFixed(2)} s of CPU on 1 worker, ${twoWorkersSeconds.toFixed(2)} s on 2`);
      points.push({ runs, oneWorkerSeconds, twoWorkersSeconds });
    }
    return points;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
