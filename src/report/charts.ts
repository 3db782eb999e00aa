/**
 * Charts for reports: vega-lite specs, embedded in the report as JSON and drawn as SVG by vega in
 * the page (chartScript.ts), so that writing a report costs no chart rendering. The time axis is
 * UTC throughout, so a chart does not depend on the reader's time zone.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { KpiUnit } from '../projections/catalogue.ts';
import { escapeHtml } from './format.ts';

export const FONT = 'Liberation Sans, Arial, Helvetica, sans-serif';

/** Shared look: readable at A4, quiet gridlines, titles left-aligned. */
export const CHART_CONFIG = {
  font: FONT,
  background: 'white',
  padding: 6,
  view: { stroke: '#d0d0d0' },
  axis: { labelFontSize: 12, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6', domainColor: '#888', tickColor: '#888' },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolSize: 120, labelLimit: 260 },
  header: { labelFontSize: 13, labelFontWeight: 'bold', labelColor: '#1a1a1a' },
} as const;

/** Tick spacing for a time axis over `months` months. */
function timeTicks(months: number): { interval: 'month' | 'year'; step: number } {
  if (months <= 12) return { interval: 'month', step: 2 };
  if (months <= 30) return { interval: 'month', step: 6 };
  if (months <= 72) return { interval: 'year', step: 1 };
  return { interval: 'year', step: Math.ceil(months / 72) };
}

export function timeAxis(months: number): Record<string, unknown> {
  return {
    field: 't',
    type: 'temporal',
    scale: { type: 'utc' },
    title: 'Month',
    axis: { format: '%b %Y', tickCount: timeTicks(months), labelAngle: 0, labelOverlap: 'greedy', labelFlush: true, grid: true },
  };
}

/** A y-axis label expression for a unit; `maxAbs` picks £k or £m for money. */
export function valueAxisLabel(unit: KpiUnit, maxAbs: number): string {
  switch (unit) {
    case 'pct':
      return "format(datum.value, ',~f') + '%'";
    case 'gbp':
      if (maxAbs >= 1e6) return "'£' + format(datum.value / 1000000, ',~f') + 'm'";
      if (maxAbs >= 1e4) return "'£' + format(datum.value / 1000, ',~f') + 'k'";
      return "'£' + format(datum.value, ',~f')";
    default:
      return "format(datum.value, ',~f')";
  }
}

export interface FanRow {
  readonly t: number;
  readonly scenario: string;
  readonly p5: number | null;
  readonly p25: number | null;
  readonly p50: number | null;
  readonly p75: number | null;
  readonly p95: number | null;
}

export interface RuleSpec {
  readonly value: number;
  readonly label: string;
  readonly color: string;
  readonly dash: readonly number[];
}

export interface LabelPlacement {
  /** Which end of the rule carries the label, and whether it sits above or below the rule. */
  readonly side: 'left' | 'right';
  readonly vertical: 'above' | 'below';
  /** The label's estimated box in plot pixels. */
  readonly box: { readonly x0: number; readonly x1: number; readonly y0: number; readonly y1: number };
}

/** Estimated width of a bold 10.5px label (no canvas to measure with). */
const LABEL_CHAR_PX = 6.3;
const LABEL_HEIGHT_PX = 13;

/**
 * Places comparator labels so that they do not overprint one another: each label goes at the
 * right or left end of its rule, above or below it, trying those slots in that order and taking
 * the first that overlaps no label placed so far (or, failing that, the one that overlaps least).
 * Pixel positions are estimated from the value range [lo, hi] mapped onto the plot height.
 * Returns placements in the order of `rules`.
 */
export function placeLabels(rules: readonly { value: number; label: string }[], lo: number, hi: number, width: number, height: number): LabelPlacement[] {
  const span = hi - lo > 0 ? hi - lo : 1;
  const py = (v: number): number => ((hi - v) / span) * height;
  const order = rules.map((_, i) => i).sort((a, b) => rules[b].value - rules[a].value || (rules[a].label < rules[b].label ? -1 : rules[a].label > rules[b].label ? 1 : 0));
  const placed: LabelPlacement['box'][] = [];
  const out: LabelPlacement[] = new Array(rules.length);
  const overlap = (a: LabelPlacement['box'], b: LabelPlacement['box']): number =>
    Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  for (const i of order) {
    const r = rules[i];
    const w = Math.min(width - 6, r.label.length * LABEL_CHAR_PX);
    const y = py(r.value);
    let best: LabelPlacement | undefined;
    let bestCost = Infinity;
    for (const vertical of ['above', 'below'] as const) {
      for (const side of ['right', 'left'] as const) {
        const x0 = side === 'right' ? width - 3 - w : 3;
        const y0 = vertical === 'above' ? y - 2 - LABEL_HEIGHT_PX : y + 2;
        const box = { x0, x1: x0 + w, y0, y1: y0 + LABEL_HEIGHT_PX };
        let cost = 0;
        for (const p of placed) cost += overlap(box, { x0: p.x0 - 2, x1: p.x1 + 2, y0: p.y0 - 1, y1: p.y1 + 1 });
        if (box.y0 < -4 || box.y1 > height + 4) cost += 0.5; // prefer inside the plot
        if (cost < bestCost) {
          bestCost = cost;
          best = { side, vertical, box };
        }
        if (cost === 0) break;
      }
      if (bestCost === 0) break;
    }
    out[i] = best as LabelPlacement;
    placed.push((best as LabelPlacement).box);
  }
  return out;
}

export interface FanChartOptions {
  readonly yTitle: string;
  readonly unit: KpiUnit;
  readonly months: number;
  readonly width: number;
  readonly height: number;
  readonly scenarios: readonly { readonly name: string; readonly color: string }[];
  readonly rows: readonly FanRow[];
  readonly rules: readonly RuleSpec[];
  readonly observed: readonly { readonly t: number; readonly value: number }[];
}

/** Median line with 50% (p25–p75) and 90% (p5–p95) bands per scenario, plus comparator rules. */
export function fanChartSpec(o: FanChartOptions): TopLevelSpec {
  let maxAbs = 0;
  for (const r of o.rows) if (r.p95 !== null) maxAbs = Math.max(maxAbs, Math.abs(r.p95), Math.abs(r.p5 ?? 0));
  for (const r of o.rules) maxAbs = Math.max(maxAbs, Math.abs(r.value));
  const color = {
    field: 'scenario',
    type: 'nominal',
    legend: null,
    scale: { domain: o.scenarios.map((s) => s.name), range: o.scenarios.map((s) => s.color) },
  };
  const x = timeAxis(o.months);
  const y = (field: string) => ({
    field,
    type: 'quantitative',
    scale: { zero: false, nice: true },
    title: o.yTitle,
    axis: { labelExpr: valueAxisLabel(o.unit, maxAbs), tickCount: 6 },
  });
  const data = { values: o.rows };
  const layers: Record<string, unknown>[] = [
    { data, mark: { type: 'area', opacity: 0.16, interpolate: 'monotone' }, encoding: { x, y: y('p5'), y2: { field: 'p95' }, color } },
    { data, mark: { type: 'area', opacity: 0.3, interpolate: 'monotone' }, encoding: { x, y: y('p25'), y2: { field: 'p75' }, color } },
    { data, mark: { type: 'line', strokeWidth: 2.2, interpolate: 'monotone' }, encoding: { x, y: y('p50'), color } },
  ];
  const one = { values: [{}] };
  const halos: Record<string, unknown>[] = [];
  const labels: Record<string, unknown>[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of o.rows) {
    if (r.p5 !== null) lo = Math.min(lo, r.p5);
    if (r.p95 !== null) hi = Math.max(hi, r.p95);
  }
  for (const r of [...o.rules, ...o.observed]) {
    lo = Math.min(lo, r.value);
    hi = Math.max(hi, r.value);
  }
  const placements = placeLabels(o.rules, lo, hi, o.width, o.height);
  for (const [ri, r] of o.rules.entries()) {
    const place = placements[ri];
    layers.push({
      data: one,
      mark: { type: 'rule', color: r.color, strokeDash: [...r.dash], strokeWidth: 1.4 },
      encoding: { y: { datum: r.value, type: 'quantitative' } },
    });
    const text = {
      type: 'text',
      align: place.side === 'right' ? 'right' : 'left',
      baseline: place.vertical === 'above' ? 'bottom' : 'top',
      dx: place.side === 'right' ? -3 : 3,
      dy: place.vertical === 'above' ? -2 : 2,
      fontSize: 10.5,
      fontWeight: 'bold',
    };
    const at = { x: { value: place.side === 'right' ? 'width' : 0 }, y: { datum: r.value, type: 'quantitative' }, text: { value: r.label } };
    // A white halo under the label keeps it legible over bands and lines.
    halos.push({ data: one, mark: { ...text, color: 'white', stroke: 'white', strokeWidth: 3.5, strokeJoin: 'round', opacity: 0.9 }, encoding: at });
    labels.push({ data: one, mark: { ...text, color: r.color }, encoding: at });
  }
  layers.push(...halos, ...labels);
  if (o.observed.length > 0) {
    layers.push({
      data: { values: o.observed },
      mark: { type: 'point', shape: 'diamond', filled: true, color: '#000', size: 36 },
      encoding: { x, y: { field: 'value', type: 'quantitative' } },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: o.width,
    height: o.height,
    config: CHART_CONFIG,
    layer: layers,
  } as unknown as TopLevelSpec;
}

export interface StackRow {
  readonly t: number;
  readonly scenario: string;
  readonly group: string;
  readonly order: number;
  readonly value: number;
}

export interface StackedAreaOptions {
  readonly yTitle: string;
  readonly months: number;
  /** Width of each scenario's panel. */
  readonly panelWidth: number;
  readonly height: number;
  readonly scenarios: readonly string[];
  readonly groups: readonly { readonly label: string; readonly color: string }[];
  readonly rows: readonly StackRow[];
}

/** Stacked areas, one panel per scenario side by side (the colour key is in the HTML caption). */
export function stackedAreaSpec(o: StackedAreaOptions): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: o.rows },
    config: CHART_CONFIG,
    facet: { column: { field: 'scenario', type: 'nominal', sort: [...o.scenarios], header: { title: null, labelAnchor: 'start' } } },
    spec: {
      width: o.panelWidth,
      height: o.height,
      mark: { type: 'area', interpolate: 'monotone', stroke: 'white', strokeWidth: 0.5 },
      encoding: {
        x: timeAxis(o.months),
        y: { field: 'value', type: 'quantitative', stack: 'zero', title: o.yTitle, axis: { labelExpr: "format(datum.value, ',~f')" } },
        color: {
          field: 'group',
          type: 'nominal',
          scale: { domain: o.groups.map((g) => g.label), range: o.groups.map((g) => g.color) },
          legend: null,
        },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  } as unknown as TopLevelSpec;
}

/** A number for a chart's data: 6 significant digits (far finer than a chart can show), null for NaN. */
export function chartNumber(v: number): number | null {
  return Number.isNaN(v) ? null : Number(v.toPrecision(6));
}

/**
 * A chart's place in a report: a container that the report's chart script (chartScript.ts) draws
 * the SVG into when the page loads, and beside it the vega-lite spec as JSON. The SVG gets
 * `role="img"`, `a11y.label` as its aria-label and `a11y.title` as its <title>; without scripts
 * the container says where the numbers are.
 */
export function chartHtml(spec: TopLevelSpec, a11y: { title: string; label: string }, id: string): string {
  const json = JSON.stringify(spec).replace(/</g, '\\u003c');
  return (
    `<div class="vis" id="${id}-vis" data-title="${escapeHtml(a11y.title)}" data-label="${escapeHtml(a11y.label)}">` +
    `<noscript><p class="missing">This chart is drawn by the script in this page; the numbers are in the table of measures below.</p></noscript></div>` +
    `<script type="application/json" data-chart="${id}-vis">${json}</script>`
  );
}
