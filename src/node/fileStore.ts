/**
 * Append-only NDJSON file store: the in-memory store plus a durable log, one event per line.
 *
 * Opening reads and fully validates the existing log (schema, journey rules, versions). A torn
 * final line (no line ending and not valid JSON: the process died mid-write) is cut off: the
 * file is truncated back to the last complete event and a warning names the file and line.
 * Any other bad line is a `LogFormatError`. Each append is one write of the whole batch, after
 * validation; if the write fails the file is truncated back, so the log never keeps half a batch.
 * One process writes a log at a time: the store holds an exclusive lock (`<log>.lock`, holding
 * its process id) from opening to `close()`; a lock left by a killed process is taken over.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CaseEvent } from '../events/schema.ts';
import { IndexedEventStore } from '../store/memory.ts';
import { NdjsonReader, writeAll } from './ndjson.ts';
import { simulatedDiskFull, withPath } from './atomicFile.ts';
import { lockFile, type FileLock } from './lock.ts';
import type { WarningHandler } from '../store/types.ts';

export interface NdjsonFileStoreOptions {
  /** fsync after every append (default false: the OS decides when data reaches the disk). */
  fsync?: boolean;
  /** Called with each warning raised while opening (also kept in `store.warnings`). */
  onWarning?: WarningHandler;
}

export class NdjsonFileStore extends IndexedEventStore {
  private fd: number;
  private readonly lock: FileLock;
  /** Size of the log in bytes. */
  private size = 0;
  private readonly fsync: boolean;

  constructor(
    readonly path: string,
    options: NdjsonFileStoreOptions = {},
  ) {
    super();
    this.fsync = options.fsync ?? false;
    const warn = (message: string) => {
      this.warningList.push(message);
      options.onWarning?.(message);
    };
    mkdirSync(dirname(path), { recursive: true });
    this.lock = lockFile(path);
    try {
      this.fd = this.open(path, warn);
    } catch (err) {
      this.lock.release();
      throw err;
    }
    this.size = fstatSync(this.fd).size;
  }

  private open(path: string, warn: (message: string) => void): number {
    let needsNewline = false;
    let truncateTo: number | undefined;
    if (existsSync(path)) {
      const reader = new NdjsonReader(path, {
        validate: 'schema',
        check: (e) => this.load(e),
        onWarning: warn,
        tornAction: (sc) => `cut off: the log was truncated to its last complete event (${sc.completeBytes} bytes)`,
      });
      try {
        while (reader.next() !== undefined) {
          // events are recorded by `check`
        }
      } finally {
        reader.close();
      }
      if (reader.torn) truncateTo = reader.scanner.completeBytes;
      else if (reader.scanner.unterminated) {
        needsNewline = true;
        warn(`${path}, line ${reader.scanner.lines}: final line had no line ending; one was added`);
      }
    }
    const fd = openSync(path, 'a');
    if (truncateTo !== undefined) ftruncateSync(fd, truncateTo);
    if (needsNewline) writeAll(fd, Buffer.from('\n'));
    return fd;
  }

  protected persist(events: readonly CaseEvent[]): void {
    let text = '';
    for (const e of events) text += JSON.stringify(e) + '\n';
    const data = Buffer.from(text, 'utf8');
    try {
      simulatedDiskFull(this.path);
      writeAll(this.fd, data);
      if (this.fsync) fsyncSync(this.fd);
    } catch (err) {
      // keep the log whole: drop whatever part of the batch reached the file
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the next open detects and cuts off a torn final line
      }
      throw withPath(err, this.path);
    }
    this.size += data.length;
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    try {
      closeSync(this.fd);
    } finally {
      this.lock.release();
    }
  }
}
