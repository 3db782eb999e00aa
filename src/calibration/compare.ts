/**
 * Turning a replication's monthly KPIs into the number an observed row reports. An observed
 * row's `basis` says how its figure is defined; the simulated equivalent is computed from the
 * `KpiRun` accordingly:
 *
 * | basis | simulated equivalent |
 * |---|---|
 * | month_count | the flow KPI in that month |
 * | month_end_stock | the stock KPI at that month end |
 * | monthly_rate_per_10k | flows: the month's count / population × 10,000; stock rates: the KPI |
 * | ytd_cumulative_rate_per_10k | monthly counts since 1 April / population × 10,000 |
 * | rolling12_pct | a monthly % KPI recomputed over the 12 months from numerators and denominators; a month-end % KPI (already over 12 months) as it is |
 * | month_pct | the % KPI |
 * | rolling12_rate_per_10k, month_end_rate_per_10k … | the engine's own basis: the KPI |
 * | annual_count (FY) | the 12-month sum April–March |
 * | year_end_stock (FY) | the March value |
 * | annual_rate_per_10k (FY) | flows: the April–March sum / March population × 10,000; stock rates: the March value |
 * | annual_pct (FY) | monthly % KPIs: April–March numerators over denominators; month-end % KPIs: March |
 */
import { parseMonth } from '../calendar/index.ts';
import { kpiDef } from '../projections/catalogue.ts';
import type { KpiRun } from '../projections/types.ts';

/**
 * How outputs name observations' KPIs: the KPI id, with the basis in brackets where
 * `observations` hold the KPI on more than one basis (`cla_rate[annual_rate_per_10k]`).
 */
export function kpiLabeller(observations: readonly { readonly kpi: string; readonly basis: string }[]): (o: { readonly kpi: string; readonly basis: string }) => string {
  const basesOf = new Map<string, Set<string>>();
  for (const o of observations) {
    if (!basesOf.has(o.kpi)) basesOf.set(o.kpi, new Set());
    basesOf.get(o.kpi)!.add(o.basis);
  }
  return (o) => (basesOf.get(o.kpi)!.size > 1 ? `${o.kpi}[${o.basis}]` : o.kpi);
}

/** Rolling-12-month rate KPIs and the monthly count each is built from. */
export const FLOW_OF_RATE: Readonly<Record<string, string>> = {
  referral_rate: 'referrals',
  assessment_rate: 'assessments_completed',
  s47_rate: 's47_started',
  icpc_rate: 'icpc_held',
};

export type ComparableSpec =
  /** The KPI's value in `month`. */
  | { readonly kind: 'value'; readonly kpi: string; readonly first: number; readonly last: number }
  /** Sum of `flow` over [first, last] / population in `last` × 10,000. */
  | { readonly kind: 'flowRate'; readonly kpi: string; readonly flow: string; readonly first: number; readonly last: number }
  /** Sum of `flow` over [first, last]. */
  | { readonly kind: 'flowSum'; readonly kpi: string; readonly flow: string; readonly first: number; readonly last: number }
  /** 100 × Σ numerators / Σ denominators of `kpi` over [first, last]. */
  | { readonly kind: 'pctOver'; readonly kpi: string; readonly first: number; readonly last: number };

/** Month index of a period: `YYYY-MM`, or March of a financial year `FYyyyy-yy`. */
export function periodMonth(period: string): number {
  if (period.startsWith('FY')) return (+period.slice(2, 6) + 1) * 12 + 2;
  return parseMonth(period);
}

/** April of the financial year that contains month index `m`. */
export function aprilOf(m: number): number {
  const monthOfYear = ((m % 12) + 12) % 12;
  return monthOfYear >= 3 ? m - (monthOfYear - 3) : m - (monthOfYear + 9);
}

