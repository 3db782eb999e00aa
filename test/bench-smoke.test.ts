/**
 * The benchmark functions work, at tiny sizes (the real runs are `npm run bench`), and the
 * measuring helpers give known answers.
 */
import { describe, expect, it } from 'vitest';
import { benchEnsemble, benchProjection, benchReplay, benchScale, benchSimulation, runScaleProcess } from '../bench/benchmarks.ts';
import { countDraws, fitLine, median, plainLoop, plainLoopOnWorkers, timeRuns } from '../bench/lib.ts';
import { GOALS, goals, readmeSection, tableRows, TABLE_END, TABLE_START } from '../bench/run.ts';
import { Rng } from '../src/simulation/random.ts';

describe('measuring helpers', () => {
  it('median and least-squares line: known answers', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    const line = fitLine([1, 2, 3, 4], [3, 5, 7, 9]);
    expect(line.slope).toBeCloseTo(2, 12);
    expect(line.intercept).toBeCloseTo(1, 12);
    expect(line.r2).toBeCloseTo(1, 12);
    const noisy = fitLine([0, 1, 2, 3], [0, 2, 1, 3]);
    expect(noisy.slope).toBeCloseTo(0.8, 12);
    expect(noisy.r2).toBeCloseTo(0.64, 12);
    expect(() => fitLine([1, 1], [2, 3])).toThrow(RangeError);
  });

  it('timeRuns warms up unmeasured, then reports every measured run', () => {
    const calls: number[] = [];
    const t = timeRuns((i) => calls.push(i), { warmup: 2, runs: 3 });
    expect(calls).toEqual([-1, -2, 0, 1, 2]);
    expect(t.seconds).toHaveLength(3);
    expect(t.last).toBe(5);
  });

  it('the plain loop makes exactly the draws asked for, and counting leaves the generators as they were', () => {
    const next = Rng.prototype.nextUint32;
    const { draws, result } = countDraws(() => plainLoop(1000, 7777));
    // 7,777 draws plus the generator's 12 warm-up draws
    expect(draws).toBe(7777 + 12);
    expect(result).toBe(plainLoop(1000, 7777));
    expect(Rng.prototype.nextUint32).toBe(next);
  });

  it('the plain loop on worker threads finishes for any split of the jobs', async () => {
    expect(await plainLoopOnWorkers(3, 1000, 5000, 2)).toBeGreaterThan(0);
  });
});

describe('benchmarks at tiny sizes', () => {
  const size = { warmup: 0, runs: 1 };
  const sim = benchSimulation({ ...size, months: 2 });

  it('simulation: every figure measured, the kept log is the replication', () => {
    expect(sim.events).toBeGreaterThan(1000);
    expect(sim.log).toHaveLength(sim.events);
    expect(sim.draws).toBeGreaterThan(sim.events);
    for (const v of [sim.simulateEventsPerSec, sim.keepLogEventsPerSec, sim.projectEventsPerSec, sim.projectObjectsEventsPerSec, sim.engineEventsPerSec, sim.baselineEventsPerSec]) expect(v).toBeGreaterThan(0);
  });

  it('projection and replay of the kept log', () => {
    const p = benchProjection(sim.log, { ...size, months: 2 });
    expect(p.events).toBe(sim.events);
    expect(p.eventsPerSec).toBeGreaterThan(0);
    const r = benchReplay(sim.log, { ...size, modes: ['full', 'none'] });
    expect(r.modes.map((m) => m.validate)).toEqual(['full', 'none']);
    expect(r.bytes).toBeGreaterThan(sim.events * 50);
    for (const m of r.modes) expect(m.mbPerSec).toBeGreaterThan(0);
  });

  it('ensemble: the same events whatever the number of workers', async () => {
    const e = await benchEnsemble({ runs: [3], months: 2, workers: [1, 2] });
    expect(e.points).toHaveLength(2);
    expect(e.points[0].events).toBe(e.points[1].events);
    expect(e.points[0].events).toBeGreaterThan(3 * 1000);
    for (const p of e.points) {
      expect(p.baselineSeconds).toBeGreaterThan(0);
      expect(p.cpuSeconds).toBeGreaterThan(0);
    }
  });

  it('scale: runs in child processes, reports peak memory, fits lines', async () => {
    const one = await runScaleProcess(20_000, 1);
    expect(one.events).toBeGreaterThan(1000);
    expect(one.peakRssMb).toBeGreaterThan(20);
    const s = await benchScale({ englandPopulation: 20_000, englandMonths: 12, populations: [10_000, 20_000], horizonPopulation: 10_000, horizons: [1, 2] });
    expect(s.byPopulation[1]).toBe(s.england);
    expect(s.byHorizon.map((r) => r.months)).toEqual([1, 2]);
    expect(s.byHorizon[1].events).toBeGreaterThan(s.byHorizon[0].events);
    expect(s.drawsPerEvent).toBeGreaterThan(1);
    expect(s.populationFit.r2).toBeGreaterThanOrEqual(0);
  });

  it('a failing child process is an error naming the run', async () => {
    await expect(runScaleProcess(0, 1)).rejects.toThrow(/--population 0 --months 1 failed/);
  });
});

