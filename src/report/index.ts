/**
 * The HTML report: one self-contained document (inline CSS, charts as inline SVG rendered at
 * build time, no scripts, no network) stating everything needed to reproduce it.
 */
import { writeFileAtomic } from '../node/atomicFile.ts';
import { buildReport } from './render.ts';
import type { RenderedReport } from './render.ts';
import type { ReportInput } from './types.ts';

export type { ReportInput, ReportScenario, ReportComparisonRow, ReportMoneyRow, ReportEffects, ReportBacktest } from './types.ts';
export type { RenderedReport } from './render.ts';
export { defaultTableMonths } from './render.ts';
export { validateReportInput } from './validate.ts';
export { planComparators, basisMatches, periodEndMonth, COMPATIBLE_BASES } from './comparators.ts';

/**
 * Renders the report. Asynchronous because vega renders to SVG asynchronously. Throws
 * `InputError` (exit code 2) naming the field when the input is inconsistent.
 */
export async function renderReport(input: ReportInput): Promise<string> {
  return (await buildReport(input)).html;
}

/** As `renderReport`, also returning any warnings from the chart compiler or renderer. */
export async function renderReportWithDiagnostics(input: ReportInput): Promise<RenderedReport> {
  return buildReport(input);
}

/** Renders the report and writes it atomically to `path`. */
export async function writeReport(path: string, input: ReportInput): Promise<void> {
  const html = await renderReport(input);
  writeFileAtomic(path, html);
}
