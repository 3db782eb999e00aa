/**
 * The memory estimate an ensemble is checked against before it starts (src/ensemble/memory.ts):
 * hand-worked figures, and a run whose estimate exceeds the free memory (the figure injected with
 * CASEFLOW_TEST_FREE_MEMORY) refused with exit 2 and the estimate before any replication runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkEnsembleMemory, estimateEnsembleMemory } from '../src/ensemble/index.ts';
import { memoryAvailable } from '../src/ensemble/memory.ts';
import { KPIS } from '../src/projections/catalogue.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const MiB = 2 ** 20;
/** KPIs in the catalogue: each kept as value, numerator and denominator (3 doubles of 8 bytes), twice. */
const K = KPIS.length;
const scenario = (population: number, growthPctPerYear?: number) =>
  ({ population, parameters: growthPctPerYear === undefined ? {} : { population: { growthPctPerYear } } }) as unknown as Pick<Scenario, 'population' | 'parameters'>;

afterEach(() => {
  delete process.env.CASEFLOW_TEST_FREE_MEMORY;
});

describe('ensemble memory estimate', () => {
  it('one scenario of 10,000 children, 10 runs × 12 months on 2 workers', () => {
    // main 200 MiB + 2 workers × (160 MiB + 64 B × 10,000) + 10 runs × 1 scenario × 12 months × K × 3 × 8 B × 2
    const expected = 209_715_200 + 2 * (167_772_160 + 640_000) + 10 * 12 * K * 48;
    expect(estimateEnsembleMemory([scenario(10_000)], { runs: 10, months: 12, workers: 2 })).toBe(expected);
    expect(expected).toBe(546_539_520 + 5_760 * K);
  });

  it('population growth: the largest population over the horizon (10% a year for 2 years: ×1.21); decline counts as none', () => {
    const grown = estimateEnsembleMemory([scenario(10_000, 10)], { runs: 1, months: 24, workers: 1 });
    // 200 MiB + 160 MiB + 64 B × 12,100 + 24 months × K × 48 B
    expect(grown).toBeCloseTo(209_715_200 + 167_772_160 + 774_400 + 24 * K * 48, 3);
    const shrinking = estimateEnsembleMemory([scenario(10_000, -5)], { runs: 1, months: 24, workers: 1 });
    expect(shrinking).toBe(209_715_200 + 167_772_160 + 640_000 + 24 * K * 48);
  });

  it('two scenarios: each worker holds both at the larger population; results for both', () => {
    const e = estimateEnsembleMemory([scenario(1_000_000), scenario(250_000)], { runs: 100, months: 60, workers: 4 });
    // 200 MiB + 4 × (160 MiB + 64 B × 1,000,000 × 2) + 100 × 2 × 60 × K × 48 B
    expect(e).toBe(200 * MiB + 4 * (160 * MiB + 128_000_000) + 576_000 * K);
  });

  it('England-scale: 12 million children on 16 workers is about 14.1 GB (GiB) before results', () => {
    const e = estimateEnsembleMemory([scenario(12_000_000)], { runs: 1, months: 1, workers: 16 });
    const expected = 200 * MiB + 16 * (160 * MiB + 768_000_000) + K * 48;
    expect(e).toBe(expected);
    expect(e / 2 ** 30).toBeGreaterThan(14);
    expect(e / 2 ** 30).toBeLessThan(15);
  });

  it('checkEnsembleMemory refuses an estimate above the free memory, with both figures, and passes one below', () => {
    const o = { runs: 10, months: 12, workers: 2 };
    const need = estimateEnsembleMemory([scenario(10_000)], o);
    expect(checkEnsembleMemory([scenario(10_000)], o, need)).toEqual({ bytes: need, available: need });
    expect(() => checkEnsembleMemory([scenario(10_000)], o, 300 * MiB)).toThrow(
      new RegExp(`estimated memory ${Math.ceil(need / MiB)} MB for 10 runs × 12 months on 2 workers exceeds the 300 MB free on this machine`),
    );
  });

  it('the injected free memory stands in for the machine figure', () => {
    process.env.CASEFLOW_TEST_FREE_MEMORY = String(123 * MiB);
    expect(memoryAvailable()).toBe(123 * MiB);
    delete process.env.CASEFLOW_TEST_FREE_MEMORY;
    expect(memoryAvailable()).toBeGreaterThan(0);
    expect(memoryAvailable()).not.toBe(123 * MiB);
  });

  it('simulate with too little free memory exits 2 with the estimate before it runs, the old outputs untouched', async () => {
    const root = resolve(import.meta.dirname, '..');
    const out = tempDir('caseflow-memory-');
    const args = ['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--months', '2', '--workers', '1', '--no-report', '--out', out];
    const first = await runCli([...args, '--runs', '1', '-q']);
    expect(first.code).toBe(0);
    const old = readFileSync(join(out, 'kpis.csv'));
    process.env.CASEFLOW_TEST_FREE_MEMORY = String(100 * MiB);
    const { code, stdout, stderr } = await runCli([...args, '--runs', '50']);
    expect(code).toBe(2);
    const lines = stderr.split('\n').filter((l) => l !== '' && !/^note:/.test(l));
    // the estimate, then nothing of the run: no progress line, no summary
    expect(lines.at(-1)).toMatch(/^caseflow: estimated memory \d+ MB for 50 runs × 2 months on 1 worker exceeds the 100 MB free on this machine; use fewer --runs, --months or --workers$/);
    expect(stderr).not.toMatch(/replications: \d+\/50/);
    expect(first.stdout + stdout).toBe('');
    expect(readFileSync(join(out, 'kpis.csv')).equals(old)).toBe(true);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 60_000);
});
