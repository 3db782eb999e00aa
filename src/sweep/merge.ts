/**
 * Merges job results as they arrive. Each job is taken once (a second copy of a job is ignored
 * and counted); when every job of a point is in, the point's replications are summarised (mean
 * and quantiles per KPI and month, as in kpis.csv) and its raw tallies dropped, keeping only the
 * point's mean of each sensitivity target (a KPI at a month). Outputs never depend on the order
 * in which jobs arrived.
 */
import { parseMonth } from '../calendar/index.ts';
import { summarise } from '../projections/summary.ts';
import type { KpiRun } from '../projections/types.ts';
import { pointRows } from './outputs.ts';
import { jobCount, jobRef, jobsPerPoint, pointCount, pointSeed } from './plan.ts';
import type { SweepPlan } from './spec.ts';
import type { JobResult } from './tally.ts';

export interface SensitivityTarget {
  readonly kpi: string;
  readonly month: string;
  /** Per point: the mean over its replications (NaN until the point is in, or without values). */
  readonly y: Float64Array;
}

export interface JobFailure {
  readonly job: number;
  readonly point: number;
  readonly seed: number;
  readonly firstReplication: number;
  readonly replications: number;
  readonly reason: string;
}

export class SweepMerger {
  private readonly pending = new Map<number, JobResult[]>();
  private readonly doneJobs: Uint8Array;
  /** Per point, its rows of sweep-kpis.csv once every job of it is in. */
  readonly rows: (string | undefined)[];
  readonly events: Float64Array;
  readonly targets: SensitivityTarget[];
  readonly failures = new Map<number, JobFailure>();
  duplicates = 0;
  jobsDone = 0;

  constructor(readonly plan: SweepPlan) {
    this.doneJobs = new Uint8Array(jobCount(plan));
    this.rows = new Array(pointCount(plan));
    this.events = new Float64Array(pointCount(plan));
    const s = plan.sensitivity;
    this.targets = [];
    if (s) for (const kpi of s.kpis) for (const month of s.months) this.targets.push({ kpi, month, y: new Float64Array(pointCount(plan)).fill(NaN) });
  }

  get totalJobs(): number {
    return this.doneJobs.length;
  }

  isDone(job: number): boolean {
    return this.doneJobs[job] === 1;
  }

  /** Takes a job's result; false (and counted) when that job was already in. */
  add(r: JobResult): boolean {
    if (r.sweep !== this.plan.id) throw new Error(`job result of sweep ${r.sweep}, not ${this.plan.id}`);
    const ref = jobRef(this.plan, r.job);
    if (r.point !== ref.point || r.firstReplication !== ref.firstReplication || r.replications !== ref.replications || r.months !== this.plan.months || r.kpis.join() !== this.plan.kpis.join()) {
      throw new Error(`job ${r.job}: result does not match the plan (point ${r.point}, replications ${r.firstReplication}+${r.replications})`);
    }
    if (this.doneJobs[r.job]) {
      this.duplicates++;
      return false;
    }
    this.doneJobs[r.job] = 1;
    this.jobsDone++;
    this.failures.delete(r.job);
    const list = this.pending.get(r.point) ?? [];
    list.push(r);
    this.pending.set(r.point, list);
    if (list.length === jobsPerPoint(this.plan)) {
      this.pending.delete(r.point);
      this.finishPoint(r.point, list);
    }
    return true;
  }

  fail(job: number, reason: string): void {
    if (this.doneJobs[job]) return;
    const ref = jobRef(this.plan, job);
    this.failures.set(job, { job, point: ref.point, seed: pointSeed(this.plan, ref.point), firstReplication: ref.firstReplication, replications: ref.replications, reason });
  }

  private finishPoint(point: number, results: JobResult[]): void {
    const { kpis, months } = this.plan;
    results.sort((a, b) => a.firstReplication - b.firstReplication);
    const runs: KpiRun[] = [];
    let events = 0;
    for (const res of results) {
      for (let i = 0; i < res.replications; i++) {
        const values: Record<string, Float64Array> = {};
        kpis.forEach((id, k) => (values[id] = res.values.subarray((i * kpis.length + k) * months, (i * kpis.length + k + 1) * months)));
        runs.push({ startMonth: this.plan.startMonth, months, values, numerators: {}, denominators: {} });
        events += res.events[i];
      }
    }
    const summary = summarise(String(point), runs);
    this.rows[point] = pointRows(this.plan, point, summary);
    this.events[point] = events;
    const start = parseMonth(this.plan.startMonth);
    for (const t of this.targets) t.y[point] = summary.stats[t.kpi][parseMonth(t.month) - start].mean;
  }

  /** Points with every job in. */
  pointsDone(): number {
    return this.rows.reduce((n, s) => n + (s !== undefined ? 1 : 0), 0);
  }
}
