/**
 * SSDA903 rows to events. Rows are validated (dates, codes valid in the row's collection year),
 * duplicates across a multi-year stack are merged (the latest return wins), each child's episodes
 * are reconciled with the returns of the stack and swept into periods of care: RNE = S starts a
 * period (PeriodOfCareStarted), later episodes are EpisodeChanged, a REC other than X1 ends the
 * period (PeriodOfCareEnded). Every repair is reported; every row ends imported, merged or
 * rejected with a reason.
 *
 * The principle: a child is looked after on a day when some episode row covers it (DECOM up to,
 * not including, DEC; an open episode covers every later day), which is how a return's own count
 * of children looked after at 31 March reads it. The repair rules follow from it:
 *
 * - `header-revised`, `episode-revised`, `duplicate-episode`: rows of the same child / episode
 *   disagree; the latest return (then a closed row, then the later row) wins.
 * - `dec-after-year-end`: a DEC after the end of the row's collection year cannot be known to that
 *   return; the episode is read as open at the year end (a later return carries the end).
 * - `missing-from-return`, `back-in-later-return`, `missing-from-earlier-return`: each return of a
 *   stack is authoritative for its own year (see `splitByReturns`).
 * - `rec-on-open-episode`: an open episode (no DEC) with a REC other than X1; the REC is ignored.
 * - `missing-rec`: DEC without REC; read as X1.
 * - `overlap` / `open-episode-followed`: an episode still running when a later one starts gives
 *   way to it; `nested-episode`: it takes over again when the later one ends before it does.
 * - `rec-inside-period`: an episode ends with a REC other than X1 while another still covers the
 *   day; the period goes on.
 * - `gap-after-x1` / `x1-without-next-episode`: X1 but no episode covers the next day; the period
 *   ends there with E8 (reason not recorded).
 * - `new-period-without-end`: RNE = S while the period goes on; RNE becomes T, L or P from what changed.
 * - `episode-after-period-end`: a new period starts with RNE other than S; RNE becomes S.
 * - `period-start-before-return`: a child's first episode has RNE other than S (the period began
 *   before the earliest return); the period is started at that DECOM.
 * - `uasc-details-differ`, `child-id-qualified`: see the functions below.
 */
import { type NewEvent, type Sex } from '../../events/index.ts';
import { collectionYearOf } from '../../calendar/index.ts';
import { collectionYearEnd, collectionYearLabel, collectionYearStart, dmyDate, isoDate } from '../dates.ts';
import type { ImportReport, RowRef } from '../report.ts';
import type { ChildStream } from '../types.ts';
import type { RawReturn, RawRow } from './read.ts';
import { fmt, validateEpisode, validateHeader, validateOc3, validateUasc, type EpisodeRec, type HeaderRec, type Oc3Rec, type UascRec } from './rows.ts';
import { addOc3Statuses } from './oc3.ts';

function newestFirst<T extends { raw: RawRow; year: number | undefined }>(a: T, b: T, closed?: (x: T) => boolean): number {
  const ya = a.year ?? -Infinity;
  const yb = b.year ?? -Infinity;
  if (ya !== yb) return yb - ya;
  if (closed) {
    const ca = closed(a) ? 1 : 0;
    const cb = closed(b) ? 1 : 0;
    if (ca !== cb) return cb - ca;
  }
  return b.raw.order - a.raw.order;
}

export function describeEpisode(e: Pick<EpisodeRec, 'decom' | 'dec' | 'rne' | 'ls' | 'cin' | 'place' | 'provider' | 'rec' | 'rpc'>): string {
  return `DECOM=${fmt(e.decom)} RNE=${e.rne} LS=${e.ls} CIN=${e.cin} PLACE=${e.place} PLACE_PROVIDER=${e.provider} DEC=${fmt(e.dec)} REC=${e.rec ?? ''}${e.rpc ? ` REASON_PLACE_CHANGE=${e.rpc}` : ''}`;
}

function describeHeader(h: HeaderRec): string {
  return `SEX=${h.sex} DOB=${fmt(h.dob)} ETHNIC=${h.ethnic}`;
}

function sameStart(a: EpisodeRec, b: EpisodeRec): boolean {
  return a.rne === b.rne && a.ls === b.ls && a.cin === b.cin && a.place === b.place && a.provider === b.provider;
}

