/**
 * A sweep's output files, all written atomically and all independent of where and in which
 * order the jobs ran:
 *   sweep-kpis.csv    per point, KPI and month: mean and quantiles over the point's replications,
 *                     with the point's factor values as columns (kpis.csv's columns plus those);
 *   design.json       the factors, their distributions and every point's values and seed;
 *   sensitivity.csv   per scenario, target (KPI at a month) and factor: first-order and total
 *                     Sobol indices with bootstrap intervals (Saltelli designs) and the tornado
 *                     range (every design); sensitivity.json holds the same;
 *   failed.csv        jobs that failed, with their point, seed and reason (only when some did).
 */
import { join } from 'node:path';
import { monthKey, parseMonth } from '../calendar/index.ts';
import { formatNumber } from '../projections/kpisCsv.ts';
import { orderedKpiIds } from '../projections/summary.ts';
import type { KpiSummary } from '../projections/types.ts';
import { writeFileAtomic } from '../node/atomicFile.ts';
import type { SweepMerger } from './merge.ts';
import { pointBase, pointCount, pointSeed, pointValues } from './plan.ts';
import { sobolIndices, tornado } from './sobol.ts';
import type { SweepPlan } from './spec.ts';

const STATS = ['mean', 'p5', 'p25', 'p50', 'p75', 'p95'] as const;

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function sweepCsvHeader(plan: SweepPlan): string {
  return ['scenario', 'point', ...plan.factors.map((f) => f.name), 'month', 'kpi', ...STATS].map(csvField).join(',');
}

/** The rows of sweep-kpis.csv for one point (each line ending in a newline). */
export function pointRows(plan: SweepPlan, point: number, summary: KpiSummary): string {
  const prefix = `${csvField(pointBase(plan, point).name)},${point},${pointValues(plan, point).map(formatNumber).join(',')}`;
  const start = parseMonth(summary.startMonth);
  const ids = orderedKpiIds(Object.keys(summary.stats));
  let out = '';
  for (let m = 0; m < summary.months; m++) {
    const month = monthKey(start + m);
    for (const id of ids) {
      const st = summary.stats[id][m];
      out += `${prefix},${month},${id},${STATS.map((k) => formatNumber(st[k])).join(',')}\n`;
    }
  }
  return out;
}

export function designDocument(plan: SweepPlan): Record<string, unknown> {
  const points = [];
  for (let p = 0; p < pointCount(plan); p++) {
    const v = pointValues(plan, p);
    points.push({ point: p, scenario: pointBase(plan, p).name, seed: pointSeed(plan, p), values: Object.fromEntries(plan.factors.map((f, i) => [f.name, v[i]])) });
  }
  return {
    format: 'caseflow-sweep-design',
    formatVersion: 1,
    sweep: plan.id,
    name: plan.name,
    description: plan.description,
    engineVersion: plan.engineVersion,
    design: { type: plan.design.type, ...(plan.design.samples !== undefined ? { samples: plan.design.samples } : {}) },
    seed: plan.seed,
    runs: plan.runs,
    months: plan.months,
    startMonth: plan.startMonth,
    replicationsPerJob: plan.replicationsPerJob,
    streams: plan.streams,
    scenarios: plan.bases.map((b) => ({ name: b.name, population: b.population, start: b.start })),
    factors: plan.factors,
    kpis: plan.kpis,
    sensitivity: plan.sensitivity ?? null,
    points,
  };
}

export interface SensitivityRow {
  readonly scenario: string;
  readonly kpi: string;
  readonly month: string;
  readonly factor: string;
  readonly first: number;
  readonly firstLo: number;
  readonly firstHi: number;
  readonly total: number;
  readonly totalLo: number;
  readonly totalHi: number;
  /** Mean of the target over the points in the factor's lowest and highest thirds. */
  readonly low: number;
  readonly high: number;
  /** Points (or Saltelli rows) used. */
  readonly n: number;
}

