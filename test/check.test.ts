import { describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareExact, compareStatistical, kpisCsvText, readGoldenRun } from '../src/calibration/index.ts';
import { main } from '../src/cli/main.ts';
import { runEnsemble } from '../src/ensemble/index.ts';
import { readKpisCsv, writeKpiOutputs } from '../src/node/kpiOutputs.ts';
import { summarise, type KpiSummary } from '../src/projections/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const SCENARIOS = fileURLToPath(new URL('../scenarios/', import.meta.url));
const GOLDEN = join(SCENARIOS, 'golden');
const baselinePath = join(SCENARIOS, 'southampton-baseline.json');

const io = captureOutput();

const tmp = (): string => tempDir('caseflow-check-');

/**
 * Every scenario file shipped in scenarios/ and scenarios/calibration/ (JSON objects with a name;
 * not the schema or the fit tables), as paths relative to scenarios/ without `.json`.
 */
function shippedScenarios(): string[] {
  const out: string[] = [];
  for (const sub of ['', 'calibration/']) {
    for (const f of readdirSync(join(SCENARIOS, sub))) {
      if (!f.endsWith('.json') || f === 'scenario.schema.json') continue;
      const j = JSON.parse(readFileSync(join(SCENARIOS, sub, f), 'utf8'));
      if (typeof j.name === 'string' && j.format === undefined) out.push(sub + f.replace(/\.json$/, ''));
    }
  }
  return out.sort();
}

const goldenOfScenario = (n: string) => join(GOLDEN, `${n.replace(/^.*\//, '')}.kpis.csv`);

/** A copy of the baseline with one parameter changed, in a temporary folder that can reach the data. */
function changedBaseline(change: (s: Record<string, any>) => void): string {
  const s = JSON.parse(readFileSync(baselinePath, 'utf8'));
  change(s);
  delete s.$schema;
  delete s.comparators;
  const p = join(tmp(), 'changed.json');
  writeFileSync(p, JSON.stringify(s));
  return p;
}

describe('the shipped scenarios are pinned by golden files', () => {
  const names = shippedScenarios();

  it('every shipped scenario has a golden kpis.csv and its run settings', () => {
    expect(names).toContain('southampton-baseline');
    expect(names).toContain('calibration/southampton-calibrated');
    expect(names).toContain('calibration/southampton-fit-to-2022-08');
    for (const n of names) {
      expect(existsSync(goldenOfScenario(n)), `${n}: ${goldenOfScenario(n)}`).toBe(true);
      const run = readGoldenRun(goldenOfScenario(n));
      expect(run, n).toBeDefined();
      expect(run!.runs! * run!.months!, `${n}: small runs × months keep the suite fast`).toBeLessThanOrEqual(48);
    }
  });

  it.each(names)('%s: an unchanged rerun matches its golden file exactly (exit 0)', async (n) => {
    const code = await main(['check', '--scenario', join(SCENARIOS, `${n}.json`), '--golden', goldenOfScenario(n), '--workers', '1', '--quiet']);
    expect(code, `${io.err}\n${io.out}`).toBe(0);
  });
});

