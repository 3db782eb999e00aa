import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runReplication } from '../src/ensemble/index.ts';
import { KPI_IDS } from '../src/projections/catalogue.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS } from '../src/events/index.ts';

const root = resolve(import.meta.dirname, '..');
const quietly = async (args: string[]) => {
  const write = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await main(args);
  } finally {
    process.stdout.write = write;
    process.stderr.write = err;
  }
};

describe('simulate → events → replay', () => {
  it('gives a byte-identical kpis.csv, with every KPI id in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'caseflow-rt-'));
    const scenario = join(root, 'scenarios/family-safeguarding.json');
    const events = join(dir, 'sim/events.ndjson');
    expect(await quietly(['simulate', '--scenario', scenario, '--runs', '1', '--months', '20', '--events', events, '--out', join(dir, 'sim'), '--no-report', '-q'])).toBe(0);
    expect(await quietly(['replay', events, '--scenario', scenario, '--months', '20', '--out', join(dir, 'replay'), '--no-report', '-q'])).toBe(0);
    const a = readFileSync(join(dir, 'sim/kpis.csv'), 'utf8');
    const b = readFileSync(join(dir, 'replay/kpis.csv'), 'utf8');
    expect(b).toBe(a);
    const ids = new Set(a.trim().split('\n').slice(1).map((l) => l.split(',')[2]));
    for (const id of KPI_IDS) expect(ids.has(id), id).toBe(true);
  });
});

describe('stock-flow identities over a 10-year simulated run', () => {
  it('hold in every month for children looked after and CP plans', () => {
    const s = loadScenario(join(root, 'scenarios/southampton-baseline.json'));
    const { run } = runReplication(s, 99, 0, 120);
    const v = run.values;
    let prevCla = NaN;
    let prevCp = NaN;
    for (let m = 0; m < 120; m++) {
      if (m > 0) {
        expect(v.cla_open[m], `cla month ${m}`).toBe(prevCla + v.cla_starts[m] - v.cla_ends[m]);
        expect(v.cp_open[m], `cp month ${m}`).toBe(prevCp + v.cp_starts[m] - v.cp_ends[m]);
      }
      const groups = PLACEMENT_GROUPS.reduce((a, g) => a + v[`cla_placement_${g}`][m], 0);
      expect(groups).toBe(v.cla_open[m]);
      const reasons = LEAVING_CARE_GROUPS.reduce((a, g) => a + v[`cla_ends_${g}`][m], 0);
      expect(reasons).toBe(v.cla_ends[m]);
      expect(v.cla_ends_age18[m]).toBeLessThanOrEqual(v.cla_ends[m]);
      expect(v.cla_reentries[m]).toBeLessThanOrEqual(v.cla_starts[m]);
      expect(v.cin_plans_open[m]).toBeLessThanOrEqual(v.cin_open[m] - v.cp_open[m]);
      prevCla = v.cla_open[m];
      prevCp = v.cp_open[m];
    }
    expect(prevCla).toBeGreaterThan(300);
  });
});
