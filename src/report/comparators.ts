/**
 * Which comparators a report draws, and which it leaves out (and why). A comparator is drawn on a
 * KPI's chart only when its basis measures the same thing as the KPI: a year-end stock beside a
 * month-end stock, an annual stock rate beside a month-end stock rate, an annual percentage beside a
 * monthly one. Counts for a larger area (England, a region) are never drawn beside a council's
 * counts. Per KPI and kind the latest period is drawn; observed values (`actual`) inside the
 * projection window are drawn as points, one per month. Stale comparators are left out: observed
 * values from more than two years before the start, others from more than five.
 */
import type { Comparator } from '../projections/types.ts';
import type { KpiBasis, KpiDef } from '../projections/catalogue.ts';
import { tryParseMonth } from '../calendar/index.ts';

/** Comparator bases that mean the same as each KPI basis. */
export const COMPATIBLE_BASES: Record<KpiBasis, readonly string[]> = {
  month_count: ['month_count'],
  month_end_stock: ['month_end_stock', 'year_end_stock'],
  rolling12_rate_per_10k: ['rolling12_rate_per_10k', 'annual_rate_per_10k'],
  month_end_rate_per_10k: ['month_end_rate_per_10k', 'monthly_rate_per_10k', 'annual_rate_per_10k'],
  month_pct: ['month_pct', 'annual_pct', 'rolling12_pct'],
  month_end_pct: ['month_end_pct', 'month_pct', 'annual_pct', 'rolling12_pct'],
  month_gbp: ['month_gbp'],
  month_end_ratio: ['month_end_ratio'],
};

/** Kinds whose counts describe a council like the one modelled (not England or a region). */
const COUNT_COMPARABLE_KINDS = new Set(['target', 'actual', 'statistical_neighbour']);

export function basisMatches(kpi: KpiDef, basis: string): boolean {
  return COMPATIBLE_BASES[kpi.basis].includes(basis);
}

/**
 * The month a comparator's period ends in (month index): `2023-02` → Feb 2023, `FY2022-23` →
 * Mar 2023. Undefined when the period is neither form.
 */
export function periodEndMonth(period: string): number | undefined {
  const fy = /^FY(\d{4})-(\d{2})$/.exec(period);
  if (fy) {
    const start = +fy[1];
    if ((start + 1) % 100 !== +fy[2]) return undefined;
    return (start + 1) * 12 + 2;
  }
  return /^\d{4}-\d{2}$/.test(period) ? tryParseMonth(period) : undefined;
}

/** A comparator drawn as a rule: what the chart shows of it (not its area or note). */
export type DrawnComparator = Pick<Comparator, 'kpi' | 'kind' | 'period' | 'value' | 'basis' | 'source'>;

export interface ObservedPoint {
  readonly monthIndex: number;
  readonly value: number;
  readonly period: string;
}

export interface SkippedComparators {
  readonly reason: string;
  readonly count: number;
  /** Up to five `kpi kind period` examples. */
  readonly examples: readonly string[];
}

export interface ComparatorPlan {
  /** Horizontal rules per KPI id, in a stable order (kind order of first appearance). */
  readonly rules: ReadonlyMap<string, readonly DrawnComparator[]>;
  /** Observed values inside the projection window per KPI id, by month. */
  readonly observed: ReadonlyMap<string, readonly ObservedPoint[]>;
  readonly skipped: readonly SkippedComparators[];
  /** Comparators given, drawn (as rules or points) and skipped: given = drawn + skipped. */
  readonly given: number;
  readonly drawn: number;
}

/** Why comparators were not drawn; each reads after a count, e.g. "12 for a KPI not in this report". */
export const SKIP_REASONS = {
  unknownKpi: 'for a KPI not in this report',
  basis: "with a basis that does not match the KPI's definition",
  area: 'counts for a larger area (England or a region); compare rates instead',
  stale: 'observed values from more than 24 months before the projection starts',
  old: 'describing a period ending more than 5 years before the projection starts',
  older: 'for an earlier period of the same comparator (the latest is drawn)',
  duplicate: 'other values for the same KPI, comparator and period (the last given is drawn)',
} as const;

/** Observed (`actual`) values older than this many months before the start are not drawn. */
export const OBSERVED_MAX_AGE_MONTHS = 24;
/** Other comparators (targets, neighbours, England) older than this are not drawn. */
export const COMPARATOR_MAX_AGE_MONTHS = 60;

/**
 * Sorts the comparators for `kpis` (the KPIs the report has values for) into what to draw and what
 * to leave out. `firstMonth`/`lastMonth` bound the projection (month indexes).
 */
