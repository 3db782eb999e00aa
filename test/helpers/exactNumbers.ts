/** Every number of a replication's first KPI run, as strings that tell -0, NaN and every bit of a double apart. */
import type { ReplicationResult } from '../../src/ensemble/replication.ts';

/** Per KPI and part (`value`, `numerator`, `denominator`), each month's number; `events`, the events simulated. */
export type ExactNumbers = Record<string, string[]>;

export function exactNumbers(result: ReplicationResult): ExactNumbers {
  const exact = (x: number) => (Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : x.toString());
  const run = result.runs[0];
  const out: ExactNumbers = {};
  for (const [part, group] of [
    ['value', run.values],
    ['numerator', run.numerators],
    ['denominator', run.denominators],
  ] as const) {
    for (const [kpi, arr] of Object.entries(group)) out[`${kpi} ${part}`] = Array.from(arr as ArrayLike<number>, exact);
  }
  out.events = [String(result.events[0])];
  return out;
}
