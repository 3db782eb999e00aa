/**
 * `caseflow import ssda903 | cin | merge`: statutory returns (and event logs) into one validated
 * event log, with every input row accounted for in rejects.csv, repairs.csv, conflicts.csv and
 * import-summary.json beside the log.
 */
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { writeEventLog } from '../../returns/assemble.ts';
import { collectionYearLabel } from '../../returns/dates.ts';
import { importReturns, type ImportInputs } from '../../returns/importer.ts';
import type { ImportSummary } from '../../returns/report.ts';
import type { Ssda903Input, YearBasis } from '../../returns/types.ts';
import { CheckFailed, InputError } from '../../errors.ts';
import { collect, outputFile, outputFolder } from '../options.ts';
import { paint, table, warn } from '../terminal.ts';
import { requireSome } from '../inputs.ts';
import { count } from '../format.ts';

interface CommonOptions {
  out: string;
  reportDir?: string;
  strict?: boolean;
  quiet?: boolean;
}

interface Ssda903Options {
  episodes: string[];
  header: string[];
  uasc: string[];
  oc3: string[];
  xml: string[];
  yearBasis: YearBasis;
}

interface CinOptions {
  ignoreReferenceDate?: boolean;
}

/** The SSDA903 returns named by repeated --episodes/--header/--uasc (paired by position) and --xml. */
export function ssda903Inputs(o: Partial<Ssda903Options>): Ssda903Input[] {
  const episodes = o.episodes ?? [];
  const header = o.header ?? [];
  const uasc = o.uasc ?? [];
  if (episodes.length !== header.length) {
    throw new InputError(`--episodes and --header go together, one pair per return: got ${episodes.length} --episodes and ${header.length} --header`);
  }
  if (uasc.length > episodes.length) {
    throw new InputError(`--uasc pairs with the --episodes at the same position: got ${uasc.length} --uasc for ${episodes.length} --episodes`);
  }
  const oc3 = o.oc3 ?? [];
  if (oc3.length > episodes.length) {
    throw new InputError(`--oc3 pairs with the --episodes at the same position: got ${oc3.length} --oc3 for ${episodes.length} --episodes`);
  }
  const out: Ssda903Input[] = episodes.map((e, i) => ({ episodes: e, header: header[i], ...(uasc[i] ? { uasc: uasc[i] } : {}), ...(oc3[i] ? { oc3: oc3[i] } : {}) }));
  for (const x of o.xml ?? []) out.push({ xml: x });
  return out;
}

function summaryText(s: ImportSummary, out: string, reportDir: string): string {
  const rows: string[][] = [['file', 'kind', 'years', 'rows read', 'imported', 'merged', 'rejected']];
  for (const f of s.files) {
    const years = f.years.length === 0 ? '' : f.years.length === 1 ? collectionYearLabel(f.years[0]) : `${collectionYearLabel(f.years[0])}…${collectionYearLabel(f.years[f.years.length - 1])}`;
    rows.push([f.file, f.kind, years, count(f.rows), count(f.imported), count(f.merged), count(f.rejected)]);
  }
  rows.push(['total', '', '', count(s.totals.read), count(s.totals.imported), count(s.totals.merged), count(s.totals.rejected)]);
  const lines = [table(rows)];
  for (const f of s.files) if (f.yearSource) lines.push(`  ${f.file}: collection year ${f.yearSource}`);
  const top = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 6)
      .map(([k, v]) => `${k} ${count(v)}`)
      .join(', ');
  lines.push(`repairs: ${count(s.repairs)}${s.repairs > 0 ? ` (${top(s.repairsByRule)})` : ''}`);
  if (s.totals.rejected > 0) lines.push(paint('yellow', `rejected rows: ${count(s.totals.rejected)} (${top(s.rejectsByReason)})`));
  lines.push(`conflicts between inputs: ${count(s.conflicts)}${s.conflicts > 0 ? ` (${top(s.conflictsByRule)})` : ''}`);
  for (const n of s.notes) lines.push(paint('yellow', `note: ${n}`));
  lines.push(`children: ${count(s.children)}, events: ${count(s.events)}`);
  lines.push(`wrote ${out}`);
  lines.push(`wrote ${reportDir}/{rejects.csv,repairs.csv,conflicts.csv,import-summary.json}`);
  return lines.join('\n') + '\n';
}

