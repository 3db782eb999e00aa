/**
 * kill -9 in the middle of a real run: a `simulate` and an `import` started as child processes,
 * writing into a folder that holds an older complete output set, are killed as soon as their
 * staging folder exists. The folder must still hold the old set, byte for byte; the next run must
 * remove the killed run's leftovers and write a new set whose files belong together.
 *
 * Every wait has a deadline and the child is always killed in `finally`, so the test cannot hang.
 */
import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const baseline = join(root, 'scenarios/southampton-baseline.json');
const STAGING = /^\.caseflow-(staging|commit)-(\d+)-\d+$/;

/** The folder's files (hidden ones aside) by name, as SHA-256 digests (deep equality on megabytes of Buffer is slow). */
function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of readdirSync(dir).sort()) if (!f.startsWith('.')) m.set(f, digest(readFileSync(join(dir, f))));
  return m;
}

function digest(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function leftovers(dir: string, pid: number): string[] {
  return readdirSync(dir).filter((f) => STAGING.exec(f)?.[2] === String(pid));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts the CLI in a child process, waits (at most `deadlineMs`) until its staging folder exists
 * in `dir`, then kills it with SIGKILL and waits for it to die. Returns the child's pid, or throws
 * if the child finished first or never staged anything.
 */
async function startAndKill(args: string[], dir: string, deadlineMs = 60_000): Promise<number> {
  let child: ChildProcess | undefined;
  let exited = false;
  let stderr = '';
  try {
    child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const gone = new Promise<void>((r) => child!.once('exit', () => ((exited = true), r())));
    const pid = child.pid!;
    const until = Date.now() + deadlineMs;
    while (!exited && leftovers(dir, pid).length === 0) {
      if (Date.now() > until) throw new Error(`no staging folder after ${deadlineMs} ms`);
      await sleep(20);
    }
    if (exited) throw new Error(`the run ended before it could be killed: ${stderr}`);
    await sleep(150);
    if (exited) throw new Error(`the run ended before it could be killed: ${stderr}`);
    child.kill('SIGKILL');
    await Promise.race([gone, sleep(10_000)]);
    expect(exited).toBe(true);
    return pid;
  } finally {
    if (child && !exited) child.kill('SIGKILL');
  }
}

describe('kill -9 mid-run', () => {
  it('simulate: the old set stays whole; the next run cleans up and writes a new consistent set', async () => {
    const out = tempDir('caseflow-kill-sim-');
    const run = (seed: string, extra: string[] = []) => ['simulate', '--scenario', baseline, '--seed', seed, '--workers', '1', '--no-report', '-q', '--out', out, '--events', join(out, 'events.ndjson'), ...extra];
    expect((await runCli(run('1', ['--runs', '1', '--months', '2']))).code).toBe(0);
    const old = snapshot(out);
    expect([...old.keys()].sort()).toEqual(['events.ndjson', 'kpis.csv', 'kpis.json']);

    const pid = await startAndKill(run('2', ['--runs', '400', '--months', '120']), out);
    expect(snapshot(out)).toEqual(old);
    expect(leftovers(out, pid).length).toBeGreaterThan(0);

    expect((await runCli(run('3', ['--runs', '1', '--months', '2']))).code).toBe(0);
    expect(leftovers(out, pid)).toEqual([]);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    const now = snapshot(out);
    expect([...now.keys()].sort()).toEqual(['events.ndjson', 'kpis.csv', 'kpis.json']);
    // every file of the new set comes from the run with seed 3
    const meta = JSON.parse(readFileSync(join(out, 'kpis.json'), 'utf8')).meta as { seed: number; command: string };
    expect(meta.seed).toBe(3);
    expect(now.get('kpis.csv')).not.toBe(old.get('kpis.csv'));
    expect(now.get('events.ndjson')).not.toBe(old.get('events.ndjson'));
    const rerun = tempDir('caseflow-kill-sim-ref-');
    expect((await runCli(['simulate', '--scenario', baseline, '--seed', '3', '--workers', '1', '--no-report', '-q', '--runs', '1', '--months', '2', '--out', rerun, '--events', join(rerun, 'events.ndjson')])).code).toBe(0);
    expect(now.get('kpis.csv')).toBe(digest(readFileSync(join(rerun, 'kpis.csv'))));
    expect(now.get('events.ndjson')).toBe(digest(readFileSync(join(rerun, 'events.ndjson'))));
  }, 180_000);

  it('import: the old log and reports stay whole; the next import cleans up and writes a new consistent set', async () => {
    const dir = tempDir('caseflow-kill-import-');
    const out = join(dir, 'out');
    const log = join(out, 'imported.ndjson');
    const inputs = join(root, 'test/corpus/inputs');
    const imp = (episodes: string, header: string) => ['import', 'ssda903', '--episodes', episodes, '--header', header, '--out', log, '-q'];
    expect((await runCli(imp(join(inputs, 'episodes.csv'), join(inputs, 'header.csv')))).code).toBe(0);
    const old = snapshot(out);
    expect([...old.keys()].sort()).toEqual(['conflicts.csv', 'import-summary.json', 'imported.ndjson', 'rejects.csv', 'repairs.csv']);

    // a return big enough to take a few seconds to import
    const n = 30_000;
    const ep = ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN'];
    const hd = ['CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB'];
    for (let i = 0; i < n; i++) {
      ep.push(`${100000 + i},12/05/2023,S,C2,N1,U4,PR1,,,,SO14 2AA,SO15 3BB,XXXXXXX`);
      hd.push(`${100000 + i},1,03/04/2010,WBRI,,,`);
    }
    writeFileSync(join(dir, 'episodes.csv'), ep.join('\n') + '\n');
    writeFileSync(join(dir, 'header.csv'), hd.join('\n') + '\n');

    const pid = await startAndKill(imp(join(dir, 'episodes.csv'), join(dir, 'header.csv')), out);
    expect(snapshot(out)).toEqual(old);
    expect(leftovers(out, pid).length).toBeGreaterThan(0);

    // the next import: a small one, so that the new set is known
    const small = ep.slice(0, 4).join('\n') + '\n';
    writeFileSync(join(dir, 'small-episodes.csv'), small);
    writeFileSync(join(dir, 'small-header.csv'), hd.slice(0, 4).join('\n') + '\n');
    expect((await runCli(imp(join(dir, 'small-episodes.csv'), join(dir, 'small-header.csv')))).code).toBe(0);
    expect(leftovers(out, pid)).toEqual([]);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
    const now = snapshot(out);
    expect([...now.keys()].sort()).toEqual([...old.keys()].sort());
    const summary = JSON.parse(readFileSync(join(out, 'import-summary.json'), 'utf8')) as { children: number; events: number };
    const events = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(summary.children).toBe(3);
    expect(events).toHaveLength(summary.events);
    expect(new Set(events.map((l) => (JSON.parse(l) as { childId: string }).childId))).toEqual(new Set(['100000', '100001', '100002']));
  }, 180_000);
});
