/**
 * The properties of an event line that checking and projecting a log read on every event, read
 * from the line's bytes as numbers by the byte parser (`ByteJsonParser`'s fields; see
 * src/store/fastJson.ts): the type as its index in the catalogue (`EVENT_TYPES`), the child id
 * as a dense child number (`ChildIndex`), the date and date of birth as day numbers, the
 * version and the count of earlier CP plans as themselves.
 */
import { strictDayOfBytes } from '../calendar/index.ts';
import type { ChildIndex } from '../events/childIndex.ts';
import { EVENT_TYPES } from '../events/eventTypes.ts';
import type { FieldReader, ParserFields } from './fastJson.ts';

/** Indices of the fields (in the parser's `numbers` and `shape.fieldAt`). */
export const F_TYPE = 0;
export const F_CHILD = 1;
export const F_DATE = 2;
export const F_VERSION = 3;
export const F_DATE_OF_BIRTH = 4;
export const F_PREVIOUS_PLANS = 5;

const NAMES = ['type', 'childId', 'date', 'version', 'dateOfBirth', 'previousPlans'];

/** The fields for a `ByteJsonParser` reading event lines, children numbered by `ids`. */
export function envelopeFields(ids: ChildIndex): ParserFields {
  return { names: NAMES, reader: new EnvelopeReader(ids) };
}

class EnvelopeReader implements FieldReader {
  private readonly types = new NameTable(EVENT_TYPES);
  constructor(private readonly ids: ChildIndex) {}

  read(f: number, buf: Uint8Array, start: number, end: number): number {
    switch (f) {
      case F_TYPE:
        return this.types.read(buf, start, end);
      case F_CHILD:
        return this.ids.fromBytes(buf, start, end);
      case F_DATE:
      case F_DATE_OF_BIRTH:
        return strictDayOfBytes(buf, start, end);
      default:
        return Number.NaN;
    }
  }
}

/** A name of a fixed list, read as its index. */
export class NameTable {
  private readonly mask: number;
  /** Open-addressed table of name indices by hash of the bytes (-1: empty). */
  private readonly slots: Int32Array;
  private readonly bytes: Uint8Array[];

  constructor(names: readonly string[]) {
    let size = 16;
    while (size < 2 * names.length) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size).fill(-1);
    this.bytes = names.map((n) => Uint8Array.from(n, (c) => c.charCodeAt(0)));
    names.forEach((_, i) => {
      const b = this.bytes[i];
      let s = hash(b, 0, b.length) & this.mask;
      while (this.slots[s] >= 0) s = (s + 1) & this.mask;
      this.slots[s] = i;
    });
  }

  /** The index of the name spelt by bytes `start`…`end` of `buf`, or NaN. */
  read(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    for (let s = hash(buf, start, end) & this.mask; ; s = (s + 1) & this.mask) {
      const i = this.slots[s];
      if (i < 0) return Number.NaN;
      const b = this.bytes[i];
      if (b.length !== len) continue;
      let k = 0;
      while (k < len && b[k] === buf[start + k]) k++;
      if (k === len) return i;
    }
  }
}

function hash(buf: Uint8Array, start: number, end: number): number {
  let h = end - start;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + buf[i]) | 0;
  return (h ^ (h >>> 7)) >>> 0;
}

