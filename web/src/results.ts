/**
 * The results side of the page: the cumulative differences, the chosen KPI, the headline fan
 * charts, placement mix and spend, and the downloads (kpis.csv, comparison.csv, report.html),
 * written with the command line's own functions so the files are the ones it writes.
 */
import type { View } from 'vega';
import { KPIS, kpiDef } from '../../src/projections/catalogue.ts';
import { summariseScenarios } from '../../src/ensemble/summaries.ts';
import { kpisCsvText } from '../../src/projections/kpisCsv.ts';
import type { Comparator, KpiRun, KpiSummary } from '../../src/projections/types.ts';
import { comparisonCsv, cumulativeDifferences, pairedDifferences, type CumulativeRow } from '../../src/ensemble/paired.ts';
import { MONEY_LABELS, compoundEffects, netSavings, type MoneyRow } from '../../src/ensemble/netSavings.ts';
import { effectsSection, moneySection } from '../../src/report/money.ts';
import { describeInterventions } from '../../src/scenarios/interventions.ts';
import type { Scenario } from '../../src/scenarios/schema.ts';
import { buildReport } from '../../src/report/render.ts';
import type { ReportInput } from '../../src/report/types.ts';
import { escapeHtml, formatComparisonValue } from '../../src/report/format.ts';
import { ChartData, colorsFor, fanSpec, placementSpec, renderChart, spendKpis, type TooltipShow } from './charts.ts';
import { byId, download, h, slug } from './dom.ts';
import type { RunSettings } from './state.ts';

export interface RunResult {
  readonly scenarios: readonly Scenario[];
  /** runs[s][r]; for a partial result, the replications that have arrived. */
  readonly runs: readonly KpiRun[][];
  readonly comparators: readonly Comparator[];
  readonly settings: RunSettings;
  readonly baselineFile: string;
  readonly shippedBaseline: boolean;
  readonly version: string;
  readonly complete: boolean;
}

const GROUPS: readonly [string, RegExp][] = [
  ['Front door', /^(contact|referral|rereferral|early_help)/],
  ['Assessments', /^assessment/],
  ['Child protection', /^(strategy|s47|icpc|cp_)/],
  ['Children in need and open cases', /^(cin_|open_)/],
  ['Placements and spend', /^(cla_placement|placement|care_leaver_cost|programme|net_)/],
  ['Children looked after', /^(cla_|uasc|care_leav)/],
];

/** Every KPI in the catalogue, grouped as in the report's table. */
export function fillKpiPicker(select: HTMLSelectElement): void {
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const k of KPIS) {
    const name = GROUPS.find(([, re]) => re.test(k.id))?.[0] ?? 'Other measures';
    let g = groups.get(name);
    if (!g) groups.set(name, (g = h('optgroup', { label: name })));
    g.append(h('option', { value: k.id }, k.label));
  }
  select.replaceChildren(...groups.values());
}

const views = new Map<string, View>();

async function chartFigure(container: HTMLElement, key: string, title: string, desc: string, keyHtml: Node[], render: (el: HTMLElement) => Promise<View>): Promise<void> {
  let fig = container.querySelector<HTMLElement>(`figure[data-key="${key}"]`);
  if (!fig) {
    fig = h('figure', { class: 'chart', 'data-key': key }, h('figcaption', {}, h('span', { class: 'title' }), h('span', { class: 'desc' }), h('span', { class: 'key' })), h('div', { class: 'plot' }));
    container.append(fig);
  }
  fig.querySelector('.title')!.textContent = title;
  fig.querySelector('.desc')!.textContent = desc;
  fig.querySelector('.key')!.replaceChildren(...keyHtml);
  const plot = fig.querySelector<HTMLElement>('.plot')!;
  views.set(key, await render(plot));
}

