/**
 * Replay of an NDJSON event log through pluggable sinks: each event, in log order, is handed to
 * every sink (a counter, a KPI projection …) after it has been validated.
 */
import { forEachNdjsonEvent } from './ndjson.ts';
import { ChildIndex } from '../events/childIndex.ts';
import type { ValidateMode, WarningHandler } from '../store/types.ts';
import type { EventSink } from '../store/replay.ts';

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
