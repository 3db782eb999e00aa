import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMonth } from '../src/calendar/index.ts';
import { BACKTEST_HEADER, backtestCsv, comparableObservations, compareWithEnsemble, comparableSpec, type Observation } from '../src/calibration/index.ts';
import { main } from '../src/cli/main.ts';
import type { KpiRun } from '../src/projections/types.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const OBSERVED = join(DATA, 'southampton/observed.csv');
const scenarioPath = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));

const io = captureOutput();

const tmp = (): string => tempDir('caseflow-backtest-');

function obs(kpi: string, basis: string, period: string, value: number): Observation {
  const s = comparableSpec(kpi, basis, period);
  if ('reason' in s) throw new Error(s.reason);
  return { line: 2, kpi, period, value, basis, kind: 'actual', source: '', note: '', month: s.month, spec: s.spec };
}

/** 20 replications whose cla_open in month m is 100 + m + replication r (r = 0..19). */
function runs(): KpiRun[] {
  return Array.from({ length: 20 }, (_, r) => ({
    startMonth: '2022-09',
    months: 3,
    values: { cla_open: Float64Array.from([0, 1, 2], (m) => 100 + m + r) },
    numerators: {},
    denominators: {},
  }));
}

describe('comparing observations with an ensemble (known answers)', () => {
  it('quantiles, absolute percentage errors, band membership and the summary', () => {
    const o = [obs('cla_open', 'month_end_stock', '2022-09', 110), obs('cla_open', 'month_end_stock', '2022-10', 125), obs('cla_open', 'month_end_stock', '2022-11', 100)];
    const { rows, summary } = compareWithEnsemble(o, runs());
    // September: values 100..119; type-7 p50 = 109.5, p5 = 100.95, p95 = 118.05
    expect(rows[0]).toMatchObject({ kpi: 'cla_open', month: '2022-09', actual: 110, p50: 109.5, inBand: true });
    expect(rows[0].p5).toBeCloseTo(100.95, 12);
    expect(rows[0].p95).toBeCloseTo(118.05, 12);
    expect(rows[0].absPctError).toBeCloseTo((100 * 0.5) / 110, 12);
    // October: 101..120, 125 is above the band; November: 102..121, 100 below it
    expect(rows[1]).toMatchObject({ p50: 110.5, inBand: false });
    expect(rows[2]).toMatchObject({ p50: 111.5, inBand: false });
    expect(summary).toHaveLength(1);
    expect(summary[0].n).toBe(3);
    expect(summary[0].inBandPct).toBeCloseTo(100 / 3, 12);
    expect(summary[0].mape).toBeCloseTo((((0.5 / 110) + 14.5 / 125 + 11.5 / 100) * 100) / 3, 12);
    expect(summary[0].meanError).toBeCloseTo((-0.5 - 14.5 + 11.5) / 3, 12);
    expect(backtestCsv(rows).split('\n')[0]).toBe(BACKTEST_HEADER);
    expect(backtestCsv(rows).split('\n')[1]).toBe('cla_open,2022-09,110,109.5,100.95,118.05,0.4545,true');
  });

  it('a KPI compared on two bases is labelled with the basis', () => {
    const o = [obs('cla_open', 'month_end_stock', '2022-09', 110), obs('cla_open', 'year_end_stock', 'FY2022-23', 100)];
    const { rows } = compareWithEnsemble(o, runs());
    expect(rows.map((r) => r.kpi)).toEqual(['cla_open[month_end_stock]', 'cla_open[year_end_stock]']);
    // FY2022-23 needs March 2023, beyond the runs: no values, so not in the band
    expect(rows[1]).toMatchObject({ inBand: false });
    expect(rows[1].p50).toBeNaN();
  });

  it('observations before the start, beyond the horizon or needing earlier months are set aside with the reason', () => {
    const o = [
      obs('cla_open', 'month_end_stock', '2022-08', 1),
      obs('cla_open', 'month_end_stock', '2022-10', 1),
      obs('cla_open', 'month_end_stock', '2023-01', 1),
      obs('referral_rate', 'ytd_cumulative_rate_per_10k', '2022-10', 1),
    ];
    const { compared, skipped } = comparableObservations(o, '2022-09', 3);
    expect(compared.map((c) => c.period)).toEqual(['2022-10']);
    expect(skipped.map((s) => s.reason)).toEqual([
      'before the projection start 2022-09',
      "after the projection's last month 2022-11",
      'needs simulated months from 2022-04; the projection starts 2022-09',
    ]);
  });
});

