/**
 * Streaming read of CIN census XML (`<Message><Header>…</Header><Children><Child>…`): each
 * `<Child>` is read as a small tree, turned into a plain record with its input rows registered,
 * and dropped, so a large census is never held in memory as a document.
 */
import { collectionYearOf } from '../../calendar/index.ts';
import { InputError } from '../../errors.ts';
import { parseReturnDate } from '../dates.ts';
import type { FileCount, ImportReport, RowRef } from '../report.ts';
import { child, childText, childrenNamed, readXmlRecords, renderNode, type XmlNode } from '../xmlRecords.ts';

export interface Census {
  readonly file: string;
  readonly fc: FileCount;
  /** Census reference date (day number), when the header gives one. */
  readonly referenceDate: number | undefined;
  /** Input order of the file. */
  readonly order: number;
}

export interface RawAssessment {
  readonly ref: RowRef;
  readonly start: string;
  readonly auth: string;
  readonly factors: readonly string[];
}

export interface RawPlan {
  readonly ref: RowRef;
  readonly start: string;
  readonly end: string;
}

export interface RawS47 {
  readonly ref: RowRef;
  readonly start: string;
  readonly icpc: string;
  readonly icpcNotRequired: string;
}

export interface RawCpPlan {
  readonly ref: RowRef;
  readonly start: string;
  readonly end: string;
  readonly category: string;
  readonly categoryField: string;
  readonly previous: string;
}

export interface RawEpisode {
  readonly ref: RowRef;
  readonly census: Census;
  readonly referral: string;
  readonly source: string;
  readonly need: string;
  readonly closure: string;
  readonly reason: string;
  readonly referralNfa: string;
  readonly icpc: string;
  readonly assessments: readonly RawAssessment[];
  readonly cinPlans: readonly RawPlan[];
  readonly s47s: readonly RawS47[];
  readonly cpPlans: readonly RawCpPlan[];
}

export interface RawChild {
  readonly ref: RowRef;
  readonly census: Census;
  readonly id: string;
  readonly dob: string;
  readonly sex: string;
  readonly ethnicity: string;
  readonly disabilities: readonly string[];
  readonly episodes: readonly RawEpisode[];
  /** Every row of the record (the child, its episodes and their items). */
  readonly rows: readonly RowRef[];
}

let censusOrder = 0;

/** Reads one census file, calling `onChild` for each child as it is read. */
export function readCinCensus(report: ImportReport, file: string, onChild: (c: RawChild) => void): Census {
  const fc = report.addFile(file, 'cin-xml');
  let census: Census = { file, fc, referenceDate: undefined, order: censusOrder++ };
  let headerSeen = false;
  readXmlRecords(file, {
    records: ['Header', 'Child'],
    onRoot: (name, line) => {
      if (name !== 'Message') throw new InputError(`${file}, line ${line}: not a CIN census file (the root element is <${name}>, expected <Message>)`);
    },
    onRecord: (node, path) => {
      if (node.name === 'Header') {
        if (path.length !== 1) return;
        headerSeen = true;
        const details = child(node, 'CollectionDetails');
        const refText = details ? childText(details, 'ReferenceDate') : '';
        const yearText = details ? childText(details, 'Year') : '';
        const ref = parseReturnDate(refText);
        let referenceDate: number | undefined;
        if (typeof ref === 'number') referenceDate = ref;
        else if (refText !== '') report.notes.push(`${file}: ReferenceDate '${refText}' is not a date; no reference-date checks for this file`);
        else report.notes.push(`${file}: no ReferenceDate in the header; no reference-date checks for this file`);
        census = { ...census, referenceDate };
        const y = /^\d{4}$/.test(yearText) ? +yearText : undefined;
        if (referenceDate !== undefined) {
          fc.years.push(collectionYearOf(referenceDate));
          fc.yearSource = `census ReferenceDate ${refText}${y !== undefined ? ` (header Year ${y})` : ''}`;
        }
        return;
      }
      if (node.name === 'Child' && path[path.length - 1] === 'Children') onChild(readChild(report, census, node));
    },
  });
  if (!headerSeen) report.notes.push(`${file}: no <Header>; no reference-date checks for this file`);
  return census;
}

