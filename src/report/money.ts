/**
 * The report's money and effect sections when comparing: gross savings, programme cost and net
 * savings per projection year and cumulatively; each intervention's compound effect on the
 * headline KPIs.
 */
import { EN_DASH, escapeHtml, formatGbp } from './format.ts';
import type { ReportEffects, ReportMoneyRow } from './types.ts';

const MEASURES = ['gross_savings', 'programme_cost', 'net_savings'] as const;

function cell(r: ReportMoneyRow | undefined): string {
  if (!r) return `<td class="num">${EN_DASH}</td>`;
  const range = r.p5 === r.p95 ? '' : `<span class="r">${formatGbp(r.p5)} to ${formatGbp(r.p95)}</span>`;
  return `<td class="num"><span class="v">${formatGbp(r.p50)}</span>${range}</td>`;
}

/** Savings, programme cost and net savings, one row per projection year and per cumulative total. */
export function moneySection(rows: readonly ReportMoneyRow[] | undefined, against: string): string {
  if (!rows || rows.length === 0) return '';
  const periods = [...new Set(rows.map((r) => r.period))];
  const label = (m: (typeof MEASURES)[number]) => rows.find((r) => r.measure === m)?.label ?? m;
  const body: string[] = [];
  for (const basis of ['year', 'cumulative'] as const) {
    for (const p of periods) {
      const first = rows.find((r) => r.basis === basis && r.period === p);
      if (!first) continue;
      const name = basis === 'year' ? p : `to the end of ${p}`;
      const cells = MEASURES.map((m) => cell(rows.find((r) => r.basis === basis && r.period === p && r.measure === m))).join('');
      body.push(`<tr data-basis="${basis}" data-period="${escapeHtml(p)}"><td>${escapeHtml(name)} <span class="unit">${escapeHtml(first.first)} to ${escapeHtml(first.last)}</span></td>${cells}</tr>`);
    }
  }
  return (
    `<section class="money" aria-labelledby="money"><h2 id="money">Savings and programme cost</h2>` +
    `<p>${escapeHtml(against)}: placement spend saved (gross savings), what the scenario’s interventions cost to run beyond the baseline’s (programme cost, from the cost assumptions listed above) and the difference (net savings), by projection year and cumulatively. Median of the runs, with the range that holds 90% of them beneath.</p>` +
    `<table><thead><tr><th>Period</th>${MEASURES.map((m) => `<th>${escapeHtml(label(m))}</th>`).join('')}</tr></thead><tbody>${body.join('')}</tbody></table></section>`
  );
}

function pct(v: number): string {
  if (!Number.isFinite(v)) return EN_DASH;
  const r = Math.round(v);
  return `${r > 0 ? '+' : r < 0 ? '\u2212' : ''}${Math.abs(r)}%`;
}

/** Each intervention's compound effect on the headline KPIs, % per projection year. */
export function effectsSection(effects: readonly ReportEffects[] | undefined, baseline: string): string {
  if (!effects || effects.length === 0) return '';
  const tables = effects.map((e) => {
    const periods = [...new Set(e.rows.map((r) => r.period))];
    const kpis = [...new Set(e.rows.map((r) => r.kpi))];
    const body = kpis
      .map((k) => {
        const label = e.rows.find((r) => r.kpi === k)!.label;
        const cells = periods.map((p) => {
          const r = e.rows.find((x) => x.kpi === k && x.period === p);
          return r ? `<td class="num"><span class="v">${pct(r.p50)}</span><span class="r">${pct(r.p5)} to ${pct(r.p95)}</span></td>` : `<td class="num">${EN_DASH}</td>`;
        });
        return `<tr data-kpi="${escapeHtml(k)}"><td>${escapeHtml(label)}</td>${cells.join('')}</tr>`;
      })
      .join('');
    return `<h3>${escapeHtml(e.name)}</h3><table><thead><tr><th>Measure</th>${periods.map((p) => `<th>${escapeHtml(p)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
  });
  return (
    `<section class="effects" aria-labelledby="effects"><h2 id="effects">Compound effect on headline measures</h2>` +
    `<p>What all of an intervention’s levers add up to: % change against “${escapeHtml(baseline)}” in each projection year (flows: the year’s total; stocks: the year’s last month), median with the 90% range beneath. Check it against the evidence the scenario cites.</p>` +
    `${tables.join('')}</section>`
  );
}
