/**
 * The workbench's worker protocol: the worker side answers replications with exactly what the
 * command line's ensemble computes, and the pool streams results, keeps them in replication order
 * whatever the number of workers or the order they finish in, cancels, and reports failures.
 */
import { describe, it, expect } from 'vitest';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runEnsemble } from '../src/ensemble/index.ts';
import { runReplicationTask } from '../src/ensemble/replication.ts';
import { EnginePool, arrivedRuns, type FromWorker, type RunProgress, type ToWorker, type WorkerLike } from '../web/src/protocol.ts';
import { WorkerSide } from '../web/src/workerSide.ts';

const baseline = loadScenario('scenarios/southampton-baseline.json');
const variant = loadScenario('scenarios/family-safeguarding.json');
const SCENARIOS = [baseline, variant];
const MONTHS = 3;
const SEED = 11;

/** A worker in this thread: answers after a delay (so workers finish out of order), or never. */
class FakeWorker implements WorkerLike {
  onmessage: ((ev: { data: FromWorker }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  terminated = false;
  readonly side: WorkerSide;
  constructor(
    readonly delay: (replication: number) => number,
    run?: ConstructorParameters<typeof WorkerSide>[0],
    readonly log: ToWorker[] = [],
  ) {
    this.side = new WorkerSide(run);
  }
  postMessage(msg: ToWorker): void {
    this.log.push(msg);
    const out = this.side.handle(msg);
    if (!out) return;
    const ms = msg.type === 'replicate' ? this.delay(msg.replication) : 0;
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data: structuredClone(out.reply) });
    }, ms);
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('worker side', () => {
  it('answers a replication with the command line’s result for the same seed and replication', () => {
    const side = new WorkerSide();
    expect(side.handle({ type: 'replicate', job: 1, replication: 0, scenario: 0 })?.reply).toMatchObject({ type: 'error', job: 1, message: expect.stringMatching(/before its job/) });
    expect(side.handle({ type: 'job', job: 1, scenarios: SCENARIOS, seed: SEED, months: MONTHS })).toBeUndefined();
    const out = side.handle({ type: 'replicate', job: 1, replication: 2, scenario: 1 });
    expect(out?.reply.type).toBe('result');
    if (out?.reply.type !== 'result') return;
    // the paired task the command line runs, scenario by scenario
    const direct = runReplicationTask({ scenarios: SCENARIOS, seed: SEED, replication: 2, months: MONTHS });
    expect(out.reply.run).toEqual(direct.runs[1]);
    expect(out.reply.events).toBe(direct.events[1]);
    expect([out.reply.replication, out.reply.scenario]).toEqual([2, 1]);
    expect(out.transfer.length).toBeGreaterThan(10); // the KPI arrays travel without copying
    expect(side.handle({ type: 'replicate', job: 2, replication: 0, scenario: 0 })?.reply.type).toBe('error'); // a stale job
    expect(side.handle({ type: 'replicate', job: 1, replication: 0, scenario: 2 })?.reply).toMatchObject({ type: 'error', message: 'run 1 has no scenario 2' });
  });

  it('turns an engine error into an error message for that replication', () => {
    const side = new WorkerSide(() => {
      throw new Error('boom');
    });
    side.handle({ type: 'job', job: 4, scenarios: SCENARIOS, seed: SEED, months: MONTHS });
    expect(side.handle({ type: 'replicate', job: 4, replication: 3, scenario: 1 })?.reply).toEqual({ type: 'error', job: 4, replication: 3, scenario: 1, message: 'boom' });
  });
});

describe('engine pool', () => {
  const RUNS = 4;
  const request = { scenarios: SCENARIOS, seed: SEED, months: MONTHS, runs: RUNS };

  it('streams every replication and returns them in replication order, the same for any pool size', async () => {
    const expected = await runEnsemble(SCENARIOS, { runs: RUNS, seed: SEED, months: MONTHS, workers: 1 });
    for (const size of [1, 3]) {
      // later replications answer sooner, so they arrive out of order
      const pool = new EnginePool(size, () => new FakeWorker((r) => (RUNS - r) * 3));
      const seen: RunProgress[] = [];
      const outcome = await pool.run(request, (p) => seen.push({ ...p, runs: p.runs.map((s) => [...s]) }));
      expect(outcome.status).toBe('done');
      if (outcome.status !== 'done') continue;
      expect(outcome.runs).toEqual(expected.runs);
      expect(outcome.events).toEqual(expected.events);
      expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4]);
      expect(seen.every((p) => p.total === RUNS)).toBe(true);
      // what a partial redraw sees: complete pairs of the replications that have arrived
      const partial = arrivedRuns(seen[1]);
      expect(partial.map((s) => s.length)).toEqual([2, 2]);
      expect(pool.running).toBe(false);
    }
  });

  it('sends each worker the job once, then one scenario’s replication at a time, replication by replication', async () => {
    const logs: ToWorker[][] = [];
    const pool = new EnginePool(2, () => {
      const log: ToWorker[] = [];
      logs.push(log);
      return new FakeWorker(() => 1, undefined, log);
    });
    await pool.run(request);
    expect(logs).toHaveLength(2);
    for (const log of logs) {
      expect(log[0].type).toBe('job');
      expect(log.slice(1).every((m) => m.type === 'replicate')).toBe(true);
    }
    const tasks = logs.flatMap((l) => l.filter((m) => m.type === 'replicate').map((m) => { const t = m as { replication: number; scenario: number }; return `${t.replication}:${t.scenario}`; }));
    expect(tasks.sort()).toEqual(['0:0', '0:1', '1:0', '1:1', '2:0', '2:1', '3:0', '3:1']);
    // the two workers start on the first replication's two scenarios
    expect(logs.map((l) => l[1])).toEqual([
      { type: 'replicate', job: 1, replication: 0, scenario: 0 },
      { type: 'replicate', job: 1, replication: 0, scenario: 1 },
    ]);
    // a second run reuses the workers
    await pool.run(request);
    expect(logs).toHaveLength(2);
  });

  it('cancels: the run resolves as cancelled, its workers stop, and late answers are ignored', async () => {
    const workers: FakeWorker[] = [];
    const pool = new EnginePool(2, () => {
      const w = new FakeWorker((r) => (r < 2 ? 1 : 10_000));
      workers.push(w);
      return w;
    });
    let done = 0;
    const running = pool.run(request, (p) => {
      done = p.done;
      if (p.done === 2) setTimeout(() => pool.cancel(), 5);
    });
    expect(await running).toEqual({ status: 'cancelled' });
    expect(done).toBe(2);
    expect(workers.every((w) => w.terminated)).toBe(true);
    expect(pool.running).toBe(false);
    // the next run starts fresh workers and completes
    const again = await new EnginePool(1, () => new FakeWorker(() => 0)).run({ ...request, runs: 2 });
    expect(again.status).toBe('done');
  });

  it('fails the run with the worker’s message when a replication fails', async () => {
    const pool = new EnginePool(2, () =>
      new FakeWorker(
        () => 1,
        (task) => {
          if (task.replication === 3) throw new Error('parameters out of range in month 2');
          return runReplicationTask(task);
        },
      ),
    );
    expect(await pool.run(request)).toEqual({ status: 'failed', message: 'parameters out of range in month 2' });
  });

  it('refuses a pool without workers', () => {
    expect(() => new EnginePool(0, () => new FakeWorker(() => 0))).toThrow(/whole number >= 1/);
  });
});
