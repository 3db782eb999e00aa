import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, tempDir } from './helpers/cli.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runReplication } from '../src/ensemble/index.ts';
import { KPI_IDS } from '../src/projections/catalogue.ts';
import { LEAVING_CARE_GROUPS, PLACEMENT_GROUPS } from '../src/events/index.ts';

const root = resolve(import.meta.dirname, '..');
describe('simulate → events → replay', () => {
  it('gives a byte-identical kpis.csv, with every KPI id in it', async () => {
    const dir = tempDir('caseflow-rt-');
    const scenario = join(root, 'scenarios/family-safeguarding.json');
    const events = join(dir, 'sim/events.ndjson');
    expect((await runCli(['simulate', '--scenario', scenario, '--runs', '1', '--months', '20', '--events', events, '--out', join(dir, 'sim'), '--no-report', '-q'])).code).toBe(0);
    expect((await runCli(['replay', events, '--scenario', scenario, '--months', '20', '--out', join(dir, 'replay'), '--no-report', '-q'])).code).toBe(0);
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
