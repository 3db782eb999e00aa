/**
 * Merging the streams of one child from two sources (an SSDA903 import and a CIN census import,
 * or two event logs) into one stream that satisfies the journey rules. Disagreements are
 * reported as conflicts, never hidden:
 *
 * - ChildRegistered: date of birth, sex and ethnicity from the first source (a conflict row when
 *   the second differs); `disability` and `uasc` are true when either source says so; the date is
 *   the earlier of the two.
 * - Events identical in both sources (same type, date and fields) are kept once.
 * - The rest are interleaved by date; on the same day a period of care ends first, then CIN
 *   events that close things, then CIN events that open things, then care starts and changes.
 * - An event that cannot follow (the journey rules refuse it) is dropped with a conflict row,
 *   except: a CP plan whose previous-plan count disagrees with the merged history takes the
 *   history's count; a case closure while the child is looked after is moved to the day the
 *   period of care ends, when nothing else of the case happens before.
 * - When one source is the CIN census and the other SSDA903, each PeriodOfCareStarted gets its
 *   route from the merged history: `uasc` for an unaccompanied asylum-seeking child, `cp` when a
 *   CP plan is open or ended that day, `cin` when a case is open, otherwise `direct`.
 */
import { brokenRule, evolveInPlace, initialJourney, type JourneyState } from '../events/journey.ts';
import { SCHEMA_VERSION, type CaseEvent, type NewEvent } from '../events/index.ts';
import type { ImportReport, RowRef } from './report.ts';
import type { ChildStream, ReturnSource } from './types.ts';

export interface MergeStream extends ChildStream {
  /** For streams read from a log: the row behind each event (same index as `events`). */
  readonly eventRows?: readonly RowRef[];
}

interface Tagged {
  ev: NewEvent;
  src: 0 | 1;
  row: RowRef | undefined;
}

const CLOSES: ReadonlySet<string> = new Set(['CpPlanEnded', 'CinPlanEnded', 'Section47Concluded', 'AssessmentAuthorised', 'ContactConcluded', 'CaseClosed']);

/** Same-day order between sources: care ends, case things close, case things open, care starts or changes. */
function crossRank(ev: NewEvent): number {
  switch (ev.type) {
    case 'PeriodOfCareEnded':
      return 0;
    case 'PeriodOfCareStarted':
    case 'EpisodeChanged':
      return 3;
    default:
      return CLOSES.has(ev.type) ? 1 : 2;
  }
}

/** The event's content without version, schema or child (for finding the same event in both sources). */
function contentKey(ev: NewEvent): string {
  const { childId: _c, version: _v, schema: _s, ...rest } = ev as NewEvent & { version?: number; schema?: number };
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, (rest as Record<string, unknown>)[k]]));
}

