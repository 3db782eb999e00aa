import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { produce } from 'immer';
import { parseIsoDate, parseMonth } from '../src/calendar/index.ts';
import { DAYS_PER_MONTH, EventEstimator, type Estimate } from '../src/calibration/estimate.ts';
import { main } from '../src/cli/main.ts';
import { defaultEventWindow } from '../src/calibration/fromEvents.ts';
import { SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { parseParameters, runSimulation } from '../src/simulation/index.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const scenarioPath = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));
const baseline = loadScenario(scenarioPath);

const io = captureOutput();

/** A small history written by hand: events without version/schema get them in stream order. */
function history(rows: (Partial<CaseEvent> & { type: CaseEvent['type']; childId: string; date: string })[]): CaseEvent[] {
  const versions = new Map<string, number>();
  return rows.map((r) => {
    const v = (versions.get(r.childId) ?? 0) + 1;
    versions.set(r.childId, v);
    return { ...r, version: v, schema: SCHEMA_VERSION } as CaseEvent;
  });
}

const reg = (childId: string, dob: string, date: string) => ({ type: 'ChildRegistered' as const, childId, date, dateOfBirth: dob, sex: 'F' as const, ethnicity: 'WBRI' as const, disability: false, uasc: false });

const HAND = history([
  // A: contact → referral → assessment → S47 → ICPC → CP plan → care (in-house, then IFA) → home with a CIN plan
  reg('A', '2015-01-01', '2022-01-03'),
  { type: 'ContactReceived', childId: 'A', date: '2022-01-03', source: '2A' },
  { type: 'ContactConcluded', childId: 'A', date: '2022-01-05', outcome: 'referral' },
  { type: 'ReferralAccepted', childId: 'A', date: '2022-01-05', referralId: 'A-1', source: '2A', isRereferral: false },
  { type: 'AssessmentStarted', childId: 'A', date: '2022-01-05' },
  { type: 'AssessmentAuthorised', childId: 'A', date: '2022-02-02', factors: ['4B'], outcome: 's47' },
  { type: 'StrategyDiscussionHeld', childId: 'A', date: '2022-02-02' },
  { type: 'Section47Started', childId: 'A', date: '2022-02-02' },
  { type: 'Section47Concluded', childId: 'A', date: '2022-02-16', outcome: 'icpc' },
  { type: 'IcpcHeld', childId: 'A', date: '2022-02-16', resultedInCpPlan: true },
  { type: 'CpPlanStarted', childId: 'A', date: '2022-02-16', category: 'NEG', previousPlans: 0 },
  // B: a direct entry to care (residential), still in care at the end
  reg('B', '2010-05-05', '2022-03-01'),
  { type: 'ContactReceived', childId: 'B', date: '2022-03-01', source: '5A' },
  { type: 'ContactConcluded', childId: 'B', date: '2022-03-01', outcome: 'referral' },
  { type: 'ReferralAccepted', childId: 'B', date: '2022-03-01', referralId: 'B-1', source: '5A', isRereferral: false },
  { type: 'PeriodOfCareStarted', childId: 'B', date: '2022-03-01', legalStatus: 'V2', placement: 'K2', provider: 'PR1', needCode: 'N1', route: 'direct' },
  // C: a first contact closed with no further action
  reg('C', '2012-02-02', '2022-02-01'),
  { type: 'ContactReceived', childId: 'C', date: '2022-02-01', source: '6' },
  { type: 'ContactConcluded', childId: 'C', date: '2022-02-02', outcome: 'nfa' },
  // D: referral closed before assessment, contacted again two months later
  reg('D', '2011-03-03', '2022-04-04'),
  { type: 'ContactReceived', childId: 'D', date: '2022-04-04', source: '6' },
  { type: 'ContactConcluded', childId: 'D', date: '2022-04-06', outcome: 'referral' },
  { type: 'ReferralAccepted', childId: 'D', date: '2022-04-06', referralId: 'D-1', source: '6', isRereferral: false },
  { type: 'CaseClosed', childId: 'D', date: '2022-04-20', reason: 'RC8', referralNfa: true },
  { type: 'ContactReceived', childId: 'D', date: '2022-07-01', source: '6' },
  { type: 'ContactConcluded', childId: 'D', date: '2022-07-01', outcome: 'early_help' },
  // A again (children interleave in the log)
  { type: 'CpPlanEnded', childId: 'A', date: '2022-08-16' },
  { type: 'PeriodOfCareStarted', childId: 'A', date: '2022-08-16', legalStatus: 'C1', placement: 'U4', provider: 'PR1', needCode: 'N1', route: 'cp' },
  { type: 'EpisodeChanged', childId: 'A', date: '2022-10-10', rne: 'P', legalStatus: 'C1', placement: 'U4', provider: 'PR4', reasonPlaceChange: 'CARPL' },
  { type: 'PeriodOfCareEnded', childId: 'A', date: '2023-01-20', rec: 'E4A' },
  { type: 'CinPlanStarted', childId: 'A', date: '2023-01-20', needCode: 'N1' },
]);

function estimateHand() {
  const est = new EventEstimator({ from: parseMonth('2022-01'), to: parseMonth('2023-06'), population: () => 50000, base: baseline.parameters });
  for (const e of HAND) est.apply(e);
  return est.finish();
}

const find = (xs: readonly Estimate[], path: string) => xs.find((e) => e.path === path)!;

describe('estimates from a hand-written history (known answers)', () => {
  const r = estimateHand();

  it('counts first contacts (not direct entries) and their outcomes', () => {
    // A, C and D are first contacts; B's contact is a direct entry to care
    expect(find(r.estimates, 'contacts.outcomes.referral')).toMatchObject({ value: 2 / 3, n: 3, applied: false });
    expect(find(r.estimates, 'contacts.outcomes.earlyHelp').value).toBe(0);
    // D's second contact is a re-contact (early help)
    expect(find(r.estimates, 'recontact.outcomes.earlyHelp')).toMatchObject({ value: 1, n: 1 });
    // 3 first contacts over 18 months of 5 × 10,000 children, seasonality of the base removed
    const seas = baseline.parameters.contacts.seasonality;
    const meanSeas = seas.reduce((a, b) => a + b, 0) / 12;
    let expo = 0;
    for (let m = parseMonth('2022-01'); m <= parseMonth('2023-06'); m++) expo += 5 * (seas[m % 12] / meanSeas);
    expect(find(r.estimates, 'contacts.perMonthPer10k').value).toBeCloseTo(3 / expo, 12);
  });

  it('referral NFA, direct entries and what followed plans and periods of care', () => {
    expect(find(r.estimates, 'referrals.nfaProbability')).toMatchObject({ value: 0.5, n: 2 });
    expect(find(r.estimates, 'care.directEntriesPerMonthPer10k').value).toBeCloseTo(1 / (18 * 5), 12);
    expect(find(r.estimates, 'cp.outcomes.care')).toMatchObject({ value: 1, n: 1 });
    expect(find(r.estimates, 'care.returnHomeCinPlanProbability')).toMatchObject({ value: 1, n: 1 });
    expect(find(r.estimates, 'icpc.cpPlanProbability')).toMatchObject({ value: 1, n: 1 });
    expect(find(r.estimates, 'assessment.outcomes.s47')).toMatchObject({ value: 1, n: 1 });
    // too little data for any of them to replace the base
    expect(r.parameters).toEqual(baseline.parameters);
  });

  it('Kaplan–Meier tables hold the spells, censored where still open', () => {
    const cp = r.durations.find((d) => d.spell === 'cp_plan')!;
    expect(cp.n).toBe(1);
    expect(cp.steps[0].time).toBeCloseTo((parseIsoDate('2022-08-16') - parseIsoDate('2022-02-16')) / DAYS_PER_MONTH, 12);
    const care59 = r.durations.find((d) => d.spell === 'care:5-9')!;
    expect(care59.steps).toHaveLength(1);
    expect(care59.steps[0]).toMatchObject({ events: 1, censored: 0 });
    const care1015 = r.durations.find((d) => d.spell === 'care:10-15')!;
    // B entered on 1 March 2022 and is still in care when the log ends (its last event is on
    // 20 January 2023, before the window's end): censored at the end of that day
    expect(care1015.steps[0]).toMatchObject({ events: 0, censored: 1 });
    expect(care1015.steps[0].time).toBeCloseTo((parseIsoDate('2023-01-21') - parseIsoDate('2022-03-01')) / DAYS_PER_MONTH, 12);
    const rc = r.durations.find((d) => d.spell === 'recontact_after_closure')!;
    expect(rc.steps[0].time).toBeCloseTo((parseIsoDate('2022-07-01') - parseIsoDate('2022-04-20')) / DAYS_PER_MONTH, 12);
  });

  it('the demand-model table: month-end placement states and where children were a month later', () => {
    const t = (band: string, from: string, to: string) => r.transitions.find((x) => x.ageBand === band && x.from === from && x.to === to);
    // A: in-house at the ends of August and September, IFA from the end of October, home in January
    expect(t('5-9', 'in_house_foster', 'in_house_foster')).toMatchObject({ transitions: 1, stockMonths: 2, monthlyRate: 0.5 });
    expect(t('5-9', 'in_house_foster', 'ifa')).toMatchObject({ transitions: 1, stockMonths: 2 });
    expect(t('5-9', 'ifa', 'ifa')).toMatchObject({ transitions: 2, stockMonths: 3 });
    expect(t('5-9', 'ifa', 'left_return_home')).toMatchObject({ transitions: 1, stockMonths: 3 });
    // B: residential at every month end from March to December 2022 (the log ends on 20 January
    // 2023, so January's end is not observed): 9 months stayed
    expect(t('10-15', 'residential', 'residential')).toMatchObject({ transitions: 9, stockMonths: 9, monthlyRate: 1 });
    expect(r.entries.map((e) => [e.ageBand, e.group, e.entries])).toEqual([
      ['5-9', 'in_house_foster', 1],
      ['10-15', 'residential', 1],
    ]);
    // every row of a (band, from) state sums to one
    const sums = new Map<string, number>();
    for (const x of r.transitions) sums.set(`${x.ageBand}/${x.from}`, (sums.get(`${x.ageBand}/${x.from}`) ?? 0) + x.monthlyRate);
    for (const v of sums.values()) expect(v).toBeCloseTo(1, 12);
  });

  it('placement moves per child-year by age band at the start of the placement', () => {
    const e = find(r.estimates, 'placement.changesPerYear.5-9');
    const years = (parseIsoDate('2023-01-20') - parseIsoDate('2022-08-16')) / 365.2425;
    expect(e.n).toBe(1);
    expect(e.value).toBeCloseTo(1 / years, 12);
  });

  it('events of a child never registered are counted, not used', () => {
    const est = new EventEstimator({ from: parseMonth('2022-01'), to: parseMonth('2022-12'), population: () => 50000, base: baseline.parameters });
    est.apply({ type: 'ContactReceived', childId: 'X', date: '2022-01-01', source: '6', version: 1, schema: 1 });
    expect(est.finish().skipped).toEqual({ 'events of a child with no ChildRegistered first': 1 });
  });
});

/**
 * Parameters that generate the long history: the baseline with several values moved, so that an
 * estimator that returned the base values (it is given the baseline) would fail.
 */
function truthScenario(): Scenario {
  const p = produce(baseline.parameters, (d) => {
    d.contacts.perMonthPer10k = 330;
    d.contacts.outcomes.referral = 0.13;
    d.referrals.nfaProbability = 0.08;
    d.assessment.outcomes.s47 = 0.25;
    d.assessment.durationWorkingDays = { dist: 'lognormal', mean: 24, cv: 0.6 };
    d.s47.outcomes.icpc = 0.45;
    d.icpc.cpPlanProbability = 0.8;
    d.cp.durationMonths = { dist: 'gamma', mean: 12, cv: 0.5 }; // the base's family, which the estimator keeps
    d.cp.outcomes.care = 0.2;
    d.cin.durationMonths = { dist: 'lognormal', mean: 8, cv: 0.7 };
    d.care.directEntriesPerMonthPer10k = 1.4;
    d.care.durationMonths['1-4'] = { dist: 'lognormal', mean: 40, cv: 0.7 };
    d.care.durationMonths['10-15'] = { dist: 'lognormal', mean: 22, cv: 1 };
    d.care.exitReasons['1-4'] = { returnHome: 0.3, sgo: 0.2, cao: 0.05, adoption: 0.25, other: 0.05 };
    d.placement.changesPerYear['10-15'] = 1.4;
    d.uasc.arrivalsPerMonthPer10k = 0.8;
  });
  return { ...baseline, population: 120000, parameters: parseParameters(p) };
}

describe('estimating from a long simulated history recovers the parameters that generated it', () => {
  const truth = truthScenario();
  const years = 12;
  const start = parseMonth(truth.start);
  // the reference window leaves out the first 3 years, where the synthesised opening stock still shows
  let r: ReturnType<EventEstimator['finish']>;
  beforeAll(() => {
    const est = new EventEstimator({ from: start + 36, to: start + years * 12 - 1, population: () => truth.population, base: baseline.parameters, trendFrom: start });
    runSimulation({ scenario: truth, seed: 4242, replication: 0, months: years * 12, sink: est.sink });
    r = est.finish();
  });
  const truthAt = (path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], truth.parameters) as number | undefined;

  it('every estimate with a standard error is within 4.5 standard errors of the truth', () => {
    const checked: string[] = [];
    for (const e of r.estimates) {
      if (!e.applied || !(e.se > 0)) continue;
      const t = truthAt(e.path);
      if (typeof t !== 'number') continue;
      // mixes are estimated as shares in %: compare with the truth's weights as shares
      const parent = e.path.split('.').slice(0, -1).join('.');
      const weights = /placement\.(atEntry|onMove)|placementMix|categories/.test(parent) ? (truthAt(parent) as unknown as Record<string, number>) : undefined;
      const expected = weights ? (100 * t) / Object.values(weights).reduce((a, b) => a + b, 0) : t;
      // a share under 2% of a band's few hundred entries is a handful of children, where a standard
      // error from the estimate itself (Wald) is no guide: 0 or 1 of an expected 1.2 is no miss
      if (weights && expected < 2) continue;
      const z = (e.value - expected) / e.se;
      expect(Math.abs(z), `${e.path}: estimate ${e.value} ± ${e.se}, truth ${expected}`).toBeLessThan(4.5);
      checked.push(e.path);
    }
    // the moved parameters are among those checked
    for (const p of [
      'contacts.perMonthPer10k',
      'contacts.outcomes.referral',
      'referrals.nfaProbability',
      'assessment.outcomes.s47',
      'assessment.durationWorkingDays.mean',
      'assessment.durationWorkingDays.cv',
      's47.outcomes.icpc',
      'icpc.cpPlanProbability',
      'cp.durationMonths.mean',
      'cp.durationMonths.cv',
      'cp.outcomes.care',
      'cin.durationMonths.mean',
      'care.directEntriesPerMonthPer10k',
      'care.durationMonths.1-4.mean',
      'care.durationMonths.10-15.mean',
      'care.exitReasons.1-4.adoption',
      'care.exitReasons.1-4.returnHome',
      'care.reentry.returnHome.0.1',
      'care.reentry.returnHome.1.1',
      'care.reentry.returnHome.2.1',
      'placement.changesPerYear.10-15',
      'uasc.arrivalsPerMonthPer10k',
    ]) {
      expect(checked, p).toContain(p);
    }
    expect(checked.length).toBeGreaterThan(120);
  });

  it('the moved parameters are recovered, not the base values the estimator was given', () => {
    const v = (p: string) => find(r.estimates, p).value;
    expect(v('contacts.perMonthPer10k')).toBeGreaterThan(320);
    expect(v('cp.durationMonths.mean')).toBeGreaterThan(11.5);
    expect(v('care.durationMonths.1-4.mean')).toBeGreaterThan(35);
    expect(v('placement.changesPerYear.10-15')).toBeGreaterThan(1.3);
    expect(r.parameters.cp.durationMonths).toMatchObject({ dist: 'gamma' });
  });

  it('tables without standard errors (re-contact curve, ICPC timing, seasonality) are close to the truth', () => {
    truth.parameters.recontact.cumulative.forEach(([, f], i) => expect(Math.abs(find(r.estimates, `recontact.cumulative.${i}.1`).value - f)).toBeLessThan(0.02));
    const icpc = truth.parameters.icpc.workingDaysFromStrategy as { points: [number, number][] };
    // working days are whole numbers: the table is read between the rounded days, so allow for it
    icpc.points.forEach(([, f], i) => expect(Math.abs(find(r.estimates, `icpc.workingDaysFromStrategy.points.${i}.1`).value - f)).toBeLessThan(0.03));
    const seas = truth.parameters.contacts.seasonality;
    const mean = seas.reduce((a, b) => a + b, 0) / 12;
    seas.forEach((s, i) => expect(Math.abs(find(r.estimates, `contacts.seasonality.${i}`).value - s / mean)).toBeLessThan(0.05));
  });

  it('the estimated parameters are valid and placement groups never seen get weight 0', () => {
    expect(() => parseParameters(r.parameters)).not.toThrow();
    expect(find(r.estimates, 'placement.atEntry.under1.residential')).toMatchObject({ value: 0, applied: true });
    expect(r.notInformed).toContain('costs.weeklyGbp.ifa.gbp');
    expect(r.notInformed).toContain('care.reasonDurationFactor');
    expect(r.notInformed).not.toContain('cp.durationMonths');
  });
});

