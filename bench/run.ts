/**
 * The benchmark runner (`npm run bench`): throughput of simulation, projection and replay,
 * ensemble wall time and speed-up, and an England-sized run with its peak memory, each beside a
 * plain-loop baseline measured in the same run. Writes bench/results.json, prints a table, and
 * refreshes the results table in bench/README.md.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { table } from '../src/cli/terminal.ts';
import { writeFileAtomic } from '../src/node/atomicFile.ts';
import { benchEnsemble, benchProjection, benchReplay, benchScale, benchSimulation, type EnsemblePoint } from './benchmarks.ts';
import { machine } from './lib.ts';
import type { ScaleRunResult } from './england.ts';
import { benchSweep } from './sweep.ts';
import { benchStartup, benchWorkers, type WorkersPoint } from './processes.ts';

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));
const README = fileURLToPath(new URL('./README.md', import.meta.url));
export const TABLE_START = '<!-- bench:results:start -->';
export const TABLE_END = '<!-- bench:results:end -->';

/** The goals of the performance issue. */
export const GOALS = {
  simulateProjectEventsPerSec: 3_000_000,
  replayEventsPerSec: 1_000_000,
  /** Speed-up with all cores as a share of the plain loop's speed-up on the same cores. */
  ensembleScaling: 0.8,
  englandPeakRssMb: 1024,
  ensemble200x5ySeconds: 60,
  /** Queue worker throughput as a share of a local worker thread's. */
  sweepQueueVsThread: 0.9,
  /** CPU of `caseflow --help` over a bare `node -e 0`. */
  helpOverNode: 3,
  /** CPU seconds of `caseflow simulate`, 1 run × 60 months of the Southampton baseline. */
  simulate1x60CpuSeconds: 1.5,
  /** simulate + project throughput as a share of the plain loop's. */
  simulateProjectShareOfLoop: 0.25,
  /** Extra CPU of the same ensemble on 2 workers over 1. */
  twoWorkersExtraCpu: 0.05,
  /** Events a second of the opening history (a 1-month run) as a share of a whole run's, simulate + project. */
  historyShareOfRun: 0.8,
} as const;

interface Options {
  quick?: boolean;
  only?: string;
  out: string;
  readme: boolean;
}

const ALL = ['simulate', 'projection', 'replay', 'ensemble', 'scale', 'sweep', 'startup', 'workers'] as const;
type Part = (typeof ALL)[number];

function parts(only: string | undefined): Set<Part> {
  if (!only) return new Set(ALL);
  const list = only.split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of list) if (!(ALL as readonly string[]).includes(p)) throw new Error(`--only: unknown benchmark "${p}" (expected ${ALL.join(', ')})`);
  return new Set(list as Part[]);
}

const started = performance.now();
function log(line: string): void {
  const t = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${t}s] ${line}\n`);
}

const M = (v: number) => (Number.isFinite(v) ? `${(v / 1e6).toFixed(2)} M/s` : '–');
const S = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} s` : '–');
const X = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const S2 = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} s` : '–');
const MB = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} MB/s` : '–');

type Results = Record<string, unknown>;

/** The two-worker points of a results file (`workers_points`), none when it has none. */
function workersPoints(r: Results): WorkersPoint[] {
  return Array.isArray(r.workers_points) ? (r.workers_points as WorkersPoint[]) : [];
}

