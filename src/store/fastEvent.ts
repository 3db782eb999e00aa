/**
 * A fast path for `parseEvent`: a checker compiled once from the zod event catalogue
 * (`CaseEventSchema`) that recognises an event zod would accept unchanged, so the object can be
 * used as it is. It accepts only plain objects whose keys are exactly the schema's keys, in the
 * schema's order (absent optional keys aside), with every value passing every check. Anything
 * it is not sure of (an extra key, another order, a failed check, a schema construct it does not
 * know) goes to `parseEvent`, which stays the authority: it returns zod's output or throws its
 * error. So `fastParseEvent(v)` is always deep-equal to `parseEvent(v)`, key order included.
 *
 * Custom refinements (the real-date check on `date` and `dateOfBirth`) are remembered per string
 * value, since the same few thousand dates recur in every log.
 */
import type { CaseEvent } from '../events/schema.ts';
import { CaseEventSchema, parseEvent } from '../events/schema.ts';
import type { ParsedShape } from './fastJson.ts';

type Check = (v: unknown) => boolean;

interface Field {
  readonly key: string;
  readonly optional: boolean;
  readonly check: Check;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- zod's internal definitions are untyped here */
interface ZodLike {
  _zod: { def: any };
}

const MEMO_LIMIT = 200_000;
const RECENT_SIZE = 1 << 16;

/** A checker for a zod schema, or undefined when it uses something this file does not know. */
function compile(schema: ZodLike): Check | undefined {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string': {
      const checks: Check[] = [];
      for (const c of def.checks ?? []) {
        const cd = c._zod.def;
        if (cd.check === 'min_length') {
          const min = cd.minimum as number;
          checks.push((v) => (v as string).length >= min);
        } else if (cd.check === 'max_length') {
          const max = cd.maximum as number;
          checks.push((v) => (v as string).length <= max);
        } else if (cd.check === 'custom' && typeof cd.fn === 'function' && cd.when === undefined && cd.abort !== true) {
          const fn = cd.fn as (v: unknown) => unknown;
          // answers remembered by value: a small direct-mapped table in front of a Map
          const recent: (string | undefined)[] = new Array(RECENT_SIZE);
          const recentOk = new Uint8Array(RECENT_SIZE);
          const memo = new Map<string, boolean>();
          checks.push((v) => {
            const s = v as string;
            const n = s.length < 24 ? s.length : 24;
            let h = s.length;
            for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
            const slot = (h ^ (h >>> 11)) & (RECENT_SIZE - 1);
            if (recent[slot] === s) return recentOk[slot] === 1;
            let ok = memo.get(s);
            if (ok === undefined) {
              // anything but true (an async or odd refinement) lets zod decide
              ok = fn(s) === true;
              if (memo.size < MEMO_LIMIT) memo.set(s, ok);
            }
            recent[slot] = s;
            recentOk[slot] = ok ? 1 : 0;
            return ok;
          });
        } else return undefined;
      }
      if (checks.length === 0) return (v) => typeof v === 'string';
      if (checks.length === 1) {
        const [a] = checks;
        return (v) => typeof v === 'string' && a(v);
      }
      if (checks.length === 2) {
        const [a, b] = checks;
        return (v) => typeof v === 'string' && a(v) && b(v);
      }
      return (v) => typeof v === 'string' && checks.every((c) => c(v));
    }
    case 'number': {
      let min = -Infinity;
      let minInclusive = true;
      let max = Infinity;
      let maxInclusive = true;
      let safeInt = false;
      for (const c of def.checks ?? []) {
        const cd = c._zod.def;
        if (cd.check === 'number_format' && cd.format === 'safeint') safeInt = true;
        else if (cd.check === 'greater_than') {
          min = cd.value;
          minInclusive = cd.inclusive === true;
        } else if (cd.check === 'less_than') {
          max = cd.value;
          maxInclusive = cd.inclusive === true;
        } else return undefined;
      }
      // zod's number rejects NaN and infinities; without safeint the fast path is not needed
      if (!safeInt) return undefined;
      return (v) =>
        typeof v === 'number' && Number.isSafeInteger(v) && (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
    }
    case 'boolean':
      if ((def.checks ?? []).length > 0) return undefined;
      return (v) => typeof v === 'boolean';
    case 'enum': {
      if ((def.checks ?? []).length > 0) return undefined;
      const values = Object.values(def.entries as Record<string, unknown>);
      if (!values.every((x) => typeof x === 'string')) return undefined;
      const set = new Set(values as string[]);
      return (v) => typeof v === 'string' && set.has(v);
    }
    case 'literal': {
      if ((def.checks ?? []).length > 0) return undefined;
      const values = def.values as unknown[];
      if (values.length !== 1 || typeof values[0] !== 'string') return undefined;
      const only = values[0];
      return (v) => v === only;
    }
    case 'array': {
      if ((def.checks ?? []).length > 0) return undefined;
      const el = compile(def.element);
      if (!el) return undefined;
      return (v) => {
        if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let i = 0; i < v.length; i++) if (!(i in v) || !el(v[i])) return false;
        return true;
      };
    }
    default:
      return undefined;
  }
}

/** The fields of an event type in schema order, or undefined when one cannot be compiled. */
function compileObject(schema: ZodLike): Field[] | undefined {
  const def = schema._zod.def;
  if (def.type !== 'object' || def.catchall !== undefined || (def.checks ?? []).length > 0) return undefined;
  const fields: Field[] = [];
  for (const [key, s] of Object.entries(def.shape as Record<string, ZodLike>)) {
    let inner = s;
    let optional = false;
    if (inner._zod.def.type === 'optional') {
      optional = true;
      inner = inner._zod.def.innerType;
    }
    const check = compile(inner);
    if (!check) return undefined;
    fields.push({ key, optional, check });
  }
  return fields;
}

