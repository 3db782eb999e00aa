/**
 * The report's back-test section: how close the model's earlier projections came to what
 * happened, beside the naive and Markov benchmarks, with a chart of projected against actual by
 * origin for the children looked after.
 */
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, chartHtml, timeAxis } from './charts.ts';
import { EN_DASH, escapeHtml, formatNumber, monthLabel, monthTimestamp } from './format.ts';
import type { ReportBacktest, ReportBacktestScore } from './types.ts';
import { TREND_TIE } from '../calibration/trendChoice.ts';

const MODEL = '#0b6fb8';
const MARKOV = '#d95f02';
const ACTUAL = '#1a1a1a';
/** KPIs shown in the tables when present (in this order); observed series show every KPI. */
const HEADLINE = ['cla_open', 'cla_starts', 'cla_ends', 'uasc_open', '(all)'];
const CHART_KPI = 'cla_open';

const parseMonthKey = (k: string) => Number(k.slice(0, 4)) * 12 + Number(k.slice(5, 7)) - 1;
const fmt = (x: number, d = 1) => (Number.isFinite(x) ? formatNumber(x, d) : EN_DASH);

function scoreTable(scores: readonly ReportBacktestScore[], hasMarkov: boolean): string {
  const head =
    `<tr><th scope="col">Measure</th><th scope="col">Months ahead</th><th scope="col">Origins</th><th scope="col">MAPE %</th><th scope="col">Naive MAPE %</th>` +
    (hasMarkov ? `<th scope="col">Markov MAPE %</th>` : '') +
    `<th scope="col">MASE vs naive</th>${hasMarkov ? '<th scope="col">MASE vs Markov</th>' : ''}<th scope="col">In p5${EN_DASH}p95 %</th><th scope="col">In p25${EN_DASH}p75 %</th></tr>`;
  const body = scores
    .map((s) => {
      const better = (m: number) => (Number.isFinite(m) ? (m < 1 ? ' class="num better"' : ' class="num"') : ' class="num"');
      return (
        `<tr data-kpi="${escapeHtml(s.kpi)}" data-horizon="${s.horizon}"><td>${escapeHtml(s.kpi === '(all)' ? 'all measures' : s.kpi)}</td><td class="num">${s.horizon}</td><td class="num">${s.n}</td>` +
        `<td class="num">${fmt(s.mape)}</td><td class="num">${fmt(s.mapeNaive)}</td>${hasMarkov ? `<td class="num">${fmt(s.mapeMarkov)}</td>` : ''}` +
        `<td${better(s.maseNaive)}>${fmt(s.maseNaive, 2)}</td>${hasMarkov ? `<td${better(s.maseMarkov)}>${fmt(s.maseMarkov, 2)}</td>` : ''}` +
        `<td class="num">${fmt(s.in90, 0)}</td><td class="num">${fmt(s.in50, 0)}</td></tr>`
      );
    })
    .join('');
  return `<table class="backtest"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

interface Point {
  t: number;
  value: number;
  series: string;
  origin: string;
  /** Unbroken run of months the point belongs to (the recorded line breaks between runs). */
  run?: number;
}

/** Actual line; per origin the median path (origin → each horizon) with its p5–p95 range, and the Markov path. */
export function backtestChartSpec(bt: ReportBacktest, source: string, kpi: string): TopLevelSpec | undefined {
  const rows = bt.origins.filter((r) => r.source === source && r.kpi === kpi);
  if (rows.length === 0) return undefined;
  const actual: Point[] = [];
  const hist = bt.actual.find((a) => a.source === source);
  const series = hist?.values[kpi];
  if (hist && series) {
    const first = parseMonthKey(hist.first);
    series.forEach((v, i) => Number.isFinite(v) && actual.push({ t: monthTimestamp(first + i), value: v, series: 'actual', origin: '' }));
  } else {
    const byMonth = new Map<number, number>();
    for (const r of rows) {
      const m = parseMonthKey(r.origin) + r.horizon;
      if (!byMonth.has(m) && Number.isFinite(r.actual)) byMonth.set(m, r.actual);
      // the naive forecast of a stock is its value at the origin
      if (!byMonth.has(parseMonthKey(r.origin)) && Number.isFinite(r.naive)) byMonth.set(parseMonthKey(r.origin), r.naive);
    }
    let run = 0;
    let prev = NaN;
    for (const m of [...byMonth.keys()].sort((a, b) => a - b)) {
      if (m !== prev + 1) run++;
      prev = m;
      actual.push({ t: monthTimestamp(m), value: byMonth.get(m)!, series: 'actual', origin: '', run });
    }
  }
  const paths: Point[] = [];
  const bands: { t: number; p5: number; p95: number; origin: string }[] = [];
  const byOrigin = new Map<string, typeof rows>();
  for (const r of rows) {
    if (!byOrigin.has(r.origin)) byOrigin.set(r.origin, []);
    byOrigin.get(r.origin)!.push(r);
  }
  const hasMarkov = rows.some((r) => Number.isFinite(r.markov));
  for (const [origin, rs] of byOrigin) {
    const o = parseMonthKey(origin);
    const start = rs.find((r) => Number.isFinite(r.naive))?.naive;
    if (start !== undefined) {
      paths.push({ t: monthTimestamp(o), value: start, series: 'caseflow median', origin });
      if (hasMarkov) paths.push({ t: monthTimestamp(o), value: start, series: 'Markov benchmark', origin });
    }
    for (const r of [...rs].sort((a, b) => a.horizon - b.horizon)) {
      const t = monthTimestamp(o + r.horizon);
      if (Number.isFinite(r.p50)) paths.push({ t, value: r.p50, series: 'caseflow median', origin });
      if (Number.isFinite(r.markov)) paths.push({ t, value: r.markov, series: 'Markov benchmark', origin });
      if (Number.isFinite(r.p5) && Number.isFinite(r.p95)) bands.push({ t, p5: r.p5, p95: r.p95, origin });
    }
  }
  const ts = [...actual, ...paths].map((p) => p.t);
  const months = Math.round((Math.max(...ts) - Math.min(...ts)) / (30.44 * 86400000)) + 1;
  const x = timeAxis(months);
  const y = { field: 'value', type: 'quantitative', scale: { zero: false, nice: true }, title: kpi, axis: { labelExpr: "format(datum.value, ',~f')", tickCount: 6 } };
  const domain = ['actual', 'caseflow median', ...(hasMarkov ? ['Markov benchmark'] : [])];
  const color = { field: 'series', type: 'nominal', legend: null, scale: { domain, range: [ACTUAL, MODEL, MARKOV].slice(0, domain.length) } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 760,
    height: 260,
    config: CHART_CONFIG,
    layer: [
      { data: { values: bands }, mark: { type: 'rule', color: MODEL, opacity: 0.35, strokeWidth: 5 }, encoding: { x, y: { ...y, field: 'p5' }, y2: { field: 'p95' } } },
      {
        data: { values: paths },
        mark: { type: 'line', strokeWidth: 1.4, point: { size: 14, filled: true } },
        encoding: { x, y, color, detail: { field: 'origin' }, strokeDash: { field: 'series', type: 'nominal', legend: null, scale: { domain, range: [[1, 0], [1, 0], [5, 3]].slice(0, domain.length) } } },
      },
      { data: { values: actual }, mark: { type: 'line', strokeWidth: 2.4, color: ACTUAL, point: { size: 18, filled: true, color: ACTUAL } }, encoding: { x, y, detail: { field: 'run' } } },
    ],
  } as unknown as TopLevelSpec;
}

export function backtestSection(bt: ReportBacktest): string {
  const sources = [...new Set(bt.scores.map((s) => s.source))];
  const hasMarkov = bt.origins.some((r) => Number.isFinite(r.markov));
  const parts: string[] = [];
  const origins = new Set(bt.origins.map((r) => `${r.source} ${r.origin}`)).size;
  parts.push(
    `<p>Before trusting a projection, see how this model did from earlier dates. At each origin (${bt.every === 'month' ? 'every month' : 'every quarter end'} inside the history, ${origins} in all) ` +
      `the model was ${bt.kind === 'events' ? 'estimated from the history up to the origin only' : 'fitted to the observed months up to the origin only'} and projected ${bt.horizons.join(', ')} months ahead (${formatNumber(bt.runs, 0)} runs each); ` +
      `the projection is compared with what was later recorded. ` +
      (bt.kind === 'events'
        ? `Stocks are compared at the month end the given number of months ahead, flows (entries to and exits from care) as the total over those months. `
        : `Each observed figure is compared on its own basis (a month's count, a month-end stock, a rate or percentage) in the month the given number of months ahead. `) +
      `<strong>MAPE</strong> is the mean absolute percentage error of the median. Two benchmarks run on the same origins: the <strong>naive</strong> forecast carries the last value forward (${bt.kind === 'events' ? 'a stock at the origin; a flow at its rate over the year before' : 'the latest observed value at the origin'})` +
      `${hasMarkov ? ', and the <strong>Markov</strong> benchmark is the expected-value projection of the standard demand model (daily transition rates between age band × placement states and entries by state, from the same reference window)' : ''}. ` +
      `<strong>MASE</strong> divides the model's mean absolute error by the benchmark's over the same origins: below 1 (shaded) the model came closer than the benchmark. ` +
      `A calibrated band holds about 90% of actuals inside p5${EN_DASH}p95 and 50% inside p25${EN_DASH}p75.</p>`,
  );
  parts.push(
    `<p class="coverage">Over every origin, horizon and measure, <span data-field="backtest-in90">${fmt(bt.coverage.in90)}</span>% of ${formatNumber(bt.coverage.n, 0)} actuals fell inside p5${EN_DASH}p95 and ${fmt(bt.coverage.in50)}% inside p25${EN_DASH}p75.</p>`,
  );
  if (bt.trend) {
    const opts = bt.trend.options.map((o) => `${escapeHtml(o.trend)}: ${fmt(o.score, 3)} (the ensembles’ own p5${EN_DASH}p95 held ${fmt(o.in90, 0)}%)`).join('; ');
    const rule = bt.trend.options.length > 1 ? `, lower is better; a more complex trend is kept only when it scores ${fmt(100 * TREND_TIE, 1)}% lower than a simpler one` : '';
    parts.push(`<p class="trend">Trend in arrival rates chosen by this back-test: <strong data-field="backtest-trend">${escapeHtml(bt.trend.chosen)}</strong> (${escapeHtml(bt.trend.criterion)}${rule}; ${opts}).</p>`);
  }
  for (const [i, source] of sources.entries()) {
    const all = bt.scores.filter((s) => s.source === source);
    const shown = all.some((s) => HEADLINE.includes(s.kpi) && s.kpi !== '(all)') && !all.some((s) => s.kpi.includes('['))
      ? all.filter((s) => HEADLINE.includes(s.kpi))
      : all;
    parts.push(`<h3>${escapeHtml(source)}</h3>`);
    const spec = backtestChartSpec(bt, source, CHART_KPI);
    if (spec) {
      const rows = bt.origins.filter((r) => r.source === source && r.kpi === CHART_KPI);
      const first = rows.map((r) => r.origin).sort()[0];
      const last = rows.map((r) => r.origin).sort().at(-1)!;
      const label = `Line chart of children looked after in ${source}: the recorded series, and from each origin between ${monthLabel(parseMonthKey(first))} and ${monthLabel(parseMonthKey(last))} the median projection${hasMarkov ? ' and the Markov benchmark' : ''} at ${bt.horizons.join(', ')} months ahead.`;
      const chart = chartHtml(spec, { title: `Children looked after, ${source}: projected from each origin against actual`, label }, `bt${i + 1}`);
      const key =
        `<span class="k"><i class="line" style="border-color:${ACTUAL}"></i>recorded</span><span class="k"><i class="line" style="border-color:${MODEL}"></i>caseflow median from an origin (bar: p5${EN_DASH}p95)</span>` +
        (hasMarkov ? `<span class="k"><i class="dash" style="border-color:${MARKOV}"></i>Markov benchmark</span>` : '');
      parts.push(
        `<figure class="chart wide" data-kpi="backtest-${escapeHtml(CHART_KPI)}" aria-labelledby="bt${i + 1}-title"><figcaption><span class="title" id="bt${i + 1}-title">Children looked after: projected from each origin against what was recorded</span>` +
          `<span class="desc">Each thin line starts at an origin and joins the projections ${bt.horizons.join(', ')} months ahead.</span><span class="key">${key}</span></figcaption>${chart}</figure>`,
      );
    }
    parts.push(scoreTable(shown, hasMarkov));
  }
  return `<section class="backtest" aria-labelledby="backtest"><h2 id="backtest">Back-test: earlier projections against what happened</h2>${parts.join('\n')}</section>`;
}