function scenarioKey(data: ChartData, runs: number, extra: Node[] = []): Node[] {
  return [
    ...data.scenarios.map((s) => h('span', { class: 'k' }, h('i', { class: 'line', style: `border-color:${s.color}` }), s.summary.scenario)),
    h('span', { class: 'k' }, h('i', { class: 'band' }), data.scenarios.some((s) => s.summary.bands) ? `calibrated 50% / 90% bands (${runs} run${runs === 1 ? '' : 's'})` : `middle 50% / 90% of ${runs} run${runs === 1 ? '' : 's'}`),
    ...extra,
  ];
}

/** What `caseflow compare` reports for what-if `i` against the baseline: totals (with programme cost and net savings) and money by year. */
export function comparisonOf(result: RunResult, i: number): { totals: CumulativeRow[]; money: MoneyRow[] } {
  const base = result.runs[0];
  const money = netSavings(base, result.runs[i], result.scenarios[0].interventions, result.scenarios[i].interventions);
  const totals: CumulativeRow[] = [...cumulativeDifferences(base, result.runs[i])];
  for (const m of ['programme_cost', 'net_savings'] as const) {
    const r = money.filter((x) => x.basis === 'cumulative' && x.measure === m).at(-1);
    if (r) totals.push({ id: m, label: `${MONEY_LABELS[m]} (£)`, unit: 'gbp', p50: r.p50, p5: r.p5, p95: r.p95 });
  }
  return { totals, money };
}

/** Interventions of what-if `i` that the baseline does not have (as `caseflow compare` counts them). */
function addedNames(result: RunResult, i: number): string[] {
  const have = new Set(result.scenarios[0].interventions.map((iv) => JSON.stringify(iv)));
  return result.scenarios[i].interventions.filter((iv) => !have.has(JSON.stringify(iv))).map((iv) => iv.name);
}

function cumulativeTable(result: RunResult): HTMLElement {
  const rows: HTMLElement[] = [];
  for (let i = 1; i < result.scenarios.length; i++) {
    for (const c of comparisonOf(result, i).totals) {
      rows.push(
        h(
          'tr',
          { 'data-kpi': c.id },
          h('td', {}, result.scenarios[i].name),
          h('td', {}, c.label),
          h('td', { class: 'num' }, formatComparisonValue(c.p50, c.unit)),
          h('td', { class: 'num' }, `${formatComparisonValue(c.p5, c.unit)} to ${formatComparisonValue(c.p95, c.unit)}`),
        ),
      );
    }
  }
  if (rows.length === 0) return h('p', { class: 'note' }, 'Add a what-if to see its difference from the baseline.');
  return h(
    'table',
    { class: 'cumulative' },
    h('caption', {}, `Totals over the ${result.settings.months} months, baseline “${result.scenarios[0].name}” minus each what-if (positive: fewer or saved). Range: 90% of paired runs.`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'What-if'), h('th', { scope: 'col' }, 'Measure'), h('th', { scope: 'col' }, 'Central estimate'), h('th', { scope: 'col' }, '90% range'))),
    h('tbody', {}, ...rows),
  );
}

function commandFor(result: RunResult): string {
  const s = result.settings;
  const opts = `--runs ${s.runs} --months ${s.months} --seed ${s.seed}`;
  const base = result.shippedBaseline ? `scenarios/${result.baselineFile}` : result.baselineFile;
  if (result.scenarios.length === 1) return `caseflow simulate --scenario ${base} ${opts}`;
  return `caseflow compare --baseline ${base} --scenario scenarios/${result.scenarios[1].name}.json ${opts}`;
}