/** How to compute a row's simulated equivalent, or why it cannot be computed. */
export function comparableSpec(kpi: string, basis: string, period: string): { spec: ComparableSpec; month: number } | { reason: string } {
  const def = kpiDef(kpi);
  if (!def) return { reason: 'no such KPI in the engine' };
  const fy = period.startsWith('FY');
  const month = periodMonth(period);
  const flowOf = FLOW_OF_RATE[kpi] ?? (def.basis === 'month_count' ? kpi : undefined);
  const value = (): ComparableSpec => ({ kind: 'value', kpi, first: month, last: month });
  const no = (why?: string) => ({ reason: why ?? `basis ${basis} does not apply to ${kpi} (${def.basis})${fy ? ` for a financial year` : ''}` });
  if (!fy) {
    switch (basis) {
      case 'month_count':
        return def.basis === 'month_count' ? { spec: value(), month } : no();
      case 'month_end_stock':
        return def.basis === 'month_end_stock' ? { spec: value(), month } : no();
      case 'monthly_rate_per_10k':
        if (def.basis === 'month_end_rate_per_10k') return { spec: value(), month };
        if (flowOf) return { spec: { kind: 'flowRate', kpi, flow: flowOf, first: month, last: month }, month };
        return no();
      case 'ytd_cumulative_rate_per_10k':
        if (flowOf) return { spec: { kind: 'flowRate', kpi, flow: flowOf, first: aprilOf(month), last: month }, month };
        return no();
      case 'rolling12_pct':
        if (def.basis === 'month_end_pct') return { spec: value(), month };
        if (def.basis === 'month_pct') return { spec: { kind: 'pctOver', kpi, first: month - 11, last: month }, month };
        return no();
      case 'month_pct':
        return def.unit === 'pct' ? { spec: value(), month } : no();
      default:
        if (basis === def.basis) return { spec: value(), month };
        if (basis.startsWith('annual_') || basis === 'year_end_stock') return no(`basis ${basis} needs a financial-year period (got ${period})`);
        return no(`basis ${basis} is not supported`);
    }
  }
  const first = month - 11;
  switch (basis) {
    case 'annual_count':
      return flowOf && def.basis === 'month_count' ? { spec: { kind: 'flowSum', kpi, flow: flowOf, first, last: month }, month } : no();
    case 'year_end_stock':
      return def.basis === 'month_end_stock' ? { spec: value(), month } : no();
    case 'annual_rate_per_10k':
      if (def.basis === 'month_end_rate_per_10k') return { spec: value(), month };
      if (flowOf) return { spec: { kind: 'flowRate', kpi, flow: flowOf, first, last: month }, month };
      return no();
    case 'annual_pct':
      if (def.basis === 'month_end_pct') return { spec: value(), month };
      if (def.basis === 'month_pct') return { spec: { kind: 'pctOver', kpi, first, last: month }, month };
      return no();
    default:
      if (['month_count', 'month_end_stock', 'monthly_rate_per_10k', 'ytd_cumulative_rate_per_10k', 'rolling12_pct', 'month_pct'].includes(basis)) return no(`basis ${basis} needs a month period (got ${period})`);
      return no(`basis ${basis} is not supported for a financial year`);
  }
}

/** Population aged 0–17 of a run in a month offset (from the denominators of a rate KPI). */
function populationAt(run: KpiRun, off: number): number {
  for (const id of ['cla_rate', 'cp_rate', 'open_rate', 'cin_rate']) {
    const d = run.denominators[id];
    if (d && Number.isFinite(d[off]) && d[off] > 0) return d[off];
  }
  return NaN;
}

/** Whether a run covers the months a spec needs. */
export function covers(run: { startMonth: string; months: number }, spec: ComparableSpec): boolean {
  const start = parseMonth(run.startMonth);
  return spec.first >= start && spec.last < start + run.months;
}

/** The first month a spec needs (for "needs simulated months from …" messages). */
export function firstNeeded(spec: ComparableSpec): number {
  return spec.first;
}

/** The simulated equivalent of an observed row in one replication; NaN when the run does not cover it or it is undefined (0 denominators). */
export function comparableValue(run: KpiRun, spec: ComparableSpec): number {
  if (!covers(run, spec)) return NaN;
  const start = parseMonth(run.startMonth);
  const a = spec.first - start;
  const b = spec.last - start;
  switch (spec.kind) {
    case 'value': {
      const v = run.values[spec.kpi];
      return v ? v[b] : NaN;
    }
    case 'flowRate':
    case 'flowSum': {
      const v = run.values[spec.flow];
      if (!v) return NaN;
      let s = 0;
      for (let m = a; m <= b; m++) s += v[m];
      return spec.kind === 'flowSum' ? s : (s * 10000) / populationAt(run, b);
    }
    case 'pctOver': {
      const n = run.numerators[spec.kpi];
      const d = run.denominators[spec.kpi];
      if (!n || !d) return NaN;
      let sn = 0;
      let sd = 0;
      for (let m = a; m <= b; m++) {
        if (Number.isFinite(n[m]) && Number.isFinite(d[m])) {
          sn += n[m];
          sd += d[m];
        }
      }
      return sd > 0 ? (100 * sn) / sd : NaN;
    }
  }
}
