/**
 * A realistic `ReportInput` built from generated numbers (not from the simulator): a
 * Southampton-sized council, a baseline and a Family Safeguarding scenario, with comparators read
 * from the calibration data in shared/data.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Rng } from '../../src/simulation/random.ts';
import { KPIS } from '../../src/projections/catalogue.ts';
import type { Comparator, KpiStats, KpiSummary } from '../../src/projections/types.ts';
import type { ReportComparisonRow, ReportInput } from '../../src/report/index.ts';

export const SHARED_DATA = new URL('../../../shared/data/', import.meta.url);

function normal(rng: Rng): number {
  const u = Math.max(rng.uniform(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.uniform());
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda > 40) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rng)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.uniform();
  } while (p > l);
  return k - 1;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Contacts by calendar month: schools return in September, summer holidays dip. */
const SEASON = [1.0, 1.02, 1.04, 0.98, 1.02, 1.0, 0.95, 0.84, 1.12, 1.08, 1.02, 0.9];
const POPULATION = 49_500;
const WEEKLY_COST: Record<string, number> = {
  in_house_foster: 480,
  other_public_foster: 620,
  ifa: 980,
  kinship_foster: 310,
  residential: 5_600,
  supported: 1_900,
  other_residential: 2_300,
  residential_schools: 2_600,
  community: 1_400,
  placed_with_parents: 160,
  placed_for_adoption: 320,
  other: 2_400,
};
const BASE_SHARE: Record<string, number> = {
  in_house_foster: 0.25,
  other_public_foster: 0.02,
  ifa: 0.28,
  kinship_foster: 0.13,
  residential: 0.1,
  supported: 0.08,
  other_residential: 0.01,
  residential_schools: 0.005,
  community: 0.01,
  placed_with_parents: 0.06,
  placed_for_adoption: 0.03,
  other: 0.015,
};
const END_REASONS: [string, number][] = [
  ['return_home', 0.22],
  ['relatives_no_pr', 0.06],
  ['sgo', 0.12],
  ['cao', 0.03],
  ['adoption', 0.08],
  ['independent_living', 0.14],
  ['staying_put', 0.16],
  ['other', 0.19],
];

export interface ScenarioEffect {
  /** Months after the start when the effect begins, and months to reach full effect. */
  readonly startOffset: number;
  readonly ramp: number;
  readonly cpStarts: number;
  readonly claStarts: number;
  /** Share of agency foster placements moved to in-house at full effect. */
  readonly ifaToInHouse: number;
}

export const NO_EFFECT: ScenarioEffect = { startOffset: 0, ramp: 1, cpStarts: 0, claStarts: 0, ifaToInHouse: 0 };
export const FAMILY_SAFEGUARDING: ScenarioEffect = { startOffset: 6, ramp: 12, cpStarts: -0.3, claStarts: -0.2, ifaToInHouse: 0.15 };