describe('the default reference window of a log', () => {
  it('is the last 36 months, leaving out a sparse start (a backdated opening history)', () => {
    const m0 = parseMonth('2018-01');
    const counts = new Map<number, number>();
    for (let k = 0; k < 12; k++) counts.set(m0 + k, 30); // backdated history: few events a month
    for (let k = 12; k < 30; k++) counts.set(m0 + k, 1000 + (k % 5));
    expect(defaultEventWindow(counts)).toEqual({ from: m0 + 12, to: m0 + 29 });
    for (let k = 30; k < 72; k++) counts.set(m0 + k, 1000);
    expect(defaultEventWindow(counts)).toEqual({ from: m0 + 36, to: m0 + 71 });
    expect(defaultEventWindow(counts, m0 + 20)).toEqual({ from: m0 + 12, to: m0 + 20 });
    // a small council's quiet month or two does not cut the window; three in a row do
    counts.set(m0 + 65, 100);
    counts.set(m0 + 66, 0);
    expect(defaultEventWindow(counts)).toEqual({ from: m0 + 36, to: m0 + 71 });
    counts.set(m0 + 64, 3);
    expect(defaultEventWindow(counts)).toEqual({ from: m0 + 67, to: m0 + 71 });
  });
});

describe('caseflow calibrate --events', () => {
  const dir = tempDir('caseflow-calibrate-events-');
  const log = join(dir, 'events.ndjson');

  it('estimates from a simulated log and writes the scenario and its tables', async () => {
    expect(await main(['simulate', '--scenario', scenarioPath, '--runs', '1', '--months', '30', '--workers', '1', '--quiet', '--no-report', '--out', dir, '--events', log])).toBe(0);
    const outFile = join(dir, 'estimated.json');
    const code = await main(['calibrate', '--base', scenarioPath, '--events', log, '--from', '2024-03', '--to', '2025-08', '--out', outFile, '--no-bands']);
    expect(code, io.err).toBe(0);
    for (const f of ['estimated.json', 'estimated.estimates.csv', 'estimated.transitions.csv', 'estimated.durations.csv']) expect(existsSync(join(dir, f)), f).toBe(true);
    const s = loadScenario(outFile);
    expect(s.name).toBe('southampton-baseline-calibrated');
    expect(s.description).toMatch(/estimated from events\.ndjson over 2024-03 to 2025-08/);
    expect(s.parameters.contacts.perMonthPer10k).not.toBe(baseline.parameters.contacts.perMonthPer10k);
    const est = readFileSync(join(dir, 'estimated.estimates.csv'), 'utf8').split('\n');
    expect(est[0]).toBe('path,estimate,se,n,base,applied,note');
    expect(readFileSync(join(dir, 'estimated.transitions.csv'), 'utf8').split('\n')[0]).toBe('age_band,from,to,transitions,stock_months,monthly_rate');
    expect(readFileSync(join(dir, 'estimated.durations.csv'), 'utf8').split('\n')[0]).toBe('spell,unit,time,at_risk,events,censored,survival,se');
    expect(io.out).toMatch(/Estimates from [\d,]+ events/);
    // the same command gives the same files
    const again = join(dir, 'again.json');
    expect(await main(['calibrate', '--base', scenarioPath, '--events', log, '--from', '2024-03', '--to', '2025-08', '--out', again, '--quiet', '--no-bands'])).toBe(0);
    expect(readFileSync(again, 'utf8').replace(/again/g, 'estimated')).toBe(readFileSync(outFile, 'utf8'));
    expect(readFileSync(join(dir, 'again.estimates.csv'), 'utf8')).toBe(readFileSync(join(dir, 'estimated.estimates.csv'), 'utf8'));
  });

  it('bad input exits 2 with a one-line reason', async () => {
    expect(await main(['calibrate', '--base', scenarioPath, '--out', join(dir, 'x.json')])).toBe(2);
    expect(io.err).toMatch(/calibrate needs --observed <csv>, --events <events\.ndjson>, or both/);
    io.err = '';
    expect(await main(['calibrate', '--base', scenarioPath, '--events', join(dir, 'missing.ndjson'), '--out', join(dir, 'x.json')])).toBe(2);
    expect(io.err).toMatch(/missing\.ndjson: events file not found/);
    io.err = '';
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"type":"ChildRegistered","childId":"A","date":"2022-01-01","version":1,"schema":1,"dateOfBirth":"2010-01-01","sex":"F","ethnicity":"WBRI","disability":false,"uasc":false}\n{"type":"ContactReceived","childId":"A","date":"2022-13-01","version":2,"schema":1,"source":"6"}\n');
    expect(await main(['calibrate', '--base', scenarioPath, '--events', bad, '--out', join(dir, 'x.json'), '--quiet'])).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/bad\.ndjson, line 2: ContactReceived event fails the schema: date/);
    expect(await main(['calibrate', '--base', scenarioPath, '--events', log, '--out', join(dir, 'x.txt')])).toBe(2);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
