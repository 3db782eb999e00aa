import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli, tempDir } from './helpers/cli.ts';
import { openingFromEvents } from '../src/returns/index.ts';
import { readNdjsonEvents } from '../src/node/ndjson.ts';

const root = resolve(import.meta.dirname, '..');
const fixtures = resolve(root, '../shared/data/fixtures/ssda903-regional');
const dir = tempDir('caseflow-opening-');

describe('simulate --opening --as-at', () => {
  const events = join(dir, 'events.ndjson');

  it('starts the projection from the children looked after in an imported SSDA903 history', async () => {
    const imp = await runCli(['import', 'ssda903', '--episodes', join(fixtures, 'episodes.csv'), '--header', join(fixtures, 'header.csv'), '--uasc', join(fixtures, 'uasc.csv'), '--out', events, '--report-dir', join(dir, 'import'), '-q']);
    expect(imp.code).toBe(0);
    const opening = openingFromEvents(readNdjsonEvents(events, { validate: 'none' }), '2021-03-31');
    const cla = opening.children.filter((c) => c.state === 'cla').length;
    expect(cla).toBeGreaterThan(20);

    const out = join(dir, 'sim');
    const r = await runCli(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--opening', events, '--as-at', '2021-03-31', '--runs', '1', '--months', '3', '--out', out, '--no-report', '-q']);
    expect(r.code).toBe(0);
    const rows = readFileSync(join(out, 'kpis.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    const first = rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_open')!;
    const starts = Number(rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_starts')![6]);
    const ends = Number(rows.find((x) => x[1] === '2021-04' && x[2] === 'cla_ends')![6]);
    // the opening stock is exactly the imported children in care on 31 March, moved on by April's flows
    expect(Number(first[6])).toBe(cla + starts - ends);
  });

  it('refuses an as-at date that is not a month end, and --as-at without --opening', async () => {
    const a = await runCli(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--opening', events, '--as-at', '2021-03-15', '--runs', '1', '--months', '3', '--out', join(dir, 'x')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--as-at 2021-03-15 must be the last day of a month/);
    const b = await runCli(['simulate', '--scenario', join(root, 'scenarios/southampton-baseline.json'), '--as-at', '2021-03-31', '--out', join(dir, 'x')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--as-at goes with --opening/);
  });
});