describe('caseflow backtest', () => {
  it('--rewind 6 projects the last six observed months from the observed position before them', async () => {
    const dir = tmp();
    const code = await main(['backtest', '--scenario', scenarioPath, '--observed', OBSERVED, '--rewind', '6', '--runs', '4', '--workers', '1', '--no-report', '--out', dir]);
    expect(code, io.err).toBe(0);
    const lines = readFileSync(join(dir, 'backtest.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('kpi,month,actual,p50,p5,p95,abs_pct_error,in_band');
    const rows = lines.slice(1).map((l) => l.split(','));
    const months = new Set(rows.map((r) => r[1]));
    expect([...months].sort()).toEqual(['2022-09', '2022-10', '2022-11', '2022-12', '2023-01', '2023-02']);
    for (const r of rows) {
      const [actual, , p5, p95] = r.slice(2, 6).map(Number);
      expect(r[7], r.join(',')).toBe(actual >= p5 && actual <= p95 ? 'true' : 'false');
    }
    // February 2023: the later report's 545 children looked after
    expect(rows.find((r) => r[0] === 'cla_open' && r[1] === '2023-02')![2]).toBe('545');
    const summary = readFileSync(join(dir, 'backtest-summary.csv'), 'utf8').trim().split('\n');
    expect(summary[0]).toBe('kpi,basis,n,mape,in_band_pct,mean_error');
    expect(summary.some((l) => l.startsWith('cla_open,month_end_stock,6,'))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'backtest.json'), 'utf8'));
    expect(json.scenario.start).toBe('2022-09');
    expect(json.months).toBe(6);
    expect(json.opening.set.map((s: { kpi: string; month: string }) => `${s.kpi} ${s.month}`)).toEqual(['cla_open 2022-08', 'uasc_open 2022-08', 'cp_open 2022-08', 'cin_plans_open 2022-08']);
    expect(json.skippedByReason.find((r: { reason: string }) => r.reason === 'before the projection start 2022-09').rows).toBeGreaterThan(400);
    expect(existsSync(join(dir, 'kpis.csv'))).toBe(true);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    expect(io.out).toMatch(/Back-test of southampton-baseline: \d+ observed values from 2022-09 to 2023-02 against 4 replications/);
    expect(io.out).toMatch(/cla_open\s+month_end_stock\s+6/);
  });

  it('a scenario fitted on data to August 2022 back-tests on September 2022 to February 2023, the months it was not fitted on', async () => {
    const dir = tmp();
    const fitted = join(dir, 'fit-to-2022-08.json');
    expect(await main(['calibrate', '--base', scenarioPath, '--observed', OBSERVED, '--to', '2022-08', '--runs', '3', '--iterations', '1', '--workers', '1', '--out', fitted, '--quiet'])).toBe(0);
    expect(loadScenario(fitted).start).toBe('2022-09');
    const code = await main(['backtest', '--scenario', fitted, '--observed', OBSERVED, '--runs', '4', '--workers', '1', '--no-report', '--quiet', '--out', dir]);
    expect(code, io.err).toBe(0);
    const rows = readFileSync(join(dir, 'backtest.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(60);
    for (const r of rows) {
      const m = r.split(',')[1];
      expect(parseMonth(m)).toBeGreaterThanOrEqual(parseMonth('2022-09'));
      expect(parseMonth(m)).toBeLessThanOrEqual(parseMonth('2023-02'));
    }
  });

  it('--max-mape turns a poor back-test into exit 1', async () => {
    const dir = tmp();
    expect(await main(['backtest', '--scenario', scenarioPath, '--observed', OBSERVED, '--rewind', '3', '--runs', '2', '--workers', '1', '--no-report', '--quiet', '--out', dir, '--max-mape', '1'])).toBe(1);
    expect(io.err).toMatch(/back-test failed: .*MAPE .*% > 1%/);
    expect(existsSync(join(dir, 'backtest.csv'))).toBe(true);
  });

  it('with no observations after the start it exits 2 and suggests --rewind', async () => {
    expect(await main(['backtest', '--scenario', scenarioPath, '--observed', OBSERVED, '--runs', '2', '--workers', '1', '--quiet', '--out', tmp()])).toBe(2);
    expect(io.err).toMatch(/no observed months at or after the projection start 2023-03 \(last observation 2023-02\); use --rewind N/);
    expect(await main(['backtest', '--scenario', scenarioPath, '--observed', OBSERVED, '--rewind', '0'])).toBe(2);
  });

  it('--help explains the options with examples', async () => {
    expect(await main(['backtest', '--help'])).toBe(0);
    expect(io.out).toMatch(/--rewind <n>/);
    expect(io.out).toMatch(/--runs <n>/);
    expect(io.out).toMatch(/Examples:\n\s+\$ caseflow backtest --events/);
    expect(io.out).toMatch(/\$ caseflow backtest --scenario .* --rewind 6/);
    expect(io.out).toMatch(/--every <step>/);
    expect(io.out).toMatch(/--horizons <months>/);
  });

});
