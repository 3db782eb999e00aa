/**
 * NDJSON event logs: one JSON event per line, `\n` terminated, appended in global order.
 *
 * - `readNdjsonEvents` streams the events of a log of any size in constant memory (4 MB chunks
 *   read with fs.readSync), validating as much as asked.
 * - `NdjsonWriter` writes a log for simulation output: buffered, into a temporary file that is
 *   renamed over the target on `close()`, so a finished log appears atomically.
 *
 * Damage rules shared with the file store: a final line with no line ending that is not valid
 * JSON is a torn write (the writer stopped mid-line): it is skipped with a warning naming the
 * file and line. Any other bad line (not JSON, fails the schema, breaks a journey rule, version
 * gap) is a `LogFormatError` naming the file, the line and the reason. Blank lines carry no event;
 * they are skipped and counted in a warning.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EventValidationError, parseEvent, type CaseEvent } from '../events/schema.ts';
import { JourneyRuleError, JourneyValidator } from '../events/journey.ts';
import { LogFormatError, type ValidateMode, type WarningHandler } from '../store/types.ts';
import { ByteJsonParser, NOT_PARSED } from '../store/fastJson.ts';
import { openInput, simulatedDiskFull, stagedPath, tempPathBeside, withPath } from './atomicFile.ts';
import { badByte, firstInvalidUtf8, lineOfOffset } from '../store/utf8.ts';
import { isUtf8 } from 'node:buffer';
import { fastParseEvent, isPlainValidParsed, schemaStrings } from '../store/fastEvent.ts';
import { envelopeFields, F_CHILD, F_DATE, F_DATE_OF_BIRTH, F_PREVIOUS_PLANS, F_TYPE, F_VERSION } from '../store/envelope.ts';
import { ChildIndex } from '../events/childIndex.ts';

/** The catalogue's strings, collected when the first reader is made (not by a command that only writes logs). */
let schemaStringsCache: string[] | undefined;

export const READ_CHUNK_BYTES = 4 * 1024 * 1024;
/** An event is a few hundred bytes: a longer line than this (a file of zeros, a stray binary) is refused, not buffered without end. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

const BOM0 = 0xef, BOM1 = 0xbb, BOM2 = 0xbf;

/**
 * Splits a file into lines, one read chunk (`chunkBytes`, default 4 MB) at a time. Line numbers
 * are 1-based. The file stays open until the last batch has been returned or `close()` is called.
 */
export class LineScanner {
  /** Line number of the first line of the batch last returned by `next()`. */
  firstLine = 1;
  /** Number of lines returned so far. */
  lines = 0;
  /** Bytes read so far. */
  bytesRead = 0;
  /** Size of the file when it was opened. */
  readonly totalBytes: number;
  /** Offset just past the last line ending seen. */
  completeBytes = 0;
  /** True when the batch last returned is the final line of a file that does not end with a line ending. */
  unterminated = false;
  private fd: number | undefined;
  private buf: Buffer;
  private filled = 0;
  private first = true;

  constructor(
    readonly path: string,
    chunkBytes = READ_CHUNK_BYTES,
    private readonly onChunk?: (bytesRead: number, totalBytes: number) => void,
  ) {
    this.fd = openInput(path);
    try {
      this.totalBytes = fstatSync(this.fd).size;
    } catch (err) {
      this.close();
      throw err;
    }
    this.buf = Buffer.allocUnsafe(Math.max(16, chunkBytes));
  }

  /** Bytes of the batch last returned by `nextRaw()` (valid until the next call). */
  rawBuf: Buffer = Buffer.alloc(0);
  rawStart = 0;
  rawEnd = 0;
  /** Bytes at the start of the buffer already returned by `nextRaw()`, dropped at the next call. */
  private consumed = 0;

  /**
   * Like `next()`, without decoding: the batch is bytes `rawStart`…`rawEnd` of `rawBuf`, lines
   * separated by `\n` (`firstLine`, `lines` and `unterminated` as for `next()`). False at the end
   * of the file (which is then closed).
   */
  nextRaw(): boolean {
    if (this.consumed > 0) {
      this.buf.copy(this.buf, 0, this.consumed, this.filled);
      this.filled -= this.consumed;
      this.consumed = 0;
    }
    if (this.fd === undefined) return false;
    const last = this.readToLineEnd();
    const buf = this.buf;
    if (last < 0) {
      if (this.filled === 0) {
        this.close();
        return false;
      }
      this.rawBuf = buf;
      this.rawStart = this.skipBom();
      this.rawEnd = this.filled;
      this.consumed = this.filled;
      this.unterminated = true;
      this.firstLine = this.lines + 1;
      this.lines += 1;
      return true;
    }
    const start = this.skipBom();
    let count = 1;
    for (let i = buf.indexOf(10, start); i >= 0 && i < last; i = buf.indexOf(10, i + 1)) count++;
    this.rawBuf = buf;
    this.rawStart = start;
    this.rawEnd = last;
    this.completeBytes += last + 1;
    this.consumed = last + 1;
    this.firstLine = this.lines + 1;
    this.lines += count;
    return true;
  }

