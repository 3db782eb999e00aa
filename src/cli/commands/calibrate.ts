/**
 * `caseflow calibrate`: fits a base scenario's parameters to observed KPI series (--observed)
 * and/or estimates them from an event history (--events), and writes the calibrated scenario
 * with its fit tables beside it.
 */
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { monthKey, parseMonth } from '../../calendar/index.ts';
import {
  assertSomeObservations,
  estimateFromEventSource,
  estimateSources,
  type EventSource,
  defaultWindow,
  durationsCsv,
  estimatesCsv,
  withSources,
  withObservedTrend,
  withFitSources,
  fitParametersCsv,
  fitTableCsv,
  fitToObserved,
  historyBandCalibration,
  readObserved,
  rebaseScenario,
  scaleToPopulation,
  schemaOf,
  skippedByReason,
  transitionsCsv,
  withParameters,
  writeScenarioFile,
  type EventEstimates,
  type FitResult,
  type ObservedSet,
} from '../../calibration/index.ts';
import { DEFAULT_DAMPING, type TrendKind } from '../../calibration/estimateTypes.ts';
import { FLOW_PARTS, TREND_KINDS, type FlowPart } from '../../simulation/parameters.ts';

import { SHIPPED, loadScenario } from '../../node/scenarioLoader.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { forEachNdjsonEvent } from '../../node/ndjson.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { stagedPath } from '../../node/atomicFile.ts';
import { readingLog } from '../inputs.ts';
import type { ValidateMode } from '../../store/types.ts';
import { InputError } from '../../errors.ts';
import { eventLogSize } from '../run.ts';
import { readLog } from './backtestRolling.ts';
import { LIMITS, collect, finiteNumber, month, nonNegativeInt, outputFile, outputFolder, populationArg, positiveInt, runsArg, seedArg, workersArg } from '../options.ts';

/** The structural base of a calibration from an event history alone: national rates, for what the history does not inform. */
export const NATIONAL_BASE = join(SHIPPED, 'england-per-10k.json');
/** Children aged 0–17 assumed when neither --population nor --base gives them: rates per 10,000 are then nominal. */
const NOMINAL_POPULATION = 10000;

function parseScope(v: string): FlowPart[] {
  const parts = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const x of parts) if (!(FLOW_PARTS as readonly string[]).includes(x)) throw new InputError(`--scope: "${x}" is not a part of the flow (${FLOW_PARTS.join(', ')})`);
  if (parts.length === 0) throw new InputError('--scope: name at least one part of the flow');
  return parts as FlowPart[];
}
import { commandLine, shown } from '../run.ts';
import { paint, progress, table, warn } from '../terminal.ts';
import { VERSION } from '../../version.ts';
import { rounded as f } from '../format.ts';

interface CalibrateOptions {
  base?: string;
  population?: number;
  trend: TrendKind;
  damping?: number;
  scope?: string;
  observed?: string;
  events?: string;
  out: string;
  from?: string;
  to?: string;
  runs?: number;
  seed?: number;
  workers?: number;
  bands?: boolean;
  bandRuns?: number;
  iterations: number;
  exclude?: string[];
  prefer?: string;
  name?: string;
  tables?: string;
  validate: ValidateMode;
  quiet?: boolean;
}

/** `dir/name.json` → `<tables or dir>/name.<suffix>`. */
export function besideOut(out: string, suffix: string, tables?: string): string {
  return join(tables ?? dirname(out), basename(out).replace(/\.json$/i, '') + '.' + suffix);
}

/** Reads an event log into the estimator (two passes when the window is not given); file problems become InputErrors. */
function estimateFromLog(file: string, base: Scenario, window: { from?: string; to?: string }, validate: ValidateMode, quiet: boolean | undefined, model: { trend: TrendKind; damping?: number; scope?: FlowPart[] }): EventEstimates {
  const size = eventLogSize(file);
  let check = validate;
  const read: EventSource = (fn, pass) => {
    const bar = progress(pass === 'window' ? 'events (finding the window)' : 'events', size, quiet || size < 32 * 1024 * 1024);
    readingLog(file, check, bar, () => forEachNdjsonEvent(file, { validate: check, onProgress: (d) => bar.update(d), onWarning: warn }, fn));
    check = 'none'; // a second pass reads what the first validated
  };
  const range = { from: window.from !== undefined ? parseMonth(window.from) : undefined, to: window.to !== undefined ? parseMonth(window.to) : undefined };
  return estimateFromEventSource(file, read, base, range, model);
}

