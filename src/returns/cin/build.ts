/**
 * CIN census records to events. A child's `<CINdetails>` (episodes of need) from every census
 * read are merged (the same referral date in a later census replaces the earlier one), checked,
 * repaired where a deterministic rule exists (every repair reported) and turned into events:
 *
 * - ReferralAccepted (referral date, source; `isRereferral` when a previous referral of the child
 *   was accepted in the 12 months before);
 * - AssessmentStarted / AssessmentAuthorised (factors; outcome `s47` when a Section 47 enquiry
 *   started during or after the assessment and before the next one, `cin` when a CIN or CP plan
 *   starts after it, `early_help` when the episode closed with RC9, otherwise `nfa`);
 * - StrategyDiscussionHeld and Section47Started on the S47 start date; Section47Concluded on the
 *   ICPC date (outcome `icpc`), or else on the next dated activity (next S47, a CIN or CP plan
 *   start, the closure; outcome `cin` when it is a CIN plan, otherwise `nfa`); IcpcHeld
 *   (`resultedInCpPlan` when a CP plan starts that day); an episode-level DateOfInitialCPC that is
 *   not an S47's ICPC is an IcpcHeld of its own;
 * - CinPlanStarted (need code = PrimaryNeedCode) / CinPlanEnded; CpPlanStarted (category,
 *   previous plans) / CpPlanEnded;
 * - CaseClosed (ReasonForClosure; `referralNfa` from ReferralNFA when nothing else happened).
 *
 * Repair rules: `missing-need-code` (N0), `missing-closure-reason` (RC7),
 * `closure-reason-without-date` (ignored), `episode-open-before-next-referral` and
 * `episode-overlaps-next` (the episode is closed on the next referral date),
 * `end-after-reference-date` / `icpc-after-reference-date` (cleared: not known at the census date),
 * `ends-after-closure` and `open-at-closure` (ended on the closure date), `open-item-followed` and
 * `overlap` (ended where the next item of the same kind starts), `unknown-factor` (dropped),
 * `icpc-outside-episode` (dropped), `previous-plans` (set to the count the child's history gives),
 * `referral-nfa-contradicted` (false when the episode had assessments, S47s, ICPCs or plans),
 * `child-details-revised` (the latest census wins).
 */
import { addYears } from '../../calendar/index.ts';
import { ASSESSMENT_FACTOR, CLOSURE_REASON, CP_CATEGORY, ETHNICITY, NEED_CODE, REFERRAL_SOURCE, type NewEvent, type Sex } from '../../events/index.ts';
import { codeProblem, parseSex } from '../codes.ts';
import { isoDate, parseReturnDate } from '../dates.ts';
import type { ImportReport, RowRef } from '../report.ts';
import type { ChildStream } from '../types.ts';
import type { RawChild, RawEpisode } from './read.ts';

const FACTORS: ReadonlySet<string> = new Set(ASSESSMENT_FACTOR.map((f) => f.code));
const BAD_DATE = '(YYYY-MM-DD or dd/mm/YYYY)';

interface Item {
  readonly ref: RowRef;
  start: number;
  end: number | null;
}
interface Assessment extends Item {
  readonly factors: string[];
}
interface S47 {
  readonly ref: RowRef;
  readonly start: number;
  icpc: number | null;
}
interface CpPlan extends Item {
  readonly category: string;
  previous: number | null;
}

interface Episode {
  readonly raw: RawEpisode;
  readonly referral: number;
  readonly source: string;
  readonly need: string;
  closure: number | null;
  reason: string | null;
  readonly nfa: boolean;
  icpc: number | null;
  /** Repairs made while reading the episode, reported only if it is the one kept. */
  readonly pending: readonly [rule: string, before: string, after: string][];
}

const fmt = (d: number | null): string => (d === null ? '' : isoDate(d));

