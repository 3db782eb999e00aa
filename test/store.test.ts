import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConcurrencyError, EventCounter, LogFormatError, MemoryEventStore, type EventStore } from '../src/store/index.ts';
import { NdjsonFileStore } from '../src/node/fileStore.ts';
import { NdjsonWriter, readNdjsonEvents } from '../src/node/ndjson.ts';
import { replayLog } from '../src/node/replay.ts';
import { sampleCommand, sampleLog } from './helpers/sample.ts';
import { EventValidationError, parseEvent, type CaseEvent, type EventType, type NewEvent } from '../src/events/schema.ts';
import { JourneyRuleError } from '../src/events/journey.ts';
import { tempDirRemovedAfterAll } from './helpers/cli.ts';

const dir = tempDirRemovedAfterAll('caseflow-store-');
let fileNo = 0;
const tmpFile = (name = 'events') => join(dir, `${name}-${fileNo++}.ndjson`);

const cmd = (type: EventType, child: string, date = '2023-05-02', prev = 0): NewEvent => sampleCommand(type, child, date, prev);
/** Command lists that are valid as whole batches from an empty stream. */
const opening = (child: string): NewEvent[] => [cmd('ChildRegistered', child, '2023-05-01'), cmd('ContactReceived', child), cmd('ContactConcluded', child)];
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
const writeLog = (path: string, events: readonly CaseEvent[]) => writeFileSync(path, events.map((e) => JSON.stringify(e) + '\n').join(''));

function collect<T>(store: EventStore, from?: number) {
  const batches: CaseEvent[][] = [];
  let completed = false;
  const sub = store.subscribe(from).subscribe({ next: (b) => batches.push(b), complete: () => (completed = true) });
  return { batches, sub, isCompleted: () => completed, flat: () => batches.flat() };
}

// ---------------------------------------------------------------------------------------------

const stores: [string, () => { store: EventStore; persisted: () => string | undefined }][] = [
  ['MemoryEventStore', () => ({ store: new MemoryEventStore(), persisted: () => undefined })],
  [
    'NdjsonFileStore',
    () => {
      const path = tmpFile();
      return { store: new NdjsonFileStore(path), persisted: () => (existsSync(path) ? readFileSync(path, 'utf8') : '') };
    },
  ],
];

