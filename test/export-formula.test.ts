/**
 * `export ssda903` neutralises cells a spreadsheet would run as formulas (the OWASP rule, as in
 * kpis.csv): a child id such as `=1+2` is written `'=1+2`; importing the exported tables gives the
 * id back as it was. `export cin` writes XML only, whose text is escaped.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli, tempDir } from './helpers/cli.ts';

const inputs = resolve(import.meta.dirname, 'corpus/inputs');
const HOSTILE = ['=1+2', '@SUM(A1)', '+44', '-5'];

/** Runs the CLI, its output kept; fails the test with the command and its stderr unless it exits 0. */
async function succeeds(args: string[]): Promise<void> {
  const r = await runCli(args);
  expect(r.code, `caseflow ${args.join(' ')}: ${r.stderr}`).toBe(0);
}

/** The shipped two-child SSDA903 log with both children renamed, twice over, to formula-like ids. */
function hostileLog(dir: string): string {
  const text = readFileSync(join(inputs, 'ssda903.ndjson'), 'utf8');
  const ids = [...new Set(text.trim().split('\n').map((l) => (JSON.parse(l) as { childId: string }).childId))];
  expect(ids.length).toBeGreaterThanOrEqual(2);
  const lines: string[] = [];
  for (const line of text.trim().split('\n')) {
    const e = JSON.parse(line) as { childId: string };
    e.childId = HOSTILE[ids.indexOf(e.childId) % HOSTILE.length];
    lines.push(JSON.stringify(e));
  }
  const path = join(dir, 'hostile.ndjson');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('export ssda903: formula-leading cells', () => {
  it('are written with a leading apostrophe and read back as they were', async () => {
    const dir = tempDir('caseflow-export-formula-');
    const log = hostileLog(dir);
    const used = HOSTILE.slice(0, 2);
    await succeeds(['export', 'ssda903', log, '--year', '2024', '--out', join(dir, 'out'), '-q']);
    for (const table of ['header', 'episodes']) {
      const rows = parse(readFileSync(join(dir, 'out', `${table}_2024.csv`), 'utf8'), { columns: true }) as Record<string, string>[];
      expect(rows.length).toBeGreaterThan(0);
      const children = new Set(rows.map((r) => r.CHILD));
      expect(children).toEqual(new Set(used.map((id) => `'${id}`)));
      // nothing else starts like a formula
      for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
    }
    await succeeds(['import', 'ssda903', '--episodes', join(dir, 'out', 'episodes_2024.csv'), '--header', join(dir, 'out', 'header_2024.csv'), '--out', join(dir, 'back.ndjson'), '-q']);
    const back = new Set(
      readFileSync(join(dir, 'back.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { childId: string }).childId),
    );
    expect(back).toEqual(new Set(used));
  });
});
