import { Command } from 'commander';
import { join } from 'node:path';
import { comparisonCsv, cumulativeDifferences, pairedDifferences, totalsCsv, type CumulativeRow } from '../../ensemble/index.ts';
import { kpiDef, KPIS } from '../../projections/catalogue.ts';

import { compoundEffects, effectsCsv, moneyCsv, MONEY_LABELS, netSavings, type EffectRow, type MoneyRow } from '../../ensemble/netSavings.ts';
import { loadScenario } from '../../node/scenarioLoader.ts';
import type { Scenario } from '../../scenarios/index.ts';
import { writeFileAtomic } from '../../node/atomicFile.ts';
import { InputError } from '../../errors.ts';
import { addRunOptions, resolveRun, runWithProgress, shown, summariseAll, warnNationalDefaults, writeRunOutputs, type RunOptions } from '../run.ts';
import { paint, table } from '../terminal.ts';
import { headline, signedPct } from '../format.ts';

interface CompareOptions extends RunOptions {
  baseline: string;
  scenario: string;
}

const HEADLINE_TABLE = ['contacts', 'referrals', 'cp_open', 'cla_starts', 'cla_open', 'cla_rate', 'placement_cost'];

/** The scenario's interventions that the baseline does not have (compared by content). */
export function addedInterventions(baseline: Scenario, scenario: Scenario): Scenario['interventions'] {
  const have = new Set(baseline.interventions.map((iv) => JSON.stringify(iv)));
  return scenario.interventions.filter((iv) => !have.has(JSON.stringify(iv)));
}

/** One arm per added intervention when there are several: the scenario with only that one added. */
function singleArms(baseline: Scenario, scenario: Scenario, added: Scenario['interventions']): Scenario[] {
  if (added.length < 2) return [];
  const common = scenario.interventions.filter((iv) => !added.includes(iv));
  return added.map((iv, i) => ({ ...scenario, name: `${scenario.name} [${i + 1}: ${iv.name}]`, interventions: [...common, iv] }));
}

function effectTable(rows: readonly EffectRow[]): string {
  const periods = [...new Set(rows.map((r) => r.period))];
  const out: string[][] = [['KPI (flows: year total; stocks: year end)', ...periods]];
  for (const kpi of [...new Set(rows.map((r) => r.kpi))]) {
    out.push([kpiDef(kpi)?.label ?? kpi, ...periods.map((p) => signedPct(rows.find((r) => r.kpi === kpi && r.period === p)!.p50))]);
  }
  return table(out);
}