/** The report the command line would write for this run (rendered here, with the same code). */
export async function reportHtml(result: RunResult, summaries: readonly KpiSummary[]): Promise<string> {
  const cmp = result.scenarios.length === 2 ? comparisonOf(result, 1) : undefined;
  const totals = cmp?.totals;
  const added = cmp ? addedNames(result, 1) : [];
  const input: ReportInput = {
    title: result.scenarios.length === 1 ? result.scenarios[0].name : `${result.scenarios.slice(1).map((s) => s.name).join(', ')} against ${result.scenarios[0].name}`,
    generatedBy: { engineVersion: result.version, command: commandFor(result) },
    seed: result.settings.seed,
    runs: result.settings.runs,
    startMonth: result.scenarios[0].start,
    months: result.settings.months,
    scenarios: summaries.map((summary, i) => ({ name: summary.scenario, description: result.scenarios[i].description, assumptions: describeInterventions(result.scenarios[i].interventions), summary })),
    baseline: result.scenarios.length > 1 ? result.scenarios[0].name : undefined,
    comparators: result.comparators,
    comparison: totals?.map((t) => ({ kpi: t.id, label: t.label, total: t.p50, p5: t.p5, p95: t.p95, unit: t.unit })),
    money: cmp?.money.map((r) => ({ ...r, label: MONEY_LABELS[r.measure] })),
    effects: cmp ? [{ name: added.length === 1 ? added[0] : result.scenarios[1].name, rows: compoundEffects(result.runs[0], result.runs[1]).map((r) => ({ ...r, label: kpiDef(r.kpi)?.label ?? r.kpi })) }] : undefined,
  };
  // the scripts that draw the report's charts as it opens, from the workbench's server
  const scripts = await (await fetch('chart-runtime.html')).text();
  return buildReport(input, scripts);
}

function downloads(result: RunResult, summaries: readonly KpiSummary[]): HTMLElement {
  const buttons: HTMLElement[] = [h('button', { type: 'button', id: 'dl-kpis', onclick: () => download('kpis.csv', kpisCsvText(summaries), 'text/csv') }, 'kpis.csv (all scenarios)')];
  summaries.forEach((s, i) =>
    buttons.push(h('button', { type: 'button', id: `dl-kpis-${i}`, 'data-scenario': s.scenario, onclick: () => download(`${slug(s.scenario)}.kpis.csv`, kpisCsvText([s]), 'text/csv') }, `kpis.csv of ${s.scenario}`)),
  );
  for (let i = 1; i < result.scenarios.length; i++) {
    const name = result.scenarios.length === 2 ? 'comparison.csv' : `comparison-${slug(result.scenarios[i].name)}.csv`;
    buttons.push(h('button', { type: 'button', id: `dl-comparison-${i}`, onclick: () => download(name, comparisonCsv(pairedDifferences(result.runs[0], result.runs[i])), 'text/csv') }, `${name}${result.scenarios.length > 2 ? '' : ''} (${result.scenarios[i].name})`));
  }
  buttons.push(h('button', { type: 'button', id: 'dl-report', onclick: () => void reportHtml(result, summaries).then((html) => download('report.html', html, 'text/html')) }, 'report.html'));
  return h('div', { class: 'buttons' }, ...buttons);
}

