/**
 * Care leavers' shares from an event history: `calibrate --events` estimates the shares in touch,
 * in education, employment or training and in suitable accommodation of each age group from the
 * statuses (CareLeaverStatusRecorded, SSDA903 OC3) in the window, as binomial proportions.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMonth } from '../src/calendar/index.ts';
import { EventEstimator, MIN_OBSERVATIONS, type Estimate } from '../src/calibration/estimate.ts';
import { NATIONAL_CARE_LEAVERS } from '../src/calibration/estimateLeavers.ts';
import { SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { provenanceOf } from '../src/scenarios/provenance.ts';
import { drawParameters, drawValue } from '../src/scenarios/draws.ts';
import type { Parameters } from '../src/simulation/parameters.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';
import { main } from '../src/cli/main.ts';

const national = loadScenario('scenarios/england-per-10k.json');
const withoutLeavers: Parameters = (() => {
  const p = { ...national.parameters };
  delete p.careLeavers;
  return p;
})();

type Status = [inTouch: 'YES' | 'NO' | 'RHOM', activity: string, accommodation: string];

/** Care leaver `id` born on `dob`, with one status on `date`. */
function leaver(id: string, dob: string, date: string, [inTouch, activity, accommodation]: Status): CaseEvent[] {
  return [
    { type: 'ChildRegistered', childId: id, date, dateOfBirth: dob, sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false, version: 1, schema: SCHEMA_VERSION },
    { type: 'CareLeaverStatusRecorded', childId: id, date, inTouch, activity, accommodation, version: 2, schema: SCHEMA_VERSION },
  ] as CaseEvent[];
}

/**
 * Ten care leavers with statuses at their 19th, 20th or 21st birthday in 2023-24: eight in touch
 * (six in education or employment, seven in suitable accommodation), two not in touch; `copies`
 * times over.
 */
function tenAged19to21(copies = 1): CaseEvent[] {
  const statuses: Status[] = [
    ['YES', 'F2', 'U1'],
    ['YES', 'F5', 'D1'],
    ['YES', 'P5', 'B1'],
    ['YES', 'F1', 'U1'],
    ['YES', 'F4', 'Z1'],
    ['YES', 'P2', 'U1'],
    ['YES', 'G5', 'T1'],
    ['YES', 'G6', 'S2'],
    ['NO', '0', '0'],
    ['NO', '0', '0'],
  ];
  const out: CaseEvent[] = [];
  for (let c = 0; c < copies; c++) {
    statuses.forEach((s, i) => {
      const age = 19 + (i % 3);
      const month = String(4 + i).padStart(2, '0');
      out.push(...leaver(`L${c}-${i}`, `${2023 - age}-${month}-15`, `2023-${month}-15`, s));
    });
  }
  return out;
}

function estimate(events: readonly CaseEvent[], base: Parameters = national.parameters) {
  const est = new EventEstimator({ from: parseMonth('2023-04'), to: parseMonth('2024-03'), population: () => 10000, base });
  for (const e of events) est.apply(e);
  return est.finish();
}

const row = (xs: readonly Estimate[], path: string) => xs.find((e) => e.path === path)!;

