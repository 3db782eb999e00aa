/**
 * Fuzzing every importer: valid inputs (SSDA903 CSV and XML, a CIN census, an NDJSON log, a
 * scenario) are mutated (bytes deleted, duplicated, inserted, numbers made huge, the file cut
 * short) with a fixed fast-check seed, and each mutant goes through the command that reads it
 * in this process. Whatever the bytes, the command ends with exit 0, 1 or 2, never an internal
 * error or a stack trace, and within a bounded amount of memory.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const inputs = join(root, 'test/corpus/inputs');
const dir = tempDir('caseflow-fuzz-');
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** Memory a single mutant may add to the heap. */
const HEAP_BOUND = 256 * 2 ** 20;

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'duplicate'; at: number; len: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'huge'; at: number }
  | { kind: 'truncate'; at: number };

const SPECIAL = [0x00, 0x0a, 0x0d, 0x22, 0x27, 0x2c, 0x2d, 0x3c, 0x3e, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x26, 0xe9, 0xef, 0xbb, 0xbf, 0xff, 0x3d];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('huge' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function apply(buf: Buffer, ms: readonly Mutation[]): Buffer {
  let b = buf;
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    switch (m.kind) {
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
        break;
      case 'duplicate':
        b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
        break;
      case 'huge': {
        // the next number becomes enormous
        const text = b.toString('latin1');
        const i = text.slice(at).search(/\d/);
        if (i >= 0) b = Buffer.concat([b.subarray(0, at + i), Buffer.from('99999999999999999999e300'), b.subarray(at + i + 1)]);
        break;
      }
      case 'truncate':
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

async function quietly(args: string[]): Promise<{ code: number; out: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout + r.stderr };
}

let n = 0;

interface Target {
  name: string;
  file: string;
  ext: string;
  args: (mutant: string, out: string) => string[];
}

const TARGETS: Target[] = [
  { name: 'SSDA903 CSV (episodes)', file: 'episodes.csv', ext: 'csv', args: (m, o) => ['import', 'ssda903', '--episodes', m, '--header', join(inputs, 'header.csv'), '--out', join(o, 'e.ndjson'), '-q'] },
  { name: 'SSDA903 CSV (header)', file: 'header.csv', ext: 'csv', args: (m, o) => ['import', 'ssda903', '--episodes', join(inputs, 'episodes.csv'), '--header', m, '--out', join(o, 'e.ndjson'), '-q'] },
  { name: 'SSDA903 XML', file: 'ssda903.xml', ext: 'xml', args: (m, o) => ['import', 'ssda903', '--xml', m, '--out', join(o, 'e.ndjson'), '-q'] },
  { name: 'CIN census XML', file: 'census.xml', ext: 'xml', args: (m, o) => ['import', 'cin', m, '--out', join(o, 'e.ndjson'), '-q'] },
  { name: 'NDJSON event log (replay)', file: 'cin.ndjson', ext: 'ndjson', args: (m, o) => ['replay', m, '--population', '10000', '--no-report', '-q', '--out', o] },
  { name: 'NDJSON event log (merge)', file: 'ssda903.ndjson', ext: 'ndjson', args: (m, o) => ['import', 'merge', join(inputs, 'cin.ndjson'), m, '--out', join(o, 'm.ndjson'), '-q'] },
  { name: 'scenario JSON', file: 'bom-scenario.json', ext: 'json', args: (m, o) => ['simulate', '--scenario', m, '--runs', '1', '--months', '1', '--workers', '1', '--no-report', '-q', '--out', o] },
];

describe('importer fuzz: mutated inputs end with exit 0, 1 or 2, never a stack trace', () => {
  for (const t of TARGETS) {
    it(t.name, async () => {
      const original = readFileSync(join(inputs, t.file));
      const codes = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
          const k = n++;
          const mutant = join(dir, `mutant-${k}.${t.ext}`);
          writeFileSync(mutant, apply(original, ms));
          const out = join(dir, `out-${k}`);
          const before = process.memoryUsage().heapUsed;
          const r = await quietly(t.args(mutant, out));
          const grown = process.memoryUsage().heapUsed - before;
          codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
          expect([0, 1, 2], r.out).toContain(r.code);
          expect(r.out).not.toMatch(/internal error/);
          expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
          expect(grown).toBeLessThan(HEAP_BOUND);
        }),
        { numRuns: RUNS },
      );
      // the mutants reach the importer's checks: some are refused, some still import
      expect(codes.get(2) ?? 0).toBeGreaterThan(0);
    });
  }
});