function sameEpisode(a: EpisodeRec, b: EpisodeRec): boolean {
  return sameStart(a, b) && a.dec === b.dec && (a.rec ?? 'X1') === (b.rec ?? 'X1') && a.rpc === b.rpc;
}

/** Deduplication key: a child's episode is identified by its DECOM (zero-length episodes also by content). */
function episodeKey(e: EpisodeRec): string {
  return e.dec === e.decom ? `${e.child}\u0000${e.decom}\u0000z\u0000${e.rne}\u0000${e.ls}\u0000${e.place}\u0000${e.provider}` : `${e.child}\u0000${e.decom}`;
}

function legalOrPlacementChange(prev: EpisodeRec, cur: EpisodeRec): string {
  const legal = prev.ls !== cur.ls;
  const placement = prev.place !== cur.place || prev.provider !== cur.provider;
  return legal && placement ? 'T' : legal ? 'L' : 'P';
}

/** Turns validated rows into one stream per child, recording every decision in `report`. */
export function buildSsda903(report: ImportReport, returns: readonly RawReturn[]): ChildStream[] {
  const episodes: EpisodeRec[] = [];
  const headers: HeaderRec[] = [];
  const uascs: UascRec[] = [];
  const oc3s: Oc3Rec[] = [];
  for (const ret of returns) {
    for (const r of ret.episodes.rows) {
      const v = validateEpisode(r);
      if (typeof v === 'string') report.reject(r.ref, v);
      else episodes.push(v);
    }
    for (const r of ret.header.rows) {
      const v = validateHeader(r);
      if (typeof v === 'string') report.reject(r.ref, v);
      else headers.push(v);
    }
    for (const r of ret.uasc?.rows ?? []) {
      const v = validateUasc(r);
      if (typeof v === 'string') report.reject(r.ref, v);
      else uascs.push(v);
    }
    for (const r of ret.oc3?.rows ?? []) {
      const v = validateOc3(r);
      if (typeof v === 'string') report.reject(r.ref, v);
      else oc3s.push(v);
    }
  }

  qualifyChildIds(report, [...episodes, ...headers, ...uascs, ...oc3s]);

  // the returns in the stack, by LA: years whose return is present
  const coverage = new Map<string, Set<number>>();
  for (const e of episodes) {
    if (e.year === undefined) continue;
    const la = laOf(e);
    let set = coverage.get(la);
    if (!set) coverage.set(la, (set = new Set()));
    set.add(e.year);
  }

  // --- headers: one per child, the latest return wins
  const headerGroups = groupBy(headers, (h) => h.child);
  const headerOf = new Map<string, HeaderRec>();
  const headerRows = new Map<string, RowRef[]>();
  for (const [child, group] of headerGroups) {
    group.sort((a, b) => newestFirst(a, b));
    const win = group[0];
    headerOf.set(child, win);
    headerRows.set(
      child,
      group.map((g) => g.raw.ref),
    );
    const uasc = group.some((g) => g.uasc);
    for (const g of group.slice(1)) {
      if (g.sex !== win.sex || g.dob !== win.dob || g.ethnic !== win.ethnic) {
        report.repair(child, 'header-revised', describeHeader(g), describeHeader(win), g.raw.ref);
      }
    }
    if (uasc && !win.uasc) headerOf.set(child, { ...win, uasc: true });
  }

  // --- UASC rows mark the child as an unaccompanied asylum-seeking child
  const uascGroups = groupBy(uascs, (u) => u.child);
  // --- OC3 rows: a care leaver's status at a birthday from the 17th to the 21st
  const oc3Groups = groupBy(oc3s, (o) => o.child);

  // --- episodes: deduplicate across returns (latest return wins)
  const episodeGroups = groupBy(episodes, episodeKey);
  const byChild = new Map<string, Group[]>();
  for (const group of episodeGroups.values()) {
    group.sort((a, b) => newestFirst(a, b, (x) => x.dec !== null));
    const win = group[0];
    for (const g of group.slice(1)) {
      const pureUpdate = g.dec === null && sameStart(g, win) && (g.year ?? -Infinity) <= (win.year ?? -Infinity);
      if (!pureUpdate && !sameEpisode(g, win)) {
        const rule = g.year === win.year ? 'duplicate-episode' : 'episode-revised';
        report.repair(win.child, rule, describeEpisode(g), describeEpisode(win), g.raw.ref);
      }
    }
    let list = byChild.get(win.child);
    if (!list) byChild.set(win.child, (list = []));
    list.push({ win, rows: group.map((g) => g.raw.ref), years: new Set(group.map((g) => g.year).filter((y): y is number => y !== undefined)) });
  }

  const streams: ChildStream[] = [];
  const children = [...new Set([...byChild.keys(), ...headerOf.keys(), ...uascGroups.keys(), ...oc3Groups.keys()])].sort();
  for (const child of children) {
    const header = headerOf.get(child);
    const eps = byChild.get(child) ?? [];
    const uascRows = (uascGroups.get(child) ?? []).map((u) => u.raw.ref);
    const oc3 = oc3Groups.get(child) ?? [];
    const allRows = [...(headerRows.get(child) ?? []), ...eps.flatMap((e) => e.rows), ...uascRows, ...oc3.map((o) => o.raw.ref)];
    if (!header) {
      const reason = `no-header: no usable Header row for child ${child} in any input`;
      for (const r of allRows) report.reject(r, reason);
      continue;
    }
    // episodes that start before the date of birth cannot be used
    const usable: Group[] = [];
    for (const e of eps) {
      if (e.win.decom < header.dob) {
        const reason = `decom-before-dob: DECOM ${dmyDate(e.win.decom)} is before the child's DOB ${dmyDate(header.dob)}`;
        for (const r of e.rows) report.reject(r, reason);
      } else usable.push(e);
    }
    const uasc = header.uasc || uascRows.length > 0;
    if (usable.length === 0) {
      // a care leaver in a return without an episode that year: registered with its statuses
      const events: NewEvent[] = [{ type: 'ChildRegistered', childId: child, date: isoDate(header.dob), dateOfBirth: isoDate(header.dob), sex: header.sex, ethnicity: header.ethnic as never, disability: false, uasc }];
      const statusRows = oc3.length > 0 ? addOc3Statuses(report, child, header.dob, events, oc3) : [];
      if (events.length > 1) events[0] = { ...events[0], date: events[1].date };
      if (statusRows.length === 0) {
        const reason = `no-episodes: child ${child} has no usable episode in any input`;
        for (const r of [...(headerRows.get(child) ?? []), ...uascRows]) report.reject(r, reason);
        continue;
      }
      for (const r of headerRows.get(child) ?? []) (r === header.raw.ref ? report.imported(r) : report.merged(r));
      uascRows.forEach((r, i) => (i === 0 ? report.imported(r) : report.merged(r)));
      streams.push({ childId: child, source: 'ssda903', events, rows: [...(headerRows.get(child) ?? []), ...uascRows, ...statusRows] });
      continue;
    }
    for (const u of uascGroups.get(child) ?? []) {
      const differs: string[] = [];
      if (u.sex !== undefined && u.sex !== header.sex) differs.push(`SEX=${u.sex}`);
      if (u.dob !== null && u.dob !== header.dob) differs.push(`DOB=${fmt(u.dob)}`);
      if (differs.length > 0) report.repair(child, 'uasc-details-differ', `UASC ${differs.join(' ')}`, `Header ${describeHeader(header)} kept`, u.raw.ref);
    }
    const chain: EpisodeRec[] = [];
    for (const u of usable) chain.push(...splitByReturns(report, child, capToYear(report, child, { ...u.win }), u.years, coverage));
    chain.sort((a, b) => a.decom - b.decom || (a.dec ?? Infinity) - (b.dec ?? Infinity) || a.raw.order - b.raw.order);
    const events = episodesToEvents(report, child, header, uasc, chain);
    const statusRows = oc3.length > 0 ? addOc3Statuses(report, child, header.dob, events, oc3) : [];
    const rows = [...allRows.filter((r) => !oc3.some((o) => o.raw.ref === r)), ...statusRows];
    for (const r of headerRows.get(child) ?? []) (r === header.raw.ref ? report.imported(r) : report.merged(r));
    for (const e of usable) e.rows.forEach((r, i) => (i === 0 ? report.imported(r) : report.merged(r)));
    uascRows.forEach((r, i) => (i === 0 ? report.imported(r) : report.merged(r)));
    streams.push({ childId: child, source: 'ssda903', events, rows });
  }
  return streams;
}