/** Parses a date field; returns the day, null for blank, or a reason. */
function dateField(text: string, field: string): number | null | string {
  const d = parseReturnDate(text);
  if (d === undefined) return `bad-date: ${field} '${text}' is not a date ${BAD_DATE}`;
  return d;
}

function flag(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'y' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'n' || s === 'no' || s === '') return false;
  return undefined;
}

/** Latest census first (reference date, then file order). */
function newer(a: { census: { referenceDate: number | undefined; order: number } }, b: typeof a): number {
  const ra = a.census.referenceDate ?? -Infinity;
  const rb = b.census.referenceDate ?? -Infinity;
  if (ra !== rb) return rb - ra;
  return b.census.order - a.census.order;
}

export interface CinBuildOptions {
  readonly ignoreReferenceDate?: boolean;
}

/** Builds one stream per child from the records of every census read (`records` grouped by LAchildID). */
export function buildCin(report: ImportReport, records: ReadonlyMap<string, RawChild[]>, opts: CinBuildOptions = {}): ChildStream[] {
  const streams: ChildStream[] = [];
  for (const id of [...records.keys()].sort()) {
    const recs = [...records.get(id)!].sort(newer);
    const s = buildChild(report, id, recs, opts);
    if (s) streams.push(s);
  }
  return streams;
}

function buildChild(report: ImportReport, id: string, recs: RawChild[], opts: CinBuildOptions): ChildStream | undefined {
  const allRows = recs.flatMap((r) => r.rows);
  const rejectAll = (reason: string): undefined => {
    for (const r of allRows) report.reject(r, reason);
    return undefined;
  };
  if (id === '') return rejectAll('missing-field: LAchildID is blank');
  if (id.length > 64) return rejectAll(`bad-child-id: LAchildID '${id.slice(0, 24)}…' is longer than 64 characters`);
  const win = recs[0];
  const dob = parseReturnDate(win.dob);
  if (dob === null) return rejectAll('missing-field: PersonBirthDate is blank');
  if (dob === undefined) return rejectAll(`bad-date: PersonBirthDate '${win.dob}' is not a date ${BAD_DATE}`);
  const sex = parseSex(win.sex, true);
  if (!sex) return rejectAll(win.sex === '' ? 'missing-field: Sex is blank' : `unknown-code: Sex '${win.sex}' is not 1, 2, M, F, U, 0 or 9`);
  const ethProblem = codeProblem(ETHNICITY, win.ethnicity, 'Ethnicity', 'an ethnicity code', undefined);
  if (ethProblem) return rejectAll(ethProblem);
  const disability = win.disabilities.some((d) => d !== 'NONE');
  for (const other of recs.slice(1)) {
    const before = `PersonBirthDate=${other.dob} Sex=${other.sex} Ethnicity=${other.ethnicity}`;
    const after = `PersonBirthDate=${win.dob} Sex=${win.sex} Ethnicity=${win.ethnicity}`;
    if (before !== after) report.repair(id, 'child-details-revised', before, after, other.ref);
  }
  report.imported(win.ref);
  for (const other of recs.slice(1)) report.merged(other.ref);

  // --- episodes: validate, then deduplicate by referral date (the latest census wins)
  const valid: Episode[] = [];
  for (const rec of recs) {
    for (const raw of rec.episodes) {
      const e = validateEpisode(raw, opts);
      if (typeof e === 'string') rejectEpisode(report, raw, e);
      else valid.push(e);
    }
  }
  const byReferral = new Map<number, Episode[]>();
  for (const e of valid) {
    let g = byReferral.get(e.referral);
    if (!g) byReferral.set(e.referral, (g = []));
    g.push(e);
  }
  const episodes: Episode[] = [];
  for (const g of byReferral.values()) {
    g.sort((a, b) => newer(a.raw, b.raw) || b.raw.ref.line - a.raw.ref.line);
    episodes.push(g[0]);
    for (const [rule, before, after] of g[0].pending) report.repair(id, rule, before, after, g[0].raw.ref);
    for (const other of g.slice(1)) {
      if (other.raw.census === g[0].raw.census) {
        report.repair(id, 'duplicate-episode', `CINdetails at line ${other.raw.ref.line} (referral ${fmt(other.referral)})`, `CINdetails at line ${g[0].raw.ref.line} kept`, other.raw.ref);
      }
      for (const r of episodeRows(other.raw)) report.merged(r);
    }
  }
  episodes.sort((a, b) => a.referral - b.referral);

  // --- one episode at a time: an episode still open (or closing late) when the next referral arrives ends there
  for (let i = 0; i + 1 < episodes.length; i++) {
    const e = episodes[i];
    const next = episodes[i + 1].referral;
    if (e.closure === null) {
      const reason = e.reason ?? 'RC7';
      report.repair(id, 'episode-open-before-next-referral', `referral ${fmt(e.referral)} CINclosureDate= (next referral ${fmt(next)})`, `CINclosureDate=${fmt(next)} ReasonForClosure=${reason}`, e.raw.ref);
      e.closure = next;
      e.reason = reason;
    } else if (e.closure > next) {
      report.repair(id, 'episode-overlaps-next', `CINclosureDate=${fmt(e.closure)} (next referral ${fmt(next)})`, `CINclosureDate=${fmt(next)}`, e.raw.ref);
      e.closure = next;
    }
  }

  const events: NewEvent[] = [];
  const referrals: number[] = [];
  const plansSoFar = { n: -1 };
  for (const e of episodes) {
    report.imported(e.raw.ref);
    const lastReferral = referrals.length > 0 ? referrals[referrals.length - 1] : undefined;
    events.push(...episodeEvents(report, id, e, opts, lastReferral, plansSoFar));
    referrals.push(e.referral);
  }
  if (episodes.length === 0) {
    // a child with no usable episode carries no events
    const reason = `no-episodes: child ${id} has no usable CINdetails`;
    for (const r of recs) report.reject(r.ref, reason);
    return undefined;
  }
  const first: NewEvent = {
    type: 'ChildRegistered',
    childId: id,
    date: events[0].date,
    dateOfBirth: isoDate(dob),
    sex: sex as Sex,
    ethnicity: win.ethnicity as never,
    disability,
    uasc: false,
  };
  return { childId: id, source: 'cin', events: [first, ...events], rows: allRows };
}

