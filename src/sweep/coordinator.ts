/**
 * The sweep coordinator: builds the plan, runs the jobs not yet done (on local threads or on a
 * BullMQ queue), saves every result in `<out>/jobs/` as it arrives and merges it, then writes the
 * outputs. Stopped part-way, it keeps what has arrived; `resume` takes those files back and runs
 * only the rest. Exit status: 0 when every job is in; 1 when a job failed (unless allowFailed).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { writeFileAtomic } from '../node/atomicFile.ts';
import { runLocal, type JobSink } from './local.ts';
import { SweepMerger, type JobFailure } from './merge.ts';
import { designDocument, writeSweepOutputs, type SensitivityRow } from './outputs.ts';
import { describePoint, jobCount, pointCount, pointScenario } from './plan.ts';
import { runOnQueue } from './queue.ts';
import { writeSweepReport } from './report.ts';
import type { SweepPlan } from './spec.ts';
import { decodeJobResult, type EncodedJobResult } from './tally.ts';

export interface SweepRunOptions {
  readonly out: string;
  readonly queue?: string;
  readonly queueName?: string;
  readonly workers?: number;
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  readonly report?: boolean;
  readonly command?: string;
  /** Called with (jobs done, jobs in all) as results arrive. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

export interface SweepOutcome {
  readonly plan: SweepPlan;
  readonly complete: boolean;
  readonly stopped: boolean;
  readonly jobsTotal: number;
  readonly jobsDone: number;
  /** Jobs found in the out folder at the start (with resume). */
  readonly jobsResumed: number;
  readonly duplicates: number;
  readonly failures: JobFailure[];
  readonly files: string[];
  readonly events: number;
  readonly sensitivity: SensitivityRow[];
}

const jobFile = (job: number) => `j${String(job).padStart(7, '0')}.json`;

function readDesignId(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'design.json'), 'utf8')) as { sweep?: string }).sweep;
  } catch {
    return undefined;
  }
}

/** Loads the job results a previous run left in `<out>/jobs`; files of another sweep are an InputError. */
function loadSaved(dir: string, plan: SweepPlan, merger: SweepMerger, log?: (line: string) => void): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^j\d+\.json$/.test(n));
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names.sort()) {
    let enc: EncodedJobResult;
    try {
      enc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as EncodedJobResult;
    } catch {
      log?.(`${join(dir, name)}: unreadable, the job runs again`);
      continue;
    }
    if (enc.sweep !== plan.id) throw new InputError(`${join(dir, name)}: a result of another sweep (${enc.sweep}, this spec is ${plan.id}); use a new --out or run without --resume`);
    if (merger.add(decodeJobResult(enc))) n++;
  }
  return n;
}

export async function runSweep(plan: SweepPlan, opts: SweepRunOptions): Promise<SweepOutcome> {
  const jobsDir = join(opts.out, 'jobs');
  const merger = new SweepMerger(plan);
  let resumed = 0;
  if (opts.resume) {
    const previous = readDesignId(opts.out);
    if (previous !== undefined && previous !== plan.id) throw new InputError(`--resume: ${opts.out} holds sweep ${previous}, not this spec's ${plan.id} (the spec or engine changed); use a new --out or run without --resume`);
    resumed = loadSaved(jobsDir, plan, merger, opts.log);
  } else {
    rmSync(jobsDir, { recursive: true, force: true });
  }
  mkdirSync(jobsDir, { recursive: true });
  // every point must give valid parameters before anything runs
  for (let p = 0; p < pointCount(plan); p++) pointScenario(plan, p);
  writeFileAtomic(join(opts.out, 'design.json'), JSON.stringify(designDocument(plan), null, 2) + '\n');
  const total = jobCount(plan);
  const todo: number[] = [];
  for (let j = 0; j < total; j++) if (!merger.isDone(j)) todo.push(j);
  opts.onProgress?.(merger.jobsDone, total);
  const sink: JobSink = {
    result(job, enc) {
      if (merger.isDone(job)) {
        merger.duplicates++;
        return;
      }
      const r = decodeJobResult(enc);
      if (r.job !== job) throw new Error(`job ${job}: the result is job ${r.job}'s`);
      writeFileAtomic(join(jobsDir, jobFile(job)), JSON.stringify(enc));
      merger.add(r);
      opts.onProgress?.(merger.jobsDone, total);
    },
    failure(job, reason) {
      merger.fail(job, reason);
      const f = merger.failures.get(job);
      if (f) opts.log?.(`job ${job} failed: point ${f.point} (${describePoint(plan, f.point)}), seed ${f.seed}, replications ${f.firstReplication}–${f.firstReplication + f.replications - 1}: ${reason}`);
    },
  };
  if (todo.length > 0) {
    if (opts.queue) await runOnQueue(plan, todo, sink, { url: opts.queue, queueName: opts.queueName, signal: opts.signal, retryFailed: opts.resume, log: opts.log });
    else await runLocal(plan, todo, sink, { workers: opts.workers, signal: opts.signal });
  }
  const stopped = opts.signal?.aborted === true && merger.jobsDone + merger.failures.size < total;
  const complete = merger.jobsDone === total;
  let files: string[] = [];
  let sensitivity: SensitivityRow[] = [];
  if (!stopped) {
    const written = writeSweepOutputs(opts.out, plan, merger);
    files = written.files;
    sensitivity = written.sensitivity;
    if (opts.report !== false) files.push(writeSweepReport(join(opts.out, 'report.html'), plan, merger, sensitivity, { command: opts.command }));
  }
  return {
    plan,
    complete,
    stopped,
    jobsTotal: total,
    jobsDone: merger.jobsDone,
    jobsResumed: resumed,
    duplicates: merger.duplicates,
    failures: [...merger.failures.values()].sort((a, b) => a.job - b.job),
    files,
    events: merger.events.reduce((a, b) => a + b, 0),
    sensitivity,
  };
}
