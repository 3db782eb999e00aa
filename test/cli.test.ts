import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Help } from 'commander';
import { COMMANDS } from '../src/cli/commands/index.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const baseline = join(root, 'scenarios/southampton-baseline.json');
const fs = join(root, 'scenarios/family-safeguarding.json');
const dir = tempDir('caseflow-cli-');
const malformed = join(dir, 'malformed.json');
writeFileSync(malformed, '{ "name": "x", "extends": "' + baseline + '", "months": "twelve" ');
const badField = join(dir, 'bad-field.json');
writeFileSync(badField, JSON.stringify({ extends: baseline, name: 'bad', description: '', months: 0 }));

const run = runCli;

const out = join(dir, 'out');
const BAD: [string, string[], RegExp][] = [
  ['simulate: missing scenario file', ['simulate', '--scenario', join(dir, 'nope.json'), '--out', out], /nope\.json.*no such file/],
  ['simulate: malformed scenario', ['simulate', '--scenario', malformed, '--out', out], /malformed\.json: not valid JSON/],
  ['simulate: invalid field', ['simulate', '--scenario', badField, '--out', out], /bad-field\.json: months/],
  ['simulate: months 0', ['simulate', '--scenario', baseline, '--months', '0'], /--months must be a whole number greater than 0/],
  ['simulate: runs 0', ['simulate', '--scenario', baseline, '--runs', '0'], /--runs must be a whole number greater than 0/],
  ['simulate: runs -3', ['simulate', '--scenario', baseline, '--runs', '-3'], /--runs/],
  ['compare: missing baseline', ['compare', '--baseline', join(dir, 'nope.json'), '--scenario', fs], /nope\.json/],
  ['compare: malformed scenario', ['compare', '--baseline', baseline, '--scenario', malformed], /malformed\.json/],
  ['compare: months 0', ['compare', '--baseline', baseline, '--scenario', fs, '--months', '0'], /--months/],
  ['compare: runs 0', ['compare', '--baseline', baseline, '--scenario', fs, '--runs', '0'], /--runs/],
  ['compare: missing option', ['compare', '--baseline', baseline], /--scenario/],
  ['target: unknown KPI', ['target', '--scenario', baseline, '--lever', 'cp_to_care', '--kpi', 'happiness', '--value', '1', '--by', '2024-03'], /unknown KPI "happiness"/],
  ['target: unknown lever', ['target', '--scenario', baseline, '--lever', 'magic', '--kpi', 'cla_rate', '--value', '1', '--by', '2024-03'], /unknown lever "magic"/],
  ['target: bad month', ['target', '--scenario', baseline, '--lever', 'cp_to_care', '--kpi', 'cla_rate', '--value', '1', '--by', '2024-13'], /--by must be a month/],
  ['target: runs 0', ['target', '--scenario', baseline, '--lever', 'cp_to_care', '--kpi', 'cla_rate', '--value', '1', '--by', '2024-03', '--runs', '0'], /--runs/],
  ['target: malformed scenario', ['target', '--scenario', malformed, '--lever', 'cp_to_care', '--kpi', 'cla_rate', '--value', '1', '--by', '2024-03'], /malformed\.json/],
  ['replay: missing log', ['replay', join(dir, 'nope.ndjson'), '--out', out, '--population', '1000'], /nope\.ndjson/],
  ['replay: months 0', ['replay', join(dir, 'nope.ndjson'), '--out', out, '--months', '0'], /--months/],
  ['replay: malformed scenario', ['replay', join(dir, 'nope.ndjson'), '--out', out, '--scenario', malformed], /malformed\.json|nope\.ndjson/],
  ['unknown command', ['frobnicate'], /unknown command/],
];

describe('bad input exits 2 with a one-line reason', () => {
  for (const [name, args, reason] of BAD) {
    it(name, async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(reason);
    });
  }
});

describe('commands load on demand', () => {
  it('each command is listed with the term and description its module registers', async () => {
    const help = new Help();
    for (const entry of COMMANDS) {
      const program = new Command('caseflow');
      (await entry.load()).register(program);
      const registered = program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: help.subcommandDescription(c) }));
      expect(registered, `src/cli/commands/index.ts must list ${entry.name} as its module registers it`).toEqual([{ name: entry.name, term: entry.term, description: entry.description }]);
    }
  });

  it('caseflow --help lists every command with its term', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    for (const entry of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${entry.term.replace(/[[\]]/g, '\\$&')} `, 'm'));
  });
});

describe('help', () => {
  for (const c of ['simulate', 'replay', 'compare', 'target', 'import', 'export', 'calibrate', 'backtest', 'check', 'serve']) {
    it(`${c} --help exits 0 and shows examples`, async () => {
      const r = await run([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Usage: caseflow/);
      if (!['import', 'export'].includes(c)) expect(r.stdout).toMatch(/Examples?:/);
    });
  }
});

describe('compare and target', () => {
  it('compare writes comparison.csv with the exact header, both scenarios in kpis.csv, and the totals', async () => {
    const o = join(dir, 'cmp');
    const r = await run(['compare', '--baseline', baseline, '--scenario', fs, '--runs', '3', '--months', '20', '--workers', '1', '--out', o, '--no-report']);
    expect(r.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(join(o, 'comparison.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('month,kpi,baseline_p50,scenario_p50,diff_p50,diff_p5,diff_p95,diff_pct');
    const kpis = readFileSync(join(o, 'kpis.csv'), 'utf8');
    expect(kpis).toContain('\nsouthampton-baseline,2023-03,');
    expect(kpis).toContain('\nfamily-safeguarding,2023-03,');
    // before the rollout (September 2024) the paired difference is exactly zero
    const before = csv.filter((l) => l.startsWith('2023-') && l.split(',')[1] === 'cp_open');
    for (const l of before) expect(l.split(',').slice(4, 7)).toEqual(['0', '0', '0']);
    expect(readFileSync(join(o, 'comparison-totals.csv'), 'utf8')).toMatch(/^measure,label,unit,p50,p5,p95\nchildren_kept_out_of_care,/);
    expect(r.stdout).toMatch(/Children kept out of care/);
    const totals = readFileSync(join(o, 'comparison-totals.csv'), 'utf8');
    expect(totals).toMatch(/\nprogramme_cost,"Programme cost \(£\)",gbp,/);
    expect(totals).toMatch(/\nnet_savings,/);
    const costs = readFileSync(join(o, 'comparison-costs.csv'), 'utf8').split('\n');
    expect(costs[0]).toBe('period,first_month,last_month,basis,measure,p50,p5,p95');
    // no programme cost in year 1 (the costs start in March 2024); posts, training and licence in year 2's first eight months
    expect(costs[2]).toBe('"year 1",2023-03,2024-02,year,programme_cost,0,0,0');
    expect(r.stdout).toMatch(/Compound effect of Family Safeguarding/);
    expect(readFileSync(join(o, 'comparison-effects.csv'), 'utf8')).toMatch(/^intervention,kpi,period,first_month,last_month,pct_p50,pct_p5,pct_p95\n"Family Safeguarding",referrals,"year 1",2023-03,2024-02,0.0,0.0,0.0\n/);
  });

  it('target says when the target is out of reach and exits 1', async () => {
    const o = join(dir, 'tgt');
    const r = await run(['target', '--scenario', baseline, '--lever', 'uasc_arrivals', '--kpi', 'cla_open', '--value', '5', '--by', '2023-08', '--runs', '2', '--workers', '1', '--out', o, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out of reach/);
  });
});
