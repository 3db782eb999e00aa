/**
 * Sweeps on a BullMQ queue against a real Redis (Debian's redis-server, started by the test on a
 * free port and stopped after): worker processes give the same bytes as one local thread, and
 * the faults a cluster meets are survived or reported: a worker killed mid-job, a Redis restart
 * that loses everything, a duplicate worker, an unreachable Redis, a job that throws, SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { runSweep, type SweepOutcome } from '../src/sweep/coordinator.ts';
import { pointSeed } from '../src/sweep/plan.ts';
import { loadSweepSpec, type SweepPlan } from '../src/sweep/spec.ts';
import { CLI, outputs, tinySpec, writeSpec } from './helpers/sweep.ts';
import { runCli, tempDirRemovedAfterAll } from './helpers/cli.ts';
import { freePort, redisSkipReason, startRedis, type TestRedis } from '../bench/redis.ts';

const skip = redisSkipReason();
if (skip) console.warn(skip);

const TMP = tempDirRemovedAfterAll('caseflow-queue-');
let n = 0;
const dir = () => join(TMP, `q${n++}`);

interface Proc {
  readonly proc: ChildProcess;
  readonly exit: Promise<number | null>;
  stderr(): string;
}

function worker(url: string, queueName: string, extra: string[] = [], env: Record<string, string> = {}): Proc {
  // a 10-second lease unless the case names its own (an option given twice is refused)
  const lease = extra.includes('--lock-ms') ? [] : ['--lock-ms', '10000'];
  const proc = spawn(process.execPath, ['--import', 'tsx', CLI, 'worker', '--queue', url, '--queue-name', queueName, ...lease, ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d) => (err += String(d)));
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exit, stderr: () => err };
}

async function until(cond: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(skip !== undefined)('sweeps on a BullMQ queue (real Redis)', () => {
  let redis: TestRedis;
  let plan: SweepPlan;
  let specFile: string;
  let reference: Record<string, string>;
  let q = 0;
  const queueName = () => `t${q++}`;

  beforeAll(async () => {
    redis = await startRedis();
    const d = dir();
    specFile = writeSpec(d, tinySpec());
    plan = loadSweepSpec(specFile);
    const ref = join(d, 'reference');
    await runSweep(plan, { out: ref, workers: 1, report: false });
    reference = outputs(ref);
  });
  afterAll(async () => {
    await redis?.stop();
  });

  async function coordinate(out: string, name: string, during?: (p: Promise<SweepOutcome>) => Promise<void>): Promise<SweepOutcome> {
    const p = runSweep(plan, { out, queue: redis.url, queueName: name, report: false });
    await during?.(p);
    return p;
  }

  const jobsSaved = (out: string) => readdirSync(join(out, 'jobs')).length;

  it('3 queue workers (separate processes, two of them duplicates by name) write the same bytes as 1 local thread', async () => {
    const out = dir();
    const name = queueName();
    const o = await coordinate(out, name, async () => {
      const ws = [worker(redis.url, name, ['--exit-when-idle']), worker(redis.url, name, ['--exit-when-idle', '--name', 'twin']), worker(redis.url, name, ['--exit-when-idle', '--name', 'twin'])];
      const codes = await Promise.all(ws.map((w) => w.exit));
      expect(codes).toEqual([0, 0, 0]);
      // every job ran at least once (a job whose lease lapsed on a busy machine may run twice; it counts once)
      const done = ws.map((w) => Number(/(\d+) jobs? run/.exec(w.stderr())?.[1] ?? NaN));
      expect(done.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(16);
    });
    expect(o.complete).toBe(true);
    expect(o.duplicates).toBe(0);
    expect(outputs(out)).toEqual(reference);
    expect(jobsSaved(out)).toBe(16);
  });

  it('SIGTERM: a worker finishes its job, then exits 0; SIGKILL of a worker mid-job: its job goes to another worker', async () => {
    const out = dir();
    const name = queueName();
    const queue = new Queue(name, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const o = await coordinate(out, name, async () => {
        const polite = worker(redis.url, name);
        await until(async () => (await queue.getActiveCount()) > 0);
        polite.proc.kill('SIGTERM');
        expect(await polite.exit).toBe(0);
        expect(polite.stderr()).toMatch(/stopping after the current job\nworker done: [1-9]\d* jobs? run, 0 failed/);
        // it finished its job rather than leaving it leased
        expect(await queue.getActiveCount()).toBe(0);
        const victim = worker(redis.url, name, ['--lock-ms', '4000']);
        await until(async () => (await queue.getActiveCount()) > 0);
        victim.proc.kill('SIGKILL');
        expect(await victim.exit).toBe(null);
        // the dead worker's job stays leased to it until the lease lapses, then another worker takes it
        expect(await queue.getActiveCount()).toBe(1);
        const rescuer = worker(redis.url, name, ['--exit-when-idle']);
        expect(await rescuer.exit).toBe(0);
      });
      expect(o.complete).toBe(true);
      expect(o.duplicates).toBe(0);
      expect(outputs(out)).toEqual(reference);
      expect(jobsSaved(out)).toBe(16);
    } finally {
      await queue.close();
    }
  });

  it('Redis restarted mid-sweep with nothing saved: the coordinator puts the plan and lost jobs back, the sweep completes', async () => {
    const out = dir();
    const name = queueName();
    const o = await coordinate(out, name, async () => {
      const w = worker(redis.url, name);
      await until(() => {
        try {
          return jobsSaved(out) >= 3;
        } catch {
          return false;
        }
      });
      await redis.restart();
      await until(() => jobsSaved(out) === 16, 90_000);
      w.proc.kill('SIGTERM');
      expect(await w.exit).toBe(0);
    });
    expect(o.complete).toBe(true);
    expect(outputs(out)).toEqual(reference);
  });

  it('a job that throws is retried, then reported with its point and seed: exit 1, or 0 with --allow-failed', async () => {
    const name = queueName();
    const out = dir();
    const w = worker(redis.url, name, ['--exit-when-idle'], { CASEFLOW_SWEEP_FAULT_POINT: '2' });
    const { code, stderr } = await runCli(['sweep', '--spec', specFile, '--out', out, '--queue', redis.url, '--queue-name', name, '--no-report']);
    expect(await w.exit).toBe(0);
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`job 4 failed: point 2 \\(.*\\), seed ${pointSeed(plan, 2)}, replications 0–0: point 2 \\(seed ${pointSeed(plan, 2)}, replications 0–0\\): fault injected`));
    expect(w.stderr()).toMatch(/failed \(attempt 3 of 3\)/);
    expect(readFileSync(join(out, 'failed.csv'), 'utf8').trim().split('\n')).toHaveLength(3);
    // --resume with the fault gone runs only the failed jobs and completes
    const w2 = worker(redis.url, name, ['--exit-when-idle']);
    const resumed = await runCli(['sweep', '--spec', specFile, '--out', out, '--queue', redis.url, '--queue-name', name, '--resume', '--no-report', '-q']);
    expect(await w2.exit).toBe(0);
    expect(resumed.code).toBe(0);
    expect(outputs(out)).toEqual(reference);
  });

  it('an unreachable Redis: one clear line and exit 2, in bounded time, for the coordinator and the worker', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const t0 = Date.now();
    const sweep = await runCli(['sweep', '--spec', specFile, '--out', dir(), '--queue', url, '-q']);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr.trim()).toBe(`caseflow: cannot reach Redis at ${url}: ECONNREFUSED`);
    expect(Date.now() - t0).toBeLessThan(10_000);
    const worker1 = await runCli(['worker', '--queue', url, '-q']);
    expect(worker1.code).toBe(2);
    expect(worker1.stderr.trim()).toBe(`caseflow: cannot reach Redis at ${url}: ECONNREFUSED`);
    const worker2 = await runCli(['worker', '--queue', 'http://127.0.0.1:1', '-q']);
    expect(worker2.code).toBe(2);
    expect(worker2.stderr.trim()).toBe('caseflow: --queue http://127.0.0.1:1: expected a redis:// URL');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
