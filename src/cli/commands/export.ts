/**
 * `caseflow export ssda903 | cin <events.ndjson> --year YYYY --out <dir>`: an event log (imported
 * or simulated) written as statutory returns, with made-up identities (UPNs, postcodes) seeded
 * from each child id so that the same log always gives the same files.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { collectionYearOf, parseIsoDate } from '../../calendar/index.ts';
import type { CaseEvent } from '../../events/index.ts';
import { readEventLog } from '../../returns/assemble.ts';
import { collectionYearLabel } from '../../returns/dates.ts';
import { cinNotRepresented, writeCin } from '../../returns/export/cin.ts';
import { writeSsda903 } from '../../returns/export/ssda903.ts';
import { InputError } from '../../errors.ts';
import { table } from '../terminal.ts';
import { outputFolder } from '../options.ts';
import { requireSome } from '../inputs.ts';

interface ExportOptions {
  year: string[];
  out: string;
  la: number;
  isoDates?: boolean;
  quiet?: boolean;
}

/** Collection years the calendar covers (years ending 31 March). */
const YEAR_MIN = 1991;
const YEAR_MAX = 2100;

/** Parses one --year value: `2024`, a range `2019-2024`, or `all`. */
export function yearSpec(v: string, prev: string[] = []): string[] {
  const s = v.trim();
  if (s !== 'all' && !/^\d{4}(-\d{4})?$/.test(s)) {
    throw new InvalidArgumentError(`--year must be a year YYYY (the collection year ending 31 March), a range YYYY-YYYY or "all" (got "${v}")`);
  }
  if (/^\d{4}-\d{4}$/.test(s) && +s.slice(5) < +s.slice(0, 4)) throw new InvalidArgumentError(`--year range must go forwards (got "${v}")`);
  for (const y of s === 'all' ? [] : s.split('-').map(Number)) {
    if (y < YEAR_MIN || y > YEAR_MAX) throw new InvalidArgumentError(`--year must be between ${YEAR_MIN} and ${YEAR_MAX} (got "${v}")`);
  }
  return [...prev, s];
}

function laNumber(v: string): number {
  if (!/^\d{1,3}$/.test(v.trim())) throw new InvalidArgumentError(`--la must be a local authority number of up to 3 digits (got "${v}")`);
  return +v;
}

/** The collection years named by the --year values (sorted, distinct); `all` = every year the log touches. */
export function resolveYears(specs: readonly string[], events: readonly CaseEvent[]): number[] {
  const out = new Set<number>();
  for (const s of specs) {
    if (s === 'all') {
      if (events.length === 0) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (const e of events) {
        const y = collectionYearOf(parseIsoDate(e.date));
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
      for (let y = lo; y <= hi; y++) out.add(y);
    } else if (s.includes('-')) {
      for (let y = +s.slice(0, 4); y <= +s.slice(5); y++) out.add(y);
    } else out.add(+s);
  }
  return [...out].sort((a, b) => a - b);
}

function run(kind: 'ssda903' | 'cin', file: string, opts: ExportOptions): void {
  if (opts.year.length === 0) throw new InputError('--year is required: a collection year YYYY, a range YYYY-YYYY or "all"');
  const events = readEventLog(file, (m) => process.stderr.write(`warning: ${m}\n`));
  requireSome(file, events.length, 'the event log holds no events');
  const years = resolveYears(opts.year, events);
  if (years.length === 0) throw new InputError(`${file}: the log has no events, so --year all names no year`);
  const span = resolveYears(['all'], events);
  const outside = years.filter((y) => y < span[0] || y > span[span.length - 1]);
  if (outside.length > 0) process.stderr.write(`warning: ${file} has no events in collection year${outside.length === 1 ? '' : 's'} ${outside.map(collectionYearLabel).join(', ')} (its events run from ${collectionYearLabel(span[0])} to ${collectionYearLabel(span[span.length - 1])}); the files for ${outside.length === 1 ? 'it are' : 'them are'} empty\n`);
  const rows: string[][] = [];
  if (kind === 'ssda903') {
    rows.push(['year', 'children', 'episodes', 'uasc', 'oc3', 'files']);
    for (const r of writeSsda903(events, years, opts.out, { isoDates: opts.isoDates, la: opts.la })) {
      rows.push([collectionYearLabel(r.year), String(r.children), String(r.episodes), String(r.uasc), String(r.careLeavers), r.files.join(' ')]);
    }
  } else {
    rows.push(['year', 'children', 'episodes', 'file']);
    for (const r of writeCin(events, years, opts.out, { la: opts.la })) rows.push([collectionYearLabel(r.year), String(r.children), String(r.episodes), r.file]);
  }
  if (opts.quiet) return;
  const lines = [`exported ${events.length} events from ${file}`, table(rows)];
  if (kind === 'cin') {
    const missing = Object.entries(cinNotRepresented(events));
    if (missing.length > 0) {
      lines.push(`not in any census (contacts, or recorded outside an episode of need): ${missing.map(([t, n]) => `${t} ${n}`).join(', ')}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export function register(program: Command): void {
  const exp = program.command('export').description('Export an event log (imported or simulated) as statutory returns: SSDA903 CSV tables or CIN census XML');
  const common = (c: Command): Command =>
    c
      .argument('<events.ndjson>', 'event log (fully validated before export)')
      .requiredOption('--year <YYYY>', 'collection year ending 31 March YYYY; also a range YYYY-YYYY or "all"; repeatable', yearSpec)
      .addOption(outputFolder(new Option('-o, --out <dir>', 'output folder').makeOptionMandatory()))
      .option('--la <number>', 'three-digit LA number used in made-up UPNs (default 852)', laNumber, 852)
      .option('-q, --quiet', 'no summary on stdout')
      .exitOverride();

  common(exp.command('ssda903').description('Write SSDA903 Header, Episodes, UASC and OC3 CSV tables for each collection year'))
    .option('--iso-dates', 'write dates as YYYY-MM-DD instead of dd/mm/YYYY')
    .addHelpText(
      'after',
      `
Writes <dir>/header_YYYY.csv, episodes_YYYY.csv, uasc_YYYY.csv and oc3_YYYY.csv per year. A year's
return holds the children looked after at any time in it and their episodes open in it, and the
care leavers whose status (OC3) is recorded in it; what happens after 31 March is blank (as the
return would have it). SEX is 1/2 before 2024-25 and M/F/U from then.
UPNs, postcodes and URNs are made up, seeded from the child id (the same log gives the same files).
Importing the files of every year a log covers gives the same events back.

Examples:
  $ caseflow export ssda903 out/903.ndjson --year 2024 --out out/returns
  $ caseflow export ssda903 out/sim/events.ndjson --year 2022-2025 --out out/synthetic-903
  $ caseflow export ssda903 out/903.ndjson --year all --iso-dates --out out/returns`,
    )
    .action((file: string, opts: ExportOptions) => run('ssda903', file, opts));

  common(exp.command('cin').description('Write the CIN census XML for each collection year'))
    .addHelpText(
      'after',
      `
Writes <dir>/cin_census_YYYY.xml per year (reference date 31 March YYYY): every child with an
episode of need open during the year, with referrals, assessments and factors, Section 47s and
ICPCs, CIN plans, CP plans and closures known at the reference date.

Examples:
  $ caseflow export cin out/cin.ndjson --year 2024 --out out/returns
  $ caseflow export cin out/sim/events.ndjson --year 2023-2025 --la 852 --out out/synthetic-cin`,
    )
    .action((file: string, opts: ExportOptions) => run('cin', file, opts));
}
