import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseMonth } from '../src/calendar/index.ts';
import { aprilOf, comparableSpec, comparableValue, covers, defaultWindow, periodMonth, readObserved, rebaseScenario, scaleToPopulation, stockAt } from '../src/calibration/index.ts';
import { InputError } from '../src/errors.ts';
import type { Observation } from '../src/calibration/index.ts';
import type { KpiRun } from '../src/projections/types.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { tempDir } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/', import.meta.url));
const OBSERVED = join(DATA, 'southampton/observed.csv');
const baseline = loadScenario(fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url)));

/** A run from 2022-01 for 15 months with simple known values; population 50,000. */
function knownRun(): KpiRun {
  const months = 15;
  const arr = (f: (m: number) => number) => Float64Array.from({ length: months }, (_, m) => f(m));
  const pop = arr(() => 50000);
  return {
    startMonth: '2022-01',
    months,
    values: {
      referrals: arr((m) => 100 + m),
      referral_rate: arr(() => NaN),
      contacts: arr((m) => 1000 + 10 * m),
      cla_open: arr((m) => 500 + m),
      cla_rate: arr((m) => (500 + m) / 5),
      rereferral_pct: arr((m) => (100 * (20 + (m % 3))) / (100 + m)),
      cla_3plus_moves_pct: arr((m) => 10 + m),
    },
    numerators: {
      referral_rate: arr(() => NaN),
      cla_rate: arr((m) => 500 + m),
      rereferral_pct: arr((m) => 20 + (m % 3)),
      cla_3plus_moves_pct: arr((m) => 50 + m),
    },
    denominators: {
      referral_rate: pop,
      cla_rate: pop,
      rereferral_pct: arr((m) => 100 + m),
      cla_3plus_moves_pct: arr((m) => 500 + m),
    },
  };
}

function value(kpi: string, basis: string, period: string): number {
  const s = comparableSpec(kpi, basis, period);
  if ('reason' in s) throw new Error(s.reason);
  return comparableValue(knownRun(), s.spec);
}

describe('simulated equivalents of observed rows', () => {
  it('month counts, month-end stocks and stock rates are the KPI values', () => {
    expect(value('referrals', 'month_count', '2022-03')).toBe(102);
    expect(value('cla_open', 'month_end_stock', '2022-05')).toBe(504);
    expect(value('cla_rate', 'monthly_rate_per_10k', '2022-05')).toBeCloseTo(100.8, 12);
  });

  it('a monthly flow rate is the month’s count per 10,000 (not annualised)', () => {
    expect(value('referral_rate', 'monthly_rate_per_10k', '2022-03')).toBeCloseTo((102 * 10000) / 50000, 12);
  });

  it('a year-to-date rate sums the months since 1 April', () => {
    // April–June 2022: 103 + 104 + 105
    expect(value('referral_rate', 'ytd_cumulative_rate_per_10k', '2022-06')).toBeCloseTo((312 * 10000) / 50000, 12);
    // April alone
    expect(value('referral_rate', 'ytd_cumulative_rate_per_10k', '2022-04')).toBeCloseTo((103 * 10000) / 50000, 12);
    // March 2022 needs April 2021, before the run
    const s = comparableSpec('referral_rate', 'ytd_cumulative_rate_per_10k', '2022-03');
    expect('spec' in s && covers(knownRun(), s.spec)).toBe(false);
    expect(value('referral_rate', 'ytd_cumulative_rate_per_10k', '2022-03')).toBeNaN();
  });

  it('a rolling 12-month % recomputes from numerators and denominators; a month-end % is already over 12 months', () => {
    let n = 0;
    let d = 0;
    for (let m = 0; m < 12; m++) {
      n += 20 + (m % 3);
      d += 100 + m;
    }
    expect(value('rereferral_pct', 'rolling12_pct', '2022-12')).toBeCloseTo((100 * n) / d, 12);
    expect(value('rereferral_pct', 'rolling12_pct', '2022-11')).toBeNaN();
    expect(value('cla_3plus_moves_pct', 'rolling12_pct', '2022-11')).toBe(20);
    expect(value('rereferral_pct', 'month_pct', '2022-02')).toBeCloseTo((100 * 21) / 101, 12);
  });

  it('financial-year rows compare with the April–March sum or the March value', () => {
    // April 2022 – March 2023 = offsets 3..14
    let sum = 0;
    for (let m = 3; m <= 14; m++) sum += 100 + m;
    expect(value('referrals', 'annual_count', 'FY2022-23')).toBe(sum);
    expect(value('referral_rate', 'annual_rate_per_10k', 'FY2022-23')).toBeCloseTo((sum * 10000) / 50000, 12);
    expect(value('cla_open', 'year_end_stock', 'FY2022-23')).toBe(514);
    expect(value('cla_rate', 'annual_rate_per_10k', 'FY2022-23')).toBeCloseTo(514 / 5, 12);
    expect(value('cla_3plus_moves_pct', 'annual_pct', 'FY2022-23')).toBe(24);
    expect(value('referrals', 'annual_count', 'FY2021-22')).toBeNaN();
  });

  it('says why a row cannot be compared', () => {
    expect(comparableSpec('care_leavers', 'month_end_stock', '2022-01')).toEqual({ reason: 'no such KPI in the engine' });
    expect(comparableSpec('cla_open', 'month_count', '2022-01')).toEqual({ reason: expect.stringMatching(/basis month_count does not apply to cla_open/) });
    expect(comparableSpec('referrals', 'annual_count', '2022-01')).toEqual({ reason: expect.stringMatching(/needs a financial-year period/) });
    expect(comparableSpec('referrals', 'weekly_count', '2022-01')).toEqual({ reason: 'basis weekly_count is not supported' });
    expect(comparableSpec('cla_open', 'month_end_stock', 'FY2022-23')).toEqual({ reason: 'basis month_end_stock needs a month period (got FY2022-23)' });
    expect(comparableSpec('cla_open', 'annual_mean', 'FY2022-23')).toEqual({ reason: 'basis annual_mean is not supported for a financial year' });
  });

  it('financial years start in April: aprilOf and periodMonth agree', () => {
    expect(periodMonth('FY2022-23')).toBe(parseMonth('2023-03'));
    fc.assert(
      fc.property(fc.integer({ min: 2000 * 12, max: 2060 * 12 }), (m) => {
        const a = aprilOf(m);
        expect(a % 12).toBe(3);
        expect(m - a).toBeGreaterThanOrEqual(0);
        expect(m - a).toBeLessThan(12);
      }),
    );
  });
});

