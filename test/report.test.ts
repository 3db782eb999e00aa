import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { chartRuntime, renderReport, writeReport, defaultTableMonths, planComparators, basisMatches, periodEndMonth } from '../src/report/index.ts';
import type { ReportInput } from '../src/report/index.ts';
import { SKIP_REASONS } from '../src/report/comparators.ts';
import { formatGbp, formatKpiValue, formatNumber, formatComparisonValue, monthLabel, escapeHtml, MINUS } from '../src/report/format.ts';
import { chartHtml, placeLabels } from '../src/report/charts.ts';
import { KPIS, kpiDef } from '../src/projections/catalogue.ts';
import type { Comparator, KpiStats } from '../src/projections/types.ts';
import { InputError } from '../src/errors.ts';
import { makeReportInput } from './browser/fixture.ts';
import { drawCharts } from './helpers/charts.ts';
import { tempDir } from './helpers/cli.ts';

const HEADLINE = KPIS.filter((k) => k.headline).map((k) => k.id);

/** The <figure> element for a KPI (figures do not nest). */
function figureOf(html: string, kpi: string): string {
  const m = new RegExp(`<figure class="chart[^"]*" data-kpi="${kpi}"`).exec(html);
  expect(m, `figure for ${kpi}`).not.toBeNull();
  return html.slice(m!.index, html.indexOf('</figure>', m!.index));
}

function textOf(fragment: string): string {
  return fragment.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
}

/** Drops one KPI from every scenario of a report input. */
function withoutKpi(input: ReportInput, kpi: string): ReportInput {
  return {
    ...input,
    scenarios: input.scenarios.map((s) => {
      const stats = { ...s.summary.stats };
      delete stats[kpi];
      return { ...s, summary: { ...s.summary, stats } };
    }),
  };
}

let input: ReportInput;
/** The document as written, charts as specs. */
let written: string;
/** The document with its charts drawn as a browser draws them (helpers/charts.ts), scripts taken out. */
let html: string;
let warnings: readonly string[];

beforeAll(async () => {
  input = makeReportInput({ runs: 120 });
  written = renderReport(input);
  const r = await drawCharts(written);
  html = r.html;
  warnings = r.warnings;
});

