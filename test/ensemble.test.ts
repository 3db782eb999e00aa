import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { cumulativeDifferences, pairedDifferences, runEnsemble } from '../src/ensemble/index.ts';
import { summarise } from '../src/projections/index.ts';

const baseline = loadScenario(resolve(import.meta.dirname, '../scenarios/southampton-baseline.json'));

function withIntervention(s: Scenario, name: string, effects: { lever: string; change: string; value: number }[], start = '2023-05'): Scenario {
  return { ...s, name, interventions: [...s.interventions, { name, start, rampMonths: 2, effects }] } as Scenario;
}

describe('ensembles', () => {
  it('give the same results whatever the number of workers', async () => {
    const one = await runEnsemble([baseline], { runs: 3, seed: 7, months: 6, workers: 1 });
    const two = await runEnsemble([baseline], { runs: 3, seed: 7, months: 6, workers: 2 });
    expect(JSON.stringify(summarise('x', two.runs[0]))).toBe(JSON.stringify(summarise('x', one.runs[0])));
    expect(two.events).toEqual(one.events);
  });

  it('differ between seeds and between replications', async () => {
    const a = await runEnsemble([baseline], { runs: 2, seed: 1, months: 6, workers: 1 });
    const b = await runEnsemble([baseline], { runs: 2, seed: 2, months: 6, workers: 1 });
    expect(Array.from(a.runs[0][0].values.contacts)).not.toEqual(Array.from(b.runs[0][0].values.contacts));
    expect(Array.from(a.runs[0][0].values.contacts)).not.toEqual(Array.from(a.runs[0][1].values.contacts));
  });

  it('an intervention with zero effect gives zero difference in every replication (common random numbers)', async () => {
    const zero = withIntervention(baseline, 'zero', [{ lever: 'icpc_to_cp', change: 'relative', value: 0 }, { lever: 'cp_to_care', change: 'absolute', value: 0 }]);
    const r = await runEnsemble([baseline, zero], { runs: 4, seed: 3, months: 12, workers: 1 });
    for (let i = 0; i < 4; i++) {
      for (const kpi of Object.keys(r.runs[0][i].values)) {
        expect(Array.from(r.runs[1][i].values[kpi]), kpi).toEqual(Array.from(r.runs[0][i].values[kpi]));
      }
    }
    for (const row of pairedDifferences(r.runs[0], r.runs[1])) {
      if (!Number.isNaN(row.diff_p50)) expect([row.diff_p5, row.diff_p50, row.diff_p95]).toEqual([0, 0, 0]);
    }
  });

  it('a Family-Safeguarding-like change lowers CP plans and entries to care, with paired bands below zero', async () => {
    const fs = withIntervention(baseline, 'fs', [
      { lever: 'icpc_to_cp', change: 'relative', value: -0.4 },
      { lever: 'cp_to_care', change: 'relative', value: -0.4 },
      { lever: 'cin_to_care', change: 'relative', value: -0.4 },
    ]);
    const r = await runEnsemble([baseline, fs], { runs: 6, seed: 11, months: 18, workers: 2 });
    const rows = pairedDifferences(r.runs[0], r.runs[1]);
    const last = rows.filter((x) => x.month === rows[rows.length - 1].month);
    const cp = last.find((x) => x.kpi === 'cp_open')!;
    expect(cp.diff_p95).toBeLessThan(0);
    expect(cp.scenario_p50).toBeLessThan(cp.baseline_p50);
    const totals = cumulativeDifferences(r.runs[0], r.runs[1]);
    expect(totals.find((t) => t.id === 'cp_plans_avoided')!.p5).toBeGreaterThan(0);
    expect(totals.find((t) => t.id === 'children_kept_out_of_care')!.p50).toBeGreaterThan(0);
  });
});
