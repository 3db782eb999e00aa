import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { importReturns, writeEventLog } from '../src/returns/index.ts';
import { parseReturnDate } from '../src/returns/dates.ts';
import { replayLog } from '../src/node/replay.ts';
import { JourneyValidator } from '../src/events/journey.ts';
import type { CaseEvent } from '../src/events/index.ts';
import { dayOf, isoDate } from '../src/calendar/index.ts';
import { tempDir } from './helpers/cli.ts';

const DATA = fileURLToPath(new URL('../../shared/data/fixtures/', import.meta.url));
const FIX = fileURLToPath(new URL('./fixtures/returns/', import.meta.url));
const VALIDATOR = {
  episodes: join(DATA, 'ssda903-validator/episodes.csv'),
  header: join(DATA, 'ssda903-validator/header.csv'),
  uasc: join(DATA, 'ssda903-validator/uasc.csv'),
};
const REGIONAL = {
  episodes: join(DATA, 'ssda903-regional/episodes.csv'),
  header: join(DATA, 'ssda903-regional/header.csv'),
  uasc: join(DATA, 'ssda903-regional/uasc.csv'),
};

type Row = Record<string, string>;
const readRows = (file: string): Row[] => parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, bom: true }) as Row[];
const tmp = (): string => tempDir('caseflow-903-');
const day = (s: string): number => parseReturnDate(s) as number;

/** Children looked after at the end of each given day, by replaying the written log through the store's reader. */
function replayLookedAfter(events: CaseEvent[], ends: string[]): Map<string, Set<string>> {
  const file = join(tmp(), 'events.ndjson');
  writeEventLog(file, events);
  const inCare = new Map<string, boolean>();
  const out = new Map<string, Set<string>>();
  const sorted = [...ends].sort();
  let next = 0;
  const snapshot = (upTo: string): void => {
    while (next < sorted.length && sorted[next] < upTo) {
      out.set(sorted[next], new Set([...inCare].filter(([, v]) => v).map(([k]) => k)));
      next++;
    }
  };
  replayLog(file, [
    (e) => {
      snapshot(e.date);
      if (e.type === 'PeriodOfCareStarted') inCare.set(e.childId, true);
      if (e.type === 'PeriodOfCareEnded') inCare.set(e.childId, false);
    },
  ]);
  snapshot('9999-12-31');
  return out;
}

function expectAccounted(summary: ReturnType<ReturnType<typeof importReturns>['report']['summary']>): void {
  for (const f of summary.files) expect(f.rows, f.file).toBe(f.imported + f.merged + f.rejected);
  expect(summary.totals.read).toBe(summary.totals.imported + summary.totals.merged + summary.totals.rejected);
}

