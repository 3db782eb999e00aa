/**
 * Paired differences between a baseline and a scenario run with common random numbers: the
 * difference is taken replication by replication, then summarised, so the bands describe the
 * effect of the scenario and not the noise both runs share.
 */
import { KPI_IDS } from '../projections/catalogue.ts';
import { quantileSorted } from '../projections/summary.ts';
import { formatNumber } from '../projections/kpisCsv.ts';
import type { KpiRun } from '../projections/types.ts';
import { monthKey, parseMonth } from '../calendar/index.ts';

export interface PairedRow {
  readonly month: string;
  readonly kpi: string;
  readonly baseline_p50: number;
  readonly scenario_p50: number;
  readonly diff_p50: number;
  readonly diff_p5: number;
  readonly diff_p95: number;
  /** diff_p50 as % of baseline_p50 (NaN when the baseline median is 0). */
  readonly diff_pct: number;
}

export const COMPARISON_HEADER = 'month,kpi,baseline_p50,scenario_p50,diff_p50,diff_p5,diff_p95,diff_pct';

function sortedFinite(values: number[]): number[] {
  return values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
}

function q(sorted: number[], p: number): number {
  return quantileSorted(sorted, sorted.length, p);
}

function checkPaired(baseline: readonly KpiRun[], scenario: readonly KpiRun[]): void {
  if (baseline.length !== scenario.length || baseline.length === 0) throw new RangeError(`paired runs must match in number (baseline ${baseline.length}, scenario ${scenario.length})`);
  const b = baseline[0];
  for (const r of [...baseline, ...scenario]) {
    if (r.startMonth !== b.startMonth || r.months !== b.months) throw new RangeError('paired runs must cover the same months');
  }
}

/** Per KPI and month: medians of each arm and quantiles of the per-replication differences (scenario − baseline). */
export function pairedDifferences(baseline: readonly KpiRun[], scenario: readonly KpiRun[], kpis: readonly string[] = KPI_IDS): PairedRow[] {
  checkPaired(baseline, scenario);
  const start = parseMonth(baseline[0].startMonth);
  const rows: PairedRow[] = [];
  for (let m = 0; m < baseline[0].months; m++) {
    for (const kpi of kpis) {
      const bv = sortedFinite(baseline.map((r) => r.values[kpi][m]));
      const sv = sortedFinite(scenario.map((r) => r.values[kpi][m]));
      const d = sortedFinite(baseline.map((r, i) => scenario[i].values[kpi][m] - r.values[kpi][m]));
      const b50 = q(bv, 0.5);
      const d50 = q(d, 0.5);
      rows.push({
        month: monthKey(start + m),
        kpi,
        baseline_p50: b50,
        scenario_p50: q(sv, 0.5),
        diff_p50: d50,
        diff_p5: q(d, 0.05),
        diff_p95: q(d, 0.95),
        diff_pct: b50 !== 0 && Number.isFinite(b50) ? (d50 / Math.abs(b50)) * 100 : NaN,
      });
    }
  }
  return rows;
}

export interface CumulativeRow {
  readonly id: string;
  readonly label: string;
  readonly unit: 'children' | 'plans' | 'gbp' | 'child-years';
  /** Median, p5 and p95 over replications of the total saved or avoided (baseline − scenario). */
  readonly p50: number;
  readonly p5: number;
  readonly p95: number;
}

const CUMULATIVE: { id: string; kpi: string; label: string; unit: CumulativeRow['unit']; scale: number }[] = [
  { id: 'children_kept_out_of_care', kpi: 'cla_starts', label: 'Children kept out of care (fewer entries to care)', unit: 'children', scale: 1 },
  { id: 'care_child_years_avoided', kpi: 'cla_open', label: 'Child-years in care avoided', unit: 'child-years', scale: 1 / 12 },
  { id: 'cp_plans_avoided', kpi: 'cp_starts', label: 'CP plans avoided', unit: 'plans', scale: 1 },
  { id: 'placement_spend_saved', kpi: 'placement_cost', label: 'Placement spend saved (£)', unit: 'gbp', scale: 1 },
  { id: 'care_leaver_spend_saved', kpi: 'care_leaver_cost', label: 'Care-leaver spend saved (£)', unit: 'gbp', scale: 1 },
  { id: 'net_spend_saved', kpi: 'net_spend', label: 'Net spend saved, placements and care leavers less the Home Office UASC grant (£)', unit: 'gbp', scale: 1 },
];

/** Totals over the horizon of baseline − scenario, per replication, summarised. */
export function cumulativeDifferences(baseline: readonly KpiRun[], scenario: readonly KpiRun[]): CumulativeRow[] {
  checkPaired(baseline, scenario);
  return CUMULATIVE.map((c) => {
    const totals = baseline.map((b, i) => {
      let t = 0;
      const bv = b.values[c.kpi];
      const sv = scenario[i].values[c.kpi];
      for (let m = 0; m < b.months; m++) t += (bv[m] - sv[m]) * c.scale;
      return t;
    });
    const sorted = sortedFinite(totals);
    return { id: c.id, label: c.label, unit: c.unit, p50: q(sorted, 0.5), p5: q(sorted, 0.05), p95: q(sorted, 0.95) };
  });
}

const fmt = formatNumber;

/** comparison-totals.csv text: the cumulative differences over the horizon, one measure a line. */
export function totalsCsv(rows: readonly CumulativeRow[]): string {
  return ['measure,label,unit,p50,p5,p95', ...rows.map((r) => [r.id, JSON.stringify(r.label), r.unit, fmt(r.p50), fmt(r.p5), fmt(r.p95)].join(','))].join('\n') + '\n';
}

/** comparison.csv text. */
export function comparisonCsv(rows: readonly PairedRow[]): string {
  const lines = [COMPARISON_HEADER];
  for (const r of rows) lines.push([r.month, r.kpi, fmt(r.baseline_p50), fmt(r.scenario_p50), fmt(r.diff_p50), fmt(r.diff_p5), fmt(r.diff_p95), fmt(r.diff_pct)].join(','));
  return lines.join('\n') + '\n';
}
