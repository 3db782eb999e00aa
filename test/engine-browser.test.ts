/**
 * The engine's core runs in a browser: the layers below the node-side adapters are bundled for
 * the browser (esbuild, platform `browser`: a `node:` import or a Node built-in fails the build),
 * loaded into headless Chromium, and a Southampton replication run there gives the same KPI
 * numbers, to the last bit, as the same replication run here (same scenario, seed and
 * replication: the same outputs on any machine).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { loadScenario } from '../src/node/scenarioLoader.ts';
import { runReplicationTask } from '../src/ensemble/replication.ts';
import { exactNumbers, type ExactNumbers } from './helpers/exactNumbers.ts';
import type { Scenario } from '../src/scenarios/index.ts';
import { browserSkipReason, launchChromium } from './browser/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../scenarios/southampton-baseline.json', import.meta.url));

/** The page's entry: the replication runner (src/ensemble/replication.ts imports only the engine's core). */
const ENTRY = `
import { runReplicationTask } from './src/ensemble/replication.ts';
import { exactNumbers } from './test/helpers/exactNumbers.ts';
globalThis.caseflowRun = (scenario, seed, replication, months) => exactNumbers(runReplicationTask({ scenarios: [scenario], seed, replication, months }));
`;

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

describe('the engine in a browser', () => {
  let bundle = '';

  beforeAll(async () => {
    const r = await build({
      stdin: { contents: ENTRY, resolveDir: ROOT, sourcefile: 'browser-entry.ts', loader: 'ts' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    bundle = r.outputFiles[0].text;
  });

  it('bundles for the browser: no Node built-in is reached from the replication runner', () => {
    expect(bundle.length).toBeGreaterThan(10_000);
    expect(bundle).not.toMatch(/\brequire\(["']node:/);
  });

  describe.skipIf(skipReason !== undefined)('in headless Chromium', () => {
    let browser: Browser;
    const problems: string[] = [];
    let scenario: Scenario;

    beforeAll(async () => {
      scenario = loadScenario(SCENARIO);
      browser = await launchChromium();
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('a 12-month Southampton replication gives the same KPIs, bit for bit, as in Node', async () => {
      const page = await browser.newPage();
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
      });
      await page.setContent('<!doctype html><title>caseflow engine</title>');
      await page.addScriptTag({ content: bundle });
      const inBrowser = (await page.evaluate(
        ([sc, seed, replication, months]) => (globalThis as unknown as { caseflowRun: (...a: unknown[]) => unknown }).caseflowRun(sc, seed, replication, months),
        [scenario, 11, 3, 12] as const,
      )) as ExactNumbers;
      const inNode = exactNumbers(runReplicationTask({ scenarios: [scenario], seed: 11, replication: 3, months: 12 }));
      expect(problems).toEqual([]);
      expect(Number(inNode.events[0])).toBeGreaterThan(10_000);
      expect(Object.keys(inBrowser).sort()).toEqual(Object.keys(inNode).sort());
      const differ = Object.keys(inNode).filter((k) => inNode[k].join(',') !== inBrowser[k].join(','));
      expect(differ).toEqual([]);
    }, 120_000);
  });
});