/** Draws (or redraws) every result section from the runs so far. */
export async function renderResults(result: RunResult, tooltip: TooltipShow): Promise<void> {
  const summaries = summariseScenarios(result.scenarios, result.runs);
  const colors = colorsFor(summaries.length);
  const data = new ChartData(
    summaries.map((summary, i) => ({ summary, color: colors[i] })),
    result.comparators,
  );
  const runs = result.runs[0].length;
  byId('run-summary').textContent =
    `${result.scenarios.length > 1 ? `${result.scenarios.slice(1).map((s) => `“${s.name}”`).join(', ')} against the baseline “${result.scenarios[0].name}”` : `“${result.scenarios[0].name}”`}, ` +
    `${data.range()}, seed ${result.settings.seed}, ${runs}${result.complete ? '' : ` of ${result.settings.runs}`} replications${result.complete ? '' : ' so far'}.`;
  byId('assumptions').replaceChildren(
    ...result.scenarios.map((s, i) => {
      const lines = describeInterventions(s.interventions);
      return h('div', { class: 'assumption' }, h('h4', {}, `${s.name}${i === 0 ? ' (baseline)' : ''}`), lines.length > 0 ? h('ul', {}, ...lines.map((l) => h('li', {}, l))) : h('p', { class: 'note' }, 'No interventions.'));
    }),
  );
  byId('downloads').replaceChildren(result.complete ? downloads(result, summaries) : h('p', { class: 'note' }, 'Downloads appear when the run has finished.'));
  byId('cumulative').replaceChildren(result.scenarios.length > 1 && runs > 0 ? cumulativeTable(result) : h('p', { class: 'note' }, 'Add a what-if to see its difference from the baseline.'));

  const kpi = (byId<HTMLSelectElement>('kpi').value || 'cla_open');
  const picked = kpiDef(kpi);
  const pickedBox = byId('picked');
  if (picked && data.present.has(picked.id)) {
    const { spec, label } = fanSpec(data, picked, { width: 760, height: 220 });
    await chartFigure(pickedBox, 'picked', picked.label, picked.definition, scenarioKey(data, runs), (el) => renderChart(el, spec, label, tooltip, views.get('picked')));
  } else pickedBox.replaceChildren(h('p', { class: 'note' }, `${picked?.label ?? kpi}: no values in this run.`));

  const headline = byId('headline');
  for (const def of KPIS) {
    if (!def.headline || def.id === 'placement_cost' || !data.present.has(def.id)) continue;
    const { spec, label } = fanSpec(data, def, { width: 330, height: 170 });
    const hasRules = (data.plan.rules.get(def.id) ?? []).length > 0;
    const hasObs = (data.plan.observed.get(def.id) ?? []).length + (data.history.get(def.id) ?? []).length > 0;
    const extra = [hasRules && h('span', { class: 'k' }, h('i', { class: 'dash' }), 'comparator'), hasObs && h('span', { class: 'k' }, '◆ observed')].filter((x): x is HTMLElement => x instanceof HTMLElement);
    await chartFigure(headline, def.id, def.label, def.definition, scenarioKey(data, runs, extra), (el) => renderChart(el, spec, label, tooltip, views.get(def.id)));
  }

  const mix = placementSpec(data, summaries.length === 1 ? 760 : Math.max(220, Math.floor((780 - 24 * (summaries.length - 1)) / summaries.length)));
  if (mix) {
    const key = [...mix.groups].reverse().map((g) => h('span', { class: 'k' }, h('i', { class: 'sq', style: `background:${g.color}` }), g.label));
    await chartFigure(byId('placements'), 'mix', 'Placement mix: children looked after by placement type', `Median of ${runs} runs for each placement type at month end, stacked.`, key, (el) => renderChart(el, mix.spec, mix.label, tooltip, views.get('mix')));
  }
  // The report's own tables (their text is escaped there), under the spend chart, one pair per what-if.
  const moneyHtml: string[] = [];
  for (let i = 1; i < result.scenarios.length && runs > 0; i++) {
    const name = escapeHtml(result.scenarios[i].name);
    const money = comparisonOf(result, i).money.map((r) => ({ ...r, label: MONEY_LABELS[r.measure] }));
    const added = addedNames(result, i);
    const effects = [{ name: added.length === 1 ? added[0] : result.scenarios[i].name, rows: compoundEffects(result.runs[0], result.runs[i]).map((r) => ({ ...r, label: kpiDef(r.kpi)?.label ?? r.kpi })) }];
    moneyHtml.push(
      moneySection(money, `${result.scenarios[i].name} against ${result.scenarios[0].name}`).replace(/aria-labelledby="money"><h2 id="money">([^<]*)<\/h2>/, `aria-label="$1: ${name}"><h4>$1: ${name}</h4>`) +
        effectsSection(effects, result.scenarios[0].name).replace(/aria-labelledby="effects"><h2 id="effects">([^<]*)<\/h2>/, `aria-label="$1: ${name}"><h4>$1: ${name}</h4>`).replace(/<h3>/g, '<h5>').replace(/<\/h3>/g, '</h5>'),
    );
  }
  byId('money').innerHTML = moneyHtml.join('');
  for (const def of spendKpis(data)) {
    const { spec, label } = fanSpec(data, def, { width: 760, height: 200 });
    await chartFigure(byId('spend'), def.id, def.id === 'placement_cost' ? 'Monthly placement spend' : def.label, def.definition, scenarioKey(data, runs), (el) => renderChart(el, spec, label, tooltip, views.get(def.id)));
  }
}
