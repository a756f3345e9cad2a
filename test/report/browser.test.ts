/**
 * The HTML report in a real browser: headless Chromium (from the @sparticuz/chromium npm package,
 * or a system one where that has no binary; driven by playwright-core) opens the file offline and must show no console errors, request nothing but the
 * file itself, draw every figure with data, and produce a screenshot that is not blank. `--png`
 * must write a real PNG per figure.
 *
 * `npm install` provides the browser on Linux x64. Without one this test FAILS saying how to get
 * it, unless TACIT_SKIP_BROWSER=1 says the browser is knowingly unavailable.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_INSTALL, findChromium, launchChromium, type HeadlessBrowser } from '../../src/report/browser.js';
import { figuresToPngs } from '../../src/report/png.js';
import { plotlyVersion } from '../../src/report/html.js';
import { writeReport, type ReportResult } from '../../src/report/report.js';
import { SIX_SCHEMES, writeMarketFixture, writeWarehouseFixture } from './fixtures.js';
import { colourStats, decodePng } from './png-decode.js';

const skip = process.env['TACIT_SKIP_BROWSER'] === '1';

describe.skipIf(skip)('report in headless Chromium', () => {
  let root: string;
  let report: ReportResult;
  let browser: HeadlessBrowser;
  let page: Page;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  let drawnBeforeScroll = 0;

  beforeAll(async () => {
    if (!findChromium())
      throw new Error(`Chromium not found: the browser test needs it. Fix: ${CHROMIUM_INSTALL} (or set TACIT_SKIP_BROWSER=1 to skip knowingly)`);
    root = mkdtempSync(join(tmpdir(), 'tacit-browser-'));
    writeWarehouseFixture(root, { variants: SIX_SCHEMES.slice(0, 2), seeds: 2, windows: 12 });
    writeMarketFixture(root, 2, 12);
    report = await writeReport([root], { now: new Date('2025-01-01T00:00:00Z') });
    browser = await launchChromium('the browser test');
    page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(report.path).href);
    await page.waitForFunction("document.body.getAttribute('data-rendered') !== null", undefined, { timeout: 30_000 });
    drawnBeforeScroll = (await page.evaluate('window.tacitDrawnCount()')) as number;
    await page.evaluate('window.tacitRenderAll()');
  });

  afterAll(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('renders without console errors and without network access', async () => {
    expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
    expect(consoleErrors).toEqual([]);
    // The page and the shared plotly.js beside it: nothing from the network.
    expect(requests).toEqual([pathToFileURL(report.path).href, pathToFileURL(join(root, `plotly-${plotlyVersion()}.min.js`)).href]);
  });

  it('draws only the figures near the first screen before the reader scrolls', () => {
    expect(drawnBeforeScroll).toBeGreaterThan(0);
    expect(drawnBeforeScroll).toBeLessThan(report.figureIds.length / 2);
  });

  it('draws every figure with data', async () => {
    // Every family of figure is present for this mix of a warehouse sweep and a market run.
    for (const prefix of ['compare-kpi-', 'compare-local-rewards', 'compare-verdicts', 'curve-', 'ledger-', 'prices-', 'impulse-', 'influence-'])
      expect(
        report.figureIds.some((id) => id.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(report.unavailable).toEqual([]);
    const drawn = (await page.evaluate(`window.tacitFigureIds.map(function (id) {
      var gd = document.getElementById(id);
      var points = 0;
      (gd.data || []).forEach(function (t) { points += (t.z ? t.z.length : 0) + (t.x ? t.x.length : 0); });
      return { id: id, traces: (gd.data || []).length, points: points, svg: !!gd.querySelector('svg.main-svg'),
        marks: gd.querySelectorAll('path.js-line, path.point, g.point path, .hm image').length };
    })`)) as { id: string; traces: number; points: number; svg: boolean; marks: number }[];
    expect(drawn.map((d) => d.id)).toEqual(report.figureIds);
    for (const d of drawn) {
      expect(d.svg, d.id).toBe(true);
      expect(d.traces, d.id).toBeGreaterThan(0);
      expect(d.points, d.id).toBeGreaterThan(0);
      expect(d.marks, d.id).toBeGreaterThan(0);
    }
  });

  it('shades detector findings on the ledger figures', async () => {
    const shapes = (await page.evaluate(
      `document.getElementById(window.tacitFigureIds.find(function (id) { return id.indexOf('ledger-') === 0 && id.indexOf('local') > 0; })).querySelectorAll('.layer-below .shapelayer path').length`,
    )) as number;
    expect(shapes).toBeGreaterThan(0);
  });

  it('looks like a report: the screenshot is not blank', async () => {
    const shot = decodePng(await page.screenshot({ fullPage: false }));
    const stats = colourStats(shot);
    expect(shot.width).toBeGreaterThan(1000);
    expect(stats.distinct).toBeGreaterThan(200);
    expect(stats.dominantShare).toBeLessThan(0.9);
    // The first figure on its own, too: plotted marks, not an empty frame.
    const fig = decodePng(await page.locator(`#${report.figureIds[0]}`).screenshot());
    expect(colourStats(fig).distinct).toBeGreaterThan(20);
  });

  it('--png writes a real PNG of each figure', async () => {
    const dir = join(root, 'figures');
    // One figure of each kind (markers with error bars, bands, heatmap) from the page already open.
    const ids = ['compare-kpi-', 'curve-', 'influence-'].map((p) => report.figureIds.find((id) => id.startsWith(p))!);
    const pngs = await figuresToPngs(page, dir, { ids, scale: 1, width: 600 });
    expect(pngs).toEqual(ids.map((id) => join(dir, `${id}.png`)));
    for (const p of pngs) {
      const png = decodePng(readFileSync(p));
      expect(png.width).toBe(600);
      expect(colourStats(png).distinct).toBeGreaterThan(10);
    }
  });
});
