/**
 * One large replication in a process of its own, so that its peak memory is not mixed with
 * anything else: the England scenario (national rates) for a given child population and horizon,
 * events streamed straight into the KPI projection (no event log kept).
 *
 *   node --import tsx bench/england.ts --population 12000000 --months 12
 *
 * Prints one JSON line on stdout (events, children, seconds, peak RSS in MB, a check KPI) and
 * progress lines on stderr. Spawned by bench/run.ts for the scale benchmarks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { projectorOptionsFor, scenarioMonthParameters } from '../src/ensemble/index.ts';
import { KpiProjector } from '../src/projections/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runSimulation } from '../src/simulation/index.ts';

export const ENGLAND_SCENARIO = fileURLToPath(new URL('../scenarios/england-per-10k.json', import.meta.url));

export interface ScaleRunResult {
  readonly population: number;
  readonly months: number;
  readonly events: number;
  readonly children: number;
  /** Wall time of the replication (opening stock and history included), seconds. */
  readonly seconds: number;
  /** Peak resident set size of the process, MB (VmHWM). */
  readonly peakRssMb: number;
  /** Children looked after at the end of the last month (a sanity check on the run). */
  readonly claOpenAtEnd: number;
}

/** Peak resident set size of this process in MB: VmHWM from /proc, else `resourceUsage().maxRSS`. */
export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return +m[1] / 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS / 1024;
}

/**
 * A small run first, unmeasured, so that the measured run does not include compiling the engine
 * (which would add a near-constant to every point and bend the lines of the scale benchmark).
 */
export function warmUp(): void {
  const scenario = { ...loadScenario(ENGLAND_SCENARIO), population: 30_000 };
  for (let r = 0; r < 3; r++) {
    const params = scenarioMonthParameters(scenario, 6);
    const projector = new KpiProjector(projectorOptionsFor(scenario, params));
    runSimulation({ scenario, seed: 1, replication: r, months: 6, monthParameters: params, sink: projector.sink });
    projector.finish();
  }
}

/** Runs replication 0 of the England scenario at `population` for `months`, streaming into the projector. */
export function runScale(population: number, months: number, seed?: number, onMonth?: (m: number) => void): ScaleRunResult {
  const scenario = { ...loadScenario(ENGLAND_SCENARIO), population };
  const params = scenarioMonthParameters(scenario, months);
  const projector = new KpiProjector(projectorOptionsFor(scenario, params));
  const t0 = performance.now();
  const r = runSimulation({ scenario, seed: seed ?? scenario.seed, replication: 0, months, monthParameters: params, sink: projector.sink, onProgress: onMonth });
  const run = projector.finish();
  const seconds = (performance.now() - t0) / 1000;
  return { population, months, events: r.events, children: r.children, seconds, peakRssMb: peakRssMb(), claOpenAtEnd: run.values.cla_open[months - 1] };
}

function wholeNumber(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1 (got "${v}")`);
    return n;
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const program = new Command('england')
    .description('One England-rates replication in its own process; prints a JSON line with time and peak memory')
    .option('--population <n>', 'children aged 0-17', wholeNumber('--population'), 12_000_000)
    .option('--months <n>', 'months to simulate', wholeNumber('--months'), 12)
    .option('--seed <n>', 'random seed (default: the scenario seed)', wholeNumber('--seed'))
    .option('--quiet', 'no progress lines')
    .option('--no-warm-up', 'measure from a cold start (the engine compiled during the run)')
    .addHelpText(
      'after',
      `
Examples:
  $ node --import tsx bench/england.ts --population 12000000 --months 12
  $ node --import tsx bench/england.ts --population 500000 --months 48 --quiet --no-warm-up`,
    );
  program.parse(process.argv);
  const o = program.opts<{ population: number; months: number; seed?: number; quiet?: boolean; warmUp: boolean }>();
  if (o.warmUp) warmUp();
  const started = performance.now();
  const result = runScale(o.population, o.months, o.seed, (m) => {
    if (!o.quiet) process.stderr.write(`  england ${o.population.toLocaleString('en-GB')} children: month ${m}/${o.months} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  });
  process.stdout.write(JSON.stringify(result) + '\n');
}
