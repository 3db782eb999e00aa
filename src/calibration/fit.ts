/**
 * Fitting a scenario's parameters to observed KPI series.
 *
 * 1. The fitting run starts at the window's first month from the observed position at the end
 *    of the month before (opening stocks from month-end observations, see `rebaseScenario`).
 * 2. Method of moments: where the data give a parameter directly it is set from them —
 *    conversion ratios (assessments ÷ referrals, S47 ÷ assessments, ICPCs ÷ S47s, CP plans ÷
 *    ICPCs), durations from stock ÷ flow (CP plans open ÷ plans started), timeliness percentages
 *    inverted through the duration distribution (the share within 45 or 15 working days).
 * 3. Refinement against simulated ensembles: each fit target (a group of parameters moved by one
 *    factor) has a moment (the mean of its observed series over the window, or a ratio to the
 *    series upstream of it, so targets hardly interact), and all factors are updated together
 *    by secant steps on the log scale until every simulated moment is within 1% (or two Monte
 *    Carlo standard errors) of the observed one, or the iterations run out. Every ensemble uses
 *    the same seed and replications (common random numbers), so the search follows the
 *    parameters and not sampling noise.
 *
 * Parameters that no observed series informs keep the base scenario's values and are listed.
 */
import { produce } from 'immer';
import { monthKey } from '../calendar/index.ts';
import { runEnsemble } from '../ensemble/index.ts';
import { kpiDef } from '../projections/catalogue.ts';
import type { KpiRun } from '../projections/types.ts';
import type { Scenario } from '../scenarios/index.ts';
import { expandPath } from '../scenarios/interventions.ts';
import { duration as compileDuration, type DurationSpec } from '../simulation/distributions.ts';
import { FIT_TARGETS, type TargetDef } from './fitTargets.ts';
import { parseParameters, type Parameters } from '../simulation/parameters.ts';
import { comparableValue, covers } from './compare.ts';
import { listNotInformed } from './estimate.ts';
import { withSources } from './fromEvents.ts';
import type { Observation, SkippedRow } from './observed.ts';
import { rebaseScenario, type OpeningSet } from './rebase.ts';

export interface FitOptions {
  readonly base: Scenario;
  /** Observations (usable rows of the observed file). */
  readonly observations: readonly Observation[];
  /** Fitting window, month indexes (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly runs: number;
  readonly seed: number;
  readonly workers?: number;
  /** Refinement iterations after the starting point (default 8). */
  readonly iterations?: number;
  /** KPI ids not to fit (still compared in the fit table). */
  readonly exclude?: readonly string[];
  readonly file?: string;
  /** Called after each ensemble: ensembles run so far, and the most there can be. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FitSeries {
  readonly kpi: string;
  readonly basis: string;
  /** Observed months (or financial years) compared. */
  readonly n: number;
  readonly observed: number;
  /** Mean simulated equivalent with the base parameters (same window and opening). */
  readonly base: number;
  readonly fitted: number;
  readonly error: number;
  readonly errorPct: number;
  /** Mean absolute percentage error month by month (fitted). */
  readonly mape: number;
  /** Fit target this series informs (empty: compared only). */
  readonly target: string;
  /** Parameter paths it informs. */
  readonly informs: readonly string[];
  readonly note: string;
}

export interface FitParameterRow {
  readonly target: string;
  readonly path: string;
  readonly base: number;
  /** Method-of-moments starting value. */
  readonly start: number;
  readonly fitted: number;
  /**
   * Standard error of the fitted value from the sampling error of the observed moment: its
   * relative standard error over the moment's elasticity (delta method on the log scale).
   */
  readonly se: number;
  readonly informedBy: string;
  /** Set when the target's factor ended at one of its bounds (the data pull further than allowed). */
  readonly note: string;
}

export interface FitIteration {
  readonly iteration: number;
  readonly factors: Record<string, number>;
  readonly moments: Record<string, { simulated: number; observed: number }>;
  readonly score: number;
}

