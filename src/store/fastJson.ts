/**
 * A fast path for `JSON.parse` of one NDJSON line (as UTF-8 bytes) holding a flat object, such
 * as an event: ASCII strings without escapes, integers, booleans, null, and arrays of those as
 * values. A line with anything else (an escape, a non-ASCII character, a fraction, a nested
 * object, a syntax error …) is not parsed here: `parse` returns `NOT_PARSED` and the caller hands
 * the decoded line to `JSON.parse`, so the result, or the error, is always `JSON.parse`'s.
 *
 * It beats `JSON.parse` on event lines by reusing what repeats: property names are matched
 * against the names that followed the same names last time, short string values (types, codes,
 * dates, child ids) come from a cache instead of being decoded and allocated per line, and
 * objects are built by a constructor made once per sequence of property names, so every event of
 * one shape shares one hidden class.
 *
 * A caller can also have chosen properties (fields) handed over as numbers as well: an integer
 * value as itself, and a string value as the caller's `FieldReader` reads it (an event's type as
 * its index in the catalogue, a child id as a child number, a date as a day number). The number
 * is remembered with the cached string, so a value seen again is not read again.
 */

/** Returned by `parse` for a line the fast path does not take. */
export const NOT_PARSED: unique symbol = Symbol('not parsed');

/** Cache of short strings, direct-mapped by a hash of their bytes. */
const CACHE_BITS = 13;
const CACHE_SIZE = 1 << CACHE_BITS;
/** Longer strings are not cached (they rarely repeat). */
const MAX_CACHED_LENGTH = 32;

type Ctor = (values: unknown[]) => Record<string, unknown>;

/** The properties a `ByteJsonParser` hands over as numbers as well, and how their strings are read. */
export interface ParserFields {
  /** Property names; a field's index is its place here. */
  readonly names: readonly string[];
  readonly reader: FieldReader;
}

/** Reads string values of fields as numbers. */
export interface FieldReader {
  /**
   * The number that `value` stands for as a value of field `f`, or NaN when it stands for none.
   * The same string must always give the same number.
   */
  read(f: number, value: string): number;
}

/**
 * The sequence of property names of the line last parsed. `tag` is the caller's, for something
 * worked out once per sequence (such as which checks its values need).
 */
export interface ParsedShape {
  readonly keys: readonly string[];
  /** Where each of the parser's fields stands in `values` (by field index), -1 when the line does not have it. */
  readonly fieldAt: Int32Array;
  tag: unknown;
}

/** A node of the trie of property-name sequences; `ctor` builds objects with exactly this sequence. */
class Shape implements ParsedShape {
  readonly next = new Map<string, Shape>();
  ctor: Ctor | undefined;
  tag: unknown = undefined;
  /** Names seen after this sequence (up to MAX_GUESSES), as bytes with the closing quote, and where each leads. */
  readonly guesses: Guess[] = [];
  constructor(
    readonly keys: readonly string[],
    readonly fieldAt: Int32Array,
    /** The field named by the last key, -1 for none. */
    readonly field: number,
  ) {}
}

/** A property name as bytes (with its closing quote): whole 32-bit words, then the bytes left over. */
class Guess {
  readonly length: number;
  readonly first: number;
  readonly words: Uint32Array;
  readonly tail: Uint8Array;
  constructor(
    bytes: Uint8Array,
    readonly shape: Shape,
  ) {
    this.length = bytes.length;
    this.first = bytes[0];
    const n = bytes.length >> 2;
    this.words = new Uint32Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let w = 0; w < n; w++) this.words[w] = view.getUint32(4 * w, true);
    this.tail = bytes.slice(4 * n);
  }
}

/** Names remembered after one sequence of names (events of every type share their first five). */
const MAX_GUESSES = 32;


export class ByteJsonParser {
  private readonly strings: (string | undefined)[] = new Array(CACHE_SIZE);
  /** The bytes of each cached string (MAX_CACHED_LENGTH a slot) and its length (-1: empty). */
  private readonly cacheBytes = new Uint8Array(CACHE_SIZE * MAX_CACHED_LENGTH);
  private readonly cacheLength = new Int32Array(CACHE_SIZE).fill(-1);
  private readonly root: Shape;
  /** The values of the line last parsed, in order (`values[0…shape.keys.length)`; what lies beyond is left from earlier lines). */
  readonly values: unknown[] = new Array(64).fill(null);
  /**
   * The fields' numbers for the line last parsed, by field index: valid for a field the line has
   * (`shape.fieldAt[f] >= 0`); an integer as itself, a string as the reader reads it, NaN for
   * anything else.
   */
  readonly numbers: Float64Array;
  /** The property names of the line last parsed (valid after `parse` returned an object). */
  shape: ParsedShape;
  private readonly fieldIndex: Map<string, number>;
  private readonly reader: FieldReader | undefined;
  /** The number of each cached string as a value of each field (field f's at `f * CACHE_SIZE + slot`; NaN: not read yet). */
  private readonly slotNumbers: Float64Array;
  /** The cache slot of the string last read by `string()`, -1 when it was too long to cache. */
  private slot = -1;
  private buf: Uint8Array = new Uint8Array(0);
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private i = 0;
  private end = 0;

