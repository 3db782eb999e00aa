/**
 * Own data first: import repairs are not entries or exits, a history of children in care alone
 * calibrates a care-only scenario whose projection runs nothing the history does not inform,
 * every parameter says where it came from, and ensembles draw parameters per replication.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMonth } from '../src/calendar/index.ts';
import { factorsAt, widen } from '../src/projections/bands.ts';
import { EventEstimator } from '../src/calibration/estimate.ts';
import { fitArrivals } from '../src/calibration/arrivals.ts';
import { main } from '../src/cli/main.ts';
import { project } from '../src/projections/projector.ts';
import { SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { runEnsemble } from '../src/ensemble/index.ts';
import { importReturns, writeEventLog } from '../src/returns/index.ts';
import { drawParameters, drawValue } from '../src/scenarios/draws.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { nationalDefaultNotes, provenanceOf } from '../src/scenarios/provenance.ts';
import { replicationKey } from '../src/simulation/index.ts';
import { trendFactor } from '../src/simulation/scope.ts';
import { readNdjsonEvents } from '../src/node/ndjson.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const tmp = (): string => tempDir('caseflow-own-');

captureOutput();

/** A three-year stack (YEAR = the year the collection year starts) written as CSV tables. */
function stack(): { episodes: string; header: string } {
  const dir = tmp();
  const ep = ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN,LA,YEAR'];
  const hd = ['CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,LA,YEAR'];
  const row = (child: string, decom: string, rne: string, dec: string, rec: string, year: number) => ep.push(`${child},${decom},${rne},C2,N1,U1,PR1,${dec},${rec},,,,,X,${year}`);
  const head = (child: string, dob: string, year: number) => hd.push(`${child},1,${dob},WBRI,,,,X,${year}`);
  // A: in care from May 2017, in the 2017-18 and 2019-20 returns but not in 2018-19's
  row('A', '2017-05-01', 'S', '', '', 2017);
  row('A', '2017-05-01', 'S', '', '', 2019);
  head('A', '2008-01-01', 2017);
  head('A', '2008-01-01', 2019);
  // B: a real entry and a real exit in 2018-19
  row('B', '2018-06-10', 'S', '2019-01-15', 'E4A', 2018);
  head('B', '2010-03-03', 2018);
  // C: a real entry in 2019-20
  row('C', '2019-09-01', 'S', '', '', 2019);
  head('C', '2012-07-07', 2019);
  // D: looked after since before the first return (its first episode is not RNE S)
  for (const y of [2017, 2018, 2019]) {
    row('D', '2016-02-01', 'P', '', '', y);
    head('D', '2005-05-05', y);
  }
  writeFileSync(join(dir, 'episodes.csv'), ep.join('\n') + '\n');
  writeFileSync(join(dir, 'header.csv'), hd.join('\n') + '\n');
  return { episodes: join(dir, 'episodes.csv'), header: join(dir, 'header.csv') };
}

