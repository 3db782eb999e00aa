/**
 * Calibration of the Southampton baseline against the observed series, steady state of a 10-year
 * stationary run (stocks against Little's law computed from the parameters), and a full 10-year
 * run through the journey rules.
 *
 * The model's CIN figure here is children on a CIN plan, which is what Southampton's 2022-23
 * "CIN*" series (filed as cin_open) counts (data README): the catalogue KPI cin_plans_open.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addYears, ageOn, monthIndexOfIso, parseIsoDate, parseMonth, workingDaysBetween } from '../src/calendar/index.ts';
import { parseEvent, type CaseEvent } from '../src/events/index.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runSimulation } from '../src/simulation/index.ts';
import { duration } from '../src/simulation/distributions.ts';
import { AGE_BANDS, EXIT_REASONS, ageBandIndex } from '../src/simulation/parameters.ts';
import { MonthlyTally, type TallyResult } from '../src/simulation/tally.ts';

const scenario = loadScenario(fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url)));
const DAYS_PER_MONTH = 30.436875;

/** Observed monthly actuals, preferring the later report where two print a month (data README). */
function observed(kpi: string): Map<string, number> {
  const rank = (source: string) => ({ '001': 3, '002': 2, '000': 1 })[source.slice(0, 3)] ?? 0;
  const best = new Map<string, { value: number; rank: number }>();
  const lines = readFileSync(scenario.comparators!, 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [, id, period, value, basis, kind, source] = line.split(',');
    if (id !== kpi || kind !== 'actual' || !/^\d{4}-\d{2}$/.test(period) || !['month_count', 'month_end_stock', 'month_pct'].includes(basis)) continue;
    const r = rank(source);
    const prev = best.get(period);
    if (!prev || r > prev.rank) best.set(period, { value: +value, rank: r });
  }
  return new Map([...best].map(([p, v]) => [p, v.value]));
}