interface Group {
  readonly win: EpisodeRec;
  readonly rows: RowRef[];
  /** Collection years of the returns that carry the episode. */
  readonly years: ReadonlySet<number>;
}

function laOf(e: EpisodeRec): string {
  return (e.raw.f.LA ?? '').trim();
}

/** `dec-after-year-end`: a DEC after the end of the row's collection year is not known to that return. */
export function capToYear(report: ImportReport, child: string, e: EpisodeRec): EpisodeRec {
  if (e.dec !== null && e.year !== undefined && e.dec > collectionYearEnd(e.year)) {
    report.repair(child, 'dec-after-year-end', `DEC=${fmt(e.dec)} REC=${e.rec ?? ''} (collection year ${collectionYearLabel(e.year)})`, 'DEC= REC= (open at the year end)', e.raw.ref);
    e.dec = null;
    e.rec = null;
  }
  return e;
}

/**
 * Each return is authoritative for its own year. An episode that should appear in a return of the
 * stack (it is open during that year, and the stack has that LA's return for the year) but does
 * not is cut there: `missing-from-return` ends the period on 1 April of the missing year with E8,
 * and `back-in-later-return` starts a new period on 1 April of the year it appears again (a gap
 * before its first appearance is `missing-from-earlier-return`). Years without a return in the
 * stack say nothing and leave the episode as it is.
 */
