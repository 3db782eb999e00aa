/**
 * A month-end count that changes from given months on (a child counts from the month it reaches
 * some day until the month it stops), kept as changes by month index, applied as months close.
 */
export class MonthDeltas {
  /** The count at the end of the last month closed. */
  value = 0;
  private readonly deltas = new Map<number, number>();

  /** Changes the count by `d` from the end of month `m` on; `cur` is the month being counted (earlier months are closed: the change counts at once). */
  add(m: number, d: number, cur: number): void {
    if (m < cur) {
      this.value += d;
      return;
    }
    this.deltas.set(m, (this.deltas.get(m) ?? 0) + d);
  }

  /** Closes month `m`: applies its changes and returns the count at its end. */
  close(m: number): number {
    const d = this.deltas.get(m);
    if (d !== undefined) {
      this.value += d;
      this.deltas.delete(m);
    }
    return this.value;
  }
}
