/**
 * Output sets never mix runs, and one log has one writer: leftovers of a killed run are cleaned
 * up by the next run, an interrupted commit is finished by it, files of the family a new set lacks are
 * removed, and two processes appending to one NDJSON log cannot both write it.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { recoverFolder } from '../src/cli/outputs.ts';
import { NdjsonFileStore } from '../src/node/fileStore.ts';
import { readNdjsonEvents } from '../src/node/ndjson.ts';
import { LogLockedError } from '../src/errors.ts';
import { tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const dir = tempDir('caseflow-sets-');
/** A process id no process has (above the kernel's pid_max). */
const DEAD_PID = 4194305;

function hidden(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.startsWith('.'));
}

describe('output sets', () => {
  it('a commit interrupted by a kill is finished by the next run; temporary files of dead processes are removed', () => {
    const out = join(dir, 'interrupted');
    mkdirSync(join(out, `.caseflow-commit-${DEAD_PID}-0`), { recursive: true });
    writeFileSync(join(out, 'kpis.csv'), 'old\n');
    writeFileSync(join(out, 'report.html'), 'old report\n');
    writeFileSync(join(out, `.caseflow-commit-${DEAD_PID}-0`, 'kpis.csv'), 'new\n');
    writeFileSync(join(out, `.caseflow-commit-${DEAD_PID}-0`, '.caseflow-set.json'), JSON.stringify({ files: ['kpis.csv'], remove: ['report.html'] }));
    mkdirSync(join(out, `.caseflow-staging-${DEAD_PID}-1`));
    writeFileSync(join(out, `.caseflow-staging-${DEAD_PID}-1`, 'kpis.json'), 'half');
    writeFileSync(join(out, `.events.ndjson.${DEAD_PID}.0.tmp`), 'torn');
    writeFileSync(join(out, `.events.ndjson.${process.pid}.0.tmp`), 'mine: still being written');
    expect(recoverFolder(out)).toBe(3);
    expect(readFileSync(join(out, 'kpis.csv'), 'utf8')).toBe('new\n');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(hidden(out)).toEqual([`.events.ndjson.${process.pid}.0.tmp`]);
  });
});

describe('one writer per NDJSON log', () => {
  const script = (path: string, child: string) => `
    import { existsSync } from 'node:fs';
    import { NdjsonFileStore } from './src/node/fileStore.ts';
    let store;
    try {
      store = new NdjsonFileStore(${JSON.stringify(path)});
    } catch (e) {
      console.log('refused: ' + e.message);
      process.exit(2);
    }
    store.append(${JSON.stringify(child)}, 0, [{ type: 'ChildRegistered', childId: ${JSON.stringify(child)}, date: '2020-01-01', dateOfBirth: '2010-01-01', sex: 'M', ethnicity: 'WBRI', disability: false, uasc: false }]);
    console.log('open');
    while (!existsSync(${JSON.stringify(path + '.done')})) await new Promise((r) => setTimeout(r, 20));
    store.close();
  `;

  function start(path: string, child: string) {
    const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(path, child)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const opened = new Promise<void>((res) => p.stdout.on('data', (d) => ((out += d), /open/.test(out) && res())));
    p.stderr.on('data', (d) => (out += d));
    const exited = new Promise<{ code: number | null; out: string }>((res) => p.on('exit', (code) => res({ code, out })));
    return { opened, exited };
  }

  it('two processes appending to one log: the second is refused naming the first; the log stays valid', async () => {
    const path = join(dir, 'shared.ndjson');
    const a = start(path, 'A');
    await a.opened;
    const b = await start(path, 'B').exited;
    expect(b.code).toBe(2);
    expect(b.out).toMatch(/refused: .*shared\.ndjson: the log is open for writing in process \d+/);
    writeFileSync(`${path}.done`, '');
    expect((await a.exited).code).toBe(0);
    expect(existsSync(`${path}.lock`)).toBe(false);
    const events = [...readNdjsonEvents(path, { validate: 'full' })];
    expect(events.map((e) => e.childId)).toEqual(['A']);
  }, 120_000);

  it('a lock left by a killed process is taken over; a live one is refused in-process too', () => {
    const path = join(dir, 'stale.ndjson');
    writeFileSync(`${path}.lock`, `${DEAD_PID}\n`);
    const store = new NdjsonFileStore(path);
    expect(readFileSync(`${path}.lock`, 'utf8').trim()).toBe(String(process.pid));
    expect(() => new NdjsonFileStore(path)).toThrow(LogLockedError);
    store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
    new NdjsonFileStore(path).close();
  });
});
