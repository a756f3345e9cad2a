/**
 * `--png`: each figure of a written report exported as a PNG by Plotly's own toImage in headless
 * Chromium (so PNGs match what the page draws), into `<report name>-figures/<figure id>.png`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium, type HeadlessBrowser } from './browser.js';

/** Options of exportPngs. */
export interface PngOptions {
  /** Image width in CSS pixels (height is the figure's own), default 900. */
  readonly width?: number;
  /** Device pixel ratio, default 2. */
  readonly scale?: number;
  /** Reuse a running browser instead of launching one. */
  readonly browser?: HeadlessBrowser;
}

/** Render every figure of the report at `htmlPath` to PNG files in `outDir`; returns their paths. */
export async function exportPngs(htmlPath: string, outDir: string, options: PngOptions = {}): Promise<string[]> {
  const browser = options.browser ?? (await launchChromium('--png'));
  const page = await browser.context.newPage();
  try {
    await page.goto(pathToFileURL(htmlPath).href);
    return await figuresToPngs(page, outDir, options);
  } finally {
    await page.close();
    if (!options.browser) await browser.close();
  }
}

/** Export the figures (all, or `ids`) of a report already open in `page` as PNG files in `outDir`. */
export async function figuresToPngs(page: Page, outDir: string, options: PngOptions & { ids?: readonly string[] } = {}): Promise<string[]> {
  // Page-side code is passed as strings: this package compiles without the DOM typings.
  await page.waitForFunction("document.body.getAttribute('data-rendered') !== null", undefined, { timeout: 60_000 });
  if ((await page.getAttribute('body', 'data-rendered')) !== 'true') throw new Error(`report ${page.url()} failed to render in Chromium (see its console)`);
  // Figures are drawn lazily as they scroll into view: draw them all first.
  await page.evaluate('window.tacitRenderAll()');
  const ids = options.ids ?? ((await page.evaluate('window.tacitFigureIds')) as string[]);
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const id of ids) {
    const args = JSON.stringify({ id, width: options.width ?? 900, scale: options.scale ?? 2 });
    const url = (await page.evaluate(
      `(() => { const a = ${args}; const gd = document.getElementById(a.id); return Plotly.toImage(gd, { format: 'png', width: a.width, height: (gd.layout && gd.layout.height) || 380, scale: a.scale }); })()`,
    )) as string;
    const path = join(outDir, `${id}.png`);
    writeFileSync(path, Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));
    written.push(path);
  }
  return written;
}
