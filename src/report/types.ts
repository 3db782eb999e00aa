/**
 * What a report shows. The ensemble commands (simulate, compare, target, backtest) fill a
 * `ReportInput`; `renderReport` turns it into one self-contained HTML document.
 */
import type { Comparator, KpiSummary } from '../projections/types.ts';
import type { ForecastScore, OriginForecast } from '../calibration/scores.ts';

export interface ReportScenario {
  /** Unique within the report; used in legends and tables. */
  readonly name: string;
  readonly description: string;
  /** One line each, e.g. an intervention's lever, change, start, ramp and evidence level. */
  readonly assumptions: readonly string[];
  /** The ensemble statistics; its startMonth, months and runs must match the report's. */
  readonly summary: KpiSummary;
  /** Parts of the flow simulated (absent: all). */
  readonly scope?: readonly string[];
  /** Where the parameters came from, by parameter group (labels and how many numbers carry each). */
  readonly sources?: readonly { readonly group: string; readonly part: string; readonly inScope: boolean; readonly sources: Readonly<Record<string, number>> }[];
  /** Warnings to show with the scenario, e.g. flows in the scope that lean on national defaults. */
  readonly notes?: readonly string[];
  /** Parameters drawn per replication from their standard errors (count). */
  readonly drawnParameters?: number;
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
  /** A rolling-origin back-test of the model, shown in its own section. */
  readonly backtest?: ReportBacktest;
}

/** One scored group of a rolling-origin back-test (see calibration/scores.ts): its scores but the ensemble's own coverage. */
export type ReportBacktestScore = Omit<ForecastScore, 'in90Model'>;

/** One forecast of a rolling-origin back-test: origin `YYYY-MM`, months ahead, KPI, actual and forecasts (the back-test's own rows, see calibration/scores.ts). */
export type ReportBacktestForecast = Pick<OriginForecast, 'source' | 'origin' | 'horizon' | 'kpi' | 'actual' | 'p5' | 'p25' | 'p50' | 'p75' | 'p95' | 'naive' | 'markov'>;

/** A rolling-origin back-test shown beside the projection. */
export interface ReportBacktest {
  /** What was back-tested: an event history (flows totalled over the months ahead) or observed series (each row on its own basis). */
  readonly kind: 'events' | 'observed';
  readonly every: string;
  readonly horizons: readonly number[];
  readonly runs: number;
  readonly scores: readonly ReportBacktestScore[];
  readonly origins: readonly ReportBacktestForecast[];
  /** Monthly actual series from a history (`first` is its first month), for the charts. */
  readonly actual: readonly { readonly source: string; readonly first: string; readonly values: Readonly<Record<string, readonly number[]>> }[];
  /** Actuals inside p5–p95 and p25–p75 over every forecast, %, and how many forecasts. */
  readonly coverage: { readonly in90: number; readonly in50: number; readonly n: number };
  /** Trend options scored over the same origins, when the trend was chosen by back-test. */
  readonly trend?: { readonly chosen: string; readonly criterion: string; readonly options: readonly { readonly trend: string; readonly score: number; readonly in90: number }[] };
}
