/**
 * Runs one job of a sweep: its point's scenario, its replications, each simulated and projected
 * straight into the KPIs (no event log), kept as compact monthly tallies. The same code runs on
 * local worker threads and in queue workers, so a job gives the same bytes wherever it runs.
 */
import { runReplication } from '../ensemble/index.ts';
import { jobRef, pointScenario, pointSeed } from './plan.ts';
import type { SweepPlan } from './spec.ts';
import type { JobResult } from './tally.ts';

/**
 * Fault injection for the failure-handling tests: with CASEFLOW_SWEEP_FAULT_POINT=p in a
 * worker's environment, every job of point p throws.
 */
function injectedFault(point: number): void {
  const p = process.env.CASEFLOW_SWEEP_FAULT_POINT;
  if (p !== undefined && p !== '' && Number(p) === point) throw new Error(`fault injected for point ${point} (CASEFLOW_SWEEP_FAULT_POINT)`);
}

/** The job's replications one by one; the caller may yield between them. */
export function* jobSteps(plan: SweepPlan, job: number): Generator<number, JobResult> {
  const ref = jobRef(plan, job);
  injectedFault(ref.point);
  const scenario = pointScenario(plan, ref.point);
  const seed = pointSeed(plan, ref.point);
  const { months, kpis } = plan;
  const values = new Float64Array(ref.replications * kpis.length * months);
  const events: number[] = [];
  for (let i = 0; i < ref.replications; i++) {
    const r = runReplication(scenario, seed, ref.firstReplication + i, months);
    events.push(r.events);
    kpis.forEach((id, k) => {
      const series = r.run.values[id];
      if (!series) throw new Error(`KPI ${id} missing from replication ${ref.firstReplication + i}`);
      values.set(series.subarray(0, months), (i * kpis.length + k) * months);
    });
    yield i + 1;
  }
  return { sweep: plan.id, job, point: ref.point, firstReplication: ref.firstReplication, replications: ref.replications, months, kpis, events, values };
}

export function runJobSync(plan: SweepPlan, job: number): JobResult {
  const it = jobSteps(plan, job);
  for (;;) {
    const s = it.next();
    if (s.done) return s.value;
  }
}

/** Runs a job, giving the event loop a turn after every replication (lock renewals, signals). */
export async function runJobAsync(plan: SweepPlan, job: number, onProgress?: (done: number, total: number) => void): Promise<JobResult> {
  const it = jobSteps(plan, job);
  for (;;) {
    const s = it.next();
    if (s.done) return s.value;
    onProgress?.(s.value, plan.replicationsPerJob);
    await new Promise((r) => setImmediate(r));
  }
}
