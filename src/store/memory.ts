/**
 * In-memory event store (the default for simulation) and the indexing shared with the NDJSON
 * file store, which is the same store plus a durable append-only log.
 */
import { Observable, Subject } from 'rxjs';
import { EventValidationError, parseEvent, SCHEMA_VERSION, type CaseEvent, type NewEvent } from '../events/schema.ts';
import { checkAndApply, initialJourney, JourneyRuleError, type JourneyState } from '../events/journey.ts';
import { ConcurrencyError, type EventStore } from './types.ts';

/** Largest batch `subscribe` emits when catching up on stored events. */
export const CATCH_UP_BATCH = 10_000;

function checkPosition(fromPosition: number): void {
  if (!Number.isSafeInteger(fromPosition) || fromPosition < 0) {
    throw new RangeError(`fromPosition must be a whole number 0 or more (got ${fromPosition})`);
  }
}

/**
 * Holds every event in memory with a per-stream index and journey state. Subclasses persist a
 * batch in `persist` before it becomes visible; if `persist` throws, nothing is recorded.
 */
export abstract class IndexedEventStore implements EventStore {
  protected readonly events: CaseEvent[] = [];
  private readonly streams = new Map<string, { events: CaseEvent[]; state: JourneyState }>();
  private readonly appended = new Subject<void>();
  protected closed = false;
  protected readonly warningList: string[] = [];

  get position(): number {
    return this.events.length;
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  /** Number of streams (children) in the store. */
  get streamCount(): number {
    return this.streams.size;
  }

  streamVersion(childId: string): number {
    return this.streams.get(childId)?.state.version ?? 0;
  }

  append(childId: string, expectedVersion: number, events: readonly NewEvent[]): CaseEvent[] {
    if (this.closed) throw new Error('the event store is closed');
    const stream = this.streams.get(childId);
    const actual = stream?.state.version ?? 0;
    if (expectedVersion !== actual) throw new ConcurrencyError(childId, expectedVersion, actual);
    if (events.length === 0) return [];

    // Validate the whole batch against a scratch copy of the state before writing anything.
    const state: JourneyState = stream ? { ...stream.state } : initialJourney(childId);
    const stored: CaseEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const command = events[i];
      if (command.childId !== childId) {
        throw new JourneyRuleError(childId, command.type, 'wrong-stream', `event ${i + 1} of the batch is for child ${command.childId}`);
      }
      // schema first (is it an event at all?), then the journey rules
      const stamped = { ...command, version: state.version + 1, schema: SCHEMA_VERSION };
      let parsed: CaseEvent;
      try {
        parsed = parseEvent(stamped);
      } catch (err) {
        if (err instanceof EventValidationError) {
          throw new EventValidationError(`child ${childId}: event ${i + 1} of the batch (${String(command.type)}): ${err.message}`, err.issues);
        }
        throw err;
      }
      checkAndApply(state, parsed);
      stored.push(parsed);
    }

    this.persist(stored);
    this.record(stored, state);
    this.appended.next();
    return stored.slice();
  }

  readStream(childId: string): CaseEvent[] {
    return this.streams.get(childId)?.events.slice() ?? [];
  }

  readAll(fromPosition = 0): Iterable<CaseEvent> {
    checkPosition(fromPosition);
    const events = this.events;
    const end = events.length;
    return {
      *[Symbol.iterator]() {
        for (let i = fromPosition; i < end; i++) yield events[i];
      },
    };
  }

  subscribe(fromPosition = 0): Observable<CaseEvent[]> {
    checkPosition(fromPosition);
    return new Observable<CaseEvent[]>((subscriber) => {
      let delivered = fromPosition;
      const flush = () => {
        // Re-reads the length each round, so appends made by the subscriber itself are delivered too.
        while (delivered < this.events.length && !subscriber.closed) {
          const end = Math.min(this.events.length, delivered + CATCH_UP_BATCH);
          const batch = this.events.slice(delivered, end);
          delivered = end;
          subscriber.next(batch);
        }
      };
      flush();
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      return this.appended.subscribe({ next: flush, complete: () => subscriber.complete() });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.appended.complete();
  }

  /** Makes a validated batch durable. Throwing here aborts the append with nothing recorded. */
  protected abstract persist(events: readonly CaseEvent[]): void;

  /** Records a validated (and persisted) batch in memory. */
  protected record(events: readonly CaseEvent[], state: JourneyState): void {
    const childId = state.childId;
    let stream = this.streams.get(childId);
    if (stream === undefined) {
      stream = { events: [], state };
      this.streams.set(childId, stream);
    } else {
      stream.state = state;
    }
    for (const e of events) {
      stream.events.push(e);
      this.events.push(e);
    }
  }

  /**
   * Loads one already-stored event (from a log being opened): checks the journey rules against
   * its stream and records it. Throws `JourneyRuleError` when it may not follow its stream.
   */
  protected load(event: CaseEvent): void {
    let stream = this.streams.get(event.childId);
    if (stream === undefined) {
      const state = initialJourney(event.childId);
      checkAndApply(state, event);
      stream = { events: [], state };
      this.streams.set(event.childId, stream);
    } else {
      checkAndApply(stream.state, event);
    }
    stream.events.push(event);
    this.events.push(event);
  }
}

/** An event store held in memory. */
export class MemoryEventStore extends IndexedEventStore {
  protected persist(): void {
    // nothing to make durable
  }
}
