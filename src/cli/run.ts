/**
 * What every ensemble command shares: the run options (--seed, --runs, --months, --workers,
 * --out, --quiet), running scenarios with a progress bar, and writing kpis.csv, kpis.json and
 * report.html.
 */
import { Option, type Command } from 'commander';
import { statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { fsReason } from './paths.ts';
import { join, relative } from 'node:path';
import { runEnsemble, type EnsembleResult } from '../ensemble/index.ts';
import { loadComparators } from '../node/comparators.ts';
import { writeKpiOutputs } from '../node/kpiOutputs.ts';
import { summariseScenarios } from '../ensemble/summaries.ts';
import type { Comparator, KpiSummary } from '../projections/types.ts';
import type { Scenario } from '../scenarios/index.ts';
import { describeInterventions } from '../scenarios/interventions.ts';
import { nationalDefaultNotes, provenanceTable } from '../scenarios/provenance.ts';
import { FLOW_PARTS } from '../simulation/parameters.ts';
import type { OpeningStock } from '../simulation/index.ts';
import { writeReport, type ReportComparisonRow, type ReportEffects, type ReportInput, type ReportMoneyRow } from '../report/index.ts';
import { describeProgrammeCosts } from '../scenarios/programmeCost.ts';
import { VERSION } from '../version.ts';
import { monthsArg, outputFolder, runsArg, seedArg, workersArg } from './options.ts';
import { LAST_PROJECTED_MONTH, projectionEnd } from '../scenarios/index.ts';
import { progress } from './terminal.ts';

export interface RunOptions {
  seed?: number;
  runs?: number;
  months?: number;
  workers?: number;
  out?: string;
  quiet?: boolean;
  report?: boolean;
}

/** Adds the run options every ensemble command takes, with the same names and meanings. */
export function addRunOptions(cmd: Command, defaults: { out?: string } = {}): Command {
  return cmd
    .option('--seed <n>', 'random seed, 0 to 4294967295 (default: the scenario’s seed)', seedArg)
    .option('--runs <n>', 'replications, up to 10,000 (default: the scenario’s runs)', runsArg)
    .option('--months <n>', 'months to project, up to 600 (default: the scenario’s horizon)', monthsArg)
    .option('--workers <n>', 'worker threads (default: all cores)', workersArg)
    .addOption(outputFolder(new Option('--out <dir>', 'output folder').default(defaults.out), RUN_FAMILY))
    .option('--no-report', 'do not write report.html')
    .addOption(new Option('-q, --quiet', 'no progress or summary output'));
}

export interface ResolvedRun {
  readonly seed: number;
  readonly runs: number;
  readonly months: number;
}

/** Every file an ensemble command may write to its --out folder: a new set replaces all of them. */
export const RUN_FAMILY = [
  'kpis.csv',
  'kpis.json',
  'report.html',
  'comparison.csv',
  'comparison-totals.csv',
  'event-counts.csv',
  'backtest.csv',
  'backtest-summary.csv',
  'backtest.json',
  'backtest-origins.csv',
  'backtest-scores.csv',
  'moved.csv',
] as const;

export function resolveRun(scenario: Scenario, opts: RunOptions): ResolvedRun {
  const run = { seed: opts.seed ?? scenario.seed, runs: opts.runs ?? scenario.runs, months: opts.months ?? scenario.months };
  checkHorizon(scenario.start, run.months);
  return run;
}

/** Refuses a horizon that runs past the calendar (a bad-input error naming --months). */
export function checkHorizon(start: string, months: number): void {
  const end = projectionEnd(start, months);
  if (end > LAST_PROJECTED_MONTH) throw new InputError(`--months ${months}: from ${start} the projection would end in ${end}, after ${LAST_PROJECTED_MONTH} (the calendar ends in 2100)`);
}

/** Runs the scenarios as one paired ensemble, showing progress on stderr. */
export async function runWithProgress(
  scenarios: readonly Scenario[],
  run: ResolvedRun,
  opts: RunOptions & { opening?: OpeningStock; label?: string },
): Promise<EnsembleResult> {
  const bar = progress(opts.label ?? 'replications', run.runs, opts.quiet);
  try {
    return await runEnsemble(scenarios, { ...run, workers: opts.workers, opening: opts.opening, onProgress: (d) => bar.update(d) });
  } finally {
    bar.stop();
  }
}

export function scenarioComparators(scenario: Scenario): Comparator[] {
  return scenario.comparators ? loadComparators(scenario.comparators) : [];
}

export function summariseAll(scenarios: readonly Scenario[], result: EnsembleResult): KpiSummary[] {
  return summariseScenarios(scenarios, result.runs);
}

export function scenarioMeta(s: Scenario): Record<string, unknown> {
  const costs = describeProgrammeCosts(s.interventions);
  return {
    name: s.name,
    description: s.description,
    start: s.start,
    population: s.population,
    interventions: s.interventions,
    effects: describeInterventions(s.interventions),
    ...(costs.length > 0 ? { costs } : {}),
    scope: s.parameters.scope ?? [...FLOW_PARTS],
    notes: nationalDefaultNotes(s.parameters, s.provenance),
    provenance: provenanceTable(s.parameters, s.provenance),
    uncertainty: s.uncertainty ?? {},
    ...(s.bands ? { bands: s.bands } : {}),
  };
}

/** One stderr line per flow in a scenario's scope that leans on national defaults. */
export function warnNationalDefaults(scenarios: readonly Scenario[], quiet?: boolean): void {
  if (quiet) return;
  for (const s of scenarios) for (const n of nationalDefaultNotes(s.parameters, s.provenance)) process.stderr.write(`note: ${s.name} leans on national defaults: ${n}\n`);
}

/** The command line that produced an output, as a user would type it. */
export function commandLine(argv: readonly string[] = process.argv.slice(2)): string {
  return ['caseflow', ...argv].map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export async function writeRunOutputs(
  dir: string,
  scenarios: readonly Scenario[],
  summaries: readonly KpiSummary[],
  run: ResolvedRun,
  opts: {
    report: boolean;
    baseline?: string;
    comparison?: ReportComparisonRow[];
    money?: ReportMoneyRow[];
    costAssumptions?: string[];
    effects?: ReportEffects[];
    title: string;
    extraMeta?: Record<string, unknown>;
    /** First month, when no scenario file stands behind the summaries (a replayed log). */
    startMonth?: string;
    /** A rolling-origin back-test to show in the report. */
    backtest?: ReportInput['backtest'];
  },
): Promise<string[]> {
  const comparators = scenarios[0] ? scenarioComparators(scenarios[0]) : [];
  const startMonth = scenarios[0]?.start ?? opts.startMonth ?? summaries[0].startMonth;
  const meta = {
    engineVersion: VERSION,
    command: commandLine(),
    seed: run.seed,
    runs: run.runs,
    months: run.months,
    startMonth,
    scenarios: scenarios.map(scenarioMeta),
    ...opts.extraMeta,
  };
  const files = writeKpiOutputs(dir, summaries, { comparators, meta });
  const written = [files.csvPath, files.jsonPath];
  if (opts.report) {
    const input: ReportInput = {
      title: opts.title,
      generatedBy: { engineVersion: VERSION, command: commandLine() },
      seed: run.seed,
      runs: run.runs,
      startMonth,
      months: run.months,
      scenarios: summaries.map((summary, i) => ({
        name: summary.scenario,
        description: scenarios[i]?.description ?? '',
        assumptions: scenarios[i] ? [...describeInterventions(scenarios[i].interventions), ...describeProgrammeCosts(scenarios[i].interventions)] : [],
        summary,
        ...(scenarios[i]
          ? {
              scope: scenarios[i].parameters.scope,
              notes: nationalDefaultNotes(scenarios[i].parameters, scenarios[i].provenance),
              sources: provenanceTable(scenarios[i].parameters, scenarios[i].provenance),
              drawnParameters: Object.keys(scenarios[i].uncertainty ?? {}).length,
            }
          : {}),
      })),
      baseline: opts.baseline,
      comparators,
      comparison: opts.comparison,
      money: opts.money,
      effects: opts.effects,
      backtest: opts.backtest,
    };
    const path = join(dir, 'report.html');
    await writeReport(path, input);
    written.push(path);
  }
  return written;
}

export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** Size in bytes of an event log the user named; a missing or unreadable file is an InputError. */
export function eventLogSize(file: string): number {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError(`${file}: ${st.isDirectory() ? 'is a folder, not a file' : st.isFIFO() ? 'is a FIFO (named pipe), not a regular file' : 'is not a regular file'}`);
    return st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: events file not found` : `${file}: cannot read (${fsReason(code, (err as Error).message)})`);
  }
}
