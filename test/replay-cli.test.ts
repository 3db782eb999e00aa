import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';
import { captureOutput, tempDirRemovedAfterAll } from './helpers/cli.ts';
import { sampleCommand, sampleLog } from './helpers/sample.ts';
import { EVENT_TYPES, SCHEMA_VERSION, type CaseEvent, type EventType } from '../src/events/schema.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dir = tempDirRemovedAfterAll('caseflow-replay-');
let n = 0;
const newDir = () => join(dir, `out-${n++}`);

const io = captureOutput();

/** A small log with hand-countable events: [child, type, date]. */
const SMALL: [string, EventType, string][] = [
  ['a', 'ChildRegistered', '2023-01-15'],
  ['a', 'ContactReceived', '2023-01-20'],
  ['b', 'ChildRegistered', '2023-02-10'],
  ['a', 'ContactConcluded', '2023-02-01'],
  ['b', 'PeriodOfCareStarted', '2023-02-10'],
  ['a', 'ReferralAccepted', '2023-03-03'],
  ['b', 'EpisodeChanged', '2023-03-31'],
  ['c', 'ChildRegistered', '2023-03-31'],
];

function build(rows: [string, EventType, string][]): CaseEvent[] {
  const versions = new Map<string, number>();
  return rows.map(([child, type, date]) => {
    const v = (versions.get(child) ?? 0) + 1;
    versions.set(child, v);
    return { ...sampleCommand(type, child, date), version: v, schema: SCHEMA_VERSION } as CaseEvent;
  });
}

function writeLog(name: string, events: readonly CaseEvent[], tail = ''): string {
  const p = join(dir, name);
  writeFileSync(p, events.map((e) => JSON.stringify(e) + '\n').join('') + tail);
  return p;
}