/** One run's monthly values per KPI id (caseload_avg is left out: no workforce modelled). */
function simulateRun(rng: Rng, startMonth: number, months: number, effect: ScenarioEffect): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const k of KPIS) if (k.id !== 'caseload_avg') out[k.id] = new Float64Array(months);
  const set = (id: string, i: number, v: number): void => {
    out[id][i] = v;
  };
  let cpOpen = 300;
  let claOpen = 545;
  let cinOpen = 1_100;
  let uasc = 35;
  const hist = { referrals: Array<number>(12).fill(320), assessments: Array<number>(12).fill(280), s47: Array<number>(12).fill(75), icpc: Array<number>(12).fill(32) };
  const roll = (h: number[], v: number): number => {
    h.push(v);
    h.shift();
    return h.reduce((a, b) => a + b, 0);
  };
  for (let i = 0; i < months; i++) {
    const moy = (startMonth + i) % 12;
    const on = clamp((i - effect.startOffset + 1) / effect.ramp, 0, 1);
    const contacts = Math.round(1_750 * SEASON[moy] + 70 * normal(rng));
    const conv = clamp(18.3 + 1.2 * normal(rng), 10, 30);
    const referrals = Math.round((contacts * conv) / 100);
    set('contacts', i, contacts);
    set('contact_conversion_pct', i, conv);
    set('referrals', i, referrals);
    set('referral_rate', i, (roll(hist.referrals, referrals) / POPULATION) * 10_000);
    set('rereferral_pct', i, clamp(24 + 3 * normal(rng), 5, 60));
    set('referral_nfa_pct', i, clamp(8 + 1.5 * normal(rng), 0, 40));
    set('early_help_referrals', i, poisson(rng, 260));
    const assessments = poisson(rng, referrals * 0.86);
    set('assessments_completed', i, assessments);
    set('assessment_rate', i, (roll(hist.assessments, assessments) / POPULATION) * 10_000);
    set('assessments_45d_pct', i, clamp(86 + 4 * normal(rng), 40, 100));
    set('assessment_nfa_pct', i, clamp(45 + 4 * normal(rng), 10, 90));
    set('strategy_discussions', i, poisson(rng, 110));
    const s47 = poisson(rng, 75 * (1 + 0.5 * effect.cpStarts * on));
    set('s47_started', i, s47);
    set('s47_rate', i, (roll(hist.s47, s47) / POPULATION) * 10_000);
    const icpc = poisson(rng, 32 * (1 + effect.cpStarts * on));
    set('icpc_held', i, icpc);
    set('icpc_rate', i, (roll(hist.icpc, icpc) / POPULATION) * 10_000);
    set('icpc_15d_pct', i, clamp(78 + 8 * normal(rng), 20, 100));
    const cpStarts = poisson(rng, 30 * (1 + effect.cpStarts * on));
    const cpEnds = Math.min(cpOpen, poisson(rng, cpOpen / 9.8));
    cpOpen += cpStarts - cpEnds;
    set('cp_starts', i, cpStarts);
    set('cp_ends', i, cpEnds);
    set('cp_open', i, cpOpen);
    set('cp_rate', i, (cpOpen / POPULATION) * 10_000);
    const repeat = clamp(24 + 6 * normal(rng), 0, 100);
    set('cp_repeat_pct', i, repeat);
    set('cp_repeat_2yr_pct', i, repeat * 0.45);
    set('cp_2yr_pct', i, clamp(3 + 2 * normal(rng), 0, 100));
    cinOpen = Math.max(600, Math.round(cinOpen + 25 * normal(rng) - 0.02 * (cinOpen - 1_100)));
    set('cin_plans_open', i, Math.round(cinOpen * 0.45));
    const claStarts = poisson(rng, 14.2 * (1 + effect.claStarts * on));
    const claEnds = Math.min(claOpen, poisson(rng, claOpen / 40));
    claOpen += claStarts - claEnds;
    set('cla_starts', i, claStarts);
    set('cla_ends', i, claEnds);
    set('cla_open', i, claOpen);
    set('cla_rate', i, (claOpen / POPULATION) * 10_000);
    const reasons: Record<string, number> = Object.fromEntries(END_REASONS.map(([r]) => [r, 0]));
    for (let e = 0; e < claEnds; e++) {
      let u = rng.uniform();
      for (const [r, p] of END_REASONS) {
        if (u < p || r === 'other') {
          reasons[r]++;
          break;
        }
        u -= p;
      }
    }
    for (const [r, n] of Object.entries(reasons)) set(`cla_ends_${r}`, i, n);
    set('cla_ends_age18', i, reasons.independent_living + reasons.staying_put);
    // the DfE's children in need: every open case, CP plans and children looked after included
    set('open_cases', i, cinOpen + cpOpen + claOpen);
    set('open_rate', i, ((cinOpen + cpOpen + claOpen) / POPULATION) * 10_000);
    set('cin_open', i, cinOpen + cpOpen + claOpen);
    set('cin_rate', i, ((cinOpen + cpOpen + claOpen) / POPULATION) * 10_000);
    uasc = Math.max(0, uasc + poisson(rng, 1.2) - poisson(rng, 1.2));
    set('uasc_open', i, uasc);
    // placement mix: shares with noise, agency fostering moving in-house as recruitment ramps up
    const shift = BASE_SHARE.ifa * effect.ifaToInHouse * on;
    let cost = 0;
    let placed = 0;
    const groups = Object.keys(BASE_SHARE);
    for (let g = 0; g < groups.length; g++) {
      const id = groups[g];
      let share = BASE_SHARE[id] + (id === 'ifa' ? -shift : id === 'in_house_foster' ? shift : 0);
      share = clamp(share * (1 + 0.04 * normal(rng)), 0, 1);
      const n = g === groups.length - 1 ? Math.max(0, claOpen - placed) : Math.min(claOpen - placed, Math.round(claOpen * share));
      placed += n;
      set(`cla_placement_${id}`, i, n);
      cost += n * WEEKLY_COST[id];
    }
    const days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][moy];
    set('placement_cost', i, (cost * days) / 7);
    set('cla_placement_ifa_pct', i, claOpen > 0 ? (out.cla_placement_ifa[i] / claOpen) * 100 : NaN);
    set('cla_3plus_moves_pct', i, clamp(9 + 2 * normal(rng), 0, 100));
  }
  return out;
}

