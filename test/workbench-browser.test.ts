/**
 * The workbench end to end in headless Chromium (Debian's package via playwright-core): the first
 * view runs the default comparison without a click and streams results, a run can be cancelled,
 * changing a lever and running changes the charts, bad values get the command line's message
 * beside the field, a saved scenario reproduces the workbench's kpis.csv byte for byte under
 * `caseflow simulate`, edits survive a reload, and the page asks nothing of any host but the
 * local server. Screenshots (1280×800 and print) go to test/.artifacts/ for people to look at.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startWorkbench, SCENARIOS_DIR, type WorkbenchServer } from '../src/web/server.ts';
import { main } from '../src/cli/main.ts';
import { browserSkipReason, launchChromium } from './browser/chromium.ts';
import { drawCharts } from './helpers/charts.ts';
import { tempDir } from './helpers/cli.ts';

// The page's globals, typed locally (the project compiles without the DOM lib).
interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly id: string;
  readonly labels?: { length: number } | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  scrollingElement: { scrollWidth: number } | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};

const ARTIFACTS = fileURLToPath(new URL('./.artifacts/', import.meta.url));
const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

describe.skipIf(skipReason !== undefined)('the workbench in headless Chromium', () => {
  let wb: WorkbenchServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];
  const external: string[] = [];
  const temps: string[] = [];

  const dataset = (key: string) => page.evaluate((k) => document.body.dataset[k], key);

  /** Clicks Run and waits for that run to end; returns the status line. */
  async function runAndWait(): Promise<string> {
    const before = Number((await dataset('runs')) ?? 0);
    await page.click('#run');
    await page.waitForFunction((n) => Number(document.body.dataset.runs ?? 0) > n, before, { timeout: 110_000 });
    return (await page.textContent('#status')) ?? '';
  }

  async function download(selector: string): Promise<string> {
    const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return readFileSync((await d.path())!, 'utf8');
  }

  const scenarioLine = () => page.getAttribute('figure[data-key="cp_open"] .mark-line path[aria-label*="family-safeguarding"]', 'd');
  const avoided = () => page.textContent('#cumulative tr[data-kpi="cp_plans_avoided"] td.num');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    wb = await startWorkbench({ port: 0 });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
      external.push(url.href);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await wb?.close();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  it('runs the default comparison on opening, streams results with progress, and cancels', async () => {
    await page.goto(wb.url);
    await page.waitForFunction(() => document.body.dataset.done !== undefined, null, { timeout: 110_000 });
    expect(await page.textContent('#status')).toMatch(/of 20 replications/);
    expect(await page.getAttribute('[role=tab][aria-selected=true]', 'id')).toMatch(/^tab-/);
    expect(await page.textContent('[role=tab][aria-selected=true]')).toBe('family-safeguarding');
    await page.click('#cancel');
    await page.waitForFunction(() => /Cancelled/.test(document.querySelector('#status')?.textContent ?? ''), null, { timeout: 60_000 });
    expect(await dataset('finishedMs')).toBeUndefined();
    expect(Number(await page.getAttribute('#progress', 'value'))).toBeLessThan(20);
    // what arrived before the cancel is drawn: both scenarios' fans, observed history and comparators
    await page.waitForSelector('figure[data-key="cla_open"] .mark-line path', { timeout: 60_000 });
    console.log(`first result after ${await dataset('firstResultMs')} ms (2 scenarios × 60 months)`);
  });

  it('changes a lever, runs, and the charts and totals change', async () => {
    await page.fill('#runs', '3');
    await page.press('#runs', 'Tab');
    await page.fill('#months', '15');
    await page.press('#months', 'Tab');
    expect(await runAndWait()).toMatch(/^Finished: 3 replications of 2 scenarios/);
    const line = await scenarioLine();
    const before = await avoided();
    expect(line).toBeTruthy();
    // Family Safeguarding's first effect (icpc_to_cp), from April 2023 so that it acts within these 15 months
    const value = page.getByLabel('Value', { exact: true }).first();
    expect(Number(await value.inputValue())).toBeLessThan(0);
    await value.fill('-0.6');
    await page.getByLabel('Start (YYYY-MM)').first().fill('2023-04');
    expect(await runAndWait()).toMatch(/^Finished/);
    expect(await scenarioLine()).not.toBe(line);
    const parse = (s: string | null) => Number((s ?? '').replace(/[^\d.]/g, ''));
    expect(parse(await avoided())).toBeGreaterThan(parse(before));
    // every headline chart is drawn as SVG with bands and median lines
    for (const kpi of ['contacts', 'referrals', 'cp_open', 'cla_open', 'cla_rate']) {
      expect(await page.locator(`figure[data-key="${kpi}"] .mark-area path`).count(), kpi).toBe(4);
      expect(await page.getAttribute(`figure[data-key="${kpi}"] .plot`, 'aria-label'), kpi).toMatch(/^Fan chart: /);
    }
    expect(await page.locator('figure[data-key="mix"] .mark-area path').count()).toBeGreaterThanOrEqual(16);
    expect(await page.locator('figure[data-key="placement_cost"] svg').count()).toBe(1);
  });

  it('shows the command line’s message beside a bad field and will not run until it is fixed', async () => {
    const start = page.getByLabel('Start (YYYY-MM)').first();
    await start.fill('2024-13');
    const error = page.locator('.field-error:not(:empty)').first();
    expect(await error.textContent()).toBe('family-safeguarding.json: interventions[0].start: must be a month YYYY-MM');
    expect(await start.getAttribute('aria-invalid')).toBe('true');
    expect(await start.getAttribute('aria-describedby')).toBe(await error.getAttribute('id'));
    await page.click('#run');
    expect(await page.textContent('#status')).toMatch(/^Not run until fixed: family-safeguarding: /);
    await start.fill('2023-04');
    expect(await page.locator('.field-error:not(:empty)').count()).toBe(0);
  });

  it('picks any KPI of the catalogue and shows its numbers on hover', async () => {
    expect(await page.locator('#kpi option').count()).toBeGreaterThan(45);
    await page.selectOption('#kpi', 'cla_placement_ifa_pct');
    await page.waitForFunction(() => document.querySelector('#picked .title')?.textContent === 'CLA in IFA placements %', null, { timeout: 30_000 });
    // the hover targets sit on the medians; hover one a year into the projection
    const target = page.locator('#picked .mark-symbol path[aria-label*="Median"]').nth(12);
    // the chart may sit below the fold (the totals table above it grows with its rows)
    await target.scrollIntoViewIfNeeded();
    const box = (await target.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('#tooltip:not([hidden])', { timeout: 10_000 });
    expect(await page.isVisible('#tooltip')).toBe(true);
    expect(await page.textContent('#tooltip')).toMatch(/^Scenario(southampton-baseline|family-safeguarding)MonthMar 2024Median\d/);
  });

  it('saves the scenario as a file from which caseflow simulate writes the same kpis.csv, byte for byte', async () => {
    const saved = await download('#save-scenario');
    const file = JSON.parse(saved) as Record<string, unknown>;
    expect(file).toMatchObject({ extends: 'southampton-baseline.json', name: 'family-safeguarding', runs: 3, months: 15 });
    const path = join(SCENARIOS_DIR, `workbench-e2e-${process.pid}.json.tmp`);
    temps.push(path);
    writeFileSync(path, saved);
    const out = tempDir('caseflow-wb-');
    temps.push(out);
    expect(await main(['simulate', '--scenario', path, '--out', out, '--no-report', '--quiet', '--workers', '1'])).toBe(0);
    const cli = readFileSync(join(out, 'kpis.csv'), 'utf8');
    const page1 = await download('#dl-kpis-1');
    expect(page1.length).toBeGreaterThan(1000);
    expect(page1 === cli).toBe(true);
    // all scenarios: the header, then the baseline's rows, then the what-if's, as `caseflow compare` writes
    const page0 = await download('#dl-kpis-0');
    const all = await download('#dl-kpis');
    expect(all).toBe(page0 + page1.slice(page1.indexOf('\n') + 1));
    expect((await download('#dl-comparison-1')).split('\n')[0]).toBe('month,kpi,baseline_p50,scenario_p50,diff_p50,diff_p5,diff_p95,diff_pct');
    const report = await download('#dl-report');
    expect(report).toMatch(/^<!DOCTYPE html>/);
    expect(report).toContain('family-safeguarding against southampton-baseline');
    // the charts as specs with the scripts that draw them, as the command line writes them
    const drawn = await drawCharts(report);
    expect(drawn.charts).toBeGreaterThan(8);
    expect(drawn.warnings).toEqual([]);
    expect((drawn.html.match(/<svg /g) ?? []).length).toBe(drawn.charts);
    expect(drawn.html).not.toMatch(/<script/);
  });

  it('keeps the edits and run settings over a reload', async () => {
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.finishedMs !== undefined, null, { timeout: 110_000 });
    expect(await page.getByLabel('Value', { exact: true }).first().inputValue()).toBe('-0.6');
    expect(await page.getByLabel('Start (YYYY-MM)').first().inputValue()).toBe('2023-04');
    expect(await page.inputValue('#runs')).toBe('3');
    expect(await page.inputValue('#months')).toBe('15');
    expect(await page.textContent('#status')).toMatch(/^Finished: 3 replications/);
  });

  it('labels every control, fits a 13-inch screen, and prints the results with their assumptions', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((el) => !((el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && (el.textContent ?? '').trim() !== '')))
        .map((el) => el.id || el.tagName),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0)).toBeLessThanOrEqual(1280);
    await page.keyboard.press('Escape');
    await page.screenshot({ path: join(ARTIFACTS, 'workbench.png') });
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('aside.side')).toBe(false);
    expect(await page.textContent('#assumptions')).toContain('Family Safeguarding');
    await page.screenshot({ path: join(ARTIFACTS, 'workbench-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });

  it('made no request outside the local server and logged no errors', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});