describe('caseflow check catches a change', () => {
  const golden = join(GOLDEN, 'southampton-baseline.kpis.csv');

  it('a one-parameter change (CP plans 10% longer) exits 1 with a table of what moved', async () => {
    const changed = changedBaseline((s) => (s.parameters.cp.durationMonths.mean *= 1.1));
    const dir = tmp();
    const code = await main(['check', '--scenario', changed, '--golden', golden, '--workers', '1', '--quiet', '--out', dir, '--no-report']);
    expect(code).toBe(1);
    // 69 KPIs × 24 months × 6 statistics (mean, p5, p25, p50, p75, p95)
    expect(io.out).toMatch(/moved: \d+ of 9,936 values \(\d+ KPIs\)/);
    // one line per KPI: its largest change
    expect(io.out).toMatch(/KPI\s+month\s+statistic\s+golden\s+now\s+change\s+change %\s+values moved/);
    expect(io.out).toMatch(/\ncp_open\s+20\d\d-\d\d\s+(mean|p\d+)\s+[\d.]+\s+[\d.]+\s+-?[\d.]+\s+-?[\d.]+\s+\d+\n/);
    expect(io.err).toMatch(/caseflow: \d+ values moved in \d+ KPIs \([a-z_0-9, ]+, …\); rerun with --update to accept/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    const moved = readFileSync(join(dir, 'moved.csv'), 'utf8').trim().split('\n');
    expect(moved[0]).toBe('kpi,month,statistic,golden,now,change,change_pct,allowed,why');
    expect(moved.some((l) => l.startsWith('cp_open,'))).toBe(true);
    // every moved value is listed in moved.csv
    expect(moved.length - 1).toBe(Number(/moved: (\d+) of/.exec(io.out)![1]));
    expect(existsSync(join(dir, 'kpis.csv'))).toBe(true);
  });

  it('--update rewrites the golden file, after which the same run passes', async () => {
    const dir = tmp();
    const g = join(dir, 'golden.kpis.csv');
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--runs', '2', '--months', '3', '--workers', '1', '--quiet'])).toBe(2);
    expect(io.err).toMatch(/golden\.kpis\.csv: golden file not found \(create it with --update\)/);
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--runs', '2', '--months', '3', '--workers', '1', '--quiet', '--update'])).toBe(0);
    expect(existsSync(g)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'golden.kpis.run.json'), 'utf8'))).toMatchObject({ format: 'caseflow-golden-run', scenario: 'southampton-baseline', seed: 20230301, runs: 2, months: 3 });
    // the settings come from the .run.json: a plain rerun compares like with like
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--workers', '1', '--quiet'])).toBe(0);
    // a different seed is a different run
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--seed', '1', '--workers', '1', '--quiet'])).toBe(1);
    // a changed scenario, accepted with --update, then passes
    const changed = changedBaseline((s) => (s.parameters.contacts.perMonthPer10k *= 1.2));
    expect(await main(['check', '--scenario', changed, '--golden', g, '--workers', '1', '--quiet'])).toBe(1);
    expect(await main(['check', '--scenario', changed, '--golden', g, '--workers', '1', '--quiet', '--update'])).toBe(0);
    expect(await main(['check', '--scenario', changed, '--golden', g, '--workers', '1', '--quiet'])).toBe(0);
  });

  it('the golden file is byte for byte the kpis.csv simulate writes, and reads back', async () => {
    const s = loadScenario(baselinePath);
    const r = await runEnsemble([s], { runs: 2, seed: 3, months: 2, workers: 1 });
    const summary = summarise(s.name, r.runs[0]);
    const dir = tmp();
    writeKpiOutputs(dir, [summary]);
    expect(kpisCsvText([summary])).toBe(readFileSync(join(dir, 'kpis.csv'), 'utf8'));
    // simulate's kpis.json beside a kpis.csv supplies the run settings too
    writeFileSync(join(dir, 'kpis.json'), JSON.stringify({ format: 'caseflow-kpis', meta: { seed: 3, runs: 2, months: 2 } }));
    expect(readGoldenRun(join(dir, 'kpis.csv'))).toMatchObject({ seed: 3, runs: 2, months: 2 });
    writeFileSync(join(dir, 'kpis.json'), JSON.stringify({ format: 'caseflow-kpis', meta: { seed: 'x' } }));
    expect(() => readGoldenRun(join(dir, 'kpis.csv'))).toThrow(/kpis\.json: field "seed": expected a whole number/);
  });

  it('bad input exits 2', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'scenario,month,kpi,mean,p5,p25,p50,p75,p95\nx,2023-03,contacts,1,1,1,one,1,1\n');
    expect(await main(['check', '--scenario', baselinePath, '--golden', bad, '--runs', '1', '--months', '1', '--workers', '1', '--quiet'])).toBe(2);
    expect(io.err).toMatch(/bad\.csv: line 2: field "p50": not a number: "one"/);
    expect(await main(['check', '--scenario', baselinePath, '--golden', join(dir, 'x.txt'), '--quiet'])).toBe(2);
    expect(await main(['check', '--scenario', baselinePath, '--golden', bad, '--mode', 'fuzzy'])).toBe(2);
  });

  it('--help explains the options with examples', async () => {
    expect(await main(['check', '--help'])).toBe(0);
    expect(io.out).toMatch(/--golden <kpis\.csv>/);
    expect(io.out).toMatch(/--mode <mode>/);
    expect(io.out).toMatch(/--update/);
    expect(io.out).toMatch(/Examples:\n\s+\$ caseflow check --scenario/);
  });
});

