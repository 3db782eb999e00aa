/**
 * `caseflow backtest`: runs a scenario (from its start, or rewound to N months before the last
 * observation) and compares every observed value after the start with the ensemble.
 */
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { monthKey } from '../../calendar/index.ts';
import {
  assertSomeObservations,
  backtestCsv,
  backtestStart,
  backtestSummaryCsv,
  comparableObservations,
  compareWithEnsemble,
  readObserved,
  rewindScenario,
  scaleToPopulation,
  skippedByReason,
  type RebaseResult,
} from '../../calibration/index.ts';

import { loadScenario } from '../../node/scenarioLoader.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { VERSION } from '../../version.ts';
import { CheckFailed, InputError } from '../../errors.ts';
import { LIMITS, numberIn, populationArg, positiveInt } from '../options.ts';
import { addRunOptions, commandLine, resolveRun, runWithProgress, shown, summariseAll, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, table } from '../terminal.ts';
import { parseHorizons, parseTrends, runRolling, type RollingOptions } from './backtestRolling.ts';
import { collect, month } from '../options.ts';
import { Option } from 'commander';
import { tenths as f } from '../format.ts';

interface BacktestOptions extends RunOptions, RollingOptions {
  scenario?: string;
  observed?: string;
  rewind?: number;
  prefer?: string;
  maxMape?: number;
  minInBand?: number;
}