function episodeRows(raw: RawEpisode): RowRef[] {
  return [raw.ref, ...raw.assessments.map((a) => a.ref), ...raw.cinPlans.map((p) => p.ref), ...raw.s47s.map((s) => s.ref), ...raw.cpPlans.map((p) => p.ref)];
}

function rejectEpisode(report: ImportReport, raw: RawEpisode, reason: string): void {
  report.reject(raw.ref, reason);
  const sub = `episode-rejected: its CINdetails (line ${raw.ref.line}) was rejected (${reason.split(':')[0]})`;
  for (const r of episodeRows(raw).slice(1)) report.reject(r, sub);
}

function validateEpisode(raw: RawEpisode, opts: CinBuildOptions): Episode | string {
  const pending: [string, string, string][] = [];
  const refDate = opts.ignoreReferenceDate ? undefined : raw.census.referenceDate;
  const referral = dateField(raw.referral, 'CINreferralDate');
  if (typeof referral === 'string') return referral;
  if (referral === null) return 'missing-field: CINreferralDate is blank';
  if (refDate !== undefined && referral > refDate) {
    return `after-reference-date: CINreferralDate ${fmt(referral)} is after the census reference date ${fmt(refDate)}`;
  }
  const sp = codeProblem(REFERRAL_SOURCE, raw.source, 'ReferralSource', 'a referral source code', undefined);
  if (sp) return sp;
  let need = raw.need;
  if (need === '') {
    pending.push(['missing-need-code', 'PrimaryNeedCode=', 'PrimaryNeedCode=N0']);
    need = 'N0';
  } else {
    const np = codeProblem(NEED_CODE, need, 'PrimaryNeedCode', 'a category of need code', undefined);
    if (np) return np;
  }
  let closure = dateField(raw.closure, 'CINclosureDate');
  if (typeof closure === 'string') return closure;
  if (closure !== null && closure < referral) return `closure-before-referral: CINclosureDate ${fmt(closure)} is before CINreferralDate ${fmt(referral)}`;
  let reason: string | null = raw.reason === '' ? null : raw.reason;
  if (reason !== null) {
    const rp = codeProblem(CLOSURE_REASON, reason, 'ReasonForClosure', 'a reason for closure code', undefined);
    if (rp) return rp;
  }
  if (closure !== null && refDate !== undefined && closure > refDate) {
    pending.push(['end-after-reference-date', `CINclosureDate=${fmt(closure)} (reference date ${fmt(refDate)})`, 'CINclosureDate= (open at the census date)']);
    closure = null;
  }
  if (closure !== null && reason === null) {
    pending.push(['missing-closure-reason', `CINclosureDate=${fmt(closure)} ReasonForClosure=`, 'ReasonForClosure=RC7']);
    reason = 'RC7';
  } else if (closure === null && reason !== null) {
    pending.push(['closure-reason-without-date', `CINclosureDate= ReasonForClosure=${reason}`, 'ReasonForClosure= (ignored: the episode is open)']);
    reason = null;
  }
  const nfa = flag(raw.referralNfa);
  if (nfa === undefined) return `bad-flag: ReferralNFA '${raw.referralNfa}' is not true/false/1/0`;
  const icpc = dateField(raw.icpc, 'DateOfInitialCPC');
  if (typeof icpc === 'string') return icpc;
  return { raw, referral, source: raw.source, need, closure, reason, nfa, icpc, pending };
}