/** Quantile with linear interpolation between order statistics (R type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function stats(values: Float64Array): KpiStats {
  const v = Float64Array.from(values.filter((x) => !Number.isNaN(x))).sort();
  if (v.length === 0) return { mean: NaN, p5: NaN, p25: NaN, p50: NaN, p75: NaN, p95: NaN };
  let sum = 0;
  for (const x of v) sum += x;
  return { mean: sum / v.length, p5: quantile(v, 0.05), p25: quantile(v, 0.25), p50: quantile(v, 0.5), p75: quantile(v, 0.75), p95: quantile(v, 0.95) };
}

export interface Ensemble {
  readonly summary: KpiSummary;
  readonly runs: Record<string, Float64Array>[];
}

export function ensemble(name: string, seed: number, runs: number, startMonth: string, months: number, effect: ScenarioEffect): Ensemble {
  const start = Number(startMonth.slice(0, 4)) * 12 + Number(startMonth.slice(5, 7)) - 1;
  // Common random numbers: replication r uses the same stream in every scenario.
  const all = Array.from({ length: runs }, (_, r) => simulateRun(Rng.stream(seed, r), start, months, effect));
  const statsOut: Record<string, KpiStats[]> = {};
  const column = new Float64Array(runs);
  for (const id of Object.keys(all[0])) {
    const series: KpiStats[] = [];
    for (let m = 0; m < months; m++) {
      for (let r = 0; r < runs; r++) column[r] = all[r][id][m];
      series.push(stats(column));
    }
    statsOut[id] = series;
  }
  return { summary: { scenario: name, startMonth, months, runs, stats: statsOut, numerators: {}, denominators: {} }, runs: all };
}

/** Cumulative baseline-minus-scenario totals per run, summarised. */
function cumulativeDifference(base: Ensemble, scen: Ensemble, kpi: string, label: string, unit: string): ReportComparisonRow {
  const totals = new Float64Array(base.runs.length);
  for (let r = 0; r < base.runs.length; r++) {
    let t = 0;
    const b = base.runs[r][kpi];
    const s = scen.runs[r][kpi];
    for (let m = 0; m < b.length; m++) t += b[m] - s[m];
    totals[r] = t;
  }
  totals.sort();
  return { kpi, label, total: quantile(totals, 0.5), p5: quantile(totals, 0.05), p95: quantile(totals, 0.95), unit };
}

interface CsvRow {
  kpi: string;
  period: string;
  value: string;
  basis: string;
  kind: string;
  source: string;
}

