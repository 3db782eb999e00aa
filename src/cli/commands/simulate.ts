import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import { replicationParameters } from '../../ensemble/index.ts';
import { kpiDef } from '../../projections/catalogue.ts';

import { loadScenario } from '../../node/scenarioLoader.ts';
import { runSimulation } from '../../simulation/index.ts';
import { NdjsonWriter } from '../../node/ndjson.ts';
import { addRunOptions, resolveRun, runWithProgress, shown, summariseAll, warnNationalDefaults, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, progress, table } from '../terminal.ts';
import { InputError } from '../../errors.ts';
import { isoDay, outputFile } from '../options.ts';
import { requireSome } from '../inputs.ts';
import { lastDayOfMonth, monthIndexOfDay, monthKey, parseIsoDate } from '../../calendar/index.ts';
import type { CaseEvent } from '../../events/index.ts';
import { openingFromEvents } from '../../returns/opening.ts';
import type { OpeningStock } from '../../simulation/index.ts';
import { LogFormatError } from '../../store/index.ts';
import { readNdjsonEvents } from '../../node/ndjson.ts';
import { headline } from '../format.ts';

interface SimulateOptions extends RunOptions {
  scenario: string;
  events?: string;
  opening?: string;
  asAt?: string;
}

/**
 * The opening stock from a real event history (imported returns): the children open at the
 * as-at date, which must be a month's last day; the projection starts the month after.
 */
function openingFrom(file: string, asAt: string | undefined): { opening: OpeningStock; start: string } {
  if (!asAt) throw new InputError('--opening needs --as-at YYYY-MM-DD (the date whose open children start the projection)');
  const day = parseIsoDate(asAt);
  const m = monthIndexOfDay(day);
  if (day !== lastDayOfMonth(m)) throw new InputError(`--as-at ${asAt} must be the last day of a month (the projection starts the month after)`);
  let events: CaseEvent[];
  try {
    events = [...readNdjsonEvents(file, { validate: 'full', onWarning: (w) => process.stderr.write(`warning: ${w}\n`) })];
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`--opening ${file}: events file not found`);
    throw err;
  }
  requireSome(file, events.length, 'the event log holds no events');
  let last = '';
  for (const e of events) if (e.date > last) last = e.date;
  const lastMonthEnd = last ? lastDayOfMonth(monthIndexOfDay(parseIsoDate(last))) : day;
  if (day > lastMonthEnd) throw new InputError(`--as-at ${asAt} is after the end of ${file} (its last event is on ${last}); the children open then are not known`);
  const opening = openingFromEvents(events, asAt);
  if (opening.children.length === 0) throw new InputError(`--opening ${file}: no child is open on ${asAt}`);
  return { opening, start: monthKey(m + 1) };
}

const HEADLINE = ['contacts', 'referrals', 'rereferral_pct', 'cin_open', 'cp_open', 'cla_open', 'cla_rate', 'placement_cost'];

/**
 * Writes the event log of replication 0 (with the scenario's interventions applied month by
 * month) as NDJSON, atomically: the file appears only when the run has finished.
 */
