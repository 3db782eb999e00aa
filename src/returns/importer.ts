/**
 * One import run: SSDA903 returns, CIN censuses and event logs in, one validated log out, with
 * the accounting of every input row (see report.ts).
 */
import type { CaseEvent } from '../events/index.ts';
import { finalise, keepValid, readLogStreams } from './assemble.ts';
import { buildCin } from './cin/build.ts';
import { readCinCensus, type RawChild } from './cin/read.ts';
import { mergeAll, type MergeStream } from './merge.ts';
import { ImportReport } from './report.ts';
import { buildSsda903 } from './ssda903/build.ts';
import { readSsda903Inputs } from './ssda903/read.ts';
import type { ImportOptions, Ssda903Input } from './types.ts';

export interface ImportInputs {
  /** SSDA903 returns (CSV table sets or XML files), any number of years. */
  readonly ssda903?: readonly Ssda903Input[];
  /** CIN census XML files, any number of years. */
  readonly cin?: readonly string[];
  /** Event logs (NDJSON) to merge in. */
  readonly logs?: readonly string[];
}

export interface ImportResult {
  /** The imported events in global order (date, child, version), every stream valid. */
  readonly events: CaseEvent[];
  readonly report: ImportReport;
}

/**
 * Imports the inputs into one event log. Throws `InputError` (file and line) for a file that
 * cannot be read as its kind (missing columns, malformed XML, bad log line); bad rows are
 * rejected and counted, never thrown.
 */
export function importReturns(inputs: ImportInputs, opts: ImportOptions = {}): ImportResult {
  const report = new ImportReport();
  const groups: { label: string; streams: MergeStream[] }[] = [];
  if (inputs.ssda903 && inputs.ssda903.length > 0) {
    const raws = readSsda903Inputs(report, inputs.ssda903, opts.yearBasis ?? 'auto');
    groups.push({ label: 'ssda903', streams: keepValid(report, buildSsda903(report, raws)) });
  }
  if (inputs.cin && inputs.cin.length > 0) {
    const records = new Map<string, RawChild[]>();
    for (const file of inputs.cin) {
      readCinCensus(report, file, (c) => {
        let l = records.get(c.id);
        if (!l) records.set(c.id, (l = []));
        l.push(c);
      });
    }
    groups.push({ label: 'cin', streams: keepValid(report, buildCin(report, records, opts)) });
  }
  for (const log of inputs.logs ?? []) {
    groups.push({ label: log, streams: readLogStreams(report, log, opts.onWarning) });
  }
  const merged = mergeAll(report, groups);
  const events = finalise(report, merged);
  return { events, report };
}