function lastTwelve(series: Map<string, number>, to: string): number {
  const end = parseMonth(to);
  const vals: number[] = [];
  for (const [p, v] of series) if (parseMonth(p) > end - 12 && parseMonth(p) <= end) vals.push(v);
  expect(vals).toHaveLength(12);
  return vals.reduce((a, b) => a + b, 0) / 12;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('Southampton baseline against the observed position at February 2023', () => {
  const runs: TallyResult[] = [];
  for (let r = 0; r < 20; r++) {
    const t = new MonthlyTally(scenario.start, 12, workingDaysBetween, parseIsoDate);
    runSimulation({ scenario, seed: scenario.seed, replication: r, months: 12, sink: (e) => t.add(e) });
    runs.push(t.finish());
  }
  const feb = '2023-02';

  it.each([
    ['cla_open', 'cla', 0.1],
    ['cp_open', 'cp', 0.1],
    ['cin_open', 'cinPlan', 0.15],
  ] as const)('%s: every month of the first year, the median of 20 replications is within the tolerance of February 2023', (kpi, stock, tol) => {
    const target = observed(kpi).get(feb)!;
    expect(target).toBeGreaterThan(250);
    for (let m = 0; m < 12; m++) {
      const med = median(runs.map((r) => r.stocks[stock][m]));
      expect(Math.abs(med - target) / target, `${kpi} month ${m}: median ${med} against ${target}`).toBeLessThan(tol);
    }
  });

  it.each([
    ['contacts', 'contacts', 0.1],
    ['referrals', 'referrals', 0.15],
  ] as const)('%s a month: the median of the 12-month means is within the tolerance of the observed year to February 2023', (kpi, flow, tol) => {
    const target = lastTwelve(observed(kpi), feb);
    const med = median(runs.map((r) => r.flows[flow].reduce((a, b) => a + b, 0) / 12));
    expect(Math.abs(med - target) / target, `${kpi}: median ${med} against ${target}`).toBeLessThan(tol);
  });

  it('re-referrals: the share of referrals within 12 months of a previous one is an output close to the observed share', () => {
    const target = lastTwelve(observed('rereferral_pct'), feb);
    const shares = runs.map((r) => (100 * r.flows.rereferrals.reduce((a, b) => a + b, 0)) / r.flows.referrals.reduce((a, b) => a + b, 0));
    expect(Math.abs(median(shares) - target) / target).toBeLessThan(0.15);
    // it arises from re-contacts of closed children, so it is not identical across replications
    expect(new Set(shares.map((s) => s.toFixed(2))).size).toBeGreaterThan(10);
  });

  it('UASC looked after and assessment timeliness stay near the observed levels', () => {
    const uasc = median(runs.map((r) => r.stocks.uasc[11]));
    expect(Math.abs(uasc - observed('uasc_open').get(feb)!)).toBeLessThan(8);
    const pct45 = median(runs.map((r) => (100 * r.flows.assessments45.reduce((a, b) => a + b, 0)) / r.flows.assessments.reduce((a, b) => a + b, 0)));
    expect(Math.abs(pct45 - observed('assessments_45d_pct').get(feb)!)).toBeLessThan(6);
  });
});

describe('a 10-year run with stationary parameters', () => {
  const months = 120;
  const p = scenario.parameters;
  expect(p.population.growthPctPerYear).toBe(0);
  expect(p.contacts.trendPctPerYear).toBe(0);

  /** Expected months in care of one entry, from the parameters (reasons, durations, the 18th birthday). */
  function expectedMonthsInCare(ageAtEntry: number, monthsTo18: number, uasc: boolean, route: 'cp' | 'cin' | 'direct' | 'uasc'): number {
    const band = AGE_BANDS[ageBandIndex(ageAtEntry)];
    const reasons = uasc ? p.uasc.exitReasons : p.care.exitReasons[band];
    const d = duration(p.care.durationMonths[band]);
    let total = 0;
    let rest = 1;
    for (const r of EXIT_REASONS) {
      const f = p.care.reasonDurationFactor[r] * p.care.routeDurationFactor[route];
      total += reasons[r] * f * d.meanCapped(monthsTo18 / f);
      rest -= reasons[r];
    }
    return total + rest * monthsTo18;
  }

  const from = 36;
  const tallies: TallyResult[] = [];
  const expected = { cla: 0, cp: 0, cinPlan: 0 };
  let validated = 0;
  let rejected = 0;
  for (let r = 0; r < 8; r++) {
    const t = new MonthlyTally(scenario.start, months, workingDaysBetween, parseIsoDate);
    const dob = new Map<string, number>();
    const uasc = new Set<string>();
    const validator = r === 0 ? new JourneyValidator() : undefined;
    const start = parseMonth(scenario.start);
    const sink = (e: CaseEvent) => {
      t.add(e);
      if (validator) {
        parseEvent(e);
        try {
          validator.check(e);
        } catch {
          rejected++;
        }
        validated++;
      }
      if (e.type === 'ChildRegistered') {
        dob.set(e.childId, parseIsoDate(e.dateOfBirth));
        if (e.uasc) uasc.add(e.childId);
        return;
      }
      const m = monthIndexOfIso(e.date) - start;
      if (m < from) return;
      const day = parseIsoDate(e.date);
      const to18 = (addYears(dob.get(e.childId)!, 18) - day) / DAYS_PER_MONTH;
      if (e.type === 'CpPlanStarted') expected.cp += duration(p.cp.durationMonths).meanCapped(to18);
      if (e.type === 'CinPlanStarted') expected.cinPlan += duration(p.cin.durationMonths).meanCapped(to18);
      if (e.type === 'PeriodOfCareStarted') expected.cla += expectedMonthsInCare(ageOn(dob.get(e.childId)!, day), to18, uasc.has(e.childId), e.route ?? 'direct');
    };
    runSimulation({ scenario, seed: 99, replication: r, months, sink });
    tallies.push(t.finish());
  }
  const window = (months - from) * tallies.length;
  const average = (stock: 'cla' | 'cp' | 'cinPlan', a: number, b: number) => tallies.reduce((s, t) => s + t.stocks[stock].slice(a, b).reduce((x, y) => x + y, 0), 0) / ((b - a) * tallies.length);

  it.each(['cla', 'cp', 'cinPlan'] as const)('%s: no drift: the last two years average within 8% of the first two', (stock) => {
    const early = average(stock, 0, 24);
    const late = average(stock, months - 24, months);
    expect(Math.abs(late - early) / early, `${stock}: ${early.toFixed(1)} then ${late.toFixed(1)}`).toBeLessThan(0.08);
  });

  it.each(['cla', 'cp', 'cinPlan'] as const)('%s: the average stock is what the parameters imply (Little’s law: entries × expected time in the state)', (stock) => {
    const implied = expected[stock] / window;
    const simulated = average(stock, from, months);
    expect(Math.abs(simulated - implied) / implied, `${stock}: simulated ${simulated.toFixed(1)}, implied ${implied.toFixed(1)}`).toBeLessThan(0.05);
  });

  it('every event of a full 10-year replication passes the schema and the journey rules', () => {
    expect(validated).toBeGreaterThan(700_000);
    expect(rejected).toBe(0);
  });
});
