/**
 * `caseflow backtest --events …` and `caseflow backtest --observed … --every …`: rolling-origin
 * back-tests with the naive and Markov benchmarks, scored per KPI and horizon.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { isoDate, lastDayOfMonth, monthIndexOfIso, monthKey, parseMonth } from '../../calendar/index.ts';
import {
  ALL_KPIS,
  bandSource,
  calibrationFrom,
  MIN_SCORES,
  scenarioTextWithBands,
  estimatedScenario,
  sequentialCalibration,
  fitToObserved,
  historyStart,
  originsCsv,
  readObserved,
  rebaseScenario,
  rollingEventBacktest,
  rollingObservedBacktest,
  scoreForecasts,
  scoresCsv,
  withParameters,
  withObservedTrend,
  withFitSources,
  chooseTrend,
  trendCriterion,
  TREND_CRITERION,
  TREND_CRITERION_OBSERVED,
  assertSomeObservations,
  defaultWindow,
  observedSegments,
  type ForecastScore,
  type OriginForecast,
  type OriginStep,
  type TrendKind,
} from '../../calibration/index.ts';
import { runEnsemble } from '../../ensemble/index.ts';
import type { CaseEvent } from '../../events/index.ts';
import { formatNumber } from '../../projections/index.ts';
import type { KpiRun } from '../../projections/types.ts';
import { compareGlobal } from '../../returns/assemble.ts';
import { openingFromEvents } from '../../returns/opening.ts';
import { SHIPPED, loadScenario } from '../../node/scenarioLoader.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { readNdjsonEvents } from '../../node/ndjson.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { LogFormatError } from '../../store/types.ts';
import { VERSION } from '../../version.ts';
import { InputError } from '../../errors.ts';
import { commandLine, eventLogSize, shown, summariseAll, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, table, warn } from '../terminal.ts';
import type { ReportBacktest } from '../../report/types.ts';

export interface RollingOptions extends RunOptions {
  scenario?: string;
  observed?: string;
  events?: string[];
  every?: OriginStep;
  horizons?: number[];
  historyFrom?: string;
  to?: string;
  minHistory?: number;
  referenceMonths?: number;
  fitRuns?: number;
  fitIterations?: number;
  population?: number;
  prefer?: string;
  trend?: string[];
  bandsInto?: string;
}

/** The national-rates scenario shipped with the package: the default base for an event history. */
export const DEFAULT_EVENTS_BASE = join(SHIPPED, 'england-per-10k.json');

export const TREND_OPTIONS = ['none', 'linear', 'damped'] as const;

export function parseTrends(v: string): string[] {
  const xs = v === 'all' ? [...TREND_OPTIONS] : [...new Set(v.split(',').map((s) => s.trim()))];
  for (const x of xs) if (!(TREND_OPTIONS as readonly string[]).includes(x)) throw new InputError(`--trend: "${x}" is not a trend (${TREND_OPTIONS.join(', ')}, or all)`);
  return xs;
}

export function parseHorizons(v: string): number[] {
  const xs = v.split(',').map((s) => s.trim());
  if (xs.length === 0 || xs.some((s) => !/^\d+$/.test(s) || Number(s) < 1 || Number(s) > 120)) throw new InputError(`--horizons must be months from 1 to 120 separated by commas (got "${v}")`);
  return [...new Set(xs.map(Number))].sort((a, b) => a - b);
}

/** `label=path` or `path` (labelled by its folder, or its file name). */
function labelled(spec: string): { label: string; file: string } {
  const eq = spec.indexOf('=');
  if (eq > 0 && !spec.slice(0, eq).includes('/')) {
    if (eq === spec.length - 1) throw new InputError(`--events ${spec}: no events file after "${spec.slice(0, eq)}="`);
    return { label: spec.slice(0, eq), file: spec.slice(eq + 1) };
  }
  const dir = basename(dirname(resolve(spec)));
  return { label: basename(spec).replace(/\.ndjson$/i, '') === 'events' ? dir : basename(spec).replace(/\.ndjson$/i, ''), file: spec };
}