  /**
   * @param known strings to seed the cache with (event types, codes, property names)
   * @param fields properties whose values are handed over as numbers as well
   */
  constructor(known: Iterable<string> = [], fields?: ParserFields) {
    const names = fields?.names ?? [];
    this.fieldIndex = new Map(names.map((k, i) => [k, i]));
    this.reader = fields?.reader;
    this.numbers = new Float64Array(names.length).fill(Number.NaN);
    this.slotNumbers = new Float64Array(names.length * CACHE_SIZE).fill(Number.NaN);
    this.root = new Shape([], new Int32Array(names.length).fill(-1), -1);
    this.shape = this.root;
    for (const k of known) {
      if (k.length > MAX_CACHED_LENGTH || !/^[\x20-\x7e]*$/.test(k)) continue;
      let h = 0;
      for (let i = 0; i < k.length; i++) h = (Math.imul(h, 31) + k.charCodeAt(i)) | 0;
      this.remember(mix(h, k.length) & (CACHE_SIZE - 1), k);
    }
  }

  /** The object on bytes `start`…`end` of `buf`, or `NOT_PARSED`. */
  parse(buf: Uint8Array, start: number, end: number): Record<string, unknown> | typeof NOT_PARSED {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.i = start;
    this.end = end;
    this.ws();
    if (this.i >= end || buf[this.i] !== 123 /* { */) return NOT_PARSED;
    this.i++;
    this.ws();
    let node = this.root;
    // the values of this line go to values[0…nv); what lies beyond is left from earlier lines
    const values = this.values;
    let nv = 0;
    if (this.i < end && buf[this.i] === 125 /* } */) {
      this.i++;
    } else {
      for (;;) {
        if (this.i >= end || buf[this.i] !== 34 /* " */) return NOT_PARSED;
        this.i++;
        const child = this.key(node);
        if (child === undefined) return NOT_PARSED;
        node = child;
        this.ws();
        if (this.i >= end || buf[this.i] !== 58 /* : */) return NOT_PARSED;
        this.i++;
        this.ws();
        const f = node.field;
        const v = f < 0 ? this.value(true) : this.fieldValue(f);
        if (v === NOT_PARSED) return NOT_PARSED;
        values[nv++] = v;
        this.ws();
        if (this.i >= end) return NOT_PARSED;
        const c = buf[this.i++];
        if (c === 125 /* } */) break;
        if (c !== 44 /* , */) return NOT_PARSED;
        this.ws();
      }
    }
    this.ws();
    if (this.i !== end) return NOT_PARSED;
    this.shape = node;
    let ctor = node.ctor;
    if (ctor === undefined) ctor = node.ctor = makeCtor(node.keys);
    return ctor(values);
  }

  /** The shape after property name at the cursor (just past its opening quote), or undefined. */
  private key(node: Shape): Shape | undefined {
    const buf = this.buf;
    const view = this.view;
    const at = this.i;
    const room = this.end - at;
    const guesses = node.guesses;
    const c0 = buf[at];
    next: for (let j = 0; j < guesses.length; j++) {
      const g = guesses[j];
      if (g.first !== c0 || g.length > room) continue;
      const words = g.words;
      for (let w = 0; w < words.length; w++) if (view.getUint32(at + 4 * w, true) !== words[w]) continue next;
      const tail = g.tail;
      const t = at + 4 * words.length;
      for (let k = 0; k < tail.length; k++) if (buf[t + k] !== tail[k]) continue next;
      this.i = at + g.length;
      return g.shape;
    }
    const name = this.string();
    if (name === NOT_PARSED) return undefined;
    let child = node.next.get(name);
    if (child === undefined) {
      if (name === '__proto__') return undefined;
      const f = this.fieldIndex.get(name) ?? -1;
      const fieldAt = node.fieldAt.slice();
      if (f >= 0) fieldAt[f] = node.keys.length;
      child = new Shape([...node.keys, name], fieldAt, f);
      node.next.set(name, child);
    }
    // a copy: the bytes of the buffer change with the next read
    if (guesses.length < MAX_GUESSES) guesses.push(new Guess(Uint8Array.prototype.slice.call(buf, at, this.i), child));
    return child;
  }

