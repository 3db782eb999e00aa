/**
 * Sweeps on local worker threads: spec validation (malformed specs exit 2 naming the field),
 * points and jobs, seeds derived from (seed, point, replication), compact job results, the same
 * bytes for 1 and 2 workers, stop and --resume, and failing jobs (exit 1 unless --allow-failed).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runSweep } from '../src/sweep/coordinator.ts';
import { jobCount, jobRef, pointCount, pointScenario, pointSeed } from '../src/sweep/plan.ts';
import { loadSweepSpec } from '../src/sweep/spec.ts';
import { decodeJobResult, encodeJobResult } from '../src/sweep/tally.ts';
import { runJobSync } from '../src/sweep/job.ts';
import { Rng } from '../src/simulation/random.ts';
import { BASELINE, outputs, tinySpec, writeSpec } from './helpers/sweep.ts';
import { drawCharts } from './helpers/charts.ts';
import { runCli, tempDirRemovedAfterAll } from './helpers/cli.ts';

const TMP = tempDirRemovedAfterAll('caseflow-sweep-');
let n = 0;
const dir = () => join(TMP, `t${n++}`);

describe('sweep specs', () => {
  const bad: [string, unknown, RegExp][] = [
    ['not JSON', '{"name": ', /not valid JSON/],
    ['unknown field', { ...tinySpec(), colour: 'red' }, /: colour: unknown field/],
    ['unknown lever', tinySpec({ factors: [{ lever: 'no_such_lever', min: 0, max: 1 }] }), /factors\[0\]\.lever: unknown lever "no_such_lever"/],
    ['change the lever does not take', tinySpec({ factors: [{ lever: 'cp_to_care', change: 'shift', min: 0, max: 1 }] }), /factors\[0\]\.change: lever cp_to_care \(probability\) takes change relative or absolute/],
    ['min above max', tinySpec({ factors: [{ lever: 'cp_to_care', min: 0.5, max: 0.1 }] }), /factors\[0\]\.max: must be at least min/],
    ['missing range', tinySpec({ factors: [{ lever: 'cp_to_care' }] }), /factors\[0\]\.min: missing/],
    ['missing parameter path', tinySpec({ factors: [{ path: 'care.noSuchThing', min: 0, max: 1 }] }), /factors\[0\]\.path: parameter care\.noSuchThing does not exist/],
    ['path to an object', tinySpec({ factors: [{ path: 'care', min: 0, max: 1 }] }), /factors\[0\]\.path: parameter care is not a number/],
    ['unknown design', tinySpec({ design: { type: 'sobol-ish' } }), /design\.type/],
    ['unknown KPI', tinySpec({ kpis: ['cla_open', 'nope'] }), /kpis\[1\]: unknown KPI "nope"/],
    ['target KPI not carried', tinySpec({ sensitivity: { kpis: ['cp_open'], months: ['2023-05'] } }), /sensitivity\.kpis\[0\]: "cp_open" is not among the sweep's kpis/],
    ['target month outside', tinySpec({ sensitivity: { kpis: ['cla_open'], months: ['2030-01'] } }), /sensitivity\.months\[0\]: 2030-01 is outside the sweep's months/],
    ['no baseline', { ...tinySpec(), baseline: undefined }, /baseline: give either baseline or scenarios/],
    ['two factors one name', tinySpec({ factors: [{ lever: 'cp_to_care', min: 0, max: 0.1 }, { lever: 'cp_to_care', min: 0, max: 0.2 }] }), /factors\[1\]\.name: "cp_to_care" names two factors/],
    ['runs zero', tinySpec({ runs: 0 }), /runs: Too small/],
  ];
  it.each(bad)('%s: exit 2 and one line naming the file, the field and the reason', async (_label, spec, reason) => {
    const d = dir();
    const file = writeSpec(d, spec);
    const r = await runCli(['sweep', '--spec', file, '--out', join(d, 'out'), '-q']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('spec.json');
    expect(lines[0]).toMatch(reason);
    expect(lines[0]).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a point whose factor values make the parameters invalid: exit 2 naming the point and the parameter', async () => {
    const d = dir();
    const file = writeSpec(d, tinySpec({ factors: [{ lever: 'cp_to_care', change: 'absolute', min: 0.5, max: 0.9 }], design: { type: 'grid', levels: 2 }, sensitivity: undefined }));
    const r = await runCli(['sweep', '--spec', file, '--out', join(d, 'out'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sweep point 0 \(cp_to_care = 0\.5\): factor cp_to_care = 0\.5 makes parameters\.cp\.outcomes/);
  });

  it('councils from a CSV: each row is the baseline with its population and rates; bad rows name the line and column', () => {
    const d = dir();
    writeSpec(d, 'council,population,contacts.perMonthPer10k\nNorthtown,40000,50\nSouthville,90000,70\n', 'councils.csv');
    const plan = loadSweepSpec(writeSpec(d, tinySpec({ councils: 'councils.csv' })));
    expect(plan.bases.map((b) => [b.name, b.population, b.parameters.contacts.perMonthPer10k])).toEqual([
      ['Northtown', 40000, 50],
      ['Southville', 90000, 70],
    ]);
    expect(pointCount(plan)).toBe(2 * 8);
    expect(pointScenario(plan, 9).name).toBe('Southville');
    writeSpec(d, 'council,population,contacts.perMonthPer10k\nNorthtown,40000,fifty\n', 'bad.csv');
    expect(() => loadSweepSpec(writeSpec(d, tinySpec({ councils: 'bad.csv' }), 'bad.json'))).toThrow(/bad\.csv: line 2, column contacts\.perMonthPer10k: not a number \("fifty"\)/);
    writeSpec(d, 'council,population,care.nothing\nA,1,2\n', 'bad2.csv');
    expect(() => loadSweepSpec(writeSpec(d, tinySpec({ councils: 'bad2.csv' }), 'bad2.json'))).toThrow(/bad2\.csv: line 1, column care\.nothing: parameter care\.nothing does not exist/);
  });
});

describe('points, jobs and seeds', () => {
  const d = dir();
  const plan = loadSweepSpec(writeSpec(d, tinySpec({ replicationsPerJob: 2, runs: 3 })));

  it('jobs cover every replication of every point once', () => {
    expect(pointCount(plan)).toBe(8);
    expect(jobCount(plan)).toBe(16);
    const seen = new Set<string>();
    for (let j = 0; j < jobCount(plan); j++) {
      const r = jobRef(plan, j);
      for (let k = 0; k < r.replications; k++) seen.add(`${r.point}:${r.firstReplication + k}`);
    }
    expect(seen.size).toBe(8 * 3);
    expect(jobRef(plan, 1)).toEqual({ job: 1, point: 0, firstReplication: 2, replications: 1 });
    expect(() => jobRef(plan, 16)).toThrow(RangeError);
  });

  it("a point's seed derives from (sweep seed, point); the lever and path factors change the parameters", () => {
    expect(pointSeed(plan, 5)).toBe(Rng.stream(7, 5).nextUint32());
    expect(new Set(Array.from({ length: 8 }, (_, p) => pointSeed(plan, p))).size).toBe(8);
    const base = loadScenario(BASELINE);
    const v = plan.design.points[3];
    const s = pointScenario(plan, 3);
    expect(s.parameters.cp.outcomes.care).toBeCloseTo(base.parameters.cp.outcomes.care * (1 + v[0]), 12);
    expect(s.parameters.care.directEntriesPerMonthPer10k).toBe(v[1]);
    expect(plan.id).toMatch(/^[0-9a-f]{16}$/);
    expect(loadSweepSpec(writeSpec(d, tinySpec({ replicationsPerJob: 2, runs: 3 }), 'again.json')).id).toBe(plan.id);
  });

  it('a job result survives encoding; it carries tallies of the chosen KPIs only', () => {
    const r = runJobSync(plan, 1);
    expect(r.replications).toBe(1);
    expect(r.values).toHaveLength(1 * 3 * 3);
    const enc = encodeJobResult(r);
    const back = decodeJobResult(JSON.parse(JSON.stringify(enc)));
    expect(back).toEqual(r);
    expect(JSON.stringify(enc).length).toBeLessThan(1000);
  });
});

describe('local sweeps', () => {
  const specDir = dir();
  const specFile = writeSpec(specDir, tinySpec());
  const plan = loadSweepSpec(specFile);
  const one = join(specDir, 'one');

  it('1 worker and 2 worker threads write the same bytes; sensitivity and report written', async () => {
    const a = await runSweep(plan, { out: one, workers: 1, report: false });
    expect(a.complete).toBe(true);
    const two = join(specDir, 'two');
    const b = await runSweep(plan, { out: two, workers: 2 });
    expect(b.complete).toBe(true);
    expect(outputs(two)).toEqual(outputs(one));
    const csv = readFileSync(join(one, 'sweep-kpis.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('scenario,point,cp_to_care,direct,month,kpi,mean,p5,p25,p50,p75,p95');
    // 8 points × 3 months × 3 KPIs
    expect(csv).toHaveLength(1 + 8 * 3 * 3);
    const sens = readFileSync(join(one, 'sensitivity.csv'), 'utf8').trim().split('\n');
    expect(sens).toHaveLength(1 + 2);
    // the report: for the one target, a tornado chart and a Sobol index chart and the index table with every factor
    const drawn = await drawCharts(readFileSync(join(two, 'report.html'), 'utf8'));
    expect(drawn.charts).toBe(2);
    expect(drawn.warnings).toEqual([]);
    const html = drawn.html;
    expect(html.match(/<svg role="img"/g)).toHaveLength(2);
    expect(html).toContain('Tornado: what each factor moves');
    const table = html.slice(html.indexOf('<table class="indices">'));
    expect(table).toContain('<td>cp_to_care</td>');
    expect(table).toContain('<td>direct</td>');
    expect(readdirSync(join(one, 'jobs'))).toHaveLength(16);
  });

  it('stopped part-way, --resume runs only the jobs not done and gives the same bytes', async () => {
    const out = join(specDir, 'resumed');
    const abort = new AbortController();
    let seen = 0;
    const first = await runSweep(plan, { out, workers: 1, signal: abort.signal, onProgress: (d) => (seen = d) >= 5 && abort.abort() });
    expect(first.stopped).toBe(true);
    expect(first.jobsDone).toBeGreaterThanOrEqual(5);
    expect(first.jobsDone).toBeLessThan(16);
    expect(existsSync(join(out, 'sweep-kpis.csv'))).toBe(false);
    const r = await runCli(['sweep', '--spec', specFile, '--out', out, '--resume', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${first.jobsDone} of 16 jobs were already done (--resume)`);
    expect(outputs(out)).toEqual(outputs(one));
    expect(seen).toBeGreaterThan(0);
  });

  it('--resume refuses an out folder of another sweep', async () => {
    const other = writeSpec(specDir, tinySpec({ seed: 8 }), 'other.json');
    const r = await runCli(['sweep', '--spec', other, '--out', one, '--resume', '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume: .* holds sweep [0-9a-f]{16}, not this spec's/);
  });

  it('a job that throws is reported with its point and seed: exit 1, or 0 with --allow-failed', async () => {
    process.env.CASEFLOW_SWEEP_FAULT_POINT = '3';
    try {
      const out = join(specDir, 'failing');
      const r = await runCli(['sweep', '--spec', specFile, '--out', out, '--workers', '1']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`job 6 failed: point 3 \\(.*\\), seed ${pointSeed(plan, 3)}, replications 0–0: fault injected for point 3`));
      expect(r.stderr).toMatch(/2 jobs failed .*--allow-failed accepts this/);
      const failed = readFileSync(join(out, 'failed.csv'), 'utf8').trim().split('\n');
      expect(failed).toHaveLength(3);
      expect(failed[1]).toMatch(new RegExp(`^6,3,${pointSeed(plan, 3)},0,1,`));
      // the point is left out of the KPI rows, the others are all there
      const rows = readFileSync(join(out, 'sweep-kpis.csv'), 'utf8').trim().split('\n').slice(1);
      expect(rows).toHaveLength(7 * 3 * 3);
      expect(rows.some((l) => l.split(',')[1] === '3')).toBe(false);
      const allowed = await runCli(['sweep', '--spec', specFile, '--out', join(specDir, 'failing2'), '--workers', '1', '--allow-failed', '-q']);
      expect(allowed.code).toBe(0);
      expect(allowed.stderr).toMatch(/warning: 2 jobs failed/);
    } finally {
      delete process.env.CASEFLOW_SWEEP_FAULT_POINT;
    }
  });
});
