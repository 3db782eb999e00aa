/**
 * Money and effects of a paired comparison, replication by replication:
 *
 * - net savings: gross savings (baseline spend − scenario spend, placements and care leavers) less the
 *   programme cost the scenario adds (its interventions' running costs − the baseline's), per
 *   projection year and cumulatively, with p5–p95 bands over replications;
 * - compound effects: the % change of headline KPIs in each projection year (flows summed over the
 *   year, stocks at its last month), the combined result of all of the scenario's levers.
 */
import { monthKey, parseMonth } from '../calendar/index.ts';
import { kpiDef } from '../projections/catalogue.ts';
import { quantileSorted } from '../projections/summary.ts';
import type { KpiRun } from '../projections/types.ts';
import { programmeCostByMonth, type CostedIntervention } from '../scenarios/programmeCost.ts';

export type MoneyMeasure = 'gross_savings' | 'programme_cost' | 'net_savings';
export const MONEY_MEASURES: readonly MoneyMeasure[] = ['gross_savings', 'programme_cost', 'net_savings'];
export const MONEY_LABELS: Record<MoneyMeasure, string> = {
  gross_savings: 'Gross savings (placement and care-leaver spend saved)',
  programme_cost: 'Programme cost',
  net_savings: 'Net savings (gross savings − programme cost)',
};

export interface MoneyRow {
  /** `year 1`, `year 2` … of the projection. */
  readonly period: string;
  readonly first: string;
  readonly last: string;
  /** `year`: that year alone; `cumulative`: from the first projected month to the end of that year. */
  readonly basis: 'year' | 'cumulative';
  readonly measure: MoneyMeasure;
  readonly p50: number;
  readonly p5: number;
  readonly p95: number;
}

/** Spend KPIs whose saving counts as gross savings: the total spend the engine reports. */
export const SPEND_KPIS: readonly string[] = ['placement_cost', 'care_leaver_cost'];

function summary(values: number[]): { p50: number; p5: number; p95: number } {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return { p50: quantileSorted(s, s.length, 0.5), p5: quantileSorted(s, s.length, 0.05), p95: quantileSorted(s, s.length, 0.95) };
}

/** Projection years: [first offset, end offset) of each 12-month block (the last may be shorter). */
export function projectionYears(months: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < months; a += 12) out.push([a, Math.min(months, a + 12)]);
  return out;
}

function checkPaired(baseline: readonly KpiRun[], scenario: readonly KpiRun[]): void {
  if (baseline.length !== scenario.length || baseline.length === 0) throw new RangeError(`paired runs must match in number (baseline ${baseline.length}, scenario ${scenario.length})`);
  for (const r of [...baseline, ...scenario]) {
    if (r.startMonth !== baseline[0].startMonth || r.months !== baseline[0].months) throw new RangeError('paired runs must cover the same months');
  }
}

/** Monthly programme cost of one replication of an arm. */
function armCost(run: KpiRun, interventions: readonly CostedIntervention[]): Float64Array {
  return programmeCostByMonth(interventions, run.startMonth, run.months, (id) => run.values[id]);
}

/**
 * Gross savings, programme cost and net savings per projection year and cumulatively.
 * `baselineInterventions` and `scenarioInterventions` carry the arms' cost assumptions.
 */