export interface FitResult {
  readonly from: string;
  readonly to: string;
  readonly runs: number;
  readonly seed: number;
  readonly series: readonly FitSeries[];
  readonly parameters: readonly FitParameterRow[];
  /** Fit targets with no observed series (their parameters keep the base values). */
  readonly unfitted: readonly { readonly target: string; readonly paths: readonly string[]; readonly reason: string }[];
  /** Every parameter path left as in the base. */
  readonly notInformed: readonly string[];
  readonly openingForFit: readonly OpeningSet[];
  readonly iterations: readonly FitIteration[];
  readonly converged: boolean;
  /** Observations inside the window that could not be compared, with the reason. */
  readonly skipped: readonly SkippedRow[];
  /** The fitted parameters. */
  readonly fittedParameters: Parameters;
}

/** Mean of the finite values. */
function mean(xs: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  }
  return n > 0 ? s / n : NaN;
}

interface Moment {
  readonly observed: number;
  /** Simulated moment from replication-mean values. */
  readonly simulated: number;
  /** Monte Carlo standard error of `simulated`. */
  readonly se: number;
}

/** How a target is informed: its informant observations and (for ratio moments) the upstream ones. */
interface Plan {
  readonly def: TargetDef;
  readonly informant: string;
  readonly obs: readonly Observation[];
  readonly upstream?: { readonly kpi: string; readonly obs: readonly Observation[] };
}

/** The prior d ln(moment) / d ln(factor) of a plan's moment (its informant's, where it has one). */
function elasticityOf(plan: Plan): number {
  return plan.def.elasticityBy?.[plan.informant] ?? plan.def.elasticity;
}

/** Simulated equivalents of observations, per replication: values[r][i]. */
function simulatedMatrix(runs: readonly KpiRun[], obs: readonly Observation[]): number[][] {
  return runs.map((run) => obs.map((o) => comparableValue(run, o.spec)));
}

function momentOf(plan: Plan, runs: readonly KpiRun[]): Moment {
  const perRep = (values: number[][], idx: readonly number[]) => values.map((row) => idx.reduce((s, i) => s + row[i], 0));
  if (!plan.upstream) {
    const sim = simulatedMatrix(runs, plan.obs);
    const ok = plan.obs.map((_, i) => i).filter((i) => sim.every((row) => Number.isFinite(row[i])));
    const observed = mean(ok.map((i) => plan.obs[i].value));
    const reps = perRep(sim, ok).map((s) => s / ok.length);
    const m = mean(reps);
    const sd = Math.sqrt(mean(reps.map((x) => (x - m) ** 2)));
    return { observed, simulated: m, se: sd / Math.sqrt(reps.length) };
  }
  // ratio moment over the months both series cover
  const up = plan.upstream;
  const pairs: [number, number][] = [];
  plan.obs.forEach((o, i) => {
    const j = up.obs.findIndex((u) => u.month === o.month && u.period === o.period);
    if (j >= 0) pairs.push([i, j]);
  });
  const a = simulatedMatrix(runs, plan.obs);
  const b = simulatedMatrix(runs, up.obs);
  const ok = pairs.filter(([i, j]) => a.every((row) => Number.isFinite(row[i])) && b.every((row) => Number.isFinite(row[j])));
  const observed = ok.reduce((s, [i]) => s + plan.obs[i].value, 0) / ok.reduce((s, [, j]) => s + up.obs[j].value, 0);
  const reps = a.map((row, r) => ok.reduce((s, [i]) => s + row[i], 0) / ok.reduce((s, [, j]) => s + b[r][j], 0));
  const numer = mean(a.map((row) => ok.reduce((s, [i]) => s + row[i], 0)));
  const denom = mean(b.map((row) => ok.reduce((s, [, j]) => s + row[j], 0)));
  const m = mean(reps);
  const sd = Math.sqrt(mean(reps.map((x) => (x - m) ** 2)));
  return { observed, simulated: numer / denom, se: sd / Math.sqrt(reps.length) };
}

/**
 * Month-to-month spread of a series: the standard deviation of its residuals about a straight
 * line (a series that rises or falls over the window is not noisy for it) from four months, of
 * the values themselves before.
 */
