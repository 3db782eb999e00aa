import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { importReturns, writeEventLog } from '../src/returns/index.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import { main } from '../src/cli/main.ts';
import type { CaseEvent } from '../src/events/index.ts';
import { tempDir } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/fixtures/', import.meta.url));
const tmp = (): string => tempDir('caseflow-merge-');

const EPISODES = `CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC
M1,2023-02-01,S,C1,N1,U4,PR1,2023-08-01,E4A
M2,2023-04-10,S,V2,N4,U6,PR4,,
M4,2023-04-20,S,L1,N1,K2,PR4,,
`;
const HEADER = `CHILD,SEX,DOB,ETHNIC
M1,1,2012-05-05,WBRI
M2,2,2010-01-01,WOTH
M4,1,2009-09-09,BAFR
`;
const CENSUS = `<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>M1</LAchildID><PersonBirthDate>2012-05-06</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity><Disabilities><Disability>NONE</Disability></Disabilities></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-10-01</CINreferralDate><ReferralSource>6</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2023-03-01</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure>
        <Section47><S47ActualStartDate>2022-11-01</S47ActualStartDate><DateOfInitialCPC>2022-11-15</DateOfInitialCPC></Section47>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans><CPPstartDate>2022-11-15</CPPstartDate><CPPendDate>2023-02-01</CPPendDate><InitialCategoryOfAbuse>EMO</InitialCategoryOfAbuse><NumberOfPreviousCPP>0</NumberOfPreviousCPP></ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>M3</LAchildID><PersonBirthDate>2019-02-02</PersonBirthDate><Sex>2</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>MWBC</Ethnicity></ChildCharacteristics>
      <CINdetails><CINreferralDate>2023-05-05</CINreferralDate><ReferralSource>3B</ReferralSource><PrimaryNeedCode>N5</PrimaryNeedCode><ReferralNFA>false</ReferralNFA></CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>M4</LAchildID><PersonBirthDate>2009-09-09</PersonBirthDate><Sex>1</Sex></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>BAFR</Ethnicity></ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2022-12-01</CINreferralDate><ReferralSource>5A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>2023-06-30</CINclosureDate><ReasonForClosure>RC7</ReasonForClosure><ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
`;

function inputs(): { episodes: string; header: string; census: string } {
  const dir = tmp();
  const files = { episodes: join(dir, 'episodes.csv'), header: join(dir, 'header.csv'), census: join(dir, 'census.xml') };
  writeFileSync(files.episodes, EPISODES);
  writeFileSync(files.header, HEADER);
  writeFileSync(files.census, CENSUS);
  return files;
}

const typesOf = (events: CaseEvent[], child: string): string[] => events.filter((e) => e.childId === child).map((e) => `${e.date} ${e.type}`);

