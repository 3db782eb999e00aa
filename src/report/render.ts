/** Builds the report document from a validated `ReportInput`. */
import { KPIS, kpiDef } from '../projections/catalogue.ts';
import type { KpiDef } from '../projections/catalogue.ts';
import type { BandCalibration, KpiStats } from '../projections/types.ts';
import { monthKey } from '../calendar/index.ts';
import type { ReportInput, ReportScenario } from './types.ts';
import { validateReportInput } from './validate.ts';
import { planComparators, comparatorStyle } from './comparators.ts';
import type { ComparatorPlan, DrawnComparator } from './comparators.ts';
import { chartHtml, chartNumber, fanChartSpec, stackedAreaSpec } from './charts.ts';
import type { FanRow, RuleSpec, StackRow } from './charts.ts';
import {
  EN_DASH,
  axisTitle,
  escapeHtml,
  formatComparisonValue,
  formatKpiValue,
  formatNumber,
  kindLabel,
  monthLabel,
  monthTimestamp,
  periodLabel,
  unitNote,
} from './format.ts';
import { REPORT_CSS } from './style.ts';
import { effectsSection, moneySection } from './money.ts';
import { backtestSection } from './backtest.ts';

export const BASELINE_COLOR = '#6b6b6b';
export const SCENARIO_COLORS = ['#0b6fb8', '#d95f02', '#1b9e77', '#7570b3', '#e7298a', '#66a61e', '#a6761d'];
/**
 * Colours of the placement groups (the DfE's groups, stacked in the catalogue's order): foster
 * placements in blues and green, IFA in orange, residential settings in reds and purples.
 */
export const PLACEMENT_COLORS: Readonly<Record<string, string>> = {
  cla_placement_in_house_foster: '#2f6fa8',
  cla_placement_other_public_foster: '#8cb8e0',
  cla_placement_ifa: '#f28e2b',
  cla_placement_kinship_foster: '#59a14f',
  cla_placement_residential: '#c8393b',
  cla_placement_supported: '#ff9d9a',
  cla_placement_other_residential: '#8f5b8a',
  cla_placement_residential_schools: '#d4a6c8',
  cla_placement_community: '#76b7b2',
  cla_placement_placed_with_parents: '#edc948',
  cla_placement_placed_for_adoption: '#9c755f',
  cla_placement_other: '#bab0ac',
};

/** The colour of a placement-group KPI in the placement chart. */
export function placementColor(kpi: string): string {
  return PLACEMENT_COLORS[kpi] ?? '#7f7f7f';
}

/** KPI chart width and height (whole chart, in SVG pixels; scaled to the page by CSS). */
const HALF = { width: 290, height: 180 };
const WIDE = { width: 760, height: 230 };

interface OrderedScenario {
  readonly scenario: ReportScenario;
  readonly color: string;
  readonly isBaseline: boolean;
}

/** Start, +12, +24, … and the last month (`YYYY-MM`). */
export function defaultTableMonths(startMonth: string, months: number): string[] {
  const start = Number(startMonth.slice(0, 4)) * 12 + Number(startMonth.slice(5, 7)) - 1;
  const out: string[] = [];
  for (let i = 0; i < months; i += 12) out.push(monthKey(start + i));
  if ((months - 1) % 12 !== 0) out.push(monthKey(start + months - 1));
  return out;
}

function orderScenarios(input: ReportInput): OrderedScenario[] {
  const out: OrderedScenario[] = [];
  const base = input.baseline === undefined ? undefined : input.scenarios.find((s) => s.name === input.baseline);
  if (base) out.push({ scenario: base, color: BASELINE_COLOR, isBaseline: true });
  let c = 0;
  for (const s of input.scenarios) {
    if (s === base) continue;
    out.push({ scenario: s, color: SCENARIO_COLORS[c++ % SCENARIO_COLORS.length], isBaseline: false });
  }
  return out;
}

const GROUPS: readonly [string, RegExp][] = [
  ['Front door', /^(contact|referral|rereferral|early_help)/],
  ['Assessments', /^assessment/],
  ['Child protection', /^(strategy|s47|icpc|cp_)/],
  ['Children in need and open cases', /^(cin_|open_)/],
  ['Placements and spend', /^(cla_placement|placement)/],
  ['Children looked after', /^(cla_|uasc)/],
  ['Workforce', /^caseload/],
];

