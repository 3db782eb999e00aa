import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.ts';
import { openingFromEvents } from '../src/returns/index.ts';
import { readNdjsonEvents } from '../src/store/index.ts';

const root = resolve(import.meta.dirname, '..');
const fixtures = resolve(root, '../shared/data/fixtures/ssda903-regional');
const dir = mkdtempSync(join(tmpdir(), 'caseflow-opening-'));

async function quiet(args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const w1 = process.stdout.write;
  const w2 = process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stderr };
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
}

describe('simulate --opening --as-at', () => {
  const events = join(dir, 'events.ndjson');

  it('starts the projection from the children looked after in an imported SSDA903 history', async () => {
    const imp = await quiet(['import', 'ssda903', '--episodes', join(fixtures, 'episodes.csv'), '--header', join(fixtures, 'header.csv'), '--uasc', join(fixtures, 'uasc.csv'), '--out', events, '--report-dir', join(dir, 'import'), '-q']);
    expect(imp.code).toBe(0);
    const opening = openingFromEvents(readNdjsonEvents(events, { validate: 'none' }), '2021-03-31');
    const cla = opening.children.filter((c) => c.state === 'cla').length;
    expect(cla).toBeGreaterThan(20);

    const out = join(dir, 'sim');
    const r = await quiet(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--opening', events, '--as-at', '2021-03-31', '--runs', '1', '--months', '3', '--out', out, '--no-report', '-q']);
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, 'kpis.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const first = rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_open')!;
    const starts = Number(rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_starts')![6]);
    const ends = Number(rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_ends')![6]);
    // the opening stock is exactly the imported children in care on 31 March, moved on by April's flows
    expect(Number(first[6])).toBe(cla + starts - ends);
  });

  it('refuses an as-at date that is not a month end, and --as-at without --opening', async () => {
    const a = await quiet(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--opening', events, '--as-at', '2021-03-15', '--runs', '1', '--months', '3', '--out', join(dir, 'x')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--as-at 2021-03-15 must be the last day of a month/);
    const b = await quiet(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--as-at', '2021-03-31', '--out', join(dir, 'x')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--as-at goes with --opening/);
  });
});
