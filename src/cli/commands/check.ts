/**
 * `caseflow check`: reruns a scenario and compares it with a stored kpis.csv (exit 0: nothing
 * moved; exit 1: a table of what moved); `--update` rewrites the stored file.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import {
  compareExact,
  compareStatistical,
  goldenRunPath,
  kpisCsvText,
  movedCsv,
  readGoldenRun,
  type CheckResult,
  type GoldenRun,
  type MovedRow,
} from '../../calibration/index.ts';
import { formatNumber } from '../../projections/index.ts';
import { readKpisCsv } from '../../node/kpiOutputs.ts';
import { loadScenario } from '../../node/scenarioLoader.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { VERSION } from '../../version.ts';
import { CheckFailed, InputError } from '../../errors.ts';
import { finiteNumber } from '../options.ts';
import { addRunOptions, commandLine, resolveRun, runWithProgress, shown, summariseAll, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, table } from '../terminal.ts';
import { plain } from '../format.ts';

interface CheckOptions extends RunOptions {
  scenario: string;
  golden: string;
  mode: 'exact' | 'statistical';
  tolerance: number;
  alpha: number;
  update?: boolean;
}

/** KPIs shown on the terminal; the full list goes to --out (moved.csv). */
const SHOWN = 60;

/** One line per KPI that moved: its largest change (relative where the golden value is not 0), and how many of its values moved. */
function movedTable(rows: readonly MovedRow[]): string {
  const size = (r: MovedRow) => (Number.isFinite(r.changePct) ? Math.abs(r.changePct) : Number.isFinite(r.change) ? Math.abs(r.change) : Infinity);
  const byKpi = new Map<string, { worst: MovedRow; n: number }>();
  for (const r of rows) {
    const e = byKpi.get(r.kpi);
    if (!e) byKpi.set(r.kpi, { worst: r, n: 1 });
    else {
      e.n++;
      if (size(r) > size(e.worst)) e.worst = r;
    }
  }
  const t = [['KPI', 'month', 'statistic', 'golden', 'now', 'change', 'change %', 'values moved']];
  const entries = [...byKpi.values()];
  for (const { worst: r, n } of entries.slice(0, SHOWN)) {
    t.push([r.kpi, r.month, r.statistic, plain(r.golden), plain(r.now), plain(r.change), Number.isFinite(r.changePct) ? formatNumber(Math.round(r.changePct * 100) / 100) : '–', String(n)]);
  }
  return table(t) + (entries.length > SHOWN ? `\n… and ${entries.length - SHOWN} more KPIs` : '');
}

