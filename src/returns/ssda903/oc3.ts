/**
 * SSDA903 OC3 rows (care leavers' status around their 17th to 21st birthdays) to
 * `CareLeaverStatusRecorded` events, dated on the birthday from the 17th to the 21st that falls in
 * the row's collection year (from the Header's DOB; birthdays counted from the 18th, so 29 February
 * births have theirs on 28 February, as the KPIs count them). One row per child and year: the
 * latest return (then the later row) wins, the others are merged. A row is rejected when its year
 * is not known, when no such birthday falls in its year, or when the child is looked after on
 * that birthday (the episodes say so).
 */
import { addYears, addYearsFast, parseIsoDate } from '../../calendar/index.ts';
import type { NewEvent } from '../../events/index.ts';
import { collectionYearEnd, collectionYearLabel, collectionYearStart, dmyDate, isoDate } from '../dates.ts';
import type { ImportReport, RowRef } from '../report.ts';
import { fmt, type Oc3Rec } from './rows.ts';

/** The birthday from the 17th to the 21st of a child born on `dob` that falls in collection year `year`. */
export function statusBirthday(dob: number, year: number): { day: number; age: number } | undefined {
  const b18 = addYears(dob, 18);
  const from = collectionYearStart(year);
  const to = collectionYearEnd(year);
  for (let age = 17; age <= 21; age++) {
    const day = addYearsFast(b18, age - 18);
    if (day >= from && day <= to) return { day, age };
  }
  return undefined;
}

/** Days looked after in a child's events: [start, end) of each period of care. */
function periodsOfCare(events: readonly NewEvent[]): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  for (const e of events) {
    if (e.type === 'PeriodOfCareStarted') from = parseIsoDate(e.date);
    else if (e.type === 'PeriodOfCareEnded' && from !== undefined) {
      out.push([from, parseIsoDate(e.date)]);
      from = undefined;
    }
  }
  if (from !== undefined) out.push([from, Infinity]);
  return out;
}

const ORDINAL: Record<number, string> = { 17: '17th', 18: '18th', 19: '19th', 20: '20th', 21: '21st' };

/**
 * Adds the child's OC3 statuses to its events (in date order, after the events of the same day)
 * and returns the rows they came from; every row is reported imported, merged or rejected.
 */
export function addOc3Statuses(report: ImportReport, child: string, dob: number, events: NewEvent[], rows: readonly Oc3Rec[]): RowRef[] {
  const used: RowRef[] = [];
  const byYear = new Map<number | undefined, Oc3Rec[]>();
  for (const r of rows) {
    let g = byYear.get(r.year);
    if (!g) byYear.set(r.year, (g = []));
    g.push(r);
  }
  const care = periodsOfCare(events);
  const statuses: NewEvent[] = [];
  for (const [year, group] of [...byYear].sort((a, b) => (a[0] ?? -Infinity) - (b[0] ?? -Infinity))) {
    if (year === undefined) {
      for (const r of group) report.reject(r.raw.ref, "oc3-year-unknown: the row's collection year is not known, so neither is the birthday it records");
      continue;
    }
    group.sort((a, b) => b.raw.order - a.raw.order);
    const win = group[0];
    const b = statusBirthday(dob, year);
    if (b === undefined) {
      for (const r of group) report.reject(r.raw.ref, `oc3-not-care-leaver-age: no 17th to 21st birthday of the child (DOB ${dmyDate(dob)}) falls in collection year ${collectionYearLabel(year)}`);
      continue;
    }
    if (care.some(([s, e]) => s <= b.day && b.day < e)) {
      for (const r of group) report.reject(r.raw.ref, `oc3-looked-after: the child is looked after on its ${ORDINAL[b.age]} birthday ${dmyDate(b.day)} (a care leaver's status is recorded out of care)`);
      continue;
    }
    if (win.dob !== null && win.dob !== dob) report.repair(child, 'oc3-dob-differs', `OC3 DOB=${fmt(win.dob)}`, `Header DOB=${fmt(dob)} kept`, win.raw.ref);
    statuses.push({ type: 'CareLeaverStatusRecorded', childId: child, date: isoDate(b.day), inTouch: win.inTouch as never, activity: win.activity as never, accommodation: win.accommodation as never });
    report.imported(win.raw.ref);
    for (const r of group.slice(1)) report.merged(r.raw.ref);
    used.push(...group.map((r) => r.raw.ref));
  }
  for (const s of statuses) {
    let i = events.length;
    while (i > 1 && events[i - 1].date > s.date) i--;
    events.splice(i, 0, s);
  }
  // registered no later than its first status
  if (statuses.length > 0 && statuses[0].date < events[0].date) events[0] = { ...events[0], date: statuses[0].date };
  return used;
}
