/**
 * How the page and its engine workers talk, and the pool that hands replications out.
 *
 * Page → worker: `job` (the scenarios, seed and months of a run; sent once per run) then one
 * `replicate` per scenario and replication, replication by replication, so that the scenarios of
 * the first replication run side by side and the first comparison arrives as soon as possible.
 * Worker → page: `result` (one KPI run, its arrays transferred, not copied) or `error`.
 * Replication r of every scenario uses the seed stream
 * (seed, r), exactly as `caseflow simulate` and `compare` do, so the results do not depend on
 * how many workers ran or in which order they finished. Cancelling terminates the workers (a
 * replication cannot be interrupted half-way); the next run starts fresh ones.
 */
import type { KpiRun } from '../../src/projections/types.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';

export type ToWorker =
  | { readonly type: 'job'; readonly job: number; readonly scenarios: readonly Scenario[]; readonly seed: number; readonly months: number }
  | { readonly type: 'replicate'; readonly job: number; readonly replication: number; readonly scenario: number };

export type FromWorker =
  | { readonly type: 'result'; readonly job: number; readonly replication: number; readonly scenario: number; readonly run: KpiRun; readonly events: number }
  | { readonly type: 'error'; readonly job: number; readonly replication: number; readonly scenario: number; readonly message: string };

/** What the pool needs of a worker (a DOM Worker, or a stand-in in tests). */
export interface WorkerLike {
  postMessage(msg: ToWorker): void;
  onmessage: ((ev: { data: FromWorker }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
  terminate(): void;
}

export interface RunRequest {
  readonly scenarios: readonly Scenario[];
  readonly seed: number;
  readonly months: number;
  readonly runs: number;
}

export interface RunProgress {
  /** Replications finished for every scenario. */
  readonly done: number;
  readonly total: number;
  /** runs[s][r]: scenario s, replication r (undefined until it arrives). */
  readonly runs: readonly (readonly (KpiRun | undefined)[])[];
}

export type RunOutcome = { readonly status: 'done'; readonly runs: KpiRun[][]; readonly events: number[] } | { readonly status: 'cancelled' } | { readonly status: 'failed'; readonly message: string };

/**
 * Keeps up to `size` workers busy, one scenario's replication each; results are stored by
 * scenario and replication, so `onResult` (called when a replication has finished for every
 * scenario) sees the runs so far, and the outcome lists them in replication order.
 */
export class EnginePool {
  private workers: WorkerLike[] = [];
  private job = 0;
  private finish: ((o: RunOutcome) => void) | undefined;

  constructor(
    private readonly size: number,
    private readonly makeWorker: () => WorkerLike,
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size must be a whole number >= 1 (got ${size})`);
  }

  get running(): boolean {
    return this.finish !== undefined;
  }

  /** Starts a run (cancelling any run in progress). */
  run(req: RunRequest, onResult?: (p: RunProgress) => void): Promise<RunOutcome> {
    this.cancel();
    const job = ++this.job;
    const total = req.runs;
    const count = req.scenarios.length;
    const runs: (KpiRun | undefined)[][] = req.scenarios.map(() => new Array<KpiRun | undefined>(total).fill(undefined));
    const events = req.scenarios.map(() => 0);
    const arrived = new Array<number>(total).fill(0);
    let next = 0;
    let done = 0;
    return new Promise<RunOutcome>((resolve) => {
      this.finish = (o) => {
        this.finish = undefined;
        resolve(o);
      };
      const n = Math.min(this.size, total * count);
      while (this.workers.length < n) this.workers.push(this.makeWorker());
      const dispatch = (w: WorkerLike) => {
        if (next >= total * count) return;
        const task = next++;
        w.postMessage({ type: 'replicate', job, replication: Math.floor(task / count), scenario: task % count });
      };
      for (const w of this.workers.slice(0, n)) {
        w.onmessage = (ev) => {
          const msg = ev.data;
          if (msg.job !== this.job || !this.finish) return;
          if (msg.type === 'error') {
            this.stop();
            this.finish({ status: 'failed', message: msg.message });
            return;
          }
          runs[msg.scenario][msg.replication] = msg.run;
          events[msg.scenario] += msg.events;
          if (++arrived[msg.replication] === count) {
            done++;
            onResult?.({ done, total, runs });
          }
          if (done === total) this.finish({ status: 'done', runs: runs as KpiRun[][], events });
          else dispatch(w);
        };
        w.onerror = (ev) => {
          if (!this.finish) return;
          this.stop();
          this.finish({ status: 'failed', message: ev.message ?? 'an engine worker failed' });
        };
        w.postMessage({ type: 'job', job, scenarios: req.scenarios, seed: req.seed, months: req.months });
        dispatch(w);
      }
    });
  }

  /** Stops the run in progress (its promise resolves as cancelled); finished results are kept by the caller. */
  cancel(): void {
    if (!this.finish) return;
    this.stop();
    this.finish({ status: 'cancelled' });
  }

  private stop(): void {
    for (const w of this.workers) w.terminate();
    this.workers = [];
    this.job++;
  }

  dispose(): void {
    this.cancel();
    for (const w of this.workers) w.terminate();
    this.workers = [];
  }
}

/** The replications that have arrived, per scenario, in replication order (complete pairs only). */
export function arrivedRuns(p: RunProgress): KpiRun[][] {
  const complete: number[] = [];
  const n = p.runs[0]?.length ?? 0;
  for (let r = 0; r < n; r++) if (p.runs.every((s) => s[r] !== undefined)) complete.push(r);
  return p.runs.map((s) => complete.map((r) => s[r] as KpiRun));
}