export function readLog(file: string): CaseEvent[] {
  eventLogSize(file);
  try {
    const events = [...readNdjsonEvents(file, { validate: 'full', onWarning: warn })];
    // projections need events in date order across children
    return events.sort(compareGlobal);
  } catch (err) {
    if (err instanceof LogFormatError) throw new InputError(err.message);
    throw err;
  }
}

const f1 = (x: number) => (Number.isFinite(x) ? formatNumber(Math.round(x * 10) / 10) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? formatNumber(Math.round(x * 100) / 100) : '–');

function summaryTable(scores: readonly ForecastScore[], kpis: readonly string[]): string {
  const rows = [['source', 'KPI', 'months ahead', 'origins', 'MAPE %', 'naive MAPE %', 'Markov MAPE %', 'MASE vs naive', 'MASE vs Markov', 'in p5–p95 %', 'in p25–p75 %']];
  for (const s of scores) {
    if (!kpis.includes(s.kpi) && s.kpi !== ALL_KPIS) continue;
    rows.push([s.source, s.kpi, String(s.horizon), String(s.n), f1(s.mape), f1(s.mapeNaive), f1(s.mapeMarkov), f2(s.maseNaive), f2(s.maseMarkov), f1(s.in90), f1(s.in50)]);
  }
  return table(rows);
}

/** Coverage of p5–p95 over every origin, horizon and KPI. */
export function overallCoverage(rows: readonly OriginForecast[]): { in90: number; in50: number; in90Model: number; n: number } {
  const ok = rows.filter((r) => Number.isFinite(r.actual) && Number.isFinite(r.p5) && Number.isFinite(r.p95));
  const in90 = ok.filter((r) => r.actual >= r.p5 && r.actual <= r.p95).length;
  const in50 = ok.filter((r) => r.actual >= r.p25 && r.actual <= r.p75).length;
  const in90Model = ok.filter((r) => r.actual >= (r.model?.p5 ?? r.p5) && r.actual <= (r.model?.p95 ?? r.p95)).length;
  const pct = (k: number) => (ok.length ? (100 * k) / ok.length : NaN);
  return { in90: pct(in90), in50: pct(in50), in90Model: pct(in90Model), n: ok.length };
}

/** Writes the one projection's band factors into a scenario file, which must load back. */
function writeBandsInto(file: string, forwards: readonly Forward[]): void {
  if (forwards.length !== 1) throw new InputError(`--bands-into takes the factors of one history or series (this back-test has ${forwards.length})`);
  const bands = forwards[0].scenario.bands;
  if (!bands) throw new InputError(`--bands-into ${file}: too few forecasts (10 at a horizon at least) to calibrate bands on`);
  loadScenario(file);
  const text = readFileSync(file, 'utf8');
  writeFileAtomic(file, scenarioTextWithBands(text, bands));
  try {
    loadScenario(file);
  } catch (err) {
    writeFileAtomic(file, text);
    throw err;
  }
}

interface Forward {
  scenario: Scenario;
  run: KpiRun[];
}

