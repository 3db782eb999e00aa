/**
 * SSDA903 OC3 (care leavers' status around their 17th to 21st birthdays): import into
 * CareLeaverStatusRecorded events, export from them, and the round trip of a simulated log.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importReturns, ssda903FileNames, ssda903Tables, writeSsda903 } from '../src/returns/index.ts';
import { statusBirthday } from '../src/returns/ssda903/oc3.ts';
import { collectionYearOf, dayOf, parseIsoDate } from '../src/calendar/index.ts';
import type { CaseEvent } from '../src/events/index.ts';
import { runSimulation } from '../src/simulation/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { tempDir } from './helpers/cli.ts';

const tmp = (): string => tempDir('caseflow-oc3-');

describe('OC3 import', () => {
  // the 2023-24 return: child 1 left care on the 18th birthday in 2022 and is 19 on 20 May 2023;
  // child 2 left care on the 18th birthday 1 July 2023 (in the year); child 3 is looked after on
  // the 17th birthday; child 4 is 24; children 5-7 have bad codes; child 8 is not in touch
  const dir = tmp();
  writeFileSync(
    join(dir, 'e.csv'),
    [
      'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC',
      '2,01/09/2021,S,C2,N1,U4,PR1,01/07/2023,E17',
      '3,01/06/2023,S,V2,N4,K2,PR4,,',
      '8,01/02/2022,S,C2,N1,U4,PR1,03/04/2023,E5',
    ].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'h.csv'),
    ['CHILD,SEX,DOB,ETHNIC', '1,F,20/05/2004,WBRI', '2,M,2005-07-01,WBRI', '3,M,01/09/2006,WBRI', '4,F,01/01/2000,WBRI', '5,F,01/01/2004,WBRI', '6,F,01/01/2004,WBRI', '7,F,01/01/2004,WBRI', '8,M,03/04/2005,WBRI'].join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'o.csv'),
    ['CHILD,IN_TOUCH,ACTIV,ACCOM', '1,YES,F2,U1', '2,yes,G5,Z1', '3,YES,F1,B1', '4,YES,F5,U1', '5,YES,X9,U1', '6,YES,F2,U3', '7,SOMETIMES,F2,U1', '8,NO,,'].join('\n') + '\n',
  );
  const r = importReturns({ ssda903: [{ episodes: join(dir, 'e.csv'), header: join(dir, 'h.csv'), oc3: join(dir, 'o.csv') }] });
  const statuses = r.events.filter((e) => e.type === 'CareLeaverStatusRecorded');
  const reasonOf = (child: string): string | undefined => r.report.rejects().find((x) => x.child === child && x.record === 'oc3')?.reason;

  it('dates each status on the birthday from the 17th to the 21st in the year, after the end of care that day', () => {
    const rows = statuses.map((e) => [e.childId, e.date, e.inTouch, e.activity, e.accommodation]);
    expect(rows.sort((a, b) => (a[0] < b[0] ? -1 : 1))).toEqual([
      ['1', '2023-05-20', 'YES', 'F2', 'U1'],
      ['2', '2023-07-01', 'YES', 'G5', 'Z1'],
      ['8', '2023-04-03', 'NO', '0', '0'],
    ]);
    // child 1 has no episode in the return: registered on its status
    expect(r.events.filter((e) => e.childId === '1').map((e) => [e.type, e.date, e.version])).toEqual([
      ['ChildRegistered', '2023-05-20', 1],
      ['CareLeaverStatusRecorded', '2023-05-20', 2],
    ]);
    expect(r.events.filter((e) => e.childId === '2').map((e) => e.type)).toEqual(['ChildRegistered', 'PeriodOfCareStarted', 'PeriodOfCareEnded', 'CareLeaverStatusRecorded']);
  });

  it('rejects a row for a child looked after on that birthday, of no care-leaver age, or with codes outside the lists', () => {
    expect(reasonOf('3')).toBe("oc3-looked-after: the child is looked after on its 17th birthday 01/09/2023 (a care leaver's status is recorded out of care)");
    expect(reasonOf('4')).toBe('oc3-not-care-leaver-age: no 17th to 21st birthday of the child (DOB 01/01/2000) falls in collection year 2023-24');
    expect(reasonOf('5')).toBe("unknown-code: ACTIV 'X9' is not a main activity code (F1–F5, P1–P5, G4–G6 or 0)");
    expect(reasonOf('6')).toBe("unknown-code: ACCOM 'U3' is not an accommodation code (a type B–Z with suitability 1 or 2, or 0)");
    expect(reasonOf('7')).toBe("unknown-code: IN_TOUCH 'SOMETIMES' is not an in touch code (YES, NO, DIED, REFU, NREQ, RHOM)");
    const oc3 = r.report.summary().files.find((f) => f.kind === 'ssda903-oc3')!;
    expect([oc3.rows, oc3.imported, oc3.merged, oc3.rejected]).toEqual([8, 3, 0, 5]);
  });

  it('keeps one status per child and year, the later row winning', () => {
    const d = tmp();
    writeFileSync(join(d, 'e.csv'), 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n9,01/06/2023,S,C2,N1,U4,PR1,,\n');
    writeFileSync(join(d, 'h.csv'), 'CHILD,SEX,DOB,ETHNIC\n9,F,01/01/2010,WBRI\n1,F,20/05/2004,WBRI\n');
    writeFileSync(join(d, 'o.csv'), 'CHILD,IN_TOUCH,ACTIV,ACCOM\n1,YES,F2,U1\n1,YES,P5,D2\n');
    const two = importReturns({ ssda903: [{ episodes: join(d, 'e.csv'), header: join(d, 'h.csv'), oc3: join(d, 'o.csv') }] });
    const s = two.events.filter((e) => e.type === 'CareLeaverStatusRecorded');
    expect(s.map((e) => [e.date, e.activity, e.accommodation])).toEqual([['2023-05-20', 'P5', 'D2']]);
    const oc3 = two.report.summary().files.find((f) => f.kind === 'ssda903-oc3')!;
    expect([oc3.imported, oc3.merged]).toEqual([1, 1]);
  });

  it('finds the birthday in a collection year, 29 February births on 28 February', () => {
    // the 20th birthday in 2023-24 (1 April 2023 to 31 March 2024) is 28 February 2024, as the 18th was 28 February 2022
    expect(statusBirthday(parseIsoDate('2004-02-29'), 2024)).toEqual({ day: dayOf(2024, 2, 28), age: 20 });
    expect(statusBirthday(parseIsoDate('2004-04-01'), 2024)).toEqual({ day: dayOf(2023, 4, 1), age: 19 });
    expect(statusBirthday(parseIsoDate('2004-03-31'), 2024)).toEqual({ day: dayOf(2024, 3, 31), age: 20 });
    expect(statusBirthday(parseIsoDate('2008-01-01'), 2024)).toBeUndefined();
  });
});

describe('OC3 export and the round trip', () => {
  it('exports each status in the year of its birthday and imports the same statuses back', () => {
    const scenario = loadScenario('scenarios/southampton-baseline.json');
    const events: CaseEvent[] = [];
    runSimulation({ scenario, seed: 5, replication: 0, months: 36, sink: (e) => events.push(e) });
    const statuses = events.filter((e) => e.type === 'CareLeaverStatusRecorded');
    expect(statuses.length).toBeGreaterThan(100);
    const years = [...new Set(events.map((e) => collectionYearOf(parseIsoDate(e.date))))].sort((a, b) => a - b);
    const dir = tmp();
    writeSsda903(events, years, dir);
    const [t] = ssda903Tables(events, [2025]);
    expect(t.oc3.length).toBe(statuses.filter((e) => collectionYearOf(parseIsoDate(e.date)) === 2025).length);
    expect(readFileSync(ssda903FileNames(dir, 2025).oc3, 'utf8').split('\n')[0]).toBe('CHILD,DOB,IN_TOUCH,ACTIV,ACCOM');
    const back = importReturns({ ssda903: years.map((y) => ssda903FileNames(dir, y)) });
    const key = (e: CaseEvent) => (e.type === 'CareLeaverStatusRecorded' ? `${e.childId} ${e.date} ${e.inTouch} ${e.activity} ${e.accommodation}` : '');
    const rejectedOc3 = back.report.rejects().filter((x) => x.record === 'oc3');
    expect(rejectedOc3).toEqual([]);
    expect(back.events.filter((e) => e.type === 'CareLeaverStatusRecorded').map(key).sort()).toEqual(statuses.map(key).sort());
  });
});
