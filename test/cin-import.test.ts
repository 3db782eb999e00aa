import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cinCensuses, importReturns, writeCin } from '../src/returns/index.ts';
import { cinNotRepresented } from '../src/returns/export/cin.ts';
import { project } from '../src/projections/index.ts';
import { readCinCensus, type RawChild } from '../src/returns/cin/read.ts';
import { ImportReport } from '../src/returns/report.ts';
import { readXmlRecords } from '../src/returns/xmlRecords.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import { collectionYearOf, parseIsoDate, workingDaysBetween } from '../src/calendar/index.ts';
import { InputError } from '../src/errors.ts';
import { parseEvent, SCHEMA_VERSION, type CaseEvent } from '../src/events/index.ts';
import { tempDir } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/fixtures/cin-census/', import.meta.url));
const FIX = fileURLToPath(new URL('./fixtures/returns/', import.meta.url));
const tmp = (): string => tempDir('caseflow-cin-');

function accounted(summary: ReturnType<ImportReport['summary']>): void {
  for (const f of summary.files) expect(f.rows, f.file).toBe(f.imported + f.merged + f.rejected);
}

const strip = (e: CaseEvent): Record<string, unknown> => {
  const { childId: _c, version: _v, schema: _s, ...rest } = e;
  return rest;
};

describe('CIN census import: the 332-child fixture', () => {
  const file = join(DATA, 'fake_CIN_data.xml');
  const text = readFileSync(file, 'utf8');
  const { events, report } = importReturns({ cin: [file] });
  const summary = report.summary();

  it('reads one row per Child and per CINdetails, and accounts for each', () => {
    accounted(summary);
    const children = (text.match(/<Child>/g) ?? []).length;
    const episodes = (text.match(/<CINdetails>/g) ?? []).length;
    expect(children).toBe(332);
    expect(summary.files[0].rows).toBe(children + episodes);
    expect(summary.children + report.rejects().filter((r) => r.record === 'Child').length).toBe(children);
  });

  it('rejects what the census cannot know (referrals after the reference date) with the reason', () => {
    const late = [...text.matchAll(/<CINreferralDate>([^<]+)</g)].filter((m) => m[1] > '2022-07-21').length;
    expect(late).toBeGreaterThan(0);
    const rejectedEpisodes = report.rejects().filter((r) => r.record === 'CINdetails');
    expect(rejectedEpisodes).toHaveLength(late);
    for (const r of rejectedEpisodes) expect(r.reason).toMatch(/^after-reference-date: CINreferralDate \d{4}-\d{2}-\d{2} is after the census reference date 2022-07-21$/);
  });

  it('gives valid journeys: one referral per kept episode, closures with their reasons', () => {
    const v = new JourneyValidator();
    for (const e of events) v.check(e);
    const referrals = events.filter((e) => e.type === 'ReferralAccepted').length;
    const kept = summary.files[0].imported - summary.children;
    expect(referrals).toBe(kept);
    expect(events.filter((e) => e.type === 'IcpcHeld').length).toBeGreaterThan(0);
    // ReferralNFA is true on every episode of this file, even those with an ICPC: each contradiction is repaired and reported
    const closedWithIcpc = events.filter((e) => e.type === 'CaseClosed' && e.referralNfa === false).length;
    expect(summary.repairsByRule['referral-nfa-contradicted']).toBe(closedWithIcpc);
  });

  it('maps GenderCurrent 1/2/0/9 to M/F/U', () => {
    const sexes = new Set(events.flatMap((e) => (e.type === 'ChildRegistered' ? [e.sex] : [])));
    expect([...sexes].sort()).toEqual(['F', 'M', 'U']);
  });

  it('streams: the same records whatever the read chunk size', () => {
    const names = (chunkBytes: number): string[] => {
      const out: string[] = [];
      readXmlRecords(file, { records: ['Child'], chunkBytes, onRecord: (n) => out.push(n.children[0].children[0].text) });
      return out;
    };
    const whole = names(1 << 20);
    expect(whole).toHaveLength(332);
    expect(names(97)).toEqual(whole);
  });
});