/** Runs an import and writes the log and the reports; returns the summary. */
export function runImport(inputs: ImportInputs, opts: CommonOptions & { yearBasis?: YearBasis; ignoreReferenceDate?: boolean }): ImportSummary {
  const n = (inputs.ssda903?.length ?? 0) + (inputs.cin?.length ?? 0) + (inputs.logs?.length ?? 0);
  if (n === 0) throw new InputError('nothing to import: give SSDA903 tables (--episodes/--header), --xml, CIN census files or event logs');
  const { events, report } = importReturns(inputs, {
    yearBasis: opts.yearBasis,
    ignoreReferenceDate: opts.ignoreReferenceDate,
    onWarning: warn,
  });
  for (const f of report.files) requireSome(f.file, f.rows, `no ${f.kind === 'events' ? 'events' : 'records'} in this ${f.kind} input`);
  const reportDir = opts.reportDir ?? dirname(resolve(opts.out));
  writeEventLog(opts.out, events);
  const summary = report.write(reportDir);
  if (!opts.quiet) process.stdout.write(summaryText(summary, opts.out, reportDir));
  if (opts.strict && summary.totals.rejected > 0) {
    // the first rejected row (file, line, reason naming the field), then where the rest are
    const first = report.rejects()[0];
    const at = first ? ` (first: ${first.file.file}, line ${first.line}, ${first.record}: ${first.reason})` : '';
    throw new CheckFailed(`${summary.totals.rejected} input row(s) rejected (--strict)${at}; see ${reportDir}/rejects.csv`);
  }
  return summary;
}

const COMMON_HELP = `
Outputs (beside --out, or in --report-dir):
  <events.ndjson>         the imported events, one JSON event per line, in date order
  rejects.csv             file,line,child,record,reason,row for every row that could not be used
  repairs.csv             child,rule,before,after,file,line for every deterministic repair
  conflicts.csv           child,date,rule,first,second,resolution where two inputs disagree
  import-summary.json     rows read per file = imported + merged duplicates + rejected, repairs,
                          conflicts, children, events

Exit codes: 0 imported (rejected rows are reported, not fatal); 1 rows were rejected and --strict
was given; 2 an input file cannot be read as its kind (missing columns, malformed XML, bad log).`;

function addCommon(c: Command): Command {
  return c
    .addOption(outputFile(new Option('-o, --out <events.ndjson>', 'the event log to write').makeOptionMandatory()))
    .addOption(outputFolder(new Option('--report-dir <dir>', 'folder for rejects.csv, repairs.csv, conflicts.csv and import-summary.json (default: the folder of --out)')))
    .option('--strict', 'exit with code 1 when any input row is rejected')
    .option('-q, --quiet', 'no summary on stdout');
}

function addSsda903(c: Command, withXmlName: string): Command {
  return c
    .option('--episodes <csv>', 'SSDA903 Episodes table; repeat with --header for each return of a multi-year stack', collect, [])
    .option('--header <csv>', 'SSDA903 Header table (paired with the --episodes at the same position)', collect, [])
    .option('--uasc <csv>', 'SSDA903 UASC table (paired with the --episodes at the same position)', collect, [])
    .option('--oc3 <csv>', "SSDA903 OC3 table, care leavers' status around their 17th to 21st birthdays (paired with the --episodes at the same position)", collect, [])
    .option(`--${withXmlName} <file>`, 'SSDA903 return in the EXPSSDA903 XML form (repeatable)', collect, [])
    .addOption(
      new Option('--year-basis <basis>', 'how a YEAR column names the collection year: ending (2018 = 2017-18), starting (2017 = 2017-18) or auto (from the dates)')
        .choices(['auto', 'ending', 'starting'])
        .default('auto'),
    );
}

