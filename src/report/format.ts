/**
 * Text formatting for reports. Locale-independent on purpose: the same input gives the same
 * bytes on every machine (no Intl, no time zone).
 */
import { firstDayOfMonth, parseMonth } from '../calendar/index.ts';
import type { KpiBasis, KpiUnit } from '../projections/catalogue.ts';

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MINUS = '\u2212';
export const EN_DASH = '\u2013';

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** `Mar 2025` for a month index. */
export function monthLabel(monthIndex: number): string {
  const y = Math.floor(monthIndex / 12);
  return `${MONTH_NAMES[monthIndex - y * 12]} ${y}`;
}

/** `Mar 2025` for `2025-03`. */
export function monthLabelOf(key: string): string {
  return monthLabel(parseMonth(key));
}

/** Milliseconds since the epoch (UTC) at the start of a month: what the charts' time axis uses. */
export function monthTimestamp(monthIndex: number): number {
  return firstDayOfMonth(monthIndex) * 86_400_000;
}

/** A period as printed in comparators: `FY2022-23` as is, `2023-02` as `Feb 2023`. */
export function periodLabel(period: string): string {
  return /^\d{4}-\d{2}$/.test(period) ? monthLabelOf(period) : period;
}

/** Fixed decimals with thousands separators and a true minus sign; `–` for NaN. */
export function formatNumber(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return EN_DASH;
  const fixed = Math.abs(v).toFixed(decimals);
  const [int, frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = v < 0 && Number(fixed) !== 0;
  return `${negative ? MINUS : ''}${grouped}${frac !== undefined ? `.${frac}` : ''}`;
}

/** Pounds: £1.23m, £456k, £789. */
export function formatGbp(v: number): string {
  if (!Number.isFinite(v)) return EN_DASH;
  const a = Math.abs(v);
  const sign = v < 0 ? MINUS : '';
  if (a >= 999_500) return `${sign}£${formatNumber(a / 1e6, 2)}m`;
  if (a >= 9_999.5) return `${sign}£${formatNumber(a / 1e3, 0)}k`;
  return `${sign}£${formatNumber(a, 0)}`;
}

/** A KPI value in its unit, at the precision a reader needs. */
export function formatKpiValue(v: number, unit: KpiUnit): string {
  if (!Number.isFinite(v)) return EN_DASH;
  switch (unit) {
    case 'count':
      return formatNumber(v, Math.abs(v) < 10 && !Number.isInteger(v) ? 1 : 0);
    case 'pct':
      return `${formatNumber(v, 1)}%`;
    case 'per10k':
    case 'ratio':
      return formatNumber(v, Math.abs(v) < 100 ? 1 : 0);
    case 'gbp':
      return formatGbp(v);
  }
}

/** A free-text unit from a comparison row: "£"/"gbp" means money. */
export function isMoneyUnit(unit: string): boolean {
  const u = unit.trim().toLowerCase();
  return u === '£' || u === 'gbp' || u === 'pounds';
}

export function formatComparisonValue(v: number, unit: string): string {
  if (isMoneyUnit(unit)) return formatGbp(v);
  return formatNumber(v, Math.abs(v) < 10 ? 1 : 0);
}

/** The axis title for a KPI: what one unit on the axis means. */
export function axisTitle(unit: KpiUnit, basis: KpiBasis): string {
  switch (basis) {
    case 'month_count':
      return 'Number in month';
    case 'month_end_stock':
      return 'Number at month end';
    case 'rolling12_rate_per_10k':
      return 'Per 10,000 (12 months)';
    case 'month_end_rate_per_10k':
      return 'Per 10,000 at month end';
    case 'month_pct':
      return '% in month';
    case 'month_end_pct':
      return '% at month end';
    case 'month_gbp':
      return '£ in month';
    case 'month_end_ratio':
      return unit === 'ratio' ? 'Cases per worker' : 'Ratio at month end';
  }
}

export function unitNote(unit: KpiUnit): string {
  switch (unit) {
    case 'count':
      return 'number';
    case 'pct':
      return '%';
    case 'per10k':
      return 'per 10,000 children aged 0–17';
    case 'gbp':
      return '£ per month';
    case 'ratio':
      return 'ratio';
  }
}

const KIND_LABELS: Record<string, string> = {
  target: 'Target',
  statistical_neighbour: 'Statistical neighbours',
  england: 'England',
  south_east: 'South East',
  actual: 'Observed',
  core_cities: 'Core cities',
};

/** `statistical_neighbour` → `Statistical neighbours`; unknown kinds are spelled out. */
export function kindLabel(kind: string): string {
  const known = KIND_LABELS[kind];
  if (known !== undefined) return known;
  const s = kind.replace(/[_-]+/g, ' ').trim();
  return s.length === 0 ? 'Comparator' : s[0].toUpperCase() + s.slice(1);
}
