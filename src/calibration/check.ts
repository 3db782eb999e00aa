/**
 * Projection regression checks: rerun a scenario and compare its ensemble statistics with a
 * stored kpis.csv (the "golden" file).
 *
 * - exact mode: with the same seed, runs, months and code every statistic must match the golden
 *   file as written (numbers rounded to 4 decimals), or stay within a relative tolerance;
 * - statistical mode, for changes where seeds cannot match: each month's median is compared with
 *   the ensembles' own spread (the standard error of a median, 1.2533·σ/√runs, with σ read from
 *   the p5–p95 band), at a family-wise false-alarm rate `alpha` (Bonferroni over every KPI and
 *   month compared), and also beyond the tolerance.
 *
 * A golden file's run settings (seed, runs, months) live beside it in `<name>.run.json`, so a
 * plain `check --scenario … --golden …` reruns exactly what was stored.
 */
import { textCell } from '../projections/csvCell.ts';
import { existsSync } from 'node:fs';
import { readInput } from '../node/atomicFile.ts';
import { monthKey, parseMonth } from '../calendar/index.ts';
import { InputError } from '../errors.ts';
import { KPIS_CSV_HEADER, formatNumber } from '../projections/kpisCsv.ts';
import type { KpiCsvRow } from '../node/kpiOutputs.ts';
import { orderedKpiIds } from '../projections/summary.ts';
import type { KpiStats, KpiSummary } from '../projections/types.ts';
import { normalQuantile } from '../simulation/distributions.ts';

export const STATISTICS = ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const satisfies readonly (keyof KpiStats)[];
export type Statistic = (typeof STATISTICS)[number];

const csvField = textCell;

