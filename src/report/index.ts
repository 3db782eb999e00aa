/**
 * The HTML report: one self-contained document (inline CSS; charts as vega-lite specs drawn by
 * vega's inlined browser build as the page loads; no network) stating everything needed to
 * reproduce it.
 */
import { writeFileAtomic } from '../node/atomicFile.ts';
import { buildReport } from './render.ts';
import { chartRuntime } from './chartRuntime.ts';
import type { ReportInput } from './types.ts';

export type { ReportInput, ReportScenario, ReportComparisonRow, ReportMoneyRow, ReportEffects, ReportBacktest } from './types.ts';
export { defaultTableMonths } from './render.ts';
export { validateReportInput } from './validate.ts';
export { planComparators, basisMatches, periodEndMonth, COMPATIBLE_BASES } from './comparators.ts';
export { chartRuntime } from './chartRuntime.ts';

/** Renders the report. Throws `InputError` (exit code 2) naming the field when the input is inconsistent. */
export function renderReport(input: ReportInput): string {
  return buildReport(input, chartRuntime());
}

/** Renders the report and writes it atomically to `path`. */
export function writeReport(path: string, input: ReportInput): void {
  writeFileAtomic(path, renderReport(input));
}