/**
 * Validates an item's dates against the episode (start inside it; end cleared if after the census
 * date, ended at the closure if later or still open). Returns the item or rejects its row.
 */
function itemDates(
  report: ImportReport,
  id: string,
  e: Episode,
  refDate: number | undefined,
  ref: RowRef,
  startText: string,
  endText: string | undefined,
  startField: string,
  endField: string,
): { start: number; end: number | null } | undefined {
  const reject = (reason: string): undefined => {
    report.reject(ref, reason);
    return undefined;
  };
  const start = dateField(startText, startField);
  if (typeof start === 'string') return reject(start);
  if (start === null) return reject(`missing-field: ${startField} is blank`);
  if (start < e.referral) return reject(`before-referral: ${startField} ${fmt(start)} is before the episode's CINreferralDate ${fmt(e.referral)}`);
  if (refDate !== undefined && start > refDate) return reject(`after-reference-date: ${startField} ${fmt(start)} is after the census reference date ${fmt(refDate)}`);
  if (e.closure !== null && start > e.closure) return reject(`after-closure: ${startField} ${fmt(start)} is after the episode's CINclosureDate ${fmt(e.closure)}`);
  let end: number | null = null;
  if (endText !== undefined) {
    const d = dateField(endText, endField);
    if (typeof d === 'string') return reject(d);
    if (d !== null && d < start) return reject(`end-before-start: ${endField} ${fmt(d)} is before ${startField} ${fmt(start)}`);
    end = d;
    if (end !== null && refDate !== undefined && end > refDate) {
      report.repair(id, 'end-after-reference-date', `${endField}=${fmt(end)} (reference date ${fmt(refDate)})`, `${endField}= (open at the census date)`, ref);
      end = null;
    }
    if (e.closure !== null) {
      if (end === null) {
        report.repair(id, 'open-at-closure', `${endField}= (episode closed ${fmt(e.closure)})`, `${endField}=${fmt(e.closure)}`, ref);
        end = e.closure;
      } else if (end > e.closure) {
        report.repair(id, 'ends-after-closure', `${endField}=${fmt(end)} (episode closed ${fmt(e.closure)})`, `${endField}=${fmt(e.closure)}`, ref);
        end = e.closure;
      }
    }
  }
  return { start, end };
}

