/**
 * Shapes of KPI results, shared by the projections, ensembles, outputs, reports and checks.
 * Months are month indexes (year * 12 + month - 1) internally and `YYYY-MM` in every output.
 */

/** One replication's monthly KPIs. Arrays are indexed by month offset from `startMonth`. */
export interface KpiRun {
  /** First reported month, `YYYY-MM`. */
  readonly startMonth: string;
  /** Number of reported months. */
  readonly months: number;
  /** KPI id to monthly values; NaN where a percentage has a zero denominator. */
  readonly values: Record<string, Float64Array>;
  /** For percentages and rates: the numerator and denominator behind each value. */
  readonly numerators: Record<string, Float64Array>;
  readonly denominators: Record<string, Float64Array>;
}

export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Statistics of one KPI in one month over an ensemble. NaN where no replication had a value. */
export interface KpiStats {
  mean: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** An ensemble's KPIs: per KPI id, per month offset, the statistics over replications. */
export interface KpiSummary {
  readonly scenario: string;
  readonly startMonth: string;
  readonly months: number;
  readonly runs: number;
  readonly stats: Record<string, KpiStats[]>;
  /** Mean numerator and denominator per KPI and month, where the KPI has them. */
  readonly numerators: Record<string, number[]>;
  readonly denominators: Record<string, number[]>;
  /** Set when the bands were calibrated on past forecasts' misses (see `bands.ts`). */
  readonly bands?: BandCalibration;
}

/** Band factors at one horizon (months ahead): each band's half-widths are multiplied by its factor. */
export interface BandFactor {
  readonly horizon: number;
  readonly p90: number;
  readonly p50: number;
  /** Past forecasts the factors come from. */
  readonly n: number;
}

/** A band calibration as a scenario carries it (see `bands.ts`). */
export interface BandCalibration {
  /** What the factors were measured on (a rolling-origin back-test of …). */
  readonly source: string;
  readonly factors: BandFactor[];
}

/** A comparator value (statistical neighbour, England, target …) for a KPI. */
export interface Comparator {
  readonly kpi: string;
  readonly kind: string;
  /** `YYYY-MM` or `FYYYYY-YY`. */
  readonly period: string;
  readonly value: number;
  readonly basis: string;
  readonly source?: string;
  /** The data file's first column (`la` or `area`): the LA whose report the row comes from, or the area of a national file. */
  readonly area?: string;
  readonly note?: string;
  /** The file's KPI id, where the row's local definition (its note) made it another engine KPI. */
  readonly filedAs?: string;
  /** Why the row's local definition matches no engine KPI (the row is not compared with `kpi`). */
  readonly unmatched?: string;
}