function buildTable(): Map<string, Field[]> {
  const table = new Map<string, Field[]>();
  const union = (CaseEventSchema as unknown as ZodLike)._zod.def;
  if (union.type !== 'union' || union.discriminator !== 'type') return table;
  for (const option of union.options as ZodLike[]) {
    const typeSchema = option._zod.def.shape?.type as ZodLike | undefined;
    const values = typeSchema?._zod.def.values as unknown[] | undefined;
    if (!values || values.length !== 1 || typeof values[0] !== 'string') continue;
    const fields = compileObject(option);
    if (fields && fields.length > 0 && fields[0].key === 'type') table.set(values[0], fields);
  }
  return table;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Compiled on first use, so that a command that writes logs but never reads one does not pay for it. */
let table: Map<string, Field[]> | undefined;

/**
 * True when `value` is an event zod accepts and returns unchanged (same keys, same order, same
 * values); false when not sure.
 */
export function isPlainValidEvent(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const fields = (table ??= buildTable()).get((value as { type?: unknown }).type as string);
  if (fields === undefined) return false;
  const obj = value as Record<string, unknown>;
  let i = 0;
  const n = fields.length;
  for (const k in obj) {
    while (i < n && fields[i].key !== k) {
      if (!fields[i].optional) return false;
      i++;
    }
    if (i === n || !fields[i].check(obj[k])) return false;
    i++;
  }
  for (; i < n; i++) if (!fields[i].optional) return false;
  return true;
}

/**
 * The checks of the values of lines with one sequence of property names and one event type, in
 * order, and the value each last accepted (a check's verdict depends on the value alone, and
 * consecutive lines of one kind often repeat a value: the schema version, a date, a code).
 */
interface LineChecks {
  readonly checks: Check[];
  readonly accepted: unknown[];
}

/** Per sequence of property names: for each event type, its `LineChecks` (null: not an exact match). */
type ShapeChecks = Map<unknown, LineChecks | null>;

/** Stands in `LineChecks.accepted` before a position has accepted a value. */
const NOT_ACCEPTED: unique symbol = Symbol('not accepted');

/** The checks of a line whose properties are `keys` and whose type is `type`, in key order, or null when `isPlainValidEvent` would say no. */
function checksFor(keys: readonly string[], type: unknown): Check[] | null {
  const fields = typeof type === 'string' ? (table ??= buildTable()).get(type) : undefined;
  if (fields === undefined) return null;
  const out: Check[] = [];
  let i = 0;
  const n = fields.length;
  for (const k of keys) {
    while (i < n && fields[i].key !== k) {
      if (!fields[i].optional) return null;
      i++;
    }
    if (i === n) return null;
    out.push(fields[i].check);
    i++;
  }
  for (; i < n; i++) if (!fields[i].optional) return null;
  return out;
}

/**
 * `isPlainValidEvent` of the object a `ByteJsonParser` builds from `shape` and `values` (its
 * last line), without reading the object: the key sequence is matched against the type's
 * fields once per sequence and type, and the values checked straight from the parser's array.
 */
export function isPlainValidParsed(shape: ParsedShape, values: readonly unknown[]): boolean {
  const keys = shape.keys;
  if (keys.length === 0 || keys[0] !== 'type') return false;
  let byType = shape.tag as ShapeChecks | undefined;
  if (byType === undefined) shape.tag = byType = new Map();
  const type = values[0];
  let line = byType.get(type);
  if (line === undefined) {
    const checks = checksFor(keys, type);
    line = checks === null ? null : { checks, accepted: new Array<unknown>(checks.length).fill(NOT_ACCEPTED) };
    // the type is not always a string here: only remember the catalogue's own
    if (typeof type === 'string' && byType.size < 64) byType.set(type, line);
  }
  if (line === null) return false;
  const { checks, accepted } = line;
  for (let i = 1; i < checks.length; i++) {
    const v = values[i];
    if (v === accepted[i]) continue;
    if (!checks[i](v)) return false;
    accepted[i] = v;
  }
  return true;
}

/** `parseEvent(value)`, without zod's cost when the value is an event zod would return unchanged. */
export function fastParseEvent(value: unknown): CaseEvent {
  return isPlainValidEvent(value) ? (value as CaseEvent) : parseEvent(value);
}

/** Every property name, literal and enum value of the catalogue: the strings event lines repeat. */
export function schemaStrings(): string[] {
  const out = new Set<string>();
  const union = (CaseEventSchema as unknown as ZodLike)._zod.def;
  const walk = (s: ZodLike): void => {
    const d = s._zod.def;
    if (d.type === 'object') {
      for (const [k, v] of Object.entries(d.shape as Record<string, ZodLike>)) {
        out.add(k);
        walk(v);
      }
    } else if (d.type === 'optional') walk(d.innerType);
    else if (d.type === 'array') walk(d.element);
    else if (d.type === 'enum') for (const v of Object.values(d.entries as Record<string, unknown>)) out.add(String(v));
    else if (d.type === 'literal') for (const v of d.values as unknown[]) out.add(String(v));
  };
  for (const option of (union.options ?? []) as ZodLike[]) walk(option);
  return [...out];
}

/** Event types the fast path covers (all of them, unless the schema uses something new). */
export function fastEventTypes(): string[] {
  return [...(table ??= buildTable()).keys()];
}
