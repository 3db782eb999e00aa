/**
 * The workbench's charts: the report's vega-lite specifications (fan charts, placement mix,
 * spend), built from the ensemble summaries the page holds and rendered live as SVG by vega in
 * the page, with a layer of hover targets whose tooltips give each month's numbers.
 */
import { View, parse, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { KPIS, kpiDef, type KpiDef } from '../../src/projections/catalogue.ts';
import type { Comparator, KpiSummary } from '../../src/projections/types.ts';
import { fanChartSpec, stackedAreaSpec, type FanRow, type StackRow } from '../../src/report/charts.ts';
import { OBSERVED_MAX_AGE_MONTHS, basisMatches, planComparators, type ComparatorPlan } from '../../src/report/comparators.ts';
import { axisTitle, formatKpiValue, monthLabel, monthTimestamp, unitNote } from '../../src/report/format.ts';
import { BASELINE_COLOR, SCENARIO_COLORS, placementColor, ruleSpecs } from '../../src/report/render.ts';
import { parseMonth } from '../../src/calendar/index.ts';

export interface ChartScenario {
  readonly summary: KpiSummary;
  readonly color: string;
}

/** Baseline grey, then the report's scenario colours in order. */
export function colorsFor(count: number): string[] {
  return [BASELINE_COLOR, ...Array.from({ length: Math.max(0, count - 1) }, (_, i) => SCENARIO_COLORS[i % SCENARIO_COLORS.length])];
}

export class ChartData {
  readonly start: number;
  readonly last: number;
  readonly months: number;
  readonly plan: ComparatorPlan;
  readonly present = new Map<string, KpiDef>();
  /** The LA's own monthly values in the months before the projection, per KPI: the history the fan continues. */
  readonly history = new Map<string, { monthIndex: number; value: number }[]>();

  constructor(
    readonly scenarios: readonly ChartScenario[],
    comparators: readonly Comparator[],
  ) {
    const first = scenarios[0].summary;
    this.start = parseMonth(first.startMonth);
    this.months = first.months;
    this.last = this.start + this.months - 1;
    for (const k of KPIS) if (scenarios.some((s) => s.summary.stats[k.id]?.some((st) => !Number.isNaN(st.p50)))) this.present.set(k.id, k);
    const rest: Comparator[] = [];
    const byMonth = new Map<string, Map<number, number>>();
    for (const c of comparators) {
      const def = this.present.get(c.kpi);
      const m = /^\d{4}-\d{2}$/.test(c.period) ? parseMonth(c.period) : undefined;
      if (def && c.kind === 'actual' && m !== undefined && m < this.start && m >= this.start - OBSERVED_MAX_AGE_MONTHS && basisMatches(def, c.basis)) {
        let h = byMonth.get(c.kpi);
        if (!h) byMonth.set(c.kpi, (h = new Map()));
        h.set(m, c.value); // the last given for a month wins, as in the report
      } else rest.push(c);
    }
    for (const [kpi, h] of byMonth) this.history.set(kpi, [...h].sort((a, b) => a[0] - b[0]).map(([monthIndex, value]) => ({ monthIndex, value })));
    this.plan = planComparators(rest, this.present, this.start, this.last);
  }

  get runs(): number {
    return this.scenarios[0].summary.runs;
  }

  range(): string {
    return `${monthLabel(this.start)} to ${monthLabel(this.last)}`;
  }
}

const nn = (v: number): number | null => (Number.isNaN(v) ? null : v);

function valueFormat(def: KpiDef): string {
  return def.unit === 'gbp' ? ',.0f' : def.unit === 'count' ? ',.0f' : ',.1f';
}

/** The report's fan chart for one KPI, with hover targets. */
export function fanSpec(data: ChartData, def: KpiDef, size: { width: number; height: number }): { spec: TopLevelSpec; label: string } {
  const rows: FanRow[] = [];
  const described: string[] = [];
  for (const s of data.scenarios) {
    const series = s.summary.stats[def.id];
    if (!series) continue;
    series.forEach((st, i) => rows.push({ t: monthTimestamp(data.start + i), scenario: s.summary.scenario, p5: nn(st.p5), p25: nn(st.p25), p50: nn(st.p50), p75: nn(st.p75), p95: nn(st.p95) }));
    const end = series[series.length - 1];
    described.push(`${s.summary.scenario}: median ${formatKpiValue(series[0].p50, def.unit)} in ${monthLabel(data.start)}, ${formatKpiValue(end.p50, def.unit)} in ${monthLabel(data.last)} (90% of runs ${formatKpiValue(end.p5, def.unit)} to ${formatKpiValue(end.p95, def.unit)}).`);
  }
  const rules = ruleSpecs(data.plan.rules.get(def.id) ?? [], def);
  const observedMonths = [...(data.history.get(def.id) ?? []), ...(data.plan.observed.get(def.id) ?? [])];
  const observed = observedMonths.map((p) => ({ t: monthTimestamp(p.monthIndex), value: p.value }));
  const spec = fanChartSpec({
    yTitle: axisTitle(def.unit, def.basis),
    unit: def.unit,
    months: data.months + (observedMonths.length > 0 ? Math.max(0, data.start - observedMonths[0].monthIndex) : 0),
    width: size.width,
    height: size.height,
    scenarios: data.scenarios.filter((s) => s.summary.stats[def.id]).map((s) => ({ name: s.summary.scenario, color: s.color })),
    rows,
    rules,
    observed,
  }) as unknown as { layer: Record<string, unknown>[] };
  const fmt = valueFormat(def);
  const x = { field: 't', type: 'temporal', scale: { type: 'utc' } };
  spec.layer.push({
    data: { values: rows },
    mark: { type: 'point', opacity: 0, size: 160, filled: true },
    encoding: {
      x,
      y: { field: 'p50', type: 'quantitative' },
      tooltip: [
        { field: 'scenario', title: 'Scenario' },
        { field: 't', type: 'temporal', title: 'Month', timeUnit: 'utcyearmonth', format: '%b %Y' },
        { field: 'p50', title: 'Median', format: fmt },
        { field: 'p25', title: 'p25', format: fmt },
        { field: 'p75', title: 'p75', format: fmt },
        { field: 'p5', title: 'p5', format: fmt },
        { field: 'p95', title: 'p95', format: fmt },
      ],
    },
  });
  if (observed.length > 0) {
    spec.layer.push({
      data: { values: observed },
      mark: { type: 'point', opacity: 0, size: 160, filled: true },
      encoding: { x, y: { field: 'value', type: 'quantitative' }, tooltip: [{ field: 't', type: 'temporal', title: 'Observed', timeUnit: 'utcyearmonth', format: '%b %Y' }, { field: 'value', title: 'Value', format: fmt }] },
    });
  }
  const cmp = rules.length > 0 ? ` Comparators: ${rules.map((r) => r.label).join('; ')}.` : '';
  return { spec: spec as unknown as TopLevelSpec, label: `Fan chart: ${def.label} (${unitNote(def.unit)}), ${data.range()}. ${described.join(' ')}${cmp}` };
}

function placementLabel(k: KpiDef): string {
  const s = k.label.replace(/^CLA:\s*/, '');
  return s[0].toUpperCase() + s.slice(1);
}

/** The report's placement-mix chart (stacked medians, one panel per scenario), with hover targets. */
export function placementSpec(data: ChartData, panelWidth: number): { spec: TopLevelSpec; label: string; groups: { label: string; color: string }[] } | undefined {
  const groups = KPIS.filter((k) => k.id.startsWith('cla_placement_') && k.unit === 'count' && data.present.has(k.id));
  if (groups.length === 0) return undefined;
  const colored = groups.map((g) => ({ label: placementLabel(g), color: placementColor(g.id) }));
  const rows: StackRow[] = [];
  const described: string[] = [];
  for (const s of data.scenarios) {
    const parts: string[] = [];
    groups.forEach((g, gi) => {
      const series = s.summary.stats[g.id];
      if (!series) return;
      series.forEach((st, i) => rows.push({ t: monthTimestamp(data.start + i), scenario: s.summary.scenario, group: placementLabel(g), order: gi, value: Number.isNaN(st.p50) ? (null as unknown as number) : st.p50 }));
      parts.push(`${placementLabel(g)} ${formatKpiValue(series[series.length - 1].p50, 'count')}`);
    });
    described.push(`${s.summary.scenario}, ${monthLabel(data.last)}: ${parts.join(', ')}.`);
  }
  const spec = stackedAreaSpec({
    yTitle: 'Children at month end',
    months: data.months,
    panelWidth,
    height: 190,
    scenarios: data.scenarios.map((s) => s.summary.scenario),
    groups: colored,
    rows,
  }) as unknown as { spec: { mark: unknown; encoding: Record<string, unknown>; layer?: unknown[] } };
  const inner = spec.spec;
  const area = inner.mark;
  delete (inner as { mark?: unknown }).mark;
  inner.layer = [
    { mark: area },
    {
      mark: { type: 'point', opacity: 0, size: 120, filled: true },
      encoding: {
        tooltip: [
          { field: 'scenario', title: 'Scenario' },
          { field: 'group', title: 'Placement' },
          { field: 't', type: 'temporal', title: 'Month', timeUnit: 'utcyearmonth', format: '%b %Y' },
          { field: 'value', title: 'Median', format: ',.0f' },
        ],
      },
    },
  ];
  return { spec: spec as unknown as TopLevelSpec, label: `Stacked area chart of children looked after by placement type, ${data.range()}. ${described.join(' ')}`, groups: colored };
}

/** KPIs shown in the spend section: placement and care-leaver spend, and programme cost and net savings when the engine reports them. */
export function spendKpis(data: ChartData): KpiDef[] {
  return ['placement_cost', 'care_leaver_cost', 'programme_cost', 'net_savings', 'net_saving', 'total_cost'].map((id) => data.present.get(id) ?? kpiDef(id)).filter((d): d is KpiDef => d !== undefined && data.present.has(d.id));
}

export type TooltipShow = (event: MouseEvent, value: unknown) => void;

/** Compiles and renders a spec into `el` as SVG (replacing what was there), with `role="img"` and a label. */
export async function renderChart(el: HTMLElement, spec: TopLevelSpec, label: string, tooltip: TooltipShow, previous?: View): Promise<View> {
  previous?.finalize();
  const vg = compile(spec).spec as unknown as VegaSpec;
  const view = new View(parse(vg), { renderer: 'svg', container: el, hover: true });
  view.tooltip((_handler: unknown, event: MouseEvent, _item: unknown, value: unknown) => tooltip(event, value));
  await view.runAsync();
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', label);
  const svg = el.querySelector('svg');
  if (svg) {
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
  }
  return view;
}
