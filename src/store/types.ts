/**
 * The event store contract. A store holds one stream per child; every event also has a global
 * position (0-based order of appends across all streams).
 */
import { ConcurrencyError, LogFormatError } from '../errors.ts';
import type { Observable } from 'rxjs';
import type { CaseEvent, NewEvent } from '../events/schema.ts';

export interface EventStore {
  /** Number of events in the store, i.e. the global position the next event will take. */
  readonly position: number;
  /** Warnings raised while opening the store (e.g. a torn final line that was cut off). */
  readonly warnings: readonly string[];

  /** Current version of a child's stream (0 if the stream has no events). */
  streamVersion(childId: string): number;

  /**
   * Appends `events` to `childId`'s stream, all or nothing. `expectedVersion` must equal the
   * stream's current version (0 for a new stream), otherwise `ConcurrencyError` and nothing is
   * written. Every event is stamped (version, schema), validated by the schema
   * (`EventValidationError`) and by the journey rules (`JourneyRuleError`) before anything is
   * written. Returns the stored events.
   */
  append(childId: string, expectedVersion: number, events: readonly NewEvent[]): CaseEvent[];

  /** The events of one stream in version order (empty for an unknown child). */
  readStream(childId: string): CaseEvent[];

  /** Events in global order from `fromPosition` (default 0) up to the position at the time of the call. */
  readAll(fromPosition?: number): Iterable<CaseEvent>;

  /**
   * Batches of events: first the stored events from `fromPosition` (default 0), then each
   * append as it happens. Completes when the store is closed.
   */
  subscribe(fromPosition?: number): Observable<CaseEvent[]>;

  /** Releases resources (file handles) and completes subscriptions. Idempotent. */
  close(): void;
}

export { ConcurrencyError, LogFormatError };

/**
 * How much a reader checks: `full` = JSON + schema + journey rules (per-stream sequence and
 * versions), `schema` = JSON + schema, `none` = JSON objects only (trusted logs, fastest).
 */
export type ValidateMode = 'full' | 'schema' | 'none';

export type WarningHandler = (message: string) => void;