  /**
   * The next batch of lines (without the `\n`; the CR of a CRLF ending is kept), or undefined
   * at the end of the file (which is then closed).
   */
  next(): string[] | undefined {
    if (this.fd === undefined) return undefined;
    const last = this.readToLineEnd();
    if (last < 0) return this.finish();
    const buf = this.buf;
    const start = this.skipBom();
    // A CR of a CRLF line ending stays on the line: JSON.parse reads it as whitespace.
    const parts = buf.toString('utf8', start, last).split('\n');
    this.completeBytes += last + 1;
    buf.copy(buf, 0, last + 1, this.filled);
    this.filled -= last + 1;
    this.firstLine = this.lines + 1;
    this.lines += parts.length;
    return parts;
  }

  /**
   * Reads until the buffer holds at least one line ending: the index of the last `\n` in it, or
   * -1 at the end of the file (the buffer may then hold an unterminated last line).
   */
  private readToLineEnd(): number {
    for (;;) {
      const buf = this.roomToRead();
      const n = readSync(this.fd!, buf, this.filled, buf.length - this.filled, null);
      if (n === 0) return -1;
      this.filled += n;
      this.bytesRead += n;
      this.onChunk?.(this.bytesRead, this.totalBytes);
      const last = buf.lastIndexOf(10, this.filled - 1);
      if (last >= 0) return last;
    }
  }

  /** The buffer, grown to twice its size when full (one line longer than it), up to the longest line allowed. */
  private roomToRead(): Buffer {
    if (this.filled === this.buf.length) {
      this.refuseLongLine();
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.filled);
      this.buf = bigger;
    }
    return this.buf;
  }

  private refuseLongLine(): void {
    if (this.buf.length < MAX_LINE_BYTES) return;
    this.close();
    throw new LogFormatError(this.path, this.lines + 1, `longer than ${MAX_LINE_BYTES / 2 ** 20} MB without a line break; not an event log (an event is a line of a few hundred bytes)`);
  }

  private skipBom(): number {
    if (!this.first) return 0;
    this.first = false;
    const b = this.buf;
    return this.filled >= 3 && b[0] === BOM0 && b[1] === BOM1 && b[2] === BOM2 ? 3 : 0;
  }

  private finish(): string[] | undefined {
    if (this.filled === 0) {
      this.close();
      return undefined;
    }
    const start = this.skipBom();
    const text = this.buf.toString('utf8', start, this.filled);
    this.filled = 0;
    this.unterminated = true;
    this.firstLine = this.lines + 1;
    this.lines += 1;
    return [text];
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '');
}

export interface ReadNdjsonOptions {
  /** How much to check (default `full`). */
  validate?: ValidateMode;
  /** Called with each warning (torn final line, blank lines). */
  onWarning?: WarningHandler;
  /** Called after each chunk read, for progress bars. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Read size in bytes (default 4 MB). */
  chunkBytes?: number;
}

export interface NdjsonReaderOptions extends ReadNdjsonOptions {
  /**
   * Called for every event after validation (in order); a `JourneyRuleError` it throws becomes
   * a `LogFormatError` for the event's line.
   */
  check?: (event: CaseEvent) => void;
  /** What the torn-line warning says was done (default "ignored"). */
  tornAction?: (scanner: LineScanner) => string;
}

/**
 * Reads the events of a log a chunk at a time (see `readNdjsonEvents`). After the end, `torn`
 * tells whether a torn final line was skipped and `scanner.completeBytes` where it began.
 */
export class NdjsonReader {
  readonly scanner: LineScanner;
  /** Blank lines skipped. */
  blank = 0;
  torn = false;
  private readonly validate: ValidateMode;
  private readonly validator: JourneyValidator | undefined;
  private readonly json: ByteJsonParser;
  private done = false;

  constructor(
    readonly path: string,
    private readonly options: NdjsonReaderOptions = {},
  ) {
    this.validate = options.validate ?? 'full';
    const strings = (schemaStringsCache ??= schemaStrings());
    if (this.validate === 'full') {
      // the parser hands over the numbers the journey check needs, numbering children as the check does
      const children = new ChildIndex();
      this.validator = new JourneyValidator(children);
      this.json = new ByteJsonParser(strings, envelopeFields(children));
    } else {
      this.validator = undefined;
      this.json = new ByteJsonParser(strings);
    }
    this.scanner = new LineScanner(path, options.chunkBytes, options.onProgress);
  }