  /** JSON whitespace: space, tab, line feed, carriage return. */
  private ws(): void {
    const buf = this.buf;
    let i = this.i;
    const n = this.end;
    while (i < n) {
      const c = buf[i];
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
    this.i = i;
  }

  private value(allowArray: boolean): unknown {
    const c = this.buf[this.i];
    if (c === 34) {
      this.i++;
      return this.string();
    }
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (c === 116 /* t */) return this.word(TRUE, true);
    if (c === 102 /* f */) return this.word(FALSE, false);
    if (c === 110 /* n */) return this.word(NULL, null);
    if (c === 91 /* [ */ && allowArray) return this.array();
    return NOT_PARSED;
  }

  /** The value of field `f`'s property (as `value` reads it), with its number in `numbers`. */
  private fieldValue(f: number): unknown {
    if (this.buf[this.i] !== 34) {
      const v = this.value(true);
      this.numbers[f] = typeof v === 'number' ? v : Number.NaN;
      return v;
    }
    this.i++;
    const s = this.string();
    if (s === NOT_PARSED) return s;
    const at = this.slot < 0 ? -1 : f * CACHE_SIZE + this.slot;
    let x = at < 0 ? Number.NaN : this.slotNumbers[at];
    if (x !== x) {
      x = this.reader!.read(f, s);
      if (at >= 0) this.slotNumbers[at] = x;
    }
    this.numbers[f] = x;
    return s;
  }

  private word(w: Uint8Array, v: unknown): unknown {
    const buf = this.buf;
    const at = this.i;
    if (at + w.length > this.end) return NOT_PARSED;
    for (let k = 0; k < w.length; k++) if (buf[at + k] !== w[k]) return NOT_PARSED;
    this.i = at + w.length;
    return v;
  }

  /** A printable-ASCII string without escapes (the cursor is just past the opening quote); the cursor ends past the closing quote. */
  private string(): string | typeof NOT_PARSED {
    const buf = this.buf;
    const start = this.i;
    const n = this.end;
    let i = start;
    let h = 0;
    for (;;) {
      if (i >= n) return NOT_PARSED;
      const c = buf[i];
      if (c === 34) break;
      // escapes, control characters and non-ASCII bytes go to JSON.parse
      if (c === 92 || c < 32 || c > 126) return NOT_PARSED;
      h = (Math.imul(h, 31) + c) | 0;
      i++;
    }
    this.i = i + 1;
    const len = i - start;
    if (len > MAX_CACHED_LENGTH) {
      this.slot = -1;
      return latin1(buf, start, i);
    }
    const slot = mix(h, len) & (CACHE_SIZE - 1);
    this.slot = slot;
    if (this.cacheLength[slot] === len) {
      const bytes = this.cacheBytes;
      const base = slot * MAX_CACHED_LENGTH;
      let k = 0;
      while (k < len && bytes[base + k] === buf[start + k]) k++;
      if (k === len) return this.strings[slot]!;
    }
    const fresh = latin1(buf, start, i);
    this.remember(slot, fresh);
    return fresh;
  }

  private remember(slot: number, s: string): void {
    this.strings[slot] = s;
    for (let at = slot; at < this.slotNumbers.length; at += CACHE_SIZE) this.slotNumbers[at] = Number.NaN;
    this.cacheLength[slot] = s.length;
    const base = slot * MAX_CACHED_LENGTH;
    for (let k = 0; k < s.length; k++) this.cacheBytes[base + k] = s.charCodeAt(k);
  }

  /** An integer of at most 15 digits (fractions and exponents go to JSON.parse). */
  private number(): number | typeof NOT_PARSED {
    const buf = this.buf;
    const n = this.end;
    let i = this.i;
    let neg = false;
    if (buf[i] === 45) {
      neg = true;
      i++;
    }
    const first = i;
    let v = 0;
    while (i < n) {
      const c = buf[i];
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && buf[first] === 48)) return NOT_PARSED;
    if (i < n) {
      const c = buf[i];
      if (c === 46 /* . */ || c === 101 /* e */ || c === 69 /* E */) return NOT_PARSED;
    }
    this.i = i;
    return neg ? -v : v;
  }

  /** An array of strings, numbers, booleans and nulls. */
  private array(): unknown[] | typeof NOT_PARSED {
    const buf = this.buf;
    const n = this.end;
    this.i++;
    this.ws();
    const out: unknown[] = [];
    if (this.i < n && buf[this.i] === 93 /* ] */) {
      this.i++;
      return out;
    }
    for (;;) {
      if (this.i >= n) return NOT_PARSED;
      const v = this.value(false);
      if (v === NOT_PARSED) return NOT_PARSED;
      out.push(v);
      this.ws();
      if (this.i >= n) return NOT_PARSED;
      const c = buf[this.i++];
      if (c === 93) return out;
      if (c !== 44) return NOT_PARSED;
      this.ws();
    }
  }
}

const TRUE = new Uint8Array([116, 114, 117, 101]);
const FALSE = new Uint8Array([102, 97, 108, 115, 101]);
const NULL = new Uint8Array([110, 117, 108, 108]);

/** Decodes longer runs of printable ASCII (the same string in UTF-8 as in Latin-1); in a browser as in Node. */
const ASCII = new TextDecoder();

/** Printable ASCII bytes (`string()` has checked them) as a string. */
function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let s = '';
    for (let k = start; k < end; k++) s += String.fromCharCode(buf[k]);
    return s;
  }
  return ASCII.decode(buf.subarray(start, end));
}

function mix(h: number, len: number): number {
  let x = (h ^ Math.imul(len, 0x9e3779b1)) | 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}

/** `(v) => ({ "k0": v[0], "k1": v[1], … })`: one object literal, so one hidden class per shape. */
function makeCtor(keys: readonly string[]): Ctor {
  const body = keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ');
  return new Function('v', `return { ${body} };`) as Ctor;
}
