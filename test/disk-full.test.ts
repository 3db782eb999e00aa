/**
 * A full disk on every writer: with CASEFLOW_TEST_ENOSPC set, a write of an output whose path
 * contains that text fails with ENOSPC as a full disk makes it fail (src/node/atomicFile.ts).
 * Each command first writes a complete set into its folder; the same command then fails on one of
 * its files and must exit 2 with one line naming that file and the reason, leaving the old set
 * byte for byte and nothing of its own behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, tempDir } from './helpers/cli.ts';
import { NdjsonFileStore } from '../src/node/fileStore.ts';
import { sampleCommand } from './helpers/sample.ts';

const root = resolve(import.meta.dirname, '..');
const inputs = join(root, 'test/corpus/inputs');
const baseline = join(root, 'scenarios/southampton-baseline.json');
const fs = join(root, 'scenarios/family-safeguarding.json');

afterEach(() => {
  delete process.env.CASEFLOW_TEST_ENOSPC;
});

/** Every file under `dir` (recursively) by relative path, as a digest; hidden entries listed as they are. */
function snapshot(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string, rel: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p, `${rel}${f}/`);
      else m.set(rel + f, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir, '');
  return m;
}

interface Case {
  name: string;
  /** Arguments, given the output folder. */
  args: (out: string) => string[];
  /** The output (a path inside the folder) whose write fails. */
  fails: string;
}

const sim = (out: string) => ['simulate', '--scenario', baseline, '--runs', '1', '--months', '2', '--workers', '1', '-q', '--out', out];

const cases: Case[] = [
  { name: 'simulate: kpis.csv', args: (o) => [...sim(o), '--no-report'], fails: 'kpis.csv' },
  { name: 'simulate: kpis.json, the second file of the set', args: (o) => [...sim(o), '--no-report'], fails: 'kpis.json' },
  { name: 'simulate: report.html', args: sim, fails: 'report.html' },
  { name: 'simulate: the event log', args: (o) => [...sim(o), '--no-report', '--events', join(o, 'events.ndjson')], fails: 'events.ndjson' },
  { name: 'simulate: the set record at commit', args: (o) => [...sim(o), '--no-report'], fails: '.caseflow-set.json' },
  { name: 'compare: comparison.csv', args: (o) => ['compare', '--baseline', baseline, '--scenario', fs, '--runs', '1', '--months', '2', '--workers', '1', '-q', '--no-report', '--out', o], fails: 'comparison.csv' },
  { name: 'replay: event-counts.csv', args: (o) => ['replay', join(inputs, 'cin.ndjson'), '--population', '1000', '-q', '--no-report', '--out', o], fails: 'event-counts.csv' },
  { name: 'import: the event log', args: (o) => ['import', 'cin', join(inputs, 'census.xml'), '-q', '--out', join(o, 'cin.ndjson')], fails: 'cin.ndjson' },
  { name: 'import: rejects.csv', args: (o) => ['import', 'ssda903', '--episodes', join(inputs, 'episodes.csv'), '--header', join(inputs, 'header.csv'), '-q', '--out', join(o, '903.ndjson')], fails: 'rejects.csv' },
  { name: 'import merge: import-summary.json', args: (o) => ['import', 'merge', join(inputs, 'cin.ndjson'), join(inputs, 'ssda903.ndjson'), '-q', '--out', join(o, 'all.ndjson')], fails: 'import-summary.json' },
  { name: 'export ssda903: episodes', args: (o) => ['export', 'ssda903', join(inputs, 'ssda903.ndjson'), '--year', '2024', '-q', '--out', o], fails: 'episodes_2024.csv' },
  { name: 'export cin: the census', args: (o) => ['export', 'cin', join(inputs, 'cin.ndjson'), '--year', '2024', '-q', '--out', o], fails: 'cin_census_2024.xml' },
  { name: 'check --update: the golden file', args: (o) => ['check', '--scenario', baseline, '--golden', join(o, 'g.kpis.csv'), '--update', '--runs', '1', '--months', '2', '--workers', '1', '-q'], fails: 'g.kpis.csv' },
  { name: 'target: target.csv', args: (o) => ['target', '--scenario', baseline, '--lever', 'cp_to_care', '--kpi', 'cla_rate', '--value', '100', '--by', '2023-04', '--runs', '1', '--iterations', '1', '--workers', '1', '-q', '--out', o], fails: 'target.csv' },
];

describe('a full disk (ENOSPC) on every writer', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const out = tempDir('caseflow-enospc-');
      const first = await runCli(c.args(out));
      expect([0, 1], first.stderr).toContain(first.code);
      const old = snapshot(out);
      expect(old.size).toBeGreaterThan(0);

      process.env.CASEFLOW_TEST_ENOSPC = c.fails;
      const r = await runCli(c.args(out));
      delete process.env.CASEFLOW_TEST_ENOSPC;
      expect(r.code, r.stderr).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => /^caseflow: /.test(l));
      expect(lines).toEqual([`caseflow: ${join(out, c.fails)}: no space left on the device`]);
      expect(snapshot(out)).toEqual(old);
    }, 60_000);
  }

  it('NdjsonFileStore: a failed append records nothing; the log reopens as it was', () => {
    const dir = tempDir('caseflow-enospc-store-');
    const path = join(dir, 'events.ndjson');
    const store = new NdjsonFileStore(path);
    store.append('a', 0, [sampleCommand('ChildRegistered', 'a', '2023-05-01'), sampleCommand('ContactReceived', 'a', '2023-05-02')]);
    const before = readFileSync(path, 'utf8');
    process.env.CASEFLOW_TEST_ENOSPC = 'events.ndjson';
    expect(() => store.append('a', 2, [sampleCommand('ContactConcluded', 'a', '2023-05-02')])).toThrow(/ENOSPC/);
    delete process.env.CASEFLOW_TEST_ENOSPC;
    expect(store.streamVersion('a')).toBe(2);
    store.close();
    expect(readFileSync(path, 'utf8')).toBe(before);
    const again = new NdjsonFileStore(path);
    expect(again.streamVersion('a')).toBe(2);
    again.close();
  });
});
