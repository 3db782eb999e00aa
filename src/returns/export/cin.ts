/**
 * CIN census export: the census XML for the year ending 31 March of a year, from an event log.
 * A child is in the census when one of its episodes of need (referral to closure) is open at
 * some point of the year; what happens after the reference date (31 March) is not known to that
 * census (end dates after it are left out). Made-up UPNs (seeded from the child id) make the file
 * look like a real return.
 */
import { join } from 'node:path';
import type { CaseEvent } from '../../events/index.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { VERSION } from '../../version.ts';
import { collectionYearEnd, collectionYearStart, isoDate } from '../dates.ts';
import { childHistory, eventsByChild, type ChildHistory, type CinEpisodeOut } from './history.ts';
import { IdentityCache, disabilityCode } from './identity.ts';

export interface CinExportOptions {
  /** Three-digit LA number (header LEA and made-up UPNs; default 852). */
  readonly la?: number;
}

export interface CinCensusOut {
  readonly year: number;
  readonly xml: string;
  readonly children: number;
  readonly episodes: number;
}

const NEEDS_ESCAPE = /[&<>"]/;
const INDENT = Array.from({ length: 12 }, (_, i) => '  '.repeat(i));

function esc(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

class Xml {
  private readonly parts: string[] = [];
  private depth = 0;
  open(name: string): this {
    this.parts.push(`${INDENT[this.depth]}<${name}>\n`);
    this.depth++;
    return this;
  }
  close(name: string): this {
    this.depth--;
    this.parts.push(`${INDENT[this.depth]}</${name}>\n`);
    return this;
  }
  leaf(name: string, value: string | number | boolean | undefined): this {
    if (value === undefined || value === '') return this;
    this.parts.push(`${INDENT[this.depth]}<${name}>${esc(String(value))}</${name}>\n`);
    return this;
  }
  toString(): string {
    return this.parts.join('');
  }
}

/** Sex as the census of that year writes it: 1/2/0 before 2024-25, M/F/U from then. */
function censusSex(sex: string, year: number): string {
  if (year >= 2025) return sex;
  return sex === 'M' ? '1' : sex === 'F' ? '2' : '0';
}

function episodeXml(x: Xml, ep: CinEpisodeOut, end: string): void {
  const known = (d: string | undefined): string | undefined => (d !== undefined && d <= end ? d : undefined);
  const closure = known(ep.closure);
  const need = ep.cinPlans.find((p) => p.start <= end)?.need ?? ep.careNeed ?? 'N0';
  x.open('CINdetails');
  x.leaf('CINreferralDate', ep.referral);
  x.leaf('ReferralSource', ep.source);
  x.leaf('PrimaryNeedCode', need);
  x.leaf('CINclosureDate', closure);
  x.leaf('ReasonForClosure', closure ? ep.reason : undefined);
  const lone = ep.loneIcpcs.find((d) => d <= end);
  x.leaf('DateOfInitialCPC', lone);
  for (const a of ep.assessments) {
    if (a.start > end) continue;
    x.open('Assessments');
    x.leaf('AssessmentActualStartDate', a.start);
    const auth = known(a.end);
    x.leaf('AssessmentAuthorisationDate', auth);
    if (auth) {
      x.open('FactorsIdentifiedAtAssessment');
      for (const f of a.factors) x.leaf('AssessmentFactors', f);
      x.close('FactorsIdentifiedAtAssessment');
    }
    x.close('Assessments');
  }
  for (const p of ep.cinPlans) {
    if (p.start > end) continue;
    x.open('CINPlanDates').leaf('CINPlanStartDate', p.start).leaf('CINPlanEndDate', known(p.end)).close('CINPlanDates');
  }
  for (const s of ep.s47s) {
    if (s.start > end) continue;
    const icpc = known(s.icpc);
    x.open('Section47').leaf('S47ActualStartDate', s.start).leaf('DateOfInitialCPC', icpc).leaf('ICPCnotRequired', icpc ? 'false' : undefined).close('Section47');
  }
  x.leaf('ReferralNFA', closure ? ep.referralNfa : false);
  for (const p of ep.cpPlans) {
    if (p.start > end) continue;
    x.open('ChildProtectionPlans')
      .leaf('CPPstartDate', p.start)
      .leaf('CPPendDate', known(p.end))
      .leaf('InitialCategoryOfAbuse', p.category)
      .leaf('LatestCategoryOfAbuse', p.category)
      .leaf('NumberOfPreviousCPP', p.previous)
      .close('ChildProtectionPlans');
  }
  x.close('CINdetails');
}

/** The census of each requested year (year ending 31 March). */
export function cinCensuses(events: Iterable<CaseEvent>, years: readonly number[], opts: CinExportOptions = {}): CinCensusOut[] {
  const histories: ChildHistory[] = [];
  for (const evs of eventsByChild(events).values()) {
    const h = childHistory(evs);
    if (h && h.cin.length > 0) histories.push(h);
  }
  histories.sort((a, b) => (a.registered.childId < b.registered.childId ? -1 : a.registered.childId > b.registered.childId ? 1 : 0));
  const la = opts.la ?? 852;
  const ids = new IdentityCache(la);
  return years.map((year) => {
    const start = isoDate(collectionYearStart(year));
    const end = isoDate(collectionYearEnd(year));
    const x = new Xml();
    x.open('Message').open('Header').open('CollectionDetails').leaf('Collection', 'CIN').leaf('Year', year).leaf('ReferenceDate', end).close('CollectionDetails');
    x.open('Source')
      .leaf('SourceLevel', 'L')
      .leaf('LEA', String(la).padStart(3, '0'))
      .leaf('SoftwareCode', 'caseflow')
      .leaf('Release', VERSION)
      .leaf('SerialNo', '001')
      .leaf('DateTime', `${year}-04-01T00:00:00`)
      .close('Source')
      .close('Header');
    x.open('Children');
    let children = 0;
    let episodes = 0;
    for (const h of histories) {
      const eps = h.cin.filter((e) => e.referral <= end && (e.closure === undefined || e.closure >= start));
      if (eps.length === 0) continue;
      children++;
      episodes += eps.length;
      const r = h.registered;
      const id = ids.get(r.childId, +r.dateOfBirth.slice(0, 4), r.sex);
      x.open('Child');
      x.open('ChildIdentifiers').leaf('LAchildID', r.childId).leaf('UPN', id.upn).leaf('PersonBirthDate', r.dateOfBirth).leaf('Sex', censusSex(r.sex, year)).close('ChildIdentifiers');
      x.open('ChildCharacteristics').leaf('Ethnicity', r.ethnicity).open('Disabilities').leaf('Disability', r.disability ? disabilityCode(r.childId) : 'NONE').close('Disabilities').close('ChildCharacteristics');
      for (const ep of eps) episodeXml(x, ep, end);
      x.close('Child');
    }
    x.close('Children').close('Message');
    return { year, xml: `<?xml version="1.0" encoding="UTF-8"?>\n${x.toString()}`, children, episodes };
  });
}

/**
 * Events of a log that no census can carry, by type: contacts, and plans or enquiries recorded
 * outside an episode of need (referral to closure).
 */
export function cinNotRepresented(events: Iterable<CaseEvent>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const evs of eventsByChild(events).values()) {
    const h = childHistory(evs);
    if (!h) continue;
    for (const [type, n] of h.notRepresented) {
      if (type === 'PeriodOfCareStarted' || type === 'EpisodeChanged' || type === 'PeriodOfCareEnded') continue;
      out[type] = (out[type] ?? 0) + n;
    }
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

export function cinFileName(dir: string, year: number): string {
  return join(dir, `cin_census_${year}.xml`);
}

/** Writes cin_census_YYYY.xml for each year into `dir` (atomically). */
export function writeCin(events: Iterable<CaseEvent>, years: readonly number[], dir: string, opts: CinExportOptions = {}): { year: number; file: string; children: number; episodes: number }[] {
  return cinCensuses(events, years, opts).map((c) => {
    const file = cinFileName(dir, c.year);
    writeFileAtomic(file, c.xml);
    return { year: c.year, file, children: c.children, episodes: c.episodes };
  });
}