  /** Number of streams seen (only counted with `validate: 'full'`). */
  get streams(): number | undefined {
    return this.validator?.streams;
  }

  /** The events of the next chunk (possibly empty), or undefined at the end. */
  next(): CaseEvent[] | undefined {
    const out: CaseEvent[] = [];
    return this.nextEach((e) => out.push(e)) < 0 ? undefined : out;
  }

  /**
   * Hands the events of the next chunk to `fn` one by one, each as soon as it is read and
   * checked (so that they can die young), and returns how many; -1 at the end.
   */
  nextEach(fn: (event: CaseEvent) => unknown): number {
    if (this.done) return -1;
    const scanner = this.scanner;
    if (!scanner.nextRaw()) {
      this.done = true;
      if (this.blank > 0) this.options.onWarning?.(blankLinesWarning(this.path, this.blank));
      return -1;
    }
    const buf = scanner.rawBuf;
    const end = scanner.rawEnd;
    if (!isUtf8(buf.subarray(scanner.rawStart, end))) {
      const bad = firstInvalidUtf8(buf, scanner.rawStart, end);
      // a final line cut inside a character is a torn write, handled below
      if (bad >= 0 && !(scanner.unterminated && bad >= end - 3)) {
        throw new LogFormatError(this.path, lineOfOffset(buf, bad, scanner.firstLine, scanner.rawStart), `not valid UTF-8 (${badByte(buf, bad)}); event logs are UTF-8, and ids decoded any other way could collide`);
      }
    }
    let n = 0;
    let a = scanner.rawStart;
    for (let line = scanner.firstLine; ; line++) {
      let b = buf.indexOf(10, a);
      if (b < 0 || b > end) b = end;
      const event = this.event(buf, a, b, line);
      if (event !== undefined) {
        fn(event);
        n++;
      }
      if (b >= end) break;
      a = b + 1;
    }
    return n;
  }

  /** The event on bytes `a`…`b` (line `line`), or undefined for a blank or torn line. */
  private event(buf: Buffer, a: number, b: number, line: number): CaseEvent | undefined {
    const json = this.json;
    let value: unknown = json.parse(buf, a, b);
    // the schema's verdict on a line the fast path parsed: true when zod would return it unchanged
    let plain = false;
    if (value !== NOT_PARSED) {
      if (this.validate !== 'none') plain = isPlainValidParsed(json.shape, json.values);
    } else {
      // anything the fast path does not take: JSON.parse decides
      const text = buf.toString('utf8', a, b);
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (isBlank(text)) {
          this.blank++;
          return undefined;
        }
        const scanner = this.scanner;
        if (scanner.unterminated) {
          this.torn = true;
          this.options.onWarning?.(tornLineWarning(scanner, this.options.tornAction?.(scanner) ?? 'ignored'));
          return undefined;
        }
        throw new LogFormatError(this.path, line, `not valid JSON (${(err as Error).message})`, { cause: err });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new LogFormatError(this.path, line, 'not a JSON object');
      }
    }
    let event = value as CaseEvent;
    const check = this.options.check;
    if (this.validate !== 'none') {
      try {
        if (!plain) event = fastParseEvent(value);
        const validator = this.validator;
        if (validator !== undefined && !(plain && this.checkNumbers(validator))) validator.check(event);
        check?.(event);
      } catch (err) {
        throw lineError(this.path, line, value, err);
      }
    } else if (check !== undefined) {
      try {
        check(event);
      } catch (err) {
        throw lineError(this.path, line, value, err);
      }
    }
    return event;
  }

  /** The journey check of the line last parsed, from the numbers the parser read (see `JourneyValidator.checkNumbers`). */
  private checkNumbers(validator: JourneyValidator): boolean {
    const json = this.json;
    const at = json.shape.fieldAt;
    const n = json.numbers;
    return validator.checkNumbers(
      n[F_TYPE],
      n[F_CHILD],
      n[F_DATE],
      n[F_VERSION],
      at[F_PREVIOUS_PLANS] >= 0 ? n[F_PREVIOUS_PLANS] : 0,
      at[F_DATE_OF_BIRTH] >= 0 ? n[F_DATE_OF_BIRTH] : Number.NaN,
    );
  }

  close(): void {
    this.scanner.close();
  }
}

function lineError(path: string, line: number, value: unknown, err: unknown): unknown {
  if (err instanceof EventValidationError) {
    const type = (value as { type?: unknown }).type;
    return new LogFormatError(path, line, `${typeof type === 'string' ? type + ' ' : ''}event fails the schema: ${err.message}`, { cause: err });
  }
  if (err instanceof JourneyRuleError) return new LogFormatError(path, line, err.message, { cause: err });
  return err;
}