describe('SSDA903 import: validator fixture (single year, deliberate faults)', () => {
  const { events, report } = importReturns({ ssda903: [VALIDATOR] });
  const summary = report.summary();
  const episodes = readRows(VALIDATOR.episodes);
  const header = readRows(VALIDATOR.header);
  const uasc = readRows(VALIDATOR.uasc);

  it('accounts for every row of every file', () => {
    expectAccounted(summary);
    const byKind = Object.fromEntries(summary.files.map((f) => [f.kind, f]));
    expect(byKind['ssda903-episodes'].rows).toBe(episodes.length);
    expect(byKind['ssda903-header'].rows).toBe(header.length);
    expect(byKind['ssda903-uasc'].rows).toBe(uasc.length);
    expect(byKind['ssda903-episodes'].years).toEqual([2018]);
    expect(report.pending()).toEqual([]);
  });

  it('rejects exactly the Header and UASC rows of children with no episode, with the reason', () => {
    const withEpisodes = new Set(episodes.map((r) => r.CHILD));
    const orphanHeaders = header.filter((r) => !withEpisodes.has(r.CHILD)).length;
    const orphanUasc = uasc.filter((r) => !withEpisodes.has(r.CHILD)).length;
    const rejects = report.rejects();
    expect(rejects.filter((r) => r.record === 'header')).toHaveLength(orphanHeaders);
    expect(rejects.filter((r) => r.record === 'uasc')).toHaveLength(orphanUasc);
    for (const r of rejects) expect(r.reason).toMatch(/^no-episodes: child \S+ has no usable episode/);
    expect(summary.children).toBe(withEpisodes.size);
  });

  it('reports the deliberate faults as repairs, one per faulty row', () => {
    // open episodes (no DEC) carrying a REC that ends a period
    const openWithRec = episodes.filter((r) => r.DEC === '' && r.REC !== '' && r.REC !== 'X1').length;
    expect(summary.repairsByRule['rec-on-open-episode']).toBe(openWithRec);
    // DEC after the return's year end (31/03/2018)
    const late = episodes.filter((r) => r.DEC !== '' && day(r.DEC) > day('2018-03-31')).length;
    expect(late).toBeGreaterThan(0);
    expect(summary.repairsByRule['dec-after-year-end']).toBe(late);
    // the first episode of a child that is not RNE=S
    const first = new Map<string, Row>();
    for (const r of episodes) {
      const f = first.get(r.CHILD);
      if (!f || day(r.DECOM) < day(f.DECOM)) first.set(r.CHILD, r);
    }
    expect(summary.repairsByRule['period-start-before-return']).toBe([...first.values()].filter((r) => r.RNE !== 'S').length);
    // overlaps: an episode that ends after the next one starts
    expect(summary.repairsByRule.overlap + (summary.repairsByRule['nested-episode'] ?? 0)).toBeGreaterThan(0);
    for (const r of report.repairs.filter((x) => x.rule === 'overlap')) {
      const rows = episodes.filter((e) => e.CHILD === r.child);
      const overlapping = rows.some((a) => a.DEC !== '' && rows.some((b) => b !== a && day(b.DECOM) > day(a.DECOM) && day(b.DECOM) < day(a.DEC)));
      expect(overlapping, r.child).toBe(true);
    }
    for (const r of report.repairs) {
      expect(r.file).toBe(VALIDATOR.episodes);
      expect(r.line).toBeGreaterThan(1);
    }
  });

  it('gives a log every child of which satisfies the journey rules, in date order', () => {
    const v = new JourneyValidator();
    for (const e of events) v.check(e);
    for (let i = 1; i < events.length; i++) expect(events[i - 1].date <= events[i].date).toBe(true);
    expect(v.streams).toBe(summary.children);
  });

  it('replays to the number of children looked after on 31 March 2018 that the episodes give directly', () => {
    const end = day('2018-03-31');
    const expected = new Set(episodes.filter((r) => day(r.DECOM) <= end && (r.DEC === '' || day(r.DEC) > end)).map((r) => r.CHILD));
    const got = replayLookedAfter(events, ['2018-03-31']).get('2018-03-31')!;
    expect(got.size).toBe(expected.size);
    expect([...got].sort()).toEqual([...expected].sort());
  });

  it('marks children in the UASC table as unaccompanied asylum-seeking children', () => {
    const uascIds = new Set(uasc.map((r) => r.CHILD));
    for (const e of events) if (e.type === 'ChildRegistered') expect(e.uasc).toBe(uascIds.has(e.childId));
  });
});