function printFit(fit: FitResult, observed: ObservedSet, out: string, tables?: string): void {
  const rows: string[][] = [['KPI', 'basis', 'months', 'observed', 'base', 'fitted', 'error %', 'informs']];
  for (const s of fit.series) rows.push([s.kpi, s.basis, String(s.n), f(s.observed), f(s.base), f(s.fitted), f(s.errorPct), s.target || (s.informs.length > 0 ? 'opening stock' : '–')]);
  process.stdout.write(`\nFit to ${shown(observed.file)}, ${fit.from} to ${fit.to} (${fit.runs} replications, seed ${fit.seed}; ${fit.converged ? 'converged' : 'best of ' + fit.iterations.length + ' evaluations, not every target within tolerance'}):\n\n`);
  process.stdout.write(table(rows) + '\n');
  const atBound = new Map<string, string>();
  for (const p of fit.parameters) if (p.note) atBound.set(p.target, p.note);
  if (atBound.size > 0) process.stdout.write(`\nAt a bound (the series pull further than the fit allows; a short window identifies these weakly): ${[...atBound].map(([t, n]) => `${t} ${n}`).join('; ')}\n`);
  if (fit.unfitted.length > 0) process.stdout.write(`\nNot fitted (kept as in the base): ${fit.unfitted.map((u) => `${u.target} (${u.reason})`).join('; ')}\n`);
  process.stdout.write(`${fit.notInformed.length} parameters no observed series informs are unchanged (listed in ${shown(besideOut(out, 'fit.json', tables))}).\n`);
  const skipped = [...observed.skipped, ...fit.skipped];
  const outside = skipped.length;
  if (outside > 0) process.stdout.write(`Rows not fitted: ${skippedByReason(skipped).map((r) => `${r.rows} ${r.reason}`).join('; ')}\n`);
  if (observed.duplicates.length > 0) process.stdout.write(`Duplicates: ${observed.duplicates.length} rows reported twice for one month; the later report's value was used (see fit.json)\n`);
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description("Fit a scenario's parameters to observed KPI series and/or estimate them from an event history")
    .option('--base <scenario>', 'scenario whose parameters are calibrated (its structure, families and unobserved parameters are kept); with --events alone it may be left out: national rates fill what the history does not inform, and the scope is the parts of the flow the history covers')
    .option('--population <n>', 'children aged 0–17 (default: the base scenario’s; without --base, a nominal 10,000, so rates per 10,000 are nominal)', populationArg)
    .addOption(new Option('--trend <kind>', 'trend of the arrival rates over the window (--events: into care; --observed: first contacts, from a year or more of the contact or referral series): none (the window’s mean), linear or damped (each month’s step a fraction --damping of the last)').choices([...TREND_KINDS]).default('none'))
    .option('--damping <ratio>', `monthly damping of a damped trend (default ${DEFAULT_DAMPING})`, finiteNumber('--damping'))
    .option('--scope <parts>', `parts of the flow to simulate, comma-separated (${FLOW_PARTS.join(', ')}; default with --events: the parts with events in the window)`)
    .option('--observed <csv>', 'observed KPI series (la|area,kpi,period,value,basis,kind,source,note, as in scenarios/data/southampton-observed.csv)')
    .option('--events <events.ndjson>', 'event history to estimate transition rates and durations from')
    .addOption(outputFile(new Option('--out <scenario.json>', 'calibrated scenario to write; tables are written beside it').makeOptionMandatory()))
    .option('--from <YYYY-MM>', 'first month of the fitting (or reference) window', month('--from'))
    .option('--to <YYYY-MM>', 'last month of the window', month('--to'))
    .option('--runs <n>', 'replications per ensemble while fitting, up to 10,000', runsArg, 20)
    .option('--seed <n>', 'random seed, 0 to 4294967295 (default: the base scenario’s seed)', seedArg)
    .option('--workers <n>', 'worker threads (default: all cores)', workersArg)
    .option('--no-bands', 'with --events alone: keep the ensemble’s own bands (by default they are calibrated on a rolling-origin back-test of the history)')
    .option('--band-runs <n>', 'replications at each origin of the back-test that calibrates the bands (default 20)', positiveInt('--band-runs', LIMITS.runs))
    .option('--iterations <n>', 'refinement iterations against ensembles, up to 100', nonNegativeInt('--iterations', 100), 8)
    .option('--exclude <kpi>', 'observed KPI not to fit (repeatable; still compared in the fit table)', collect)
    .option('--prefer <sources>', 'source prefixes in order of preference for duplicate rows (default: 001,002,000, the shared data’s latest reports first)')
    .option('--name <name>', 'name of the calibrated scenario (default: the base name + "-calibrated")')
    .addOption(outputFolder(new Option('--tables <dir>', 'folder for the fit and estimate tables (default: the folder of --out)')))
    .addOption(new Option('--validate <mode>', 'checks on the event log: full, schema or none').choices(['full', 'schema', 'none']).default('full'))
    .option('-q, --quiet', 'no progress or tables')
    .addHelpText(
      'after',
      `
With --observed: the fitting run starts at --from from the observed month-end stocks (children
looked after, UASC, on CP and CIN plans), method-of-moments estimates set what the data give
directly (conversion ratios, stock ÷ flow, timeliness percentages through the duration
distributions), then ensembles refine every fit target until its simulated series matches the
observed one. Each row's basis (month_count, month_end_stock, monthly_rate_per_10k,
ytd_cumulative_rate_per_10k, rolling12_pct, month_pct, annual_* …) decides how the simulated
number is computed; comparators, targets and rows of unknown basis are not fitted and are
listed. The default window is the latest unbroken run of observed months. The calibrated
scenario starts the month after --to, from the observed position at --to.

With --events: transition rates (monthly transitions ÷ the previous month's stock, by age band
and placement group), conversion shares, care leavers' shares (in touch, EET, suitable
accommodation, from their OC3 statuses) and duration distributions (censored maximum likelihood,
Kaplan–Meier tables; spells still open are right-censored) over the window (default: the last
36 months of the log, from its first month of full activity). With both, the event estimates are the starting point of the fit.

Writes <out>, and beside it (or in --tables) <name>.fit.csv (each observed series, fitted value, error and the
parameters it informed), <name>.fit-parameters.csv and <name>.fit.json; with --events
<name>.estimates.csv, <name>.transitions.csv and <name>.durations.csv.

Examples:
  $ caseflow calibrate --base scenarios/southampton-baseline.json --observed scenarios/data/southampton-observed.csv --to 2022-08 --out out/fit-to-2022-08.json
  $ caseflow calibrate --base scenarios/southampton-baseline.json --observed scenarios/data/southampton-observed.csv --from 2021-12 --to 2022-08 --runs 40 --out out/fit.json
  $ caseflow calibrate --base scenarios/southampton-baseline.json --events out/events.ndjson --from 2025-03 --to 2027-02 --out out/estimated.json`,
    )
    .action(async (opts: CalibrateOptions) => {
      if (!opts.observed && !opts.events) throw new InputError('calibrate needs --observed <csv>, --events <events.ndjson>, or both');
      if (!/\.json$/i.test(opts.out)) throw new InputError(`--out must name a .json scenario file (got "${opts.out}")`);
      if (!opts.base && opts.observed) throw new InputError('calibrate --observed needs --base <scenario> (the scenario whose parameters are fitted)');
      if (opts.damping !== undefined && !(opts.damping > 0 && opts.damping <= 1)) throw new InputError(`--damping must be above 0 and at most 1 (got ${opts.damping})`);
      const scope = opts.scope !== undefined ? parseScope(opts.scope) : undefined;
      const baseFile = opts.base ?? NATIONAL_BASE;
      const loadedBase = loadScenario(baseFile);
      const population = opts.population ?? (opts.base ? loadedBase.population : NOMINAL_POPULATION);
      // a history alone says nothing of population growth: none is assumed
      const base = opts.base ? (population === loadedBase.population ? loadedBase : { ...loadedBase, population }) : { ...loadedBase, population, parameters: { ...loadedBase.parameters, population: { growthPctPerYear: 0 } } };
      if (!opts.base && opts.population === undefined && !opts.quiet) process.stderr.write(`No --population: rates per 10,000 are per a nominal ${NOMINAL_POPULATION.toLocaleString('en-GB')} children (counts are right)\n`);
      const seed = opts.seed ?? base.seed;
      const written: string[] = [];
      let scenario = base;
      const notes: string[] = [];
      let estimates: EventEstimates | undefined;
      if (opts.events) {
        if (!opts.quiet) process.stderr.write(`Estimating from ${shown(resolve(opts.events))}\n`);
        estimates = estimateFromLog(opts.events, base, { from: opts.observed ? undefined : opts.from, to: opts.observed ? undefined : opts.to }, opts.validate, opts.quiet, { trend: opts.trend, damping: opts.damping, scope });
        scenario = withParameters(scenario, estimates.parameters, scenario.name, scenario.description);
        scenario = withSources(scenario, estimateSources(estimates));
        // from a history alone, the scenario starts where the history's window ends
        if (!opts.base) scenario = { ...scenario, start: monthKey(parseMonth(estimates.to) + 1) };
        if (!opts.quiet) {
          process.stderr.write(`Scope: ${estimates.scope.join(', ')} (events in the window: ${FLOW_PARTS.map((p) => `${p} ${estimates!.coverage[p]}`).join(', ')})\n`);
          if (estimates.repairs.starts + estimates.repairs.ends > 0) process.stderr.write(`Import repairs not counted as entries or exits: ${estimates.repairs.starts} starts, ${estimates.repairs.ends} ends of periods of care\n`);
        }
        const applied = estimates.estimates.filter((e) => e.applied).length;
        notes.push(`estimated from ${basename(opts.events)} over ${estimates.from} to ${estimates.to} (${applied} estimates applied)`);
        if (!opts.observed && opts.bands !== false) {
          // bands calibrated on how far the same estimator's projections from earlier origins missed
          if (!opts.quiet) process.stderr.write(`Calibrating the bands on a rolling-origin back-test of ${shown(resolve(opts.events))}\n`);
          const bands = await historyBandCalibration({ events: readLog(opts.events), base, label: basename(opts.events), last: parseMonth(estimates.to), runs: opts.bandRuns ?? 20, seed, model: { trend: opts.trend, damping: opts.damping, scope } });
          if (bands) {
            scenario = { ...scenario, bands };
            notes.push(`bands calibrated on a ${bands.source}`);
          } else if (!opts.quiet) process.stderr.write(`note: the bands are the ensemble's own: the history has too few origins (12 months of history and 3 ahead each) to calibrate them\n`);
        }
        const files: [string, string][] = [
          [besideOut(opts.out, 'estimates.csv', opts.tables), estimatesCsv(estimates.estimates)],
          [besideOut(opts.out, 'transitions.csv', opts.tables), transitionsCsv(estimates.transitions, estimates.entries, estimates.months)],
          [besideOut(opts.out, 'durations.csv', opts.tables), durationsCsv(estimates.durations)],
        ];
        for (const [p, text] of files) {
          writeFileAtomic(p, text);
          written.push(p);
        }
        if (!opts.quiet) {
          const rows = [['parameter', 'base', 'estimate', 'standard error', 'n']];
          for (const e of estimates.estimates.filter((x) => x.applied && !/\.(points|seasonality|cumulative)\./.test(x.path) && !/placement\.(atEntry|onMove)|placementMix|categories/.test(x.path))) {
            rows.push([e.path, f(e.base, 4), f(e.value, 4), f(e.se, 4), String(e.n)]);
          }
          process.stdout.write(`\nEstimates from ${estimates.events.toLocaleString('en-GB')} events (${estimates.children.toLocaleString('en-GB')} children), ${estimates.from} to ${estimates.to}:\n\n${table(rows)}\n`);
          const skippedEvents = Object.entries(estimates.skipped);
          if (skippedEvents.length > 0) process.stdout.write(`Events not used: ${skippedEvents.map(([k, v]) => `${v} ${k}`).join('; ')}\n`);
          process.stdout.write(`${estimates.notInformed.length} parameters the events do not inform are unchanged (listed in ${shown(besideOut(opts.out, 'estimates.csv', opts.tables))} as not applied, or absent).\n`);
        }
      }

      let fit: FitResult | undefined;
      let observed: ObservedSet | undefined;
      if (opts.observed) {
        const prefer = opts.prefer?.split(',').map((s) => s.trim()).filter(Boolean);
        observed = readObserved(opts.observed, { prefer });
        assertSomeObservations(observed);
        const scaledObs = scaleToPopulation(observed.observations, observed.populations, scenario.population);
        if (scaledObs.scaled > 0 && !opts.quiet) process.stderr.write(`${scaledObs.scaled} counts scaled from the observed population (${observed.file}: population_0_17) to the scenario's ${scenario.population.toLocaleString('en-GB')} children\n`);
        observed = { ...observed, observations: scaledObs.observations };
        const window = defaultWindow(observed.observations, opts.to !== undefined ? parseMonth(opts.to) : undefined);
        if (!window) throw new InputError(`${opts.observed}: no monthly observations to fit`);
        const from = opts.from !== undefined ? parseMonth(opts.from) : window.from;
        const to = window.to;
        if (from > to) throw new InputError(`--from ${monthKey(from)} is after --to ${monthKey(to)}`);
        if (!observed.observations.some((o) => o.month >= from && o.month <= to)) throw new InputError(`${opts.observed}: no usable observations between ${monthKey(from)} and ${monthKey(to)}`);
        if (!opts.quiet) process.stderr.write(`Fitting ${base.name} to ${shown(resolve(opts.observed))}, ${monthKey(from)} to ${monthKey(to)}: ${opts.runs} replications per ensemble, up to ${opts.iterations + 2} ensembles\n`);
        const bar = progress('ensembles', opts.iterations + 2, opts.quiet);
        fit = await fitToObserved({
          base: scenario,
          observations: observed.observations,
          from,
          to,
          runs: opts.runs!,
          seed,
          workers: opts.workers,
          iterations: opts.iterations,
          exclude: opts.exclude,
          file: baseFile,
          onProgress: (done) => bar.update(done),
        });
        bar.stop();
        scenario = withParameters(scenario, fit.fittedParameters, scenario.name, scenario.description);
        scenario = withFitSources(scenario, fit);
        // the calibrated scenario projects from the month after the window
        const rebased = rebaseScenario(scenario, to + 1, observed.observations, { lookBack: 2, file: opts.out });
        scenario = rebased.scenario;
        const trended = withObservedTrend(scenario, observed.observations.filter((o) => o.month >= from), to, opts.trend, opts.damping);
        scenario = trended.scenario;
        if (trended.trend) notes.push(`first contacts carry a ${opts.trend} trend of ${f(100 * trended.trend.fit.perYear, 1)}% a year (standard error ${f(100 * trended.trend.fit.sePerYear, 1)}), fitted on ${trended.trend.kpi} ${monthKey(trended.trend.from)} to ${monthKey(trended.trend.to)}`);
        else if (opts.trend !== 'none' && !opts.quiet) process.stderr.write(`note: no trend in first contacts: neither contacts nor referrals have a year of unbroken monthly counts up to ${monthKey(to)}\n`);
        notes.push(`fitted to ${basename(opts.observed)} over ${fit.from} to ${fit.to}; starts ${monthKey(to + 1)} from the observed position at ${rebased.opening.map((o) => o.month)[0] ?? monthKey(to)}`);
        const json = {
          format: 'caseflow-fit',
          engineVersion: VERSION,
          command: commandLine(),
          base: relative(process.cwd(), resolve(baseFile)),
          observed: relative(process.cwd(), resolve(opts.observed)),
          window: { from: fit.from, to: fit.to },
          runs: fit.runs,
          seed: fit.seed,
          converged: fit.converged,
          series: fit.series,
          parameters: fit.parameters,
          unfitted: fit.unfitted,
          notInformed: fit.notInformed,
          openingForFit: fit.openingForFit,
          openingOfCalibratedScenario: rebased.opening,
          iterations: fit.iterations,
          skipped: [...observed.skipped, ...fit.skipped],
          skippedByReason: skippedByReason([...observed.skipped, ...fit.skipped]),
          duplicates: observed.duplicates.map((d) => ({ kept: { line: d.kept.line, source: d.kept.source, value: d.kept.value }, dropped: { line: d.dropped.line, source: d.dropped.source, value: d.dropped.value }, kpi: d.kept.kpi, period: d.kept.period, basis: d.kept.basis })),
          estimates: estimates ? { window: { from: estimates.from, to: estimates.to }, applied: estimates.estimates.filter((e) => e.applied).length } : undefined,
        };
        const files: [string, string][] = [
          [besideOut(opts.out, 'fit.csv', opts.tables), fitTableCsv(fit.series)],
          [besideOut(opts.out, 'fit-parameters.csv', opts.tables), fitParametersCsv(fit.parameters)],
          [besideOut(opts.out, 'fit.json', opts.tables), JSON.stringify(json, null, 2) + '\n'],
        ];
        for (const [p, text] of files) {
          writeFileAtomic(p, text);
          written.push(p);
        }
      }

      const name = opts.name ?? `${base.name}-calibrated`;
      const description = `${base.name} calibrated by caseflow calibrate: ${notes.join('; ')}. Parameters no data informed are as in ${basename(baseFile)}${opts.base ? '' : ' (national rates)'}.`;
      const final = withParameters(scenario, scenario.parameters, name, description);
      writeScenarioFile(final, opts.out, schemaOf(baseFile));
      // the file must load back as a valid scenario
      loadScenario(opts.out, stagedPath(opts.out));
      written.unshift(opts.out);
      if (!opts.quiet) {
        if (fit && observed) printFit(fit, observed, opts.out, opts.tables);
        process.stdout.write(`\n${paint('bold', 'Wrote')} ${written.map(shown).join(', ')}\n`);
      }
    });
}