describe('import repairs are never counted as entries or exits', () => {
  const files = stack();
  const { events } = importReturns({ ssda903: [files] }, { yearBasis: 'starting' });
  const starts = events.filter((e) => e.type === 'PeriodOfCareStarted') as Extract<CaseEvent, { type: 'PeriodOfCareStarted' }>[];
  const ends = events.filter((e) => e.type === 'PeriodOfCareEnded') as Extract<CaseEvent, { type: 'PeriodOfCareEnded' }>[];

  it('marks the starts and ends the importer made', () => {
    expect(starts.map((e) => [e.childId, e.date, e.repair ?? ''])).toEqual(
      expect.arrayContaining([
        ['A', '2017-05-01', ''],
        ['A', '2019-04-01', 'back-in-later-return'],
        ['B', '2018-06-10', ''],
        ['C', '2019-09-01', ''],
        ['D', '2016-02-01', 'period-start-before-return'],
      ]),
    );
    expect(starts).toHaveLength(5);
    expect(ends.map((e) => [e.childId, e.date, e.rec, e.repair ?? ''])).toEqual([
      ['A', '2018-04-01', 'E8', 'missing-from-return'],
      ['B', '2019-01-15', 'E4A', ''],
    ]);
  });

  it('the estimator counts only the real entries and exits', () => {
    const est = new EventEstimator({ from: parseMonth('2017-04'), to: parseMonth('2020-03'), population: () => 10000, base: loadScenario('scenarios/england-per-10k.json').parameters });
    for (const e of events) est.apply(e as CaseEvent);
    const r = est.finish();
    expect(r.repairs).toEqual({ starts: 1, ends: 1 });
    // three real entries (A 2017, B, C), none of them UASC, over 36 months of 1 × 10,000 children
    const rate = r.estimates.find((e) => e.path === 'care.directEntriesPerMonthPer10k')!;
    expect(rate.n).toBe(3);
    expect(rate.value).toBeCloseTo(3 / 36, 10);
    // of the care spells that began in the window, only B's ended (A's repaired end is censoring)
    const km = r.durations.filter((d) => d.spell.startsWith('care:'));
    expect(km.reduce((a, d) => a + d.n, 0)).toBe(3);
    expect(km.reduce((a, d) => a + d.events, 0)).toBe(1);
    expect(r.scope).toEqual(['care']);
  });

  it('the KPIs of the replayed history count only the real entries and exits, and no repaired period as a re-entry', () => {
    const sorted = [...events].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const run = project(sorted as CaseEvent[], { startMonth: '2017-04', months: 36, population: () => 10000 });
    const sum = (id: string) => Array.from(run.values[id]).reduce((a, b) => a + b, 0);
    expect(sum('cla_starts')).toBe(3); // A 2017-05, B, C
    expect(sum('cla_ends')).toBe(1); // B; A's repaired end is not an exit
    expect(sum('cla_ends_other')).toBe(0); // A's repaired end carried REC E8
    expect(sum('cla_reentries')).toBe(0); // A back in the 2019-20 return is not a re-entry
    // A is out of the stock while no return records it (April 2018 – March 2019), as the events say
    const month = (m: string) => parseMonth(m) - parseMonth('2017-04');
    expect(run.values.cla_open[month('2018-06')]).toBe(2); // B and D
    expect(run.values.cla_open[month('2019-06')]).toBe(2); // A and D
  });
});