const sdOf = (xs: readonly number[]): number => {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  if (n < 4) return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
  const tBar = (n - 1) / 2;
  let sxx = 0;
  let sxy = 0;
  xs.forEach((x, t) => {
    sxx += (t - tBar) ** 2;
    sxy += (t - tBar) * (x - m);
  });
  const b = sxy / sxx;
  return Math.sqrt(xs.reduce((a, x, t) => a + (x - m - b * (t - tBar)) ** 2, 0) / (n - 2));
};

/**
 * Relative standard error of a plan's observed moment: for monthly counts, their month-to-month
 * spread (about a straight line) over √months, never below the counting (Poisson) error; for month-end stocks, which
 * carry most of one month into the next, the spread itself (about one independent value), never
 * below a count's error; for a ratio of counts, the spread of the monthly ratios over √months,
 * never below the counting error of both totals. NaN where none can be told (one month of a
 * percentage).
 */
export function observedMomentRelSe(values: readonly number[], kind: 'count' | 'stock' | 'other', upstream?: readonly number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  if (upstream) {
    const num = values.reduce((a, b) => a + b, 0);
    const den = upstream.reduce((a, b) => a + b, 0);
    if (!(num > 0 && den > 0)) return NaN;
    const ratios = values.map((v, i) => (upstream[i] > 0 ? v / upstream[i] : NaN)).filter(Number.isFinite);
    const spread = ratios.length > 1 ? sdOf(ratios) / Math.sqrt(ratios.length) / (num / den) : 0;
    return Math.max(spread, Math.sqrt(1 / num + 1 / den));
  }
  const m = mean(values);
  if (!(m > 0)) return NaN;
  const sd = n > 1 ? sdOf(values) / m : 0;
  const se = kind === 'count' ? Math.max(sd / Math.sqrt(n), 1 / Math.sqrt(n * m)) : kind === 'stock' ? Math.max(sd, 1 / Math.sqrt(m)) : sd / Math.sqrt(n);
  return se > 0 ? se : NaN;
}

/** The largest standard error of a factor's logarithm kept (a factor e^±1 at one standard error): beyond it the data say next to nothing. */
const MAX_LOG_SE = 1;

/** Representative numbers at a (possibly `*`) parameter path, with concrete paths. */
function valuesAt(p: Parameters, pattern: string): { path: string; value: number }[] {
  const out: { path: string; value: number }[] = [];
  let paths: string[][];
  try {
    paths = expandPath(p, pattern);
  } catch {
    return out;
  }
  for (const path of paths) {
    const v = path.reduce<unknown>((n, k) => (n && typeof n === 'object' ? (n as Record<string, unknown>)[k] : undefined), p);
    const key = path.join('.');
    if (typeof v === 'number') out.push({ path: key, value: v });
    else if (v && typeof v === 'object' && 'dist' in v) {
      const spec = v as DurationSpec;
      out.push({ path: `${key}.mean`, value: spec.dist === 'empirical' ? compileDuration(spec).mean : spec.mean });
    }
  }
  return out;
}

