/**
 * `caseflow replay <events.ndjson> --out <dir>`: reads an event log, validates every event and
 * every child's sequence, recomputes the KPI projections (kpis.csv, kpis.json, report.html) and
 * writes per-month counts of each event type.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { EVENT_TYPES, type CaseEvent } from '../../events/schema.ts';
import { EventCounter } from '../../store/replay.ts';
import { replayLog } from '../../node/replay.ts';
import { LogFormatError, type ValidateMode } from '../../store/types.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { InputError } from '../../errors.ts';
import { checkHorizon, eventLogSize } from '../run.ts';
import { readingLog, requireSome, trusting } from '../inputs.ts';
import { paint, progress, table, warn } from '../terminal.ts';
import { month as monthOption, monthsArg, outputFolder, populationArg } from '../options.ts';
import { monthIndexOfIso, monthKey, parseMonth } from '../../calendar/index.ts';
import { KpiProjector, calibrateSummary, summarise, type ProjectorOptions } from '../../projections/index.ts';
import { loadScenario } from '../../node/scenarioLoader.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { projectorOptionsFor, scenarioMonthParameters } from '../../ensemble/index.ts';
import { readNdjsonEvents } from '../../node/ndjson.ts';
import { writeRunOutputs, shown, RUN_FAMILY } from '../run.ts';
import { count } from '../format.ts';

interface ReplayCliOptions {
  out: string;
  validate: ValidateMode;
  quiet?: boolean;
  scenario?: string;
  start?: string;
  months?: number;
  population?: number;
  name?: string;
  report?: boolean;
}

/** First and last event month of a log (a quick pass without validation). */
function eventMonths(file: string): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  try {
    for (const e of readNdjsonEvents(file, { validate: 'none' })) {
      // a quick pass: an event without a usable date is found by the validating pass
      const m = typeof e.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(e.date) ? monthIndexOfIso(e.date) : NaN;
      if (!Number.isFinite(m)) continue;
      if (m < first) first = m;
      if (m > last) last = m;
    }
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    throw err;
  }
  return first === Infinity ? undefined : { first, last };
}

/** Projector options from a scenario (population, unit costs) or from --start/--population. */
function projectionFor(file: string, opts: ReplayCliOptions): { options: ProjectorOptions; scenario?: Scenario; name: string } {
  if (opts.scenario) {
    const scenario = loadScenario(opts.scenario);
    const start = opts.start ?? scenario.start;
    if (start !== scenario.start) throw new InputError(`--start ${start} differs from the scenario's start ${scenario.start}; give one or the other`);
    const months = opts.months ?? scenario.months;
    checkHorizon(start, months);
    return { options: projectorOptionsFor(scenario, scenarioMonthParameters(scenario, months)), scenario, name: opts.name ?? scenario.name };
  }
  if (opts.population === undefined) throw new InputError('replay needs --scenario <file>, or --population <children 0-17> (with --start) for the rates per 10,000');
  const span = eventMonths(file);
  const start = opts.start ?? (span ? monthKey(span.first) : undefined);
  if (!start) throw new InputError(`${file}: no events; give --start and --months`);
  const months = opts.months ?? (span ? Math.max(1, span.last - parseMonth(start) + 1) : 1);
  checkHorizon(start, months);
  return { options: { startMonth: start, months, population: opts.population }, name: opts.name ?? 'replay' };
}

/** Logs this big (bytes) or bigger get a progress display. */
const PROGRESS_FROM_BYTES = 32 * 1024 * 1024;

