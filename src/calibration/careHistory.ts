/**
 * Children's care histories read from an event log: for each child who was ever looked after, the
 * date of birth, the UASC flag and the spans of days spent in each placement group. Used by the
 * Markov benchmark and the rolling-origin back-test (which cut the same histories at each origin).
 *
 * Days are day numbers (see `calendar`). A segment covers the days `from` ≤ d < `to`: a child is
 * looked after at the end of day d when d is inside a segment, so a period of care that ends on a
 * month's last day does not count in that month's stock (as in the KPI projector).
 */
import { parseIsoDate } from '../calendar/index.ts';
import { PLACEMENT_GROUPS, placementGroup, type CaseEvent } from '../events/index.ts';

/** Open segments end here (far beyond any history). */
export const OPEN = Number.MAX_SAFE_INTEGER;

export interface CareSegment {
  /** First day in this placement group. */
  readonly from: number;
  /** Day the child left this group or care (exclusive); `OPEN` while it goes on. */
  to: number;
  /** Index into PLACEMENT_GROUPS. */
  readonly group: number;
  /** True when the segment begins a period of care recorded as a new entry (not an import repair). */
  readonly entry: boolean;
  /**
   * How the segment ended: `move` (a new episode in the same period), `exit` (ceased to be looked
   * after), `cut` (an import repair ended the period: not a real exit), or `open`.
   */
  end: 'move' | 'exit' | 'cut' | 'open';
}

export interface CareHistory {
  readonly childId: string;
  readonly dob: number;
  readonly uasc: boolean;
  readonly segments: CareSegment[];
}

/** The repair rule an importer stamped on a start or an end, if any (read loosely: older logs have none). */
function repairOf(e: CaseEvent): string | undefined {
  const r = (e as { repair?: unknown }).repair;
  return typeof r === 'string' && r.length > 0 ? r : undefined;
}

/**
 * Care histories of every child with a period of care, from events in date order per child (the
 * order of an event log). Events after `until` (a day number, inclusive) are ignored, so one log
 * gives the history known at any origin.
 */
export function careHistories(events: Iterable<CaseEvent>, until = OPEN): CareHistory[] {
  const reg = new Map<string, { dob: number; uasc: boolean }>();
  const byChild = new Map<string, CareHistory>();
  for (const e of events) {
    const day = parseIsoDate(e.date);
    if (day > until) continue;
    switch (e.type) {
      case 'ChildRegistered':
        reg.set(e.childId, { dob: parseIsoDate(e.dateOfBirth), uasc: e.uasc });
        break;
      case 'PeriodOfCareStarted': {
        let h = byChild.get(e.childId);
        if (!h) {
          const r = reg.get(e.childId);
          if (!r) continue; // a journey without registration is refused by the log validator
          h = { childId: e.childId, dob: r.dob, uasc: r.uasc || e.route === 'uasc', segments: [] };
          byChild.set(e.childId, h);
        } else if (e.route === 'uasc' && !h.uasc) {
          (h as { uasc: boolean }).uasc = true;
        }
        const last = h.segments[h.segments.length - 1];
        if (last && last.end === 'open') {
          last.to = day;
          last.end = 'cut';
        }
        h.segments.push({ from: day, to: OPEN, group: PLACEMENT_GROUPS.indexOf(placementGroup(e.placement, e.provider)), entry: repairOf(e) === undefined, end: 'open' });
        break;
      }
      case 'EpisodeChanged': {
        const h = byChild.get(e.childId);
        const last = h?.segments[h.segments.length - 1];
        if (!h || !last || last.end !== 'open') continue;
        const group = PLACEMENT_GROUPS.indexOf(placementGroup(e.placement, e.provider));
        if (group === last.group) continue;
        if (last.from === day) {
          // a move on the day the segment began: the segment takes the new group
          h.segments[h.segments.length - 1] = { ...last, group };
          continue;
        }
        last.to = day;
        last.end = 'move';
        h.segments.push({ from: day, to: OPEN, group, entry: false, end: 'open' });
        break;
      }
      case 'PeriodOfCareEnded': {
        const last = byChild.get(e.childId)?.segments.at(-1);
        if (!last || last.end !== 'open') continue;
        last.to = day;
        last.end = repairOf(e) === undefined ? 'exit' : 'cut';
        break;
      }
      default:
        break;
    }
  }
  // zero-length segments (a move on the day of entry) carry nothing
  const out: CareHistory[] = [];
  for (const h of byChild.values()) {
    const segs = h.segments.filter((s) => s.to > s.from);
    if (segs.length > 0) out.push({ ...h, segments: segs });
  }
  return out;
}
