import { Command } from 'commander';
import { join } from 'node:path';
import { comparisonCsv, cumulativeDifferences, pairedDifferences, type CumulativeRow } from '../../ensemble/index.ts';
import { kpiDef, KPIS } from '../../projections/catalogue.ts';
import { formatNumber } from '../../projections/index.ts';
import { loadScenario } from '../../scenarios/index.ts';
import { writeFileAtomic } from '../../store/atomicFile.ts';
import { InputError } from '../../errors.ts';
import { addRunOptions, resolveRun, runWithProgress, shown, summariseAll, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, table } from '../terminal.ts';

interface CompareOptions extends RunOptions {
  baseline: string;
  scenario: string;
}

const HEADLINE_TABLE = ['contacts', 'referrals', 'cp_open', 'cla_starts', 'cla_open', 'cla_rate', 'placement_cost'];

function fmt(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return '–';
  if (unit === 'gbp') return `${v < 0 ? '-' : ''}£${Math.abs(Math.round(v)).toLocaleString('en-GB')}`;
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-GB') : formatNumber(Math.round(v * 10) / 10);
}

function totalsCsv(rows: readonly CumulativeRow[]): string {
  return ['measure,label,unit,p50,p5,p95', ...rows.map((r) => [r.id, JSON.stringify(r.label), r.unit, formatNumber(r.p50), formatNumber(r.p5), formatNumber(r.p95)].join(','))].join('\n') + '\n';
}

export function register(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Run a baseline and a scenario with common random numbers and report the paired differences')
    .requiredOption('--baseline <file>', 'baseline scenario JSON')
    .requiredOption('--scenario <file>', 'scenario JSON to compare with the baseline');
  addRunOptions(cmd, { out: 'out' })
    .addHelpText(
      'after',
      `
Both scenarios run with the same seeds, replication by replication, so the differences are due to
the scenario and not to noise. Writes to --out: kpis.csv and kpis.json (both scenarios),
comparison.csv (${'month,kpi,baseline_p50,scenario_p50,diff_p50,diff_p5,diff_p95,diff_pct'}),
comparison-totals.csv (children kept out of care, CP plans avoided, spend saved over the horizon)
and report.html.

Examples:
  $ caseflow compare --baseline scenarios/southampton-baseline.json --scenario scenarios/family-safeguarding.json
  $ caseflow compare --baseline scenarios/southampton-baseline.json --scenario scenarios/foster-carer-recruitment.json --runs 500 --months 36 --out out/fostering`,
    )
    .action(async (opts: CompareOptions) => {
      const baseline = loadScenario(opts.baseline);
      const scenario = loadScenario(opts.scenario);
      if (baseline.start !== scenario.start) {
        throw new InputError(`${opts.scenario}: start ${scenario.start} differs from the baseline's ${baseline.start}; paired comparison needs the same start month`);
      }
      if (baseline.name === scenario.name) throw new InputError(`${opts.scenario}: name "${scenario.name}" is the baseline's name too; give the scenario its own name`);
      const run = resolveRun(baseline, opts);
      const out = opts.out ?? 'out';
      if (!opts.quiet) process.stderr.write(`Comparing ${scenario.name} with ${baseline.name}: ${run.runs} paired replications × ${run.months} months from ${baseline.start}, seed ${run.seed}\n`);
      const result = await runWithProgress([baseline, scenario], run, { ...opts, label: 'paired replications' });
      const summaries = summariseAll([baseline, scenario], result);
      const paired = pairedDifferences(result.runs[0], result.runs[1]);
      const totals = cumulativeDifferences(result.runs[0], result.runs[1]);
      writeFileAtomic(join(out, 'comparison.csv'), comparisonCsv(paired));
      writeFileAtomic(join(out, 'comparison-totals.csv'), totalsCsv(totals));
      const files = await writeRunOutputs(out, [baseline, scenario], summaries, run, {
        report: opts.report !== false,
        baseline: baseline.name,
        title: `${scenario.name} against ${baseline.name}`,
        comparison: totals.map((t) => ({ kpi: t.id, label: t.label, total: t.p50, p5: t.p5, p95: t.p95, unit: t.unit })),
        extraMeta: { comparison: { baseline: baseline.name, scenario: scenario.name, totals } },
      });
      if (opts.quiet) return;
      const last = run.months - 1;
      const lastMonth = paired[last * KPIS.length]?.month;
      const rows: string[][] = [['KPI at ' + lastMonth, baseline.name, scenario.name, 'difference (p5 to p95)']];
      for (const id of HEADLINE_TABLE) {
        const r = paired.find((p) => p.kpi === id && p.month === lastMonth)!;
        const def = kpiDef(id)!;
        rows.push([def.label, fmt(r.baseline_p50, def.unit), fmt(r.scenario_p50, def.unit), `${fmt(r.diff_p50, def.unit)} (${fmt(r.diff_p5, def.unit)} to ${fmt(r.diff_p95, def.unit)})`]);
      }
      process.stdout.write('\n' + table(rows) + '\n\n');
      const trows = [[`Over ${run.months} months`, 'median', 'p5 to p95']];
      for (const t of totals) trows.push([t.label, fmt(t.p50, t.unit), `${fmt(t.p5, t.unit)} to ${fmt(t.p95, t.unit)}`]);
      process.stdout.write(table(trows) + '\n\n');
      process.stdout.write(`${paint('bold', 'Wrote')} ${[...files, join(out, 'comparison.csv'), join(out, 'comparison-totals.csv')].map(shown).join(', ')}\n`);
      const report = files.find((f) => f.endsWith('report.html'));
      if (report) process.stdout.write(`Open the report: ${paint('cyan', shown(report))}\n`);
    });
}