export function splitByReturns(report: ImportReport, child: string, e: EpisodeRec, years: ReadonlySet<number>, coverage: ReadonlyMap<string, ReadonlySet<number>>): EpisodeRec[] {
  const covered = coverage.get(laOf(e));
  if (!covered || covered.size === 0 || years.size === 0) return [e];
  const startYear = collectionYearOf(e.decom);
  let endYear: number;
  if (e.dec === null) endYear = Math.max(...covered);
  else {
    endYear = collectionYearOf(e.dec);
    // ending on 1 April, the episode need not appear in that year's return
    if (e.dec === collectionYearStart(endYear) && endYear > startYear) endYear--;
  }
  const runs: [number, number][] = [];
  for (let k = startYear; k <= endYear; k++) {
    const present = years.has(k) || !covered.has(k);
    if (!present) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === k - 1) last[1] = k;
    else runs.push([k, k]);
  }
  if (runs.length === 1 && runs[0][0] === startYear && runs[0][1] === endYear) return [e];
  const out: EpisodeRec[] = [];
  const what = `episode DECOM=${fmt(e.decom)} PLACE=${e.place} LS=${e.ls}`;
  for (let i = 0; i < runs.length; i++) {
    const [s, t] = runs[i];
    const seg: EpisodeRec = { ...e };
    if (s !== startYear) {
      seg.decom = collectionYearStart(s);
      seg.rne = 'S';
      seg.startRepair = i === 0 ? 'missing-from-earlier-return' : 'back-in-later-return';
      report.repair(
        child,
        i === 0 ? 'missing-from-earlier-return' : 'back-in-later-return',
        `${what} is in the ${collectionYearLabel(s)} return but not in the ${collectionYearLabel(s - 1)} return`,
        `new period from ${fmt(seg.decom)}`,
        e.raw.ref,
      );
    }
    if (t !== endYear) {
      seg.dec = collectionYearStart(t + 1);
      seg.rec = 'E8';
      seg.endRepair = 'missing-from-return';
      report.repair(
        child,
        'missing-from-return',
        covered.has(t)
          ? `${what} is open at the end of the ${collectionYearLabel(t)} return but not in the ${collectionYearLabel(t + 1)} return`
          : `${what} is open before ${collectionYearLabel(t + 1)} but not in the ${collectionYearLabel(t + 1)} return`,
        `DEC=${fmt(seg.dec)} REC=E8 (period ended at the year end)`,
        e.raw.ref,
      );
    }
    out.push(seg);
  }
  return out;
}