/** Rows of the results table: benchmark, result, baseline, engine ÷ baseline (or a note). */
export function tableRows(r: Results): string[][] {
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : NaN);
  const rows: string[][] = [['benchmark', 'result', 'plain-loop baseline', 'result ÷ baseline']];
  const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(3) : '–');
  if ('simulate_events_per_sec' in r) {
    const base = n('baseline_events_per_sec');
    rows.push(['simulate, 10-year Southampton replication, log not kept', M(n('simulate_events_per_sec')), M(base), ratio(n('simulate_events_per_sec'), base)]);
    rows.push(['simulate, log kept in memory', M(n('simulate_keep_log_events_per_sec')), M(base), ratio(n('simulate_keep_log_events_per_sec'), base)]);
    rows.push(['simulate + all KPI projections (ensemble path)', M(n('simulate_project_events_per_sec')), M(base), ratio(n('simulate_project_events_per_sec'), base)]);
    rows.push(['simulate + all KPI projections (event objects)', M(n('simulate_project_objects_events_per_sec')), M(base), ratio(n('simulate_project_objects_events_per_sec'), base)]);
    if ('simulate_engine_events_per_sec' in r) {
      rows.push(['simulate alone, events as numbers to a sink that counts them', M(n('simulate_engine_events_per_sec')), M(base), ratio(n('simulate_engine_events_per_sec'), base)]);
    }
    if ('history_project_events_per_sec' in r) {
      const whole = n('simulate_project_events_per_sec');
      rows.push([`opening history + 1 month (${n('history_events').toLocaleString('en-GB')} events), simulate + project`, M(n('history_project_events_per_sec')), `${M(whole)} (whole run)`, ratio(n('history_project_events_per_sec'), whole)]);
    }
  }
  if ('projection_events_per_sec' in r) {
    rows.push(['project an in-memory log (all KPIs)', M(n('projection_events_per_sec')), M(n('projection_baseline_events_per_sec')), ratio(n('projection_events_per_sec'), n('projection_baseline_events_per_sec'))]);
  }
  if ('replay_events_per_sec' in r) {
    const b = n('replay_baseline_mb_per_sec');
    rows.push(['replay NDJSON, full validation', `${M(n('replay_events_per_sec'))}, ${MB(n('replay_mb_per_sec'))}`, MB(b), ratio(n('replay_mb_per_sec'), b)]);
    rows.push(['replay NDJSON, no validation', `${M(n('replay_none_events_per_sec'))}, ${MB(n('replay_none_mb_per_sec'))}`, MB(b), ratio(n('replay_none_mb_per_sec'), b)]);
  }
  if ('startup_help_cpu_seconds' in r) {
    const node = n('startup_node_cpu_seconds');
    rows.push(['caseflow --help, CPU (built JavaScript)', S2(n('startup_help_cpu_seconds')), `${S2(node)} (node -e 0)`, ratio(n('startup_help_cpu_seconds'), node)]);
    rows.push(['caseflow simulate, 1 run x 60 months, CPU', S2(n('startup_simulate_cpu_seconds')), `${S2(node)} (node -e 0)`, ratio(n('startup_simulate_cpu_seconds'), node)]);
  }
  for (const w of workersPoints(r)) {
    rows.push([`ensemble ${w.runs} x 5-year, CPU on 2 workers against 1 (${S2(w.twoWorkersSeconds - w.oneWorkerSeconds)} more)`, S2(w.twoWorkersSeconds), `${S2(w.oneWorkerSeconds)} (1 worker)`, ratio(w.twoWorkersSeconds, w.oneWorkerSeconds)]);
  }
  const points = (r.ensemble_points as EnsemblePoint[] | undefined) ?? [];
  for (const p of points) {
    const busy = p.cpuSeconds / (p.seconds * p.workers);
    rows.push([`ensemble ${p.runs} x ${p.months / 12}-year, ${p.workers} worker${p.workers === 1 ? '' : 's'} (CPU busy ${(busy * 100).toFixed(0)}%)`, S(p.seconds), S(p.baselineSeconds), ratio(p.seconds, p.baselineSeconds)]);
  }
  for (const runs of [200, 1000]) {
    const k = `ensemble_${runs}x5y_speedup`;
    if (k in r) rows.push([`ensemble ${runs} x 5-year speed-up, all cores`, X(n(k)), X(n(`ensemble_${runs}x5y_baseline_speedup`)), ratio(n(k), n(`ensemble_${runs}x5y_baseline_speedup`))]);
  }
  if ('sweep_queue_vs_thread' in r) {
    const jobs = `${n('sweep_jobs')} jobs of ${n('sweep_replications_per_job')} x ${n('sweep_months')}-month replications`;
    const perCore = (k: string) => M((n(k) * n('sweep_events_per_job')) / 2);
    rows.push([`sweep on 2 local threads, ${jobs} (steady state)`, `${n('sweep_thread_jobs_per_sec').toFixed(2)} jobs/s, ${perCore('sweep_thread_jobs_per_sec')} per core`, '', '']);
    rows.push([`sweep on 2 queue workers (Redis on localhost), same jobs`, `${n('sweep_queue_jobs_per_sec').toFixed(2)} jobs/s, ${perCore('sweep_queue_jobs_per_sec')} per core`, '', `${n('sweep_queue_vs_thread').toFixed(3)} of threads`]);
  }
  if ('england_year_seconds' in r) {
    rows.push([`England-sized year (${(n('england_population') / 1e6).toFixed(0)}M children), events streamed`, S(n('england_year_seconds')), S(n('england_year_baseline_seconds')), ratio(n('england_year_seconds'), n('england_year_baseline_seconds'))]);
    rows.push(['England-sized year, peak memory (RSS)', `${n('england_year_peak_rss_mb').toFixed(0)} MB`, '', '']);
    const point = (p: ScaleRunResult) => [
      `  ${(p.population / 1e6).toLocaleString('en-GB')}M children, ${p.months} months: ${(p.events / 1e6).toFixed(1)}M events, ${p.peakRssMb.toFixed(0)} MB`,
      S(p.seconds),
      '',
      `${(p.seconds / (p.events / 1e6)).toFixed(2)} s per M events`,
    ];
    rows.push(['time against population (12 months), straight line R²', n('scale_population_r2').toFixed(4), '', '']);
    for (const p of (r.scale_population_points as ScaleRunResult[] | undefined) ?? []) rows.push(point(p));
    rows.push(['time against horizon, straight line R²', n('scale_horizon_r2').toFixed(4), '', '']);
    for (const p of (r.scale_horizon_points as ScaleRunResult[] | undefined) ?? []) rows.push(point(p));
  }
  return rows;
}