describe('SSDA903 import: regional multi-year stack with LA and YEAR columns', () => {
  const { events, report } = importReturns({ ssda903: [REGIONAL] });
  const summary = report.summary();
  const episodes = readRows(REGIONAL.episodes);
  const header = readRows(REGIONAL.header);

  it('reads YEAR as the year starting 1 April, from the dates', () => {
    const f = summary.files.find((x) => x.kind === 'ssda903-episodes')!;
    expect(f.yearSource).toMatch(/starting 1 April YEAR/);
    expect(f.years).toEqual([2018, 2019, 2020, 2021, 2022]);
  });

  it('accounts for every row: episodes repeated across years are merged, children without a Header rejected', () => {
    expectAccounted(summary);
    const f = summary.files.find((x) => x.kind === 'ssda903-episodes')!;
    const withHeader = new Set(header.map((r) => r.CHILD));
    expect(f.rejected).toBe(episodes.filter((r) => !withHeader.has(r.CHILD)).length);
    const distinct = new Set(episodes.filter((r) => withHeader.has(r.CHILD)).map((r) => `${r.CHILD}|${r.DECOM}`)).size;
    expect(f.imported).toBe(distinct);
    expect(f.merged).toBe(episodes.length - f.rejected - distinct);
    for (const r of report.rejects()) if (r.record === 'episodes') expect(r.reason).toMatch(/^no-header: no usable Header row for child/);
    const h = summary.files.find((x) => x.kind === 'ssda903-header')!;
    expect(h.imported).toBe(withHeader.size);
    expect(h.merged).toBe(header.length - withHeader.size);
  });

  it('replays to the children looked after at 31 March of each year that each year\'s episodes give directly', () => {
    const withHeader = new Set(header.map((r) => r.CHILD));
    const years = [2017, 2018, 2019, 2020, 2021];
    const ends = years.map((y) => `${y + 1}-03-31`);
    const got = replayLookedAfter(events, ends);
    for (const y of years) {
      const end = day(`${y + 1}-03-31`);
      const expected = new Set(
        episodes.filter((r) => +r.YEAR === y && withHeader.has(r.CHILD) && day(r.DECOM) <= end && (r.DEC === '' || day(r.DEC) > end)).map((r) => r.CHILD),
      );
      expect(expected.size).toBeGreaterThan(0);
      expect([...got.get(`${y + 1}-03-31`)!].sort(), `31 March ${y + 1}`).toEqual([...expected].sort());
    }
  });

  it('reports the gaps of the stack (an episode missing from a later return) as repairs', () => {
    expect(summary.repairsByRule['missing-from-return']).toBeGreaterThan(0);
    for (const r of report.repairs.filter((x) => x.rule === 'missing-from-return')) {
      expect(r.before).toMatch(/is open (at the end of the \d{4}-\d{2} return|before \d{4}-\d{2}) but not in the \d{4}-\d{2} return/);
      expect(r.after).toMatch(/REC=E8/);
    }
  });
});

describe('SSDA903 import: EXPSSDA903 XML', () => {
  const file = join(DATA, 'ssda903-validator/fake_903.xml');
  const { events, report } = importReturns({ ssda903: [{ xml: file }] });
  const summary = report.summary();
  const text = readFileSync(file, 'utf8');
  const childBlocks = text.split('<CHILD>').slice(1);

  it('reads one row per HEADER and EPISODE, and per OC3 status in a HEADER, and accounts for each', () => {
    expectAccounted(summary);
    const headers = (text.match(/<HEADER>/g) ?? []).length;
    const eps = (text.match(/<EPISODE>/g) ?? []).length;
    const oc3 = (text.match(/<IN_TOUCH>/g) ?? []).length;
    expect(oc3).toBe(6);
    expect(summary.files[0].rows).toBe(headers + eps + oc3);
    // of the six OC3 statuses: two on a 17th birthday while looked after, one with ACCOM '01'
    const oc3Rejects = report.rejects().filter((r) => r.record === 'OC3');
    expect(oc3Rejects.map((r) => [r.child, r.reason.split(':')[0]]).sort()).toEqual([
      ['265171', 'oc3-looked-after'],
      ['467642', 'unknown-code'],
      ['87940', 'oc3-looked-after'],
    ]);
    const statuses = events.filter((e) => e.type === 'CareLeaverStatusRecorded');
    expect(statuses.map((e) => [e.childId, e.date, e.inTouch, e.activity, e.accommodation])).toEqual([
      ['381315', '2018-01-21', 'NO', 'P2', 'S1'],
      ['457753', '2018-02-11', 'REFU', 'F1', 'U2'],
      ['631262', '2018-02-22', 'YES', 'G6', 'U2'],
    ]);
    // a child with no episode but a status is imported with it; the others with no episode are rejected
    const noEpisodes = childBlocks.filter((b) => !b.includes('<EPISODE>')).length;
    const statusOnly = statuses.filter((e) => e.version === 2).length;
    expect(statusOnly).toBe(1);
    expect(summary.files[0].rejected).toBe(noEpisodes - statusOnly + oc3Rejects.length);
    expect(summary.children).toBe(childBlocks.length - noEpisodes + statusOnly);
  });

  it('marks children with <UASC>1</UASC> as UASC', () => {
    const uascIds = new Set(childBlocks.filter((b) => b.includes('<UASC>1</UASC>') && b.includes('<EPISODE>')).map((b) => /<CHILDID>([^<]+)</.exec(b)![1]));
    expect(uascIds.size).toBeGreaterThan(0);
    const flagged = events.flatMap((e) => (e.type === 'ChildRegistered' && e.uasc ? [e.childId] : []));
    expect(flagged.sort()).toEqual([...uascIds].sort());
  });
});

