/**
 * The README's back-test tables, made from the committed results of
 * scenarios/calibration/backtest.sh (scenarios/calibration/backtest/*.csv), and whether the
 * targets are met: at 12 months, children looked after (CLA) closer than both benchmarks; actuals
 * inside the calibrated p5–p95 for 80–95% of all origins and KPIs.
 */
import { chooseTrend } from '../../src/calibration/trendChoice.ts';
import { existsSync, readFileSync } from 'node:fs';

const DIR = new URL('../../scenarios/calibration/backtest/', import.meta.url);

type Row = Record<string, string>;

function readCsv(name: string): Row[] {
  const path = new URL(name, DIR);
  if (!existsSync(path)) return [];
  const [head, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

const n = (s: string | undefined) => (s === undefined || s === '' ? NaN : Number(s));
const f1 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 10) / 10).toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? (Math.round(x * 100) / 100).toFixed(2) : '–');

function coverage(origins: readonly Row[]): { in90: number; in50: number; in90Model: number; n: number } {
  const ok = origins.filter((r) => Number.isFinite(n(r.actual)) && Number.isFinite(n(r.p5)) && Number.isFinite(n(r.p95)));
  const inside = (lo: string, hi: string) => ok.filter((r) => n(r.actual) >= n(r[lo] || r.p5) && n(r.actual) <= n(r[hi] || r.p95)).length;
  const pct = (k: number) => (ok.length ? (100 * k) / ok.length : NaN);
  return { in90: pct(inside('p5', 'p95')), in50: pct(inside('p25', 'p75')), in90Model: pct(inside('p5_model', 'p95_model')), n: ok.length };
}

const HEAD = '| source | KPI | months ahead | origins | MAPE % | naive MAPE % | Markov MAPE % | MASE vs naive | MASE vs Markov | in p5–p95 % | in p25–p75 % |\n|---|---|---|---|---|---|---|---|---|---|---|';
const line = (s: Row) =>
  `| ${s.source} | ${s.kpi === '(all)' ? 'all KPIs' : `\`${s.kpi}\``} | ${s.horizon} | ${s.n} | ${f1(n(s.mape))} | ${f1(n(s.mape_naive))} | ${f1(n(s.mape_markov))} | ${f2(n(s.mase_naive))} | ${f2(n(s.mase_markov))} | ${f1(n(s.in_p5_p95_pct))} | ${f1(n(s.in_p25_p75_pct))} |`;

/** Is the model's CLA error at 12 months below both benchmarks (where they exist)? */
function claVerdict(s: Row | undefined): string {
  if (!s) return 'no origin allows 12 months ahead';
  const m = n(s.mape);
  const nv = n(s.mape_naive);
  const mk = n(s.mape_markov);
  const beats = m < nv && (!Number.isFinite(mk) || m < mk);
  return `${f1(m)}% against naive ${f1(nv)}%${Number.isFinite(mk) ? ` and Markov ${f1(mk)}%` : ''} (${s.n} origin${s.n === '1' ? '' : 's'}): **${beats ? 'met' : 'not met'}**`;
}

const coverageVerdict = (c: { in90: number; in50: number; in90Model: number; n: number }) =>
  `${f1(c.in90)}% of ${c.n}: **${c.in90 >= 80 && c.in90 <= 95 ? 'met' : 'not met'}** (p25–p75: ${f1(c.in50)}%; the ensembles' own p5–p95 before calibration: ${f1(c.in90Model)}%)`;

export function backtestMarkdown(): string {
  const regional = readCsv('regional-scores.csv');
  const validator = readCsv('validator-scores.csv');
  const southampton = readCsv('southampton-scores.csv');
  const out: string[] = [];
  if (regional.length === 0 && southampton.length === 0) return '_No back-test results: run `bash scenarios/calibration/backtest.sh`._';
  const eventScores = [...regional, ...validator];
  const headline = ['cla_open', 'cla_starts', 'cla_ends', 'uasc_open', '(all)'];
  out.push('**SSDA903 histories, 12 months ahead** (children looked after and UASC at the month end; entries and exits over the 12 months):', '', HEAD);
  for (const s of eventScores) if (s.horizon === '12' && headline.includes(s.kpi)) out.push(line(s));
  out.push('', '**Children looked after (`cla_open`) at every horizon:**', '', HEAD);
  for (const s of eventScores) if (s.kpi === 'cla_open') out.push(line(s));
  if (southampton.length > 0) {
    const shown = ['cla_open', 'cla_starts', 'cla_ends', 'uasc_open', 'cp_open', 'contacts', 'referrals', 'assessments_completed', '(all)'];
    out.push('', '**Southampton observed series** (the model fitted at each origin; no Markov benchmark without episodes; every KPI in `scenarios/calibration/backtest/southampton-scores.csv`):', '', HEAD);
    for (const s of southampton) if (shown.includes(s.kpi)) out.push(line(s));
  }
  const trend = readCsv('regional-trend.csv');
  out.push('', '**Targets**', '');
  for (const src of [...new Set(eventScores.map((s) => s.source))]) {
    out.push(`- ${src}: CLA error 12 months ahead below both benchmarks: ${claVerdict(eventScores.find((s) => s.source === src && s.kpi === 'cla_open' && s.horizon === '12'))}`);
  }
  if (southampton.length > 0) {
    const cla = southampton.find((s) => s.kpi.startsWith('cla_open') && s.horizon === '12');
    out.push(`- Southampton: CLA error 12 months ahead below the naive forecast: ${claVerdict(cla)}`);
  }
  const events = [...readCsv('regional-origins.csv'), ...readCsv('validator-origins.csv')];
  if (events.length > 0) out.push(`- SSDA903 histories, actuals inside p5–p95 over all origins, horizons and KPIs (target 80–95%): ${coverageVerdict(coverage(events))}`);
  const so = readCsv('southampton-origins.csv');
  if (so.length > 0) out.push(`- Southampton, actuals inside p5–p95 over all origins, horizons and KPIs (target 80–95%): ${coverageVerdict(coverage(so))}`);
  const trendLine = (rows: Record<string, string>[], what: string, over: string, criterion: string) => {
    if (rows.length === 0) return;
    const options = rows.map((t) => ({ trend: t.trend, score: n(t.criterion) }));
    out.push(`- Trend in ${what}, chosen by back-test over ${over} by ${criterion} (lower is better; a more complex trend must score 0.5% lower than a simpler one): ${options.map((t) => `${t.trend} ${f2(t.score)}`).join(', ')} → **${chooseTrend(options).trend}**`);
  };
  trendLine(trend, 'arrival rates into care', 'the regional councils', 'mean MASE against the naive forecast for `cla_open`, `cla_starts`, `cla_ends` at every horizon');
  trendLine(readCsv('southampton-trend.csv'), 'first contacts', 'the Southampton series', 'mean MASE against the naive forecast over every KPI at every horizon');
  return out.join('\n');
}