describe('merging SSDA903 and CIN census imports of the same children', () => {
  const f = inputs();
  const { events, report } = importReturns({ ssda903: [{ episodes: f.episodes, header: f.header }], cin: [f.census] });

  it('interleaves both returns by date and moves a closure made while the child was looked after to the end of care', () => {
    expect(typesOf(events, 'M1')).toEqual([
      '2022-10-01 ChildRegistered',
      '2022-10-01 ReferralAccepted',
      '2022-11-01 StrategyDiscussionHeld',
      '2022-11-01 Section47Started',
      '2022-11-15 Section47Concluded',
      '2022-11-15 IcpcHeld',
      '2022-11-15 CpPlanStarted',
      '2023-02-01 CpPlanEnded',
      '2023-02-01 PeriodOfCareStarted',
      '2023-08-01 PeriodOfCareEnded',
      '2023-08-01 CaseClosed',
    ]);
    const start = events.find((e) => e.childId === 'M1' && e.type === 'PeriodOfCareStarted');
    expect(start).toMatchObject({ route: 'cp' });
    const v = new JourneyValidator();
    for (const e of events) v.check(e);
  });

  it('lists every disagreement in conflicts, with the resolution', () => {
    const rows = parse(report.conflictsCsv(), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { child: 'M1', date: '2022-10-01', rule: 'child-dateOfBirth', first: 'ssda903: 2012-05-05', second: 'cin: 2012-05-06', resolution: 'ssda903 value kept' },
      {
        child: 'M1',
        date: '2023-03-01',
        rule: 'closure-while-looked-after',
        first: 'cin: CaseClosed 2023-03-01 reason=RC7 referralNfa=false',
        second: 'ssda903: looked after until 2023-08-01',
        resolution: 'closure moved to 2023-08-01',
      },
      {
        child: 'M4',
        date: '2023-06-30',
        rule: 'closure-while-looked-after',
        first: 'cin: CaseClosed 2023-06-30 reason=RC7 referralNfa=false',
        second: 'ssda903 history: last event PeriodOfCareStarted 2023-04-20 legalStatus=L1 placement=K2 provider=PR4 needCode=N1 route=cin',
        resolution: 'dropped: the child is still looked after at the end of the data',
      },
    ]);
  });

  it('derives the route into care from the merged history, and leaves children in one return alone', () => {
    expect(events.find((e) => e.childId === 'M4' && e.type === 'PeriodOfCareStarted')).toMatchObject({ route: 'cin' });
    const m2 = events.find((e) => e.childId === 'M2' && e.type === 'PeriodOfCareStarted')!;
    expect('route' in m2).toBe(false);
    expect(typesOf(events, 'M3')).toEqual(['2023-05-05 ChildRegistered', '2023-05-05 ReferralAccepted']);
  });

  it('accounts for every input row', () => {
    const s = report.summary();
    for (const file of s.files) expect(file.rows).toBe(file.imported + file.merged + file.rejected);
    expect(s.totals.rejected).toBe(0);
    expect(s.children).toBe(4);
  });

  it('gives the same log from `import merge` of the two separate imports', async () => {
    const dir = tmp();
    const a = importReturns({ ssda903: [{ episodes: f.episodes, header: f.header }] }).events;
    const b = importReturns({ cin: [f.census] }).events;
    writeEventLog(join(dir, 'a.ndjson'), a);
    writeEventLog(join(dir, 'b.ndjson'), b);
    const code = await main(['import', 'merge', join(dir, 'a.ndjson'), join(dir, 'b.ndjson'), '--out', join(dir, 'c.ndjson'), '--quiet']);
    expect(code).toBe(0);
    const merged = readFileSync(join(dir, 'c.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(merged).toEqual(events);
    const summary = JSON.parse(readFileSync(join(dir, 'import-summary.json'), 'utf8'));
    expect(summary.totals.read).toBe(a.length + b.length);
    expect(summary.totals.read).toBe(summary.totals.imported + summary.totals.merged + summary.totals.rejected);
    // the dropped closure of M4 is a rejected event row, with the rule
    const rejects = parse(readFileSync(join(dir, 'rejects.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rejects.map((r) => [r.child, r.record])).toEqual([['M4', 'CaseClosed']]);
    expect(rejects[0].reason).toMatch(/^merge-conflict: CaseClosed 2023-06-30 .* refused by rule closure-while-looked-after$/);
  });
});

describe('merging event logs', () => {
  it('merging a log with itself gives the log back; every event of the second copy is a merged duplicate', async () => {
    const events = importReturns({ cin: [join(DATA, 'cin-census/fake_CIN_data.xml')] }).events;
    const dir = tmp();
    writeEventLog(join(dir, 'a.ndjson'), events);
    const code = await main(['import', 'merge', join(dir, 'a.ndjson'), join(dir, 'a.ndjson'), '--out', join(dir, 'b.ndjson'), '--quiet']);
    expect(code).toBe(0);
    expect(readFileSync(join(dir, 'b.ndjson'), 'utf8')).toBe(readFileSync(join(dir, 'a.ndjson'), 'utf8'));
    const s = JSON.parse(readFileSync(join(dir, 'import-summary.json'), 'utf8'));
    expect(s.files.map((x: { imported: number; merged: number }) => [x.imported, x.merged])).toEqual([
      [events.length, 0],
      [0, events.length],
    ]);
    expect(s.conflicts).toBe(0);
  });

  it('merging the fixtures of both returns gives journeys that satisfy every rule', () => {
    const { events, report } = importReturns({
      ssda903: [{ episodes: join(DATA, 'ssda903-validator/episodes.csv'), header: join(DATA, 'ssda903-validator/header.csv') }],
      cin: [join(DATA, 'cin-census/fake_CIN_data.xml')],
    });
    const v = new JourneyValidator();
    for (const e of events) v.check(e);
    const s = report.summary();
    expect(s.children).toBe(v.streams);
    for (const f of s.files) expect(f.rows).toBe(f.imported + f.merged + f.rejected);
  });

  it('a bad log is an exit code 2 naming the file and line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.ndjson'), '{"type":"ChildRegistered","childId":"x","date":"2020-01-01","version":1,"schema":1}\n');
    writeFileSync(join(dir, 'ok.ndjson'), '');
    const code = await main(['import', 'merge', join(dir, 'bad.ndjson'), join(dir, 'ok.ndjson'), '--out', join(dir, 'c.ndjson'), '--quiet']);
    expect(code).toBe(2);
  });
});
