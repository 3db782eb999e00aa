/**
 * Care leavers' statuses and costs: the KPIs from hand-built streams checked against hand
 * calculations, and the engine's statuses against the rules that make them.
 */
import { describe, expect, it } from 'vitest';
import { parseEvent, SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { project, type ProjectorOptions } from '../src/projections/index.ts';
import { addYears, parseIsoDate } from '../src/calendar/index.ts';
import { runSimulation } from '../src/simulation/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { leaverStatusBits, LEAVER_EET, LEAVER_IN_TOUCH, LEAVER_SUITABLE } from '../src/events/fields.ts';
import { isEet, isSuitableAccommodation } from '../src/events/codes/index.ts';
import { at, Stream } from './helpers/stream.ts';



describe('OC3 codes', () => {
  it('F and P activity codes are EET, G codes and 0 are not; accommodation ending 1 is suitable', () => {
    for (const c of ['F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5']) expect(isEet(c), c).toBe(true);
    for (const c of ['G4', 'G5', 'G6', '0']) expect(isEet(c), c).toBe(false);
    expect(isSuitableAccommodation('U1')).toBe(true);
    expect(isSuitableAccommodation('U2')).toBe(false);
    expect(isSuitableAccommodation('0')).toBe(false);
    expect(leaverStatusBits('YES', 'F5', 'Z1')).toBe(LEAVER_EET | LEAVER_SUITABLE | LEAVER_IN_TOUCH);
    expect(leaverStatusBits('NO', '0', '0')).toBe(0);
    expect(leaverStatusBits('YES', 'G6', 'B1')).toBe(LEAVER_SUITABLE | LEAVER_IN_TOUCH);
  });

  it('the event refuses codes outside the lists', () => {
    const base = { type: 'CareLeaverStatusRecorded', childId: 'a', date: '2020-01-01', version: 2, schema: SCHEMA_VERSION, inTouch: 'YES', activity: 'F2', accommodation: 'U1' };
    expect(() => parseEvent(base)).not.toThrow();
    expect(() => parseEvent({ ...base, activity: 'F9' })).toThrow(/activity/);
    expect(() => parseEvent({ ...base, accommodation: 'U3' })).toThrow(/accommodation/);
    expect(() => parseEvent({ ...base, inTouch: 'MAYBE' })).toThrow(/inTouch/);
  });
});

describe('care leavers in EET and in suitable accommodation, and their cost', () => {
  // a: born 2000-01-15, looked after from 2015-01-01 until the 18th birthday 2018-01-15 (E17,
  //    staying put): a care leaver from 2018-01-15; statuses at 19 (EET, suitable) and 20 (neither).
  // b: born 2000-06-10, looked after 2016-01-01 to the 17th birthday 2017-06-10 (E5): a care
  //    leaver from then; at 19 (2019-06-10) not in touch; looked after again from 2020-03-11.
  // c: a status but never looked after: not a care leaver, in no count.
  const s = new Stream();
  s.add('ChildRegistered', 'a', '2015-01-01', { dateOfBirth: '2000-01-15' }).add('PeriodOfCareStarted', 'a', '2015-01-01').add('PeriodOfCareEnded', 'a', '2018-01-15', { rec: 'E17' });
  s.add('CareLeaverStatusRecorded', 'a', '2019-01-15', { activity: 'F2', accommodation: 'U1' });
  s.add('CareLeaverStatusRecorded', 'a', '2020-01-15', { activity: 'G5', accommodation: 'S2' });
  s.add('ChildRegistered', 'b', '2016-01-01', { dateOfBirth: '2000-06-10' }).add('PeriodOfCareStarted', 'b', '2016-01-01').add('PeriodOfCareEnded', 'b', '2017-06-10', { rec: 'E5' });
  s.add('CareLeaverStatusRecorded', 'b', '2019-06-10', { inTouch: 'NO', activity: '0', accommodation: '0' });
  s.add('PeriodOfCareStarted', 'b', '2020-03-11');
  s.add('ChildRegistered', 'c', '2018-01-01', { dateOfBirth: '1999-03-01' }).add('CareLeaverStatusRecorded', 'c', '2019-03-01');
  // £70 a week (£10 a day) per care leaver, £140 a week (£20 a day) per staying put arrangement
  const opts: ProjectorOptions = { startMonth: '2019-01', months: 26, population: 10_000, careLeaverCostsAt: () => ({ leavingCare: 70, stayingPut: 140 }) };
  const run = project(s.events(), opts);

  it('counts care leavers aged 19–21 at month end by their latest status', () => {
    // January 2019: a is 19 with an EET, suitable status; b is 18
    expect(at(run, 'care_leavers_eet_pct', '2019-01')).toBe(100);
    expect(run.denominators.care_leavers_eet_pct[0]).toBe(1);
    // June 2019: b is 19, not in touch: in the denominator only
    expect(at(run, 'care_leavers_eet_pct', '2019-06')).toBe(50);
    expect(at(run, 'care_leavers_suitable_accommodation_pct', '2019-06')).toBe(50);
    expect(run.numerators.care_leavers_suitable_accommodation_pct[5]).toBe(1);
    expect(run.denominators.care_leavers_suitable_accommodation_pct[5]).toBe(2);
    // January 2020: a's latest status is neither
    expect(at(run, 'care_leavers_eet_pct', '2020-01')).toBe(0);
    expect(at(run, 'care_leavers_suitable_accommodation_pct', '2020-01')).toBe(0);
    // March 2020: b is looked after again at month end, so only a counts
    expect(run.denominators.care_leavers_eet_pct[14]).toBe(1);
    expect(at(run, 'care_leavers_open', '2020-03')).toBe(1);
  });

  it('costs each care leaver day, and staying put days before the 21st birthday', () => {
    // January 2019: a 31 days × £10 + 31 × £20 staying put, b 31 × £10
    expect(at(run, 'care_leaver_cost', '2019-01')).toBeCloseTo(1240, 9);
    // March 2020: a 31 × £30; b 10 days (1st to 10th) before looked after again
    expect(at(run, 'care_leaver_cost', '2020-03')).toBeCloseTo(1030, 9);
    // January 2021: a 31 × £10 and staying put to the 21st birthday (14 days × £20); b in care
    expect(at(run, 'care_leaver_cost', '2021-01')).toBeCloseTo(590, 9);
    // February 2021: a alone, no staying put
    expect(at(run, 'care_leaver_cost', '2021-02')).toBeCloseTo(280, 9);
  });

  it('no costs given: care_leaver_cost is 0; placement_cost is unchanged by care leavers', () => {
    const plain = project(s.events(), { startMonth: '2019-01', months: 3, population: 10_000 });
    expect(at(plain, 'care_leaver_cost', '2019-02')).toBe(0);
    expect(at(plain, 'placement_cost', '2019-02')).toBe(0);
  });
});

describe('the engine records a care leaver status at each birthday from the 17th to the 21st', () => {
  it('for care leavers not looked after that day, dated on the birthday, EET and accommodation near the scenario shares', () => {
    const scenario = loadScenario('scenarios/southampton-baseline.json');
    const events: CaseEvent[] = [];
    runSimulation({ scenario, seed: 11, replication: 0, months: 60, sink: (e) => events.push(e) });
    const byChild = new Map<string, CaseEvent[]>();
    for (const e of events) {
      let l = byChild.get(e.childId);
      if (!l) byChild.set(e.childId, (l = []));
      l.push(e);
    }
    const end = parseIsoDate('2028-03-01'); // the 60 months from March 2023
    let statuses = 0;
    let expected = 0;
    let older = 0;
    let olderEet = 0;
    let olderSuitable = 0;
    for (const [id, list] of byChild) {
      const reg = list[0] as Extract<CaseEvent, { type: 'ChildRegistered' }>;
      const b18 = addYears(parseIsoDate(reg.dateOfBirth), 18);
      let inCare = false;
      let leftAt = -1;
      let firstLeft = -1;
      const periods: [number, number][] = [];
      const recorded = new Set<number>();
      let days14 = 0;
      let from = 0;
      for (const e of list) {
        const d = parseIsoDate(e.date);
        if (e.type === 'PeriodOfCareStarted') {
          inCare = true;
          from = d;
        } else if (e.type === 'PeriodOfCareEnded') {
          inCare = false;
          periods.push([from, d]);
          const b14 = addYears(b18, -4);
          if (d > b14) days14 += d - Math.max(from, b14);
          if (d >= addYears(b18, -2) && d < addYears(b18, 1) && days14 >= 91) {
            leftAt = d;
            if (firstLeft < 0) firstLeft = d;
          }
        } else if (e.type === 'CareLeaverStatusRecorded') {
          statuses++;
          recorded.add(d);
          expect(inCare, `${id} ${e.date}`).toBe(false);
          expect(leftAt, `${id} ${e.date}: a care leaver`).toBeGreaterThanOrEqual(0);
          const k = [17, 18, 19, 20, 21].find((n) => addYears(b18, n - 18) === d);
          expect(k, `${id} ${e.date} is a birthday from the 17th to the 21st`).toBeDefined();
          expect(d).toBeGreaterThanOrEqual(leftAt);
          if (k! >= 19) {
            older++;
            if (isEet(e.activity)) olderEet++;
            if (isSuitableAccommodation(e.accommodation)) olderSuitable++;
          }
          if (e.inTouch !== 'YES') expect([e.activity, e.accommodation]).toEqual(['0', '0']);
        }
      }
      if (inCare) periods.push([from, end]);
      // every birthday from the 17th to the 21st after becoming a care leaver, out of care, has its status
      if (firstLeft >= 0) {
        for (let k = 17; k <= 21; k++) {
          const b = addYears(b18, k - 18);
          if (b < firstLeft || b >= end || periods.some(([p, q]) => p <= b && b < q)) continue;
          expected++;
          expect(recorded.has(b), `${id}: status at the ${k}th birthday`).toBe(true);
        }
      }
    }
    expect(statuses).toBe(expected);
    expect(statuses).toBeGreaterThan(300);
    // binomial: 0.56 and 0.88 of several hundred, within about four standard errors
    const se = (p: number) => 4 * Math.sqrt((p * (1 - p)) / older);
    expect(Math.abs(olderEet / older - 0.56)).toBeLessThan(se(0.56));
    expect(Math.abs(olderSuitable / older - 0.88)).toBeLessThan(se(0.88));
  });
});
