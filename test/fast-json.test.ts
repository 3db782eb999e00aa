/**
 * The NDJSON read fast paths never change an answer: the byte parser returns what JSON.parse
 * returns (key order included) or declines, and the compiled event check accepts only what zod
 * returns unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ByteJsonParser, NOT_PARSED } from '../src/store/fastJson.ts';
import { fastEventTypes, fastParseEvent, isPlainValidEvent, isPlainValidParsed, schemaStrings } from '../src/store/fastEvent.ts';
import { EVENT_TYPES, parseEvent, type CaseEvent } from '../src/events/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { ChildIndex } from '../src/events/childIndex.ts';
import { envelopeFields, F_CHILD, F_DATE, F_DATE_OF_BIRTH, F_PREVIOUS_PLANS, F_TYPE, F_VERSION } from '../src/store/envelope.ts';
import { tryParseIsoDate } from '../src/calendar/index.ts';
import { runSimulation } from '../src/simulation/index.ts';

const enc = new TextEncoder();

/** Parses `text` as one line in the middle of a buffer (other bytes around it, as in a read chunk). */
function parseLine(p: ByteJsonParser, text: string): unknown {
  const pre = enc.encode('{"junk":1}\n');
  const body = enc.encode(text);
  const buf = Buffer.alloc(pre.length + body.length + 5, 0x41);
  buf.set(pre, 0);
  buf.set(body, pre.length);
  return p.parse(buf, pre.length, pre.length + body.length);
}

/** Equal as JSON.parse results: same values and the same key order at every level. */
function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Two months of a simulated log (history first): every event type, many shapes. */
const LOG: CaseEvent[] = (() => {
  const scenario = loadScenario(new URL('../scenarios/southampton-baseline.json', import.meta.url).pathname);
  const out: CaseEvent[] = [];
  runSimulation({ scenario, seed: 5, replication: 0, months: 2, sink: (e) => out.push(e) });
  return out;
})();

describe('ByteJsonParser', () => {
  it('parses flat objects exactly as JSON.parse does, or declines', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('2023-03-01', 'N12', 'ContactReceived', '-0', 'é', '\\', '"'));
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 3 }), scalar, { maxKeys: 2 }));
    const key = fc.oneof(fc.constantFrom('type', 'childId', 'date', 'version', '__proto__', '1', '0', ''), fc.string({ maxLength: 6 }));
    const spaces = fc.constantFrom('', ' ', '\t', ' \r', '  ');
    const line = fc.tuple(fc.array(fc.tuple(key, value, spaces), { maxLength: 8 }), spaces).map(([fields, sp]) => `${sp}{${fields.map(([k, v, s]) => `${s}${JSON.stringify(k)}${s}:${s}${JSON.stringify(v)}`).join(',')}}${sp}`);
    const p = new ByteJsonParser(schemaStrings());
    let taken = 0;
    let lines = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (texts) => {
        for (const text of texts) {
          lines++;
          const got = parseLine(p, text);
          if (got === NOT_PARSED) continue;
          taken++;
          expect(sameJson(got, JSON.parse(text))).toBe(true);
        }
      }),
    );
    // the property is not vacuous: the fast path takes a good share of the lines
    expect(taken).toBeGreaterThan(lines / 10);
  });

  it('declines anything JSON.parse would reject, whatever the bytes', () => {
    const p = new ByteJsonParser();
    const near = fc.constantFrom('{"a":1,}', '{"a":01}', '{"a":-}', '{"a":1.}', '{"a" 1}', '{a:1}', '{"a":tru}', '{"a":nul}', '{"a":1}x', '{"a":[1,]}', '{"a":"\u0001"}', '{"a":1', '{,}', '');
    fc.assert(
      fc.property(fc.oneof(near, fc.string(), fc.string().map((s) => `{"k":${s}}`), fc.string().map((s) => `{${s}}`)), (text) => {
        const got = parseLine(p, text);
        if (got === NOT_PARSED) return;
        expect(sameJson(got, JSON.parse(text))).toBe(true);
      }),
    );
  });

  it('takes every line of a simulated log, and each is the event written', () => {
    const p = new ByteJsonParser(schemaStrings());
    const bad = LOG.filter((e) => !sameJson(parseLine(p, JSON.stringify(e)), e));
    expect(bad).toEqual([]);
  });

  it('hands over an event line’s type, child, date, version, date of birth and earlier CP plans as the numbers its object gives', () => {
    const ids = new ChildIndex();
    const p = new ByteJsonParser(schemaStrings(), envelopeFields(ids));
    const expected = new ChildIndex();
    // twice over: the second time every string (and its number) comes from the parser's cache
    for (const e of [...LOG, ...LOG]) {
      expect(sameJson(parseLine(p, JSON.stringify(e)), e)).toBe(true);
      const at = p.shape.fieldAt;
      const n = p.numbers;
      expect(n[F_TYPE]).toBe(EVENT_TYPES.indexOf(e.type));
      expect(n[F_CHILD]).toBe(expected.get(e.childId));
      expect(n[F_DATE]).toBe(tryParseIsoDate(e.date));
      expect(n[F_VERSION]).toBe(e.version);
      if (e.type === 'ChildRegistered') expect(n[F_DATE_OF_BIRTH]).toBe(tryParseIsoDate(e.dateOfBirth));
      else expect(at[F_DATE_OF_BIRTH]).toBe(-1);
      if (e.type === 'CpPlanStarted') expect(n[F_PREVIOUS_PLANS]).toBe(e.previousPlans);
      else expect(at[F_PREVIOUS_PLANS]).toBe(-1);
    }
    expect(ids.count).toBe(expected.count);
  });

  it('reads a malformed type, child id or date as no number, and still parses the line as JSON.parse does', () => {
    const ids = new ChildIndex();
    const p = new ByteJsonParser(schemaStrings(), envelopeFields(ids));
    // an integer value stands for itself (the schema, checked before any number is used, refuses it)
    const cases: [string, number, number][] = [
      ['{"type":"ChildRegistred","childId":"N1","date":"2023-01-01"}', F_TYPE, NaN],
      ['{"type":"ChildRegistered","childId":"N1","date":"2023-02-30"}', F_DATE, NaN],
      ['{"type":"ChildRegistered","childId":"N1","date":"2023-1-01"}', F_DATE, NaN],
      ['{"type":"ChildRegistered","childId":"N1","date":"2023-01-01 "}', F_DATE, NaN],
      ['{"type":"ChildRegistered","childId":"N1","date":20230101}', F_DATE, 20230101],
      ['{"type":"ChildRegistered","childId":1,"date":"2023-01-01"}', F_CHILD, 1],
      ['{"type":"ChildRegistered","childId":null,"date":"2023-01-01"}', F_CHILD, NaN],
    ];
    for (let round = 0; round < 2; round++) {
      // the second time round the strings come from the cache, with their numbers
      for (const [line, field, number] of cases) {
        expect(parseLine(p, line), line).toEqual(JSON.parse(line));
        expect(p.numbers[field], line).toBe(number);
      }
    }
  });

  it('keeps its guesses when the buffer it read from is overwritten', () => {
    const p = new ByteJsonParser();
    const buf = Buffer.from('{"type":"A","n":1}');
    expect(p.parse(buf, 0, buf.length)).toEqual({ type: 'A', n: 1 });
    buf.write('{"tope":"A","n":2}');
    expect(p.parse(buf, 0, buf.length)).toEqual({ tope: 'A', n: 2 });
    // a "__proto__" key would set the prototype if assigned: JSON.parse's own property is left to it
    expect(p.parse(Buffer.from('{"__proto__":1}'), 0, 15)).toBe(NOT_PARSED);
  });
});

