/**
 * What a report shows. The ensemble commands (simulate, compare, target, backtest) fill a
 * `ReportInput`; `renderReport` turns it into one self-contained HTML document.
 */
import type { Comparator, KpiSummary } from '../projections/types.ts';

export interface ReportScenario {
  /** Unique within the report; used in legends and tables. */
  readonly name: string;
  readonly description: string;
  /** One line each, e.g. an intervention's lever, change, start, ramp and evidence level. */
  readonly assumptions: readonly string[];
  /** The ensemble statistics; its startMonth, months and runs must match the report's. */
  readonly summary: KpiSummary;
}

/** A cumulative difference between the baseline and a scenario (e.g. children kept out of care). */
export interface ReportComparisonRow {
  readonly kpi: string;
  readonly label: string;
  /** Central estimate of the cumulative difference over the projection. */
  readonly total: number;
  readonly p5: number;
  readonly p95: number;
  /** Free text shown beside the numbers, e.g. "children", "plans", "£" (or "gbp"). */
  readonly unit: string;
}

/** Gross savings, programme cost or net savings over one projection year or cumulatively (£). */
export interface ReportMoneyRow {
  readonly period: string;
  readonly first: string;
  readonly last: string;
  readonly basis: 'year' | 'cumulative';
  readonly measure: 'gross_savings' | 'programme_cost' | 'net_savings';
  readonly label: string;
  readonly p50: number;
  readonly p5: number;
  readonly p95: number;
}

/** One intervention's compound effect: % change of headline KPIs per projection year. */
export interface ReportEffects {
  readonly name: string;
  readonly rows: readonly { readonly kpi: string; readonly label: string; readonly period: string; readonly first: string; readonly last: string; readonly p50: number; readonly p5: number; readonly p95: number }[];
}

export interface ReportInput {
  readonly title: string;
  readonly generatedBy: { readonly engineVersion: string; readonly command: string };
  readonly seed: number;
  /** Replications per scenario. */
  readonly runs: number;
  /** First projected month, `YYYY-MM`. */
  readonly startMonth: string;
  readonly months: number;
  readonly scenarios: readonly ReportScenario[];
  /** Name of the baseline scenario, when comparing. */
  readonly baseline?: string;
  readonly comparators?: readonly Comparator[];
  readonly comparison?: readonly ReportComparisonRow[];
  /** Savings, programme cost and net savings by projection year and cumulatively, when comparing. */
  readonly money?: readonly ReportMoneyRow[];
  /** Compound effects of the scenario's interventions, when comparing. */
  readonly effects?: readonly ReportEffects[];
  /** Months (`YYYY-MM`) to show in the KPI table; default: start, +12, +24, …, last. */
  readonly tableMonths?: readonly string[];
}