export function planComparators(
  comparators: readonly Comparator[],
  kpis: ReadonlyMap<string, KpiDef>,
  firstMonth: number,
  lastMonth: number,
): ComparatorPlan {
  const skipped = new Map<string, { count: number; examples: string[] }>();
  const skip = (reason: string, c: Comparator): void => {
    let s = skipped.get(reason);
    if (!s) skipped.set(reason, (s = { count: 0, examples: [] }));
    s.count++;
    if (s.examples.length < 5) s.examples.push(`${c.kpi} ${c.kind} ${c.period}`);
  };

  // Latest period per (kpi, kind) for rules; per (kpi, month) for observed points.
  const ruleGroups = new Map<string, Map<string, { month: number; c: Comparator }[]>>();
  const pointGroups = new Map<string, Map<number, Comparator[]>>();
  for (const c of comparators) {
    const def = kpis.get(c.kpi);
    if (!def) {
      skip(SKIP_REASONS.unknownKpi, c);
      continue;
    }
    if (c.unmatched) {
      skip(`local definition: ${c.unmatched}`, c);
      continue;
    }
    if (!basisMatches(def, c.basis)) {
      skip(SKIP_REASONS.basis, c);
      continue;
    }
    if ((def.unit === 'count' || def.unit === 'gbp') && !COUNT_COMPARABLE_KINDS.has(c.kind)) {
      skip(SKIP_REASONS.area, c);
      continue;
    }
    const month = periodEndMonth(c.period) as number; // validated by the caller
    const isMonthly = /^\d{4}-\d{2}$/.test(c.period);
    if (c.kind === 'actual' && month < firstMonth - OBSERVED_MAX_AGE_MONTHS) {
      skip(SKIP_REASONS.stale, c);
      continue;
    }
    if (month < firstMonth - COMPARATOR_MAX_AGE_MONTHS) {
      skip(SKIP_REASONS.old, c);
      continue;
    }
    if (c.kind === 'actual' && isMonthly && month >= firstMonth && month <= lastMonth) {
      let byMonth = pointGroups.get(c.kpi);
      if (!byMonth) pointGroups.set(c.kpi, (byMonth = new Map()));
      const list = byMonth.get(month);
      if (list) list.push(c);
      else byMonth.set(month, [c]);
      continue;
    }
    let byKind = ruleGroups.get(c.kpi);
    if (!byKind) ruleGroups.set(c.kpi, (byKind = new Map()));
    const list = byKind.get(c.kind);
    if (list) list.push({ month, c });
    else byKind.set(c.kind, [{ month, c }]);
  }

  const rules = new Map<string, DrawnComparator[]>();
  let drawn = 0;
  for (const [kpi, byKind] of ruleGroups) {
    const out: DrawnComparator[] = [];
    for (const list of byKind.values()) {
      let latest = -Infinity;
      for (const e of list) latest = Math.max(latest, e.month);
      let chosen: Comparator | undefined;
      for (const e of list) {
        if (e.month < latest) skip(SKIP_REASONS.older, e.c);
        else {
          if (chosen) skip(SKIP_REASONS.duplicate, chosen);
          chosen = e.c;
        }
      }
      const c = chosen as Comparator;
      out.push({ kpi, kind: c.kind, period: c.period, value: c.value, basis: c.basis, source: c.source });
      drawn++;
    }
    rules.set(kpi, out);
  }

  const observed = new Map<string, ObservedPoint[]>();
  for (const [kpi, byMonth] of pointGroups) {
    const points: ObservedPoint[] = [];
    for (const [monthIndex, list] of byMonth) {
      for (let i = 0; i < list.length - 1; i++) skip(SKIP_REASONS.duplicate, list[i]);
      const c = list[list.length - 1];
      points.push({ monthIndex, value: c.value, period: c.period });
      drawn++;
    }
    points.sort((a, b) => a.monthIndex - b.monthIndex);
    observed.set(kpi, points);
  }

  const skippedList: SkippedComparators[] = [];
  for (const [reason, s] of skipped) skippedList.push({ reason, count: s.count, examples: s.examples });
  return { rules, observed, skipped: skippedList, given: comparators.length, drawn };
}

export interface ComparatorStyle {
  readonly color: string;
  readonly dash: readonly number[];
}

const STYLES: Record<string, ComparatorStyle> = {
  target: { color: '#b2182b', dash: [6, 3] },
  statistical_neighbour: { color: '#6a3d9a', dash: [2, 2] },
  england: { color: '#1a1a1a', dash: [8, 4] },
  south_east: { color: '#1b7837', dash: [4, 2, 1, 2] },
  actual: { color: '#000000', dash: [1, 2] },
};

export function comparatorStyle(kind: string): ComparatorStyle {
  return STYLES[kind] ?? { color: '#8c510a', dash: [3, 3] };
}
