/**
 * Headless Chromium for --png and the browser test, driven by playwright-core with the system's
 * Chromium (Debian's `chromium` package: `apt-get install -y chromium`); playwright's own browser
 * downloads are never used. TACIT_CHROMIUM overrides the executable path.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { UsageError } from '../core/errors.js';

/** Where Chromium is looked for when TACIT_CHROMIUM is not set. */
export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The install line for Debian/Ubuntu. */
export const CHROMIUM_INSTALL = 'apt-get update && apt-get install -y chromium';

/** The Chromium executable, or null when none is installed. */
export function findChromium(): string | null {
  const env = process.env['TACIT_CHROMIUM'];
  if (env) return existsSync(env) ? env : null;
  return CHROMIUM_PATHS.find((p) => existsSync(p)) ?? null;
}

/** Flags for a quiet, offline, sandbox-free headless Chromium (containers run as root). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

/** A running browser with a throwaway profile; `close` removes the profile. */
export interface HeadlessBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launch headless Chromium with a fresh user-data dir, or throw a UsageError saying how to install it. */
export async function launchChromium(purpose: string): Promise<HeadlessBrowser> {
  const executablePath = findChromium();
  if (!executablePath)
    throw new UsageError(`${purpose} needs Chromium, which was not found (looked at ${process.env['TACIT_CHROMIUM'] ?? CHROMIUM_PATHS.join(', ')}). Install it with: ${CHROMIUM_INSTALL} (or set TACIT_CHROMIUM=/path/to/chromium)`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tacit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type { Browser };
