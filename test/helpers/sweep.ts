/** Small sweep specs for tests, and a byte-for-byte comparison of two sweeps' output files. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASELINE = fileURLToPath(new URL('../../scenarios/southampton-baseline.json', import.meta.url));
export const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** Two levers, a 2-row Saltelli design (8 points), 2 replications of 3 months, one replication per job: 16 jobs. */
export function tinySpec(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'tiny',
    description: 'test sweep',
    baseline: BASELINE,
    factors: [
      { lever: 'cp_to_care', min: -0.3, max: 0.3 },
      { name: 'direct', path: 'care.directEntriesPerMonthPer10k', min: 0.05, max: 0.2 },
    ],
    design: { type: 'saltelli', samples: 2 },
    runs: 2,
    months: 3,
    seed: 7,
    replicationsPerJob: 1,
    kpis: ['referrals', 'cla_starts', 'cla_open'],
    sensitivity: { kpis: ['cla_open'], months: ['2023-05'], bootstrap: 50 },
    ...over,
  };
}

export function writeSpec(dir: string, spec: unknown, name = 'spec.json'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, typeof spec === 'string' ? spec : JSON.stringify(spec, null, 2));
  return path;
}

export const OUTPUT_FILES = ['sweep-kpis.csv', 'design.json', 'sensitivity.csv', 'sensitivity.json'];

/** The output files of a sweep, as text. */
export function outputs(dir: string): Record<string, string> {
  return Object.fromEntries(OUTPUT_FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}