export function register(program: Command): void {
  const imp = program
    .command('import')
    .description('Import statutory returns (SSDA903, CIN census) or merge event logs into one validated event log')
    .addHelpText(
      'after',
      `
Examples:
  $ caseflow import ssda903 --episodes episodes.csv --header header.csv --uasc uasc.csv --out out/903.ndjson
  $ caseflow import cin census_2024.xml --out out/cin.ndjson
  $ caseflow import merge out/903.ndjson out/cin.ndjson --out out/all.ndjson`,
    );

  addCommon(
    addSsda903(
      imp
        .command('ssda903')
        .description('Import SSDA903 returns (CSV tables or EXPSSDA903 XML; one year or a multi-year stack)')
        .option('--cin <xml>', 'also import a CIN census XML file and merge it in (repeatable)', collect, []),
      'xml',
    ),
  )
    .addHelpText(
      'after',
      `
A return's collection year comes from its YEAR column (see --year-basis) or else from its dates.
Dates may be dd/mm/YYYY or YYYY-MM-DD; SEX 1/2 or M/F/U; codes are checked against the code lists
of the row's collection year (e.g. PLACE K3 only from 2024-25). An OC3 row (CHILD, IN_TOUCH, ACTIV,
ACCOM; in the XML form, those fields of a HEADER) becomes a care leaver's status on the child's
17th to 21st birthday in the row's year. An episode that appears in several
returns is kept once (the latest return wins); overlaps and gaps are repaired by fixed rules, each
repair listed in repairs.csv.
${COMMON_HELP}

Examples:
  $ caseflow import ssda903 --episodes episodes.csv --header header.csv --uasc uasc.csv --out out/903.ndjson
  $ caseflow import ssda903 --episodes 2019/episodes.csv --header 2019/header.csv \\
      --episodes 2020/episodes.csv --header 2020/header.csv --out out/903.ndjson
  $ caseflow import ssda903 --episodes stack.csv --header stack-header.csv --year-basis starting --out out/903.ndjson
  $ caseflow import ssda903 --episodes episodes.csv --header header.csv --oc3 oc3.csv --out out/903.ndjson
  $ caseflow import ssda903 --xml fake_903.xml --out out/903.ndjson
  $ caseflow import ssda903 --episodes episodes.csv --header header.csv --cin census.xml --out out/all.ndjson`,
    )
    .exitOverride()
    .action((opts: CommonOptions & Ssda903Options & { cin: string[] }) => {
      runImport({ ssda903: ssda903Inputs(opts), cin: opts.cin }, opts);
    });

  addCommon(
    addSsda903(
      imp
        .command('cin')
        .description('Import CIN census XML files (read as a stream), optionally with SSDA903 returns to merge in')
        .argument('<xml...>', 'CIN census XML files (several years may be given)')
        .option('--ignore-reference-date', 'keep dates after the census reference date instead of rejecting them'),
      'ssda903-xml',
    ),
  )
    .addHelpText(
      'after',
      `
Each <Child> becomes ChildRegistered, and each <CINdetails> a referral with its assessments
(factors), Section 47 enquiries and ICPCs, CIN plans, CP plans (category, previous plans) and
closure. The same CINdetails in several censuses is kept once (the latest census wins). Dates after
a census's ReferenceDate are rejected (an end date is cleared instead) unless --ignore-reference-date.
${COMMON_HELP}

Examples:
  $ caseflow import cin CIN_Census_2024.xml --out out/cin.ndjson
  $ caseflow import cin census_2023.xml census_2024.xml --out out/cin.ndjson
  $ caseflow import cin census.xml --episodes episodes.csv --header header.csv --out out/all.ndjson`,
    )
    .exitOverride()
    .action((files: string[], opts: CommonOptions & Ssda903Options & CinOptions & { ssda903Xml: string[] }) => {
      runImport({ cin: files, ssda903: ssda903Inputs({ ...opts, xml: opts.ssda903Xml }) }, opts);
    });

  addCommon(
    imp
      .command('merge')
      .description('Merge two event logs of the same children (e.g. an SSDA903 import and a CIN census import) into one')
      .argument('<a.ndjson>', 'first log (its child details win when the logs disagree)')
      .argument('<b.ndjson>', 'second log'),
  )
    .addHelpText(
      'after',
      `
Both logs are fully validated. Each child's events are interleaved by date and checked by the
journey rules; an event that cannot follow is dropped, and every disagreement (date of birth, sex,
ethnicity, a case closed while the child is looked after, previous CP plans) is listed in
conflicts.csv with its resolution. Events in both logs are kept once (merged duplicates).
${COMMON_HELP}

Examples:
  $ caseflow import merge out/903.ndjson out/cin.ndjson --out out/all.ndjson
  $ caseflow import merge a.ndjson b.ndjson --out merged.ndjson --report-dir out/merge-report`,
    )
    .exitOverride()
    .action((a: string, b: string, opts: CommonOptions) => {
      runImport({ logs: [a, b] }, opts);
    });
}