/** A one-KPI summary with the given medians and a p5–p95 band of ±w around them. */
function summaryOf(p50: number[], w: number, runs: number): KpiSummary {
  return {
    scenario: 's',
    startMonth: '2023-01',
    months: p50.length,
    runs,
    stats: { cla_open: p50.map((m) => ({ mean: m, p5: m - w, p25: m - w / 2, p50: m, p75: m + w / 2, p95: m + w })) },
    numerators: {},
    denominators: {},
  };
}

function goldenOf(s: KpiSummary) {
  const dir = tmp();
  const p = join(dir, 'g.csv');
  writeFileSync(p, kpisCsvText([s]));
  return { path: p, rows: readKpisCsv(p) };
}

describe('comparisons (known answers)', () => {
  it('exact: equal as written passes; a change beyond the tolerance is reported with its size', () => {
    const g = goldenOf(summaryOf([100, 200], 10, 20));
    expect(compareExact(g.path, g.rows, summaryOf([100, 200], 10, 20)).moved).toEqual([]);
    // differences below the 4 decimals written are not changes
    expect(compareExact(g.path, g.rows, summaryOf([100.00001, 200], 10, 20)).moved).toEqual([]);
    const r = compareExact(g.path, g.rows, summaryOf([100, 210], 10, 20));
    expect(r.compared).toBe(12);
    expect(r.moved.map((m) => m.statistic)).toEqual(['mean', 'p5', 'p25', 'p50', 'p75', 'p95']);
    expect(r.moved.find((m) => m.statistic === 'p50')).toMatchObject({ kpi: 'cla_open', month: '2023-02', golden: 200, now: 210, change: 10, changePct: 5 });
    // p5 moved 190 → 200, 5.26% of the golden value
    expect(compareExact(g.path, g.rows, summaryOf([100, 210], 10, 20), 5.3).moved).toEqual([]);
    expect(compareExact(g.path, g.rows, summaryOf([100, 210], 10, 20), 5.2).moved.map((m) => m.statistic)).toEqual(['p5']);
    // mean and p50 moved 5%, p75 4.9% and p95 4.8%
    expect(compareExact(g.path, g.rows, summaryOf([100, 210], 10, 20), 4.9).moved.map((m) => m.statistic)).toEqual(['mean', 'p5', 'p25', 'p50']);
    // a month that is missing from the rerun is reported
    expect(compareExact(g.path, g.rows, summaryOf([100], 10, 20)).moved.every((m) => m.why === 'not in the rerun')).toBe(true);
  });

  it('statistical: a median moves only beyond the noise of two ensembles', () => {
    // σ = 2·10/3.29 ≈ 6.08 per replication; SE of the difference of two medians of 20 runs ≈ 1.2533·6.08·√(2/20) ≈ 2.41
    const g = goldenOf(summaryOf([100, 200], 10, 20));
    const res = compareStatistical(g.path, g.rows, summaryOf([104, 200], 10, 20), { goldenRuns: 20, alpha: 0.01 });
    // z for 1% over 2 comparisons: the 99.75th percentile, 2.807
    expect(res.z).toBeCloseTo(2.807, 3);
    expect(res.moved).toEqual([]);
    const moved = compareStatistical(g.path, g.rows, summaryOf([108, 200], 10, 20), { goldenRuns: 20 });
    expect(moved.moved).toHaveLength(1);
    expect(moved.moved[0]).toMatchObject({ month: '2023-01', statistic: 'p50', change: 8 });
    expect(moved.moved[0].allowed).toBeCloseTo(2.807 * 1.2533141 * ((2 * 10) / (2 * 1.6448536)) * Math.sqrt(2 / 20), 2);
    // more runs shrink the noise: the same 4 moved with 400 runs a side
    expect(compareStatistical(g.path, g.rows, summaryOf([104, 200], 10, 400), { goldenRuns: 400 }).moved).toHaveLength(1);
  });

  it('statistical: a median on a point mass (half the runs 0) is judged by the mean', () => {
    const lumpy = (p50: number, mean: number, runs: number): KpiSummary => ({ ...summaryOf([0], 0, runs), stats: { cla_open: [{ mean, p5: 0, p25: 0, p50, p75: 6, p95: 12 }] } });
    // σ = 12/3.29 ≈ 3.65; SE of the difference of two means of 24 runs ≈ 3.65·√(2/24) ≈ 1.05; z (1%, 1 comparison) 2.576
    const g = goldenOf(lumpy(0, 3, 24));
    expect(compareStatistical(g.path, g.rows, lumpy(6, 3.5, 24), { goldenRuns: 24 }).moved).toEqual([]);
    const moved = compareStatistical(g.path, g.rows, lumpy(6, 6.5, 24), { goldenRuns: 24 }).moved;
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ statistic: 'mean', golden: 3, now: 6.5, change: 3.5 });
    expect(moved[0].allowed).toBeCloseTo(2.5758 * (12 / (2 * 1.6448536)) * Math.sqrt(2 / 24), 3);
  });

  it('statistical mode in the command: a new seed passes, a real change fails', async () => {
    const dir = tmp();
    const g = join(dir, 'g.kpis.csv');
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--runs', '24', '--months', '4', '--seed', '11', '--workers', '1', '--quiet', '--update'])).toBe(0);
    expect(await main(['check', '--scenario', baselinePath, '--golden', g, '--mode', 'statistical', '--seed', '12', '--workers', '1', '--quiet'])).toBe(0);
    const changed = changedBaseline((s) => (s.parameters.contacts.perMonthPer10k *= 1.25));
    expect(await main(['check', '--scenario', changed, '--golden', g, '--mode', 'statistical', '--seed', '12', '--workers', '1'])).toBe(1);
    expect(io.out).toMatch(/\ncontacts\s+2023-0\d\s+p50/);
  });
});

