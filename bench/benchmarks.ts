/**
 * The benchmarks, each a function of its size so that bench/run.ts runs them full size and
 * test/bench-smoke.test.ts runs them tiny. Every result carries its plain-loop baseline (see
 * lib.ts), measured in the same run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseEvent } from '../src/events/index.ts';
import { projectorOptionsFor, runEnsemble, scenarioMonthParameters } from '../src/ensemble/index.ts';
import { KpiProjector } from '../src/projections/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { runSimulation, type Parameters } from '../src/simulation/index.ts';
import { NdjsonWriter } from '../src/node/ndjson.ts';
import { replayLog } from '../src/node/replay.ts';
import type { ValidateMode } from '../src/store/index.ts';
import { countDraws, fitLine, median, plainLoop, plainLoopOnWorkers, timeRuns, type Line } from './lib.ts';
import type { ScaleRunResult } from './england.ts';
import type { Variant, VariantResult } from './simulateOne.ts';

export const SOUTHAMPTON = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));
const ENGLAND_ENTRY = fileURLToPath(new URL('./england.ts', import.meta.url));

/** A progress line on stderr (or wherever the runner sends it). */
export type Log = (line: string) => void;
const quietLog: Log = () => {};

export interface RunSize {
  /** Unmeasured runs before the measured ones. */
  readonly warmup: number;
  /** Measured runs (the median is reported). */
  readonly runs: number;
}

function rate(events: number, seconds: number): number {
  return seconds > 0 ? events / seconds : NaN;
}

// ---------------------------------------------------------------------------------------------
// simulation

export interface SimulationBench {
  readonly scenario: string;
  readonly months: number;
  readonly events: number;
  readonly draws: number;
  /** Events a second, events streamed to a sink that drops them (no log kept). */
  readonly simulateEventsPerSec: number;
  /** Events a second with every event kept in an in-memory array. */
  readonly keepLogEventsPerSec: number;
  /** Events a second through all KPI projections, events handed over as numbers (the ensemble path). */
  readonly projectEventsPerSec: number;
  /**
   * Events a second of the engine alone on the ensemble path: events handed over as numbers to a
   * field sink that only counts them (what simulate + project would be with a free projection).
   */
  readonly engineEventsPerSec: number;
  /** Events a second through all KPI projections, as event objects (`sink: (e) => projector.apply(e)`). */
  readonly projectObjectsEventsPerSec: number;
  /** The plain loop: the same draws and 5 array writes an event, events a second. */
  readonly baselineEventsPerSec: number;
  /** Events of a 1-month run: almost all of them the opening stock's back-dated history. */
  readonly historyEvents: number;
  /** Events a second of that 1-month run through all KPI projections (the ensemble path). */
  readonly historyProjectEventsPerSec: number;
  /** The events of the kept log (for the projection and replay benchmarks). */
  readonly log: CaseEvent[];
}

interface Setup {
  readonly scenario: Scenario;
  readonly params: Parameters[];
}

function setup(scenarioPath: string, months: number): Setup {
  const scenario = loadScenario(scenarioPath);
  return { scenario, params: scenarioMonthParameters(scenario, months) };
}

function simulate(s: Setup, sink: (e: CaseEvent) => void) {
  return runSimulation({ scenario: s.scenario, seed: s.scenario.seed, replication: 0, months: s.params.length, monthParameters: s.params, sink });
}

const SIMULATE_ONE = fileURLToPath(new URL('./simulateOne.ts', import.meta.url));

/** Runs bench/simulateOne.ts for `variant` in a process of its own (a fresh V8: see that file). */
function variantProcess(variant: Variant, scenarioPath: string, opts: RunSize & { months: number }, extra: string[] = []): VariantResult {
  const args = ['--import', 'tsx', SIMULATE_ONE, '--variant', variant, '--scenario', scenarioPath, '--months', String(opts.months), '--warmup', String(opts.warmup), '--runs', String(opts.runs), ...extra];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`bench/simulateOne.ts --variant ${variant} failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`);
  return JSON.parse(line) as VariantResult;
}

/**
 * One replication of `months` of the scenario (default Southampton, 10 years), several ways,
 * each in a process of its own (bench/simulateOne.ts), and the plain loop for its draws and
 * events in another.
 */
