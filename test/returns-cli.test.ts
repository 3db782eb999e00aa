import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { main } from '../src/cli/main.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = fileURLToPath(new URL('../../shared/data/fixtures/', import.meta.url));
const FIX = fileURLToPath(new URL('./fixtures/returns/', import.meta.url));
const tmp = (): string => tempDir('caseflow-cli-');

const io = captureOutput();

const rows = (file: string): Record<string, string>[] => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

describe('caseflow import: bad input is exit code 2 with a one-line reason', () => {
  it('a table with the wrong columns names the file, the line and the missing columns', async () => {
    const dir = tmp();
    const code = await main(['import', 'ssda903', '--episodes', join(FIX, 'wrong-columns-episodes.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', join(dir, 'e.ndjson')]);
    expect(code).toBe(2);
    expect(io.err).toMatch(/wrong-columns-episodes\.csv, line 1: not an SSDA903 episodes table: missing columns DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'e.ndjson'))).toBe(false);
  });

  it('an unclosed quote names the line', async () => {
    const code = await main(['import', 'ssda903', '--episodes', join(FIX, 'unclosed-quote-episodes.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', join(tmp(), 'e.ndjson')]);
    expect(code).toBe(2);
    expect(io.err).toMatch(/unclosed-quote-episodes\.csv, line \d+: not valid CSV/);
  });

  it('a missing file, unpaired options and truncated XML are exit code 2', async () => {
    const o = join(tmp(), 'e.ndjson');
    expect(await main(['import', 'ssda903', '--episodes', join(FIX, 'nope.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', o])).toBe(2);
    expect(io.err).toMatch(/nope\.csv: cannot read the episodes file \(not found\)/);
    expect(await main(['import', 'ssda903', '--episodes', join(FIX, 'faults-episodes.csv'), '--out', o])).toBe(2);
    expect(io.err).toMatch(/--episodes and --header go together/);
    expect(await main(['import', 'ssda903', '--xml', join(FIX, 'truncated-903.xml'), '--out', o])).toBe(2);
    expect(io.err).toMatch(/truncated-903\.xml: malformed XML: line \d+, column \d+/);
    expect(await main(['import', 'cin', join(FIX, 'truncated-census.xml'), '--out', o])).toBe(2);
    expect(io.err).toMatch(/truncated-census\.xml: malformed XML/);
    expect(await main(['import', 'cin', join(FIX, 'not-a-census.xml'), '--out', o])).toBe(2);
    expect(await main(['import', 'ssda903', '--out', o])).toBe(2);
    expect(await main(['import', 'ssda903', '--episodes', 'a.csv', '--header', 'b.csv', '--year-basis', 'sideways', '--out', o])).toBe(2);
    expect(existsSync(o)).toBe(false);
  });
});

describe('caseflow import: bad rows are reported, not fatal', () => {
  it('writes the log and the reports; the summary accounts for every row', async () => {
    const dir = tmp();
    const code = await main(['import', 'ssda903', '--episodes', join(FIX, 'faults-episodes.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', join(dir, 'e.ndjson')]);
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['conflicts.csv', 'e.ndjson', 'import-summary.json', 'rejects.csv', 'repairs.csv']);
    const summary = JSON.parse(readFileSync(join(dir, 'import-summary.json'), 'utf8'));
    expect(summary.totals).toEqual({ read: 24, imported: 4, merged: 0, rejected: 20 });
    const rejects = rows(join(dir, 'rejects.csv'));
    expect(rejects).toHaveLength(20);
    const bad = rejects.find((r) => r.child === '1002' && r.record === 'episodes')!;
    expect(bad).toMatchObject({ line: '3', reason: "bad-date: DECOM '31/02/2023' is not a date (dd/mm/YYYY or YYYY-MM-DD)" });
    expect(bad.row).toContain('31/02/2023');
    expect(io.out).toMatch(/rows read/);
    expect(io.out).toMatch(/rejected rows: 20/);
    expect(io.out).toMatch(/children: 2, events: 4/);
    const events = readFileSync(join(dir, 'e.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e: { childId: string; version: number }) => [e.childId, e.version])).toEqual([
      ['1001', 1],
      ['1001', 2],
      ['1006', 1],
      ['1006', 2],
    ]);
  });

  it('--strict turns rejected rows into exit code 1 after writing the reports', async () => {
    const dir = tmp();
    const code = await main(['import', 'ssda903', '--episodes', join(FIX, 'faults-episodes.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', join(dir, 'e.ndjson'), '--strict', '--quiet']);
    expect(code).toBe(1);
    expect(io.err).toMatch(/20 input row\(s\) rejected \(--strict\)/);
    expect(existsSync(join(dir, 'rejects.csv'))).toBe(true);
    expect(io.out).toBe('');
  });

  it('imports both kinds of return in one command, with the reports in --report-dir', async () => {
    const dir = tmp();
    const code = await main([
      'import',
      'cin',
      join(DATA, 'cin-census/CIN_Census_2024.xml'),
      '--episodes',
      join(DATA, 'ssda903-validator/episodes.csv'),
      '--header',
      join(DATA, 'ssda903-validator/header.csv'),
      '--out',
      join(dir, 'all.ndjson'),
      '--report-dir',
      join(dir, 'report'),
      '--quiet',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'report/import-summary.json'), 'utf8'));
    expect(summary.files.map((f: { kind: string }) => f.kind)).toEqual(['ssda903-episodes', 'ssda903-header', 'cin-xml']);
    for (const f of summary.files) expect(f.rows).toBe(f.imported + f.merged + f.rejected);
    const lines = readFileSync(join(dir, 'all.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(summary.events);
  });
});

describe('caseflow export', () => {
  it('exports the SSDA903 tables and the CIN census of an imported log', async () => {
    const dir = tmp();
    expect(await main(['import', 'cin', join(FIX, 'census-known.xml'), '--out', join(dir, 'cin.ndjson'), '--quiet'])).toBe(0);
    expect(await main(['export', 'cin', join(dir, 'cin.ndjson'), '--year', '2023-2024', '--out', join(dir, 'x')])).toBe(0);
    expect(readdirSync(join(dir, 'x')).sort()).toEqual(['cin_census_2023.xml', 'cin_census_2024.xml']);
    expect(io.out).toMatch(/2022-23\s+1\s+2 /);
    expect(io.out).toMatch(/2023-24\s+1\s+1 /);
    expect(await main(['import', 'ssda903', '--episodes', join(FIX, 'faults-episodes.csv'), '--header', join(FIX, 'faults-header.csv'), '--out', join(dir, '903.ndjson'), '--quiet'])).toBe(0);
    expect(await main(['export', 'ssda903', join(dir, '903.ndjson'), '--year', 'all', '--out', join(dir, 'y'), '--quiet'])).toBe(0);
    expect(readdirSync(join(dir, 'y')).sort()).toEqual(['episodes_2024.csv', 'header_2024.csv', 'oc3_2024.csv', 'uasc_2024.csv']);
  });

  it('bad --year, a missing log and a bad log are exit code 2', async () => {
    const dir = tmp();
    expect(await main(['export', 'ssda903', join(dir, 'none.ndjson'), '--year', '24', '--out', dir])).toBe(2);
    expect(io.err).toMatch(/--year must be a year YYYY/);
    expect(await main(['export', 'ssda903', join(dir, 'none.ndjson'), '--year', '2024', '--out', dir])).toBe(2);
    expect(io.err).toMatch(/none\.ndjson: events file not found/);
    expect(await main(['export', 'cin', join(FIX, 'faults-header.csv'), '--year', '2024', '--out', dir])).toBe(2);
    expect(io.err).toMatch(/faults-header\.csv, line 1: not valid JSON/);
  });

  it('every subcommand has help with examples', async () => {
    for (const args of [['import', 'ssda903'], ['import', 'cin'], ['import', 'merge'], ['export', 'ssda903'], ['export', 'cin']]) {
      io.out = '';
      expect(await main([...args, '--help'])).toBe(0);
      expect(io.out, args.join(' ')).toMatch(/Examples:\n\s+\$ caseflow /);
    }
  });
});

describe('caseflow import as a real process', () => {
  it('exits with code 2 on a truncated census and 0 on a good one', () => {
    const tsx = join(ROOT, 'node_modules/.bin/tsx');
    const dir = tmp();
    const bad = spawnSync(tsx, ['src/cli/main.ts', 'import', 'cin', join(FIX, 'truncated-census.xml'), '--out', join(dir, 'a.ndjson')], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/caseflow: .*truncated-census\.xml: malformed XML/);
    const good = spawnSync(tsx, ['src/cli/main.ts', 'import', 'cin', join(FIX, 'census-known.xml'), '--out', join(dir, 'b.ndjson'), '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(readFileSync(join(dir, 'b.ndjson'), 'utf8').trim().split('\n')).toHaveLength(15);
  });
});
