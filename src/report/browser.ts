/**
 * Headless Chromium for --png and the browser test, driven by playwright-core (playwright's own
 * browser downloads are never used). Where the browser comes from, first match wins:
 *   1. TACIT_CHROMIUM, a path to any Chromium/Chrome executable (must exist);
 *   2. the Chromium inside the `@sparticuz/chromium` npm package (Linux x64), so that `npm install`
 *      is all a fresh machine needs;
 *   3. a system Chromium at one of CHROMIUM_PATHS (other platforms, or an install without it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { UsageError } from '../core/errors.js';
import { NPM_CHROMIUM_PACKAGE, npmChromiumPackage, unpackNpmChromium } from './chromium-npm.js';

/** Where a system Chromium is looked for when neither TACIT_CHROMIUM nor the npm package gives one. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** What to do when no browser is found. */
export const CHROMIUM_INSTALL = `npm install (it brings ${NPM_CHROMIUM_PACKAGE} on Linux x64), or install a system Chromium, or set TACIT_CHROMIUM=/path/to/chromium`;

/** Which browser would be used, without unpacking anything; null when there is none. */
export function findChromium(): { source: 'TACIT_CHROMIUM' | 'npm' | 'system'; path: string } | null {
  const env = process.env['TACIT_CHROMIUM'];
  if (env) return existsSync(env) ? { source: 'TACIT_CHROMIUM', path: env } : null;
  const pkg = npmChromiumPackage();
  if (pkg) return { source: 'npm', path: pkg.binDir };
  const system = CHROMIUM_PATHS.find((p) => existsSync(p));
  return system ? { source: 'system', path: system } : null;
}

/**
 * Flags for a quiet, offline, sandbox-free headless Chromium (containers run as root).
 * --disable-gpu: the report is SVG, so software rasterising is enough and no GL library is needed.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** A running browser with a throwaway profile; `close` removes the profile. */
export interface HeadlessBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launch headless Chromium with a fresh user-data dir, or throw a UsageError saying how to get one. */
export async function launchChromium(purpose: string): Promise<HeadlessBrowser> {
  const found = findChromium();
  if (!found) {
    const looked = process.env['TACIT_CHROMIUM']
      ? `TACIT_CHROMIUM=${process.env['TACIT_CHROMIUM']}`
      : `the ${NPM_CHROMIUM_PACKAGE} package, ${CHROMIUM_PATHS.join(', ')}`;
    throw new UsageError(`${purpose} needs Chromium, which was not found (looked at ${looked}). Fix: ${CHROMIUM_INSTALL}`);
  }
  let executablePath = found.path;
  let env: Record<string, string> = {};
  if (found.source === 'npm') {
    const unpacked = await unpackNpmChromium();
    if (!unpacked) throw new Error(`${NPM_CHROMIUM_PACKAGE} disappeared while unpacking`);
    ({ executablePath, env } = unpacked);
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tacit-chromium-profile-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...(process.env as Record<string, string>), ...env },
      viewport: { width: 1400, height: 900 },
    });
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

export type { Browser };