describe('reading the observed Southampton series', () => {
  const set = readObserved(OBSERVED);
  const lines = readFileSync(OBSERVED, 'utf8').trim().split('\n').slice(1);

  it('accounts for every row: used, skipped with a reason, or a duplicate', () => {
    expect(set.rows).toBe(lines.length);
    const dropped = new Set(set.duplicates.map((d) => d.dropped.line));
    expect(set.observations.length + set.skipped.length + dropped.size).toBe(set.rows);
    const kinds = lines.map((l) => l.split(',')).filter((c) => c[5] !== 'actual');
    expect(set.skipped.filter((s) => /target|comparator/.test(s.reason)).length).toBe(kinds.length);
    expect(set.skipped.filter((s) => s.reason === 'target: not fitted').length).toBe(27);
    expect(set.skipped.filter((s) => s.kpi === 'care_leavers').every((s) => s.reason === 'no such KPI in the engine')).toBe(true);
    expect(set.skipped.some((s) => s.reason === 'basis unknown')).toBe(true);
  });

  it('prefers the later report where two print the same month (001 > 002 > 000)', () => {
    const cin = set.observations.find((o) => o.kpi === 'cin_plans_open' && o.period === '2022-04')!;
    expect(cin.value).toBe(516);
    expect(cin.source).toMatch(/^002_/);
    const moves = set.observations.find((o) => o.kpi === 'cla_3plus_moves_pct' && o.period === '2022-06')!;
    expect(moves.value).toBe(27);
    expect(moves.source).toMatch(/^001_/);
    const dups = set.duplicates.filter((d) => d.kept.kpi === 'cla_3plus_moves_pct' && d.kept.period === '2022-06');
    expect(dups.map((d) => d.dropped.value).sort()).toEqual([20, 25]);
    // with another preference the earlier report wins
    const other = readObserved(OBSERVED, { prefer: ['000', '002', '001'] });
    expect(other.observations.find((o) => o.kpi === 'cin_plans_open' && o.period === '2022-04')!.value).toBe(466);
  });

  it('reads local definitions as the engine KPI they match: CIN* as cin_plans_open; the 2015–16 CIN series as neither', () => {
    const filed = lines.map((l) => l.split(',')).filter((c) => c[1] === 'cin_open' && c[5] === 'actual');
    const cinStar = set.observations.filter((o) => o.filedAs === 'cin_open');
    expect(cinStar.length).toBeGreaterThan(10);
    expect(cinStar.every((o) => o.kpi === 'cin_plans_open' && o.month >= parseMonth('2021-12'))).toBe(true);
    expect(set.observations.some((o) => o.kpi === 'cin_open')).toBe(false);
    // Sep 2015 – Sep 2016: 13 months of open CIN cases excluding CP plans and children looked after
    const local = set.skipped.filter((s) => s.kpi === 'cin_open' && /^local measure/.test(s.reason));
    expect(local.map((s) => s.period)).toEqual(filed.filter((c) => c[2] < '2017').map((c) => c[2]));
    expect(local).toHaveLength(13);
    // the month counted twice (two reports) keeps one observation
    const dropped = set.duplicates.filter((d) => d.kept.kpi === 'cin_plans_open').length;
    expect(cinStar.length + dropped).toBe(filed.length - 13);
  });

  it('the default window is the latest unbroken run of observed months', () => {
    const w = defaultWindow(set.observations)!;
    expect([w.from, w.to]).toEqual([parseMonth('2021-12'), parseMonth('2023-02')]);
    const w2 = defaultWindow(set.observations, parseMonth('2022-08'))!;
    expect([w2.from, w2.to]).toEqual([parseMonth('2021-12'), parseMonth('2022-08')]);
    const w3 = defaultWindow(set.observations, parseMonth('2016-06'))!;
    expect([w3.from, w3.to]).toEqual([parseMonth('2015-09'), parseMonth('2016-06')]);
  });

  it('rebases a scenario on the observed month-end stocks of the month before its new start', () => {
    const r = rebaseScenario(baseline, parseMonth('2022-09'), set.observations);
    expect(r.scenario.start).toBe('2022-09');
    const pop10k = baseline.population / 10000;
    expect(r.scenario.parameters.opening.claPer10k).toBeCloseTo(stockAt(set.observations, 'cla_open', parseMonth('2022-08'))!.value / pop10k, 12);
    expect(r.scenario.parameters.opening.claPer10k).toBeCloseTo(551 / pop10k, 12); // 002's 551, not 000's 552
    expect(r.scenario.parameters.opening.cpPer10k).toBeCloseTo(384 / pop10k, 12);
    expect(r.scenario.parameters.opening.uascPer10k).toBeCloseTo(24 / pop10k, 12);
    expect(r.scenario.parameters.opening.cinPlansPer10k).toBeCloseTo(560 / pop10k, 12);
    expect(r.opening.map((o) => o.month)).toEqual(['2022-08', '2022-08', '2022-08', '2022-08']);
    // the rest of the scenario is untouched
    expect(r.scenario.parameters.cp).toEqual(baseline.parameters.cp);
    // a month with no observation leaves the opening as it was, and says so
    const none = rebaseScenario(baseline, parseMonth('2019-01'), set.observations);
    expect(none.opening).toHaveLength(0);
    expect(none.unchanged.map((u) => u.parameter)).toEqual(['opening.claPer10k', 'opening.uascPer10k', 'opening.cpPer10k', 'opening.cinPlansPer10k']);
    expect(none.scenario.parameters.opening).toEqual(baseline.parameters.opening);
  });
});