export function benchSimulation(opts: RunSize & { months: number; scenario?: string; log?: Log }): SimulationBench {
  const log = opts.log ?? quietLog;
  const scenarioPath = opts.scenario ?? SOUTHAMPTON;
  const s = setup(scenarioPath, opts.months);
  // the replication's draws, and its kept log for the projection and replay benchmarks (not timed)
  const kept: CaseEvent[] = [];
  const counted = countDraws(() => simulate(s, (e) => kept.push(e)));
  const events = counted.result.events;
  const draws = counted.draws;
  log(`simulation: ${events.toLocaleString('en-GB')} events, ${draws.toLocaleString('en-GB')} PRNG draws a replication`);
  const run = (variant: Variant, label: string, extra?: string[]) => {
    const r = variantProcess(variant, scenarioPath, opts, extra);
    r.seconds.forEach((sec, i) => log(`  ${label} run ${i + 1}/${r.seconds.length}: ${sec.toFixed(3)} s (${(r.events / sec / 1e6).toFixed(2)} M events/s)`));
    return { events: r.events, median: median(r.seconds) };
  };
  const base = run('baseline', 'plain loop', ['--events', String(events), '--draws', String(draws)]);
  const sim = run('objects', 'simulate (no log)');
  const keep = run('keep', 'simulate (log kept)');
  const fused = run('project', 'simulate + project');
  const engine = run('engine', 'simulate, numbers to a counting sink');
  const history = run('history', 'opening history + 1 month');
  const objects = run('project-objects', 'simulate + project (event objects)');
  for (const r of [sim, keep, fused, engine, objects]) if (r.events !== events) throw new Error(`a run made ${r.events} events, not ${events}: the variants must run the same replication`);
  return {
    scenario: s.scenario.name,
    months: opts.months,
    events,
    draws,
    simulateEventsPerSec: rate(events, sim.median),
    keepLogEventsPerSec: rate(events, keep.median),
    projectEventsPerSec: rate(events, fused.median),
    engineEventsPerSec: rate(events, engine.median),
    projectObjectsEventsPerSec: rate(events, objects.median),
    baselineEventsPerSec: rate(events, base.median),
    historyEvents: history.events,
    historyProjectEventsPerSec: rate(history.events, history.median),
    log: kept,
  };
}

// ---------------------------------------------------------------------------------------------
// projection

export interface ProjectionBench {
  readonly events: number;
  /** Events a second from an in-memory log through every KPI projection. */
  readonly eventsPerSec: number;
  /** The plain loop over the same array (reads each event's type, one array write each). */
  readonly baselineEventsPerSec: number;
}

export function benchProjection(events: readonly CaseEvent[], opts: RunSize & { months: number; scenario?: string; log?: Log }): ProjectionBench {
  const log = opts.log ?? quietLog;
  const s = setup(opts.scenario ?? SOUTHAMPTON, opts.months);
  const n = events.length;
  const proj = timeRuns(
    () => {
      const p = new KpiProjector(projectorOptionsFor(s.scenario, s.params));
      p.applyBatch(events);
      return p.finish();
    },
    { ...opts, onRun: (i, sec) => log(`  project run ${i + 1}/${opts.runs}: ${sec.toFixed(3)} s (${(n / sec / 1e6).toFixed(2)} M events/s)`) },
  );
  const counts = new Int32Array(256);
  const base = timeRuns(
    () => {
      for (let i = 0; i < n; i++) counts[events[i].type.length]++;
      return counts[0];
    },
    { ...opts, onRun: (i, sec) => log(`  baseline run ${i + 1}/${opts.runs}: ${sec.toFixed(3)} s`) },
  );
  return { events: n, eventsPerSec: rate(n, proj.median), baselineEventsPerSec: rate(n, base.median) };
}

// ---------------------------------------------------------------------------------------------
// replay

export interface ReplayModeBench {
  readonly validate: ValidateMode;
  readonly eventsPerSec: number;
  readonly mbPerSec: number;
}

export interface ReplayBench {
  readonly events: number;
  readonly bytes: number;
  readonly modes: ReplayModeBench[];
  /** The plain loop: read the file in 4 MB chunks, find every line ending, one array write a line. */
  readonly baselineMbPerSec: number;
  readonly baselineEventsPerSec: number;
}