function readChild(report: ImportReport, census: Census, node: XmlNode): RawChild {
  const ids = child(node, 'ChildIdentifiers');
  const id = ids ? childText(ids, 'LAchildID') : '';
  const rows: RowRef[] = [];
  const reg = (n: XmlNode, record: string): RowRef => {
    const r = report.row(census.fc, n.line, id, record, renderNode(n));
    rows.push(r);
    return r;
  };
  const ref = reg(ids ?? node, 'Child');
  const chars = child(node, 'ChildCharacteristics');
  const disabilities: string[] = [];
  const dis = chars ? child(chars, 'Disabilities') : undefined;
  if (dis) for (const d of childrenNamed(dis, 'Disability')) if (d.text !== '') disabilities.push(d.text.toUpperCase());
  const sex = ids ? childText(ids, 'Sex') || childText(ids, 'GenderCurrent') || childText(ids, 'Gender') : '';
  const episodes: RawEpisode[] = [];
  for (const en of childrenNamed(node, 'CINdetails')) {
    const eref = reg(en, 'CINdetails');
    const assessments = childrenNamed(en, 'Assessments').map((a) => {
      const fac = child(a, 'FactorsIdentifiedAtAssessment');
      return {
        ref: reg(a, 'Assessments'),
        start: childText(a, 'AssessmentActualStartDate'),
        auth: childText(a, 'AssessmentAuthorisationDate'),
        factors: fac ? childrenNamed(fac, 'AssessmentFactors').map((f) => f.text.toUpperCase()).filter((f) => f !== '') : [],
      };
    });
    const cinPlans = childrenNamed(en, 'CINPlanDates').map((p) => ({ ref: reg(p, 'CINPlanDates'), start: childText(p, 'CINPlanStartDate'), end: childText(p, 'CINPlanEndDate') }));
    const s47s = childrenNamed(en, 'Section47').map((s) => ({
      ref: reg(s, 'Section47'),
      start: childText(s, 'S47ActualStartDate'),
      icpc: childText(s, 'DateOfInitialCPC'),
      icpcNotRequired: childText(s, 'ICPCnotRequired'),
    }));
    const cpPlans = childrenNamed(en, 'ChildProtectionPlans').map((p) => {
      const field = ['InitialCategoryOfAbuse', 'CategoryOfAbuse', 'LatestCategoryOfAbuse'].find((f) => childText(p, f) !== '') ?? 'InitialCategoryOfAbuse';
      return {
        ref: reg(p, 'ChildProtectionPlans'),
        start: childText(p, 'CPPstartDate'),
        end: childText(p, 'CPPendDate'),
        category: childText(p, field).toUpperCase(),
        categoryField: field,
        previous: childText(p, 'NumberOfPreviousCPP'),
      };
    });
    for (const pp of childrenNamed(en, 'PreProceedingsandFGDM')) {
      report.reject(reg(pp, 'PreProceedingsandFGDM'), 'not-modelled: pre-proceedings and family group decision making are not part of the event catalogue');
    }
    episodes.push({
      ref: eref,
      census,
      referral: childText(en, 'CINreferralDate'),
      source: childText(en, 'ReferralSource').toUpperCase(),
      need: childText(en, 'PrimaryNeedCode').toUpperCase(),
      closure: childText(en, 'CINclosureDate'),
      reason: childText(en, 'ReasonForClosure').toUpperCase(),
      referralNfa: childText(en, 'ReferralNFA'),
      icpc: childText(en, 'DateOfInitialCPC'),
      assessments,
      cinPlans,
      s47s,
      cpPlans,
    });
  }
  return {
    ref,
    census,
    id,
    dob: ids ? childText(ids, 'PersonBirthDate') : '',
    sex,
    ethnicity: chars ? childText(chars, 'Ethnicity').toUpperCase() : '',
    disabilities,
    episodes,
    rows,
  };
}