export function register(program: Command): void {
  const cmd = program
    .command('check')
    .description('Regression check: rerun a scenario and compare its KPIs with a stored kpis.csv')
    .requiredOption('--scenario <file>', 'scenario JSON')
    .requiredOption('--golden <kpis.csv>', 'stored KPIs to compare with (kpis.csv format); its run settings are read from <name>.run.json beside it')
    .addOption(new Option('--mode <mode>', 'exact: every statistic as stored (same seed and code); statistical: medians (means where a median sits on a point mass) against the ensembles’ spread').choices(['exact', 'statistical']).default('exact'))
    .option('--tolerance <pct>', 'allowed relative change in % (exact mode: of each statistic; statistical mode: a floor under the noise threshold)', finiteNumber('--tolerance'), 0)
    .option('--alpha <p>', 'statistical mode: false-alarm probability over all KPIs and months compared', finiteNumber('--alpha'), 0.01)
    .option('--update', 'rewrite the golden file (and its .run.json) from this run instead of comparing');
  addRunOptions(cmd)
    .addHelpText(
      'after',
      `
--seed, --runs and --months default to the golden file's run settings (<name>.run.json beside
it, written by --update; or the meta of a kpis.json beside a kpis.csv written by simulate), then
to the scenario's. With the same settings and code the exact comparison is byte-exact. When a
change makes seeds incomparable (new random draws), use --mode statistical: each month's median
must stay within the ensembles' own noise (standard error of a median from the p5–p95 spread,
Bonferroni over every KPI and month at --alpha), so use enough runs (20 or more).

Exit codes: 0 nothing moved (or --update); 1 something moved (the table shows KPI, month,
statistic, golden, now and change; --out also gets moved.csv and the rerun's kpis.csv);
2 bad input.

Examples:
  $ caseflow check --scenario scenarios/southampton-baseline.json --golden scenarios/golden/southampton-baseline.kpis.csv
  $ caseflow check --scenario scenarios/southampton-baseline.json --golden scenarios/golden/southampton-baseline.kpis.csv --update
  $ caseflow check --scenario scenarios/family-safeguarding.json --golden out/fs/kpis.csv --mode statistical --runs 50 --seed 99
  $ caseflow check --scenario scenarios/southampton-baseline.json --golden out/base/kpis.csv --tolerance 0.5 --out out/check`,
    )
    .action(async (opts: CheckOptions) => {
      const scenario = loadScenario(opts.scenario);
      if (!/\.csv$/i.test(opts.golden)) throw new InputError(`--golden must name a .csv file (got "${opts.golden}")`);
      if (!(opts.tolerance >= 0)) throw new InputError(`--tolerance must be 0 or more (got ${opts.tolerance})`);
      if (!(opts.alpha > 0 && opts.alpha < 1)) throw new InputError(`--alpha must be between 0 and 1 (got ${opts.alpha})`);
      const exists = existsSync(opts.golden);
      if (!exists && !opts.update) throw new InputError(`${opts.golden}: golden file not found (create it with --update)`);
      const stored = exists ? readGoldenRun(opts.golden) : undefined;
      const run = resolveRun(scenario, { seed: opts.seed ?? stored?.seed, runs: opts.runs ?? stored?.runs, months: opts.months ?? stored?.months });
      const golden = exists && !opts.update ? readKpisCsv(opts.golden) : undefined;
      if (golden && golden.length === 0) throw new InputError(`${opts.golden}: no rows`);
      if (!opts.quiet) {
        const differs = stored && opts.mode === 'exact' && (stored.seed !== undefined && stored.seed !== run.seed || stored.runs !== undefined && stored.runs !== run.runs || stored.months !== undefined && stored.months !== run.months);
        process.stderr.write(`Checking ${scenario.name}: ${run.runs} replication${run.runs === 1 ? '' : 's'} × ${run.months} months from ${scenario.start}, seed ${run.seed}${stored ? ` (settings from ${shown(stored.from)})` : ''}\n`);
        if (differs) process.stderr.write(paint('yellow', `note: these settings differ from the golden file's (seed ${stored!.seed}, runs ${stored!.runs}, months ${stored!.months}); an exact comparison will show changes`, 'err') + '\n');
      }
      const result = await runWithProgress([scenario], run, { ...opts, label: 'replications' });
      const summary = summariseAll([scenario], result)[0];

      if (opts.update) {
        writeFileAtomic(opts.golden, kpisCsvText([summary]));
        const meta: GoldenRun = { format: 'caseflow-golden-run', engineVersion: VERSION, command: commandLine(), scenario: scenario.name, startMonth: scenario.start, seed: run.seed, runs: run.runs, months: run.months };
        writeFileAtomic(goldenRunPath(opts.golden), JSON.stringify(meta, null, 2) + '\n');
        if (!opts.quiet) process.stdout.write(`${paint('bold', 'Updated')} ${shown(resolve(opts.golden))} and ${shown(resolve(goldenRunPath(opts.golden)))} (${scenario.name}, seed ${run.seed}, ${run.runs} runs, ${run.months} months)\n`);
        return;
      }

      let res: CheckResult;
      if (opts.mode === 'exact') res = compareExact(opts.golden, golden!, summary, opts.tolerance);
      else res = compareStatistical(opts.golden, golden!, summary, { goldenRuns: stored?.runs ?? run.runs, alpha: opts.alpha, tolerancePct: opts.tolerance });

      if (opts.out) {
        const files = [join(opts.out, 'moved.csv')];
        writeFileAtomic(files[0], movedCsv(res.moved));
        files.push(...(await writeRunOutputs(opts.out, [scenario], [summary], run, { report: opts.report !== false, title: `Check: ${scenario.name}` })));
        if (!opts.quiet) process.stdout.write(`${paint('bold', 'Wrote')} ${files.map(shown).join(', ')}\n`);
      }
      if (res.moved.length === 0) {
        if (!opts.quiet) process.stdout.write(`${paint('green', 'ok')}: ${res.compared.toLocaleString('en-GB')} values of ${scenario.name} match ${shown(resolve(opts.golden))} (${res.mode}${opts.tolerance > 0 ? `, tolerance ${opts.tolerance}%` : ''})\n`);
        return;
      }
      const kpis = new Set(res.moved.map((r) => r.kpi));
      process.stdout.write(`${paint('red', 'moved')}: ${res.moved.length} of ${res.compared.toLocaleString('en-GB')} values (${kpis.size} KPI${kpis.size === 1 ? '' : 's'}) differ from ${shown(resolve(opts.golden))} (${res.mode}${opts.tolerance > 0 ? `, tolerance ${opts.tolerance}%` : ''})\n\n${movedTable(res.moved)}\n`);
      throw new CheckFailed(`${res.moved.length} value${res.moved.length === 1 ? '' : 's'} moved in ${kpis.size} KPI${kpis.size === 1 ? '' : 's'} (${[...kpis].slice(0, 5).join(', ')}${kpis.size > 5 ? ', …' : ''}); rerun with --update to accept`);
    });
}
