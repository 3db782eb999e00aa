/**
 * A trend in the front door's arrivals fitted from an observed series: the slope and level
 * recovered from a series made with a known trend, the trend carried by the engine's first
 * contacts, and its uncertainty drawn per replication.
 */
import { describe, expect, it } from 'vitest';
import { monthKey, parseMonth } from '../src/calendar/index.ts';
import { comparableSpec, observedArrivalFit, observedMomentRelSe, withObservedTrend, type Observation } from '../src/calibration/index.ts';
import { chooseTrend } from '../src/calibration/trendChoice.ts';
import { runEnsemble } from '../src/ensemble/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';

const base = (): Scenario => {
  const s = loadScenario('scenarios/southampton-baseline.json');
  // flat seasonality and no growth, so the counts below are the rate times the population
  return { ...s, population: 50_000, parameters: { ...s.parameters, population: { growthPctPerYear: 0 }, contacts: { ...s.parameters.contacts, seasonality: Array(12).fill(1) } } };
};

function obs(kpi: string, from: string, values: readonly number[]): Observation[] {
  const m0 = parseMonth(from);
  return values.map((value, i) => {
    const period = monthKey(m0 + i);
    const c = comparableSpec(kpi, 'month_count', period);
    if (!('spec' in c)) throw new Error(c.reason);
    return { line: i + 2, kpi, period, value, basis: 'month_count', kind: 'actual', source: 't', note: '', month: m0 + i, spec: c.spec };
  });
}