describe('CIN census import: the small 2024 and 2026 fixtures (deliberate faults)', () => {
  it('imports the good parts of DfEX0000001 and rejects the rest with reasons', () => {
    const { events, report } = importReturns({ cin: [join(DATA, 'CIN_Census_2024.xml')] });
    accounted(report.summary());
    expect(events.map((e) => [e.type, e.date])).toEqual([
      ['ChildRegistered', '2022-10-06'],
      ['ReferralAccepted', '2022-10-06'],
      ['IcpcHeld', '2022-12-06'],
      ['CinPlanStarted', '2023-01-24'],
      ['CinPlanEnded', '2023-01-26'],
      ['CaseClosed', '2023-02-27'],
    ]);
    expect(events[0]).toMatchObject({ childId: 'DfEX0000001', sex: 'M', ethnicity: 'WBRI', disability: true, dateOfBirth: '2015-03-27' });
    const reasons = Object.fromEntries(report.rejects().map((r) => [`${r.child}:${r.record}`, r.reason]));
    expect(reasons['DfEX0000001:Assessments']).toBe('after-reference-date: AssessmentActualStartDate 2028-04-28 is after the census reference date 2024-03-31');
    expect(reasons['DfEX0000001:Section47']).toBe("before-referral: S47ActualStartDate 2022-06-02 is before the episode's CINreferralDate 2022-10-06");
    expect(reasons['DfEX0000001:ChildProtectionPlans']).toBe("before-referral: CPPstartDate 2022-02-17 is before the episode's CINreferralDate 2022-10-06");
    expect(reasons['child_fails_assessments:CINdetails']).toBe('after-reference-date: CINreferralDate 2024-10-24 is after the census reference date 2024-03-31');
    expect(reasons['child_fails_assessments:Child']).toBe('no-episodes: child child_fails_assessments has no usable CINdetails');
    expect(reasons['child_fails_assessments:Assessments']).toMatch(/^episode-rejected:/);
  });

  it('with --ignore-reference-date keeps the late referral and rejects the assessment that starts before it', () => {
    const { events, report } = importReturns({ cin: [join(DATA, 'CIN_Census_2024.xml')] }, { ignoreReferenceDate: true });
    accounted(report.summary());
    expect(events.filter((e) => e.childId === 'child_fails_assessments').map((e) => e.type)).toEqual(['ChildRegistered', 'ReferralAccepted', 'CaseClosed']);
    const reason = report.rejects().find((r) => r.child === 'child_fails_assessments' && r.record === 'Assessments')?.reason;
    expect(reason).toBe("before-referral: AssessmentActualStartDate 2023-12-25 is before the episode's CINreferralDate 2024-10-24");
    // the 2028 assessment now fails on the closure instead
    expect(report.rejects().find((r) => r.child === 'DfEX0000001' && r.record === 'Assessments')?.reason).toMatch(/^after-closure:/);
  });

  it('counts the 2026 pre-proceedings module as a row that is not modelled, never silently', () => {
    const { report } = importReturns({ cin: [join(DATA, 'CIN_Census_2026.xml')] });
    const s = report.summary();
    accounted(s);
    const pp = report.rejects().filter((r) => r.record === 'PreProceedingsandFGDM');
    expect(pp).toHaveLength(1);
    expect(pp[0].reason).toMatch(/^not-modelled:/);
  });
});