type Mutation = { drop: number } | { set: number; to: unknown } | { add: string; to: unknown } | { swap: number };

/** `e` with its entries dropped, set, added or swapped as `ms` says. */
function mutated(e: CaseEvent, ms: Mutation[]): Record<string, unknown> {
  let entries = Object.entries(e) as [string, unknown][];
  for (const m of ms) {
    if ('drop' in m) entries = entries.filter((_, i) => i !== m.drop % entries.length);
    else if ('set' in m) entries = entries.map(([k, v], i) => (i === m.set % entries.length ? [k, m.to] : [k, v]));
    else if ('add' in m) entries = [...entries, [m.add, m.to]];
    else if (entries.length > 1) {
      const i = m.swap % (entries.length - 1);
      entries = [...entries.slice(0, i), entries[i + 1], entries[i], ...entries.slice(i + 2)];
    }
  }
  return Object.fromEntries(entries);
}

describe('fastParseEvent', () => {
  const sample = fc.constantFrom(...LOG.filter((_, i) => i % 7 === 0));

  it('covers every event type of the catalogue', () => {
    expect(fastEventTypes().sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('accepts the engine’s events as they are', () => {
    expect(LOG.filter((e) => fastParseEvent(e) !== e)).toEqual([]);
  });

  const mutate = fc.oneof(
    fc.record({ drop: fc.nat() }),
    fc.record({ set: fc.nat(), to: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom('2023-02-30', '2023-02-28', 'N1', 'nfa', 'E11', -1, 0, 1, 2, 2 ** 53, 1.5, [], ['21'], ['nope'])) }),
    fc.record({ add: fc.string({ maxLength: 5 }), to: fc.jsonValue() }),
    fc.record({ swap: fc.nat() }),
  );

  it('accepts only what zod returns unchanged; otherwise gives zod’s answer', () => {
    fc.assert(
      fc.property(sample, fc.array(mutate, { maxLength: 3 }), (e, ms) => {
        const v = mutated(e, ms);
        let zod: { ok: true; value: unknown } | { ok: false; message: string };
        try {
          zod = { ok: true, value: parseEvent(v) };
        } catch (err) {
          zod = { ok: false, message: (err as Error).message };
        }
        if (isPlainValidEvent(v)) {
          expect(zod.ok).toBe(true);
          expect(sameJson(zod.ok && zod.value, v)).toBe(true);
        }
        try {
          const got = fastParseEvent(v);
          expect(zod.ok).toBe(true);
          expect(sameJson(got, zod.ok && zod.value)).toBe(true);
        } catch (err) {
          expect(zod.ok).toBe(false);
          expect((err as Error).message).toBe(!zod.ok && zod.message);
        }
      }),
    );
  });

  it('gives the same verdict from the parser’s values as from the object it builds', () => {
    const p = new ByteJsonParser(schemaStrings());
    let parsed = 0;
    fc.assert(
      fc.property(sample, fc.array(mutate, { maxLength: 3 }), (e, ms) => {
        const v = parseLine(p, JSON.stringify(mutated(e, ms)));
        if (v === NOT_PARSED) return;
        parsed++;
        expect(isPlainValidParsed(p.shape, p.values)).toBe(isPlainValidEvent(v));
      }),
      { numRuns: 2000 },
    );
    // the unchanged events of the log too, every one of them accepted
    for (const e of LOG) {
      parseLine(p, JSON.stringify(e));
      expect(isPlainValidParsed(p.shape, p.values)).toBe(true);
    }
    expect(parsed).toBeGreaterThan(1000);
  });
});