describe('care leavers’ shares from their statuses', () => {
  it('ten care leavers aged 19–21, six in education, employment or training: 0.6 with standard error √(0.24/10), too few to apply', () => {
    const r = estimate(tenAged19to21());
    const eet = row(r.estimates, 'careLeavers.19-21.eet');
    expect(eet.value).toBeCloseTo(0.6, 12);
    expect(eet.se).toBeCloseTo(Math.sqrt(0.24 / 10), 12);
    expect(eet.n).toBe(10);
    expect(eet.base).toBe(0.56);
    expect(eet.applied).toBe(false);
    expect(eet.note).toBe('too little data (10)');
    const inTouch = row(r.estimates, 'careLeavers.19-21.inTouch');
    expect(inTouch.value).toBe(0.8);
    expect(inTouch.se).toBeCloseTo(Math.sqrt((0.8 * 0.2) / 10), 12);
    const suitable = row(r.estimates, 'careLeavers.19-21.suitableAccommodation');
    expect(suitable.value).toBeCloseTo(0.7, 12);
    expect(suitable.se).toBeCloseTo(Math.sqrt((0.7 * 0.3) / 10), 12);
    // no status at the 17th or 18th birthday
    expect(row(r.estimates, 'careLeavers.17-18.eet').n).toBe(0);
    // below MIN_OBSERVATIONS the base's shares stand
    expect(r.parameters.careLeavers).toEqual(national.parameters.careLeavers);
  });

  it('applies the shares with enough statuses; the other age group keeps the base’s', () => {
    expect(MIN_OBSERVATIONS).toBe(20);
    const r = estimate(tenAged19to21(2));
    const eet = row(r.estimates, 'careLeavers.19-21.eet');
    expect(eet.se).toBeCloseTo(Math.sqrt(0.24 / 20), 12);
    expect(eet.applied).toBe(true);
    expect(r.parameters.careLeavers!['19-21'].eet).toBeCloseTo(0.6, 12);
    expect(r.parameters.careLeavers!['19-21'].inTouch).toBeCloseTo(0.8, 12);
    expect(r.parameters.careLeavers!['19-21'].suitableAccommodation).toBeCloseTo(0.7, 12);
    expect(r.parameters.careLeavers!['17-18']).toEqual(national.parameters.careLeavers!['17-18']);
    expect(r.notInformed).toContain('careLeavers.17-18');
    expect(r.notInformed.some((p) => p.startsWith('careLeavers.19-21'))).toBe(false);
    expect(r.nationalDefaults).toEqual([]);
  });

  it('counts the age on the status day, and leaves out statuses outside the window, in care or outside the 17th to 21st birthdays', () => {
    const yes: Status = ['YES', 'F2', 'U1'];
    const events = [
      // the 17th birthday; the day before the 19th (18); the 19th birthday
      ...leaver('seventeen', '2006-05-10', '2023-05-10', yes),
      ...leaver('eighteen', '2004-06-02', '2023-06-01', yes),
      ...leaver('nineteen', '2004-06-02', '2023-06-02', yes),
      // 16, and 22
      ...leaver('young', '2007-01-10', '2023-06-10', yes),
      ...leaver('old', '2001-05-01', '2023-06-01', yes),
      // after the window
      ...leaver('late', '2005-04-20', '2024-04-20', yes),
    ];
    const r = estimate(events);
    expect(row(r.estimates, 'careLeavers.17-18.eet').n).toBe(2);
    expect(row(r.estimates, 'careLeavers.19-21.eet').n).toBe(1);
    expect(r.skipped).toEqual({ 'CareLeaverStatusRecorded outside the 17th to 21st birthdays': 2 });
    const inCare = [
      ...leaver('c', '2005-05-01', '2023-05-01', yes).slice(0, 1),
      { type: 'PeriodOfCareStarted', childId: 'c', date: '2023-05-01', legalStatus: 'C2', placement: 'U4', provider: 'PR1', needCode: 'N1', version: 2, schema: SCHEMA_VERSION },
      { type: 'CareLeaverStatusRecorded', childId: 'c', date: '2023-05-01', inTouch: 'YES', activity: 'F2', accommodation: 'U1', version: 3, schema: SCHEMA_VERSION },
    ] as CaseEvent[];
    expect(estimate(inCare).skipped).toEqual({ 'CareLeaverStatusRecorded while looked after': 1 });
  });

  it('a base with no careLeavers keeps none without statuses, and gets them from the statuses, national shares for an age group with too few', () => {
    const none = estimate([], withoutLeavers);
    expect(none.parameters.careLeavers).toBeUndefined();
    expect(none.nationalDefaults).toEqual([]);
    const few = estimate(tenAged19to21(), withoutLeavers);
    expect(few.parameters.careLeavers).toBeUndefined();
    const r = estimate(tenAged19to21(2), withoutLeavers);
    expect(r.parameters.careLeavers!['19-21'].eet).toBeCloseTo(0.6, 12);
    expect(r.parameters.careLeavers!['17-18']).toEqual(NATIONAL_CARE_LEAVERS['17-18']);
    expect(r.nationalDefaults).toEqual(['careLeavers.17-18']);
    expect(row(r.estimates, 'careLeavers.19-21.eet').base).toBeNaN();
  });

  it('the national shares are england-per-10k.json’s', () => {
    expect(NATIONAL_CARE_LEAVERS).toEqual(national.parameters.careLeavers);
  });

  it('raises the share in touch to the share in education where statuses not in touch carry an activity', () => {
    const events: CaseEvent[] = [];
    for (let i = 0; i < 20; i++) events.push(...leaver(`r${i}`, '2004-05-01', '2023-05-01', [i < 10 ? 'YES' : 'RHOM', 'F2', i < 15 ? 'U1' : 'U2']));
    const r = estimate(events);
    expect(row(r.estimates, 'careLeavers.19-21.inTouch').value).toBe(0.5);
    expect(r.parameters.careLeavers!['19-21']).toEqual({ inTouch: 1, eet: 1, suitableAccommodation: 0.75 });
  });

  it('draws the shares on the logit scale, each group’s share in touch at least its other shares', () => {
    // a lognormal draw of 0.6 with standard error 0.1 at z = 5 would be 1.37
    const v = drawValue('careLeavers.19-21.eet', 0.6, 0.1, 5);
    expect(v).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(1.5) + (5 * 0.1) / 0.24))), 12);
    expect(v).toBeLessThan(1);
    const base = { ...national.parameters, careLeavers: { '17-18': { inTouch: 0.7, eet: 0.69, suitableAccommodation: 0.6 }, '19-21': { inTouch: 0.92, eet: 0.56, suitableAccommodation: 0.88 } } };
    for (let k = 1; k <= 40; k++) {
      const p = drawParameters(base, { 'careLeavers.17-18.eet': 0.05, 'careLeavers.17-18.inTouch': 0.05 }, k).careLeavers!['17-18'];
      expect(p.eet).toBeGreaterThan(0);
      expect(p.inTouch).toBeLessThanOrEqual(1);
      expect(p.inTouch).toBeGreaterThanOrEqual(Math.max(p.eet, p.suitableAccommodation));
    }
  });
});