/** Sorts items of one kind and makes them follow one another (open or overlapping items end where the next begins). */
function sequence<T extends Item>(report: ImportReport, id: string, items: T[], endField: string): T[] {
  items.sort((a, b) => a.start - b.start || (a.end ?? Infinity) - (b.end ?? Infinity) || a.ref.line - b.ref.line);
  for (let i = 0; i + 1 < items.length; i++) {
    const a = items[i];
    const next = items[i + 1].start;
    if (a.end === null) {
      report.repair(id, 'open-item-followed', `${endField}= (next starts ${fmt(next)})`, `${endField}=${fmt(next)}`, a.ref);
      a.end = next;
    } else if (a.end > next) {
      report.repair(id, 'overlap', `${endField}=${fmt(a.end)} (next starts ${fmt(next)})`, `${endField}=${fmt(next)}`, a.ref);
      a.end = next;
    }
  }
  return items;
}

type Keyed = { ev: NewEvent; date: number; rank: number; instance: number; phase: number };

function episodeEvents(report: ImportReport, id: string, e: Episode, opts: CinBuildOptions, lastReferral: number | undefined, plans: { n: number }): NewEvent[] {
  const refDate = opts.ignoreReferenceDate ? undefined : e.raw.census.referenceDate;
  const base = { childId: id };

  // --- items
  const assessments: Assessment[] = [];
  for (const a of e.raw.assessments) {
    const d = itemDates(report, id, e, refDate, a.ref, a.start, a.auth, 'AssessmentActualStartDate', 'AssessmentAuthorisationDate');
    if (!d) continue;
    const factors: string[] = [];
    for (const f of a.factors) {
      if (!FACTORS.has(f)) report.repair(id, 'unknown-factor', `AssessmentFactors=${f}`, '(dropped: not an assessment factor code)', a.ref);
      else if (!factors.includes(f)) factors.push(f);
    }
    assessments.push({ ref: a.ref, ...d, factors });
    report.imported(a.ref);
  }
  sequence(report, id, assessments, 'AssessmentAuthorisationDate');

  const cinPlans: Item[] = [];
  for (const p of e.raw.cinPlans) {
    const d = itemDates(report, id, e, refDate, p.ref, p.start, p.end, 'CINPlanStartDate', 'CINPlanEndDate');
    if (!d) continue;
    cinPlans.push({ ref: p.ref, ...d });
    report.imported(p.ref);
  }
  sequence(report, id, cinPlans, 'CINPlanEndDate');

  const cpPlans: CpPlan[] = [];
  for (const p of e.raw.cpPlans) {
    const cat = codeProblem(CP_CATEGORY, p.category, p.categoryField, 'a category of abuse code', undefined);
    if (cat) {
      report.reject(p.ref, cat);
      continue;
    }
    let previous: number | null = null;
    if (p.previous !== '') {
      if (!/^\d+$/.test(p.previous)) {
        report.reject(p.ref, `bad-number: NumberOfPreviousCPP '${p.previous}' is not a whole number`);
        continue;
      }
      previous = +p.previous;
    }
    const d = itemDates(report, id, e, refDate, p.ref, p.start, p.end, 'CPPstartDate', 'CPPendDate');
    if (!d) continue;
    cpPlans.push({ ref: p.ref, ...d, category: p.category, previous });
    report.imported(p.ref);
  }
  sequence(report, id, cpPlans, 'CPPendDate');

  const s47s: S47[] = [];
  for (const s of e.raw.s47s) {
    const d = itemDates(report, id, e, refDate, s.ref, s.start, undefined, 'S47ActualStartDate', '');
    if (!d) continue;
    const icpc = dateField(s.icpc, 'DateOfInitialCPC');
    if (typeof icpc === 'string') {
      report.reject(s.ref, icpc);
      continue;
    }
    if (icpc !== null && icpc < d.start) {
      report.reject(s.ref, `icpc-before-s47: DateOfInitialCPC ${fmt(icpc)} is before S47ActualStartDate ${fmt(d.start)}`);
      continue;
    }
    let keep = icpc;
    if (keep !== null && refDate !== undefined && keep > refDate) {
      report.repair(id, 'icpc-after-reference-date', `DateOfInitialCPC=${fmt(keep)} (reference date ${fmt(refDate)})`, 'DateOfInitialCPC=', s.ref);
      keep = null;
    }
    if (keep !== null && e.closure !== null && keep > e.closure) {
      report.repair(id, 'icpc-outside-episode', `DateOfInitialCPC=${fmt(keep)} (episode closed ${fmt(e.closure)})`, 'DateOfInitialCPC=', s.ref);
      keep = null;
    }
    s47s.push({ ref: s.ref, start: d.start, icpc: keep });
  }
  s47s.sort((a, b) => a.start - b.start || a.ref.line - b.ref.line);
  // an S47 whose ICPC falls after the next S47 starts would overlap it: the later one cannot be used
  const acceptedS47: S47[] = [];
  for (const s of s47s) {
    const prev = acceptedS47[acceptedS47.length - 1];
    if (prev && prev.icpc !== null && prev.icpc > s.start) {
      report.reject(s.ref, `overlap: S47ActualStartDate ${fmt(s.start)} is before the previous enquiry's ICPC on ${fmt(prev.icpc)}`);
      continue;
    }
    acceptedS47.push(s);
    report.imported(s.ref);
  }

  // episode-level ICPC date
  let loneIcpc: number | null = e.icpc;
  if (loneIcpc !== null) {
    if (acceptedS47.some((s) => s.icpc === loneIcpc)) loneIcpc = null;
    else if (refDate !== undefined && loneIcpc > refDate) {
      report.repair(id, 'icpc-after-reference-date', `DateOfInitialCPC=${fmt(loneIcpc)} (reference date ${fmt(refDate)})`, 'DateOfInitialCPC=', e.raw.ref);
      loneIcpc = null;
    } else if (loneIcpc < e.referral || (e.closure !== null && loneIcpc > e.closure)) {
      report.repair(id, 'icpc-outside-episode', `DateOfInitialCPC=${fmt(loneIcpc)} (episode ${fmt(e.referral)} to ${fmt(e.closure) || 'open'})`, 'DateOfInitialCPC=', e.raw.ref);
      loneIcpc = null;
    }
  }

  // --- events
  const out: Keyed[] = [];
  const push = (ev: NewEvent, date: number, rank: number, instance: number, phase: number): void => {
    out.push({ ev, date, rank, instance, phase });
  };
  push(
    {
      type: 'ReferralAccepted',
      ...base,
      date: isoDate(e.referral),
      referralId: `${id}/${isoDate(e.referral)}`,
      source: e.source as never,
      isRereferral: lastReferral !== undefined && lastReferral >= addYears(e.referral, -1),
    },
    e.referral,
    0,
    0,
    0,
  );

  const planStarts = [...cinPlans.map((p) => p.start), ...cpPlans.map((p) => p.start)];
  assessments.forEach((a, i) => {
    const nextStart = i + 1 < assessments.length ? assessments[i + 1].start : Infinity;
    push({ type: 'AssessmentStarted', ...base, date: isoDate(a.start) }, a.start, 1, i, 0);
    if (a.end !== null) {
      const auth = a.end;
      let outcome: 'nfa' | 'cin' | 's47' | 'early_help' = 'nfa';
      if (acceptedS47.some((s) => s.start >= a.start && s.start < nextStart)) outcome = 's47';
      else if (planStarts.some((d) => d >= auth && d < nextStart)) outcome = 'cin';
      else if (e.reason === 'RC9') outcome = 'early_help';
      push({ type: 'AssessmentAuthorised', ...base, date: isoDate(auth), factors: a.factors as never, outcome }, auth, 1, i, 1);
    }
  });

  acceptedS47.forEach((s, i) => {
    push({ type: 'StrategyDiscussionHeld', ...base, date: isoDate(s.start) }, s.start, 2, i, 0);
    push({ type: 'Section47Started', ...base, date: isoDate(s.start) }, s.start, 2, i, 1);
    if (s.icpc !== null) {
      const icpc = s.icpc;
      push({ type: 'Section47Concluded', ...base, date: isoDate(icpc), outcome: 'icpc' }, icpc, 2, i, 2);
      push({ type: 'IcpcHeld', ...base, date: isoDate(icpc), resultedInCpPlan: cpPlans.some((p) => p.start === icpc) }, icpc, 2, i, 3);
    } else {
      const candidates: { d: number; cin: boolean }[] = [];
      if (i + 1 < acceptedS47.length) candidates.push({ d: acceptedS47[i + 1].start, cin: false });
      for (const p of cinPlans) if (p.start >= s.start) candidates.push({ d: p.start, cin: true });
      for (const p of cpPlans) if (p.start >= s.start) candidates.push({ d: p.start, cin: false });
      if (e.closure !== null) candidates.push({ d: e.closure, cin: false });
      candidates.sort((a, b) => a.d - b.d || Number(b.cin) - Number(a.cin));
      const c = candidates[0];
      if (c) push({ type: 'Section47Concluded', ...base, date: isoDate(c.d), outcome: c.cin ? 'cin' : 'nfa' }, c.d, 2, i, 2);
    }
  });
  if (loneIcpc !== null) {
    const icpc = loneIcpc;
    push({ type: 'IcpcHeld', ...base, date: isoDate(icpc), resultedInCpPlan: cpPlans.some((p) => p.start === icpc) }, icpc, 2, acceptedS47.length, 3);
  }

  cinPlans.forEach((p, i) => {
    push({ type: 'CinPlanStarted', ...base, date: isoDate(p.start), needCode: e.need as never }, p.start, 3, i, 0);
    if (p.end !== null) push({ type: 'CinPlanEnded', ...base, date: isoDate(p.end) }, p.end, 3, i, 1);
  });

  cpPlans.forEach((p, i) => {
    let previous: number;
    if (plans.n < 0) {
      if (p.previous === null) report.repair(id, 'previous-plans', 'NumberOfPreviousCPP=', 'NumberOfPreviousCPP=0 (first plan in the returns)', p.ref);
      previous = p.previous ?? 0;
    } else {
      previous = plans.n;
      if (p.previous !== previous) {
        report.repair(id, 'previous-plans', `NumberOfPreviousCPP=${p.previous ?? ''}`, `NumberOfPreviousCPP=${previous} (plans in the child's history)`, p.ref);
      }
    }
    plans.n = previous + 1;
    push({ type: 'CpPlanStarted', ...base, date: isoDate(p.start), category: p.category as never, previousPlans: previous }, p.start, 4, i, 0);
    if (p.end !== null) push({ type: 'CpPlanEnded', ...base, date: isoDate(p.end) }, p.end, 4, i, 1);
  });

  if (e.closure !== null) {
    const busy = assessments.length + acceptedS47.length + cinPlans.length + cpPlans.length > 0 || loneIcpc !== null;
    let referralNfa = e.nfa;
    if (e.nfa && busy) {
      report.repair(id, 'referral-nfa-contradicted', 'ReferralNFA=true (the episode has assessments, S47s, ICPCs or plans)', 'ReferralNFA=false', e.raw.ref);
      referralNfa = false;
    }
    push({ type: 'CaseClosed', ...base, date: isoDate(e.closure), reason: e.reason as never, referralNfa }, e.closure, 9, 0, 0);
  }

  out.sort((a, b) => a.date - b.date || a.rank - b.rank || a.instance - b.instance || a.phase - b.phase);
  return out.map((k) => k.ev);
}
