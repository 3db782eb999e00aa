/**
 * From per-child streams to a log: every stream is stamped (versions from 1, schema version),
 * checked against the schema and the journey rules (a stream that fails is rejected with the
 * reason, together with the input rows behind it), and all events are put in global order:
 * date, then child, then version.
 */
import { InputError } from '../errors.ts';
import { checkAndApply, initialJourney } from '../events/journey.ts';
import { parseEvent, SCHEMA_VERSION, type CaseEvent, type NewEvent } from '../events/index.ts';
import { NdjsonWriter, readNdjsonEvents } from '../node/ndjson.ts';
import { LogFormatError } from '../store/types.ts';
import type { ImportReport } from './report.ts';
import type { MergeStream } from './merge.ts';
import type { ChildStream, ReturnSource } from './types.ts';

/** Stamps and checks one stream; returns the events or the reason it is invalid. */
export function stampStream(s: ChildStream): CaseEvent[] | string {
  const state = initialJourney(s.childId);
  const out: CaseEvent[] = [];
  for (const ev of s.events) {
    const e = { ...ev, version: state.version + 1, schema: SCHEMA_VERSION } as CaseEvent;
    try {
      parseEvent(e);
    } catch (err) {
      return `invalid-event: ${ev.type} on ${ev.date}: ${(err as Error).message}`;
    }
    try {
      checkAndApply(state, e);
    } catch (err) {
      return `journey: ${(err as Error).message}`;
    }
    out.push(e);
  }
  return out;
}

/** Keeps the streams that satisfy the rules; the others are rejected with their rows. */
export function keepValid<T extends ChildStream>(report: ImportReport, streams: readonly T[]): T[] {
  const out: T[] = [];
  for (const s of streams) {
    const r = stampStream(s);
    if (typeof r === 'string') {
      for (const row of s.rows) report.reject(row, `invalid-history: child ${s.childId} (${s.source}) cannot be made valid: ${r}`);
    } else out.push(s);
  }
  return out;
}

export function compareGlobal(a: CaseEvent, b: CaseEvent): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  if (a.childId !== b.childId) return a.childId < b.childId ? -1 : 1;
  return a.version - b.version;
}

/** Stamps every stream and returns all events in global order; counts children and events in `report`. */
export function finalise(report: ImportReport, streams: readonly ChildStream[]): CaseEvent[] {
  const out: CaseEvent[] = [];
  let children = 0;
  for (const s of streams) {
    const r = stampStream(s);
    if (typeof r === 'string') {
      for (const row of s.rows) report.reject(row, `invalid-history: child ${s.childId} cannot be made valid: ${r}`);
      continue;
    }
    children++;
    for (const e of r) out.push(e);
  }
  out.sort(compareGlobal);
  report.children = children;
  report.events = out.length;
  return out;
}

/** Writes a log atomically (temporary file renamed into place). */
export function writeEventLog(path: string, events: Iterable<CaseEvent>): number {
  const w = new NdjsonWriter(path, { fsync: false });
  try {
    for (const e of events) w.write(e);
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  return w.count;
}

/** Reads and fully validates a log; a bad line is an `InputError` naming the file and line. */
export function readEventLog(path: string, onWarning?: (message: string) => void): CaseEvent[] {
  try {
    return [...readNdjsonEvents(path, { validate: 'full', onWarning })];
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: events file not found`);
    if (typeof code === 'string') throw new InputError(`${path}: cannot read (${code})`);
    throw err;
  }
}

const CARE: ReadonlySet<string> = new Set(['PeriodOfCareStarted', 'EpisodeChanged', 'PeriodOfCareEnded']);

/** The kind of a child's history: care events only (SSDA903-like), case events only (CIN-like), or both. */
export function sourceOf(events: readonly NewEvent[]): ReturnSource {
  let care = false;
  let cin = false;
  for (const e of events) {
    if (e.type === 'ChildRegistered') continue;
    if (CARE.has(e.type)) care = true;
    else cin = true;
  }
  return care && !cin ? 'ssda903' : cin && !care ? 'cin' : 'log';
}

/** Reads a log as per-child streams, registering each event as an input row of `report`. */
export function readLogStreams(report: ImportReport, path: string, onWarning?: (message: string) => void): MergeStream[] {
  const events = readEventLog(path, (m) => {
    report.notes.push(m);
    onWarning?.(m);
  });
  const fc = report.addFile(path, 'events');
  const byChild = new Map<string, { events: NewEvent[]; rows: ReturnType<ImportReport['row']>[] }>();
  let line = 0;
  for (const e of events) {
    line++;
    const { version: _v, schema: _s, ...ev } = e;
    let g = byChild.get(e.childId);
    if (!g) byChild.set(e.childId, (g = { events: [], rows: [] }));
    g.events.push(ev as NewEvent);
    g.rows.push(report.row(fc, line, e.childId, e.type, JSON.stringify(e)));
  }
  return [...byChild].map(([childId, g]) => ({ childId, source: sourceOf(g.events), events: g.events, rows: g.rows, eventRows: g.rows }));
}