export function netSavings(
  baseline: readonly KpiRun[],
  scenario: readonly KpiRun[],
  baselineInterventions: readonly CostedIntervention[],
  scenarioInterventions: readonly CostedIntervention[],
): MoneyRow[] {
  checkPaired(baseline, scenario);
  const { startMonth, months } = baseline[0];
  const start = parseMonth(startMonth);
  const years = projectionYears(months);
  // per replication, per month: gross savings and added programme cost
  const gross: Float64Array[] = [];
  const cost: Float64Array[] = [];
  baseline.forEach((b, r) => {
    const s = scenario[r];
    const g = new Float64Array(months);
    for (const kpi of SPEND_KPIS) {
      const bv = b.values[kpi];
      const sv = s.values[kpi];
      if (!bv || !sv) continue;
      for (let m = 0; m < months; m++) g[m] += bv[m] - sv[m];
    }
    const bc = armCost(b, baselineInterventions);
    const sc = armCost(s, scenarioInterventions);
    const c = new Float64Array(months);
    for (let m = 0; m < months; m++) c[m] = sc[m] - bc[m];
    gross.push(g);
    cost.push(c);
  });
  const sum = (a: Float64Array, from: number, to: number) => {
    let t = 0;
    for (let m = from; m < to; m++) t += a[m];
    return t;
  };
  const rows: MoneyRow[] = [];
  years.forEach(([a, e], y) => {
    for (const basis of ['year', 'cumulative'] as const) {
      const from = basis === 'year' ? a : 0;
      const per = gross.map((g, r) => {
        const gs = sum(g, from, e);
        const cs = sum(cost[r], from, e);
        return { gross_savings: gs, programme_cost: cs, net_savings: gs - cs };
      });
      for (const measure of MONEY_MEASURES) {
        rows.push({ period: `year ${y + 1}`, first: monthKey(start + from), last: monthKey(start + e - 1), basis, measure, ...summary(per.map((p) => p[measure])) });
      }
    }
  });
  return rows;
}

export const MONEY_HEADER = 'period,first_month,last_month,basis,measure,p50,p5,p95';

/** comparison-costs.csv text (amounts in whole pounds). */
export function moneyCsv(rows: readonly MoneyRow[]): string {
  const r0 = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '');
  return [MONEY_HEADER, ...rows.map((r) => [JSON.stringify(r.period), r.first, r.last, r.basis, r.measure, r0(r.p50), r0(r.p5), r0(r.p95)].join(','))].join('\n') + '\n';
}

/** Headline KPIs whose compound change `compare` prints. */
export const EFFECT_KPIS: readonly string[] = ['referrals', 'cp_starts', 'cp_open', 'cla_starts', 'cla_open', 'placement_cost'];

export interface EffectRow {
  readonly kpi: string;
  readonly period: string;
  readonly first: string;
  readonly last: string;
  /** % change of the scenario against the baseline (per replication, then summarised); NaN where the baseline is 0. */
  readonly p50: number;
  readonly p5: number;
  readonly p95: number;
}

/** The value a KPI takes over a projection year: the sum of a flow's months, or a stock's last month. */
function yearValue(values: Float64Array, from: number, to: number, flow: boolean): number {
  if (!flow) return values[to - 1];
  let t = 0;
  for (let m = from; m < to; m++) t += values[m];
  return t;
}

/** % change of each headline KPI in each projection year, scenario against baseline. */
export function compoundEffects(baseline: readonly KpiRun[], scenario: readonly KpiRun[], kpis: readonly string[] = EFFECT_KPIS): EffectRow[] {
  checkPaired(baseline, scenario);
  const { startMonth, months } = baseline[0];
  const start = parseMonth(startMonth);
  const rows: EffectRow[] = [];
  for (const kpi of kpis) {
    const def = kpiDef(kpi);
    if (!def || !baseline[0].values[kpi]) continue;
    const flow = def.basis === 'month_count' || def.basis === 'month_gbp';
    projectionYears(months).forEach(([a, e], y) => {
      const pct = baseline.map((b, r) => {
        const bv = yearValue(b.values[kpi], a, e, flow);
        const sv = yearValue(scenario[r].values[kpi], a, e, flow);
        return bv !== 0 ? ((sv - bv) / Math.abs(bv)) * 100 : NaN;
      });
      rows.push({ kpi, period: `year ${y + 1}`, first: monthKey(start + a), last: monthKey(start + e - 1), ...summary(pct) });
    });
  }
  return rows;
}

export const EFFECT_HEADER = 'intervention,kpi,period,first_month,last_month,pct_p50,pct_p5,pct_p95';

/** comparison-effects.csv text. */
export function effectsCsv(byIntervention: readonly { name: string; rows: readonly EffectRow[] }[]): string {
  const f = (v: number) => (Number.isFinite(v) ? (Math.round(v * 10) / 10).toFixed(1) : '');
  const lines = [EFFECT_HEADER];
  for (const { name, rows } of byIntervention) for (const r of rows) lines.push([JSON.stringify(name), r.kpi, JSON.stringify(r.period), r.first, r.last, f(r.p50), f(r.p5), f(r.p95)].join(','));
  return lines.join('\n') + '\n';
}