/** A history of children in care only: `n` entries over 2017-04 … 2020-03 at ages 9–13, half leaving within a year. */
function careHistory(n: number): CaseEvent[] {
  const out: CaseEvent[] = [];
  const push = (e: Partial<CaseEvent> & { type: CaseEvent['type']; childId: string; date: string }, v: number) => out.push({ ...e, version: v, schema: SCHEMA_VERSION } as CaseEvent);
  for (let i = 0; i < n; i++) {
    const id = `c${i}`;
    const m = Math.floor((i * 36) / n);
    const y = 2017 + Math.floor((3 + m) / 12);
    const mm = ((3 + m) % 12) + 1;
    const start = `${y}-${String(mm).padStart(2, '0')}-10`;
    const age = 9 + (i % 5);
    push({ type: 'ChildRegistered', childId: id, date: start, dateOfBirth: `${y - age}-${String(mm).padStart(2, '0')}-01`, sex: i % 3 === 0 ? 'F' : 'M', ethnicity: 'WBRI', disability: false, uasc: false }, 1);
    push({ type: 'PeriodOfCareStarted', childId: id, date: start, legalStatus: 'C2', placement: 'U4', provider: 'PR1', needCode: 'N1' }, 2);
    if (i % 2 === 0 && y < 2020) push({ type: 'PeriodOfCareEnded', childId: id, date: `${y + 1}-${String(mm).padStart(2, '0')}-01`, rec: 'E4A' }, 3);
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

describe('a history of children in care alone', () => {
  const dir = tmp();
  const log = join(dir, 'history.ndjson');
  writeEventLog(log, careHistory(120));
  const out = join(dir, 'care.json');
  let scenario: Scenario;

  it('calibrates without --base: scope care, arrivals by age and sex from the real entrants, every estimate labelled', async () => {
    expect(await main(['calibrate', '--events', log, '--from', '2017-04', '--to', '2020-03', '--out', out, '--quiet'])).toBe(0);
    scenario = loadScenario(out);
    expect(scenario.parameters.scope).toEqual(['care']);
    expect(scenario.start).toBe('2020-04');
    // ages at entry are the entrants' (9–13, 24 of each), not national shares
    expect(scenario.parameters.care.directEntryAge).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 24, 24, 24, 24, 24, 0, 0, 0, 0]);
    expect(scenario.parameters.care.directEntrySex).toEqual({ M: 80, F: 40, U: 0 });
    expect(scenario.parameters.care.directEntriesPerMonthPer10k).toBeCloseTo(120 / 36, 4);
    expect(provenanceOf(scenario.provenance, 'care.directEntryAge.10')).toBe('events');
    expect(provenanceOf(scenario.provenance, 'care.directEntriesPerMonthPer10k')).toBe('events');
    expect(provenanceOf(scenario.provenance, 'cp.durationMonths.mean')).toBe('national');
    expect(scenario.uncertainty!['care.directEntriesPerMonthPer10k']).toBeGreaterThan(0);
    // what the history does not inform (front door, CIN, CP) is out of scope, so no note about it
    expect(nationalDefaultNotes(scenario.parameters, scenario.provenance).some((n) => /^(front_door|cin|cp):/.test(n))).toBe(false);
  });

  it('calibrates the bands on a rolling-origin back-test of the same history, and the projection carries them', async () => {
    const bands = scenario.bands!;
    expect(bands.source).toMatch(/^rolling-origin back-test of history\.ndjson: \d+ forecasts from \d+ origins, 2018-03 to /);
    // one month ahead too: forecast at every origin to calibrate on
    expect(bands.factors.map((f) => f.horizon)).toEqual([1, 3, 6, 12, 24].slice(0, bands.factors.length));
    for (const f of bands.factors) {
      expect(f.n).toBeGreaterThanOrEqual(10);
      expect(f.p90).toBeGreaterThan(0);
    }
    expect(scenario.description).toMatch(/bands calibrated on a rolling-origin back-test/);
    // the same projection with and without the factors: same medians, bands as `widen` makes them
    const plain = join(dir, 'plain.json');
    writeFileSync(plain, JSON.stringify({ ...JSON.parse(readFileSync(out, 'utf8')), bands: undefined }));
    const run = async (file: string, to: string) => {
      expect(await main(['simulate', '--scenario', file, '--opening', log, '--as-at', '2020-03-31', '--months', '12', '--runs', '8', '--workers', '1', '--no-report', '--quiet', '--out', to])).toBe(0);
      return readFileSync(join(to, 'kpis.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    };
    const cal = await run(out, join(dir, 'cal'));
    const raw = await run(plain, join(dir, 'raw'));
    const month12 = (rows: string[][]) => rows.find((r) => r[1] === '2021-03' && r[2] === 'cla_open')!.slice(4).map(Number);
    const [p5, , p50, , p95] = month12(cal);
    const [r5, , r50, , r95] = month12(raw);
    expect(p50).toBe(r50);
    const f = factorsAt(bands, 12)!;
    const [lo, hi] = widen(r50, r5, r95, f.p90, 0.9);
    expect(p5).toBeCloseTo(lo, 3);
    expect(p95).toBeCloseTo(hi, 3);
    expect(JSON.parse(readFileSync(join(dir, 'cal', 'kpis.json'), 'utf8')).meta.scenarios[0].bands.source).toBe(bands.source);
    // --no-bands keeps the ensemble's own
    const none = join(dir, 'none.json');
    expect(await main(['calibrate', '--events', log, '--from', '2017-04', '--to', '2020-03', '--out', none, '--quiet', '--no-bands'])).toBe(0);
    expect(loadScenario(none).bands).toBeUndefined();
  });

  it('projects care only: no contacts, referrals, CIN or CP plans, and entrants of the history’s ages', async () => {
    const events = join(dir, 'projected.ndjson');
    const code = await main(['simulate', '--scenario', out, '--opening', log, '--as-at', '2020-03-31', '--months', '24', '--runs', '2', '--workers', '1', '--no-report', '--quiet', '--out', join(dir, 'sim'), '--events', events]);
    expect(code).toBe(0);
    const projected = [...readNdjsonEvents(events, { validate: 'none' })];
    const types = new Set(projected.map((e) => e.type));
    for (const t of ['ContactReceived', 'ReferralAccepted', 'AssessmentAuthorised', 'CinPlanStarted', 'CpPlanStarted', 'Section47Started', 'CaseClosed'] as const) expect(types.has(t), t).toBe(false);
    const dob = new Map(projected.flatMap((e) => (e.type === 'ChildRegistered' ? [[e.childId, e.dateOfBirth]] : [])));
    const entries = projected.filter((e) => e.type === 'PeriodOfCareStarted' && e.date >= '2020-04-01');
    expect(entries.length).toBeGreaterThan(40);
    for (const e of entries) {
      const age = (Date.parse(e.date) - Date.parse(dob.get(e.childId)!)) / (365.2425 * 864e5);
      expect(age).toBeGreaterThanOrEqual(9);
      expect(age).toBeLessThan(14);
    }
    const json = JSON.parse(readFileSync(join(dir, 'sim', 'kpis.json'), 'utf8'));
    const meta = json.meta.scenarios[0];
    expect(meta.scope).toEqual(['care']);
    expect(meta.provenance.find((r: { group: string }) => r.group === 'care.directEntryAge').sources).toEqual({ events: 18 });
  });
});

describe('trend and parameter draws', () => {
  it('a linear trend adds perYear/12 of the level a month; a damped one levels off', () => {
    expect(trendFactor({ kind: 'linear', perYear: -0.24, damping: 0.9 }, 6)).toBeCloseTo(1 - 0.12, 12);
    expect(trendFactor({ kind: 'linear', perYear: -2, damping: 0.9 }, 12)).toBe(0);
    const damped = trendFactor({ kind: 'damped', perYear: 0.12, damping: 0.5 }, 40);
    expect(damped).toBeCloseTo(1 + 0.01 * 1, 6); // 0.01 × (0.5 + 0.25 + …) → 0.01
    expect(trendFactor(undefined, 30)).toBe(1);
  });

  it('fits the slope and its standard error; less data, wider uncertainty', () => {
    const months = 36;
    const pop = new Array(months).fill(1);
    const big = Array.from({ length: months }, (_, i) => 100 - i); // falls by 1 a month
    const fit = fitArrivals(big, pop);
    expect(fit.level).toBeCloseTo(100 - 36, 9);
    expect(fit.perYear).toBeCloseTo(-12 / 64, 9);
    const few = fitArrivals(big.slice(0, 12).map((x) => x / 10), pop.slice(0, 12));
    const many = fitArrivals(big.map((x) => x / 10), pop);
    expect(few.sePerYear).toBeGreaterThan(many.sePerYear);
    expect(fitArrivals([1, 0, 2, 1], [1, 1, 1, 1]).seMean / 1).toBeGreaterThan(fitArrivals([10, 8, 12, 10], [1, 1, 1, 1]).seMean / 10);
  });

  it('draws are reproducible from (seed, replication, path), differ between replications, and keep the estimate as their mean', () => {
    const base = loadScenario('scenarios/england-per-10k.json').parameters;
    const u = { 'care.directEntriesPerMonthPer10k': 0.2, 'care.exitReasons.10-15.returnHome': 0.05, 'care.durationMonths.10-15.mean': 3 };
    const a = drawParameters(base, u, replicationKey(7, 3));
    const b = drawParameters(base, u, replicationKey(7, 3));
    const c = drawParameters(base, u, replicationKey(7, 4));
    expect(a).toEqual(b);
    expect(a.care.directEntriesPerMonthPer10k).not.toBe(c.care.directEntriesPerMonthPer10k);
    expect(a.care.needCodes).toBe(base.care.needCodes); // untouched parts are shared
    let sum = 0;
    for (let r = 0; r < 4000; r++) sum += drawParameters(base, u, replicationKey(1, r)).care.directEntriesPerMonthPer10k;
    expect(sum / 4000).toBeCloseTo(base.care.directEntriesPerMonthPer10k, 1);
    // probabilities stay probabilities
    expect(drawValue('care.exitReasons.x.sgo', 0.02, 0.05, 5)).toBeLessThan(1);
    expect(drawValue('care.exitReasons.x.sgo', 0.02, 0.05, -5)).toBeGreaterThan(0);
    // a probability fitted to 1 (or 0) stays there: a draw never leaves [0, 1]
    expect(drawValue('afterCpPlan.s47Probability', 1, 0.3, 3)).toBe(1);
    expect(drawValue('cp.outcomes.care', 0, 0.3, 3)).toBe(0);
  });

  it('bands carry the estimation uncertainty, and the same seed gives the same output on any worker count', async () => {
    const s = loadScenario('scenarios/england-per-10k.json');
    const care: Scenario = { ...s, population: 20000, parameters: { ...s.parameters, scope: ['care'] } };
    const uncertain: Scenario = { ...care, uncertainty: { 'care.directEntriesPerMonthPer10k': 0.4, 'care.durationMonths.10-15.mean': 5, 'care.durationMonths.5-9.mean': 8 } };
    const opts = { runs: 24, seed: 11, months: 24 };
    const spread = (runs: { values: Record<string, Float64Array> }[]) => {
      const last = runs.map((r) => r.values.cla_open[23]).sort((x, y) => x - y);
      return last[Math.floor(0.95 * (last.length - 1))] - last[Math.floor(0.05 * (last.length - 1))];
    };
    const [fixed, drawn1] = await Promise.all([runEnsemble([care], { ...opts, workers: 1 }), runEnsemble([uncertain], { ...opts, workers: 1 })]);
    const drawn2 = await runEnsemble([uncertain], { ...opts, workers: 2 });
    expect(spread(drawn1.runs[0] as never)).toBeGreaterThan(spread(fixed.runs[0] as never));
    for (let r = 0; r < opts.runs; r++) expect(Array.from(drawn2.runs[0][r].values.cla_open)).toEqual(Array.from(drawn1.runs[0][r].values.cla_open));
    // care only: no CP plans or contacts, whatever the national rates say
    for (const run of fixed.runs[0]) {
      expect(Math.max(...run.values.cp_open)).toBe(0);
      expect(Math.max(...run.values.contacts)).toBe(0);
    }
  });
});

describe('provenance', () => {
  it('labels every parameter of the shipped scenarios, and a file’s own settings as assumptions', () => {
    const s = loadScenario('scenarios/family-safeguarding.json');
    expect(provenanceOf(s.provenance, 'contacts.perMonthPer10k')).toBe('observed');
    expect(provenanceOf(s.provenance, 'cp.durationMonths.mean')).toBe('national');
    expect(provenanceOf(s.provenance, 'costs.weeklyGbp.ifa.gbp')).toBe('assumption');
    const dir = tmp();
    writeFileSync(join(dir, 'child.json'), JSON.stringify({ extends: join(process.cwd(), 'scenarios/southampton-baseline.json'), name: 'x', description: '', parameters: { cp: { durationMonths: { dist: 'weibull', mean: 8, cv: 0.5 } } } }));
    const c = loadScenario(join(dir, 'child.json'));
    expect(provenanceOf(c.provenance, 'cp.durationMonths.mean')).toBe('assumption');
    expect(provenanceOf(c.provenance, 'cp.categories.NEG')).toBe('national');
  });
});