describe('CIN census import: known answer for a hand-made census', () => {
  const { events, report } = importReturns({ cin: [join(FIX, 'census-known.xml')] });

  it('derives outcomes, re-referrals, ICPC results and previous plans from the dates', () => {
    accounted(report.summary());
    expect(report.summary().totals).toEqual({ read: 8, imported: 8, merged: 0, rejected: 0 });
    expect(events.map(strip)).toEqual([
      { type: 'ChildRegistered', date: '2022-06-01', dateOfBirth: '2015-03-27', sex: 'F', ethnicity: 'WBRI', disability: true, uasc: false },
      { type: 'ReferralAccepted', date: '2022-06-01', referralId: 'K1/2022-06-01', source: '2A', isRereferral: false },
      { type: 'AssessmentStarted', date: '2022-06-02' },
      { type: 'AssessmentAuthorised', date: '2022-07-15', factors: ['3A'], outcome: 'nfa' },
      { type: 'CaseClosed', date: '2022-09-30', reason: 'RC8', referralNfa: false },
      { type: 'ReferralAccepted', date: '2023-03-01', referralId: 'K1/2023-03-01', source: '6', isRereferral: true },
      { type: 'AssessmentStarted', date: '2023-03-01' },
      { type: 'StrategyDiscussionHeld', date: '2023-03-10' },
      { type: 'Section47Started', date: '2023-03-10' },
      { type: 'AssessmentAuthorised', date: '2023-03-20', factors: ['13A'], outcome: 's47' },
      { type: 'Section47Concluded', date: '2023-03-28', outcome: 'icpc' },
      { type: 'IcpcHeld', date: '2023-03-28', resultedInCpPlan: true },
      { type: 'CpPlanStarted', date: '2023-03-28', category: 'NEG', previousPlans: 1 },
      { type: 'CinPlanStarted', date: '2023-12-01', needCode: 'N4' },
      { type: 'CpPlanEnded', date: '2023-12-01' },
    ]);
    expect(report.repairs.map((r) => [r.rule, r.before])).toEqual([['unknown-factor', 'AssessmentFactors=ZZ']]);
  });

  it('round-trips through the census export', () => {
    const dir = tmp();
    const files = writeCin(events, [2023, 2024], dir);
    const back = importReturns({ cin: files.map((f) => f.file) });
    expect(back.events).toEqual(events);
    expect(back.report.summary().repairs).toBe(0);
  });
});

describe('CIN census export and import round trip', () => {
  it('importing the censuses exported from the 332-child import gives the same events', () => {
    const first = importReturns({ cin: [join(DATA, 'fake_CIN_data.xml')] }).events;
    const ys = first.map((e) => collectionYearOf(parseIsoDate(e.date)));
    const years: number[] = [];
    for (let y = Math.min(...ys); y <= Math.max(...ys); y++) years.push(y);
    const dir = tmp();
    const files = writeCin(first, years, dir);
    const back = importReturns({ cin: files.map((f) => f.file) });
    expect(back.events).toEqual(first);
    expect(back.report.summary().repairs).toBe(0);
    expect(back.report.summary().totals.rejected).toBe(0);
  });

  it('writes the same XML for the same log, with only what is known at the reference date', () => {
    const events = importReturns({ cin: [join(FIX, 'census-known.xml')] }).events;
    const [a] = cinCensuses(events, [2023]);
    const [b] = cinCensuses(events, [2023]);
    expect(a.xml).toBe(b.xml);
    expect(a.xml).toContain('<ReferenceDate>2023-03-31</ReferenceDate>');
    // the CP plan ended and the CIN plan started after 31 March 2023: not known to that census
    expect(a.xml).not.toContain('2023-12-01');
    expect(a.xml).toContain('<CPPstartDate>2023-03-28</CPPstartDate>');
    expect(a.xml).not.toContain('<CPPendDate>');
    expect(a.xml).toContain('<S47ActualStartDate>2023-03-10</S47ActualStartDate>');
    expect(a.children).toBe(1);
    expect(a.episodes).toBe(2);
  });
});