/** The method-of-moments factor of a target from the observed data alone, if the data give one. */
function momFactor(def: TargetDef, plan: Plan, start: Parameters, obsOf: (kpi: string) => readonly Observation[]): number | undefined {
  const avg = (os: readonly Observation[]) => mean(os.map((o) => o.value));
  const common = (a: readonly Observation[], b: readonly Observation[]) => {
    const months = new Set(b.filter((o) => o.basis === 'month_count').map((o) => o.month));
    const aa = a.filter((o) => o.basis === 'month_count' && months.has(o.month));
    const bb = b.filter((o) => o.basis === 'month_count' && aa.some((x) => x.month === o.month));
    return aa.length > 0 ? avg(aa) / avg(bb) : undefined;
  };
  const pctWithin = (spec: DurationSpec, limit: number, pct: number): number | undefined => {
    const target = Math.min(0.995, Math.max(0.005, pct / 100));
    // factor f: P(D·f ≤ limit) = target, i.e. F(limit / f) = target; F decreases in f
    const F = (f: number) => compileDuration(spec).cdf(limit / f);
    let lo = def.bounds[0];
    let hi = def.bounds[1];
    if (F(lo) < target || F(hi) > target) return undefined;
    for (let i = 0; i < 60; i++) {
      const mid = Math.sqrt(lo * hi);
      if (F(mid) > target) lo = mid;
      else hi = mid;
    }
    return Math.sqrt(lo * hi);
  };
  const monthly = plan.obs.filter((o) => o.basis === 'month_pct');
  switch (def.id) {
    case 'assessment_duration':
      // counted within 45 working days: the rounded duration is at most 45
      return monthly.length > 0 ? pctWithin(start.assessment.durationWorkingDays, 45.5, avg(monthly)) : undefined;
    case 'icpc_timeliness':
      return monthly.length > 0 ? pctWithin(start.icpc.workingDaysFromStrategy, 15.5, avg(monthly)) : undefined;
    case 'referral_assessed': {
      const r = common(obsOf('assessments_completed'), obsOf('referrals'));
      return r !== undefined ? Math.min(0.99, r) / (1 - start.referrals.nfaProbability) : undefined;
    }
    case 'assessment_to_s47': {
      const r = common(obsOf('s47_started'), obsOf('assessments_completed'));
      return r !== undefined && start.assessment.outcomes.s47 > 0 ? r / start.assessment.outcomes.s47 : undefined;
    }
    case 's47_to_icpc': {
      const r = common(obsOf('icpc_held'), obsOf('s47_started'));
      return r !== undefined && start.s47.outcomes.icpc > 0 ? r / start.s47.outcomes.icpc : undefined;
    }
    case 'icpc_to_cp': {
      const r = common(obsOf('cp_starts'), obsOf('icpc_held'));
      return r !== undefined && start.icpc.cpPlanProbability > 0 ? Math.min(1, r) / start.icpc.cpPlanProbability : undefined;
    }
    case 'cp_duration': {
      // Little's law: mean length = plans open ÷ plans started a month
      const open = obsOf('cp_open').filter((o) => o.basis === 'month_end_stock');
      const flow = obsOf('cp_starts').filter((o) => o.basis === 'month_count');
      if (open.length === 0 || flow.length === 0) return undefined;
      const months = avg(open) / avg(flow);
      const m = compileDuration(start.cp.durationMonths).mean;
      return months > 0 && m > 0 ? months / m : undefined;
    }
    default:
      return undefined;
  }
}

/** Known differences between observed series and the engine's KPI of the same id. */
const DEFINITION_NOTES: Readonly<Record<string, string>> = {
  cin_plans_open: 'local CIN* series: children on CIN plans, the Children with Disabilities team left out',
};