/** Comparators from shared/data: the Southampton file as is, England rows as kind `england`. */
export function loadComparators(): Comparator[] {
  const out: Comparator[] = [];
  const read = (file: string): CsvRow[] => parse(readFileSync(new URL(file, SHARED_DATA), 'utf8'), { columns: true, skip_empty_lines: true }) as CsvRow[];
  for (const r of read('southampton/observed.csv')) {
    const value = Number(r.value);
    if (r.value.trim() === '' || !Number.isFinite(value)) continue;
    out.push({ kpi: r.kpi, kind: r.kind, period: r.period, value, basis: r.basis, source: r.source });
  }
  for (const r of read('england/national.csv')) {
    const value = Number(r.value);
    if (r.value.trim() === '' || !Number.isFinite(value) || !/^(FY\d{4}-\d{2}|\d{4}-\d{2})$/.test(r.period)) continue;
    out.push({ kpi: r.kpi, kind: 'england', period: r.period, value, basis: r.basis, source: r.source });
  }
  return out;
}

export interface FixtureOptions {
  readonly seed?: number;
  readonly runs?: number;
  readonly startMonth?: string;
  readonly months?: number;
  /** Baseline only, or baseline and Family Safeguarding. */
  readonly compare?: boolean;
  readonly comparators?: boolean;
}

export function makeReportInput(opts: FixtureOptions = {}): ReportInput {
  const seed = opts.seed ?? 20250401;
  const runs = opts.runs ?? 200;
  const startMonth = opts.startMonth ?? '2023-04';
  const months = opts.months ?? 60;
  const compare = opts.compare ?? true;
  const base = ensemble('Baseline', seed, runs, startMonth, months, NO_EFFECT);
  const baseline = {
    name: 'Baseline',
    description: 'Current practice: arrival rates, transition probabilities and durations estimated from 2021–2023 data.',
    assumptions: ['Population 0–17: 49,500, flat', 'Contacts: 1,750 a month with school-term seasonality', 'No interventions'],
    summary: base.summary,
  };
  const command = compare
    ? `caseflow compare --baseline scenarios/southampton-baseline.json --scenario scenarios/family-safeguarding.json --start ${startMonth} --months ${months} --runs ${runs} --seed ${seed} --out out`
    : `caseflow simulate --scenario scenarios/southampton-baseline.json --start ${startMonth} --months ${months} --runs ${runs} --seed ${seed} --out out`;
  if (!compare) {
    return {
      title: 'Southampton children’s services: baseline projection',
      generatedBy: { engineVersion: '0.1.0', command },
      seed,
      runs,
      startMonth,
      months,
      scenarios: [baseline],
      comparators: opts.comparators === false ? undefined : loadComparators(),
    };
  }
  const fs = ensemble('Family Safeguarding', seed, runs, startMonth, months, FAMILY_SAFEGUARDING);
  return {
    title: 'Southampton children’s services: Family Safeguarding against baseline',
    generatedBy: { engineVersion: '0.1.0', command },
    seed,
    runs,
    startMonth,
    months,
    baseline: 'Baseline',
    scenarios: [
      baseline,
      {
        name: 'Family Safeguarding',
        description: 'Whole-family multidisciplinary teams with adult specialists (domestic abuse, mental health, substance use).',
        assumptions: [
          'CP plans started: −30% at full effect; start Oct 2023, 12-month ramp; evidence: Hertfordshire 2017 evaluation (moderate)',
          'Entries to care: −20% at full effect; start Oct 2023, 12-month ramp; evidence: early-adopter programme claims (low)',
          'Foster carer recruitment: 15% of agency foster placements moved in-house; evidence: local plan (assumption)',
        ],
        summary: fs.summary,
      },
    ],
    comparators: opts.comparators === false ? undefined : loadComparators(),
    comparison: [
      cumulativeDifference(base, fs, 'cla_starts', 'Children kept out of care (fewer entries)', 'children'),
      cumulativeDifference(base, fs, 'cp_starts', 'Child protection plans avoided', 'plans'),
      cumulativeDifference(base, fs, 'placement_cost', 'Placement spend saved', '£'),
    ],
  };
}
