/**
 * The sweep's report.html: what was varied and how, then for every sensitivity target (a KPI's
 * mean at a month) a tornado chart (the target's mean over the points in each factor's lowest
 * and highest thirds) and, for Saltelli designs, the first-order and total Sobol indices with
 * their bootstrap intervals, as a chart and a table. Charts are vega-lite specs drawn by vega in
 * the page, as in the scenario report: one file that needs no network.
 */
import type { TopLevelSpec } from 'vega-lite';
import { kpiDef } from '../projections/catalogue.ts';
import { CHART_CONFIG, chartHtml } from '../report/charts.ts';
import { chartRuntime } from '../report/chartRuntime.ts';
import { escapeHtml, formatKpiValue, monthLabelOf } from '../report/format.ts';
import { REPORT_CSS } from '../report/style.ts';
import { writeFileAtomic } from '../node/atomicFile.ts';
import type { Distribution } from './design.ts';
import type { SweepMerger } from './merge.ts';
import type { SensitivityRow } from './outputs.ts';
import { jobCount, pointCount } from './plan.ts';
import type { FactorDef, SweepPlan } from './spec.ts';

const LOW = '#4a90c8';
const HIGH = '#d95f02';

function describeDistribution(d: Distribution): string {
  const n = (x: number) => String(+x.toPrecision(6));
  switch (d.dist) {
    case 'uniform':
      return `uniform ${n(d.min)} to ${n(d.max)}`;
    case 'triangular':
      return `triangular ${n(d.min)} to ${n(d.max)}, mode ${n(d.mode)}`;
    case 'normal':
      return `normal, mean ${n(d.mean)}, sd ${n(d.sd)}${d.min !== undefined || d.max !== undefined ? `, within ${d.min ?? '−∞'} to ${d.max ?? '∞'}` : ''}`;
    case 'values':
      return `one of ${d.values.map(n).join(', ')}`;
  }
}

function describeFactor(f: FactorDef): string {
  return f.lever ? `lever <code>${escapeHtml(f.lever)}</code>, ${f.change} change` : `parameter <code>${escapeHtml(f.path!)}</code> set to the value`;
}

const idx = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');

function tornadoSpec(rows: readonly SensitivityRow[], mean: number, unitLabel: string): TopLevelSpec {
  const order = [...rows].sort((a, b) => Math.abs(b.high - b.low) - Math.abs(a.high - a.low) || a.factor.localeCompare(b.factor)).map((r) => r.factor);
  const data = rows.flatMap((r) => [
    { factor: r.factor, side: 'lowest third of the factor', value: r.low, range: Math.abs(r.high - r.low), mean },
    { factor: r.factor, side: 'highest third of the factor', value: r.high, range: Math.abs(r.high - r.low), mean },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 760,
    height: Math.max(80, 28 * rows.length),
    data: { values: data },
    layer: [
      {
        mark: { type: 'bar', height: 16 },
        encoding: {
          y: { field: 'factor', type: 'nominal', sort: order, title: null, axis: { labelLimit: 220 } },
          x: { field: 'mean', type: 'quantitative', title: unitLabel, scale: { zero: false } },
          x2: { field: 'value' },
          color: { field: 'side', type: 'nominal', scale: { domain: ['lowest third of the factor', 'highest third of the factor'], range: [LOW, HIGH] }, legend: { orient: 'bottom', title: null } },
        },
      },
      { mark: { type: 'rule', color: '#333', strokeDash: [4, 3] }, encoding: { x: { datum: mean, type: 'quantitative' } } },
    ],
  } as unknown as TopLevelSpec;
}

function indexSpec(rows: readonly SensitivityRow[]): TopLevelSpec {
  const order = [...rows].sort((a, b) => (Number.isNaN(b.total) ? -1 : b.total) - (Number.isNaN(a.total) ? -1 : a.total) || a.factor.localeCompare(b.factor)).map((r) => r.factor);
  const data = rows.flatMap((r) => [
    { factor: r.factor, index: 'first-order', value: r.first, lo: r.firstLo, hi: r.firstHi },
    { factor: r.factor, index: 'total', value: r.total, lo: r.totalLo, hi: r.totalHi },
  ]);
  const y = { field: 'factor', type: 'nominal', sort: order, title: null, axis: { labelLimit: 220 } };
  const yOffset = { field: 'index', type: 'nominal', sort: ['first-order', 'total'] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: CHART_CONFIG,
    width: 760,
    height: { step: 15 },
    data: { values: data },
    encoding: { y, yOffset },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.9 } },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: 'Sobol index (share of the variance of the KPI)', scale: { domain: [Math.min(0, ...data.map((d) => d.lo).filter(Number.isFinite)), Math.max(1, ...data.map((d) => d.hi).filter(Number.isFinite))], nice: false } },
          color: { field: 'index', type: 'nominal', scale: { domain: ['first-order', 'total'], range: ['#9ecae1', '#08519c'] }, legend: { orient: 'bottom', title: null } },
        },
      },
      { mark: { type: 'rule', color: '#222' }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
    ],
  } as unknown as TopLevelSpec;
}