describe('SSDA903 import: hand-made faults', () => {
  const { events, report } = importReturns({ ssda903: [{ episodes: join(FIX, 'faults-episodes.csv'), header: join(FIX, 'faults-header.csv') }] });
  const summary = report.summary();
  const reasonOf = (child: string, record: string): string | undefined => report.rejects().find((r) => r.child === child && r.record === record)?.reason;

  it('rejects each faulty row with a reason naming the field and value', () => {
    expectAccounted(summary);
    expect(reasonOf('1002', 'episodes')).toBe("bad-date: DECOM '31/02/2023' is not a date (dd/mm/YYYY or YYYY-MM-DD)");
    expect(reasonOf('1003', 'episodes')).toBe("unknown-code: LS 'Z9' is not a legal status code");
    expect(reasonOf('1004', 'episodes')).toBe("code-not-valid-in-year: PLACE 'K3' is not valid in collection year 2023-24 (valid from 2024-25)");
    expect(reasonOf('1005', 'episodes')).toBe('dec-before-decom: DEC 01/07/2023 is before DECOM 01/08/2023');
    expect(reasonOf('1007', 'episodes')).toBe('field-count: the row has 5 fields, the header row has 13');
    expect(reasonOf('1008', 'episodes')).toBe("unknown-code: REASON_PLACE_CHANGE 'XYZZY' is not a reason for placement change code");
    expect(reasonOf('1009', 'episodes')).toMatch(/^decom-after-year-end: DECOM 01\/05\/2024 is after the end of the return's collection year 2023-24/);
    expect(reasonOf('', 'episodes')).toBe('missing-field: CHILD is blank');
    expect(reasonOf('1010', 'header')).toBe("unknown-code: SEX '3' is not 1, 2, M, F or U");
    expect(reasonOf('1010', 'episodes')).toMatch(/^no-header:/);
    expect(reasonOf('1012', 'header')).toBe("unknown-code: ETHNIC 'XXXX' is not an ethnicity code");
    expect(reasonOf('1013', 'header')).toMatch(/^no-episodes:/);
    // the header rows of children whose only episode was rejected
    for (const c of ['1002', '1003', '1004', '1005', '1007', '1008', '1009']) expect(reasonOf(c, 'header')).toMatch(/^no-episodes:/);
  });

  it('imports the good rows: dd/mm and ISO dates, SEX 1/2 and M/F/U', () => {
    const reg = new Map(events.filter((e) => e.type === 'ChildRegistered').map((e) => [e.childId, e]));
    expect([...reg.keys()].sort()).toEqual(['1001', '1006']);
    expect(reg.get('1001')).toMatchObject({ sex: 'M', dateOfBirth: '2010-04-03', date: '2023-05-12' });
    expect(reg.get('1006')).toMatchObject({ sex: 'F', dateOfBirth: '2015-04-03', ethnicity: 'AOTH' });
    expect(events.find((e) => e.childId === '1006' && e.type === 'PeriodOfCareStarted')).toMatchObject({ date: '2023-09-01', legalStatus: 'V2', placement: 'U6', provider: 'PR4', needCode: 'N4' });
  });

  it("checks codes against the return's collection year: K3 from 2024-25, H5 until 2023-24", () => {
    const dir = tmp();
    writeFileSync(join(dir, 'e.csv'), 'CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n7,01/07/2024,S,C2,N1,K3,PR4,,\n8,01/02/2024,S,C2,N1,H5,PR4,,\n9,01/03/2025,S,C2,N1,K2,PR4,,\n');
    writeFileSync(join(dir, 'h.csv'), 'CHILD,SEX,DOB,ETHNIC\n7,F,01/01/2008,WBRI\n8,M,01/01/2008,WBRI\n9,U,01/01/2008,WBRI\n');
    const r = importReturns({ ssda903: [{ episodes: join(dir, 'e.csv'), header: join(dir, 'h.csv') }] });
    expect(r.report.summary().files[0].years).toEqual([2025]);
    expect(r.events.find((e) => e.childId === '7' && e.type === 'PeriodOfCareStarted')).toMatchObject({ placement: 'K3' });
    expect(r.report.rejects().find((x) => x.child === '8' && x.record === 'episodes')?.reason).toBe(
      "code-not-valid-in-year: PLACE 'H5' is not valid in collection year 2024-25 (last valid in 2023-24)",
    );
  });
});

/** Writes a one-child return and imports it. */
function importRows(episodeRows: string[], dob = '01/01/2005'): { events: CaseEvent[]; rules: string[] } {
  const dir = tmp();
  writeFileSync(join(dir, 'e.csv'), ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE', ...episodeRows.map((r) => `9,${r}`)].join('\n') + '\n');
  writeFileSync(join(dir, 'h.csv'), `CHILD,SEX,DOB,ETHNIC\n9,1,${dob},WBRI\n`);
  const r = importReturns({ ssda903: [{ episodes: join(dir, 'e.csv'), header: join(dir, 'h.csv') }] });
  expect(r.report.summary().totals.rejected).toBe(0);
  return { events: r.events, rules: r.report.repairs.map((x) => x.rule) };
}

const brief = (events: CaseEvent[]): string[] =>
  events.slice(1).map((e) => {
    switch (e.type) {
      case 'PeriodOfCareStarted':
        return `${e.date} start ${e.legalStatus} ${e.placement}`;
      case 'EpisodeChanged':
        return `${e.date} ${e.rne} ${e.legalStatus} ${e.placement}${e.reasonPlaceChange ? ' ' + e.reasonPlaceChange : ''}`;
      case 'PeriodOfCareEnded':
        return `${e.date} end ${e.rec}`;
      default:
        return `${e.date} ${e.type}`;
    }
  });

describe('SSDA903 repair rules (known answers)', () => {
  it('a clean period: S, a placement move with its reason, an end', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,10/06/2023,X1,CARPL', '10/06/2023,P,C1,N1,U6,PR4,02/02/2024,E4A,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 P C1 U6 CARPL', '2024-02-02 end E4A']);
    expect(r.rules).toEqual([]);
  });

  it('overlap: the earlier episode ends where the next begins', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,20/06/2023,X1,', '10/06/2023,P,C1,N1,U6,PR4,,,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 P C1 U6']);
    expect(r.rules).toEqual(['overlap']);
  });

  it('nested: an episode inside a longer one, which resumes when it ends', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,01/12/2023,E4A,', '10/06/2023,P,C2,N1,U6,PR4,20/06/2023,X1,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 P C2 U6', '2023-06-20 T C1 U4', '2023-12-01 end E4A']);
    expect(r.rules).toEqual(['nested-episode']);
  });

  it('a period nested in another: its end reason is ignored because the outer episode goes on', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,01/12/2023,E4A,', '10/06/2023,S,C2,N1,U6,PR4,20/06/2023,E16,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 T C2 U6', '2023-06-20 T C1 U4', '2023-12-01 end E4A']);
    expect(r.rules.sort()).toEqual(['nested-episode', 'new-period-without-end', 'rec-inside-period']);
  });

  it('gap after X1: the period ends with E8 and the next episode starts a new one', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,10/06/2023,X1,', '20/06/2023,P,C1,N1,U6,PR4,,,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 end E8', '2023-06-20 start C1 U6']);
    expect(r.rules.sort()).toEqual(['episode-after-period-end', 'gap-after-x1']);
  });

  it('RNE=S inside a period becomes a change; a first episode without S starts the period', () => {
    const r = importRows(['01/05/2023,L,C1,N1,U4,PR1,10/06/2023,X1,', '10/06/2023,S,C2,N1,U4,PR1,,,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 L C2 U4']);
    expect(r.rules.sort()).toEqual(['new-period-without-end', 'period-start-before-return']);
  });

  it('X1 on the last episode ends the period with E8; a REC on an open episode is ignored', () => {
    expect(brief(importRows(['01/05/2023,S,C1,N1,U4,PR1,10/06/2023,X1,']).events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 end E8']);
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,,E11,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4']);
    expect(r.rules).toEqual(['rec-on-open-episode']);
  });

  it('a period that ends and a new one that starts the same day; zero-length episodes keep their order', () => {
    const r = importRows(['01/05/2023,S,C1,N1,U4,PR1,10/06/2023,E13,', '10/06/2023,S,V2,N1,P1,PR0,10/06/2023,X1,', '10/06/2023,P,V2,N1,U4,PR1,,,']);
    expect(brief(r.events)).toEqual(['2023-05-01 start C1 U4', '2023-06-10 end E13', '2023-06-10 start V2 P1', '2023-06-10 P V2 U4']);
    expect(r.rules).toEqual([]);
  });
});