describe.each(stores)('%s: the EventStore contract', (_name, make) => {
  it('appends a new stream at expected version 0, stamps versions and schema, and reads it back', () => {
    const { store } = make();
    expect(store.position).toBe(0);
    expect(store.streamVersion('a')).toBe(0);
    const stored = store.append('a', 0, opening('a'));
    expect(stored.map((e) => [e.type, e.version, e.schema])).toEqual([
      ['ChildRegistered', 1, 1],
      ['ContactReceived', 2, 1],
      ['ContactConcluded', 3, 1],
    ]);
    expect(store.position).toBe(3);
    expect(store.streamVersion('a')).toBe(3);
    expect(store.readStream('a')).toEqual(stored);
    expect(store.readStream('nobody')).toEqual([]);
    store.close();
  });

  it('keeps global order across interleaved streams; readAll(from) starts at a position and is a snapshot', () => {
    const { store } = make();
    store.append('a', 0, [cmd('ChildRegistered', 'a')]);
    store.append('b', 0, [cmd('ChildRegistered', 'b')]);
    store.append('a', 1, [cmd('ReferralAccepted', 'a')]);
    store.append('b', 1, [cmd('PeriodOfCareStarted', 'b'), cmd('EpisodeChanged', 'b')]);
    const all = [...store.readAll()];
    expect(all.map((e) => `${e.childId}${e.version}`)).toEqual(['a1', 'b1', 'a2', 'b2', 'b3']);
    expect([...store.readAll(3)].map((e) => `${e.childId}${e.version}`)).toEqual(['b2', 'b3']);
    expect([...store.readAll(5)]).toEqual([]);
    const snapshot = store.readAll(0);
    store.append('a', 2, [cmd('AssessmentStarted', 'a')]);
    expect([...snapshot]).toHaveLength(5);
    expect([...store.readAll()]).toHaveLength(6);
    expect(store.readStream('b').map((e) => e.type)).toEqual(['ChildRegistered', 'PeriodOfCareStarted', 'EpisodeChanged']);
    expect(() => store.readAll(-1)).toThrow(RangeError);
    store.close();
  });

  it('refuses a stale or future expected version with ConcurrencyError and writes nothing', () => {
    const { store, persisted } = make();
    store.append('a', 0, opening('a'));
    const before = persisted();
    for (const expected of [0, 2, 4]) {
      try {
        store.append('a', expected, [cmd('ReferralAccepted', 'a')]);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConcurrencyError);
        expect(err).toMatchObject({ childId: 'a', expectedVersion: expected, actualVersion: 3 });
      }
    }
    expect(() => store.append('new', 1, [cmd('ChildRegistered', 'new')])).toThrow(ConcurrencyError);
    expect(store.position).toBe(3);
    expect(store.streamVersion('new')).toBe(0);
    expect(persisted()).toBe(before);
    store.close();
  });

  it('validates the whole batch (schema and journey) before writing anything', () => {
    const { store, persisted } = make();
    store.append('a', 0, [cmd('ChildRegistered', 'a')]);
    const before = persisted();
    const bad = { ...cmd('CinPlanStarted', 'a'), needCode: 'N99' } as unknown as NewEvent;
    expect(() => store.append('a', 1, [cmd('ReferralAccepted', 'a'), bad])).toThrow(EventValidationError);
    try {
      store.append('a', 1, [cmd('ReferralAccepted', 'a'), bad]);
    } catch (err) {
      expect((err as Error).message).toContain('event 2');
      expect((err as Error).message).toContain('needCode');
    }
    // second event breaks a journey rule: CP plan ended that never started
    expect(() => store.append('a', 1, [cmd('ReferralAccepted', 'a'), cmd('CpPlanEnded', 'a')])).toThrow(JourneyRuleError);
    // an event for another child inside the batch
    expect(() => store.append('a', 1, [cmd('ReferralAccepted', 'b')])).toThrow(/wrong-stream/);
    // a real date is required by the schema, which is checked before the journey rules
    expect(() => store.append('a', 1, [cmd('ReferralAccepted', 'a', '2023-06-31')])).toThrow(EventValidationError);
    expect(() => store.append('a', 1, [{ ...cmd('CpPlanEnded', 'a'), colour: 1, date: '2023-02-30' } as unknown as NewEvent])).toThrow(/event 1 of the batch \(CpPlanEnded\): date/);
    expect(store.position).toBe(1);
    expect(store.streamVersion('a')).toBe(1);
    expect(store.readStream('a')).toHaveLength(1);
    expect(persisted()).toBe(before);
    // the stream is still usable after all those refusals
    expect(store.append('a', 1, [cmd('ReferralAccepted', 'a'), cmd('AssessmentStarted', 'a')]).map((e) => e.version)).toEqual([2, 3]);
    store.close();
  });

  it('stores schema-parsed events: unknown fields are dropped, field order is canonical', () => {
    const { store } = make();
    const [e] = store.append('a', 0, [{ uasc: true, disability: false, ethnicity: 'WBRI', sex: 'F', dateOfBirth: '2010-01-01', date: '2023-01-01', childId: 'a', type: 'ChildRegistered', colour: 'blue' } as unknown as NewEvent]);
    expect(Object.keys(e)).toEqual(['type', 'childId', 'date', 'version', 'schema', 'dateOfBirth', 'sex', 'ethnicity', 'disability', 'uasc']);
    store.close();
  });

  it('an empty batch at the right version is a no-op', () => {
    const { store } = make();
    expect(store.append('a', 0, [])).toEqual([]);
    expect(store.position).toBe(0);
    expect(() => store.append('a', 3, [])).toThrow(ConcurrencyError);
    store.close();
  });

  it('subscribe emits stored events from a position, then each append as a batch, and completes on close', () => {
    const { store } = make();
    store.append('a', 0, opening('a'));
    const s0 = collect(store);
    const s2 = collect(store, 2);
    const s9 = collect(store, 9);
    expect(s0.batches.map((b) => b.length)).toEqual([3]);
    expect(s2.flat().map((e) => e.version)).toEqual([3]);
    expect(s9.batches).toEqual([]);
    store.append('b', 0, [cmd('ChildRegistered', 'b'), cmd('PeriodOfCareStarted', 'b')]);
    s2.sub.unsubscribe();
    store.append('a', 3, [cmd('ReferralAccepted', 'a')]);
    expect(s0.batches.map((b) => b.map((e) => `${e.childId}${e.version}`))).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['a4']]);
    expect(s2.flat().map((e) => `${e.childId}${e.version}`)).toEqual(['a3', 'b1', 'b2']);
    expect(s0.flat()).toEqual([...store.readAll()]);
    // failed appends emit nothing
    expect(() => store.append('a', 0, [cmd('ReferralAccepted', 'a')])).toThrow(ConcurrencyError);
    expect(s0.batches).toHaveLength(3);
    expect(s0.isCompleted()).toBe(false);
    store.close();
    expect(s0.isCompleted()).toBe(true);
    expect(s9.isCompleted()).toBe(true);
    const late = collect(store);
    expect(late.flat()).toHaveLength(6);
    expect(late.isCompleted()).toBe(true);
    expect(() => store.append('a', 4, [cmd('AssessmentStarted', 'a')])).toThrow(/closed/);
  });

  it('a subscriber that appends while catching up still sees every event once, in order', () => {
    const { store } = make();
    store.append('a', 0, [cmd('ChildRegistered', 'a')]);
    const seen: string[] = [];
    store.subscribe().subscribe((batch) => {
      for (const e of batch) {
        seen.push(`${e.childId}${e.version}`);
        if (e.childId === 'a' && e.version === 1) store.append('b', 0, [cmd('ChildRegistered', 'b')]);
      }
    });
    store.append('c', 0, [cmd('ChildRegistered', 'c')]);
    expect(seen).toEqual(['a1', 'b1', 'c1']);
    store.close();
  });

  it('holds any valid log appended in random batches (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), (seed, children, maxBatch) => {
        const { store } = make();
        const log = [...sampleLog({ seed, children, events: 60 })];
        // group consecutive events of one child into batches of up to maxBatch
        let i = 0;
        while (i < log.length) {
          const child = log[i].childId;
          let j = i;
          while (j < log.length && j - i < maxBatch && log[j].childId === child) j++;
          const batch = log.slice(i, j).map(({ version: _v, schema: _s, ...rest }) => rest as NewEvent);
          store.append(child, log[i].version - 1, batch);
          i = j;
        }
        expect([...store.readAll()]).toEqual(log);
        expect(store.position).toBe(log.length);
        for (const c of new Set(log.map((e) => e.childId))) {
          expect(store.readStream(c)).toEqual(log.filter((e) => e.childId === c));
        }
        store.close();
      }),
      { numRuns: 25 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('NdjsonFileStore on disk', () => {
  it('writes one JSON event per line and reopens to continue where it stopped', () => {
    const path = tmpFile();
    const s1 = new NdjsonFileStore(path);
    s1.append('a', 0, opening('a'));
    s1.append('b', 0, [cmd('ChildRegistered', 'b')]);
    const firstRun = [...s1.readAll()];
    s1.close();
    expect(lines(path).map((l) => JSON.parse(l))).toEqual(firstRun);

    const s2 = new NdjsonFileStore(path);
    expect(s2.warnings).toEqual([]);
    expect([...s2.readAll()]).toEqual(firstRun);
    expect(s2.streamVersion('a')).toBe(3);
    // the journey state is rebuilt too: a contact is closed, so concluding again is refused
    expect(() => s2.append('a', 3, [cmd('ContactConcluded', 'a')])).toThrow(/contact-not-open/);
    expect(() => s2.append('a', 2, [cmd('ReferralAccepted', 'a')])).toThrow(ConcurrencyError);
    s2.append('a', 3, [cmd('ReferralAccepted', 'a')]);
    s2.close();

    const s3 = new NdjsonFileStore(path);
    expect(s3.position).toBe(5);
    expect(s3.readStream('a').map((e) => e.version)).toEqual([1, 2, 3, 4]);
    s3.close();
  });

  it('cuts off a torn final line, keeps the events before it, and warns naming the file and line', () => {
    const path = tmpFile();
    const s1 = new NdjsonFileStore(path);
    s1.append('a', 0, opening('a'));
    s1.close();
    const good = readFileSync(path, 'utf8');
    appendFileSync(path, '{"type":"ReferralAccepted","childId":"a","da');
    const warnings: string[] = [];
    const s2 = new NdjsonFileStore(path, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(s2.warnings).toEqual(warnings);
    expect(warnings[0]).toContain(path);
    expect(warnings[0]).toContain('line 4');
    expect(warnings[0]).toMatch(/torn/);
    expect(s2.position).toBe(3);
    expect(readFileSync(path, 'utf8')).toBe(good);
    s2.append('a', 3, [cmd('ReferralAccepted', 'a')]);
    s2.close();
    const reread = [...readNdjsonEvents(path, { onWarning: (m) => expect.unreachable(m) })];
    expect(reread.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('keeps a complete final event that lacks its line ending, and adds the line ending', () => {
    const path = tmpFile();
    const s1 = new NdjsonFileStore(path);
    s1.append('a', 0, opening('a'));
    s1.close();
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\n$/, ''));
    const s2 = new NdjsonFileStore(path);
    expect(s2.position).toBe(3);
    expect(s2.warnings).toHaveLength(1);
    expect(s2.warnings[0]).toMatch(/line 3.*no line ending/);
    s2.append('a', 3, [cmd('ReferralAccepted', 'a')]);
    s2.close();
    expect(lines(path)).toHaveLength(4);
    expect(new NdjsonFileStore(path).position).toBe(4);
  });

  it('refuses an impossible date or a malformed child id in a replayed log with the schema’s own message', () => {
    const good = [...sampleLog({ seed: 7, children: 3, events: 12 })];
    const damages: [string, (e: Record<string, unknown>) => void][] = [
      ['30 February', (e) => (e.date = '2023-02-30')],
      ['one-digit month', (e) => (e.date = '2023-2-01')],
      ['date as a number', (e) => (e.date = 20230201)],
      ['empty child id', (e) => (e.childId = '')],
      ['child id too long', (e) => (e.childId = 'N'.repeat(65))],
      ['child id as a number', (e) => (e.childId = 12)],
      ['unknown type', (e) => (e.type = 'ChildRegistred')],
    ];
    for (const [name, damage] of damages) {
      const bad = { ...(good[5] as unknown as Record<string, unknown>) };
      damage(bad);
      let expected = '';
      try {
        parseEvent(bad);
      } catch (err) {
        expected = `${typeof bad.type === 'string' ? bad.type + ' ' : ''}event fails the schema: ${(err as Error).message}`;
      }
      expect(expected, name).not.toBe('');
      const path = tmpFile(name.replace(/ /g, '-'));
      writeFileSync(path, [...good.slice(0, 5).map((e) => JSON.stringify(e)), JSON.stringify(bad)].join('\n') + '\n');
      for (const validate of ['full', 'schema'] as const) {
        try {
          replayLog(path, [() => {}], { validate });
          expect.unreachable(name);
        } catch (err) {
          expect(err, name).toBeInstanceOf(LogFormatError);
          expect((err as LogFormatError).line, name).toBe(6);
          expect((err as LogFormatError).reason, name).toBe(expected);
        }
      }
    }
  });

  it('refuses to open a log with a malformed line anywhere else, naming the file, the line and the reason', () => {
    const good = [...sampleLog({ seed: 7, children: 3, events: 12 })];
    const cases: [string, (ls: string[]) => void, number, RegExp][] = [
      ['bad JSON', (ls) => (ls[4] = ls[4].slice(0, 30)), 5, /not valid JSON/],
      ['schema failure', (ls) => (ls[6] = ls[6].replace('"schema":1', '"schema":99')), 7, /fails the schema: schema/],
      ['journey rule', (ls) => ls.splice(2, 0, JSON.stringify({ ...cmd('CpPlanEnded', 'X'), version: 1, schema: 1 })), 3, /not-registered/],
      ['version gap', (ls) => ls.splice(3, 1), 0, /version-not-contiguous/],
      ['not an object', (ls) => (ls[1] = '[1,2]'), 2, /not a JSON object/],
    ];
    for (const [name, damage, line, reason] of cases) {
      const ls = good.map((e) => JSON.stringify(e));
      damage(ls);
      const path = tmpFile(name.replace(/ /g, '-'));
      writeFileSync(path, ls.join('\n') + '\n');
      const before = readFileSync(path, 'utf8');
      try {
        new NdjsonFileStore(path);
        expect.unreachable(name);
      } catch (err) {
        expect(err, name).toBeInstanceOf(LogFormatError);
        const e = err as LogFormatError;
        expect(e.file).toBe(path);
        expect(e.message).toContain(path);
        if (line > 0) expect(e.line, name).toBe(line);
        expect(e.message).toContain(`line ${e.line}`);
        expect(e.reason).toMatch(reason);
      }
      expect(readFileSync(path, 'utf8')).toBe(before);
      // the streaming reader reports the same line, without touching the file either
      expect(() => [...readNdjsonEvents(path)]).toThrow(LogFormatError);
      expect(readFileSync(path, 'utf8')).toBe(before);
    }
  });

  it('a version gap is reported at the first line after the gap', () => {
    const log = [...sampleLog({ seed: 3, children: 1, events: 6 })];
    const path = tmpFile();
    writeLog(path, [...log.slice(0, 2), ...log.slice(3)]);
    expect(() => new NdjsonFileStore(path)).toThrow(new RegExp(`line 3: child ${log[0].childId}: \\S+ refused by rule version-not-contiguous`));
  });

  it('a log written by the file store replays to the same events and counts', () => {
    const path = tmpFile();
    const store = new NdjsonFileStore(path);
    const expected = new EventCounter();
    for (const e of sampleLog({ seed: 11, children: 40, events: 800, start: '2022-11-20', eventsPerDay: 10 })) {
      const { version, schema: _s, ...command } = e;
      store.append(e.childId, version - 1, [command as NewEvent]);
      expected.sink(e);
    }
    const all = [...store.readAll()];
    store.close();
    expect([...readNdjsonEvents(path)]).toEqual(all);
    const counter = new EventCounter();
    const r = replayLog(path, [counter.sink]);
    expect(r).toEqual({ events: 800, streams: new Set(all.map((e) => e.childId)).size, warnings: [] });
    expect(counter.toCsv()).toBe(expected.toCsv());
  });
});

// ---------------------------------------------------------------------------------------------

describe('readNdjsonEvents', () => {
  const log = [...sampleLog({ seed: 5, children: 30, events: 400 })];
  const path = tmpFile('reader');
  writeLog(path, log);

  it('yields the same events for any read size, including lines longer than the buffer, CRLF and a BOM', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 5000 }), fc.boolean(), fc.boolean(), (chunkBytes, crlf, bom) => {
        const p = tmpFile('chunks');
        const text = log.map((e) => JSON.stringify(e)).join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
        writeFileSync(p, (bom ? '\uFEFF' : '') + text);
        expect([...readNdjsonEvents(p, { chunkBytes })]).toEqual(log);
        rmSync(p);
      }),
      { numRuns: 30 },
    );
  });

  it('checks as much as asked: none, schema or full', () => {
    const bad = log.map((e) => JSON.stringify(e));
    const p1 = tmpFile('schema-bad');
    writeFileSync(p1, [...bad.slice(0, 5), '{"type":"Nonsense","x":1}', ...bad.slice(5)].join('\n') + '\n');
    expect([...readNdjsonEvents(p1, { validate: 'none' })]).toHaveLength(log.length + 1);
    expect(() => [...readNdjsonEvents(p1, { validate: 'schema' })]).toThrow(/line 6: Nonsense event fails the schema: type/);
    const p2 = tmpFile('journey-bad');
    const swapped = [...log];
    const i = swapped.findIndex((e, k) => k > 0 && e.version === 2 && swapped[k - 1].childId !== e.childId);
    const first = swapped.findIndex((e) => e.childId === swapped[i].childId);
    [swapped[first], swapped[i]] = [swapped[i], swapped[first]]; // version 2 before version 1
    writeLog(p2, swapped);
    expect([...readNdjsonEvents(p2, { validate: 'schema' })]).toHaveLength(log.length);
    expect(() => [...readNdjsonEvents(p2, { validate: 'full' })]).toThrow(new RegExp(`line ${first + 1}: .*version-not-contiguous`));
  });

  it('skips and reports a torn final line without modifying the file; counts blank lines', () => {
    const p = tmpFile('torn');
    const text = log.slice(0, 10).map((e) => JSON.stringify(e)).join('\n') + '\n\n   \n' + JSON.stringify(log[10]) + '\n{"type":"Ch';
    writeFileSync(p, text);
    const warnings: string[] = [];
    const got = [...readNdjsonEvents(p, { onWarning: (m) => warnings.push(m) })];
    expect(got).toEqual(log.slice(0, 11));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe(`${p}, line 14: incomplete final line (torn write, 11 bytes) ignored`);
    expect(warnings[1]).toBe(`${p}: skipped 2 blank lines`);
    expect(readFileSync(p, 'utf8')).toBe(text);
  });

  it('a bad JSON line with a line ending is not a torn line', () => {
    const p = tmpFile('bad-last');
    writeFileSync(p, JSON.stringify(log[0]) + '\n{"type":"Ch\n');
    expect(() => [...readNdjsonEvents(p)]).toThrow(new RegExp(`${p.replace(/[.]/g, '\\.')}, line 2: not valid JSON`));
  });

  it('reports a missing file as the file system error', () => {
    expect(() => [...readNdjsonEvents(join(dir, 'missing.ndjson'))]).toThrow(/ENOENT/);
  });

  it('an empty file has no events and no warnings', () => {
    const p = tmpFile('empty');
    writeFileSync(p, '');
    const warnings: string[] = [];
    expect([...readNdjsonEvents(p, { onWarning: (m) => warnings.push(m) })]).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

describe('NdjsonWriter', () => {
  const log = [...sampleLog({ seed: 9, children: 10, events: 300 })];

  it('makes the log appear only on close, complete', () => {
    const p = tmpFile('writer');
    const w = new NdjsonWriter(p, { bufferChars: 1000 });
    for (const e of log.slice(0, 150)) w.write(e);
    expect(existsSync(p)).toBe(false);
    for (const e of log.slice(150)) w.write(e);
    w.close();
    expect(w.count).toBe(300);
    expect([...readNdjsonEvents(p)]).toEqual(log);
    expect(readFileSync(p, 'utf8')).toBe(log.map((e) => JSON.stringify(e) + '\n').join(''));
    w.close(); // idempotent
  });

  it('abort leaves an existing target untouched and removes the temporary file', () => {
    const p = tmpFile('writer-abort');
    writeFileSync(p, 'previous\n');
    const w = new NdjsonWriter(p, { bufferChars: 100 });
    for (const e of log) w.write(e);
    w.abort();
    expect(readFileSync(p, 'utf8')).toBe('previous\n');
    const leftovers = readdirSync(dir).filter((f) => f.includes('writer-abort') && f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
    expect(() => w.write(log[0])).toThrow(/closed/);
  });

  it('can validate as it writes', () => {
    const p = tmpFile('writer-validate');
    const w = new NdjsonWriter(p, { validate: 'full' });
    w.write(log[0]);
    expect(() => w.write(log[0])).toThrow(JourneyRuleError);
    w.abort();
    expect(existsSync(p)).toBe(false);
  });

  it('output is byte-identical for the same seed', () => {
    const a = tmpFile('det');
    const b = tmpFile('det');
    for (const p of [a, b]) {
      const w = new NdjsonWriter(p);
      for (const e of sampleLog({ seed: 42, children: 20, events: 500 })) w.write(e);
      w.close();
    }
    expect(readFileSync(a)).toEqual(readFileSync(b));
    expect(statSync(a).size).toBeGreaterThan(0);
  });
});
