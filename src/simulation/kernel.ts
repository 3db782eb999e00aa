/**
 * A small discrete-event kernel. It knows nothing of children or social care: it holds the
 * calendar of pending entries (a day, an integer payload and a small kind code each) and serves
 * them in order, by day and then in the order they were scheduled, handing each to `handle`.
 * What an entry means is the subclass's business.
 */
import { DayQueue } from './scheduler.ts';

export abstract class Kernel {
  protected readonly queue: DayQueue;

  /** Entries may be scheduled on `firstDay`…`lastDay`; later ones are dropped (the run ends there). */
  constructor(firstDay: number, lastDay: number, capacity: number) {
    this.queue = new DayQueue(firstDay, lastDay, capacity);
  }

  /** Schedules `kind` with `payload` on `day`. */
  protected schedule(day: number, payload: number, kind: number): void {
    this.queue.push(day, payload, kind);
  }

  /** Serves one entry. */
  protected abstract handle(kind: number, payload: number, day: number): void;

  /** Serves entries until none is left. */
  protected runQueue(): void {
    const q = this.queue;
    while (q.pop()) this.handle(q.kind, q.payload, q.day);
  }
}