describe('results table and goals', () => {
  const r = {
    date: '2026-01-02T03:04:05.000Z',
    machine: { cpu: 'Test CPU', cores: 2, memoryGb: 8, node: 'v20.0.0', platform: 'linux-x64' },
    total_seconds: 100,
    simulate_events_per_sec: 4e6,
    simulate_keep_log_events_per_sec: 2e6,
    simulate_project_events_per_sec: 3.5e6,
    simulate_project_objects_events_per_sec: 2.5e6,
    baseline_events_per_sec: 20e6,
    replay_events_per_sec: 0.5e6,
    replay_mb_per_sec: 60,
    replay_none_events_per_sec: 1.2e6,
    replay_none_mb_per_sec: 150,
    replay_baseline_mb_per_sec: 3000,
    ensemble_200x5y_seconds_all_cores: 20,
    ensemble_200x5y_speedup: 1.9,
    ensemble_200x5y_baseline_speedup: 2,
    england_population: 12e6,
    england_year_seconds: 20,
    england_year_baseline_seconds: 1,
    england_year_peak_rss_mb: 1100,
    scale_population_r2: 0.999,
    scale_horizon_r2: 0.99,
    simulate_engine_events_per_sec: 5e6,
    workers_points: [
      { runs: 8, oneWorkerSeconds: 2.5, twoWorkersSeconds: 4 },
      { runs: 200, oneWorkerSeconds: 20, twoWorkersSeconds: 20.8 },
    ],
  };

  it('states which goals are met', () => {
    const g = Object.fromEntries(goals(r).map((x) => [x.goal, x.met]));
    expect(g['>= 3 M events/s per core, simulate and project']).toBe(true);
    expect(g['>= 1 M events/s NDJSON replay, full validation']).toBe(false);
    expect(g['>= 1 M events/s NDJSON replay, no validation']).toBe(true);
    expect(g[`near-linear speed-up with workers (200 x 5 years; >= ${GOALS.ensembleScaling * 100}% of the plain loop's)`]).toBe(true);
    expect(g['England-sized year under 1 GB, events streamed']).toBe(false);
    // a second worker: 60% more at 8 runs, 4% more at 200
    expect(g[`2 workers cost under ${GOALS.twoWorkersExtraCpu * 100}% more CPU than 1 (8 x 5 years)`]).toBe(false);
    expect(g[`2 workers cost under ${GOALS.twoWorkersExtraCpu * 100}% more CPU than 1 (200 x 5 years)`]).toBe(true);
  });

  it('puts result and baseline side by side, with their ratio', () => {
    const rows = tableRows(r);
    const sim = rows.find((x) => x[0].startsWith('simulate, 10-year'))!;
    expect(sim.slice(1)).toEqual(['4.00 M/s', '20.00 M/s', '0.200']);
    const engine = rows.find((x) => x[0].startsWith('simulate alone'))!;
    expect(engine.slice(1)).toEqual(['5.00 M/s', '20.00 M/s', '0.250']);
    const two = rows.find((x) => x[0].startsWith('ensemble 8 x 5-year, CPU on 2 workers'))!;
    expect(two).toEqual(['ensemble 8 x 5-year, CPU on 2 workers against 1 (1.50 s more)', '4.00 s', '2.50 s (1 worker)', '1.600']);
    const md = readmeSection(r);
    expect(md.startsWith(TABLE_START) && md.endsWith(TABLE_END)).toBe(true);
    expect(md).toContain('Test CPU, 2 cores');
    expect(md).toContain('| England-sized year under 1 GB, events streamed | 1100 MB | not met |');
  });
});