/** Which goals the results meet. */
export function goals(r: Results): { goal: string; value: string; met: boolean }[] {
  const n = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : NaN);
  const out: { goal: string; value: string; met: boolean }[] = [];
  if ('simulate_project_events_per_sec' in r) {
    out.push({ goal: '>= 3 M events/s per core, simulate and project', value: M(n('simulate_project_events_per_sec')), met: n('simulate_project_events_per_sec') >= GOALS.simulateProjectEventsPerSec });
  }
  if ('simulate_project_events_per_sec' in r) {
    const share = n('simulate_project_events_per_sec') / n('baseline_events_per_sec');
    out.push({ goal: `simulate and project at >= ${GOALS.simulateProjectShareOfLoop * 100}% of the plain loop`, value: `${(share * 100).toFixed(0)}%`, met: share >= GOALS.simulateProjectShareOfLoop });
  }
  if ('history_project_events_per_sec' in r) {
    const share = n('history_project_events_per_sec') / n('simulate_project_events_per_sec');
    out.push({ goal: `opening history at >= ${GOALS.historyShareOfRun * 100}% of a whole run's events a second`, value: `${(share * 100).toFixed(0)}%`, met: share >= GOALS.historyShareOfRun });
  }
  if ('startup_help_cpu_seconds' in r) {
    const x = n('startup_help_cpu_seconds') / n('startup_node_cpu_seconds');
    out.push({ goal: `caseflow --help under ${GOALS.helpOverNode}x the CPU of node -e 0`, value: X(x), met: x < GOALS.helpOverNode });
    out.push({ goal: `simulate 1 x 60-month Southampton under ${GOALS.simulate1x60CpuSeconds} s of CPU`, value: S2(n('startup_simulate_cpu_seconds')), met: n('startup_simulate_cpu_seconds') < GOALS.simulate1x60CpuSeconds });
  }
  for (const w of workersPoints(r)) {
    const extra = w.twoWorkersSeconds / w.oneWorkerSeconds - 1;
    out.push({ goal: `2 workers cost under ${GOALS.twoWorkersExtraCpu * 100}% more CPU than 1 (${w.runs} x 5 years)`, value: `${(extra * 100).toFixed(1)}%`, met: extra < GOALS.twoWorkersExtraCpu });
  }
  if ('replay_events_per_sec' in r) {
    out.push({ goal: '>= 1 M events/s NDJSON replay, full validation', value: M(n('replay_events_per_sec')), met: n('replay_events_per_sec') >= GOALS.replayEventsPerSec });
    out.push({ goal: '>= 1 M events/s NDJSON replay, no validation', value: M(n('replay_none_events_per_sec')), met: n('replay_none_events_per_sec') >= GOALS.replayEventsPerSec });
  }
  for (const runs of [200, 1000]) {
    const k = `ensemble_${runs}x5y_speedup`;
    if (k in r) {
      const share = n(k) / n(`ensemble_${runs}x5y_baseline_speedup`);
      out.push({ goal: `near-linear speed-up with workers (${runs} x 5 years; >= ${GOALS.ensembleScaling * 100}% of the plain loop's)`, value: `${X(n(k))} (${(share * 100).toFixed(0)}%)`, met: share >= GOALS.ensembleScaling });
    }
  }
  if ('ensemble_200x5y_seconds_all_cores' in r) {
    out.push({ goal: '200 x 5-year Southampton replications well under a minute, all cores', value: S(n('ensemble_200x5y_seconds_all_cores')), met: n('ensemble_200x5y_seconds_all_cores') < GOALS.ensemble200x5ySeconds / 2 });
  }
  if ('sweep_queue_vs_thread' in r) {
    out.push({ goal: 'queue worker throughput within 10% of a local worker thread (2 vs 2)', value: `${(n('sweep_queue_vs_thread') * 100).toFixed(0)}%`, met: n('sweep_queue_vs_thread') >= GOALS.sweepQueueVsThread });
  }
  if ('england_year_peak_rss_mb' in r) {
    out.push({ goal: 'England-sized year under 1 GB, events streamed', value: `${n('england_year_peak_rss_mb').toFixed(0)} MB`, met: n('england_year_peak_rss_mb') < GOALS.englandPeakRssMb });
  }
  return out;
}