describe('renderReport: document', () => {
  it('is one complete HTML document whose only scripts are the chart runtime and the charts\' specs', () => {
    expect(written.startsWith('<!DOCTYPE html>\n<html lang="en-GB">')).toBe(true);
    expect(written.endsWith(`\n${chartRuntime()}\n</body>\n</html>\n`)).toBe(true);
    // vega, vega-lite and the chart script; then one JSON spec per chart, none loaded from elsewhere
    expect(chartRuntime().match(/<script>/g)).toHaveLength(3);
    const specs = written.match(/<script type="application\/json" data-chart="[^"]+">/g) ?? [];
    expect(specs).toHaveLength(HEADLINE.length + 2);
    expect(written.split('<script').length - 1).toBe(3 + specs.length);
    expect(written).not.toMatch(/<script[^>]*\ssrc=/i);
    for (const tag of ['<html', '</html>', '<head>', '</head>', '<body>', '</body>', '<title>']) {
      expect(html.split(tag).length - 1, tag).toBe(1 + (tag === '<title>' ? html.split('<svg').length - 1 : 0));
    }
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
  });

  it('is self-contained: no external URLs in src/href attributes, no linked resources', () => {
    const refs = [...html.matchAll(/\s(?:src|href|xlink:href|srcset|poster|data)\s*=\s*["']([^"']*)["']/gi)].map((m) => m[1]);
    for (const r of refs) expect(r.startsWith('#') || r.startsWith('data:'), `attribute value ${r}`).toBe(true);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|video|audio)\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/url\(\s*["']?(?!#)/i); // CSS/SVG url() only to in-document ids
  });

  it('renders with no warnings from the chart compiler or renderer', () => {
    expect(warnings).toEqual([]);
  });

  it('has an SVG chart per headline KPI, with area and line marks that have geometry', () => {
    expect(HEADLINE.length).toBeGreaterThan(5);
    for (const id of HEADLINE) {
      const fig = figureOf(html, id);
      expect(fig, id).not.toContain('data-missing');
      const svgs = fig.match(/<svg\b/g) ?? [];
      expect(svgs.length, id).toBe(1);
      // bands (areas) and the median (line), each with a non-trivial path
      for (const mark of ['mark-area', 'mark-line']) {
        const at = fig.indexOf(`class="${mark} role-mark`);
        expect(at, `${id} ${mark}`).toBeGreaterThan(0);
        const path = /<path[^>]*\sd="(M[^"]{20,})"/.exec(fig.slice(at));
        expect(path, `${id} ${mark} path`).not.toBeNull();
      }
      // per scenario: two bands (areas) and one median (line)
      expect(fig.split('class="mark-area role-mark').length - 1, id).toBe(2 * input.scenarios.length);
      expect(fig.split('class="mark-line role-mark').length - 1, id).toBe(input.scenarios.length);
    }
    // plus the placement mix and the care-leaver spend; every chart is a figure with one SVG
    expect(figureOf(html, 'care_leaver_cost')).toContain('Monthly care-leaver spend');
    expect(html.split('<svg').length - 1).toBe(HEADLINE.length + 2);
  });

  it('gives every chart a title and an aria-label, and keeps element ids unique', () => {
    const svgs = html.match(/<svg\b[^>]*>/g) ?? [];
    for (const open of svgs) {
      expect(open).toMatch(/\srole="img"/);
      expect(open).toMatch(/\saria-label="[^"]{40,}"/);
    }
    expect(html.match(/<svg\b[^>]*><title>[^<]+<\/title>/g)?.length).toBe(svgs.length);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const ref of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref[1]);
    for (const ref of html.matchAll(/aria-labelledby="([^"]+)"/g)) expect(ids).toContain(ref[1]);
  });

  it('states the seed, replications, engine version, date range, command and assumptions', () => {
    expect(html).toContain(`<span data-field="seed">${input.seed}</span>`);
    expect(html).toContain(`<span data-field="runs">${input.runs}</span>`);
    expect(html).toContain(`<span data-field="version">${input.generatedBy.engineVersion}</span>`);
    const text = textOf(html);
    expect(text).toContain('Apr 2023 to Mar 2028 (60 months, 2023-04 to 2028-03)');
    expect(text).toContain(input.generatedBy.command);
    for (const s of input.scenarios) {
      expect(text).toContain(s.name);
      for (const a of s.assumptions) expect(text).toContain(a);
    }
    expect(text).toContain('How to read this report');
    expect(text).toMatch(/Baseline \(baseline\)/);
  });

  it('draws matching comparators as labelled rules and leaves out mismatched ones', () => {
    const claRate = textOf(figureOf(html, 'cla_rate'));
    expect(claRate).toContain('England FY2024-25: 67.0'); // latest England year, from national.csv
    expect(claRate).toContain('Target FY2022-23: 100');
    expect(claRate).toContain('Statistical neighbours FY2020-21: 100');
    expect(figureOf(html, 'cla_rate')).toContain('class="mark-rule role-mark');
    // counts for England are never drawn beside the council's counts
    const claOpen = textOf(figureOf(html, 'cla_open'));
    expect(claOpen).not.toContain('England');
    expect(claOpen).toContain('Target FY2022-23: 540');
    // the contacts target is an annual count: a different basis from a monthly count
    expect(textOf(figureOf(html, 'contacts'))).not.toContain('Target');
    // a 2016 observation is stale beside a 2023 projection
    expect(textOf(figureOf(html, 'cla_starts'))).not.toContain('Sep 2016');
  });

  it('tabulates every KPI at the default months with p50 and the p5–p95 range', () => {
    const months = defaultTableMonths(input.startMonth, input.months);
    const head = html.slice(html.indexOf('<section class="kpi-table"'), html.indexOf('</thead>', html.indexOf('<section class="kpi-table"')));
    const headCells = [...head.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(headCells).toEqual(['Measure', 'Scenario', 'Apr 2023', 'Apr 2024', 'Apr 2025', 'Apr 2026', 'Apr 2027', 'Mar 2028']);
    expect(months).toEqual(['2023-04', '2024-04', '2025-04', '2026-04', '2027-04', '2028-03']);
    const table = html.slice(html.indexOf('<section class="kpi-table"'), html.indexOf('</section>', html.indexOf('<section class="kpi-table"')));
    const ids = Object.keys(input.scenarios[0].summary.stats);
    for (const id of ids) expect(table, id).toContain(`data-kpi="${id}"`);
    // known values: the cells are the summary's p50 and p5–p95, formatted in the KPI's unit
    for (const [si, s] of input.scenarios.entries()) {
      for (const id of ['cla_open', 'cp_open', 'rereferral_pct', 'placement_cost', 'cla_rate']) {
        const rows = table.split(`data-kpi="${id}">`).slice(1);
        const row = rows[si].slice(0, rows[si].indexOf('</tr>'));
        const unit = kpiDef(id)!.unit;
        const cells = [...row.matchAll(/<span class="v">([^<]*)<\/span><span class="r">([^<]*)<\/span>/g)];
        expect(cells.length, id).toBe(months.length);
        months.forEach((m, j) => {
          const off = Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 - (2023 * 12 + 3);
          const st = s.summary.stats[id][off];
          expect(cells[j][1]).toBe(formatKpiValue(st.p50, unit));
          expect(cells[j][2]).toBe(`${formatKpiValue(st.p5, unit)}–${formatKpiValue(st.p95, unit)}`);
        });
      }
    }
  });

  it('shows the cumulative comparison table with each row', () => {
    const section = html.slice(html.indexOf('<section class="comparison"'), html.indexOf('</section>', html.indexOf('<section class="comparison"')));
    for (const r of input.comparison!) {
      expect(section).toContain(escapeHtml(r.label));
      expect(section).toContain(`<td class="num">${formatComparisonValue(r.total, r.unit)}</td>`);
      expect(section).toContain(`${formatComparisonValue(r.p5, r.unit)} to ${formatComparisonValue(r.p95, r.unit)}`);
    }
    // the fixture's intervention lowers entries to care, so children are kept out of care
    expect(input.comparison![0].total).toBeGreaterThan(0);
  });

  it('accounts for every comparator: drawn plus not drawn equals given', () => {
    const given = input.comparators!.length;
    const drawn = Number(/data-field="comparators-drawn">(\d+)</.exec(html)![1]);
    const skipped = Number(/data-field="comparators-skipped">(\d+)</.exec(html)![1]);
    expect(drawn).toBeGreaterThan(10);
    expect(drawn + skipped).toBe(given);
    expect(textOf(html)).toContain('Not produced by this run, so not shown: Caseload per social worker');
  });
});