/** Writes `events` as an NDJSON log in a temporary folder, replays it, and removes it. */
export function benchReplay(events: readonly CaseEvent[], opts: RunSize & { modes?: ValidateMode[]; log?: Log }): ReplayBench {
  const log = opts.log ?? quietLog;
  const dir = mkdtempSync(join(tmpdir(), 'caseflow-bench-'));
  try {
    const path = join(dir, 'events.ndjson');
    const w = new NdjsonWriter(path, { fsync: false });
    for (const e of events) w.write(e);
    w.close();
    const bytes = statSync(path).size;
    const mb = bytes / 1e6;
    log(`replay: ${events.length.toLocaleString('en-GB')} events, ${mb.toFixed(1)} MB`);
    const modes: ReplayModeBench[] = [];
    for (const validate of opts.modes ?? (['full', 'none'] as ValidateMode[])) {
      const t = timeRuns(() => replayLog(path, [() => {}], { validate }), {
        ...opts,
        onRun: (i, sec) => log(`  replay (validate ${validate}) run ${i + 1}/${opts.runs}: ${sec.toFixed(3)} s (${(events.length / sec / 1e6).toFixed(2)} M events/s, ${(mb / sec).toFixed(0)} MB/s)`),
      });
      if (t.last.events !== events.length) throw new Error(`replay read ${t.last.events} events, expected ${events.length}`);
      modes.push({ validate, eventsPerSec: rate(events.length, t.median), mbPerSec: mb / t.median });
    }
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    const lines = new Int32Array(1 << 16);
    const base = timeRuns(
      () => {
        const fd = openSync(path, 'r');
        let n = 0;
        try {
          for (let got = readSync(fd, buf, 0, buf.length, null); got > 0; got = readSync(fd, buf, 0, buf.length, null)) {
            for (let i = buf.indexOf(10); i >= 0 && i < got; i = buf.indexOf(10, i + 1)) lines[n++ & 0xffff] = i;
          }
        } finally {
          closeSync(fd);
        }
        return n;
      },
      { ...opts, onRun: (i, sec) => log(`  baseline run ${i + 1}/${opts.runs}: ${sec.toFixed(3)} s (${(mb / sec).toFixed(0)} MB/s)`) },
    );
    return { events: events.length, bytes, modes, baselineMbPerSec: mb / base.median, baselineEventsPerSec: rate(events.length, base.median) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// ensemble

export interface EnsemblePoint {
  readonly runs: number;
  readonly months: number;
  readonly workers: number;
  readonly seconds: number;
  /**
   * CPU seconds the process used meanwhile (all threads). Well below seconds × workers means the
   * workers waited, for start-up or for a machine busy with other work.
   */
  readonly cpuSeconds: number;
  /** Seconds until the first replication was back (worker start-up included). */
  readonly firstResultSeconds: number;
  readonly events: number;
  /** The plain loop for the same total draws and events, shared by the same number of threads. */
  readonly baselineSeconds: number;
}

export interface EnsembleBench {
  readonly points: EnsemblePoint[];
  /** Draws and events of one replication (replication 0), for the baselines. */
  readonly drawsPerReplication: number;
  readonly eventsPerReplication: number;
}

/** Southampton ensembles of `runs` replications of `months`, for each worker count. */
export async function benchEnsemble(opts: { runs: readonly number[]; months: number; workers: readonly number[]; scenario?: string; log?: Log }): Promise<EnsembleBench> {
  const log = opts.log ?? quietLog;
  const s = setup(opts.scenario ?? SOUTHAMPTON, opts.months);
  const counted = countDraws(() => simulate(s, () => {}));
  const drawsPerReplication = counted.draws;
  const eventsPerReplication = counted.result.events;
  const points: EnsemblePoint[] = [];
  for (const runs of opts.runs) {
    for (const workers of opts.workers) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let first = NaN;
      let shown = 0;
      const r = await runEnsemble([s.scenario], {
        runs,
        seed: s.scenario.seed,
        months: opts.months,
        workers,
        onProgress: (done, total) => {
          if (done === 1) first = (performance.now() - t0) / 1000;
          const pct = Math.floor((done / total) * 10);
          if (pct > shown) {
            shown = pct;
            log(`  ensemble ${runs} x ${opts.months} months, ${workers} worker${workers === 1 ? '' : 's'}: ${done}/${total} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
          }
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu0);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const baselineSeconds = await plainLoopOnWorkers(runs, eventsPerReplication, drawsPerReplication, workers);
      log(`  ensemble ${runs} x ${opts.months} months, ${workers} worker${workers === 1 ? '' : 's'}: ${seconds.toFixed(1)} s, ${cpuSeconds.toFixed(1)} CPU s (baseline ${baselineSeconds.toFixed(1)} s)`);
      points.push({ runs, months: opts.months, workers, seconds, cpuSeconds, firstResultSeconds: first, events: r.events[0], baselineSeconds });
    }
  }
  return { points, drawsPerReplication, eventsPerReplication };
}

// ---------------------------------------------------------------------------------------------
// scale

/** Runs bench/england.ts in a child process (its own peak memory) and returns its result line. */
export function runScaleProcess(population: number, months: number, log: Log = quietLog): Promise<ScaleRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENGLAND_ENTRY, '--population', String(population), '--months', String(months)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      for (const line of d.split('\n')) if (line.trim()) log(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`bench/england.ts --population ${population} --months ${months} failed (exit ${code}): ${err.trim().split('\n').pop() ?? ''}`));
        return;
      }
      resolve(JSON.parse(line) as ScaleRunResult);
    });
  });
}

export interface ScaleBench {
  readonly england: ScaleRunResult;
  /** The plain loop for the England run's events and (estimated) draws, in this process. */
  readonly englandBaselineSeconds: number;
  readonly drawsPerEvent: number;
  /** Runs of 12 months at growing populations (the England run last). */
  readonly byPopulation: ScaleRunResult[];
  /** Runs at one population for growing horizons. */
  readonly byHorizon: ScaleRunResult[];
  readonly populationFit: Line;
  readonly horizonFit: Line;
}

export async function benchScale(opts: {
  englandPopulation: number;
  englandMonths: number;
  populations: readonly number[];
  horizonPopulation: number;
  horizons: readonly number[];
  log?: Log;
}): Promise<ScaleBench> {
  const log = opts.log ?? quietLog;
  // draws per event at England rates, counted on a small run in this process
  const small = setup(fileURLToPath(new URL('../scenarios/england-per-10k.json', import.meta.url)), 12);
  const counted = countDraws(() => simulate({ scenario: { ...small.scenario, population: 200_000 }, params: small.params }, () => {}));
  const drawsPerEvent = counted.draws / counted.result.events;

  log(`scale: England-sized run, ${opts.englandPopulation.toLocaleString('en-GB')} children, ${opts.englandMonths} months (own process)`);
  const england = await runScaleProcess(opts.englandPopulation, opts.englandMonths, log);
  log(`  ${england.events.toLocaleString('en-GB')} events in ${england.seconds.toFixed(1)} s, peak RSS ${england.peakRssMb.toFixed(0)} MB`);
  const t0 = performance.now();
  plainLoop(england.events, Math.round(england.events * drawsPerEvent));
  const englandBaselineSeconds = (performance.now() - t0) / 1000;

  const byPopulation: ScaleRunResult[] = [];
  for (const p of opts.populations) {
    if (p === opts.englandPopulation && opts.englandMonths === 12) {
      byPopulation.push(england);
      continue;
    }
    log(`scale: population ${p.toLocaleString('en-GB')}, 12 months`);
    const r = await runScaleProcess(p, 12);
    log(`  ${r.events.toLocaleString('en-GB')} events in ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    byPopulation.push(r);
  }
  const byHorizon: ScaleRunResult[] = [];
  for (const m of opts.horizons) {
    log(`scale: population ${opts.horizonPopulation.toLocaleString('en-GB')}, ${m} months`);
    const r = await runScaleProcess(opts.horizonPopulation, m);
    log(`  ${r.events.toLocaleString('en-GB')} events in ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMb.toFixed(0)} MB`);
    byHorizon.push(r);
  }
  return {
    england,
    englandBaselineSeconds,
    drawsPerEvent,
    byPopulation,
    byHorizon,
    populationFit: fitLine(
      byPopulation.map((r) => r.population),
      byPopulation.map((r) => r.seconds),
    ),
    horizonFit: fitLine(
      byHorizon.map((r) => r.months),
      byHorizon.map((r) => r.seconds),
    ),
  };
}

export { median };
