/**
 * `caseflow replay <events.ndjson> --out <dir>`: reads an event log, validates every event and
 * every child's sequence, and writes per-month counts of each event type.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { EVENT_TYPES } from '../../events/schema.ts';
import { EventCounter, replayLog, type ReplayResult } from '../../store/replay.ts';
import { LogFormatError, type ValidateMode } from '../../store/types.ts';
import { writeFileAtomic } from '../../store/atomicFile.ts';
import { InputError } from '../errors.ts';
import { paint, progress, table } from '../terminal.ts';

interface ReplayCliOptions {
  out: string;
  validate: ValidateMode;
  quiet?: boolean;
}

/** Logs this big (bytes) or bigger get a progress display. */
const PROGRESS_FROM_BYTES = 32 * 1024 * 1024;

function fmt(n: number): string {
  return n.toLocaleString('en-GB');
}

export function runReplay(file: string, opts: ReplayCliOptions): void {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new InputError(`${file}: not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: events file not found` : `${file}: cannot read (${code ?? (err as Error).message})`);
  }

  const counter = new EventCounter();
  const bar = progress('replay (bytes)', size, opts.quiet || size < PROGRESS_FROM_BYTES);
  let result: ReplayResult;
  try {
    result = replayLog(file, [counter.sink], {
      validate: opts.validate,
      onProgress: (done) => bar.update(done),
      onWarning: (m) => process.stderr.write(paint('yellow', `warning: ${m}`, 'err') + '\n'),
    });
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string') throw new InputError(`${file}: cannot read (${code})`);
    throw err;
  } finally {
    bar.stop();
  }

  const outFile = join(opts.out, 'event-counts.csv');
  writeFileAtomic(outFile, counter.toCsv());

  const out: string[] = [];
  out.push(`replayed ${fmt(result.events)} events in ${fmt(result.streams)} streams from ${file} (validation: ${opts.validate})`);
  if (result.warnings.length > 0) out.push(paint('yellow', `${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'} (see above)`));
  const skipped = counter.unknownTypes + counter.badDates;
  if (skipped > 0) {
    out.push(paint('yellow', `not counted: ${counter.unknownTypes} events of unknown type, ${counter.badDates} with a bad date (use --validate full to locate them)`));
  }
  if (!opts.quiet && result.events > 0) {
    const totals = new Map<string, number>();
    for (const r of counter.rows()) totals.set(r.eventType, (totals.get(r.eventType) ?? 0) + r.count);
    out.push(table([['event type', 'events'], ...EVENT_TYPES.map((t) => [t, fmt(totals.get(t) ?? 0)])]));
  }
  out.push(`wrote ${outFile}`);
  process.stdout.write(out.join('\n') + '\n');
}

export function register(program: Command): void {
  program
    .command('replay')
    .description('Validate an NDJSON event log (schema and every child\'s journey) and count its events per month')
    .argument('<events.ndjson>', 'event log, one JSON event per line')
    .requiredOption('-o, --out <dir>', 'output folder; event-counts.csv is written there')
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
  <dir>/event-counts.csv   month,event_type,count for every month from the first to the last
                           event and every event type (zeros included)

A torn final line (the writer stopped mid-line) is skipped with a warning. Any other bad line
stops the replay with exit code 2 and names the file and line.

Examples:
  $ caseflow replay out/events.ndjson --out out/replay
  $ caseflow replay big.ndjson --out out --validate none --quiet`,
    )
    .action((file: string, opts: ReplayCliOptions) => runReplay(file, opts));
}