describe('CIN census export: the S47 start is the strategy discussion that started it', () => {
  it('writes the discussion date as S47ActualStartDate, so the ICPC is timed from it after a round trip', () => {
    let version = 0;
    const ev = (type: CaseEvent['type'], date: string, fields: Record<string, unknown> = {}): CaseEvent =>
      parseEvent({ type, childId: 'S1', date, version: ++version, schema: SCHEMA_VERSION, ...fields });
    const events = [
      ev('ChildRegistered', '2023-06-01', { dateOfBirth: '2015-01-01', sex: 'F', ethnicity: 'WBRI', disability: false, uasc: false }),
      ev('ReferralAccepted', '2024-01-02', { referralId: 'R1', source: '1A', isRereferral: false }),
      ev('AssessmentStarted', '2024-01-02'),
      ev('AssessmentAuthorised', '2024-01-05', { factors: ['3A'], outcome: 's47' }),
      // discussion on Monday 8 January, enquiry recorded on Wednesday 10th, ICPC on Friday 26th
      ev('StrategyDiscussionHeld', '2024-01-08'),
      ev('Section47Started', '2024-01-10'),
      ev('Section47Concluded', '2024-01-26', { outcome: 'icpc' }),
      ev('IcpcHeld', '2024-01-26', { resultedInCpPlan: true }),
      ev('CpPlanStarted', '2024-01-26', { category: 'NEG', previousPlans: 0 }),
    ];
    const [census] = cinCensuses(events, [2024]);
    expect(census.xml).toContain('<S47ActualStartDate>2024-01-08</S47ActualStartDate>');
    expect(cinNotRepresented(events).StrategyDiscussionHeld).toBeUndefined();
    const dir = tmp();
    const back = importReturns({ cin: writeCin(events, [2024], dir).map((f) => f.file) }).events;
    expect(back.filter((e) => e.type === 'StrategyDiscussionHeld' || e.type === 'Section47Started').map((e) => e.date)).toEqual(['2024-01-08', '2024-01-08']);
    // 14 working days from the discussion (8 January) to the ICPC (26 January) either way
    const opts = { startMonth: '2024-01', months: 1, population: 10_000 };
    for (const log of [events, back]) {
      const run = project(log, opts);
      expect([run.numerators.icpc_15d_pct[0], run.denominators.icpc_15d_pct[0]]).toEqual([1, 1]);
    }
    expect(workingDaysBetween(parseIsoDate('2024-01-08'), parseIsoDate('2024-01-26'))).toBe(14);
  });
});