export async function runRolling(opts: RollingOptions): Promise<void> {
  const out = opts.out ?? 'out/backtest';
  const horizons = opts.horizons ?? [3, 6, 12, 24];
  const runs = opts.runs ?? 20;
  const quiet = opts.quiet;
  const rows: OriginForecast[] = [];
  const sources: Record<string, unknown>[] = [];
  const actuals: { source: string; first: string; run: KpiRun }[] = [];
  const forwards: Forward[] = [];
  let chosenTrend: string | undefined;
  let trendChoice: ReportBacktest['trend'];
  let base: Scenario;
  const months = horizons[horizons.length - 1];
  const seedOf = (s: Scenario) => opts.seed ?? s.seed;
  if (opts.bandsInto !== undefined) {
    if ((opts.events?.length ?? 0) > 1) throw new InputError(`--bands-into takes the factors of one history or series (this back-test has ${opts.events!.length})`);
    loadScenario(opts.bandsInto); // a file that would not load is refused before the work
  }
  // each origin's ensemble is small: worker threads would cost more to start than they save
  opts = { ...opts, workers: opts.workers ?? 1 };

  if (opts.events && opts.events.length > 0) {
    base = loadScenario(opts.scenario ?? DEFAULT_EVENTS_BASE);
    if (opts.population !== undefined) base = { ...base, population: opts.population };
    // as calibrate --events without --base: a history alone says nothing of population growth
    if (!opts.scenario) base = { ...base, parameters: { ...base.parameters, population: { growthPctPerYear: 0 } } };
    const trends = opts.trend ?? ['none'];
    const logs = opts.events.map((spec) => {
      const { label, file } = labelled(spec);
      const events = readLog(file);
      if (events.length === 0) throw new InputError(`${file}: no events`);
      const perMonth = new Map<number, number>();
      for (const e of events) perMonth.set(monthIndexOfIso(e.date), (perMonth.get(monthIndexOfIso(e.date)) ?? 0) + 1);
      const last = opts.to !== undefined ? parseMonth(opts.to) : Math.max(...perMonth.keys());
      const first = opts.historyFrom !== undefined ? parseMonth(opts.historyFrom) : historyStart(perMonth, last);
      if (first > last) throw new InputError(`--history-from ${monthKey(first)} is after the history's last month ${monthKey(last)}`);
      return { label, file, events, first, last };
    });
    // every trend option on the same origins; the best by the criterion is kept
    const byTrend = new Map<string, OriginForecast[]>();
    const extraByTrend = new Map<string, OriginForecast[]>();
    for (const trend of trends) {
      const these: OriginForecast[] = [];
      for (const { label, file, events, first, last } of logs) {
        if (!quiet) process.stderr.write(`Back-testing ${label} (${shown(resolve(file))}, ${monthKey(first)} to ${monthKey(last)}${trends.length > 1 ? `, trend ${trend}` : ''}): ${runs} replications at each origin\n`);
        const res = await rollingEventBacktest({
          events,
          base,
          source: label,
          horizons,
          every: opts.every ?? 'quarter',
          referenceMonths: opts.referenceMonths,
          minHistory: opts.minHistory,
          first,
          last,
          runs,
          seed: seedOf(base),
          workers: opts.workers,
          model: { trend },
          onOrigin: (d, n, o) => void (!quiet && process.stderr.write(`  ${label}: origin ${o} (${d}/${n})\n`)),
        });
        if (res.origins.length === 0) throw new InputError(`${file}: no origin fits between ${monthKey(first)} and ${monthKey(last)} with ${opts.minHistory ?? 12} months of history and ${horizons[0]} months ahead`);
        these.push(...res.rows);
        extraByTrend.set(trend, [...(extraByTrend.get(trend) ?? []), ...res.extra]);
        if (trend === trends[0]) {
          actuals.push({ source: label, first: res.first, run: res.actual });
          sources.push({ source: label, file: relative(process.cwd(), resolve(file)), first: res.first, last: res.last, origins: res.origins });
        }
      }
      byTrend.set(trend, these);
    }
    const options = trends.map((t) => ({ trend: t, score: trendCriterion(byTrend.get(t)!), in90: overallCoverage(byTrend.get(t)!).in90 }));
    const best = chooseTrend(options);
    chosenTrend = best.trend;
    if (trends.length > 1) trendChoice = { chosen: best.trend, criterion: TREND_CRITERION, options };
    const chosen = byTrend.get(best.trend)!;
    const chosenExtra = extraByTrend.get(best.trend) ?? [];
    rows.push(...sequentialCalibration(chosen, MIN_SCORES, chosenExtra));
    for (const { label, events, first, last } of logs) {
      // the projection a council would use now: estimated from the whole history, from the children
      // open at its end, with bands calibrated on every forecast of its back-test
      const asAt = isoDate(lastDayOfMonth(last));
      const own = chosen.filter((r) => r.source === label);
      const bands = calibrationFrom([...own, ...chosenExtra.filter((r) => r.source === label)], bandSource(label, own));
      const scenario = { ...estimatedScenario(base, events.filter((e) => e.date <= asAt), { from: Math.max(first, last - (opts.referenceMonths ?? 36) + 1), to: last }, { trend: chosenTrend }), name: label, start: monthKey(last + 1), ...(bands ? { bands } : {}) };
      const ens = await runEnsemble([scenario], { runs, seed: seedOf(base), months, workers: opts.workers, opening: openingFromEvents(events, asAt) });
      forwards.push({ scenario, run: ens.runs[0] });
    }
  } else {
    if (!opts.scenario) throw new InputError('a rolling back-test on observed series needs --scenario <file> (the base fitted at each origin)');
    if (!opts.observed) throw new InputError('backtest needs --observed <csv> or --events <events.ndjson>');
    base = loadScenario(opts.scenario);
    if (opts.population !== undefined) base = { ...base, population: opts.population };
    const prefer = opts.prefer?.split(',').map((s) => s.trim()).filter(Boolean);
    const read = readObserved(opts.observed, { prefer });
    assertSomeObservations(read);
    const label = basename(opts.observed).replace(/\.csv$/i, '');
    const segments = observedSegments(read.observations.filter((o) => o.kind === 'actual'));
    if (!quiet) process.stderr.write(`Back-testing ${base.name} on ${shown(resolve(opts.observed))} (observed ${segments.map(([a, b]) => `${monthKey(a)} to ${monthKey(b)}`).join(', ')}): a fit of ${opts.fitRuns ?? 8} replications and ${runs} replications at each origin\n`);
    const trends = (opts.trend ?? ['none']) as TrendKind[];
    const res = await rollingObservedBacktest({
      observations: read.observations,
      base,
      source: label,
      horizons,
      every: opts.every ?? 'quarter',
      minHistory: opts.minHistory,
      runs,
      fitRuns: opts.fitRuns,
      fitIterations: opts.fitIterations,
      trends,
      seed: seedOf(base),
      workers: opts.workers,
      file: opts.scenario,
      onOrigin: (d, n, o) => void (!quiet && process.stderr.write(`  origin ${o} (${d}/${n})\n`)),
    });
    if (res.origins.length === 0) throw new InputError(`${opts.observed}: no origin fits inside the observed months (${res.segments.join(', ')}) with ${opts.minHistory ?? 3} months before it and ${horizons[0]} months ahead`);
    const options = trends.map((t) => ({ trend: t as string, score: trendCriterion(res.byTrend.get(t)!.rows, 'all'), in90: overallCoverage(res.byTrend.get(t)!.rows).in90 }));
    const best = chooseTrend(options);
    chosenTrend = best.trend;
    if (trends.length > 1) trendChoice = { chosen: best.trend, criterion: TREND_CRITERION_OBSERVED, options };
    const chosen = res.byTrend.get(best.trend as TrendKind)!;
    rows.push(...sequentialCalibration(chosen.rows, MIN_SCORES, chosen.extra));
    sources.push({ source: label, file: relative(process.cwd(), resolve(opts.observed)), segments: res.segments, origins: res.origins });
    const bands = calibrationFrom([...chosen.rows, ...chosen.extra], bandSource(label, chosen.rows));
    // the projection from the last observed month, fitted to the unbroken run that ends there
    const obs = read.observations.filter((o) => o.kind === 'actual');
    const w = defaultWindow(obs)!;
    const fit = await fitToObserved({ base, observations: obs, from: w.from, to: w.to, runs: opts.fitRuns ?? 8, seed: seedOf(base), workers: opts.workers, iterations: opts.fitIterations ?? 2, file: opts.scenario });
    const rebased = rebaseScenario(withFitSources(withParameters(base, fit.fittedParameters, base.name, base.description), fit), w.to + 1, obs, { lookBack: 2, file: opts.scenario }).scenario;
    const trended = withObservedTrend(rebased, obs.filter((o) => o.month >= w.from), w.to, chosenTrend as TrendKind);
    const scenario = { ...trended.scenario, name: `${base.name} fitted to ${monthKey(w.from)}–${monthKey(w.to)}`, ...(bands ? { bands } : {}) };
    const ens = await runEnsemble([scenario], { runs, seed: seedOf(base), months, workers: opts.workers });
    forwards.push({ scenario, run: ens.runs[0] });
  }

  if (opts.bandsInto !== undefined) writeBandsInto(opts.bandsInto, forwards);
  const scores = scoreForecasts(rows);
  const cover = overallCoverage(rows);
  const files = [join(out, 'backtest-origins.csv'), join(out, 'backtest-scores.csv'), join(out, 'backtest.json')];
  writeFileAtomic(files[0], originsCsv(rows));
  writeFileAtomic(files[1], scoresCsv(scores));
  const json = {
    format: 'caseflow-backtest-rolling',
    engineVersion: VERSION,
    command: commandLine(),
    base: { name: base.name, file: opts.scenario ? relative(process.cwd(), resolve(opts.scenario)) : relative(process.cwd(), DEFAULT_EVENTS_BASE) },
    every: opts.every ?? 'quarter',
    horizons,
    runs,
    seed: seedOf(base),
    sources,
    coverage: cover,
    trend: trendChoice ?? (chosenTrend !== undefined ? { chosen: chosenTrend, criterion: 'given', options: [] } : null),
    scores,
  };
  writeFileAtomic(files[2], JSON.stringify(json, null, 2) + '\n');

  // report: the projection from the end of each history, and the back-test beside it
  const start = forwards[0].scenario.start;
  const shownForwards = forwards.filter((f) => f.scenario.start === start);
  const backtest: ReportBacktest = {
    kind: opts.events && opts.events.length > 0 ? 'events' : 'observed',
    every: opts.every ?? 'quarter',
    horizons,
    runs,
    scores,
    origins: rows,
    actual: actuals.map((a) => ({ source: a.source, first: a.first, values: Object.fromEntries(['cla_open', 'cla_starts', 'cla_ends', 'uasc_open'].map((k) => [k, Array.from(a.run.values[k] ?? [])])) })),
    coverage: cover,
    trend: trendChoice,
  };
  if (trendChoice) writeFileAtomic(join(out, 'backtest-trend.csv'), ['trend,criterion,in_p5_p95_pct', ...trendChoice.options.map((o) => `${o.trend},${formatNumber(o.score)},${formatNumber(o.in90)}`)].join('\n') + '\n');
  const scenarios = shownForwards.map((f) => f.scenario);
  const summaries = summariseAll(scenarios, { runs: shownForwards.map((f) => f.run), events: shownForwards.map(() => 0) });
  files.push(
    ...(await writeRunOutputs(out, scenarios, summaries, { seed: seedOf(base), runs, months }, {
      report: opts.report !== false,
      title: `Back-test and projection: ${scenarios.map((s) => s.name).join(', ')}`,
      extraMeta: { backtest: { sources, every: opts.every ?? 'quarter', horizons } },
      backtest,
    })),
  );

  if (!quiet) {
    const kpis = ['cla_open', 'cla_starts', 'cla_ends', 'uasc_open'].concat(rows.some((r) => r.source === sources[0].source && !r.kpi.startsWith('cla_') && r.kpi !== 'uasc_open') ? [...new Set(rows.map((r) => r.kpi))] : []);
    process.stdout.write(`\n${paint('bold', 'Rolling-origin back-test')}: ${rows.length} forecasts (origin × months ahead × KPI), ${runs} replications each\n\n${summaryTable(scores, kpis)}\n`);
    if (trendChoice) process.stdout.write(`\nTrend in arrival rates chosen by back-test: ${paint('bold', trendChoice.chosen)} (${trendChoice.options.map((o) => `${o.trend} ${f2(o.score)}`).join(', ')}; ${trendChoice.criterion}, lower is better)\n`);
    process.stdout.write(`\nActuals inside the calibrated p5–p95 over every origin, horizon and KPI: ${f1(cover.in90)}% (p25–p75: ${f1(cover.in50)}%) of ${cover.n}; inside the ensemble's own p5–p95: ${f1(cover.in90Model)}%\n`);
    process.stdout.write(`${paint('bold', 'Wrote')} ${files.map(shown).join(', ')}\n`);
  }
}