function csvRows(outDir: string): string[][] {
  return readFileSync(join(outDir, 'event-counts.csv'), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
}

describe('caseflow replay: success (exit 0)', () => {
  it('counts events per month and type, with every month and type present', async () => {
    const log = writeLog('small.ndjson', build(SMALL));
    const out = newDir();
    const code = await main(['replay', '--population', '10000', '--no-report', log, '--out', out, '--quiet']);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toContain(`replayed 8 events in 3 streams from ${log} (validation: full)`);
    expect(io.out).toMatch(/^wrote .*event-counts\.csv$/m);
    expect(io.out).toContain(join(out, 'event-counts.csv'));
    const rows = csvRows(out);
    expect(rows[0]).toEqual(['month', 'event_type', 'count']);
    expect(rows).toHaveLength(1 + 3 * EVENT_TYPES.length);
    const nonZero = rows.slice(1).filter((r) => r[2] !== '0');
    // by hand from SMALL
    expect(nonZero).toEqual([
      ['2023-01', 'ChildRegistered', '1'],
      ['2023-01', 'ContactReceived', '1'],
      ['2023-02', 'ChildRegistered', '1'],
      ['2023-02', 'ContactConcluded', '1'],
      ['2023-02', 'PeriodOfCareStarted', '1'],
      ['2023-03', 'ChildRegistered', '1'],
      ['2023-03', 'ReferralAccepted', '1'],
      ['2023-03', 'EpisodeChanged', '1'],
    ]);
    // months in order, event types in catalogue order within each month
    expect(rows.slice(1, 1 + EVENT_TYPES.length).map((r) => r[1])).toEqual(EVENT_TYPES);
    expect([...new Set(rows.slice(1).map((r) => r[0]))]).toEqual(['2023-01', '2023-02', '2023-03']);
  });

  it('agrees with a direct count on a larger random log, and prints the totals table', async () => {
    const events = [...sampleLog({ seed: 21, children: 60, events: 3000, start: '2021-12-20', eventsPerDay: 12 })];
    const log = writeLog('sample.ndjson', events);
    const out = newDir();
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', out])).toBe(0);
    const want = new Map<string, number>();
    for (const e of events) want.set(`${e.date.slice(0, 7)},${e.type}`, (want.get(`${e.date.slice(0, 7)},${e.type}`) ?? 0) + 1);
    const rows = csvRows(out).slice(1);
    let total = 0;
    for (const [month, type, count] of rows) {
      expect(Number(count)).toBe(want.get(`${month},${type}`) ?? 0);
      total += Number(count);
    }
    expect(total).toBe(3000);
    expect(io.out).toContain(`replayed 3,000 events in ${new Set(events.map((e) => e.childId)).size} streams`);
    expect(io.out).toMatch(/ChildRegistered\s+60\n/);
  });

  it('skips a torn final line with a warning naming the file and line', async () => {
    const log = writeLog('torn.ndjson', build(SMALL), '{"type":"CaseClosed","chi');
    const out = newDir();
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', out, '--quiet'])).toBe(0);
    expect(io.err).toContain(`warning: ${log}, line 9: incomplete final line (torn write`);
    expect(io.out).toContain('replayed 8 events in 3 streams');
    expect(io.out).toContain('1 warning');
    expect(csvRows(out)).toHaveLength(1 + 3 * EVENT_TYPES.length);
  });

  it('--validate none trusts the log (a journey breach is not checked)', async () => {
    const events = build(SMALL);
    const log = writeLog('breach.ndjson', [...events, { ...sampleCommand('CpPlanEnded', 'c', '2023-04-01'), version: 2, schema: 1 } as CaseEvent]);
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', newDir(), '--quiet', '--validate', 'none'])).toBe(0);
    expect(io.out).toContain('replayed 9 events in 3 streams');
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', newDir(), '--quiet'])).toBe(2);
  });

  it('--help shows usage with examples', async () => {
    expect(await main(['replay', '--help'])).toBe(0);
    expect(io.out).toContain('Examples:');
    expect(io.out).toContain('--validate');
  });
});

describe('caseflow replay: bad input (exit 2, one line naming file and line)', () => {
  it('a missing file', async () => {
    const out = newDir();
    const missing = join(dir, 'nope.ndjson');
    expect(await main(['replay', '--population', '10000', '--no-report', missing, '--out', out])).toBe(2);
    expect(io.err).toBe(`caseflow: ${missing}: events file not found\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a malformed line in the middle', async () => {
    const ls = build(SMALL).map((e) => JSON.stringify(e));
    ls[3] = ls[3].slice(0, 25);
    const log = join(dir, 'malformed.ndjson');
    writeFileSync(log, ls.join('\n') + '\n');
    const out = newDir();
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', out])).toBe(2);
    expect(io.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(io.err).toMatch(new RegExp(`^caseflow: ${log.replace(/[.]/g, '\\.')}, line 4: not valid JSON`));
    expect(existsSync(join(out, 'event-counts.csv'))).toBe(false);
  });

  it('a schema failure and a journey-rule breach name their lines', async () => {
    const ls = build(SMALL).map((e) => JSON.stringify(e));
    const schemaBad = [...ls];
    schemaBad[5] = schemaBad[5].replace('"source":"', '"source":"ZZ');
    const p1 = join(dir, 'schema-bad.ndjson');
    writeFileSync(p1, schemaBad.join('\n') + '\n');
    expect(await main(['replay', '--population', '10000', '--no-report', p1, '--out', newDir()])).toBe(2);
    expect(io.err).toContain(`${p1}, line 6: ReferralAccepted event fails the schema: source`);

    io.err = '';
    const journeyBad = [...ls];
    journeyBad.splice(4, 1); // drop b's PeriodOfCareStarted: b's EpisodeChanged then has no period of care and a version gap
    const p2 = join(dir, 'journey-bad.ndjson');
    writeFileSync(p2, journeyBad.join('\n') + '\n');
    expect(await main(['replay', '--population', '10000', '--no-report', p2, '--out', newDir()])).toBe(2);
    expect(io.err).toContain(`${p2}, line 6: child b: EpisodeChanged refused by rule version-not-contiguous`);
  });

  it('usage errors: no --out, a bad --validate choice', async () => {
    const log = writeLog('usage.ndjson', build(SMALL));
    expect(await main(['replay', '--population', '10000', '--no-report', log])).toBe(2);
    expect(io.err).toMatch(/--out/);
    expect(await main(['replay', '--population', '10000', '--no-report', log, '--out', newDir(), '--validate', 'some'])).toBe(2);
  });

  it('a real process exits with 2 and one line on stderr', () => {
    const missing = join(dir, 'absent.ndjson');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', missing, '--out', newDir()], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`caseflow: ${missing}: events file not found`);
  });
});