describe('SSDA903 import properties', () => {
  const LS = ['C1', 'C2', 'V2', 'L1'];
  const PLACE = ['U4', 'U6', 'K2', 'P1'];
  const PROV = ['PR1', 'PR4', 'PR0'];
  const REC = ['X1', 'X1', 'X1', 'E4A', 'E8', ''];
  const start = dayOf(2023, 4, 1);
  const episode = fc.record({
    child: fc.constantFrom('A', 'B', 'C'),
    decom: fc.integer({ min: 0, max: 360 }),
    length: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
    rne: fc.constantFrom('S', 'P', 'L', 'T'),
    ls: fc.constantFrom(...LS),
    place: fc.constantFrom(...PLACE),
    provider: fc.constantFrom(...PROV),
    rec: fc.constantFrom(...REC),
    iso: fc.boolean(),
  });
  type EpisodeArb = typeof episode extends fc.Arbitrary<infer T> ? T : never;

  const write = (rows: EpisodeArb[]): { events: CaseEvent[]; summary: ReturnType<ReturnType<typeof importReturns>['report']['summary']>; covered: (child: string, d: number) => boolean } => {
    const dir = tmp();
    const fmt = (d: number, iso: boolean): string => {
      const s = isoDate(d);
      return iso ? s : `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`;
    };
    const lines = rows.map((r) => {
      const dec = r.length === undefined ? '' : fmt(start + r.decom + r.length, r.iso);
      return [r.child, fmt(start + r.decom, r.iso), r.rne, r.ls, 'N1', r.place, r.provider, dec, r.rec].join(',');
    });
    writeFileSync(join(dir, 'e.csv'), ['CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC', ...lines].join('\n') + '\n');
    writeFileSync(join(dir, 'h.csv'), 'CHILD,SEX,DOB,ETHNIC\nA,1,01/01/2010,WBRI\nB,2,01/01/2012,WOTH\nC,M,2011-06-30,NOBT\n');
    const r = importReturns({ ssda903: [{ episodes: join(dir, 'e.csv'), header: join(dir, 'h.csv') }] });
    // the year of these rows is decided from their dates; what a row covers, read independently
    const years = r.report.summary().files[0].years;
    const yearEnd = dayOf(years[0], 3, 31);
    const kept = rows.filter((x) => start + x.decom <= yearEnd);
    const covered = (child: string, d: number): boolean =>
      kept.some((x) => x.child === child && start + x.decom <= d && (x.length === undefined || start + x.decom + x.length > yearEnd || start + x.decom + x.length > d));
    return { events: r.events, summary: r.report.summary(), covered };
  };

  it('every row is accounted for, every stream is valid, and a child is looked after exactly on the days some episode covers', () => {
    fc.assert(
      fc.property(fc.uniqueArray(episode, { minLength: 1, maxLength: 12, selector: (r) => `${r.child}|${r.decom}` }), (rows) => {
        const { events, summary, covered } = write(rows);
        for (const f of summary.files) expect(f.rows).toBe(f.imported + f.merged + f.rejected);
        expect(summary.rejectsByReason['invalid-history']).toBeUndefined();
        const v = new JourneyValidator();
        for (const e of events) v.check(e);
        const probe = Array.from({ length: 40 }, (_, i) => start + i * 12);
        for (const child of ['A', 'B', 'C']) {
          const care = events.filter((e) => e.childId === child && (e.type === 'PeriodOfCareStarted' || e.type === 'PeriodOfCareEnded'));
          for (const d of probe) {
            const last = care.filter((e) => e.date <= isoDate(d)).pop();
            expect(last?.type === 'PeriodOfCareStarted', `${child} on ${isoDate(d)}`).toBe(covered(child, d));
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same rows give the same events', () => {
    fc.assert(
      fc.property(fc.uniqueArray(episode, { minLength: 1, maxLength: 10, selector: (r) => `${r.child}|${r.decom}` }), (rows) => {
        expect(write(rows).events).toEqual(write(rows).events);
      }),
      { numRuns: 20 },
    );
  });
});