describe('calibrate --events on an SSDA903 return with an OC3 table', () => {
  const io = captureOutput();
  const dir = tempDir('caseflow-leavers-');
  // the 2023-24 return: three children in care, 25 care leavers aged 19–21 (20 in touch, 15 in
  // education, employment or training, 18 in suitable accommodation) and 5 aged 17–18
  const episodes = ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC'];
  const header = ['CHILD,SEX,DOB,ETHNIC'];
  const oc3 = ['CHILD,IN_TOUCH,ACTIV,ACCOM'];
  for (let i = 0; i < 3; i++) {
    episodes.push(`X${i},0${5 + i}/05/2023,S,C2,N1,U4,PR1,,`);
    header.push(`X${i},F,01/01/2012,WBRI`);
  }
  for (let i = 0; i < 25; i++) {
    header.push(`L${i},M,${String(1 + i).padStart(2, '0')}/06/${2002 + (i % 3)},WBRI`);
    const activity = i < 15 ? 'F2' : i < 20 ? 'G5' : '0';
    const accommodation = i < 18 ? 'U1' : i < 20 ? 'S2' : '0';
    oc3.push(`L${i},${i < 20 ? 'YES' : 'NO'},${activity},${accommodation}`);
  }
  for (let i = 0; i < 5; i++) {
    header.push(`Y${i},F,${String(1 + i).padStart(2, '0')}/09/2005,WBRI`);
    oc3.push(`Y${i},YES,F2,U1`);
  }
  for (const [name, lines] of [['episodes.csv', episodes], ['header.csv', header], ['oc3.csv', oc3]] as const) writeFileSync(join(dir, name), lines.join('\n') + '\n');
  const log = join(dir, 'history.ndjson');

  it('imports the statuses, and the calibrated scenario carries the estimated shares with their standard errors', async () => {
    expect(await main(['import', 'ssda903', '--episodes', join(dir, 'episodes.csv'), '--header', join(dir, 'header.csv'), '--oc3', join(dir, 'oc3.csv'), '--out', log, '-q'])).toBe(0);
    const out = join(dir, 'care.json');
    expect(await main(['calibrate', '--events', log, '--from', '2023-04', '--to', '2024-03', '--no-bands', '--out', out])).toBe(0);
    expect(io.out).toMatch(/careLeavers\.19-21\.eet\s*│?\s*0\.56\s*│?\s*0\.6\b/);
    const s = loadScenario(out);
    const cl = s.parameters.careLeavers!;
    expect(cl['19-21'].inTouch).toBeCloseTo(0.8, 12);
    expect(cl['19-21'].eet).toBeCloseTo(0.6, 12);
    expect(cl['19-21'].suitableAccommodation).toBeCloseTo(0.72, 12);
    // the file keeps six significant figures
    expect(s.uncertainty!['careLeavers.19-21.eet']).toBeCloseTo(Math.sqrt(0.24 / 25), 6);
    expect(s.uncertainty!['careLeavers.19-21.inTouch']).toBeCloseTo(0.08, 6);
    expect(s.uncertainty!['careLeavers.19-21.suitableAccommodation']).toBeCloseTo(Math.sqrt((0.72 * 0.28) / 25), 6);
    expect(provenanceOf(s.provenance, 'careLeavers.19-21.eet')).toBe('events');
    // five statuses at 17 or 18: too few, the national shares stand
    expect(cl['17-18']).toEqual(national.parameters.careLeavers!['17-18']);
    expect(provenanceOf(s.provenance, 'careLeavers.17-18.eet')).toBe('national');
    expect(s.uncertainty!['careLeavers.17-18.eet']).toBeUndefined();
    const csv = readFileSync(join(dir, 'care.estimates.csv'), 'utf8');
    expect(csv).toMatch(/careLeavers\.17-18\.eet,.*too little data \(5\)/);
  });

  it('creates careLeavers from the statuses when the base has none, the age group with too few statuses at national shares', async () => {
    const file = JSON.parse(readFileSync('scenarios/england-per-10k.json', 'utf8'));
    delete file.parameters.careLeavers;
    delete file.$schema;
    for (const k of Object.keys(file.provenance)) if (k.startsWith('careLeavers')) delete file.provenance[k];
    const baseFile = join(dir, 'no-leavers.json');
    writeFileSync(baseFile, JSON.stringify(file));
    const out = join(dir, 'created.json');
    expect(await main(['calibrate', '--base', baseFile, '--events', log, '--from', '2023-04', '--to', '2024-03', '--no-bands', '--quiet', '--out', out])).toBe(0);
    const s = loadScenario(out);
    expect(s.parameters.careLeavers!['19-21'].eet).toBeCloseTo(0.6, 12);
    expect(s.parameters.careLeavers!['17-18']).toEqual(NATIONAL_CARE_LEAVERS['17-18']);
    expect(provenanceOf(s.provenance, 'careLeavers.19-21.eet')).toBe('events');
    expect(provenanceOf(s.provenance, 'careLeavers.17-18.eet')).toBe('national');
  });
});