describe('national figures', () => {
  const set = readObserved(join(DATA, 'england/national.csv'));

  it('counts and stocks are scaled from the observed population to the scenario’s; rates and percentages are not', () => {
    expect(set.populations.get('FY2023-24')).toBe(12059476);
    expect(set.skipped.filter((s) => s.kpi === 'population_0_17').every((s) => /scales counts/.test(s.reason))).toBe(true);
    const { observations, scaled } = scaleToPopulation(set.observations, set.populations, 100000);
    expect(scaled).toBeGreaterThan(50);
    const cla = (os: readonly Observation[]) => os.find((o) => o.kpi === 'cla_open' && o.period === 'FY2023-24' && o.basis === 'year_end_stock')!;
    expect(cla(observations).value).toBeCloseTo((cla(set.observations).value * 100000) / 12059476, 9);
    const rate = (os: readonly Observation[]) => os.find((o) => o.kpi === 'cla_rate' && o.period === 'FY2023-24')!;
    expect(rate(observations).value).toBe(rate(set.observations).value);
    // without population rows nothing changes
    const local = readObserved(OBSERVED);
    expect(scaleToPopulation(local.observations, local.populations, 100000)).toEqual({ observations: local.observations, scaled: 0 });
  });

  it('with financial years only, the default window runs from the first April to the last March', () => {
    const annual = set.observations.filter((o) => o.period.startsWith('FY'));
    const w = defaultWindow(annual)!;
    expect(w.to).toBe(parseMonth('2025-03'));
    expect(w.from % 12).toBe(3);
  });
});

describe('bad observed files', () => {
  const dir = tempDir('caseflow-observed-');
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('a bad value names the file, the line and the field', () => {
    const p = write('bad-value.csv', 'la,kpi,period,value,basis,kind,source,note\nx,contacts,2022-01,12,month_count,actual,a,\nx,contacts,2022-02,lots,month_count,actual,a,\n');
    expect(() => readObserved(p)).toThrow(InputError);
    expect(() => readObserved(p)).toThrow(/bad-value\.csv: line 3: field "value": not a number: "lots"/);
  });

  it('a bad period and a missing column are refused', () => {
    expect(() => readObserved(write('bad-period.csv', 'la,kpi,period,value,basis,kind\nx,contacts,2022-13,1,month_count,actual\n'))).toThrow(/line 2: field "period"/);
    expect(() => readObserved(write('no-basis.csv', 'la,kpi,period,value,kind\nx,contacts,2022-01,1,actual\n'))).toThrow(/missing column "basis"/);
    expect(() => readObserved(join(dir, 'absent.csv'))).toThrow(/absent\.csv: observed-data file not found/);
  });

  it('a file with nothing usable is reported as such by the commands (rows counted by reason)', () => {
    const p = write('targets.csv', 'la,kpi,period,value,basis,kind\nx,contacts,2022-01,1,month_count,target\nx,care_leavers,2022-01,1,month_end_stock,actual\n');
    const s = readObserved(p);
    expect(s.observations).toHaveLength(0);
    expect(s.skipped.map((k) => k.reason)).toEqual(['target: not fitted', 'no such KPI in the engine']);
  });
});
