import { Command, Option } from 'commander';
import { join } from 'node:path';
import { monthKey, parseMonth } from '../../calendar/index.ts';
import { runEnsemble } from '../../ensemble/index.ts';
import { kpiDef } from '../../projections/catalogue.ts';
import { formatNumber, quantileSorted } from '../../projections/index.ts';
import { loadScenario } from '../../node/scenarioLoader.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { leverDef, LEVER_NAMES } from '../../scenarios/levers.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { CheckFailed, InputError } from '../../errors.ts';
import { finiteNumber, month, nonNegativeInt, outputFolder, positiveInt, runsArg, seedArg, workersArg } from '../options.ts';
import { checkHorizon, commandLine, shown } from '../run.ts';
import { progress, table } from '../terminal.ts';
import { VERSION } from '../../version.ts';

interface TargetOptions {
  scenario: string;
  lever: string;
  kpi: string;
  value: number;
  by: string;
  change?: 'relative' | 'absolute' | 'shift';
  from?: string;
  ramp: number;
  min?: number;
  max?: number;
  runs: number;
  seed?: number;
  workers?: number;
  iterations: number;
  out: string;
  quiet?: boolean;
}

interface Evaluation {
  strength: number;
  p50: number;
  p5: number;
  p95: number;
}

/** The scenario with one more intervention: the lever at `strength`. */
export function withLever(s: Scenario, o: { lever: string; change: string; strength: number; from: string; ramp: number }): Scenario {
  if (o.strength === 0) return s;
  return {
    ...s,
    interventions: [...s.interventions, { name: `target: ${o.lever}`, start: o.from, rampMonths: o.ramp, effects: [{ lever: o.lever, change: o.change, value: o.strength }] }],
  } as Scenario;
}