describe('renderReport: determinism', () => {
  it('gives byte-identical output for the same input, whatever the time zone', async () => {
    const small = makeReportInput({ runs: 40, months: 30, seed: 7 });
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      // the document, and its charts as drawn in each zone (clip-path ids count up across a process)
      const drawn = async (doc: string) => (await drawCharts(doc)).html.replace(/clip\d+/g, 'clip');
      const utc = renderReport(small);
      const utcDrawn = await drawn(utc);
      const offsetUtc = new Date(0).getTimezoneOffset();
      process.env.TZ = 'Pacific/Auckland';
      expect(new Date(0).getTimezoneOffset()).not.toBe(offsetUtc); // the zone change took effect
      const nz = renderReport(small);
      const nzDrawn = await drawn(nz);
      process.env.TZ = 'America/Los_Angeles';
      const la = renderReport(small);
      expect(nz).toBe(utc);
      expect(la).toBe(utc);
      expect(nzDrawn).toBe(utcDrawn);
      expect(await drawn(la)).toBe(utcDrawn);
      expect(utcDrawn).toContain('Jan 2024'); // axis labels are UTC month starts
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

describe('renderReport: other shapes of input', () => {
  it('renders a single scenario without a comparison section, and marks a missing headline KPI', async () => {
    const one = withoutKpi(makeReportInput({ runs: 30, months: 13, compare: false, comparators: false }), 'cin_open');
    const r = await drawCharts(renderReport(one));
    expect(r.warnings).toEqual([]);
    expect(r.html).not.toContain('<section class="comparison"');
    expect(r.html).toContain('No comparators were supplied.');
    const fig = figureOf(r.html, 'cin_open');
    expect(fig).toContain('data-missing="true"');
    expect(fig).not.toContain('<svg');
    expect(textOf(r.html)).toMatch(/Not produced by this run, so not shown: [^.]*Children in need/);
    // 13 months: table at the start and the 13th month, which is start + 12
    expect(defaultTableMonths(one.startMonth, 13)).toEqual(['2023-04', '2024-04']);
    expect(r.html.split('<svg').length - 1).toBe(HEADLINE.length + 1); // one missing, plus the placement mix and the care-leaver spend
    expect(r.html.split('class="mark-area role-mark').length - 1).toBeGreaterThan(0);
  });

  it('says when bands are calibrated, once for the scenarios that share a calibration, with its factors and source', async () => {
    const base = makeReportInput({ runs: 30, months: 13, compare: true, comparators: false });
    const bands = { source: 'rolling-origin back-test of X: 40 forecasts from 4 origins, 2020-03 to 2020-12', factors: [{ horizon: 1, p90: 1.5, p50: 1.25, n: 20 }, { horizon: 3, p90: 2, p50: 1.5, n: 20 }] };
    const withBands: ReportInput = { ...base, scenarios: base.scenarios.map((s) => ({ ...s, summary: { ...s.summary, bands } })) };
    const text = textOf(await renderReport(withBands));
    const names = base.scenarios.map((s) => s.name);
    expect(text).toContain(`The bands of ${names[0]} and ${names[1]} are calibrated rather than the runs’ own`);
    expect(text).toContain('×1.50 at 1 month ahead, ×2.00 at 3 months ahead for the lighter band');
    expect(text.split('are calibrated rather than').length - 1).toBe(1);
    expect(text).toContain('calibrated 50% / 90% bands (30 runs)');
    expect(textOf(await renderReport(base))).not.toContain('calibrated');
  });

  it('handles months where no run had a value (NaN) without breaking the charts', async () => {
    const base = makeReportInput({ runs: 30, months: 24, compare: false, comparators: false });
    const nan: KpiStats = { mean: NaN, p5: NaN, p25: NaN, p50: NaN, p75: NaN, p95: NaN };
    const s = base.scenarios[0];
    const series = s.summary.stats.rereferral_pct.map((st, i) => (i >= 12 ? nan : st));
    const empty = Array.from({ length: 24 }, () => nan); // e.g. caseload when no workforce is modelled
    const input2: ReportInput = { ...base, scenarios: [{ ...s, summary: { ...s.summary, stats: { ...s.summary.stats, rereferral_pct: series, caseload_avg: empty } } }] };
    const r = await drawCharts(renderReport(input2));
    expect(r.warnings).toEqual([]);
    expect(r.html).not.toMatch(/NaN/);
    const fig = figureOf(r.html, 'rereferral_pct');
    expect(fig).toMatch(/class="mark-line role-mark[^>]*>[\s\S]*?<path[^>]*d="M/);
    const row = r.html.slice(r.html.indexOf('data-kpi="rereferral_pct">', r.html.indexOf('kpi-table')));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('<td class="num">–</td>');
    expect(r.html).not.toContain('data-kpi="caseload_avg"');
    expect(textOf(r.html)).toContain('No value in any month of this run, so not shown: Caseload per social worker.');
  });

  it('escapes text from the input', async () => {
    const base = makeReportInput({ runs: 20, months: 12, compare: false, comparators: false });
    const evil = '<script>alert("x")</script> & <b>';
    const { html: r } = await drawCharts(renderReport({
      ...base,
      title: evil,
      generatedBy: { engineVersion: '0.1.0', command: `caseflow simulate --note '${evil}'` },
      scenarios: [{ ...base.scenarios[0], name: evil, description: evil, assumptions: [evil] }],
    }));
    expect(r).not.toMatch(/<script/i);
    expect(r).not.toContain('<b>');
    expect(r).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;');
  });
});

describe('renderReport: bad input names the field', () => {
  const cases: [string, (i: ReportInput) => ReportInput, RegExp][] = [
    ['start month', (i) => ({ ...i, startMonth: '2023-13' }), /startMonth must be a month YYYY-MM \(got "2023-13"\)/],
    ['runs', (i) => ({ ...i, runs: 0 }), /runs must be a whole number greater than 0/],
    ['no scenarios', (i) => ({ ...i, scenarios: [] }), /scenarios must hold at least one scenario/],
    ['baseline', (i) => ({ ...i, baseline: 'Nope' }), /baseline "Nope" is not one of the scenarios \(Baseline, Family Safeguarding\)/],
    ['duplicate names', (i) => ({ ...i, scenarios: [i.scenarios[0], { ...i.scenarios[1], name: 'Baseline' }] }), /scenarios\[1\]\.name "Baseline" is used by two scenarios/],
    [
      'summary months',
      (i) => ({ ...i, scenarios: [i.scenarios[0], { ...i.scenarios[1], summary: { ...i.scenarios[1].summary, months: 59 } }] }),
      /scenarios\[1\]\.summary\.months is 59 but the report covers 60 months/,
    ],
    [
      'summary start',
      (i) => ({ ...i, scenarios: [{ ...i.scenarios[0], summary: { ...i.scenarios[0].summary, startMonth: '2023-05' } }, i.scenarios[1]] }),
      /scenarios\[0\]\.summary\.startMonth is "2023-05" but the report starts 2023-04/,
    ],
    [
      'short series',
      (i) => {
        const s = i.scenarios[0];
        return { ...i, scenarios: [{ ...s, summary: { ...s.summary, stats: { ...s.summary.stats, cla_open: s.summary.stats.cla_open.slice(1) } } }, i.scenarios[1]] };
      },
      /scenarios\[0\]\.summary\.stats\.cla_open must hold one entry per month \(60\), has 59/,
    ],
    [
      'quantile order',
      (i) => {
        const s = i.scenarios[0];
        const bad = s.summary.stats.cp_open.map((st, m) => (m === 7 ? { ...st, p25: st.p75 + 5 } : st));
        return { ...i, scenarios: [{ ...s, summary: { ...s.summary, stats: { ...s.summary.stats, cp_open: bad } } }, i.scenarios[1]] };
      },
      /scenarios\[0\]\.summary\.stats\.cp_open\[7\] quantiles are out of order/,
    ],
    ['comparator period', (i) => ({ ...i, comparators: [...i.comparators!.slice(0, 3), { kpi: 'cla_rate', kind: 'england', period: '2023', value: 70, basis: 'annual_rate_per_10k' }] }), /comparators\[3\]\.period must be YYYY-MM or FYyyyy-yy/],
    ['comparator value', (i) => ({ ...i, comparators: [{ kpi: 'cla_rate', kind: 'england', period: 'FY2022-23', value: NaN, basis: 'annual_rate_per_10k' }] }), /comparators\[0\]\.value must be a finite number/],
    ['table month', (i) => ({ ...i, tableMonths: ['2023-04', '2030-01'] }), /tableMonths\[1\] 2030-01 is outside the projection \(2023-04 to 2028-03\)/],
    ['comparison range', (i) => ({ ...i, comparison: [{ kpi: 'cla_starts', label: 'x', total: 1, p5: 5, p95: 2, unit: 'children' }] }), /comparison\[0\] has p5 5 above p95 2/],
  ];
  for (const [name, mutate, message] of cases) {
    it(name, async () => {
      const bad = mutate(input);
      let err: unknown;
      try {
        renderReport(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).exitCode).toBe(2);
      expect((err as Error).message).toMatch(/^report input: /);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describe('writeReport', () => {
  it('writes the rendered document atomically (no temporary files left)', async () => {
    const dir = tempDir('caseflow-report-');
    try {
      const small = makeReportInput({ runs: 20, months: 12, compare: false, comparators: false });
      const path = join(dir, 'nested', 'report.html');
      writeReport(path, small);
      expect(readFileSync(path, 'utf8')).toBe(renderReport(small));
      expect(readdirSync(join(dir, 'nested'))).toEqual(['report.html']);
      expect(() => writeReport(join(dir, 'bad.html'), { ...small, months: 0 })).toThrow(InputError);
      expect(readdirSync(dir)).toEqual(['nested']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('comparator planning', () => {
  const defs = new Map<string, (typeof KPIS)[number]>(KPIS.map((k) => [k.id, k]));
  const start = 2023 * 12 + 3;
  const last = start + 59;

  it('matches bases by meaning', () => {
    const d = (id: string) => kpiDef(id)!;
    expect(basisMatches(d('cla_open'), 'year_end_stock')).toBe(true);
    expect(basisMatches(d('cla_open'), 'month_end_stock')).toBe(true);
    expect(basisMatches(d('cla_open'), 'annual_rate_per_10k')).toBe(false);
    expect(basisMatches(d('cla_rate'), 'annual_rate_per_10k')).toBe(true);
    expect(basisMatches(d('cla_rate'), 'monthly_rate_per_10k')).toBe(true);
    expect(basisMatches(d('referral_rate'), 'monthly_rate_per_10k')).toBe(false); // one month's flow, not 12
    expect(basisMatches(d('referral_rate'), 'ytd_cumulative_rate_per_10k')).toBe(false);
    expect(basisMatches(d('rereferral_pct'), 'annual_pct')).toBe(true);
    expect(basisMatches(d('contacts'), 'annual_count')).toBe(false);
    expect(basisMatches(d('cla_placement_ifa_pct'), 'month_pct')).toBe(true);
    expect(basisMatches(d('cla_rate'), 'unknown')).toBe(false);
  });

  it('reads comparator periods', () => {
    expect(periodEndMonth('FY2022-23')).toBe(2023 * 12 + 2);
    expect(periodEndMonth('2023-02')).toBe(2023 * 12 + 1);
    expect(periodEndMonth('FY2022-24')).toBeUndefined();
    expect(periodEndMonth('2023')).toBeUndefined();
    expect(periodEndMonth('2023-13')).toBeUndefined();
  });

  it('draws the latest period per kind, the last given on ties, and observed points inside the window', () => {
    const c = (kind: string, period: string, value: number, kpi = 'cla_rate', basis = 'annual_rate_per_10k'): Comparator => ({ kpi, kind, period, value, basis });
    const plan = planComparators(
      [
        c('england', 'FY2020-21', 67),
        c('england', 'FY2022-23', 70),
        c('england', 'FY2022-23', 71),
        c('england', 'FY2021-22', 69),
        c('target', 'FY2022-23', 100, 'cla_rate', 'monthly_rate_per_10k'),
        c('england', 'FY2022-23', 83_000, 'cla_open', 'year_end_stock'),
        c('actual', '2023-06', 560, 'cla_open', 'month_end_stock'),
        c('actual', '2023-06', 561, 'cla_open', 'month_end_stock'),
        c('actual', '2023-05', 555, 'cla_open', 'month_end_stock'),
        c('actual', '2016-09', 590, 'cla_open', 'month_end_stock'),
        c('england', 'FY2014-15', 60),
        c('england', 'FY2022-23', 1, 'no_such_kpi', 'month_count'),
      ],
      defs,
      start,
      last,
    );
    expect(plan.rules.get('cla_rate')).toEqual([
      { kpi: 'cla_rate', kind: 'england', period: 'FY2022-23', value: 71, basis: 'annual_rate_per_10k', source: undefined },
      { kpi: 'cla_rate', kind: 'target', period: 'FY2022-23', value: 100, basis: 'monthly_rate_per_10k', source: undefined },
    ]);
    expect(plan.rules.get('cla_open')).toBeUndefined();
    expect(plan.observed.get('cla_open')).toEqual([
      { monthIndex: start + 1, value: 555, period: '2023-05' },
      { monthIndex: start + 2, value: 561, period: '2023-06' },
    ]);
    const count = (reason: string) => plan.skipped.find((s) => s.reason === reason)?.count ?? 0;
    expect(count(SKIP_REASONS.older)).toBe(2);
    expect(count(SKIP_REASONS.duplicate)).toBe(2);
    expect(count(SKIP_REASONS.area)).toBe(1);
    expect(count(SKIP_REASONS.stale)).toBe(1);
    expect(count(SKIP_REASONS.old)).toBe(1);
    expect(count(SKIP_REASONS.unknownKpi)).toBe(1);
    expect(plan.drawn).toBe(4);
    expect(plan.given).toBe(12);
  });

  it('never loses a comparator: drawn + skipped = given, at most one rule per KPI and kind', () => {
    const kpiIds = ['cla_rate', 'cla_open', 'contacts', 'rereferral_pct', 'placement_cost', 'nope'];
    const kinds = ['england', 'target', 'statistical_neighbour', 'actual', 'south_east'];
    const bases = ['annual_rate_per_10k', 'year_end_stock', 'month_end_stock', 'month_count', 'annual_count', 'annual_pct', 'month_gbp', 'unknown'];
    const period = fc.oneof(
      fc.tuple(fc.integer({ min: 2012, max: 2030 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
      fc.integer({ min: 2012, max: 2030 }).map((y) => `FY${y}-${String((y + 1) % 100).padStart(2, '0')}`),
    );
    const comparator = fc.record({ kpi: fc.constantFrom(...kpiIds), kind: fc.constantFrom(...kinds), period, value: fc.double({ min: 0, max: 1e5, noNaN: true }), basis: fc.constantFrom(...bases) });
    fc.assert(
      fc.property(fc.array(comparator, { maxLength: 60 }), (list) => {
        const plan = planComparators(list, defs, start, last);
        const skipped = plan.skipped.reduce((a, s) => a + s.count, 0);
        expect(plan.drawn + skipped).toBe(list.length);
        let rules = 0;
        for (const [kpi, rs] of plan.rules) {
          const def = defs.get(kpi)!;
          expect(new Set(rs.map((r) => r.kind)).size).toBe(rs.length);
          for (const r of rs) expect(basisMatches(def, r.basis)).toBe(true);
          rules += rs.length;
        }
        let points = 0;
        for (const ps of plan.observed.values()) {
          for (const p of ps) expect(p.monthIndex >= start && p.monthIndex <= last).toBe(true);
          points += ps.length;
        }
        expect(rules + points).toBe(plan.drawn);
      }),
      { numRuns: 300 },
    );
  });
});

describe('formatting', () => {
  it('formats known values', () => {
    expect(formatNumber(1234567.891, 1)).toBe('1,234,567.9');
    expect(formatNumber(-1234, 0)).toBe(`${MINUS}1,234`);
    expect(formatNumber(-0.04, 1)).toBe('0.0');
    expect(formatNumber(NaN, 1)).toBe('–');
    expect(formatGbp(2_345_678)).toBe('£2.35m');
    expect(formatGbp(15_040_000)).toBe('£15.04m');
    expect(formatGbp(45_600)).toBe('£46k');
    expect(formatGbp(-6_580_000)).toBe(`${MINUS}£6.58m`);
    expect(formatGbp(950)).toBe('£950');
    expect(formatKpiValue(545, 'count')).toBe('545');
    expect(formatKpiValue(3, 'count')).toBe('3');
    expect(formatKpiValue(3.5, 'count')).toBe('3.5');
    expect(formatKpiValue(24.06, 'pct')).toBe('24.1%');
    expect(formatKpiValue(67, 'per10k')).toBe('67.0');
    expect(formatKpiValue(110.4, 'per10k')).toBe('110');
    expect(monthLabel(2023 * 12 + 3)).toBe('Apr 2023');
    expect(defaultTableMonths('2023-04', 60)).toEqual(['2023-04', '2024-04', '2025-04', '2026-04', '2027-04', '2028-03']);
    expect(defaultTableMonths('2023-04', 61)).toEqual(['2023-04', '2024-04', '2025-04', '2026-04', '2027-04', '2028-04']);
    expect(defaultTableMonths('2024-12', 1)).toEqual(['2024-12']);
  });

  it('formatNumber round-trips to within half a unit of the last decimal', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 3 }), (v, d) => {
        const s = formatNumber(v, d);
        expect(s).toMatch(/^−?\d{1,3}(,\d{3})*(\.\d+)?$/);
        const back = Number(s.replace(/,/g, '').replace(MINUS, '-'));
        expect(Math.abs(back - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(v) * 1e-12);
      }),
    );
  });

  it('embeds a chart\'s spec so that no text in it can end its script element', () => {
    const spec = { mark: 'bar', title: 'A </script><b> & "c"', data: { values: [{ x: '<!--', y: 1 }] } } as unknown as Parameters<typeof chartHtml>[0];
    const out = chartHtml(spec, { title: 'T <1>', label: 'L "2"' }, 'c9');
    expect(out.startsWith('<div class="vis" id="c9-vis" data-title="T &lt;1&gt;" data-label="L &quot;2&quot;">')).toBe(true);
    const m = /<script type="application\/json" data-chart="c9-vis">(.*)<\/script>$/s.exec(out);
    expect(m).not.toBeNull();
    expect(m![1]).not.toMatch(/<\/script|<!--/i);
    expect(JSON.parse(m![1])).toEqual(spec);
  });

  it('places comparator labels so that they do not overprint', () => {
    const overlaps = (a: { x0: number; x1: number; y0: number; y1: number }, b: typeof a) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    // a target and a neighbour average at the same value (the CLA rate chart)
    const same = placeLabels(
      [
        { value: 100, label: 'Target FY2022-23: 100' },
        { value: 100, label: 'Statistical neighbours FY2020-21: 100' },
      ],
      50,
      130,
      290,
      180,
    );
    expect(overlaps(same[0].box, same[1].box)).toBe(false);
    // well-separated values keep the default slot: right end, above the rule
    const apart = placeLabels([{ value: 60, label: 'England FY2024-25: 67.0' }, { value: 120, label: 'Observed Feb 2023: 110' }], 50, 130, 290, 180);
    expect(apart.map((p) => `${p.side}-${p.vertical}`)).toEqual(['right-above', 'right-above']);
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.double({ min: 0, max: 100, noNaN: true }), label: fc.string({ minLength: 1, maxLength: 40 }) }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 200, max: 800 }),
        (rules, width) => {
          const out = placeLabels(rules, 0, 100, width, 180);
          expect(out.length).toBe(rules.length);
          for (const p of out) {
            expect(p.box.x0).toBeGreaterThanOrEqual(0);
            expect(p.box.x1).toBeLessThanOrEqual(width);
          }
          // two labels always fit: one above and one below their rules at worst
          if (rules.length <= 2) for (let i = 1; i < out.length; i++) expect(overlaps(out[0].box, out[i].box)).toBe(false);
        },
      ),
    );
  });
});
