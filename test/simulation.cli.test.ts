import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';
import { parseEvent } from '../src/events/index.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runSimulation } from '../src/simulation/index.ts';
import { captureOutput, tempDir } from './helpers/cli.ts';

const scenarioPath = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));

const io = captureOutput();

const tmp = (): string => tempDir('caseflow-simulate-');
const common = ['simulate', '--scenario', scenarioPath, '--workers', '1', '--no-report'];
/** Two replications over `months` months (an option given twice is refused, so each case names its own). */
const base = (months = '3'): string[] => [...common, '--runs', '2', '--months', months];

describe('caseflow simulate', () => {
  it('writes KPI outputs and the event log of replication 0, byte-identical on a second run', async () => {
    const d1 = tmp();
    const d2 = tmp();
    expect(await main([...base(), '--quiet', '--out', d1, '--events', join(d1, 'events.ndjson')])).toBe(0);
    expect(await main([...base(), '--quiet', '--out', d2, '--events', join(d2, 'events.ndjson')])).toBe(0);
    for (const f of ['kpis.csv', 'events.ndjson']) expect(readFileSync(join(d1, f)).equals(readFileSync(join(d2, f))), f).toBe(true);
    const csv = readFileSync(join(d1, 'kpis.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('scenario,month,kpi,mean,p5,p25,p50,p75,p95');
    expect(csv.some((l) => l.startsWith('southampton-baseline,2023-05,cla_open,'))).toBe(true);
    expect(existsSync(join(d1, 'kpis.json'))).toBe(true);
    expect(existsSync(join(d1, 'report.html'))).toBe(false);

    // the log is replication 0 of the scenario's seed, history first, in date order
    const lines = readFileSync(join(d1, 'events.ndjson'), 'utf8').trimEnd().split('\n');
    const scenario = loadScenario(scenarioPath);
    const expected: string[] = [];
    runSimulation({ scenario, seed: scenario.seed, replication: 0, months: 3, sink: (e) => expected.push(JSON.stringify(e)) });
    expect(lines.length).toBe(expected.length);
    expect(lines.join('\n') === expected.join('\n')).toBe(true);
    let last = '';
    for (const line of lines) {
      const e = parseEvent(JSON.parse(line));
      expect(e.date >= last).toBe(true);
      last = e.date;
    }
    expect(JSON.parse(lines[0]).type).toBe('ChildRegistered');
  });

  it('a different seed gives different results', async () => {
    const d1 = tmp();
    const d2 = tmp();
    expect(await main([...base('2'), '--quiet', '--out', d1, '--events', join(d1, 'e.ndjson')])).toBe(0);
    expect(await main([...base('2'), '--quiet', '--seed', '7', '--out', d2, '--events', join(d2, 'e.ndjson')])).toBe(0);
    expect(readFileSync(join(d1, 'e.ndjson'), 'utf8')).not.toBe(readFileSync(join(d2, 'e.ndjson'), 'utf8'));
  });

  it('prints a summary of the headline KPIs', async () => {
    const d = tmp();
    expect(await main([...base('2'), '--out', d])).toBe(0);
    expect(io.out).toMatch(/Children looked after\s+\d{3}/);
    expect(io.out).toMatch(/Wrote .*kpis\.csv/);
    expect(io.err).toMatch(/Simulating southampton-baseline: 2 replications × 2 months from 2023-03/);
  });

  it('bad input exits 2 with a one-line reason naming the file and field', async () => {
    expect(await main(['simulate', '--scenario', join(tmpdir(), 'missing-scenario.json'), '--quiet'])).toBe(2);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.err).toMatch(/missing-scenario\.json: cannot read scenario file \(no such file\)/);

    io.err = '';
    const d = tmp();
    const s = JSON.parse(readFileSync(scenarioPath, 'utf8'));
    s.parameters.cp.outcomes.care = 3;
    writeFileSync(join(d, 'bad.json'), JSON.stringify(s));
    expect(await main(['simulate', '--scenario', join(d, 'bad.json'), '--quiet', '--out', d])).toBe(2);
    expect(io.err).toMatch(/bad\.json: parameters\.cp\.outcomes\.care: Too big/);
    expect(existsSync(join(d, 'kpis.csv'))).toBe(false);

    expect(await main([...common, '--months', '3', '--runs', '0'])).toBe(2);
    expect(await main(['simulate', '--runs', '3'])).toBe(2);
  });

  it('--help explains the options with examples', async () => {
    expect(await main(['simulate', '--help'])).toBe(0);
    expect(io.out).toMatch(/--scenario <file>/);
    expect(io.out).toMatch(/--events <file>/);
    expect(io.out).toMatch(/Examples:\n\s+\$ caseflow simulate --scenario scenarios\/southampton-baseline\.json/);
  });
});
