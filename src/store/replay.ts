/**
 * Replay of an NDJSON event log through pluggable sinks: each event, in log order, is handed to
 * every sink (a counter, a KPI projection …) after it has been validated.
 */
import { EVENT_TYPES, type CaseEvent, type EventType } from '../events/schema.ts';
import { monthIndexOfIso, monthKey } from '../calendar/index.ts';
import { forEachNdjsonEvent } from './ndjson.ts';
import { ChildIndex } from '../events/childIndex.ts';
import type { ValidateMode, WarningHandler } from './types.ts';

export type EventSink = (event: CaseEvent) => void;

export interface ReplayOptions {
  /** How much to check (default `full`: schema and every stream's journey rules). */
  validate?: ValidateMode;
  /** Called with each warning as it is raised (also returned in `warnings`). */
  onWarning?: WarningHandler;
  /** Called after each chunk read (bytes read, file size). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Read size in bytes (default 4 MB). */
  chunkBytes?: number;
}

export interface ReplayResult {
  /** Events read. */
  events: number;
  /** Distinct children (streams). */
  streams: number;
  warnings: string[];
}

/**
 * Reads the log at `path` and hands every event to each sink in order. Throws `LogFormatError`
 * (file, line, reason) for a bad line and the file system's error when the file cannot be read.
 */
export function replayLog(path: string, sinks: readonly EventSink[], opts: ReplayOptions = {}): ReplayResult {
  const warnings: string[] = [];
  const validate = opts.validate ?? 'full';
  // with full validation the journey validator counts the streams; otherwise count them here
  const children = validate === 'full' ? undefined : new ChildIndex();
  const n = sinks.length;
  const sink0 = sinks[0];
  const fn: EventSink =
    children !== undefined
      ? (e) => {
          children.get(e.childId);
          for (let i = 0; i < n; i++) sinks[i](e);
        }
      : n === 1
        ? sink0
        : (e) => {
            for (let i = 0; i < n; i++) sinks[i](e);
          };
  const r = forEachNdjsonEvent(
    path,
    {
      validate,
      chunkBytes: opts.chunkBytes,
      onProgress: opts.onProgress,
      onWarning: (m) => {
        warnings.push(m);
        opts.onWarning?.(m);
      },
    },
    n === 0 && children === undefined ? () => {} : fn,
  );
  return { events: r.events, streams: children?.count ?? r.streams ?? 0, warnings };
}

/** Month index of `YYYY-MM-DD` from its digits; -1 when it is not of that shape. */
function monthOf(date: unknown): number {
  if (typeof date !== 'string' || date.length !== 10) return -1;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    y = y * 10 + c;
  }
  const m1 = date.charCodeAt(5) - 48, m2 = date.charCodeAt(6) - 48;
  if (m1 < 0 || m1 > 1 || m2 < 0 || m2 > 9) return -1;
  const m = m1 * 10 + m2;
  return m >= 1 && m <= 12 ? y * 12 + m - 1 : -1;
}

const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));

/**
 * Counts events per month and event type. `sink` is an `EventSink`; `rows()` / `toCsv()` give
 * every month from the first to the last month seen, with every event type (zeros included),
 * ordered by month then catalogue order of event types.
 */
export class EventCounter {
  private readonly byMonth = new Map<number, Int32Array>();
  private minMonth = Number.POSITIVE_INFINITY;
  private maxMonth = Number.NEGATIVE_INFINITY;
  /** Events whose type is not in the catalogue (only possible without validation). */
  unknownTypes = 0;
  /** Events whose date is not `YYYY-MM-DD` (only possible without validation). */
  badDates = 0;

  readonly sink: EventSink = (e) => {
    const t = TYPE_INDEX.get(e.type);
    if (t === undefined) {
      this.unknownTypes++;
      return;
    }
    const m = monthOf(e.date);
    if (m < 0) {
      this.badDates++;
      return;
    }
    let counts = this.byMonth.get(m);
    if (counts === undefined) {
      counts = new Int32Array(EVENT_TYPES.length);
      this.byMonth.set(m, counts);
      if (m < this.minMonth) this.minMonth = m;
      if (m > this.maxMonth) this.maxMonth = m;
    }
    counts[t]++;
  };

  /** Count of `type` events in `month` (`YYYY-MM`). */
  count(month: string, type: EventType): number {
    const m = monthIndexOfIso(`${month}-01`);
    return this.byMonth.get(m)?.[TYPE_INDEX.get(type) ?? -1] ?? 0;
  }

  rows(): { month: string; eventType: EventType; count: number }[] {
    const out: { month: string; eventType: EventType; count: number }[] = [];
    for (let m = this.minMonth; m <= this.maxMonth; m++) {
      const counts = this.byMonth.get(m);
      const key = monthKey(m);
      for (let t = 0; t < EVENT_TYPES.length; t++) out.push({ month: key, eventType: EVENT_TYPES[t], count: counts?.[t] ?? 0 });
    }
    return out;
  }

  /** CSV with header `month,event_type,count`. */
  toCsv(): string {
    let s = 'month,event_type,count\n';
    for (const r of this.rows()) s += `${r.month},${r.eventType},${r.count}\n`;
    return s;
  }
}