/** The results section of bench/README.md. */
export function readmeSection(r: Results): string {
  const m = r.machine as ReturnType<typeof machine>;
  const rows = tableRows(r);
  const md = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`)];
  const g = goals(r).map((x) => `| ${x.goal} | ${x.value} | ${x.met ? 'met' : 'not met'} |`);
  return [
    TABLE_START,
    `Run of ${String(r.date).slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node} (${m.platform}); the whole run took ${S(r.total_seconds as number)}.`,
    '',
    ...md,
    '',
    '| goal | measured | |',
    '|---|---:|---|',
    ...g,
    TABLE_END,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('bench')
    .description('Benchmarks of the caseflow engine: throughput, ensembles, scale and memory, each beside a plain-loop baseline')
    .option('--quick', 'small sizes (about half a minute): to check the runner, not to quote')
    .option('--only <list>', `comma-separated subset of: ${ALL.join(', ')}`)
    .option('--out <file>', 'results file', RESULTS)
    .option('--no-readme', 'do not refresh the table in bench/README.md')
    .addHelpText(
      'after',
      `
Full runs write bench/results.json and refresh the table in bench/README.md; quick runs and
--only runs write the results file only. Progress lines go to stderr.

Examples:
  $ npm run bench
  $ npm run bench -- --quick --out /tmp/bench.json
  $ npm run bench -- --only simulate,replay`,
    );
  program.parse(argv, { from: 'user' });
  const opts = program.opts<Options>();
  const which = parts(opts.only);
  const quick = opts.quick === true;
  const r: Results = { date: new Date().toISOString(), machine: machine(), quick, only: opts.only ?? null };
  log(`machine: ${JSON.stringify(r.machine)}${quick ? ' (quick sizes)' : ''}`);

  const size = quick ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 5 };
  const months = quick ? 24 : 120;
  let kept: Awaited<ReturnType<typeof benchSimulation>>['log'] = [];
  if (which.has('simulate') || which.has('projection') || which.has('replay')) {
    log(`simulate: Southampton baseline, ${months} months, ${size.warmup} warm-up + ${size.runs} runs each`);
    const s = benchSimulation({ ...size, months, log });
    kept = s.log;
    if (which.has('simulate')) {
      Object.assign(r, {
        simulate_scenario: s.scenario,
        simulate_months: s.months,
        simulate_events: s.events,
        simulate_draws_per_event: s.draws / s.events,
        simulate_events_per_sec: s.simulateEventsPerSec,
        simulate_keep_log_events_per_sec: s.keepLogEventsPerSec,
        simulate_project_events_per_sec: s.projectEventsPerSec,
        simulate_project_objects_events_per_sec: s.projectObjectsEventsPerSec,
        simulate_engine_events_per_sec: s.engineEventsPerSec,
        baseline_events_per_sec: s.baselineEventsPerSec,
        history_events: s.historyEvents,
        history_project_events_per_sec: s.historyProjectEventsPerSec,
      });
    }
  }
  if (which.has('projection')) {
    log('projection: the kept log through every KPI projection');
    const p = benchProjection(kept, { ...size, months, log });
    Object.assign(r, { projection_events: p.events, projection_events_per_sec: p.eventsPerSec, projection_baseline_events_per_sec: p.baselineEventsPerSec });
  }
  if (which.has('replay')) {
    const rp = benchReplay(kept, { warmup: 1, runs: quick ? 2 : 3, log });
    const full = rp.modes.find((m) => m.validate === 'full')!;
    const none = rp.modes.find((m) => m.validate === 'none')!;
    Object.assign(r, {
      replay_events: rp.events,
      replay_mb: rp.bytes / 1e6,
      replay_events_per_sec: full.eventsPerSec,
      replay_mb_per_sec: full.mbPerSec,
      replay_none_events_per_sec: none.eventsPerSec,
      replay_none_mb_per_sec: none.mbPerSec,
      replay_baseline_mb_per_sec: rp.baselineMbPerSec,
    });
  }
  kept = [];
  if (which.has('ensemble')) {
    const cores = (r.machine as ReturnType<typeof machine>).cores;
    const runs = quick ? [20] : [200, 1000];
    const workers = cores > 1 ? [1, cores] : [1];
    log(`ensemble: Southampton, ${runs.join(' and ')} replications of 60 months, ${workers.join(' and ')} workers`);
    const e = await benchEnsemble({ runs, months: 60, workers, log });
    r.ensemble_points = e.points;
    r.ensemble_events_per_replication = e.eventsPerReplication;
    for (const n of runs) {
      const one = e.points.find((p) => p.runs === n && p.workers === 1)!;
      const all = e.points.find((p) => p.runs === n && p.workers === workers[workers.length - 1])!;
      r[`ensemble_${n}x5y_seconds_one_worker`] = one.seconds;
      r[`ensemble_${n}x5y_seconds_all_cores`] = all.seconds;
      r[`ensemble_${n}x5y_speedup`] = one.seconds / all.seconds;
      r[`ensemble_${n}x5y_baseline_speedup`] = one.baselineSeconds / all.baselineSeconds;
    }
  }
  if (which.has('scale')) {
    const england = quick ? 1_200_000 : 12_000_000;
    const sc = await benchScale({
      englandPopulation: england,
      englandMonths: 12,
      populations: quick ? [300_000, 600_000, england] : [1_500_000, 3_000_000, 6_000_000, england],
      horizonPopulation: quick ? 100_000 : 1_000_000,
      horizons: quick ? [6, 12, 24] : [12, 24, 48, 96],
      log,
    });
    Object.assign(r, {
      england_population: england,
      england_year_seconds: sc.england.seconds,
      england_year_peak_rss_mb: sc.england.peakRssMb,
      england_year_events: sc.england.events,
      england_year_events_per_sec: sc.england.events / sc.england.seconds,
      england_year_baseline_seconds: sc.englandBaselineSeconds,
      england_draws_per_event: sc.drawsPerEvent,
      scale_population_points: sc.byPopulation,
      scale_horizon_points: sc.byHorizon,
      scale_population_seconds_per_million: sc.populationFit.slope * 1e6,
      scale_population_r2: sc.populationFit.r2,
      scale_horizon_seconds_per_year: sc.horizonFit.slope * 12,
      scale_horizon_r2: sc.horizonFit.r2,
    });
  }
  if (which.has('sweep')) {
    const sw = await benchSweep({ points: quick ? 16 : 60, runs: quick ? 3 : 4, months: quick ? 24 : 36, log });
    Object.assign(r, {
      sweep_jobs: sw.jobs,
      sweep_replications_per_job: sw.replicationsPerJob,
      sweep_months: sw.months,
      sweep_thread_seconds: sw.threadSeconds,
      sweep_queue_seconds: sw.queueSeconds,
      sweep_thread_jobs_per_sec: sw.threadJobsPerSec,
      sweep_queue_jobs_per_sec: sw.queueJobsPerSec,
      sweep_queue_vs_thread: sw.ratio,
      sweep_events_per_job: sw.eventsPerJob,
      sweep_outputs_identical: sw.identical,
    });
  }
  if (which.has('startup')) {
    const st = benchStartup({ runs: quick ? 3 : 5, log });
    Object.assign(r, { startup_node_cpu_seconds: st.nodeSeconds, startup_help_cpu_seconds: st.helpSeconds, startup_simulate_cpu_seconds: st.simulateSeconds });
  }
  if (which.has('workers')) {
    // 8 runs, the shipped scenarios' 20, and the 200 of the ensemble figures
    r.workers_points = benchWorkers({ runs: quick ? [4] : [8, 20, 200], repeats: quick ? 1 : 3, log });
  }
  r.total_seconds = (performance.now() - started) / 1000;
  r.goals = goals(r);

  writeFileAtomic(opts.out, JSON.stringify(r, null, 2) + '\n');
  process.stdout.write('\n' + table(tableRows(r)) + '\n\n');
  for (const g of goals(r)) process.stdout.write(`${g.met ? 'met    ' : 'NOT MET'}  ${g.goal}: ${g.value}\n`);
  process.stdout.write(`\nwrote ${opts.out} (${S(r.total_seconds as number)} in all)\n`);

  if (opts.readme && !quick && !opts.only) {
    const text = readFileSync(README, 'utf8');
    const a = text.indexOf(TABLE_START);
    const b = text.indexOf(TABLE_END);
    if (a < 0 || b < a) throw new Error(`${README}: the markers ${TABLE_START} and ${TABLE_END} are missing`);
    writeFileAtomic(README, text.slice(0, a) + readmeSection(r) + text.slice(b + TABLE_END.length));
    process.stdout.write(`refreshed the table in ${README}\n`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`bench: ${err.message}\n`);
    process.exit(1);
  });
}