function moneyTable(rows: readonly MoneyRow[]): string {
  const out: string[][] = [['Money (median; p5 to p95)', 'period', ...Object.values(MONEY_LABELS)]];
  for (const basis of ['year', 'cumulative'] as const) {
    for (const period of [...new Set(rows.map((r) => r.period))]) {
      const cells = (['gross_savings', 'programme_cost', 'net_savings'] as const).map((m) => {
        const r = rows.find((x) => x.basis === basis && x.period === period && x.measure === m)!;
        return r.p5 === r.p95 ? headline(r.p50, 'gbp') : `${headline(r.p50, 'gbp')} (${headline(r.p5, 'gbp')} to ${headline(r.p95, 'gbp')})`;
      });
      const r0 = rows.find((x) => x.basis === basis && x.period === period)!;
      out.push([basis === 'year' ? period : `to end of ${period}`, `${r0.first} to ${r0.last}`, ...cells]);
    }
  }
  return table(out);
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
comparison-totals.csv (children kept out of care, CP plans avoided, spend saved, programme cost and
net savings over the horizon), comparison-costs.csv (gross savings, programme cost and net savings
per projection year and cumulatively, with p5 and p95), comparison-effects.csv (each added
intervention's compound effect on the headline KPIs, % per projection year) and report.html.
When the scenario adds several interventions, each also runs alone on top of the baseline so that
its own compound effect is shown.

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
      const added = addedInterventions(baseline, scenario);
      const singles = singleArms(baseline, scenario, added);
      warnNationalDefaults([baseline, scenario], opts.quiet);
      const result = await runWithProgress([baseline, scenario, ...singles], run, { ...opts, label: 'paired replications' });
      const summaries = summariseAll([baseline, scenario], result);
      const paired = pairedDifferences(result.runs[0], result.runs[1]);
      const money = netSavings(result.runs[0], result.runs[1], baseline.interventions, scenario.interventions);
      const moneyEnd = (m: MoneyRow['measure']) => money.filter((r) => r.basis === 'cumulative' && r.measure === m).at(-1)!;
      const totals: CumulativeRow[] = [...cumulativeDifferences(result.runs[0], result.runs[1])];
      for (const m of ['programme_cost', 'net_savings'] as const) {
        const r = moneyEnd(m);
        totals.push({ id: m, label: `${MONEY_LABELS[m]} (£)`, unit: 'gbp', p50: r.p50, p5: r.p5, p95: r.p95 });
      }
      const effects =
        singles.length > 0
          ? singles.map((arm, i) => ({ name: added[i].name, rows: compoundEffects(result.runs[0], result.runs[2 + i]) }))
          : [{ name: added.length === 1 ? added[0].name : scenario.name, rows: compoundEffects(result.runs[0], result.runs[1]) }];
      writeFileAtomic(join(out, 'comparison.csv'), comparisonCsv(paired));
      writeFileAtomic(join(out, 'comparison-totals.csv'), totalsCsv(totals));
      writeFileAtomic(join(out, 'comparison-costs.csv'), moneyCsv(money));
      writeFileAtomic(join(out, 'comparison-effects.csv'), effectsCsv(effects));
      const files = await writeRunOutputs(out, [baseline, scenario], summaries, run, {
        report: opts.report !== false,
        baseline: baseline.name,
        title: `${scenario.name} against ${baseline.name}`,
        comparison: totals.map((t) => ({ kpi: t.id, label: t.label, total: t.p50, p5: t.p5, p95: t.p95, unit: t.unit })),
        money: money.map((r) => ({ ...r, label: MONEY_LABELS[r.measure] })),
        effects: effects.map((e) => ({ name: e.name, rows: e.rows.map((r) => ({ ...r, label: kpiDef(r.kpi)?.label ?? r.kpi })) })),
        extraMeta: { comparison: { baseline: baseline.name, scenario: scenario.name, totals, money, effects } },
      });
      if (opts.quiet) return;
      const last = run.months - 1;
      const lastMonth = paired[last * KPIS.length]?.month;
      const rows: string[][] = [['KPI at ' + lastMonth, baseline.name, scenario.name, 'difference (p5 to p95)']];
      for (const id of HEADLINE_TABLE) {
        const r = paired.find((p) => p.kpi === id && p.month === lastMonth)!;
        const def = kpiDef(id)!;
        rows.push([def.label, headline(r.baseline_p50, def.unit), headline(r.scenario_p50, def.unit), `${headline(r.diff_p50, def.unit)} (${headline(r.diff_p5, def.unit)} to ${headline(r.diff_p95, def.unit)})`]);
      }
      process.stdout.write('\n' + table(rows) + '\n\n');
      const trows = [[`Over ${run.months} months`, 'median', 'p5 to p95']];
      for (const t of totals) trows.push([t.label, headline(t.p50, t.unit), `${headline(t.p5, t.unit)} to ${headline(t.p95, t.unit)}`]);
      process.stdout.write(table(trows) + '\n\n');
      process.stdout.write(moneyTable(money) + '\n\n');
      for (const e of effects) process.stdout.write(`Compound effect of ${e.name} (% change against ${baseline.name}, median):\n${effectTable(e.rows)}\n\n`);
      const csvs = ['comparison.csv', 'comparison-totals.csv', 'comparison-costs.csv', 'comparison-effects.csv'].map((f) => join(out, f));
      process.stdout.write(`${paint('bold', 'Wrote')} ${[...files, ...csvs].map(shown).join(', ')}\n`);
      const report = files.find((f) => f.endsWith('report.html'));
      if (report) process.stdout.write(`Open the report: ${paint('cyan', shown(report))}\n`);
    });
}
