/**
 * Sinks for a replay (src/node/replay.ts reads the log): each event, in log order, is handed to
 * every sink (a counter, a KPI projection …) after it has been validated.
 */
import { EVENT_TYPES, type CaseEvent, type EventType } from '../events/schema.ts';
import { monthIndexOfIso, monthKey } from '../calendar/index.ts';
import { typeIndex } from '../events/fields.ts';

export type EventSink = (event: CaseEvent) => void;

/** Month index of `YYYY-MM-DD` from its digits; -1 when it is not of that shape. */
function monthOf(date: unknown): number {
  if (typeof date !== 'string' || date.length !== 10) return -1;
  let y = 0;
  for (let i = 0; i < 4; i++) {
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    y = y * 10 + c;
  }
  const m1 = date.charCodeAt(5) - 48, m2 = date.charCodeAt(6) - 48;
  if (m1 < 0 || m1 > 1 || m2 < 0 || m2 > 9) return -1;
  const m = m1 * 10 + m2;
  return m >= 1 && m <= 12 ? y * 12 + m - 1 : -1;
}


/**
 * Counts events per month and event type. `sink` is an `EventSink`; `rows()` / `toCsv()` give
 * every month from the first to the last month seen, with every event type (zeros included),
 * ordered by month then catalogue order of event types.
 */
export class EventCounter {
  private readonly byMonth = new Map<number, Int32Array>();
  private minMonth = Number.POSITIVE_INFINITY;
  private maxMonth = Number.NEGATIVE_INFINITY;
  /** Events whose type is not in the catalogue (only possible without validation). */
  unknownTypes = 0;
  /** Events whose date is not `YYYY-MM-DD` (only possible without validation). */
  badDates = 0;

  readonly sink: EventSink = (e) => {
    const t = typeIndex(e.type);
    if (t < 0) {
      this.unknownTypes++;
      return;
    }
    const m = monthOf(e.date);
    if (m < 0) {
      this.badDates++;
      return;
    }
    let counts = this.byMonth.get(m);
    if (counts === undefined) {
      counts = new Int32Array(EVENT_TYPES.length);
      this.byMonth.set(m, counts);
      if (m < this.minMonth) this.minMonth = m;
      if (m > this.maxMonth) this.maxMonth = m;
    }
    counts[t]++;
  };

  /** Count of `type` events in `month` (`YYYY-MM`). */
  count(month: string, type: EventType): number {
    const m = monthIndexOfIso(`${month}-01`);
    return this.byMonth.get(m)?.[typeIndex(type)] ?? 0;
  }

  rows(): { month: string; eventType: EventType; count: number }[] {
    const out: { month: string; eventType: EventType; count: number }[] = [];
    for (let m = this.minMonth; m <= this.maxMonth; m++) {
      const counts = this.byMonth.get(m);
      const key = monthKey(m);
      for (let t = 0; t < EVENT_TYPES.length; t++) out.push({ month: key, eventType: EVENT_TYPES[t], count: counts?.[t] ?? 0 });
    }
    return out;
  }

  /** CSV with header `month,event_type,count`. */
  toCsv(): string {
    let s = 'month,event_type,count\n';
    for (const r of this.rows()) s += `${r.month},${r.eventType},${r.count}\n`;
    return s;
  }
}
