/**
 * One way of running a Southampton replication, timed in a process of its own. V8 optimises code
 * for what it has run so far: a process that had already run the engine with event objects
 * (or kept a log) ran the numbers path markedly slower than a process that only ever runs that
 * path, as an ensemble's worker does. So each figure of the simulation benchmark is measured in
 * a fresh process (bench/benchmarks.ts, `benchSimulation`).
 *
 *   node --import tsx bench/simulateOne.ts --variant project --months 120 --warmup 2 --runs 5
 *
 * Prints one JSON line on stdout: the events of one run and the seconds of each timed run. The
 * plain-loop baseline (`--variant baseline --events N --draws N`) is timed the same way, in a
 * process that runs nothing else.
 */
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CaseEvent } from '../src/events/index.ts';
import { FIELD_SINK, type FieldSink } from '../src/events/fields.ts';
import { projectorOptionsFor, scenarioMonthParameters } from '../src/ensemble/index.ts';
import { KpiProjector } from '../src/projections/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { runSimulation, type Parameters } from '../src/simulation/index.ts';
import { plainLoop, timeRuns } from './lib.ts';

export const VARIANTS = ['objects', 'keep', 'project', 'project-objects', 'engine', 'history', 'baseline'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantResult {
  readonly variant: Variant;
  /** Events of one replication (for `history`, of the 1-month run). */
  readonly events: number;
  /** Seconds of each timed run. */
  readonly seconds: number[];
  /** PRNG draws of one replication (`baseline` only: the plain loop makes as many). */
  readonly draws?: number;
}

interface Setup {
  readonly scenario: Scenario;
  readonly params: Parameters[];
}

function simulate(s: Setup, sink: (e: CaseEvent) => void) {
  return runSimulation({ scenario: s.scenario, seed: s.scenario.seed, replication: 0, months: s.params.length, monthParameters: s.params, sink });
}

/** A sink that takes events as numbers (src/events/fields.ts) and only counts them. */
function countingFieldSink(): { sink: (e: CaseEvent) => void; events: () => number } {
  let n = 0;
  const fields: FieldSink = {
    applyFields() {
      n++;
    },
    applyEvent() {
      n++;
    },
  };
  return { sink: Object.assign(() => n++, { [FIELD_SINK]: fields }), events: () => n };
}

function projected(s: Setup, objects: boolean): () => { events: number } {
  return () => {
    const projector = new KpiProjector(projectorOptionsFor(s.scenario, s.params));
    const r = simulate(s, objects ? (e) => projector.apply(e) : projector.sink);
    projector.finish();
    return r;
  };
}

/** Times the plain loop for `events` events and `draws` draws (a replication's, counted elsewhere: counting patches the generator). */
export function runBaseline(events: number, draws: number, warmup: number, runs: number): VariantResult {
  const t = timeRuns(() => plainLoop(events, draws), { warmup, runs });
  return { variant: 'baseline', events, seconds: t.seconds, draws };
}

/**
 * Times `variant` on replication 0 of the scenario at `scenarioPath` for `months` months:
 * `warmup` untimed runs, then `runs` timed ones (the 1-month `history` run: two more warm-up runs
 * and three times the runs, since each is short).
 */
export function runVariant(variant: Variant, scenarioPath: string, months: number, warmup: number, runs: number): VariantResult {
  const scenario = loadScenario(scenarioPath);
  const s: Setup = { scenario, params: scenarioMonthParameters(scenario, variant === 'history' ? 1 : months) };
  const opts = { warmup, runs };
  const timed = (fn: () => { events: number }, o = opts) => {
    const t = timeRuns(fn, o);
    return { variant, events: t.last.events, seconds: t.seconds };
  };
  switch (variant) {
    case 'objects':
      return timed(() => simulate(s, () => {}));
    case 'keep':
      return timed(() => {
        const kept: CaseEvent[] = [];
        return simulate(s, (e) => kept.push(e));
      });
    case 'project':
      return timed(projected(s, false));
    case 'project-objects':
      return timed(projected(s, true));
    case 'engine': {
      const counting = countingFieldSink();
      const r = timed(() => simulate(s, counting.sink));
      if (counting.events() !== r.events * (warmup + runs)) throw new Error(`the counting sink saw ${counting.events()} events, not ${r.events * (warmup + runs)}`);
      return r;
    }
    case 'history':
      return timed(projected(s, false), { warmup: warmup + 2, runs: runs * 3 });
    case 'baseline':
      throw new Error('the baseline is timed by runBaseline (it needs the events and draws of the replication)');
  }
}

function count(name: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be a whole number >= ${min} (got "${v}")`);
    return n;
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const program = new Command('simulate-one')
    .description('Times one way of running a replication in this process; prints a JSON line')
    .addOption(new Option('--variant <name>', 'what to time').choices(VARIANTS).makeOptionMandatory())
    .requiredOption('--scenario <file>', 'scenario file')
    .option('--months <n>', 'months a replication', count('--months', 1), 120)
    .option('--warmup <n>', 'untimed runs first', count('--warmup', 0), 2)
    .option('--runs <n>', 'timed runs', count('--runs', 1), 5)
    .option('--events <n>', 'baseline: events of the replication', count('--events', 1))
    .option('--draws <n>', 'baseline: PRNG draws of the replication', count('--draws', 0));
  program.parse(process.argv);
  const o = program.opts<{ variant: Variant; scenario: string; months: number; warmup: number; runs: number; events?: number; draws?: number }>();
  if (o.variant === 'baseline' && (o.events === undefined || o.draws === undefined)) program.error('--variant baseline needs --events and --draws');
  const r = o.variant === 'baseline' ? runBaseline(o.events!, o.draws!, o.warmup, o.runs) : runVariant(o.variant, o.scenario, o.months, o.warmup, o.runs);
  process.stdout.write(JSON.stringify(r) + '\n');
}