describe('CIN census import properties', () => {
  const date = fc.integer({ min: 0, max: 900 }).map((n) => {
    const t = new Date(Date.UTC(2021, 0, 1 + n));
    return t.toISOString().slice(0, 10);
  });
  const maybe = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
  const episode = fc.record({
    referral: fc.oneof(date, fc.constant('2021-02-30')),
    source: fc.constantFrom('1A', '2A', '6', '10', 'ZZ'),
    need: fc.constantFrom('N1', 'N4', '', 'N99'),
    closure: maybe(date),
    reason: fc.constantFrom('RC1', 'RC7', 'RC8', 'RC9', ''),
    nfa: fc.constantFrom('true', 'false', '0', '1', ''),
    icpc: maybe(date),
    assessments: fc.array(fc.record({ start: maybe(date), auth: maybe(date), factors: fc.subarray(['3A', '13A', 'ZZ', '21']) }), { maxLength: 3 }),
    plans: fc.array(fc.record({ start: maybe(date), end: maybe(date) }), { maxLength: 3 }),
    s47s: fc.array(fc.record({ start: maybe(date), icpc: maybe(date) }), { maxLength: 3 }),
    cps: fc.array(fc.record({ start: maybe(date), end: maybe(date), cat: fc.constantFrom('NEG', 'EMO', 'XXX'), prev: fc.constantFrom('', '0', '2', 'x') }), { maxLength: 2 }),
  });
  const child = fc.record({ id: fc.constantFrom('A', 'B', 'C', ''), sex: fc.constantFrom('1', '2', 'M', 'U', '9', 'Q'), episodes: fc.array(episode, { maxLength: 4 }) });
  const leaf = (n: string, v: string | undefined): string => (v === undefined ? '' : `<${n}>${v}</${n}>`);
  const xml = (children: (typeof child extends fc.Arbitrary<infer T> ? T : never)[]): string =>
    `<Message><Header><CollectionDetails><ReferenceDate>2023-03-31</ReferenceDate></CollectionDetails></Header><Children>${children
      .map(
        (c) =>
          `<Child><ChildIdentifiers>${leaf('LAchildID', c.id)}<PersonBirthDate>2015-01-01</PersonBirthDate>${leaf('Sex', c.sex)}</ChildIdentifiers><ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>${c.episodes
            .map(
              (e) =>
                `<CINdetails>${leaf('CINreferralDate', e.referral)}${leaf('ReferralSource', e.source)}${leaf('PrimaryNeedCode', e.need)}${leaf('CINclosureDate', e.closure)}${leaf('ReasonForClosure', e.reason)}${leaf('DateOfInitialCPC', e.icpc)}${e.assessments
                  .map((a) => `<Assessments>${leaf('AssessmentActualStartDate', a.start)}${leaf('AssessmentAuthorisationDate', a.auth)}<FactorsIdentifiedAtAssessment>${a.factors.map((f) => leaf('AssessmentFactors', f)).join('')}</FactorsIdentifiedAtAssessment></Assessments>`)
                  .join('')}${e.plans.map((p) => `<CINPlanDates>${leaf('CINPlanStartDate', p.start)}${leaf('CINPlanEndDate', p.end)}</CINPlanDates>`).join('')}${e.s47s
                  .map((x) => `<Section47>${leaf('S47ActualStartDate', x.start)}${leaf('DateOfInitialCPC', x.icpc)}</Section47>`)
                  .join('')}${leaf('ReferralNFA', e.nfa)}${e.cps
                  .map((p) => `<ChildProtectionPlans>${leaf('CPPstartDate', p.start)}${leaf('CPPendDate', p.end)}${leaf('InitialCategoryOfAbuse', p.cat)}${leaf('NumberOfPreviousCPP', p.prev)}</ChildProtectionPlans>`)
                  .join('')}</CINdetails>`,
            )
            .join('')}</Child>`,
      )
      .join('')}</Children></Message>`;

  it('any census, however inconsistent, imports without a crash: every record accounted for, every journey valid, deterministic', () => {
    const dir = tmp();
    let n = 0;
    fc.assert(
      fc.property(fc.array(child, { maxLength: 4 }), fc.boolean(), (children, ignore) => {
        const file = join(dir, `c${n++}.xml`);
        writeFileSync(file, xml(children));
        const a = importReturns({ cin: [file] }, { ignoreReferenceDate: ignore });
        const s = a.report.summary();
        accounted(s);
        const records = children.reduce((k, c) => k + 1 + c.episodes.reduce((m, e) => m + 1 + e.assessments.length + e.plans.length + e.s47s.length + e.cps.length, 0), 0);
        expect(s.totals.read).toBe(records);
        const v = new JourneyValidator();
        for (const e of a.events) v.check(e);
        for (const r of a.report.rejects()) {
          expect(r.reason).toMatch(/^[a-z0-9-]+: /);
          expect(r.reason).not.toMatch(/^invalid-history/);
        }
        expect(importReturns({ cin: [file] }, { ignoreReferenceDate: ignore }).events).toEqual(a.events);
      }),
      { numRuns: 300 },
    );
  });
});

describe('CIN census reading: malformed files', () => {
  it('a truncated file is an InputError naming the file and the line', () => {
    const report = new ImportReport();
    expect(() => readCinCensus(report, join(FIX, 'truncated-census.xml'), () => {})).toThrow(InputError);
    expect(() => readCinCensus(new ImportReport(), join(FIX, 'truncated-census.xml'), () => {})).toThrow(/truncated-census\.xml: malformed XML: line \d+, column \d+/);
  });

  it('another kind of XML is an InputError naming the root element', () => {
    expect(() => readCinCensus(new ImportReport(), join(FIX, 'not-a-census.xml'), () => {})).toThrow(/not a CIN census file \(the root element is <EXPSSDA903>/);
  });

  it('any cut of a valid census either reads completely or fails with an InputError, never anything else', () => {
    const text = readFileSync(join(FIX, 'census-known.xml'), 'utf8');
    const dir = tmp();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: text.length }), (cut) => {
        const f = join(dir, `cut-${cut}.xml`);
        writeFileSync(f, text.slice(0, cut));
        const got: RawChild[] = [];
        try {
          readCinCensus(new ImportReport(), f, (c) => got.push(c));
          // only a cut inside the trailing whitespace can still be a complete document
          expect(text.slice(cut).trim()).toBe('');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 60 },
    );
  });
});
