/**
 * Draws a report's charts in Node the way its chart script draws them in a browser: each
 * `<script type="application/json" data-chart="ID">` spec compiled by vega-lite and rendered by
 * vega to SVG inside the element ID, the SVG given `role="img"`, the container's data-label as its
 * aria-label and data-title as its <title>. Returns the document with the SVGs in place and the
 * chart runtime and spec scripts taken out, and every warning vega-lite or vega gave.
 */
import { View, parse, logger, Warn, type Spec as VegaSpec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { chartRuntime } from '../../src/report/chartRuntime.ts';
import { escapeHtml } from '../../src/report/format.ts';

const CHART = /(<div class="vis" id="([^"]+)" data-title="([^"]*)" data-label="([^"]*)">)<noscript>.*?<\/noscript><\/div><script type="application\/json" data-chart="\2">(.*?)<\/script>/gs;

function unescape(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export async function drawCharts(html: string): Promise<{ html: string; warnings: string[]; charts: number }> {
  const warnings: string[] = [];
  const log = logger(Warn, undefined, (_method, level, args) => {
    warnings.push(`${level} ${args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ')}`);
  });
  const runtime = chartRuntime();
  if (!html.includes(runtime)) throw new Error('the document does not end with the chart runtime');
  let out = html.replace(`\n${runtime}`, '');
  const found = [...out.matchAll(CHART)];
  const drawn: string[] = [];
  for (const m of found) {
    const spec = JSON.parse(m[5]) as TopLevelSpec;
    const view = new View(parse(compile(spec, { logger: log }).spec as unknown as VegaSpec), { renderer: 'none', logger: log, logLevel: Warn });
    const svg = await view.toSVG();
    view.finalize();
    const open = svg.indexOf('>');
    const labelled = `<svg role="img" aria-label="${escapeHtml(unescape(m[4]))}"${svg.slice(4, open)}><title>${escapeHtml(unescape(m[3]))}</title>${svg.slice(open + 1)}`;
    drawn.push(`${m[1]}${labelled}</div>`);
  }
  let i = 0;
  out = out.replace(CHART, () => drawn[i++]);
  return { html: out, warnings, charts: found.length };
}
