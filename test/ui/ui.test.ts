/**
 * `tacit ui` in a real browser (playwright-core and the npm Chromium): the runs list, live progress
 * of a run started during the test (server-sent events), opening a report (with the shared
 * plotly.js served beside it), comparing two runs side by side, and no console errors anywhere.
 * Waits are on page content, not on the clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium, type HeadlessBrowser } from '../../src/report/browser.js';
import { writeReport } from '../../src/report/report.js';
import { startUi } from '../../src/ui/server.js';
import { SIX_SCHEMES, writeWarehouseFixture } from '../report/fixtures.js';

const skip = process.env['TACIT_SKIP_BROWSER'] === '1';

describe.skipIf(skip)('tacit ui in headless Chromium', () => {
  let root: string;
  let ui: Awaited<ReturnType<typeof startUi>>;
  let browser: HeadlessBrowser;
  let page: Page;
  let child: ChildProcess | undefined;
  const errors: string[] = [];
  let dirs: string[];

  beforeAll(async () => {
    if (!findChromium()) throw new Error('Chromium not found (see test/report/browser.test.ts)');
    root = mkdtempSync(join(tmpdir(), 'tacit-ui-'));
    dirs = writeWarehouseFixture(join(root, 'fixture'), { variants: SIX_SCHEMES.slice(0, 2), seeds: 1, windows: 10 });
    for (const d of dirs) await writeReport([d], { out: join(d, 'report.html') });
    ui = await startUi({ root, pollMs: 200 });
    browser = await launchChromium('the ui test');
    page = await browser.context.newPage();
    page.on('console', (m) => void (m.type() === 'error' && errors.push(`${page.url()}: ${m.text()}`)));
    page.on('pageerror', (e) => errors.push(String(e)));
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await browser?.close();
    await ui?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('lists the runs under the results root', async () => {
    await page.goto(ui.url);
    await page.waitForSelector('tr[data-run]');
    const ids = await page.$$eval('tr[data-run]', (rows) => rows.map((r) => r.getAttribute('data-run')));
    expect(ids).toEqual(dirs.map((d) => d.slice(root.length + 1)));
    expect(await page.textContent('#runs')).toContain('warehouse-schemes');
  });

  it('shows the live progress of a run started now', { timeout: 180_000 }, async () => {
    await page.waitForSelector('body[data-live="true"]');
    const out = join(root, 'live', 'run');
    child = spawn(
      process.execPath,
      [
        'bin/tacit.mjs',
        'run',
        'experiments/quickstart.yaml',
        '--seeds',
        '1',
        '--set',
        'run.steps=400000',
        '--set',
        'run.metricsEvery=2000',
        '--set',
        'output.checkpointEvery=4000',
        '--no-report',
        '--quiet',
        '--out',
        out,
      ],
      { stdio: 'ignore' },
    );
    // The row appears as running, then its bar moves past 0% without a reload (SSE).
    const row = 'tr[data-run="live/run.partial"][data-status="running"]';
    await page.waitForSelector(row, { timeout: 120_000 });
    await page.waitForFunction(`(() => { var p = document.querySelector('${row} .pct'); return p && parseInt(p.textContent, 10) > 0; })()`, undefined, {
      timeout: 120_000,
    });
    const first = Number.parseInt((await page.textContent(`${row} .pct`))!, 10);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(100);
    child.kill('SIGINT');
    await new Promise((ok) => child!.once('exit', ok));
    await page.waitForSelector('tr[data-run="live/run.partial"][data-status="interrupted"]', { timeout: 30_000 });
  });

  it('opens a report, with plotly served from the results root', async () => {
    await page.goto(ui.url);
    await page.waitForSelector('a.report');
    await Promise.all([page.waitForURL(/\/files\/.*report\.html$/), page.click('a.report')]);
    await page.waitForFunction("document.body.getAttribute('data-rendered') !== null", undefined, { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-rendered')).toBe('true');
  });

  it('compares two selected runs side by side', async () => {
    await page.goto(ui.url);
    await page.waitForSelector('tr[data-run] input[type=checkbox]');
    const ids = dirs.map((d) => d.slice(root.length + 1));
    for (const id of ids) await page.check(`tr[data-run="${id}"] input[type=checkbox]`);
    await Promise.all([page.waitForURL(/\/compare\?/), page.click('#compare')]);
    const head = await page.$$eval('#compare-table thead th', (ths) => ths.map((t) => t.textContent));
    expect(head).toEqual(['', ...ids]);
    const rowLabels = await page.$$eval('#compare-table tbody th', (ths) => ths.map((t) => t.textContent));
    expect(rowLabels).toEqual(expect.arrayContaining(['fillRate', 'costToServe', 'report']));
  });

  it('logged no console errors on any page', () => {
    expect(errors).toEqual([]);
  });
});