export function register(program: Command): void {
  const cmd = program
    .command('backtest')
    .description('Score projections against what happened: from many origins inside an event history or observed series (rolling origins, with naive and Markov benchmarks), or from one start')
    .option('--scenario <file>', 'scenario JSON (with --events: the base for what the history does not inform; default the national-rates scenario)')
    .option('--observed <csv>', 'observed KPI series (la|area,kpi,period,value,basis,kind,source,note, as in scenarios/data/southampton-observed.csv)')
    .option('--events <[label=]events.ndjson>', 'event history (e.g. imported SSDA903 returns) to back-test on, at rolling origins (repeatable: one per council)', collect)
    .addOption(new Option('--every <step>', 'rolling origins at every quarter end or every month (with --observed: turns on the rolling back-test)').choices(['quarter', 'month']))
    .option('--horizons <months>', 'months ahead to score, comma-separated (default 3,6,12,24)', parseHorizons)
    .option('--history-from <YYYY-MM>', 'with --events: the first month the history covers in full (for SSDA903 returns, April of the first year; default: found from the events)', month('--history-from'))
    .option('--to <YYYY-MM>', 'with --events: the last month of the history (default: the month of the last event)', month('--to'))
    .option('--min-history <months>', 'months of history before the first origin (default 12 for --events, 3 for --observed)', positiveInt('--min-history', LIMITS.months))
    .option('--reference-months <n>', 'with --events: the longest reference window before an origin (default 36)', positiveInt('--reference-months', LIMITS.months))
    .option('--fit-runs <n>', 'with --observed and --every: replications of the fit at each origin (default 8)', positiveInt('--fit-runs', LIMITS.runs))
    .option('--fit-iterations <n>', 'with --observed and --every: refinement iterations of the fit at each origin (default 2)', positiveInt('--fit-iterations', 100))
    .option('--trend <kinds>', 'trend of the arrival rates (--events: into care; --observed: first contacts, fitted on a year or more of the contact or referral series), none, linear or damped; several (comma-separated) or all: each is back-tested on the same origins and the best kept (default none)', parseTrends)
    .option('--population <n>', 'children aged 0–17 (overrides the scenario’s, for rates per 10,000)', populationArg)
    .option('--rewind <n>', 'start N months before the last observation (the last N observed months are projected), from the observed position then', positiveInt('--rewind', 600))
    .option('--prefer <sources>', 'source prefixes in order of preference for duplicate rows (default: 001,002,000)')
    .option('--max-mape <pct>', 'exit 1 when any KPI’s mean absolute percentage error exceeds this', numberIn('--max-mape', 0, 1_000_000))
    .option('--min-in-band <pct>', 'exit 1 when any KPI has a smaller share of actuals inside the p5–p95 band', numberIn('--min-in-band', 0, 100))
    .option('--bands-into <scenario.json>', 'with rolling origins and one history or series: write the band factors of this back-test into that scenario file (its `bands`; the rest of the file kept as it is)');
  addRunOptions(cmd, { out: 'out/backtest' })
    .addHelpText(
      'after',
      `
Each observed row is compared on its own basis (month counts, month-end stocks, monthly or
year-to-date rates per 10,000, rolling 12-month percentages, financial-year figures …) with the
same number computed from every replication. Rows before the start, targets, comparators and
rows of unknown basis are not compared; the counts by reason are printed.

--months defaults to the months from the start to the last observation. With --rewind N the
projection starts N months before the last observed month (it projects the last N observed
months) from the observed month-end stocks of the month before, so a user with only recent
history can back-test too.

Writes backtest.csv (kpi,month,actual,p50,p5,p95,abs_pct_error,in_band), backtest-summary.csv
(per KPI: mean absolute percentage error and share of actuals inside the p5–p95 band),
backtest.json, kpis.csv, kpis.json and report.html to --out (default out/backtest).

Rolling origins (--events, or --observed with --every): at each origin the model is estimated
from the history before it only (--events: the estimates of calibrate --events, projected from
the children open at the origin; --observed: the fit of calibrate --observed to the unbroken run
of months ending there, from the observed position) and compared, 3, 6, 12 and 24 months ahead,
with what was recorded later: stocks at the month end, flows as totals over the months ahead.
Benchmarks on the same origins: the last value carried forward (naive) and, for an event
history, the expected-value Markov projection of the standard demand model. Writes
backtest-origins.csv (every origin × horizon × KPI: actual, p5 … p95, naive, markov),
backtest-scores.csv (MAPE, MASE against each benchmark, p5–p95 and p25–p75 coverage),
backtest.json and a report whose projection starts at the end of the history, with a back-test
section. With several --trend options each is back-tested on the same origins and the one with
the lowest mean MASE against the naive forecast (--events: children looked after, entries and
exits; --observed: every KPI scored; every horizon) is kept, or the simplest (none, damped,
linear) within 0.5% of it: backtest-trend.csv lists them. An
observed series' trend is fitted at each origin on the latest unbroken year or more of monthly
contacts (or referrals), seasonality removed; its slope and level are drawn per replication
from their standard errors. Each origin's ensemble runs in this thread
unless --workers is given (they are small).

Examples:
  $ caseflow backtest --events imported.ndjson --history-from 2017-04 --runs 20 --out out/bt
  $ caseflow backtest --events Bromley=bromley.ndjson --events Southwark=southwark.ndjson --history-from 2017-04 --trend all
  $ caseflow backtest --scenario scenarios/england-per-10k.json --observed scenarios/data/southampton-observed.csv --every month --population 49500
  $ caseflow backtest --scenario scenarios/calibration/southampton-fit-to-2022-08.json --observed scenarios/data/southampton-observed.csv --runs 100
  $ caseflow backtest --scenario scenarios/southampton-baseline.json --observed scenarios/data/southampton-observed.csv --rewind 6 --runs 50 --out out/rewind
  $ caseflow backtest --scenario scenarios/calibration/southampton-fit-to-2022-08.json --observed scenarios/data/southampton-observed.csv --max-mape 15 --no-report`,
    )
    .action(async (opts: BacktestOptions) => {
      if ((opts.events && opts.events.length > 0) || opts.every !== undefined) {
        if (opts.rewind !== undefined) throw new InputError('--rewind goes with a single-start back-test, not with --events or --every');
        if (opts.events && opts.events.length > 0 && opts.observed) throw new InputError('give --events or --observed, not both');
        return runRolling(opts);
      }
      if (opts.bandsInto !== undefined) throw new InputError('--bands-into goes with a rolling back-test (--events, or --observed with --every)');
      if (!opts.scenario) throw new InputError('backtest needs --scenario <file> with --observed <csv> (or --events <events.ndjson>)');
      if (!opts.observed) throw new InputError('backtest needs --observed <csv> or --events <events.ndjson>');
      let scenario = loadScenario(opts.scenario);
      const prefer = opts.prefer?.split(',').map((s) => s.trim()).filter(Boolean);
      const read = readObserved(opts.observed, { prefer });
      assertSomeObservations(read);
      const scaledObs = scaleToPopulation(read.observations, read.populations, scenario.population);
      const observed = { ...read, observations: scaledObs.observations };
      if (scaledObs.scaled > 0 && !opts.quiet) process.stderr.write(`${scaledObs.scaled} counts scaled from the observed population (population_0_17) to the scenario's ${scenario.population.toLocaleString('en-GB')} children\n`);
      let rebase: (RebaseResult & { start: number; last: number }) | undefined;
      if (opts.rewind !== undefined) {
        const months = observed.observations.map((o) => o.month);
        const first = Math.min(...months);
        const lastObs = Math.max(...months);
        const span = months.length > 0 ? lastObs - first + 1 : 0;
        if (opts.rewind >= span) {
          throw new InputError(`--rewind ${opts.rewind}: ${opts.observed} holds ${span} month${span === 1 ? '' : 's'} of observations (${span > 0 ? `${monthKey(first)} to ${monthKey(lastObs)}` : 'none'}); rewind by fewer months than that, so that there is an observed position to start from`);
        }
        rebase = rewindScenario(scenario, observed.observations, opts.rewind, opts.scenario);
        scenario = rebase.scenario;
      }
      const { start, last } = backtestStart(scenario, observed.observations, undefined);
      if (!Number.isFinite(last) || last < start) {
        throw new InputError(`${opts.observed}: no observed months at or after the projection start ${monthKey(start)} (last observation ${Number.isFinite(last) ? monthKey(last) : 'none'}); use --rewind N to start N months before the last observation`);
      }
      const run = resolveRun(scenario, { ...opts, months: opts.months ?? last - start + 1 });
      const { compared, skipped } = comparableObservations(observed.observations, scenario.start, run.months);
      if (compared.length === 0) throw new InputError(`${opts.observed}: no observation can be compared with a projection of ${run.months} months from ${scenario.start}`);
      const out = opts.out ?? 'out/backtest';
      if (!opts.quiet) {
        process.stderr.write(`Back-testing ${scenario.name}: ${run.runs} replications × ${run.months} months from ${scenario.start}${rebase ? ` (rewound ${opts.rewind} months; opening from ${rebase.opening.map((o) => `${o.kpi} ${o.month}`).join(', ') || 'the scenario'})` : ''}, seed ${run.seed}\n`);
      }
      const result = await runWithProgress([scenario], run, { ...opts, label: 'replications' });
      const { rows, summary } = compareWithEnsemble(compared, result.runs[0]);
      const allSkipped = [...observed.skipped, ...skipped];
      const files = [join(out, 'backtest.csv'), join(out, 'backtest-summary.csv'), join(out, 'backtest.json')];
      writeFileAtomic(files[0], backtestCsv(rows));
      writeFileAtomic(files[1], backtestSummaryCsv(summary));
      const json = {
        format: 'caseflow-backtest',
        engineVersion: VERSION,
        command: commandLine(),
        scenario: { name: scenario.name, file: relative(process.cwd(), resolve(opts.scenario)), start: scenario.start },
        observed: relative(process.cwd(), resolve(opts.observed)),
        rewind: opts.rewind ?? null,
        opening: rebase ? { set: rebase.opening, unchanged: rebase.unchanged } : null,
        seed: run.seed,
        runs: run.runs,
        months: run.months,
        compared: rows.length,
        summary,
        skippedByReason: skippedByReason(allSkipped),
        duplicates: observed.duplicates.length,
      };
      writeFileAtomic(files[2], JSON.stringify(json, null, 2) + '\n');
      const summaries = summariseAll([scenario], result);
      files.push(...(await writeRunOutputs(out, [scenario], summaries, run, { report: opts.report !== false, title: `Back-test: ${scenario.name}`, extraMeta: { backtest: { observed: relative(process.cwd(), resolve(opts.observed)), rewind: opts.rewind ?? null } } })));

      const worstMape = summary.filter((s) => opts.maxMape !== undefined && s.mape > opts.maxMape);
      const worstBand = summary.filter((s) => opts.minInBand !== undefined && s.inBandPct < opts.minInBand);
      if (!opts.quiet) {
        const t = [['KPI', 'basis', 'months', 'MAPE %', 'in p5–p95 %', 'mean error']];
        for (const s of summary) t.push([s.kpi, s.basis, String(s.n), f(s.mape), f(s.inBandPct), f(s.meanError)]);
        process.stdout.write(`\n${paint('bold', `Back-test of ${scenario.name}`)}: ${rows.length} observed values from ${scenario.start} to ${monthKey(start + run.months - 1)} against ${run.runs} replications\n\n${table(t)}\n`);
        process.stdout.write(`\nNot compared: ${skippedByReason(allSkipped).map((r) => `${r.rows} ${r.reason}`).join('; ') || 'none'}${observed.duplicates.length ? `; ${observed.duplicates.length} duplicates (the later report's value used)` : ''}\n`);
        process.stdout.write(`${paint('bold', 'Wrote')} ${files.map(shown).join(', ')}\n`);
      }
      if (worstMape.length > 0 || worstBand.length > 0) {
        const parts = [
          ...worstMape.map((s) => `${s.kpi} MAPE ${f(s.mape)}% > ${opts.maxMape}%`),
          ...worstBand.map((s) => `${s.kpi} ${f(s.inBandPct)}% in band < ${opts.minInBand}%`),
        ];
        throw new CheckFailed(`back-test failed: ${parts.join('; ')}`);
      }
    });
}