/** When one CHILD id appears under more than one LA, its rows are told apart as `LA:CHILD`. */
function qualifyChildIds(report: ImportReport, recs: { raw: RawRow; child: string }[]): void {
  const las = new Map<string, Set<string>>();
  for (const r of recs) {
    const la = (r.raw.f.LA ?? '').trim();
    if (la === '') continue;
    let s = las.get(r.child);
    if (!s) las.set(r.child, (s = new Set()));
    s.add(la);
  }
  const reported = new Set<string>();
  for (const r of recs) {
    const la = (r.raw.f.LA ?? '').trim();
    if (la === '' || (las.get(r.child)?.size ?? 0) < 2) continue;
    const q = `${la}:${r.child}`;
    if (!reported.has(q)) {
      reported.add(q);
      report.repair(q, 'child-id-qualified', `CHILD=${r.child} (in ${[...las.get(r.child)!].sort().join(', ')})`, `childId=${q}`, r.raw.ref);
    }
    r.child = q;
    r.raw.ref.child = q;
  }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    let g = m.get(k);
    if (!g) m.set(k, (g = []));
    g.push(it);
  }
  return m;
}

/**
 * A child's episodes to events, by a sweep over the days on which something starts or ends.
 *
 * The child is looked after on a day when any episode covers it (DECOM up to, not including, DEC;
 * an open episode covers every later day), as a return's own count of children looked after
 * would say. The current episode is the one that started last among those covering the day.
 * Within a day: episodes ending that day end, zero-length episodes (DEC = DECOM) pass in file
 * order, then episodes starting that day start. A change of current episode is an EpisodeChanged
 * when the period goes on (the episode that ended has REC X1, or another episode still covers the
 * day), otherwise the period ends with the REC and the next episode starts a new period.
 *
 * Exported for tests of the repair rules. `eps` is sorted and repaired in place.
 */
