/**
 * How fast a report opens in Chromium. The page no longer carries plotly.js (one shared copy per
 * results root) and draws figures only as they scroll into view, so what a reader waits for is the
 * first screen. Wall-clock times are printed, not asserted (CI is a busy 2-core box); the test
 * asserts what makes them short: the page weight and the number of figures drawn before scrolling.
 * Measured numbers are in docs/report.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type HeadlessBrowser } from '../../src/report/browser.js';
import { writeReport } from '../../src/report/report.js';
import { SIX_SCHEMES, writeWarehouseFixture } from './fixtures.js';

const skip = process.env['TACIT_SKIP_BROWSER'] === '1';
const SEVEN = [...SIX_SCHEMES, { scheme: 'difference-lookahead', fillRate: 0.9, cost: 10.5, hackRate: 0 }];

async function open(browser: HeadlessBrowser, path: string): Promise<{ ms: number; drawn: number; total: number; errors: string[]; requests: string[] }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  const t0 = performance.now();
  await page.goto(pathToFileURL(path).href);
  await page.waitForFunction("document.body.getAttribute('data-rendered') !== null", undefined, { timeout: 60_000 });
  const ms = performance.now() - t0;
  const drawn = (await page.evaluate('window.tacitDrawnCount()')) as number;
  const total = ((await page.evaluate('window.tacitFigureIds')) as string[]).length;
  expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
  await page.close();
  return { ms, drawn, total, errors, requests };
}

describe.skipIf(skip)('report load time in Chromium', () => {
  let root: string;
  let browser: HeadlessBrowser;

  beforeAll(async () => {
    if (!findChromium()) throw new Error('Chromium not found (see test/report/browser.test.ts)');
    root = mkdtempSync(join(tmpdir(), 'tacit-load-'));
    browser = await launchChromium('the load-time test');
  });
  afterAll(async () => {
    await browser?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('a single run: a light page, the first screen drawn, the rest on scroll', async () => {
    const dirs = writeWarehouseFixture(join(root, 'one'), { variants: SEVEN.slice(0, 1), seeds: 1, windows: 2000 });
    const r = await writeReport(dirs, { out: join(root, 'one', 'report.html') });
    const bytes = statSync(r.path).size;
    const m = await open(browser, r.path);
    process.stdout.write(
      `single-run report: ${(bytes / 1024).toFixed(0)} KiB page, opened in ${m.ms.toFixed(0)} ms, ${m.drawn}/${m.total} figures drawn before scrolling\n`,
    );
    expect(m.errors).toEqual([]);
    expect(bytes).toBeLessThan(400_000);
    expect(m.drawn).toBeLessThan(m.total);
  });

  it('a 35-run sweep (7 variants × 5 seeds): page weight and first-screen work stay bounded', async () => {
    const dirs = writeWarehouseFixture(join(root, 'sweep'), { variants: SEVEN, seeds: 5, windows: 400 });
    expect(dirs).toHaveLength(35);
    const r = await writeReport(dirs, { out: join(root, 'sweep', 'report.html') });
    const bytes = statSync(r.path).size;
    const m = await open(browser, r.path);
    process.stdout.write(
      `35-run sweep report: ${(bytes / 1024).toFixed(0)} KiB page, opened in ${m.ms.toFixed(0)} ms, ${m.drawn}/${m.total} figures drawn before scrolling\n`,
    );
    expect(m.errors).toEqual([]);
    expect(bytes).toBeLessThan(2_000_000);
    expect(m.drawn).toBeLessThanOrEqual(6);
    expect(m.total).toBeGreaterThan(m.drawn * 2);
  });

  it('--standalone inlines plotly.js and requests nothing but the page', async () => {
    const dirs = writeWarehouseFixture(join(root, 'alone'), { variants: SEVEN.slice(0, 1), seeds: 1, windows: 50 });
    const r = await writeReport(dirs, { out: join(root, 'alone', 'report.html'), standalone: true });
    expect(statSync(r.path).size).toBeGreaterThan(3_000_000);
    const m = await open(browser, r.path);
    expect(m.errors).toEqual([]);
    expect(m.requests).toEqual([pathToFileURL(r.path).href]);
  });
});