export function tornLineWarning(scanner: LineScanner, action: string): string {
  const bytes = scanner.bytesRead - scanner.completeBytes;
  return `${scanner.path}, line ${scanner.firstLine}: incomplete final line (torn write, ${bytes} bytes) ${action}`;
}

export function blankLinesWarning(path: string, count: number): string {
  return `${path}: skipped ${count} blank line${count === 1 ? '' : 's'}`;
}

/**
 * Yields the events of an NDJSON log in file order, in constant memory (plus one small state
 * per child with `validate: 'full'`). Never modifies the file. Throws `LogFormatError` for a bad
 * line, and the file system's error (ENOENT …) when the file cannot be read.
 */
export function* readNdjsonEvents(path: string, options: ReadNdjsonOptions = {}): Generator<CaseEvent, void, undefined> {
  const reader = new NdjsonReader(path, options);
  try {
    for (let batch = reader.next(); batch !== undefined; batch = reader.next()) yield* batch;
  } finally {
    reader.close();
  }
}

/**
 * Calls `fn` for each event of an NDJSON log, like `readNdjsonEvents` without the generator:
 * each event as soon as its line is read and checked, so that it is garbage the moment `fn`
 * is done with it (a chunk's events held in an array lived long enough to be copied out of the
 * young generation, which made a replay up to half again slower). A bad line throws after `fn`
 * has seen the lines before it. Returns the number of events and (with `validate: 'full'`) of
 * streams.
 */
export function forEachNdjsonEvent(path: string, options: ReadNdjsonOptions, fn: (event: CaseEvent) => void): { events: number; streams: number | undefined } {
  const reader = new NdjsonReader(path, options);
  let events = 0;
  try {
    for (let n = reader.nextEach(fn); n >= 0; n = reader.nextEach(fn)) events += n;
  } finally {
    reader.close();
  }
  return { events, streams: reader.streams };
}

export interface NdjsonWriterOptions {
  /** Flush to the file when this many characters are buffered (default 1 MiB). */
  bufferChars?: number;
  /** fsync the file before renaming it into place (default true). */
  fsync?: boolean;
  /** Check events as they are written (default `none`: the simulation's events are decided already). */
  validate?: ValidateMode;
}

/**
 * Buffered writer of an NDJSON log. Writes go to a temporary file beside `path`; `close()`
 * flushes, syncs and renames it over `path`, so readers only ever see a finished log. `abort()`
 * removes the temporary file.
 */
export class NdjsonWriter {
  private readonly tmpPath: string;
  /** Where the finished log is renamed to (the staged path while an output set is staged). */
  private readonly target: string;
  private fd: number | undefined;
  private buffer: string[] = [];
  private buffered = 0;
  private readonly bufferChars: number;
  private readonly validator: JourneyValidator | undefined;
  private readonly validate: ValidateMode;
  /** Events written so far. */
  count = 0;

  constructor(
    readonly path: string,
    private readonly options: NdjsonWriterOptions = {},
  ) {
    this.target = stagedPath(path);
    mkdirSync(dirname(this.target), { recursive: true });
    this.tmpPath = tempPathBeside(this.target);
    this.fd = openSync(this.tmpPath, 'w');
    this.bufferChars = options.bufferChars ?? 1 << 20;
    this.validate = options.validate ?? 'none';
    this.validator = this.validate === 'full' ? new JourneyValidator() : undefined;
  }

  write(event: CaseEvent): void {
    if (this.fd === undefined) throw new Error(`${this.path}: writer is closed`);
    let e = event;
    if (this.validate !== 'none') {
      e = parseEvent(event);
      this.validator?.check(e);
    }
    const line = JSON.stringify(e);
    this.buffer.push(line);
    this.buffered += line.length + 1;
    this.count++;
    if (this.buffered >= this.bufferChars) this.flush();
  }

  /** Writes the buffered lines to the temporary file. */
  flush(): void {
    if (this.fd === undefined || this.buffer.length === 0) return;
    const data = Buffer.from(this.buffer.join('\n') + '\n', 'utf8');
    this.buffer = [];
    this.buffered = 0;
    try {
      simulatedDiskFull(this.path);
      writeAll(this.fd, data);
    } catch (err) {
      throw withPath(err, this.path);
    }
  }

  /** Flushes, syncs and renames the log into place. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
      if (this.options.fsync ?? true) fsyncSync(this.fd);
    } catch (err) {
      this.abort();
      throw withPath(err, this.path);
    }
    closeSync(this.fd);
    this.fd = undefined;
    renameSync(this.tmpPath, this.target);
  }

  /** Discards everything written; the target file is left as it was. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable; the temporary file is removed below
      }
      this.fd = undefined;
    }
    this.buffer = [];
    rmSync(this.tmpPath, { force: true });
  }
}

/** Writes all of `data` at the end of the file (loops over short writes). */
export function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}
