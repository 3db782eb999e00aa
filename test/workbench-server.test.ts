/**
 * The workbench's local server: the scenario library it serves, scenario files opened in the
 * page, the bundled page itself, and the import of statutory returns calibrated with the command
 * line's own `import` and `calibrate`.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLibrary, resolveOpened, startWorkbench, SCENARIOS_DIR, type LibraryEntry, type WorkbenchServer } from '../src/web/server.ts';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { validateScenario } from '../src/scenarios/index.ts';

const FIX = fileURLToPath(new URL('./fixtures/returns/', import.meta.url));

describe('scenario library', () => {
  it('serves every shipped scenario, resolved as the command line resolves it, with its comparators', () => {
    const lib = readLibrary();
    const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');
    expect(lib.scenarios.map((e) => e.file)).toEqual(files.sort());
    for (const e of lib.scenarios) expect(validateScenario(e.resolved, e.file)).toEqual(loadScenario(`${SCENARIOS_DIR}${e.file}`));
    const southampton = lib.scenarios.find((e) => e.file === 'southampton-baseline.json')!;
    expect(southampton.comparators.length).toBeGreaterThan(100);
    expect(lib.defaults).toMatchObject({ baseline: 'southampton-baseline.json', scenario: 'family-safeguarding.json', months: 60 });
  });

  it('resolves an opened file’s extends in the scenarios folder, and refuses bad ones in the command line’s words', () => {
    const own = { extends: 'southampton-baseline.json', name: 'opened', description: 'x', interventions: [] };
    const e = resolveOpened('opened.json', JSON.stringify(own));
    expect(e.file).toBe('opened.json');
    expect(validateScenario(e.resolved).start).toBe(loadScenario(`${SCENARIOS_DIR}southampton-baseline.json`).start);
    expect(e.comparators.length).toBeGreaterThan(100);
    expect(() => resolveOpened('x.json', '{ nope')).toThrow(/^x\.json: not valid JSON/);
    expect(() => resolveOpened('x.json', '[1]')).toThrow(/^x\.json: a scenario must be a JSON object$/);
    expect(() => resolveOpened('x.json', JSON.stringify({ ...own, extends: 'missing.json' }))).toThrow(/^x\.json: extends: .*no such file/);
    expect(() => resolveOpened('x.json', JSON.stringify({ ...own, months: 0 }))).toThrow('x.json: months: Too small: expected number to be >=1');
  });
});

describe('workbench server', () => {
  let wb: WorkbenchServer;
  beforeAll(async () => {
    wb = await startWorkbench({ port: 0 });
  });
  afterAll(async () => {
    await wb?.close();
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(new URL(path, wb.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('listens on 127.0.0.1 and serves the page, its scripts and the library; anything else is 404', async () => {
    expect(wb.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(wb.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    expect(await page.text()).toContain('<script type="module" src="/app.js">');
    for (const f of ['app.js', 'worker.js']) {
      const r = await fetch(new URL(f, wb.url));
      expect(r.headers.get('content-type')).toMatch(/javascript/);
      const text = await r.text();
      expect(text.length).toBeGreaterThan(100_000);
      expect(text).not.toMatch(/from\s*["']node:/); // no Node built-in reached the browser bundle
    }
    const lib = (await (await fetch(new URL('api/library', wb.url))).json()) as { scenarios: LibraryEntry[] };
    expect(lib.scenarios.length).toBe(readLibrary().scenarios.length);
    expect((await fetch(new URL('nothing-here', wb.url))).status).toBe(404);
  });

  it('answers a bad scenario file with 400 and one line', async () => {
    const r = await post('/api/resolve', { file: 'bad.json', text: JSON.stringify({ name: 'bad' }) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^bad\.json: description: missing/);
  });

  // Each import runs `caseflow import` and `caseflow calibrate` as child processes, as a user's would.
  it('imports a CIN census and calibrates a baseline from it on this machine', { timeout: 400_000 }, async () => {
    const r = await post('/api/import', {
      baseline: 'southampton-baseline.json',
      name: 'census-calibrated',
      uploads: [{ role: 'cin', name: 'census-known.xml', text: readFileSync(`${FIX}census-known.xml`, 'utf8') }],
    });
    expect(r.status, String(r.body.error)).toBe(200);
    const entry = r.body.entry as LibraryEntry;
    expect(entry.file).toBe('census-calibrated.json');
    expect(entry.own.extends).toBeUndefined(); // a calibrated scenario stands alone
    const s = validateScenario(entry.resolved);
    expect(s.name).toBe('census-calibrated');
    expect(s.start).toBe(loadScenario(`${SCENARIOS_DIR}southampton-baseline.json`).start);
  });

  it('refuses an import without files, with a bad name, or with returns the importer rejects', { timeout: 400_000 }, async () => {
    expect((await post('/api/import', { baseline: 'southampton-baseline.json', name: 'x', uploads: [] })).body.error).toBe('choose at least one return file to import');
    const bad = await post('/api/import', { baseline: 'southampton-baseline.json', name: '../x', uploads: [{ role: 'cin', name: 'a.xml', text: '' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^name: /);
    const notCensus = await post('/api/import', { baseline: 'southampton-baseline.json', name: 'x', uploads: [{ role: 'cin', name: 'not-a-census.xml', text: readFileSync(`${FIX}not-a-census.xml`, 'utf8') }] });
    expect(notCensus.status).toBe(400);
    expect(notCensus.body.error).toMatch(/not-a-census\.xml/);
    expect(String(notCensus.body.error).split('\n')).toHaveLength(1);
  });
});