/** kpis.csv text for ensemble summaries, byte for byte as `writeKpiOutputs` writes it. */
export function kpisCsvText(summaries: readonly KpiSummary[]): string {
  const lines: string[] = [KPIS_CSV_HEADER.join(',')];
  for (const s of summaries) {
    const ids = orderedKpiIds(Object.keys(s.stats));
    const start = parseMonth(s.startMonth);
    for (let m = 0; m < s.months; m++) {
      const month = monthKey(start + m);
      for (const id of ids) {
        const st = s.stats[id][m];
        lines.push(`${csvField(s.scenario)},${month},${csvField(id)},${STATISTICS.map((k) => formatNumber(st[k])).join(',')}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

export interface GoldenRun {
  readonly format: 'caseflow-golden-run';
  readonly engineVersion: string;
  readonly command: string;
  readonly scenario: string;
  readonly startMonth: string;
  readonly seed: number;
  readonly runs: number;
  readonly months: number;
}

/** `dir/name.csv` → `dir/name.run.json`. */
export function goldenRunPath(golden: string): string {
  return golden.replace(/\.csv$/i, '') + '.run.json';
}

/**
 * The run settings stored beside a golden file: its `.run.json`, or (for a kpis.csv written by
 * simulate) the `meta` of the kpis.json beside it. Undefined when there is neither.
 */
export function readGoldenRun(golden: string): { seed?: number; runs?: number; months?: number; from: string } | undefined {
  const candidates = [goldenRunPath(golden), golden.replace(/\.csv$/i, '') + '.json'];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    let json: unknown;
    try {
      json = JSON.parse(readInput(path, 16 * 1024 * 1024, 'a run settings file').toString('utf8'));
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`${path}: not valid JSON (${(err as Error).message})`);
    }
    const o = json as Record<string, unknown>;
    const src = (o.format === 'caseflow-golden-run' ? o : (o.meta as Record<string, unknown> | undefined)) ?? {};
    const num = (k: string) => {
      const v = src[k];
      if (v === undefined) return undefined;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(`${path}: field "${k}": expected a whole number, got ${JSON.stringify(v)}`);
      return v;
    };
    if (o.format !== 'caseflow-golden-run' && o.format !== 'caseflow-kpis') continue;
    return { seed: num('seed'), runs: num('runs'), months: num('months'), from: path };
  }
  return undefined;
}

export interface MovedRow {
  readonly kpi: string;
  readonly month: string;
  readonly statistic: Statistic;
  /** NaN where the golden file (or the rerun) has no value. */
  readonly golden: number;
  readonly now: number;
  /** now − golden. */
  readonly change: number;
  /** change / |golden| × 100. */
  readonly changePct: number;
  /** The largest change that would have passed (statistical mode: the noise threshold). */
  readonly allowed: number;
  readonly why: string;
}

export interface CheckResult {
  readonly mode: 'exact' | 'statistical';
  /** KPI × month × statistic values compared. */
  readonly compared: number;
  readonly moved: readonly MovedRow[];
}

/** The golden rows as one scenario's statistics by `month\0kpi`; rejects files holding several scenarios. */
function goldenIndex(path: string, rows: readonly KpiCsvRow[]): Map<string, KpiCsvRow> {
  const scenarios = new Set(rows.map((r) => r.scenario));
  if (scenarios.size > 1) throw new InputError(`${path}: holds ${scenarios.size} scenarios (${[...scenarios].join(', ')}); a golden file must hold one`);
  const m = new Map<string, KpiCsvRow>();
  for (const r of rows) m.set(`${r.month}\u0000${r.kpi}`, r);
  return m;
}

const round = (x: number) => {
  const s = formatNumber(x);
  return s === '' ? NaN : Number(s);
};

function nowIndex(now: KpiSummary): Map<string, KpiStats> {
  const m = new Map<string, KpiStats>();
  const start = parseMonth(now.startMonth);
  for (const [id, series] of Object.entries(now.stats)) for (let k = 0; k < now.months; k++) m.set(`${monthKey(start + k)}\u0000${id}`, series[k]);
  return m;
}

function missingRows(golden: Map<string, KpiCsvRow>, now: Map<string, KpiStats>, stats: readonly Statistic[]): MovedRow[] {
  const out: MovedRow[] = [];
  for (const [key, g] of golden) {
    if (now.has(key)) continue;
    for (const s of stats) if (!Number.isNaN(g[s])) out.push({ kpi: g.kpi, month: g.month, statistic: s, golden: g[s], now: NaN, change: NaN, changePct: NaN, allowed: 0, why: 'not in the rerun' });
  }
  for (const [key, n] of now) {
    if (golden.has(key)) continue;
    const [month, kpi] = key.split('\u0000');
    for (const s of stats) if (!Number.isNaN(round(n[s]))) out.push({ kpi, month, statistic: s, golden: NaN, now: round(n[s]), change: NaN, changePct: NaN, allowed: 0, why: 'not in the golden file' });
  }
  return out;
}

function sortMoved(rows: MovedRow[]): MovedRow[] {
  const order = new Map(orderedKpiIds(new Set(rows.map((r) => r.kpi))).map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.kpi)! - order.get(b.kpi)! || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0) || STATISTICS.indexOf(a.statistic) - STATISTICS.indexOf(b.statistic));
}

/** Every statistic must equal the golden value as written, or differ by at most `tolerancePct` % of it. */
export function compareExact(path: string, golden: readonly KpiCsvRow[], now: KpiSummary, tolerancePct = 0): CheckResult {
  const g = goldenIndex(path, golden);
  const n = nowIndex(now);
  const moved = missingRows(g, n, STATISTICS);
  let compared = 0;
  for (const [key, row] of g) {
    const st = n.get(key);
    if (!st) continue;
    for (const s of STATISTICS) {
      compared++;
      const a = row[s];
      const b = round(st[s]);
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      const allowed = (Math.abs(a) * tolerancePct) / 100;
      const change = b - a;
      if (Number.isNaN(a) || Number.isNaN(b) || Math.abs(change) > allowed + 1e-12 * Math.max(1, Math.abs(a))) {
        moved.push({ kpi: row.kpi, month: row.month, statistic: s, golden: a, now: b, change, changePct: a !== 0 ? (100 * change) / Math.abs(a) : NaN, allowed, why: Number.isNaN(a) || Number.isNaN(b) ? 'value appeared or disappeared' : tolerancePct > 0 ? `beyond ${tolerancePct}%` : 'differs' });
      }
    }
  }
  return { mode: 'exact', compared, moved: sortMoved(moved) };
}

/** Spread of one replication's value, from an ensemble's 5th–95th percentile band (normal approximation). */
function sigmaOf(p5: number, p95: number): number {
  return (p95 - p5) / (2 * 1.6448536269514722);
}

/**
 * Medians compared with the ensembles' own noise: a median moved when it differs from the
 * golden median by more than z·SE (SE of the difference of two medians) and by more than the
 * tolerance, z set for a family-wise false-alarm rate `alpha` over all comparisons. Where either
 * median sits on a point mass (p25 or p75 equal to it), the means are compared instead (SE of the
 * difference of two means), since such a median jumps a whole step with the draw.
 */
export function compareStatistical(path: string, golden: readonly KpiCsvRow[], now: KpiSummary, opts: { goldenRuns: number; alpha?: number; tolerancePct?: number }): CheckResult & { z: number } {
  const g = goldenIndex(path, golden);
  const n = nowIndex(now);
  const moved = missingRows(g, n, ['p50']);
  const pairs: [KpiCsvRow, KpiStats][] = [];
  for (const [key, row] of g) {
    const st = n.get(key);
    if (st && !(Number.isNaN(row.p50) && Number.isNaN(st.p50))) pairs.push([row, st]);
  }
  const alpha = opts.alpha ?? 0.01;
  const z = normalQuantile(1 - alpha / (2 * Math.max(1, pairs.length)));
  const tol = opts.tolerancePct ?? 0;
  for (const [row, st] of pairs) {
    const a = row.p50;
    const b = st.p50;
    if (Number.isNaN(a) || Number.isNaN(b)) {
      moved.push({ kpi: row.kpi, month: row.month, statistic: 'p50', golden: a, now: round(b), change: NaN, changePct: NaN, allowed: 0, why: 'value appeared or disappeared' });
      continue;
    }
    const sigma = (sigmaOf(row.p5, row.p95) + sigmaOf(st.p5, st.p95)) / 2;
    // a median sitting on a point mass (a count or a share of a few children, often 0) jumps a
    // whole step between ensembles: the means are compared there, with their own standard error
    const lumpy = row.p25 === row.p50 || row.p50 === row.p75 || st.p25 === st.p50 || st.p50 === st.p75;
    const statistic = lumpy ? 'mean' : 'p50';
    const [ga, nb] = lumpy ? [row.mean, st.mean] : [a, b];
    const se = (lumpy ? 1 : 1.2533141373155001) * sigma * Math.sqrt(1 / opts.goldenRuns + 1 / now.runs);
    const allowed = Math.max(z * se, (Math.abs(ga) * tol) / 100);
    const change = nb - ga;
    if (Math.abs(change) > allowed + 1e-9 * Math.max(1, Math.abs(ga))) {
      moved.push({ kpi: row.kpi, month: row.month, statistic, golden: ga, now: round(nb), change, changePct: ga !== 0 ? (100 * change) / Math.abs(ga) : NaN, allowed, why: se > 0 ? `beyond ${formatNumber(z)} standard errors` : 'differs (no spread)' });
    }
  }
  return { mode: 'statistical', compared: pairs.length, moved: sortMoved(moved), z };
}

export const MOVED_HEADER = 'kpi,month,statistic,golden,now,change,change_pct,allowed,why';

export function movedCsv(rows: readonly MovedRow[]): string {
  const lines = [MOVED_HEADER];
  for (const r of rows) lines.push([r.kpi, r.month, r.statistic, formatNumber(r.golden), formatNumber(r.now), formatNumber(r.change), formatNumber(r.changePct), formatNumber(r.allowed), csvField(r.why)].join(','));
  return lines.join('\n') + '\n';
}