function groupOf(id: string): string {
  for (const [name, re] of GROUPS) if (re.test(id)) return name;
  return 'Other measures';
}

function seriesOf(s: ReportScenario, kpi: string): readonly KpiStats[] | undefined {
  return s.summary.stats[kpi];
}

/** Comparator rules with their labels and styles, lowest value first. */
export function ruleSpecs(rules: readonly DrawnComparator[], def: KpiDef): RuleSpec[] {
  const sorted = [...rules].sort((a, b) => a.value - b.value || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return sorted.map((r) => {
    const style = comparatorStyle(r.kind);
    return { value: r.value, label: `${kindLabel(r.kind)} ${periodLabel(r.period)}: ${formatKpiValue(r.value, def.unit)}`, color: style.color, dash: style.dash };
  });
}


const FLOW_PART_NAMES: Record<string, string> = { front_door: 'front door (contacts, referrals, assessments)', cin: 'CIN plans', cp: 'S47, ICPCs and CP plans', care: 'children looked after' };
const SOURCE_NAMES: Record<string, string> = { events: 'fitted from these events', observed: 'fitted to observed series', national: 'national default', assumption: 'assumption' };

/** A scenario's scope, warnings and where its parameters come from. */
function sourcesHtml(s: ReportScenario): string {
  let html = '';
  if (s.scope) {
    const off = Object.keys(FLOW_PART_NAMES).filter((p) => !s.scope!.includes(p));
    html += `<p class="note">Simulated: ${s.scope.map((p) => escapeHtml(FLOW_PART_NAMES[p] ?? p)).join('; ')}.${off.length > 0 ? ` Not simulated (their KPIs are not projections): ${off.map((p) => escapeHtml(FLOW_PART_NAMES[p] ?? p)).join('; ')}.` : ''}</p>`;
  }
  if (s.notes && s.notes.length > 0) html += `<p class="note">Leans on national defaults for flows it reports:</p><ul>${s.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`;
  if (s.sources && s.sources.length > 0) {
    const rows = s.sources
      .filter((r) => r.inScope)
      .map((r) => `<tr><td>${escapeHtml(r.group)}</td><td>${Object.entries(r.sources).map(([k, n]) => `${escapeHtml(SOURCE_NAMES[k] ?? k)}${Object.keys(r.sources).length > 1 ? ` (${n})` : ''}`).join('; ')}</td></tr>`)
      .join('');
    html += `<details class="sources"><summary>Where the parameters come from</summary><table><thead><tr><th>parameters</th><th>source</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  }
  return html;
}

class ReportBuilder {
  private chartCount = 0;
  readonly start: number;
  readonly last: number;
  readonly ordered: OrderedScenario[];
  /** Catalogue KPIs that at least one scenario has values for. */
  readonly present = new Map<string, KpiDef>();
  readonly unknownIds: string[] = [];
  /** Catalogue KPIs in the summaries with no value in any month (e.g. caseload without a workforce). */
  readonly empty: string[] = [];
  readonly missingInScenario: string[] = [];
  readonly plan: ComparatorPlan;

  constructor(readonly input: ReportInput) {
    this.start = validateReportInput(input);
    this.last = this.start + input.months - 1;
    this.ordered = orderScenarios(input);
    const ids = new Set<string>();
    for (const s of input.scenarios) for (const id of Object.keys(s.summary.stats)) ids.add(id);
    for (const k of KPIS) {
      if (!ids.has(k.id)) continue;
      if (input.scenarios.some((s) => s.summary.stats[k.id]?.some((st) => !Number.isNaN(st.p50)))) this.present.set(k.id, k);
      else this.empty.push(k.label);
    }
    for (const id of [...ids].sort()) if (!kpiDef(id)) this.unknownIds.push(id);
    for (const [id, def] of this.present) {
      for (const o of this.ordered) if (!seriesOf(o.scenario, id)) this.missingInScenario.push(`${def.label} (${o.scenario.name})`);
    }
    this.plan = planComparators(input.comparators ?? [], this.present, this.start, this.last);
  }

  private get runsText(): string {
    return `${formatNumber(this.input.runs, 0)} run${this.input.runs === 1 ? '' : 's'}`;
  }

  private rangeText(): string {
    return `${monthLabel(this.start)} to ${monthLabel(this.last)}`;
  }

  private nextId(): string {
    return `c${++this.chartCount}`;
  }

  fanChart(def: KpiDef, size: { width: number; height: number }, wide: boolean): string {
    const rows: FanRow[] = [];
    const described: string[] = [];
    for (const o of this.ordered) {
      const series = seriesOf(o.scenario, def.id);
      if (!series) continue;
      for (let i = 0; i < series.length; i++) {
        const st = series[i];
        rows.push({ t: monthTimestamp(this.start + i), scenario: o.scenario.name, p5: chartNumber(st.p5), p25: chartNumber(st.p25), p50: chartNumber(st.p50), p75: chartNumber(st.p75), p95: chartNumber(st.p95) });
      }
      const first = series[0];
      const end = series[series.length - 1];
      described.push(
        `${o.scenario.name}: median ${formatKpiValue(first.p50, def.unit)} in ${monthLabel(this.start)} and ${formatKpiValue(end.p50, def.unit)} in ${monthLabel(this.last)}, ` +
          `90% of runs between ${formatKpiValue(end.p5, def.unit)} and ${formatKpiValue(end.p95, def.unit)} at the end.`,
      );
    }
    const drawn = this.plan.rules.get(def.id) ?? [];
    const observed = (this.plan.observed.get(def.id) ?? []).map((p) => ({ t: monthTimestamp(p.monthIndex), value: p.value }));
    const rules = ruleSpecs(drawn, def);
    const shown = this.ordered.filter((o) => seriesOf(o.scenario, def.id));
    const spec = fanChartSpec({
      yTitle: axisTitle(def.unit, def.basis),
      unit: def.unit,
      months: this.input.months,
      width: size.width,
      height: size.height,
      scenarios: shown.map((o) => ({ name: o.scenario.name, color: o.color })),
      rows,
      rules,
      observed,
    });
    const cmpText = rules.length > 0 ? ` Comparators: ${rules.map((r) => r.label).join('; ')}.` : '';
    const label = `Fan chart: ${def.label} (${unitNote(def.unit)}), ${this.rangeText()}. ${described.join(' ')}${cmpText}`;
    const id = this.nextId();
    const chart = chartHtml(spec, { title: `${def.label}, ${this.rangeText()}`, label }, id);
    const key =
      shown.map((o) => `<span class="k"><i class="line" style="border-color:${o.color}"></i>${escapeHtml(o.scenario.name)}</span>`).join('') +
      `<span class="k"><i class="band"></i>${shown.some((o) => o.scenario.summary.bands) ? `calibrated 50% / 90% bands (${this.runsText})` : `middle 50% / 90% of ${this.runsText}`}</span>` +
      (rules.length > 0 ? '<span class="k"><i class="dash"></i>comparator</span>' : '') +
      (observed.length > 0 ? '<span class="k">◆ observed</span>' : '');
    return this.figure(id, def.id, def.label, def.definition, key, chart, wide);
  }

  private figure(id: string, kpi: string, title: string, description: string, keyHtml: string, chart: string, wide: boolean): string {
    return (
      `<figure class="chart${wide ? ' wide' : ''}" data-kpi="${escapeHtml(kpi)}" aria-labelledby="${id}-title">` +
      `<figcaption><span class="title" id="${id}-title">${escapeHtml(title)}</span><span class="desc">${escapeHtml(description)}</span>` +
      `${keyHtml !== '' ? `<span class="key">${keyHtml}</span>` : ''}</figcaption>${chart}</figure>`
    );
  }

  missingFigure(id: string, label: string, wide: boolean): string {
    return `<figure class="chart${wide ? ' wide' : ''}" data-kpi="${escapeHtml(id)}" data-missing="true"><figcaption><span class="title">${escapeHtml(label)}</span></figcaption><div class="missing" role="note">No values for this measure in this run, so no chart.</div></figure>`;
  }

  headlineCharts(): string {
    const parts: string[] = [];
    for (const def of KPIS) {
      if (!def.headline || def.id === 'placement_cost') continue;
      parts.push(this.present.has(def.id) ? this.fanChart(def, HALF, false) : this.missingFigure(def.id, def.label, false));
    }
    return `<div class="charts">${parts.join('\n')}</div>`;
  }

  placementMix(): string {
    const groups = KPIS.filter((k) => k.id.startsWith('cla_placement_') && k.unit === 'count' && this.present.has(k.id));
    if (groups.length === 0) return this.missingFigure('cla_placement_mix', 'Placement mix', true);
    const labelOf = (k: KpiDef): string => {
      const s = k.label.replace(/^CLA:\s*/, '');
      return s[0].toUpperCase() + s.slice(1);
    };
    const rows: StackRow[] = [];
    const scenarios = this.ordered.map((o) => o.scenario);
    const described: string[] = [];
    for (const s of scenarios) {
      const endParts: string[] = [];
      groups.forEach((g, gi) => {
        const series = seriesOf(s, g.id);
        if (!series) return;
        for (let i = 0; i < series.length; i++) rows.push({ t: monthTimestamp(this.start + i), scenario: s.name, group: labelOf(g), order: gi, value: series[i].p50 });
        endParts.push(`${labelOf(g)} ${formatKpiValue(series[series.length - 1].p50, 'count')}`);
      });
      described.push(`${s.name}, ${monthLabel(this.last)}: ${endParts.join(', ')}.`);
    }
    const n = scenarios.length;
    const panelWidth = n === 1 ? 760 : Math.max(220, Math.floor((780 - 24 * (n - 1)) / n));
    const colored = groups.map((g) => ({ label: labelOf(g), color: placementColor(g.id) }));
    const spec = stackedAreaSpec({
      yTitle: 'Children at month end',
      months: this.input.months,
      panelWidth,
      height: 210,
      scenarios: scenarios.map((s) => s.name),
      groups: colored,
      rows: rows.map((r) => ({ ...r, value: Number.isNaN(r.value) ? (null as unknown as number) : r.value })),
    });
    const label = `Stacked area chart of children looked after by placement type, ${this.rangeText()}. ${described.join(' ')}`;
    const id = this.nextId();
    const chart = chartHtml(spec, { title: `Placement mix, ${this.rangeText()}`, label }, id);
    return this.figure(
      id,
      'cla_placement_mix',
      'Placement mix: children looked after by placement type',
      `Median of ${this.runsText} for each placement type at month end, stacked. Medians of the parts need not add up to the median total.`,
      // listed top of the stack first, as the areas appear
      [...colored].reverse().map((g) => `<span class="k"><i class="sq" style="background:${g.color}"></i>${escapeHtml(g.label)}</span>`).join(''),
      chart,
      true,
    );
  }

  spendChart(): string {
    const def = this.present.get('placement_cost');
    const placements = def ? this.fanChart({ ...def, label: 'Monthly placement spend' }, WIDE, true) : this.missingFigure('placement_cost', 'Placement spend', true);
    // care-leaver spend beside it, when the run reports it (a log replayed from an older version may not)
    const leavers = this.present.get('care_leaver_cost');
    const spend = leavers ? placements + '\n' + this.fanChart({ ...leavers, label: 'Monthly care-leaver spend' }, WIDE, true) : placements;
    // the Home Office's UASC grant as income, and the spend net of it, when a scenario gives the grant
    const grant = this.present.get('uasc_grant_income');
    const net = this.present.get('net_spend');
    const paid = this.input.scenarios.some((s) => s.summary.stats.uasc_grant_income?.some((st) => st.p95 > 0));
    if (!grant || !net || !paid) return spend;
    return spend + '\n' + this.fanChart({ ...grant, label: 'Monthly Home Office UASC grant (income)' }, WIDE, true) + '\n' + this.fanChart({ ...net, label: 'Monthly net spend (placements and care leavers less the grant)' }, WIDE, true);
  }

  header(): string {
    const i = this.input;
    const names = this.ordered.map((o) => o.scenario.name);
    const lede =
      this.ordered.length === 1
        ? `Projection for the scenario “${names[0]}”, ${this.rangeText()} (${i.months} months).`
        : i.baseline !== undefined
          ? `${names.slice(1).map((n) => `“${n}”`).join(', ')} against the baseline “${names[0]}”, ${this.rangeText()} (${i.months} months).`
          : `${names.map((n) => `“${n}”`).join(', ')}, ${this.rangeText()} (${i.months} months).`;
    const cards = this.ordered
      .map((o) => {
        const s = o.scenario;
        const items = s.assumptions.length > 0 ? `<ul>${s.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>` : '<p class="note">No assumptions beyond the baseline parameters.</p>';
        return (
          `<div class="scenario" style="border-left-color:${o.color}" data-scenario="${escapeHtml(s.name)}">` +
          `<h3><span class="swatch" style="background:${o.color}" aria-hidden="true"></span>${escapeHtml(s.name)}` +
          `${o.isBaseline ? ' <span class="role">(baseline)</span>' : ''}</h3>` +
          `${s.description !== '' ? `<p>${escapeHtml(s.description)}</p>` : ''}` +
          `<p class="note">Assumptions:</p>${items}${sourcesHtml(s)}</div>`
        );
      })
      .join('\n');
    const rows: [string, string][] = [
      ['Scenarios', names.map(escapeHtml).join('; ')],
      ...(i.baseline !== undefined ? ([['Baseline', escapeHtml(i.baseline)]] as [string, string][]) : []),
      ['Period', `${escapeHtml(this.rangeText())} (${i.months} months, ${monthKey(this.start)} to ${monthKey(this.last)})`],
      ['Seed', `<span data-field="seed">${escapeHtml(String(i.seed))}</span>`],
      ['Replications', `<span data-field="runs">${escapeHtml(String(i.runs))}</span> per scenario`],
      ['Engine version', `caseflow <span data-field="version">${escapeHtml(i.generatedBy.engineVersion)}</span>`],
      ['Command', `<pre class="command">${escapeHtml(i.generatedBy.command)}</pre>`],
    ];
    return (
      `<header class="report"><h1>${escapeHtml(i.title)}</h1><p class="lede">${escapeHtml(lede)}</p>` +
      `<dl class="run">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>` +
      `<div class="scenarios">${cards}</div></header>`
    );
  }

  howTo(): string {
    const i = this.input;
    const multi = this.ordered.length > 1;
    return (
      `<section class="howto" aria-labelledby="howto"><h2 id="howto">How to read this report</h2>` +
      `<p>Each scenario was simulated ${formatNumber(i.runs, 0)} times with the same assumptions; ${i.scenarios.some((s) => (s.drawnParameters ?? 0) > 0) ? 'the runs differ in chance events and in the estimated parameters, each run drawing them from their standard errors, so the bands hold what the data cannot pin down as well as chance' : 'the runs differ only in chance events'}. ` +
      `In each chart the solid line is the median, month by month; the darker band holds the middle 50% of runs and the lighter band 90% (5th to 95th percentile). ` +
      bandNotes(i.scenarios) +
      `${multi ? 'The gap between the baseline and scenario lines is the projected effect of the scenario’s assumptions; the cumulative table adds it up over the whole period. ' : ''}` +
      `Dashed lines are comparators (targets, statistical neighbours, England), labelled with the period they describe and drawn only where they measure the same thing as the chart. ` +
      `Rates are per 10,000 children aged 0–17. A projection shows what follows from the stated assumptions; it is not a forecast. ` +
      `The command above, run with the same engine version, inputs and seed, reproduces this report exactly.</p></section>`
    );
  }

  comparisonTable(): string {
    const rows = this.input.comparison;
    if (!rows || rows.length === 0) return '';
    const others = this.ordered.filter((o) => !o.isBaseline).map((o) => `“${o.scenario.name}”`);
    const against = this.input.baseline !== undefined ? `${others.join(', ')} against the baseline “${this.input.baseline}”` : 'between the scenarios';
    const body = rows
      .map(
        (r) =>
          `<tr data-kpi="${escapeHtml(r.kpi)}"><td>${escapeHtml(r.label)}</td><td class="num">${formatComparisonValue(r.total, r.unit)}</td>` +
          `<td class="num">${formatComparisonValue(r.p5, r.unit)} to ${formatComparisonValue(r.p95, r.unit)}</td><td>${escapeHtml(r.unit)}</td></tr>`,
      )
      .join('');
    return (
      `<section class="comparison" aria-labelledby="comparison"><h2 id="comparison">Cumulative difference</h2>` +
      `<p>Totals over ${escapeHtml(this.rangeText())}, ${escapeHtml(against)}. The range holds 90% of runs (5th to 95th percentile).</p>` +
      `<table><thead><tr><th>Measure</th><th>Central estimate</th><th>90% range</th><th class="left">Unit</th></tr></thead><tbody>${body}</tbody></table></section>`
    );
  }

  kpiTable(): string {
    const months = this.input.tableMonths ?? defaultTableMonths(this.input.startMonth, this.input.months);
    const offsets = months.map((m) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1 - this.start);
    const multi = this.ordered.length > 1;
    const defs: KpiDef[] = [...this.present.values()];
    for (const id of this.unknownIds) defs.push({ id, label: id, unit: 'ratio', basis: 'month_end_ratio', definition: 'Not in the KPI catalogue' });
    const byGroup = new Map<string, KpiDef[]>();
    for (const d of defs) {
      const g = this.unknownIds.includes(d.id) ? 'Other measures' : groupOf(d.id);
      const list = byGroup.get(g);
      if (list) list.push(d);
      else byGroup.set(g, [d]);
    }
    const order = [...GROUPS.map(([g]) => g), 'Other measures'];
    const cols = months.length + (multi ? 2 : 1);
    const out: string[] = [];
    for (const g of order) {
      const list = byGroup.get(g);
      if (!list) continue;
      out.push(`<tr class="group"><th colspan="${cols}" scope="colgroup">${escapeHtml(g)}</th></tr>`);
      for (const d of list) {
        const rules = this.plan.rules.get(d.id) ?? [];
        const cmp = rules.length > 0 ? `<span class="cmp">${rules.map((r) => escapeHtml(`${kindLabel(r.kind)} ${periodLabel(r.period)}: ${formatKpiValue(r.value, d.unit)}`)).join('; ')}</span>` : '';
        const kpiCell = `<td class="kpi"${multi ? ` rowspan="${this.ordered.length}"` : ''}><span class="label">${escapeHtml(d.label)}</span><span class="unit">${escapeHtml(unitNote(d.unit))}</span>${cmp}</td>`;
        this.ordered.forEach((o, si) => {
          const series = seriesOf(o.scenario, d.id);
          const cells = offsets
            .map((off) => {
              const st = series?.[off];
              if (!st || Number.isNaN(st.p50)) return `<td class="num">${EN_DASH}</td>`;
              return `<td class="num"><span class="v">${formatKpiValue(st.p50, d.unit)}</span><span class="r">${formatKpiValue(st.p5, d.unit)}${EN_DASH}${formatKpiValue(st.p95, d.unit)}</span></td>`;
            })
            .join('');
          const scen = multi ? `<td><span class="swatch" style="background:${o.color}" aria-hidden="true"></span>${escapeHtml(o.scenario.name)}</td>` : '';
          out.push(`<tr${si === 0 ? ' class="first"' : ''} data-kpi="${escapeHtml(d.id)}">${si === 0 ? kpiCell : ''}${scen}${cells}</tr>`);
        });
      }
    }
    const head = `<tr><th scope="col">Measure</th>${multi ? '<th scope="col" class="left">Scenario</th>' : ''}${months.map((m) => `<th scope="col">${escapeHtml(monthLabel(Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1))}</th>`).join('')}</tr>`;
    return (
      `<section class="kpi-table" aria-labelledby="kpitable"><h2 id="kpitable">All measures</h2>` +
      `<p>Median of ${this.runsText} with the 5th${EN_DASH}95th percentile range beneath. Flows are counts in the month, stocks are at month end, rates are per 10,000 children aged 0${EN_DASH}17; comparators that measure the same thing are listed under each measure.</p>` +
      `<table><thead>${head}</thead><tbody>${out.join('\n')}</tbody></table></section>`
    );
  }

  notes(): string {
    const items: string[] = [];
    const absent = KPIS.filter((k) => !this.present.has(k.id) && !this.empty.includes(k.label)).map((k) => k.label);
    if (absent.length > 0) items.push(`Not produced by this run, so not shown: ${absent.map(escapeHtml).join(', ')}.`);
    if (this.empty.length > 0) items.push(`No value in any month of this run, so not shown: ${this.empty.map(escapeHtml).join(', ')}.`);
    if (this.missingInScenario.length > 0) items.push(`Missing for one scenario only: ${this.missingInScenario.map(escapeHtml).join(', ')}.`);
    if (this.unknownIds.length > 0) items.push(`Measures not in the KPI catalogue, shown in the table without a definition: ${this.unknownIds.map(escapeHtml).join(', ')}.`);
    const p = this.plan;
    if (p.given > 0) {
      const skippedCount = p.skipped.reduce((a, s) => a + s.count, 0);
      const reasons = p.skipped.map((s) => `<li><strong>${s.count}</strong> ${escapeHtml(s.reason)} (e.g. ${s.examples.map(escapeHtml).join('; ')})</li>`).join('');
      items.push(
        `Comparators: ${p.given} given, <span data-field="comparators-drawn">${p.drawn}</span> drawn, <span data-field="comparators-skipped">${skippedCount}</span> not drawn` +
          `${skippedCount > 0 ? `:<ul>${reasons}</ul>` : '.'}`,
      );
    } else items.push('No comparators were supplied.');
    return `<section class="notes" aria-labelledby="notes"><h2 id="notes">Notes</h2><ul class="notes">${items.map((t) => `<li>${t}</li>`).join('')}</ul></section>`;
  }

  /** The whole document; `scripts` (the chart runtime, chartRuntime.ts) go at the end of its body. */
  build(scripts: string): string {
    const i = this.input;
    const headline = this.headlineCharts();
    const mix = this.placementMix();
    const spend = this.spendChart();
    const backtest = i.backtest ? backtestSection(i.backtest) : '';
    const body = [
      this.header(),
      this.howTo(),
      this.comparisonTable(),
      moneySection(i.money, `${this.ordered.filter((o) => !o.isBaseline).map((o) => o.scenario.name).join(', ')} against ${i.baseline ?? 'the first scenario'}`),
      effectsSection(i.effects, i.baseline ?? this.ordered[0]?.scenario.name ?? ''),
      `<section class="headline" aria-labelledby="headline"><h2 id="headline">Headline measures</h2>${headline}</section>`,
      `<section class="placements" aria-labelledby="placements"><h2 id="placements">Placements</h2><div class="charts">${mix}</div></section>`,
      `<section class="spend" aria-labelledby="spend"><h2 id="spend">Placement and care-leaver spend</h2><div class="charts">${spend}</div></section>`,
      backtest,
      this.kpiTable(),
      this.notes(),
      `<footer>caseflow ${escapeHtml(i.generatedBy.engineVersion)} · seed ${escapeHtml(String(i.seed))} · ${escapeHtml(String(i.runs))} replications · ${escapeHtml(this.rangeText())}</footer>`,
    ].filter((s) => s !== '');
    return (
      `<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<meta name="generator" content="caseflow ${escapeHtml(i.generatedBy.engineVersion)}">\n<title>${escapeHtml(i.title)}</title>\n<style>${REPORT_CSS}</style>\n</head>\n<body>\n` +
      `${body.join('\n')}\n${scripts}\n</body>\n</html>\n`
    );
  }
}

/** The report as one HTML document, with `scripts` (the chart runtime) at the end of its body. */
export function buildReport(input: ReportInput, scripts: string): string {
  return new ReportBuilder(input).build(scripts);
}

/** One sentence per band calibration, naming the scenarios that carry it. */
function bandNotes(scenarios: readonly ReportScenario[]): string {
  const groups = new Map<string, { names: string[]; bands: BandCalibration }>();
  for (const s of scenarios) {
    const b = s.summary.bands;
    if (!b) continue;
    const key = JSON.stringify(b);
    if (!groups.has(key)) groups.set(key, { names: [], bands: b });
    groups.get(key)!.names.push(s.name);
  }
  return [...groups.values()]
    .map(({ names, bands }) => {
      const who = names.length === 1 ? `of ${escapeHtml(names[0])} are` : `of ${names.slice(0, -1).map(escapeHtml).join(', ')} and ${escapeHtml(names[names.length - 1])} are`;
      const factors = bands.factors.map((f) => `×${formatNumber(f.p90, 2)} at ${f.horizon} month${f.horizon === 1 ? '' : 's'} ahead`).join(', ');
      return `The bands ${who} calibrated rather than the runs’ own: each is widened or narrowed around the median by a factor per horizon (${factors} for the lighter band, held beyond the last), measured on how far earlier projections missed in a ${escapeHtml(bands.source)}, so that about 90% and 50% of what later happened would have fallen inside them. `;
    })
    .join('');
}