/** Largest change of a factor in one refinement step (ln 1.5). */
const MAX_STEP = Math.log(1.5);

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Fits the base scenario's parameters to the observations in [from, to]. */
export async function fitToObserved(opts: FitOptions): Promise<FitResult> {
  const { base, from, to } = opts;
  const months = to - from + 1;
  if (months < 1) throw new RangeError(`the fitting window must end on or after it starts (${monthKey(from)} to ${monthKey(to)})`);
  const exclude = new Set(opts.exclude ?? []);
  const rebased = rebaseScenario(base, from, opts.observations, { lookBack: 0, lookAhead: 2, file: opts.file });
  const fitScenario = rebased.scenario;
  const probe = { startMonth: monthKey(from), months };
  // observations in the window the fitting run can compare
  const skipped: SkippedRow[] = [];
  const usable: Observation[] = [];
  for (const o of opts.observations) {
    if (o.month < from || o.month > to) {
      skipped.push({ line: o.line, kpi: o.kpi, period: o.period, basis: o.basis, kind: o.kind, reason: `outside the fitting window ${monthKey(from)} to ${monthKey(to)}` });
      continue;
    }
    if (!covers(probe, o.spec)) {
      skipped.push({ line: o.line, kpi: o.kpi, period: o.period, basis: o.basis, kind: o.kind, reason: `needs simulated months from ${monthKey(o.spec.first)}; the fitting run starts ${monthKey(from)}` });
      continue;
    }
    usable.push(o);
  }
  const obsOf = (kpi: string) => usable.filter((o) => o.kpi === kpi);

  // which series informs which target
  const plans: Plan[] = [];
  const unfitted: { target: string; paths: readonly string[]; reason: string }[] = [];
  for (const def of FIT_TARGETS) {
    const informant = def.informants.find((k) => !exclude.has(k) && obsOf(k).length > 0);
    if (!informant) {
      const why = def.informants.some((k) => exclude.has(k) && obsOf(k).length > 0) ? 'its series were excluded' : `no observed ${def.informants.join(' / ')} in the window`;
      unfitted.push({ target: def.id, paths: def.paths, reason: why });
      continue;
    }
    // one basis per moment: the one with most observations (other bases are compared only)
    const all = obsOf(informant);
    const byBasis = new Map<string, number>();
    for (const o of all) byBasis.set(o.basis, (byBasis.get(o.basis) ?? 0) + 1);
    const basis = [...byBasis].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    const obs = all.filter((o) => o.basis === basis);
    let upstream: Plan['upstream'];
    // a ratio moment for flows only (a conversion or an exit rate): a stock is fitted on its level
    const stockLike = ['month_end_stock', 'month_end_rate_per_10k'].includes(kpiDef(informant)?.basis ?? '');
    if (def.over && kpiDef(informant)?.unit !== 'pct' && !stockLike) {
      const up = def.over.find((k) => obsOf(k).some((u) => obs.some((o) => o.month === u.month && o.period === u.period)));
      if (up) upstream = { kpi: up, obs: obsOf(up).filter((u) => obs.some((o) => o.month === u.month && o.period === u.period)) };
    }
    plans.push({ def, informant, obs, upstream });
  }

  // method of moments
  const startFactors = new Map<string, number>();
  for (const plan of plans) {
    const f = momFactor(plan.def, plan, fitScenario.parameters, obsOf);
    if (f !== undefined && Number.isFinite(f) && f > 0) startFactors.set(plan.def.id, clamp(f, plan.def.bounds[0], plan.def.bounds[1]));
  }
  const startParams = apply(fitScenario.parameters, plans, (id) => startFactors.get(id) ?? 1);

  const maxIt = opts.iterations ?? 8;
  let evaluations = 0;
  const totalEvaluations = maxIt + 2;
  const evaluate = async (params: Parameters): Promise<KpiRun[]> => {
    const scenario = { ...fitScenario, parameters: params, interventions: fitScenario.interventions };
    const r = await runEnsemble([scenario], { runs: opts.runs, seed: opts.seed, months, workers: opts.workers });
    evaluations++;
    opts.onProgress?.(evaluations, totalEvaluations);
    return r.runs[0];
  };

  // refinement: x = ln(factor relative to the starting point)
  const x = new Map<string, number>(plans.map((p) => [p.def.id, 0]));
  const history: { x: Map<string, number>; g: Map<string, Moment>; runs: KpiRun[]; score: number }[] = [];
  const iterations: FitIteration[] = [];
  let converged = false;
  for (let it = 0; it <= maxIt; it++) {
    const params = apply(startParams, plans, (id) => Math.exp(x.get(id) ?? 0));
    const runs = await evaluate(params);
    const g = new Map<string, Moment>();
    let score = 0;
    let done = true;
    for (const plan of plans) {
      const m = momentOf(plan, runs);
      g.set(plan.def.id, m);
      // error in units of the tolerance: 1% of the observed moment or two Monte Carlo standard errors
      const e = Math.abs(m.simulated - m.observed) / Math.max(0.01 * Math.abs(m.observed), 2 * m.se, 1e-9);
      score += Number.isFinite(e) ? Math.min(e, 10) ** 2 : 100;
      if (!(e <= 1)) done = false;
    }
    history.push({ x: new Map(x), g, runs, score });
    iterations.push({
      iteration: it,
      factors: Object.fromEntries(plans.map((p) => [p.def.id, +((startFactors.get(p.def.id) ?? 1) * Math.exp(x.get(p.def.id)!)).toPrecision(6)])),
      moments: Object.fromEntries(plans.map((p) => [p.def.id, { simulated: g.get(p.def.id)!.simulated, observed: g.get(p.def.id)!.observed }])),
      score,
    });
    if (done) {
      converged = true;
      break;
    }
    if (it === maxIt) break;
    // secant step per target
    for (const plan of plans) {
      const id = plan.def.id;
      const m = g.get(id)!;
      if (!Number.isFinite(m.simulated) || !Number.isFinite(m.observed)) continue;
      const prior = elasticityOf(plan) * m.simulated;
      let slope = prior;
      const prev = history.length >= 2 ? history[history.length - 2] : undefined;
      if (prev) {
        const dx = x.get(id)! - prev.x.get(id)!;
        const dg = m.simulated - prev.g.get(id)!.simulated;
        if (Math.abs(dx) > 1e-9) {
          const s = dg / dx;
          // a secant polluted by other targets' moves can be tiny or of the wrong sign: keep it
          // within a factor 4 of the prior slope
          if (Math.sign(s) === Math.sign(prior)) slope = Math.sign(s) * clamp(Math.abs(s), 0.25 * Math.abs(prior), 4 * Math.abs(prior));
        }
      }
      if (!(Math.abs(slope) > 0)) continue;
      const step = clamp((0.8 * (m.observed - m.simulated)) / slope, -MAX_STEP, MAX_STEP);
      const f0 = startFactors.get(id) ?? 1;
      const lo = Math.log(plan.def.bounds[0] / f0);
      const hi = Math.log(plan.def.bounds[1] / f0);
      x.set(id, clamp(x.get(id)! + step, lo, hi));
    }
  }

  const best = converged ? history[history.length - 1] : history.reduce((a, b) => (b.score < a.score ? b : a));
  // each factor's standard error on the log scale: the observed moment's relative error over
  // d ln(moment) / d ln(factor)
  const logSe = new Map<string, number>();
  for (const plan of plans) {
    const id = plan.def.id;
    const basis = plan.obs[0].basis;
    const kind = basis === 'month_count' ? 'count' : basis === 'month_end_stock' ? 'stock' : 'other';
    const up = plan.upstream;
    const rel = up
      ? (() => {
          const pairs = plan.obs.map((o) => [o.value, up.obs.find((u) => u.month === o.month && u.period === o.period)?.value ?? NaN] as const).filter(([, u]) => Number.isFinite(u));
          return observedMomentRelSe(pairs.map(([v]) => v), kind, pairs.map(([, u]) => u));
        })()
      : observedMomentRelSe(plan.obs.map((o) => o.value), kind);
    // the prior elasticity: a secant from two noisy ensembles can be near 0 and blow the error up
    const e = elasticityOf(plan);
    const se = rel / Math.abs(e);
    if (Number.isFinite(se) && se > 0) logSe.set(id, Math.min(se, MAX_LOG_SE));
  }
  const fittedParams = apply(startParams, plans, (id) => Math.exp(best.x.get(id) ?? 0));
  const baseRuns = await evaluate(fitScenario.parameters);

  // the fit table: every observed series in the window
  const planOf = new Map<string, Plan>();
  for (const p of plans) planOf.set(p.informant, p);
  const groups = new Map<string, Observation[]>();
  for (const o of usable) {
    const key = `${o.kpi}\u0000${o.basis}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(o);
  }
  const series: FitSeries[] = [];
  for (const [, obs] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const fitted = simulatedMatrix(best.runs, obs);
    const based = simulatedMatrix(baseRuns, obs);
    const colMean = (mat: number[][], i: number) => mean(mat.map((row) => row[i]));
    const fittedByMonth = obs.map((_, i) => colMean(fitted, i));
    const baseByMonth = obs.map((_, i) => colMean(based, i));
    const observed = mean(obs.map((o) => o.value));
    const fittedMean = mean(fittedByMonth);
    const mape = mean(obs.map((o, i) => (o.value !== 0 ? (100 * Math.abs(fittedByMonth[i] - o.value)) / Math.abs(o.value) : NaN)));
    const plan = planOf.get(obs[0].kpi);
    const informs = plan && !exclude.has(obs[0].kpi) && plan.obs[0].basis === obs[0].basis ? plan : undefined;
    const opening = obs[0].basis === 'month_end_stock' ? rebased.opening.filter((s) => s.kpi === obs[0].kpi).map((s) => s.parameter) : [];
    const notes: string[] = [];
    if (DEFINITION_NOTES[obs[0].kpi]) notes.push(DEFINITION_NOTES[obs[0].kpi]);
    if (exclude.has(obs[0].kpi)) notes.push('excluded from fitting');
    else if (plan && plan.obs[0].basis !== obs[0].basis) notes.push(`compared only (${plan.informant} is fitted on its ${plan.obs[0].basis} series)`);
    if (opening.length > 0) notes.push(`sets ${opening.join(', ')} for the start`);
    if (plan?.upstream && informs) notes.push(`fitted as a ratio to ${plan.upstream.kpi}`);
    series.push({
      kpi: obs[0].kpi,
      basis: obs[0].basis,
      n: obs.length,
      observed,
      base: mean(baseByMonth),
      fitted: fittedMean,
      error: fittedMean - observed,
      errorPct: observed !== 0 ? (100 * (fittedMean - observed)) / Math.abs(observed) : NaN,
      mape,
      target: informs ? informs.def.id : '',
      informs: [...(informs ? informs.def.paths : []), ...opening],
      note: notes.join('; '),
    });
  }

  // parameter table
  const parameters: FitParameterRow[] = [];
  const informed = new Set<string>();
  for (const plan of plans) {
    const factor = (startFactors.get(plan.def.id) ?? 1) * Math.exp(best.x.get(plan.def.id) ?? 0);
    const [lo, hi] = plan.def.bounds;
    const note = factor <= lo * 1.0001 ? `at the lower bound (×${lo} of the base)` : factor >= hi * 0.9999 ? `at the upper bound (×${hi} of the base)` : '';
    for (const pattern of plan.def.paths) {
      const b = valuesAt(fitScenario.parameters, pattern);
      const s = valuesAt(startParams, pattern);
      const f = valuesAt(fittedParams, pattern);
      b.forEach((bv, i) => {
        const fittedValue = f[i]?.value ?? NaN;
        const ls = logSe.get(plan.def.id);
        parameters.push({ target: plan.def.id, path: bv.path, base: bv.value, start: s[i]?.value ?? NaN, fitted: fittedValue, se: ls !== undefined ? Math.abs(fittedValue) * ls : NaN, informedBy: plan.upstream ? `${plan.informant} ÷ ${plan.upstream.kpi}` : plan.informant, note });
        informed.add(bv.path.replace(/\.mean$/, ''));
      });
    }
  }
  for (const s of rebased.opening) informed.add(`opening.${s.parameter.replace(/^opening\./, '')}`);
  return {
    from: monthKey(from),
    to: monthKey(to),
    runs: opts.runs,
    seed: opts.seed,
    series,
    parameters,
    unfitted,
    notInformed: listNotInformed(base.parameters, informed),
    openingForFit: rebased.opening,
    iterations,
    converged,
    skipped,
    fittedParameters: fittedParams,
  };
}

/** The parameters with every planned target's factor applied (validated). */
function apply(params: Parameters, plans: readonly Plan[], factor: (id: string) => number): Parameters {
  const next = produce(params, (d) => {
    for (const p of plans) {
      const f = factor(p.def.id);
      if (f !== 1) p.def.scale(d, f);
    }
  });
  return parseParameters(next);
}

/**
 * The scenario with a fit's parameters labelled as fitted to observed series and their standard
 * errors kept for the ensembles' parameter draws (parameters set from `fit.fittedParameters`).
 */
export function withFitSources(s: Scenario, fit: FitResult): Scenario {
  return withSources(s, fit.parameters.map((p) => ({ path: p.path, source: 'observed' as const, se: p.se })));
}
