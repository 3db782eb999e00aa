/**
 * Opens the written report in headless Chromium: the charts render with real geometry, the page
 * makes no network requests and logs no errors, and a full-page screenshot (plus an A4 PDF) is
 * saved to test/.artifacts/ for people to look at.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { writeReport } from '../src/report/index.ts';
import { KPIS } from '../src/projections/catalogue.ts';
import { makeReportInput } from './browser/fixture.ts';
import { browserSkipReason, launchChromium } from './browser/chromium.ts';

// Minimal typing for the code that runs inside the page (the project compiles without the DOM lib;
// these declarations are local to this module).
interface PageRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): PageRect;
  getBBox(): PageRect;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & { length: number };
}
declare const document: PageElement & { documentElement: PageElement };
declare const window: { scrollY: number };

const ARTIFACTS = fileURLToPath(new URL('./.artifacts/', import.meta.url));
const REPORT = `${ARTIFACTS}report.html`;
const SCREENSHOT = `${ARTIFACTS}report.png`;
const PDF = `${ARTIFACTS}report.pdf`;
const HEADLINE = KPIS.filter((k) => k.headline).map((k) => k.id);

const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

describe.skipIf(skipReason !== undefined)('report.html in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const externalRequests: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await writeReport(REPORT, makeReportInput({ runs: 200 }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      externalRequests.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no console errors, no page errors and no network requests', () => {
    expect(problems).toEqual([]);
    expect(externalRequests).toEqual([]);
  });

  it('draws every chart before the load event (its data is inline)', async () => {
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-charts'))).toBe('ready');
    const empty = await page.evaluate(() => [...document.querySelectorAll('div.vis')].filter((v) => v.querySelector('svg') === null).length);
    expect(empty).toBe(0);
  });

  it('renders every headline chart as an SVG with visible bands and median lines', async () => {
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll('figure.chart')].map((fig) => {
        const svg = fig.querySelector('svg');
        const box = (el: PageElement) => {
          const r = el.getBoundingClientRect();
          return { w: r.width, h: r.height };
        };
        const paths = (sel: string) =>
          [...fig.querySelectorAll(sel)].filter((p) => {
            const b = p.getBBox();
            return (p.getAttribute('d') ?? '').length > 10 && b.width > 0 && b.height > 0;
          }).length;
        return {
          kpi: fig.getAttribute('data-kpi'),
          svg: svg ? box(svg) : null,
          role: svg?.getAttribute('role') ?? null,
          label: svg?.getAttribute('aria-label') ?? '',
          title: svg?.querySelector(':scope > title')?.textContent ?? '',
          caption: fig.querySelector('figcaption .title')?.textContent ?? '',
          areas: paths('.mark-area path'),
          lines: paths('.mark-line path'),
          texts: fig.querySelectorAll('svg text').length,
        };
      }),
    );
    for (const id of HEADLINE) {
      const c = charts.find((x) => x.kpi === id);
      expect(c, id).toBeDefined();
      expect(c!.svg, id).not.toBeNull();
      expect(c!.svg!.w, id).toBeGreaterThan(250);
      expect(c!.svg!.h, id).toBeGreaterThan(150);
      expect(c!.role).toBe('img');
      expect(c!.label.length, id).toBeGreaterThan(40);
      expect(c!.title.length, id).toBeGreaterThan(5);
      expect(c!.caption.length, id).toBeGreaterThan(3);
      expect(c!.areas, `${id} bands`).toBe(4); // 50% and 90% bands for two scenarios
      expect(c!.lines, `${id} medians`).toBe(2);
      expect(c!.texts, `${id} axis text`).toBeGreaterThan(8);
    }
    const mix = charts.find((x) => x.kpi === 'cla_placement_mix');
    expect(mix?.areas).toBeGreaterThanOrEqual(24); // 12 placement groups x 2 scenarios
  });

  it('lays charts out without overlapping one another', async () => {
    const boxes = await page.evaluate(() =>
      [...document.querySelectorAll('figure.chart')].map((f) => {
        const r = f.getBoundingClientRect();
        return { x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height };
      }),
    );
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
        expect(overlap, `figures ${i} and ${j}`).toBe(false);
      }
    }
  });

  it('draws comparator labels without overprinting one another', async () => {
    const clashes = await page.evaluate(() => {
      const found: string[] = [];
      for (const fig of document.querySelectorAll('figure.chart')) {
        const labels = [...fig.querySelectorAll('.role-mark text')].filter((t) => t.getAttribute('fill') !== 'white');
        const boxes = labels.map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }));
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r;
            const b = boxes[j].r;
            if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
              found.push(`${fig.getAttribute('data-kpi')}: "${boxes[i].text}" / "${boxes[j].text}"`);
            }
          }
        }
      }
      return found;
    });
    expect(clashes).toEqual([]);
  });

  it('saves a full-page screenshot and an A4 PDF', async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(1100); // width from the IHDR chunk
    expect(png.readUInt32BE(20)).toBeGreaterThan(3000); // the whole page, not one screen
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: PDF, format: 'A4', printBackground: true });
    const pdf = readFileSync(PDF).toString('latin1');
    const pages = (pdf.match(/\/Type\s*\/Page\b/g) ?? []).length;
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(statSync(PDF).size).toBeGreaterThan(50_000);
    expect(problems).toEqual([]);
  });
});