function describe(ev: NewEvent): string {
  const { childId: _c, type, date, version: _v, schema: _s, ...rest } = ev as NewEvent & { version?: number; schema?: number };
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : String(v)}`)
    .join(' ');
  return `${type} ${date}${fields ? ' ' + fields : ''}`;
}

function apply(state: JourneyState, ev: NewEvent, out: NewEvent[]): void {
  evolveInPlace(state, { ...ev, version: state.version + 1, schema: SCHEMA_VERSION } as CaseEvent);
  out.push(ev);
}

/** Merges two streams of the same child. `labels` name the two sources in conflict rows. */
export function mergeTwo(report: ImportReport, a: MergeStream, b: MergeStream, labels: readonly [string, string] = [a.source, b.source]): MergeStream {
  const child = a.childId;
  const ra = a.events[0];
  const rb = b.events[0];
  if (ra?.type !== 'ChildRegistered' || rb?.type !== 'ChildRegistered') {
    throw new Error(`child ${child}: a stream to merge must start with ChildRegistered`);
  }
  const date = ra.date <= rb.date ? ra.date : rb.date;
  for (const field of ['dateOfBirth', 'sex', 'ethnicity'] as const) {
    if (ra[field] !== rb[field]) {
      report.conflict(child, date, `child-${field}`, `${labels[0]}: ${ra[field]}`, `${labels[1]}: ${rb[field]}`, `${labels[0]} value kept`);
    }
  }
  const reg: NewEvent = { ...ra, date, disability: ra.disability || rb.disability, uasc: ra.uasc || rb.uasc };
  const rowA = a.eventRows;
  const rowB = b.eventRows;
  if (rowA) report.imported(rowA[0]);
  if (rowB) report.merged(rowB[0]);

  // events present in both sources are kept once
  const countA = new Map<string, number>();
  for (const ev of a.events.slice(1)) {
    const k = ev.date + contentKey(ev);
    countA.set(k, (countA.get(k) ?? 0) + 1);
  }
  const restB: Tagged[] = [];
  b.events.forEach((ev, i) => {
    if (i === 0) return;
    const k = ev.date + contentKey(ev);
    const n = countA.get(k) ?? 0;
    if (n > 0) {
      countA.set(k, n - 1);
      if (rowB) report.merged(rowB[i]);
    } else restB.push({ ev, src: 1, row: rowB?.[i] });
  });
  const restA: Tagged[] = a.events.slice(1).map((ev, i) => ({ ev, src: 0, row: rowA?.[i + 1] }));

  // interleave by date
  const merged: Tagged[] = [];
  let i = 0;
  let j = 0;
  while (i < restA.length || j < restB.length) {
    if (j >= restB.length) merged.push(restA[i++]);
    else if (i >= restA.length) merged.push(restB[j++]);
    else {
      const x = restA[i].ev;
      const y = restB[j].ev;
      if (x.date < y.date || (x.date === y.date && crossRank(x) <= crossRank(y))) merged.push(restA[i++]);
      else merged.push(restB[j++]);
    }
  }

  const deriveRoute = new Set<ReturnSource>([a.source, b.source]).has('cin') && new Set<ReturnSource>([a.source, b.source]).has('ssda903');
  const state = initialJourney(child);
  const out: NewEvent[] = [];
  apply(state, reg, out);
  let pending: Tagged | undefined;
  let lastCpEnd = '';
  const label = (t: Tagged): string => `${labels[t.src]}: ${describe(t.ev)}`;
  const drop = (t: Tagged, rule: string, other: string, resolution: string): void => {
    report.conflict(child, t.ev.date, rule, label(t), other, resolution);
    if (t.row) report.reject(t.row, `merge-conflict: ${describe(t.ev)} refused by rule ${rule}`);
  };
  const otherOf = (t: Tagged): string => {
    const last = out[out.length - 1];
    return last ? `${labels[t.src === 0 ? 1 : 0]} history: last event ${describe(last)}` : '';
  };
  for (const t of merged) {
    if (pending && t.src === pending.src && t.ev.type !== 'PeriodOfCareEnded') {
      drop(pending, 'closure-while-looked-after', otherOf(pending), `dropped: the child was still looked after when the case went on (${describe(t.ev)})`);
      pending = undefined;
    }
    let ev = t.ev;
    if (ev.type === 'PeriodOfCareStarted' && deriveRoute) {
      const route = reg.type === 'ChildRegistered' && reg.uasc ? 'uasc' : state.cpPlanOpen || lastCpEnd === ev.date ? 'cp' : state.caseOpen ? 'cin' : 'direct';
      if (ev.route !== route) ev = { ...ev, route };
    }
    if (ev.type === 'CpPlanStarted' && state.cpPlans >= 0 && ev.previousPlans !== state.cpPlans) {
      report.conflict(child, ev.date, 'previous-plans', label(t), `merged history: ${state.cpPlans} earlier plan(s)`, `previousPlans set to ${state.cpPlans}`);
      ev = { ...ev, previousPlans: state.cpPlans };
    }
    const rule = brokenRule(state, ev);
    if (rule === undefined) {
      apply(state, ev, out);
      if (ev.type === 'CpPlanEnded') lastCpEnd = ev.date;
      if (t.row) report.imported(t.row);
      if (pending && ev.type === 'PeriodOfCareEnded') {
        const moved: NewEvent = { ...pending.ev, date: ev.date };
        const r2 = brokenRule(state, moved);
        if (r2 === undefined) {
          report.conflict(child, pending.ev.date, 'closure-while-looked-after', label(pending), `${labels[t.src]}: looked after until ${ev.date}`, `closure moved to ${ev.date}`);
          apply(state, moved, out);
          if (pending.row) report.imported(pending.row);
        } else {
          drop(pending, 'closure-while-looked-after', `${labels[t.src]}: looked after until ${ev.date}`, `dropped: cannot close on ${ev.date} (${r2})`);
        }
        pending = undefined;
      }
      continue;
    }
    if (ev.type === 'CaseClosed' && rule === 'case-closed-while-looked-after' && !pending) {
      pending = { ...t, ev };
      continue;
    }
    drop({ ...t, ev }, rule, otherOf(t), 'dropped');
  }
  if (pending) drop(pending, 'closure-while-looked-after', otherOf(pending), 'dropped: the child is still looked after at the end of the data');
  const source: ReturnSource = a.source === b.source ? a.source : 'log';
  return { childId: child, source, events: out, rows: [...a.rows, ...b.rows] };
}

/** Groups streams by child and merges every child that appears in more than one (in the order given). */
export function mergeAll(report: ImportReport, groups: readonly { label: string; streams: readonly MergeStream[] }[]): MergeStream[] {
  const byChild = new Map<string, { label: string; s: MergeStream }[]>();
  for (const g of groups) {
    for (const s of g.streams) {
      let l = byChild.get(s.childId);
      if (!l) byChild.set(s.childId, (l = []));
      l.push({ label: g.label, s });
    }
  }
  const out: MergeStream[] = [];
  for (const child of [...byChild.keys()].sort()) {
    const list = byChild.get(child)!;
    let acc = list[0].s;
    let accLabel = list[0].label;
    if (acc.eventRows) for (const r of acc.eventRows) report.imported(r);
    for (const next of list.slice(1)) {
      acc = mergeTwo(report, acc, next.s, [accLabel, next.label]);
      accLabel = `${accLabel}+${next.label}`;
    }
    out.push(acc);
  }
  return out;
}