export function register(program: Command): void {
  program
    .command('target')
    .description('Find the lever strength that brings a KPI to a target value by a month')
    .requiredOption('--scenario <file>', 'scenario JSON to start from')
    .requiredOption('--lever <name>', `lever to vary (${LEVER_NAMES.join(', ')})`)
    .requiredOption('--kpi <id>', 'KPI to steer (an id from the KPI catalogue, e.g. cla_rate)')
    .requiredOption('--value <v>', 'target value of the KPI’s ensemble median', finiteNumber('--value'))
    .requiredOption('--by <YYYY-MM>', 'month by which the target must be reached', month('--by'))
    .addOption(new Option('--change <kind>', 'kind of change (default: relative, or shift for shift levers)').choices(['relative', 'absolute', 'shift']))
    .option('--from <YYYY-MM>', 'month the change starts (default: the scenario’s start)', month('--from'))
    .option('--ramp <months>', 'months to full effect, up to 600', nonNegativeInt('--ramp', 600), 0)
    .option('--min <v>', 'weakest strength to try (default: -0.9 relative, 0 shift)', finiteNumber('--min'))
    .option('--max <v>', 'strongest strength to try (default: +1 relative, 1 shift)', finiteNumber('--max'))
    .option('--runs <n>', 'replications per evaluation, up to 10,000', runsArg, 40)
    .option('--seed <n>', 'random seed, 0 to 4294967295 (default: the scenario’s seed)', seedArg)
    .option('--workers <n>', 'worker threads (default: all cores)', workersArg)
    .option('--iterations <n>', 'bisection steps after bracketing, up to 100', positiveInt('--iterations', 100), 10)
    .addOption(outputFolder(new Option('--out <dir>', 'output folder for target.csv and target.json').default('out/target'), ['target.csv', 'target.json']))
    .option('-q, --quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Every evaluation is an ensemble with the same seeds (common random numbers), so the search follows
the lever's effect and not sampling noise. The search brackets the target between --min and --max,
then bisects. If the target is out of reach within the bounds, it says so and exits with code 1.

Examples:
  # What reduction in entries to care from CP plans brings the CLA rate to 87 per 10,000 by March 2025?
  $ caseflow target --scenario scenarios/southampton-baseline.json --lever cp_to_care --kpi cla_rate --value 87 --by 2025-03
  $ caseflow target --scenario scenarios/southampton-baseline.json --lever foster_in_house_share --kpi cla_placement_ifa_pct --value 20 --by 2026-03 --ramp 12`,
    )
    .action(async (opts: TargetOptions) => {
      const base = loadScenario(opts.scenario);
      const def = leverDef(opts.lever);
      if (!def) throw new InputError(`--lever: unknown lever "${opts.lever}" (known: ${LEVER_NAMES.join(', ')})`);
      const kdef = kpiDef(opts.kpi);
      if (!kdef) throw new InputError(`--kpi: unknown KPI "${opts.kpi}" (see the KPI catalogue in the README)`);
      const change = opts.change ?? (def.kind === 'shift' ? 'shift' : 'relative');
      if ((def.kind === 'shift') !== (change === 'shift')) throw new InputError(`--change: lever ${opts.lever} takes ${def.kind === 'shift' ? 'shift' : 'relative or absolute'} changes`);
      const start = parseMonth(base.start);
      const by = parseMonth(opts.by);
      if (by < start) throw new InputError(`--by ${opts.by} is before the scenario's start ${base.start}`);
      const from = opts.from ?? base.start;
      const months = by - start + 1;
      const lo = opts.min ?? (change === 'relative' ? -0.9 : change === 'shift' ? 0 : -1);
      const hi = opts.max ?? (change === 'relative' ? 1 : 1);
      if (!(lo < hi)) throw new InputError(`--min ${lo} must be below --max ${hi}`);
      if (change === 'relative' && lo < -1) throw new InputError(`--min ${lo}: a relative change below -1 (−100%) would make ${opts.lever} negative`);
      if (change === 'shift' && (lo < 0 || hi > 1)) throw new InputError(`--min/--max: a shift moves a share between 0 and 1 (got ${lo} to ${hi})`);
      if (change === 'relative' && hi > 100) throw new InputError(`--max ${hi}: a relative change above 100 (+10,000%) is not plausible`);
      checkHorizon(base.start, months);
      const seed = opts.seed ?? base.seed;
      const evaluations: Evaluation[] = [];

      const evaluate = async (strength: number): Promise<Evaluation> => {
        const scenario = withLever(base, { lever: opts.lever, change, strength, from, ramp: opts.ramp });
        const bar = progress(`${opts.lever} ${formatNumber(strength)}`, opts.runs, opts.quiet);
        const r = await runEnsemble([scenario], { runs: opts.runs, seed, months, workers: opts.workers, onProgress: (d) => bar.update(d) });
        bar.stop();
        const xs = r.runs[0].map((run) => run.values[opts.kpi][months - 1]).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
        const e = { strength, p50: quantileSorted(xs, xs.length, 0.5), p5: quantileSorted(xs, xs.length, 0.05), p95: quantileSorted(xs, xs.length, 0.95) };
        evaluations.push(e);
        return e;
      };

      const current = await evaluate(0);
      const gap = (e: Evaluation) => e.p50 - opts.value;
      let a = await evaluate(lo);
      let b = await evaluate(hi);
      let found: Evaluation | undefined;
      const sameSide = (x: Evaluation, y: Evaluation) => Math.sign(gap(x)) === Math.sign(gap(y)) && gap(x) !== 0;
      if (gap(current) === 0) found = current;
      else if (!sameSide(a, current)) b = current;
      else if (!sameSide(current, b)) a = current;
      else {
        const best = [a, current, b].reduce((x, y) => (Math.abs(gap(y)) < Math.abs(gap(x)) ? y : x));
        write(undefined, best);
        throw new CheckFailed(
          `target out of reach: ${opts.kpi} ${opts.value} by ${opts.by} is not reached for ${opts.lever} between ${lo} and ${hi} (median ${formatNumber(a.p50)} to ${formatNumber(b.p50)}); nearest: ${formatNumber(best.p50)} at ${formatNumber(best.strength)}`,
        );
      }
      for (let i = 0; !found && i < opts.iterations; i++) {
        const mid = await evaluate((a.strength + b.strength) / 2);
        if (gap(mid) === 0) found = mid;
        else if (sameSide(mid, a)) a = mid;
        else b = mid;
      }
      found ??= Math.abs(gap(a)) <= Math.abs(gap(b)) ? a : b;
      write(found, found);

      function write(result: Evaluation | undefined, best: Evaluation): void {
        const rows = [...evaluations].sort((x, y) => x.strength - y.strength);
        const csv = ['strength,kpi_p50,kpi_p5,kpi_p95', ...rows.map((e) => [e.strength, e.p50, e.p5, e.p95].map(formatNumber).join(','))].join('\n') + '\n';
        writeFileAtomic(join(opts.out, 'target.csv'), csv);
        const json = {
          engineVersion: VERSION,
          command: commandLine(),
          scenario: base.name,
          lever: opts.lever,
          change,
          from,
          rampMonths: opts.ramp,
          kpi: opts.kpi,
          target: opts.value,
          by: opts.by,
          runs: opts.runs,
          seed,
          reached: result !== undefined,
          strength: best.strength,
          kpiAtStrength: { p50: best.p50, p5: best.p5, p95: best.p95 },
          baselineKpi: { p50: current.p50, p5: current.p5, p95: current.p95 },
          evaluations: rows,
        };
        writeFileAtomic(join(opts.out, 'target.json'), JSON.stringify(json, null, 2) + '\n');
        if (opts.quiet || !result) return;
        const what = change === 'relative' ? `${formatNumber(Math.round(result.strength * 1000) / 10)}%` : formatNumber(result.strength);
        process.stdout.write(
          '\n' +
            table([
              ['', 'strength', `${opts.kpi} ${monthKey(by)} median`, 'p5 to p95'],
              ['now', '0', formatNumber(current.p50), `${formatNumber(current.p5)} to ${formatNumber(current.p95)}`],
              ['target reached', what, formatNumber(result.p50), `${formatNumber(result.p5)} to ${formatNumber(result.p95)}`],
            ]) +
            `\n\n${opts.lever} ${change} ${what} from ${from}${opts.ramp ? ` (ramp ${opts.ramp} months)` : ''} brings the median ${kdef!.label} to ${formatNumber(result.p50)} by ${opts.by} (target ${opts.value}).\nWrote ${shown(join(opts.out, 'target.csv'))}, ${shown(join(opts.out, 'target.json'))}\n`,
        );
      }
    });
}