export async function runReplay(file: string, opts: ReplayCliOptions): Promise<void> {
  const size = eventLogSize(file);
  requireSome(file, size, 'the event log is empty');

  const projection = projectionFor(file, opts);
  let projector = new KpiProjector(projection.options);
  // Projections need events in date order across children. A log written stream by stream is
  // not: then the events are read again, sorted by date (stable) and projected from memory.
  let lastDate = '';
  let ordered = true;
  const project = (e: CaseEvent) => {
    if (!ordered) return;
    if (e.date < lastDate) {
      ordered = false;
      return;
    }
    lastDate = e.date;
    projector.apply(e);
  };
  const counter = new EventCounter();
  const bar = progress('replay (bytes)', size, opts.quiet || size < PROGRESS_FROM_BYTES);
  const result = readingLog(file, opts.validate, bar, () => replayLog(file, [counter.sink, project], { validate: opts.validate, onProgress: (done) => bar.update(done), onWarning: warn }));

  requireSome(file, result.events, 'the event log holds no events');
  const outFile = join(opts.out, 'event-counts.csv');
  writeFileAtomic(outFile, counter.toCsv());
  if (!ordered) {
    const events = [...readNdjsonEvents(file, { validate: 'none' })];
    const order = events.map((_, i) => i).sort((a, b) => (events[a].date < events[b].date ? -1 : events[a].date > events[b].date ? 1 : a - b));
    projector = new KpiProjector(projection.options);
    trusting(file, opts.validate, () => {
      for (const i of order) projector.apply(events[i]);
    });
    if (!opts.quiet) process.stderr.write(`note: ${file} is not in date order across children; sorted ${count(events.length)} events in memory for the KPIs\n`);
  }
  // with --scenario, the scenario's calibrated bands as simulate applies them
  const summary = trusting(file, opts.validate, () => calibrateSummary(summarise(projection.name, [projector.finish()]), projection.scenario?.bands));
  const { startMonth, months } = projection.options;
  const written = await writeRunOutputs(opts.out, projection.scenario ? [projection.scenario] : [], [summary], { seed: 0, runs: 1, months }, {
    report: opts.report !== false,
    title: `Replay of ${file}`,
    startMonth,
    extraMeta: { replayOf: file, events: result.events, streams: result.streams },
  });

  const out: string[] = [];
  out.push(`replayed ${count(result.events)} events in ${count(result.streams)} streams from ${file} (validation: ${opts.validate})`);
  if (result.warnings.length > 0) out.push(paint('yellow', `${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'} (see above)`));
  const skipped = counter.unknownTypes + counter.badDates;
  if (skipped > 0) {
    out.push(paint('yellow', `not counted: ${counter.unknownTypes} events of unknown type, ${counter.badDates} with a bad date (use --validate full to locate them)`));
  }
  if (!opts.quiet && result.events > 0) {
    const totals = new Map<string, number>();
    for (const r of counter.rows()) totals.set(r.eventType, (totals.get(r.eventType) ?? 0) + r.count);
    out.push(table([['event type', 'events'], ...EVENT_TYPES.map((t) => [t, count(totals.get(t) ?? 0)])]));
  }
  out.push(`wrote ${[...written, outFile].map(shown).join(', ')}`);
  process.stdout.write(out.join('\n') + '\n');
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('Validate an NDJSON event log (schema and every child\'s journey) and recompute its KPIs')
    .argument('<events.ndjson>', 'event log, one JSON event per line')
    .addOption(outputFolder(new Option('-o, --out <dir>', 'output folder for kpis.csv, kpis.json, report.html and event-counts.csv').makeOptionMandatory(), RUN_FAMILY))
    .option('--scenario <file>', 'scenario the log belongs to: its name, start, horizon, population and unit costs are used for the KPIs')
    .option('--start <YYYY-MM>', 'first reported month (default: the scenario’s start, or the log’s first month)', monthOption('--start'))
    .option('--months <n>', 'months to report, up to 600 (default: the scenario’s horizon, or up to the log’s last month)', monthsArg)
    .option('--population <n>', 'children aged 0–17 (100 to 20,000,000), for rates per 10,000 when no --scenario is given', populationArg)
    .option('--name <name>', 'scenario name in kpis.csv (default: the scenario’s name, or "replay")')
    .option('--no-report', 'do not write report.html')
    .addOption(
      new Option('--validate <mode>', 'full: schema and journey rules; schema: schema only; none: trust the log (fastest)')
        .choices(['full', 'schema', 'none'])
        .default('full'),
    )
    .option('-q, --quiet', 'no progress display and no totals table')
    .addHelpText(
      'after',
      `
Output:
  <dir>/kpis.csv, kpis.json  the KPI projections computed from the events alone; for a log written
                           by \`simulate --events\` with the same scenario and --months, kpis.csv is
                           byte-identical to the one simulate wrote with --runs 1
  <dir>/report.html        charts of the replayed KPIs
  <dir>/event-counts.csv   month,event_type,count for every month from the first to the last
                           event and every event type (zeros included)

A torn final line (the writer stopped mid-line) is skipped with a warning. Any other bad line
stops the replay with exit code 2 and names the file and line.

Examples:
  $ caseflow replay out/events.ndjson --scenario scenarios/southampton-baseline.json --out out/replay
  $ caseflow replay imported.ndjson --population 49500 --start 2019-04 --out out/history
  $ caseflow replay big.ndjson --scenario scenarios/england-national.json --out out --validate none --quiet --no-report`,
    )
    .action((file: string, opts: ReplayCliOptions) => runReplay(file, opts));
}