export function episodesToEvents(report: ImportReport, child: string, header: { dob: number; sex: Sex; ethnic: string }, uasc: boolean, eps: EpisodeRec[]): NewEvent[] {
  const rep = (rule: string, before: string, after: string, e: EpisodeRec): void => report.repair(child, rule, before, after, e.raw.ref);
  for (const e of eps) {
    if (e.dec === null && e.rec !== null) {
      if (e.rec !== 'X1') rep('rec-on-open-episode', `DEC= REC=${e.rec}`, 'DEC= REC=', e);
      e.rec = null;
    }
    if (e.dec !== null && e.rec === null) {
      rep('missing-rec', `DEC=${fmt(e.dec)} REC=`, `DEC=${fmt(e.dec)} REC=X1`, e);
      e.rec = 'X1';
    }
  }
  eps.sort((a, b) => a.decom - b.decom || (a.dec ?? Infinity) - (b.dec ?? Infinity) || a.raw.order - b.raw.order);
  const positive = eps.filter((e) => e.dec === null || e.dec > e.decom);
  const zeroAt = new Map<number, EpisodeRec[]>();
  for (const e of eps) {
    if (e.dec !== null && e.dec === e.decom) {
      let l = zeroAt.get(e.decom);
      if (!l) zeroAt.set(e.decom, (l = []));
      l.push(e);
    }
  }
  const days = [...new Set(eps.flatMap((e) => (e.dec === null ? [e.decom] : [e.decom, e.dec])))].sort((a, b) => a - b);
  const lastDay = days[days.length - 1];

  const events: NewEvent[] = [
    {
      type: 'ChildRegistered',
      childId: child,
      date: isoDate(eps[0].decom),
      dateOfBirth: isoDate(header.dob),
      sex: header.sex,
      ethnicity: header.ethnic as never,
      disability: false,
      uasc,
    },
  ];
  let periods = 0;
  const superseded = new Set<EpisodeRec>();
  const resumed = new Set<EpisodeRec>();

  const startPeriod = (y: EpisodeRec, d: number): void => {
    // a start no return records is marked, so that it is not read as an entry to care
    let repair = y.decom === d ? y.startRepair : undefined;
    if (y.rne !== 'S') {
      if (periods === 0) {
        rep('period-start-before-return', `RNE=${y.rne} on ${fmt(y.decom)} (first episode in the returns)`, 'RNE=S (period started at this DECOM)', y);
        repair ??= 'period-start-before-return';
      } else rep('episode-after-period-end', `RNE=${y.rne} on ${fmt(d)} (the period had ended)`, 'RNE=S', y);
    }
    periods++;
    const ev: NewEvent = {
      type: 'PeriodOfCareStarted',
      childId: child,
      date: isoDate(d),
      legalStatus: y.ls as never,
      placement: y.place as never,
      provider: y.provider as never,
      needCode: y.cin as never,
    };
    if (uasc) ev.route = 'uasc';
    if (repair) ev.repair = repair;
    events.push(ev);
  };
  const endPeriod = (x: EpisodeRec, d: number): void => {
    let rec = x.rec;
    if (rec === null || rec === 'X1') {
      if (d === lastDay) {
        rep('x1-without-next-episode', `DEC=${fmt(x.dec)} REC=X1 (no later episode)`, `DEC=${fmt(x.dec)} REC=E8 (period ended)`, x);
      } else {
        rep('gap-after-x1', `DEC=${fmt(x.dec)} REC=X1 (no episode covers the next day)`, `DEC=${fmt(x.dec)} REC=E8 (period ended)`, x);
      }
      rec = 'E8';
    }
    const ev: NewEvent = { type: 'PeriodOfCareEnded', childId: child, date: isoDate(d), rec: rec as never };
    if (x.endRepair && x.dec === d) ev.repair = x.endRepair;
    events.push(ev);
  };
  const transition = (x: EpisodeRec | null, y: EpisodeRec | null, d: number): void => {
    if (x === y) return;
    if (x === null) {
      if (y !== null) startPeriod(y, d);
      return;
    }
    const across = positive.some((e) => e.decom < d && (e.dec === null || e.dec > d));
    const stillActive = x.dec === null || x.dec > d;
    const goesOn = stillActive || x.rec === 'X1' || across;
    if (y === null || !goesOn) {
      endPeriod(x, d);
      if (y !== null) startPeriod(y, d);
      return;
    }
    if (stillActive) superseded.add(x);
    else if (x.rec !== 'X1') {
      rep('rec-inside-period', `DEC=${fmt(x.dec)} REC=${x.rec} (another episode covers ${fmt(d)})`, `REC=X1 (the period goes on)`, x);
    }
    let rne = y.rne;
    if (y.decom !== d) {
      rne = legalOrPlacementChange(x, y);
      resumed.add(y);
      rep('nested-episode', `episode DECOM=${fmt(y.decom)} DEC=${fmt(y.dec)} covers episodes that end ${fmt(d)}`, `resumes on ${fmt(d)} (RNE=${rne})`, y);
    } else if (rne === 'S') {
      rne = legalOrPlacementChange(x, y);
      rep('new-period-without-end', `RNE=S on ${fmt(d)} (the period goes on)`, `RNE=${rne}`, y);
    }
    const ev: NewEvent = {
      type: 'EpisodeChanged',
      childId: child,
      date: isoDate(d),
      rne: rne as never,
      legalStatus: y.ls as never,
      placement: y.place as never,
      provider: y.provider as never,
    };
    if (x.dec === d && x.rpc) ev.reasonPlaceChange = x.rpc as never;
    events.push(ev);
  };

  let cur: EpisodeRec | null = null;
  for (const d of days) {
    const zs = zeroAt.get(d) ?? [];
    let after: EpisodeRec | null = null;
    for (const e of positive) {
      if (e.decom <= d && (e.dec === null || e.dec > d)) after = e; // positive is sorted: the last match started last
    }
    if (zs.length === 0 && after === cur) continue;
    let prev = cur;
    for (const s of [...zs, after]) {
      transition(prev, s, d);
      prev = s;
    }
    cur = after;
  }
  for (const x of superseded) {
    if (resumed.has(x)) continue;
    const next = positive.find((e) => e.decom > x.decom && (x.dec === null || e.decom < x.dec));
    const at = next ? fmt(next.decom) : '';
    if (x.dec === null) rep('open-episode-followed', `DECOM=${fmt(x.decom)} DEC= (a later episode starts ${at})`, `ends ${at} (X1)`, x);
    else rep('overlap', `DEC=${fmt(x.dec)} (the next episode starts ${at})`, `DEC=${at}`, x);
  }
  return events;
}
