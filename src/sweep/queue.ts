/**
 * Sweeps across machines on BullMQ (Redis). The coordinator puts the plan in Redis once, under
 * `caseflow:sweep:<id>:plan`, and one job per (point, replication chunk) on the queue, with job
 * id `<sweep id>-<job>` so that adding a job twice (a resumed coordinator) keeps one copy.
 * Workers (`caseflow worker`) take jobs, run them and return the compact tallies as the job's
 * return value; the coordinator saves each result in the out folder and removes the job.
 * BullMQ does the queueing, retries (attempts with backoff), leases (job locks renewed while a
 * job runs) and stalled-job recovery (a job whose worker died goes back to the queue). The
 * coordinator also checks every few seconds that every outstanding job still exists, and adds
 * back any that a Redis restart without persistence lost.
 */
import { Job, Queue, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { hostname } from 'node:os';
import { InputError } from '../errors.ts';
import { runJobAsync } from './job.ts';
import { jobRef, pointSeed } from './plan.ts';
import type { SweepPlan } from './spec.ts';
import { encodeJobResult, type EncodedJobResult } from './tally.ts';
import type { JobSink } from './local.ts';

export const DEFAULT_QUEUE_NAME = 'caseflow-sweeps';
const PREFIX = 'bull';

interface JobData {
  readonly sweep: string;
  readonly job: number;
}

export function planKey(sweep: string): string {
  return `caseflow:sweep:${sweep}:plan`;
}

export function jobId(sweep: string, job: number): string {
  return `${sweep}-${job}`;
}

/** Connection options from a redis:// URL; anything else is an InputError naming the option. */
export function redisOptions(url: string, option = '--queue'): RedisOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`${option} ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new InputError(`${option} ${url}: expected a redis:// URL`);
  if (!u.hostname) throw new InputError(`${option} ${url}: no host`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbPath = u.pathname.replace(/^\//, '');
  const db = dbPath === '' ? 0 : Number(dbPath);
  if (!Number.isInteger(db) || db < 0) throw new InputError(`${option} ${url}: the database (path) must be a number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Connects once with a time limit; an unreachable Redis is an InputError (exit 2) in bounded time. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<void> {
  const client = new Redis({ ...redisOptions(url), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  let first: NodeJS.ErrnoException | undefined;
  client.on('error', (err: NodeJS.ErrnoException) => (first ??= err));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    const e = first ?? (err as NodeJS.ErrnoException);
    throw new InputError(`cannot reach Redis at ${url}: ${e.code ?? e.message}`);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Options for long-lived connections: reconnect for ever (a Redis restart is waited out). */
function connection(url: string): RedisOptions {
  return { ...redisOptions(url), maxRetriesPerRequest: null, retryStrategy: (n: number) => Math.min(200 * n, 2000) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface CoordinatorOptions {
  readonly url: string;
  readonly queueName?: string;
  readonly signal?: AbortSignal;
  /** Checks that outstanding jobs exist every this many ms (default 3000). */
  readonly reconcileMs?: number;
  /** Retry jobs that failed in an earlier run of the coordinator (with --resume). */
  readonly retryFailed?: boolean;
  readonly log?: (line: string) => void;
}

/** Puts `jobs` on the queue and hands their results to `sink` as workers finish them. */
export async function runOnQueue(plan: SweepPlan, jobs: readonly number[], sink: JobSink, opts: CoordinatorOptions): Promise<void> {
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const conn = connection(opts.url);
  const queue = new Queue<JobData>(name, { connection: conn, prefix: PREFIX });
  const redis = new Redis(conn);
  const quiet = () => {};
  queue.on('error', quiet);
  redis.on('error', quiet);
  const planJson = JSON.stringify(plan);
  const outstanding = new Set(jobs);
  const ours = (id: string | undefined) => {
    if (!id?.startsWith(`${plan.id}-`)) return undefined;
    const j = Number(id.slice(plan.id.length + 1));
    return outstanding.has(j) ? j : undefined;
  };
  // ids of this sweep's finished jobs, read from BullMQ's sorted sets (cheap: ids only, other sweeps' jobs skipped)
  const finished = async (state: 'completed' | 'failed', limit: number): Promise<Job<JobData, EncodedJobResult>[]> => {
    const ids = (await redis.zrange(`${PREFIX}:${name}:${state}`, 0, -1)).filter((id) => ours(id) !== undefined).slice(0, limit);
    const jobs = await Promise.all(ids.map((id) => Job.fromId<JobData, EncodedJobResult>(queue, id)));
    return jobs.filter((j): j is Job<JobData, EncodedJobResult> => j !== undefined);
  };
  const add = async (list: readonly number[]) => {
    for (let i = 0; i < list.length; i += 500) {
      await queue.addBulk(
        list.slice(i, i + 500).map((job) => ({
          name: 'job',
          data: { sweep: plan.id, job },
          opts: { jobId: jobId(plan.id, job), attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false },
        })),
      );
    }
  };
  try {
    await redis.set(planKey(plan.id), planJson);
    if (opts.retryFailed) {
      for (const job of await finished('failed', Infinity)) await job.retry().catch(quiet);
    }
    await add(jobs);
    let lastCheck = Date.now();
    while (outstanding.size > 0 && !opts.signal?.aborted) {
      let progressed = false;
      for (const job of await finished('completed', 200)) {
        const j = ours(job.id);
        if (j === undefined || !job.returnvalue) continue;
        outstanding.delete(j);
        sink.result(j, job.returnvalue);
        await job.remove().catch(quiet);
        progressed = true;
      }
      for (const job of await finished('failed', 200)) {
        const j = ours(job.id);
        if (j === undefined) continue;
        outstanding.delete(j);
        sink.failure(j, job.failedReason ?? 'failed');
        progressed = true;
      }
      if (Date.now() - lastCheck >= (opts.reconcileMs ?? 3000)) {
        lastCheck = Date.now();
        if ((await redis.exists(planKey(plan.id))) === 0) {
          opts.log?.('the sweep plan was missing from Redis (restarted without persistence?): put back');
          await redis.set(planKey(plan.id), planJson);
        }
        const list = [...outstanding];
        const missing: number[] = [];
        for (let i = 0; i < list.length; i += 1000) {
          const pipe = redis.pipeline();
          for (const j of list.slice(i, i + 1000)) pipe.exists(`${PREFIX}:${name}:${jobId(plan.id, j)}`);
          const res = (await pipe.exec()) ?? [];
          res.forEach(([, n], t) => {
            if (n === 0) missing.push(list[i + t]);
          });
        }
        if (missing.length > 0) {
          opts.log?.(`${missing.length} job${missing.length === 1 ? ' was' : 's were'} missing from the queue (Redis restarted without persistence?): added again`);
          await add(missing);
        }
      }
      if (!progressed) await sleep(150);
    }
    if (outstanding.size === 0) {
      await redis.del(planKey(plan.id));
      // failed jobs stay in Redis until reported; remove ours now that they are
      for (const id of await redis.zrange(`${PREFIX}:${name}:failed`, 0, -1)) if (id.startsWith(`${plan.id}-`)) await queue.remove(id).catch(quiet);
    }
  } finally {
    await queue.close().catch(quiet);
    redis.disconnect();
  }
}

export interface WorkerOptions {
  readonly url: string;
  readonly queueName?: string;
  readonly exitWhenIdle?: boolean;
  /** Job lock (lease) in ms, renewed while a job runs; a dead worker's job is retried after it lapses. */
  readonly lockMs?: number;
  readonly name?: string;
  readonly log?: (line: string) => void;
  /** Resolves to stop the worker (after its current job). */
  readonly stop?: Promise<unknown>;
}

/** Takes jobs until stopped (after finishing the current one) or, with exitWhenIdle, until the queue is empty. */
export async function runQueueWorker(opts: WorkerOptions): Promise<{ jobs: number; failed: number }> {
  const name = opts.queueName ?? DEFAULT_QUEUE_NAME;
  const conn = connection(opts.url);
  const log = opts.log ?? (() => {});
  const redis = new Redis(conn);
  redis.on('error', () => {});
  const plans = new Map<string, SweepPlan>();
  const planOf = async (sweep: string): Promise<SweepPlan> => {
    let plan = plans.get(sweep);
    if (!plan) {
      const text = await redis.get(planKey(sweep));
      if (text === null) throw new Error(`sweep ${sweep}: no plan in Redis (the coordinator has not put it back yet)`);
      plan = JSON.parse(text) as SweepPlan;
      if (plans.size >= 4) plans.delete(plans.keys().next().value!);
      plans.set(sweep, plan);
    }
    return plan;
  };
  let busy = false;
  let jobs = 0;
  let failed = 0;
  const lockDuration = opts.lockMs ?? 30_000;
  const worker = new Worker<JobData, EncodedJobResult>(
    name,
    async (job) => {
      busy = true;
      try {
        const plan = await planOf(job.data.sweep);
        const ref = jobRef(plan, job.data.job);
        try {
          const result = encodeJobResult(await runJobAsync(plan, job.data.job));
          jobs++;
          return result;
        } catch (err) {
          throw new Error(`point ${ref.point} (seed ${pointSeed(plan, ref.point)}, replications ${ref.firstReplication}–${ref.firstReplication + ref.replications - 1}): ${(err as Error).message}`);
        }
      } finally {
        busy = false;
      }
    },
    {
      connection: conn,
      prefix: PREFIX,
      concurrency: 1,
      lockDuration,
      stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
      maxStalledCount: 5,
      name: opts.name ?? `${hostname()}:${process.pid}`,
    },
  );
  worker.on('error', (err) => log(`worker: ${err.message}`));
  worker.on('failed', (job, err) => {
    failed++;
    log(`job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'} of ${job?.opts.attempts ?? '?'}): ${err.message}`);
  });
  await worker.waitUntilReady();
  const stops: Promise<unknown>[] = [];
  if (opts.stop) stops.push(opts.stop);
  let idleTimer: NodeJS.Timeout | undefined;
  if (opts.exitWhenIdle) {
    const queue = new Queue(name, { connection: conn, prefix: PREFIX });
    queue.on('error', () => {});
    stops.push(
      new Promise<void>((resolve) => {
        let idleChecks = 0;
        const check = async () => {
          try {
            const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
            const left = Object.values(c).reduce((a, b) => a + b, 0);
            idleChecks = !busy && left === 0 ? idleChecks + 1 : 0;
          } catch {
            idleChecks = 0;
          }
          if (idleChecks >= 2) {
            await queue.close().catch(() => {});
            resolve();
          } else idleTimer = setTimeout(check, 500);
        };
        idleTimer = setTimeout(check, 500);
      }),
    );
  }
  await Promise.race(stops.length > 0 ? stops : [new Promise(() => {})]);
  clearTimeout(idleTimer);
  await worker.close();
  redis.disconnect();
  return { jobs, failed };
}
