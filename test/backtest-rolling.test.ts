import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { join, resolve } from 'node:path';
import { ORIGINS_HEADER, SCORES_HEADER } from '../src/calibration/index.ts';
import { widen } from '../src/projections/bands.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const root = resolve(import.meta.dirname, '..');
const fixtures = resolve(root, '../shared/data/fixtures/ssda903-regional');
const dir = tempDir('caseflow-rolling-');

const run = runCli;

const csv = (p: string) => readFileSync(p, 'utf8').trim().split('\n').map((l) => l.split(','));

describe('caseflow backtest --events (rolling origins on an imported SSDA903 history)', () => {
  const events = join(dir, 'events.ndjson');
  it('scores every quarter-end origin against the later history, beside the naive and Markov benchmarks', async () => {
    const imp = await run(['import', 'ssda903', '--episodes', join(fixtures, 'episodes.csv'), '--header', join(fixtures, 'header.csv'), '--uasc', join(fixtures, 'uasc.csv'), '--out', events, '--report-dir', join(dir, 'import'), '-q']);
    expect(imp.code).toBe(0);
    const out = join(dir, 'bt');
    // a scenario file to receive the back-test's band factors (hand-formatted: its text is kept)
    const into = join(dir, 'into.json');
    const intoText = readFileSync(resolve('scenarios/uasc-arrivals.json'), 'utf8').replace(/"extends": "[^"]*"/, `"extends": ${JSON.stringify(resolve('scenarios/southampton-baseline.json'))}`);
    writeFileSync(into, intoText);
    const r = await run(['backtest', '--events', `region=${events}`, '--history-from', '2017-04', '--horizons', '3,12', '--runs', '2', '--trend', 'none,linear', '--out', out, '--bands-into', into]);
    expect(r.code, r.stderr).toBe(0);
    const written = readFileSync(into, 'utf8');
    expect(written.startsWith(intoText.replace(/\s*\}\s*$/, ''))).toBe(true);
    const shown = JSON.parse(readFileSync(join(out, 'kpis.json'), 'utf8')).meta.scenarios[0].bands;
    const kept = loadScenario(into).bands!;
    expect(kept.source).toBe(shown.source);
    expect(kept.factors.map((f) => f.horizon)).toEqual(shown.factors.map((f: { horizon: number }) => f.horizon));
    kept.factors.forEach((f, i) => expect(f.p90).toBeCloseTo(shown.factors[i].p90, 4));
    const origins = csv(join(out, 'backtest-origins.csv'));
    expect(origins[0].join(',')).toBe(ORIGINS_HEADER);
    const body = origins.slice(1);
    // the history runs April 2017 to March 2022: quarter ends from March 2018 (a year in) to December 2021
    const at = [...new Set(body.map((x) => x[1]))].sort();
    expect(at[0]).toBe('2018-03');
    expect(at[at.length - 1]).toBe('2021-12');
    expect(at.length).toBe(16);
    // 12 months ahead only from origins up to March 2021
    expect(body.filter((x) => x[2] === '12' && x[4] === 'cla_open').map((x) => x[1]).sort().at(-1)).toBe('2021-03');
    for (const x of body) {
      const [actual, p5, p25, p50, p75, p95] = x.slice(5, 11).map(Number);
      expect(p5 <= p25 && p25 <= p50 && p50 <= p75 && p75 <= p95, x.join(',')).toBe(true);
      expect(Number.isFinite(actual)).toBe(true);
    }
    // the naive forecast of a stock is its value at the origin: the actual of the origin 3 months before
    const open = new Map(body.filter((x) => x[4] === 'cla_open' && x[2] === '3').map((x) => [x[3], x]));
    const dec18 = open.get('2019-03')!; // origin December 2018, 3 months ahead
    const sep18 = open.get('2018-12')!; // origin September 2018: its actual is the stock at December 2018
    expect(dec18[11]).toBe(sep18[5]);
    // the Markov benchmark models children looked after and placements, not UASC
    expect(body.find((x) => x[4] === 'cla_open')![12]).not.toBe('');
    expect(body.find((x) => x[4] === 'uasc_open')![12]).toBe('');
    const scores = csv(join(out, 'backtest-scores.csv'));
    expect(scores[0].join(',')).toBe(SCORES_HEADER);
    const open12 = scores.find((x) => x[1] === 'cla_open' && x[2] === '12')!;
    expect(Number(open12[3])).toBe(13);
    expect(r.stdout).toMatch(/Rolling-origin back-test/);
    expect(r.stdout).toMatch(/Actuals inside the calibrated p5–p95 over every origin, horizon and KPI: [\d.]+% \(p25–p75: [\d.]+%\) of \d+; inside the ensemble's own p5–p95: [\d.]+%/);
    // bands calibrated origin by origin on the forecasts already known then: none at the first origin
    expect(body.filter((x) => x[1] === '2018-03').every((x) => x[15] === '' && x[6] === x[13] && x[10] === x[14])).toBe(true);
    const calibrated = body.filter((x) => x[15] !== '');
    expect(calibrated.length).toBeGreaterThan(body.length / 2);
    for (const x of calibrated.slice(0, 50)) {
      const [p5, p50, p95, m5, m95, f] = [x[6], x[8], x[10], x[13], x[14], x[15]].map(Number);
      const [lo, hi] = widen(p50, m5, m95, f, 0.9, false);
      // the file rounds to 4 decimals: within a part in a thousand
      expect(Math.abs(p5 - lo) / Math.max(1, lo)).toBeLessThan(1e-3);
      expect(Math.abs(p95 - hi) / Math.max(1, hi)).toBeLessThan(1e-3);
    }
    // the projection from the end of the history carries the factors of the whole back-test
    expect(JSON.parse(readFileSync(join(out, 'kpis.json'), 'utf8')).meta.scenarios[0].bands.source).toMatch(/^rolling-origin back-test of region: \d+ forecasts from 16 origins, 2018-03 to 2021-12$/);
    const json = JSON.parse(readFileSync(join(out, 'backtest.json'), 'utf8'));
    expect(json.sources[0]).toMatchObject({ source: 'region', first: '2017-04', last: '2022-03' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="backtest"');
    expect(html).toContain('data-kpi="backtest-cla_open"');
    expect(existsSync(join(out, 'kpis.csv'))).toBe(true);
    // both trends scored on the same origins; the better one kept and recorded
    const trend = csv(join(out, 'backtest-trend.csv'));
    expect(trend.map((x) => x[0])).toEqual(['trend', 'none', 'linear']);
    const [none, linear] = trend.slice(1).map((x) => Number(x[1]));
    expect(json.trend.chosen).toBe(linear < none ? 'linear' : 'none');
    expect(html).toContain('data-field="backtest-trend"');
    expect(r.stdout).toMatch(/Trend in arrival rates chosen by back-test: (none|linear)/);
  }, 120_000);

  it('bad combinations and short histories exit 2 with one line', async () => {
    const r1 = await run(['backtest', '--events', events, '--rewind', '3', '--out', join(dir, 'x')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--rewind goes with a single-start back-test/);
    const r2 = await run(['backtest', '--events', events, '--history-from', '2021-06', '--out', join(dir, 'y'), '-q']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/no origin fits between 2021-06 and 2022-03/);
    const r3 = await run(['backtest', '--events', events, '--horizons', '3,x']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/--horizons must be months/);
    const r4 = await run(['backtest', '--events', events, '--trend', 'quadratic']);
    expect(r4.code).toBe(2);
    expect(r4.stderr).toMatch(/--trend: "quadratic" is not a trend/);
    const r5 = await run(['backtest', '--events', `a=${events}`, '--events', `b=${events}`, '--horizons', '3', '--runs', '1', '--bands-into', join(dir, 'x.json'), '--out', join(dir, 'z'), '-q']);
    expect(r5.code).toBe(2);
    expect(r5.stderr).toMatch(/--bands-into takes the factors of one history or series \(this back-test has 2\)/);
  });
});
