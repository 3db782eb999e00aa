/**
 * The projector's bookkeeping for the Home Office's UASC grant: days looked after of UASC in the
 * month being counted, and the former UASC care leavers aged 18–25 (care_leavers_uasc_open).
 */
import { monthIndexOfDay } from '../calendar/index.ts';

export class UascBook {
  /** Days looked after of UASC in the month being counted (from each start to the month end, less what ended). */
  days = 0;
  /** The first day of the next month. */
  private next = 0;
  /** UASC care leavers by slot: the month index they count from and the month index they stop counting in. */
  private readonly leavers = new Map<number, { from: number; to: number }>();

  /** A new month: `open` UASC looked after at its start, `dim` days long, ending before `next`. */
  openMonth(open: number, dim: number, next: number): void {
    this.days = open * dim;
    this.next = next;
  }

  /** A UASC starts to be looked after on `day` (in the month being counted). */
  enter(day: number): void {
    this.days += this.next - day;
  }

  /** A UASC ceases to be looked after on `day`. */
  leave(day: number): void {
    this.days -= this.next - day;
  }

  /** Slot `c`, a UASC, left care on `day`: a former UASC care leaver from the later of that day and the 18th birthday to the 26th birthday (`to`). */
  startLeaver(c: number, from: number, to: number): void {
    this.leavers.set(c, { from: monthIndexOfDay(from), to: monthIndexOfDay(to) });
  }

  /** Slot `c` is looked after again from `day`: counted until the month before. */
  endLeaver(c: number, day: number): void {
    const l = this.leavers.get(c);
    if (l === undefined) return;
    const m = monthIndexOfDay(day);
    if (m <= l.from) this.leavers.delete(c);
    else l.to = Math.min(l.to, m);
  }

  /** UASC care leavers counted at the end of month `m` (those past it are let go). */
  leaversAt(m: number): number {
    let n = 0;
    for (const [c, l] of this.leavers) {
      if (l.to <= m) this.leavers.delete(c);
      else if (l.from <= m) n++;
    }
    return n;
  }
}