describe('golden files load as kpis.csv', () => {
  it('each golden file parses and covers its run settings', () => {
    for (const f of readdirSync(GOLDEN).filter((x) => x.endsWith('.kpis.csv'))) {
      const rows = readKpisCsv(join(GOLDEN, f));
      const run = readGoldenRun(join(GOLDEN, f))!;
      expect(new Set(rows.map((r) => r.month)).size, f).toBe(run.months);
    }
  });

  it('a copy of a golden file with one value edited fails exactly there', async () => {
    const dir = tmp();
    const src = join(GOLDEN, 'uasc-arrivals.kpis.csv');
    const g = join(dir, 'uasc-arrivals.kpis.csv');
    copyFileSync(join(GOLDEN, 'uasc-arrivals.kpis.run.json'), join(dir, 'uasc-arrivals.kpis.run.json'));
    const lines = readFileSync(src, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(',2023-05,cla_open,'));
    const cells = lines[i].split(',');
    cells[6] = String(Number(cells[6]) + 1);
    lines[i] = cells.join(',');
    writeFileSync(g, lines.join('\n'));
    expect(await main(['check', '--scenario', join(SCENARIOS, 'uasc-arrivals.json'), '--golden', g, '--workers', '1', '--quiet'])).toBe(1);
    expect(io.out).toMatch(/moved: 1 of /);
    expect(io.out).toMatch(/cla_open\s+2023-05\s+p50/);
  });
});