function writeEventLog(path: string, scenario: ReturnType<typeof loadScenario>, seed: number, months: number, quiet: boolean | undefined, opening?: OpeningStock) {
  const params = replicationParameters(scenario, seed, 0, months);
  const writer = new NdjsonWriter(resolve(path));
  const bar = progress('event log (replication 0), months', months, quiet);
  try {
    const r = runSimulation({
      scenario,
      seed,
      replication: 0,
      months,
      monthParameters: params,
      opening,
      sink: (e) => writer.write(e),
      onProgress: (m) => bar.update(m),
    });
    writer.close();
    return r;
  } catch (err) {
    writer.abort();
    throw err;
  } finally {
    bar.stop();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('simulate')
    .description('Run a scenario: seeded replications of the case-flow microsimulation, KPI outputs, and optionally the full event log of one replication')
    .requiredOption('--scenario <file>', 'scenario JSON (see scenarios/README.md)')
    .addOption(outputFile(new Option('--events <file>', 'also write the event log of replication 0 as NDJSON (one event per line, in date order)')))
    .option('--opening <events.ndjson>', 'start from the children open in a real event history (e.g. imported returns) instead of the synthesised opening stock')
    .option('--as-at <YYYY-MM-DD>', 'with --opening: the date (a month’s last day) whose open children start the projection; it starts the month after', isoDay('--as-at'));
  addRunOptions(cmd, { out: 'out' })
    .addHelpText(
      'after',
      `
Each replication r draws every random number from Rng.stream(seed, r), so the same scenario, seed
and replication give the same events byte for byte. The run starts from the scenario's opening
stock (children open at the end of the month before the start, with backdated history events)
and applies the scenario's interventions month by month. Writes kpis.csv, kpis.json and
report.html to --out (default out/); with --events, the full event log of replication 0 (history
first) to that file.

Examples:
  $ caseflow simulate --scenario scenarios/southampton-baseline.json
  $ caseflow simulate --scenario scenarios/southampton-baseline.json --runs 100 --months 36 --seed 7 --out out/baseline
  $ caseflow simulate --scenario scenarios/southampton-baseline.json --runs 1 --months 12 --events out/events.ndjson --no-report
  $ caseflow simulate --scenario scenarios/england-national.json --runs 1 --workers 1 --out out/england
  $ caseflow simulate --scenario scenarios/southampton-baseline.json --opening imported.ndjson --as-at 2023-03-31 --months 24`,
    )
    .action(async (opts: SimulateOptions) => {
      const loaded = loadScenario(opts.scenario);
      if (opts.asAt && !opts.opening) throw new InputError('--as-at goes with --opening <events.ndjson>');
      const real = opts.opening ? openingFrom(opts.opening, opts.asAt) : undefined;
      const scenario = real ? { ...loaded, start: real.start } : loaded;
      if (real && !opts.quiet) process.stderr.write(`Opening stock: ${real.opening.children.length.toLocaleString('en-GB')} children open on ${opts.asAt} in ${opts.opening}\n`);
      const run = resolveRun(scenario, opts);
      const out = opts.out ?? 'out';
      if (!opts.quiet) {
        process.stderr.write(`Simulating ${scenario.name}: ${run.runs} replication${run.runs === 1 ? '' : 's'} × ${run.months} months from ${scenario.start}, seed ${run.seed}, ${scenario.population.toLocaleString('en-GB')} children aged 0–17\n`);
      }
      warnNationalDefaults([scenario], opts.quiet);
      const logged = opts.events ? writeEventLog(opts.events, scenario, run.seed, run.months, opts.quiet, real?.opening) : undefined;
      const result = await runWithProgress([scenario], run, { ...opts, opening: real?.opening, label: 'replications' });
      const summaries = summariseAll([scenario], result);
      const files = await writeRunOutputs(out, [scenario], summaries, run, {
        report: opts.report !== false,
        title: scenario.name,
        extraMeta: { events: result.events[0], eventLog: logged ? { path: resolve(opts.events!), replication: 0, events: logged.events, children: logged.children } : undefined },
      });
      if (opts.quiet) return;
      const s = summaries[0];
      const last = run.months - 1;
      const rows: string[][] = [['KPI (median, p5 to p95)', s.startMonth, `month ${run.months}`]];
      for (const id of HEADLINE) {
        const series = s.stats[id];
        const def = kpiDef(id);
        if (!series || !def) continue;
        const cell = (m: number) => `${headline(series[m].p50, def.unit)} (${headline(series[m].p5, def.unit)}–${headline(series[m].p95, def.unit)})`;
        rows.push([def.label, cell(0), cell(last)]);
      }
      process.stdout.write('\n' + table(rows) + '\n\n');
      const total = result.events[0];
      process.stdout.write(`${total.toLocaleString('en-GB')} events simulated over ${run.runs} replication${run.runs === 1 ? '' : 's'}\n`);
      if (logged && opts.events) process.stdout.write(`${paint('bold', 'Event log')} ${shown(resolve(opts.events))}: ${logged.events.toLocaleString('en-GB')} events, ${logged.children.toLocaleString('en-GB')} children\n`);
      process.stdout.write(`${paint('bold', 'Wrote')} ${files.map(shown).join(', ')}\n`);
      const report = files.find((f) => f.endsWith('report.html'));
      if (report) process.stdout.write(`Open the report: ${paint('cyan', shown(report))}\n`);
    });
}