function indexTable(rows: readonly SensitivityRow[], confidence: number): string {
  const sorted = [...rows].sort((a, b) => b.total - a.total || a.factor.localeCompare(b.factor));
  const pct = Math.round(confidence * 100);
  const body = sorted
    .map((r) => `<tr><td>${escapeHtml(r.factor)}</td><td class="num">${idx(r.first)}</td><td class="num">${idx(r.firstLo)} to ${idx(r.firstHi)}</td><td class="num">${idx(r.total)}</td><td class="num">${idx(r.totalLo)} to ${idx(r.totalHi)}</td></tr>`)
    .join('\n');
  return `<table class="indices"><thead><tr><th>factor</th><th>first-order S<sub>i</sub></th><th>${pct}% interval</th><th>total S<sub>Ti</sub></th><th>${pct}% interval</th></tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function writeSweepReport(path: string, plan: SweepPlan, merger: SweepMerger, sensitivity: readonly SensitivityRow[], opts: { command?: string } = {}): string {
  const sections: string[] = [];
  let chart = 0;
  const s = plan.sensitivity;
  if (s) {
    for (const base of plan.bases) {
      for (const t of merger.targets) {
        const rows = sensitivity.filter((r) => r.scenario === base.name && r.kpi === t.kpi && r.month === t.month);
        if (rows.length === 0) continue;
        const def = kpiDef(t.kpi);
        const label = def?.label ?? t.kpi;
        const b = plan.bases.indexOf(base);
        const d = plan.design.points.length;
        const ys = Array.from(t.y.subarray(b * d, (b + 1) * d)).filter((v) => !Number.isNaN(v));
        const mean = ys.length ? ys.reduce((a, v) => a + v, 0) / ys.length : NaN;
        const title = `${label}, ${monthLabelOf(t.month)}${plan.bases.length > 1 ? ` — ${base.name}` : ''}`;
        const unitLabel = `${label} (mean over replications)`;
        const tornado = chartHtml(tornadoSpec(rows, mean, unitLabel), { title: `Tornado: ${title}`, label: `Mean ${label} in ${monthLabelOf(t.month)} over the points in each factor's lowest and highest third` }, `c${++chart}`);
        let html = `<section class="target"><h2>${escapeHtml(title)}</h2>
<figure class="chart wide"><figcaption><span class="title">Tornado: what each factor moves</span><span class="desc">Each bar runs from the mean over all points (dashed line, ${escapeHtml(def ? formatKpiValue(mean, def.unit) : String(mean))}) to the mean over the points where that factor lies in its lowest third (blue) or highest third (orange) of its range. Longest bars first.</span></figcaption>${tornado}</figure>`;
        if (plan.design.type === 'saltelli') {
          const indices = chartHtml(indexSpec(rows), { title: `Sobol indices: ${title}`, label: `First-order and total Sobol indices of each factor for ${label} in ${monthLabelOf(t.month)}` }, `c${++chart}`);
          html += `
<figure class="chart wide"><figcaption><span class="title">Sobol indices</span><span class="desc">Share of the variance of the KPI's mean due to each factor alone (first-order) and with its interactions (total), with ${Math.round(s.confidence * 100)}% bootstrap intervals (${s.bootstrap} resamples of ${rows[0].n} rows). A total index near 0 means the factor can be fixed anywhere in its range. With few rows the estimates are rough and can fall below 0 or above 1; the intervals say how far to trust them.</span></figcaption>${indices}</figure>
${indexTable(rows, s.confidence)}`;
        }
        sections.push(html + '</section>');
      }
    }
  }
  const failed = merger.failures.size;
  const factorRows = plan.factors.map((f) => `<tr><td>${escapeHtml(f.name)}</td><td class="left">${describeFactor(f)}</td><td class="left">${escapeHtml(describeDistribution(f.distribution))}</td></tr>`).join('\n');
  const html = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(plan.name)}: sweep</title><style>${REPORT_CSS}
table.factors td.left, table.indices td:first-child { text-align: left; }
table.indices { max-width: 760px; margin-top: 8px; }
section.target { break-before: auto; }
</style></head><body>
<header class="report"><h1>${escapeHtml(plan.name)}</h1><p class="lede">${escapeHtml(plan.description)}</p>
<dl class="run">
<dt>Scenarios</dt><dd>${plan.bases.map((b) => escapeHtml(b.name)).join(', ')}</dd>
<dt>Design</dt><dd>${plan.design.type === 'saltelli' ? `Saltelli, N = ${plan.design.samples} (${plan.design.points.length} points)` : plan.design.type === 'lhs' ? `Latin hypercube, ${plan.design.points.length} points` : `grid, ${plan.design.points.length} points`}${plan.bases.length > 1 ? ` × ${plan.bases.length} scenarios` : ''}</dd>
<dt>Replications</dt><dd>${plan.runs} per point, ${pointCount(plan).toLocaleString('en-GB')} points, ${jobCount(plan).toLocaleString('en-GB')} jobs${failed ? `; <strong>${failed} failed</strong> (failed.csv)` : ''}</dd>
<dt>Months</dt><dd>${plan.months} from ${monthLabelOf(plan.startMonth)}</dd>
<dt>Seed</dt><dd>${plan.seed} (sweep ${plan.id}, engine ${escapeHtml(plan.engineVersion)})</dd>
${opts.command ? `<dt>Command</dt><dd><pre class="command">${escapeHtml(opts.command)}</pre></dd>` : ''}
</dl></header>
<h2>Factors</h2>
<table class="factors"><thead><tr><th>factor</th><th class="left">what it changes</th><th class="left">range</th></tr></thead><tbody>
${factorRows}
</tbody></table>
<p class="note">Every point's KPIs (mean and p5–p95 per month) are in <code>sweep-kpis.csv</code>; the points and their seeds in <code>design.json</code>; the indices in <code>sensitivity.csv</code>.</p>
${sections.join('\n') || '<p class="note">No sensitivity targets in the spec (add <code>sensitivity</code> to see tornado charts and Sobol indices).</p>'}
<footer>caseflow ${escapeHtml(plan.engineVersion)} sweep report</footer>
${chartRuntime()}
</body></html>
`;
  writeFileAtomic(path, html);
  return path;
}
