/**
 * The rxjs boundary: projections subscribe to an event store's batches and fold them with a
 * plain `KpiProjector`; nothing inside the fold is reactive.
 */
import { bufferCount, type Observable, type Subscription } from 'rxjs';
import type { CaseEvent } from '../events/index.ts';
import { KpiProjector, type ProjectorOptions } from './projector.ts';
import type { KpiRun } from './types.ts';

/**
 * Subscribes to batches of events (e.g. an EventStore's `subscribe()`), in non-decreasing date
 * order across batches, and resolves with the run when the observable completes. Rejects on the
 * source's error or on an event the projector refuses (the subscription is then dropped).
 */
export function projectFromStore(source: Observable<readonly CaseEvent[]>, opts: ProjectorOptions): Promise<KpiRun> {
  return new Promise<KpiRun>((resolve, reject) => {
    let projector: KpiProjector;
    try {
      projector = new KpiProjector(opts);
    } catch (err) {
      reject(err);
      return;
    }
    let done = false;
    const fail = (err: unknown) => {
      if (done) return;
      done = true;
      reject(err);
    };
    let sub: Subscription | undefined = undefined;
    sub = source.subscribe({
      next: (batch) => {
        if (done) return;
        try {
          projector.applyBatch(batch);
        } catch (err) {
          fail(err);
          sub?.unsubscribe();
        }
      },
      error: fail,
      complete: () => {
        if (done) return;
        try {
          const run = projector.finish();
          done = true;
          resolve(run);
        } catch (err) {
          fail(err);
        }
      },
    });
    // a synchronous source may have failed before `sub` was assigned
    if (done) sub.unsubscribe();
  });
}

/** Like `projectFromStore` for a source of single events: batches them (`batchSize` at a time) first. */
export function projectFromEvents(source: Observable<CaseEvent>, opts: ProjectorOptions, batchSize = 4096): Promise<KpiRun> {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a whole number of at least 1 (got ${String(batchSize)})`);
  return projectFromStore(source.pipe(bufferCount(batchSize)), opts);
}