describe('observed arrival trend', () => {
  it('recovers a straight line: level in the month after, slope a year as a share of that level', () => {
    // 1,000 contacts falling by 10 a month over 12 months: the next month's level is 880,
    // and the slope is 120 a year, 120/880 of the level
    const values = Array.from({ length: 12 }, (_, i) => 1000 - 10 * i);
    const t = observedArrivalFit(obs('contacts', '2022-01', values), parseMonth('2022-12'), base())!;
    expect(t.kpi).toBe('contacts');
    expect(t.fit.level * 5).toBeCloseTo(880, 6); // per 10,000 of 50,000 children
    expect(t.fit.perYear).toBeCloseTo(-120 / 880, 9);
    expect(t.fit.mean * 5).toBeCloseTo(945, 9);
  });

  it('takes contacts before referrals, the latest unbroken run, and nothing under a year', () => {
    const s = base();
    const year = (x0: number) => Array.from({ length: 12 }, (_, i) => x0 + 10 * i);
    const both = [...obs('referrals', '2022-01', year(300)), ...obs('contacts', '2022-01', year(900))];
    expect(observedArrivalFit(both, parseMonth('2022-12'), s)!.kpi).toBe('contacts');
    expect(observedArrivalFit(obs('referrals', '2022-01', year(300)), parseMonth('2022-12'), s)!.kpi).toBe('referrals');
    // a gap: only the run after it counts
    const gap = [...obs('contacts', '2020-01', [5000, 5000, 5000]), ...obs('contacts', '2020-05', year(100))];
    const t = observedArrivalFit(gap, parseMonth('2021-04'), s)!;
    expect([monthKey(t.from), monthKey(t.to)]).toEqual(['2020-05', '2021-04']);
    expect(t.fit.perYear).toBeGreaterThan(0);
    expect(observedArrivalFit(obs('contacts', '2022-01', year(900).slice(1)), parseMonth('2022-11'), s)).toBeUndefined();
    // months after the origin are not used
    expect(monthKey(observedArrivalFit(obs('contacts', '2022-01', [...year(900), 1, 2]), parseMonth('2022-12'), s)!.to)).toBe('2022-12');
  });

  it('moves first contacts to the fitted level, sets the trend and its standard errors; none changes nothing', () => {
    const s = base();
    const o = obs('contacts', '2022-01', Array.from({ length: 12 }, (_, i) => 1000 - 10 * i));
    const to = parseMonth('2022-12');
    expect(withObservedTrend(s, o, to, 'none').scenario).toBe(s);
    const { scenario } = withObservedTrend(s, o, to, 'damped', 0.8);
    expect(scenario.parameters.contacts.perMonthPer10k).toBeCloseTo((s.parameters.contacts.perMonthPer10k * 880) / 945, 9);
    expect(scenario.parameters.contacts.trend).toEqual({ kind: 'damped', perYear: expect.closeTo(-120 / 880, 9), damping: 0.8 });
    // an exact line leaves only counting noise: the slope's standard error is Poisson's
    expect(scenario.uncertainty!['contacts.trend.perYear']).toBeGreaterThan(0);
    expect(scenario.uncertainty!['contacts.perMonthPer10k']).toBeGreaterThan(0);
    expect(scenario.provenance!['contacts.trend.perYear']).toBe('observed');
    expect(s.parameters.contacts.trend).toBeUndefined();
  });

  it('the engine carries the trend: a linear fall of half a year halves first contacts twelve months on', async () => {
    const s = base();
    const flat: Scenario = { ...s, name: 'flat', uncertainty: {} };
    const falling: Scenario = { ...flat, name: 'falling', parameters: { ...flat.parameters, contacts: { ...flat.parameters.contacts, trend: { kind: 'linear', perYear: -0.5, damping: 1 } } } };
    const ens = await runEnsemble([flat, falling], { runs: 6, seed: 7, months: 13, workers: 1 });
    const contacts = (i: number, m: number) => ens.runs[i].reduce((a, r) => a + r.values.contacts[m], 0);
    // month 0 is the trend's start: the same draws (common random numbers) give the same count
    expect(contacts(1, 0)).toBe(contacts(0, 0));
    // 12 months on the rate is half: first contacts halve, re-contacts of known children do not
    const ratio = contacts(1, 12) / contacts(0, 12);
    expect(ratio).toBeGreaterThan(0.45);
    expect(ratio).toBeLessThan(0.7);
  });

  it('the back-test keeps the simplest trend unless a more complex one scores clearly lower', () => {
    const o = (trend: string, score: number) => ({ trend, score });
    // within half a percent of the best: the simpler stands
    expect(chooseTrend([o('none', 1.19), o('linear', 1.189), o('damped', 1.1899)]).trend).toBe('none');
    expect(chooseTrend([o('none', 0.968), o('linear', 0.5779), o('damped', 0.5653)]).trend).toBe('damped');
    expect(chooseTrend([o('none', 0.9), o('linear', 0.5), o('damped', 0.6)]).trend).toBe('linear');
    expect(chooseTrend([o('none', NaN), o('linear', 0.7)]).trend).toBe('linear');
    expect(chooseTrend([o('linear', NaN), o('none', NaN)]).trend).toBe('none');
  });

  it('a fitted factor’s standard error starts from the observed moment’s: hand-calculated cases', () => {
    // four equal months of 100: only counting error, 1/√400
    expect(observedMomentRelSe([100, 100, 100, 100], 'count')).toBeCloseTo(0.05, 12);
    // 90 and 110: the spread (sd 14.14, over √2 months, over the mean 100) beats counting's 0.071
    expect(observedMomentRelSe([90, 110], 'count')).toBeCloseTo(0.1, 12);
    // a stock moves little month to month: one value's worth, at least a count's 1/√500
    expect(observedMomentRelSe([500, 510, 490], 'stock')).toBeCloseTo(1 / Math.sqrt(500), 12);
    expect(observedMomentRelSe([500, 600, 400], 'stock')).toBeCloseTo(0.2, 12);
    // a stock that falls steadily is not noisy: only a count's error of its mean (400) is left
    expect(observedMomentRelSe([490, 460, 430, 400, 370, 340, 310], 'stock')).toBeCloseTo(1 / Math.sqrt(400), 12);
    // about the line 99, 113, 127, 141: residuals 11, -13, -7, 9 (sd √(420/2) over the mean 120), over √4 months
    expect(observedMomentRelSe([110, 100, 120, 150], 'count')).toBeCloseTo(Math.sqrt(210) / 120 / 2, 12);
    // 60 of 200: counting error of both totals
    expect(observedMomentRelSe([30, 30], 'count', [100, 100])).toBeCloseTo(Math.sqrt(1 / 60 + 1 / 200), 12);
    expect(observedMomentRelSe([40], 'other')).toBeNaN();
    expect(observedMomentRelSe([], 'count')).toBeNaN();
  });
});