/** Sobol indices (Saltelli designs) and tornado ranges, per scenario, target and factor. */
export function sensitivityRows(plan: SweepPlan, merger: SweepMerger): SensitivityRow[] {
  const s = plan.sensitivity;
  if (!s) return [];
  const d = plan.design.points.length;
  const k = plan.factors.length;
  const rows: SensitivityRow[] = [];
  plan.bases.forEach((base, b) => {
    for (const t of merger.targets) {
      const y = t.y.subarray(b * d, (b + 1) * d);
      const bars = tornado(plan.design.points, y);
      const sobol = plan.design.type === 'saltelli' ? sobolIndices(y, k, { bootstrap: s.bootstrap, confidence: s.confidence, seed: plan.seed }) : undefined;
      const used = y.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0);
      plan.factors.forEach((f, i) => {
        rows.push({
          scenario: base.name,
          kpi: t.kpi,
          month: t.month,
          factor: f.name,
          first: sobol?.first[i] ?? NaN,
          firstLo: sobol?.firstLo[i] ?? NaN,
          firstHi: sobol?.firstHi[i] ?? NaN,
          total: sobol?.total[i] ?? NaN,
          totalLo: sobol?.totalLo[i] ?? NaN,
          totalHi: sobol?.totalHi[i] ?? NaN,
          low: bars[i].low,
          high: bars[i].high,
          n: sobol ? sobol.rows : used,
        });
      });
    }
  });
  return rows;
}

const SENS_COLUMNS = ['scenario', 'kpi', 'month', 'factor', 'first', 'first_lo', 'first_hi', 'total', 'total_lo', 'total_hi', 'tornado_low', 'tornado_high', 'n'] as const;

export interface SweepOutputFiles {
  readonly files: string[];
  readonly sensitivity: SensitivityRow[];
}

/** Writes every output of a sweep from the merged results (points that failed are left out and listed). */
export function writeSweepOutputs(dir: string, plan: SweepPlan, merger: SweepMerger): SweepOutputFiles {
  const files: string[] = [];
  const csv = join(dir, 'sweep-kpis.csv');
  let text = sweepCsvHeader(plan) + '\n';
  for (const rows of merger.rows) if (rows !== undefined) text += rows;
  writeFileAtomic(csv, text);
  files.push(csv);
  const design = join(dir, 'design.json');
  writeFileAtomic(design, JSON.stringify(designDocument(plan), null, 2) + '\n');
  files.push(design);
  const sensitivity = sensitivityRows(plan, merger);
  if (plan.sensitivity) {
    const lines = [SENS_COLUMNS.join(',')];
    for (const r of sensitivity) {
      const nums = [r.first, r.firstLo, r.firstHi, r.total, r.totalLo, r.totalHi, r.low, r.high, r.n].map(formatNumber);
      lines.push([csvField(r.scenario), r.kpi, r.month, csvField(r.factor), ...nums].join(','));
    }
    const path = join(dir, 'sensitivity.csv');
    writeFileAtomic(path, lines.join('\n') + '\n');
    files.push(path);
    const round = (x: number) => (formatNumber(x) === '' ? null : Number(formatNumber(x)));
    const json = {
      format: 'caseflow-sweep-sensitivity',
      sweep: plan.id,
      design: plan.design.type,
      bootstrap: plan.sensitivity.bootstrap,
      confidence: plan.sensitivity.confidence,
      rows: sensitivity.map((r) => ({
        scenario: r.scenario,
        kpi: r.kpi,
        month: r.month,
        factor: r.factor,
        first: round(r.first),
        firstInterval: [round(r.firstLo), round(r.firstHi)],
        total: round(r.total),
        totalInterval: [round(r.totalLo), round(r.totalHi)],
        tornado: { low: round(r.low), high: round(r.high) },
        n: r.n,
      })),
    };
    const jpath = join(dir, 'sensitivity.json');
    writeFileAtomic(jpath, JSON.stringify(json, null, 2) + '\n');
    files.push(jpath);
  }
  if (merger.failures.size > 0) {
    const lines = ['job,point,seed,first_replication,replications,reason'];
    for (const f of [...merger.failures.values()].sort((a, b) => a.job - b.job)) lines.push([f.job, f.point, f.seed, f.firstReplication, f.replications, csvField(f.reason)].join(','));
    const path = join(dir, 'failed.csv');
    writeFileAtomic(path, lines.join('\n') + '\n');
    files.push(path);
  }
  return { files, sensitivity };
}
