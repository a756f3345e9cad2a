/**
 * The browser from npm: on Linux x64 the @sparticuz/chromium dependency is the browser a plain
 * `npm install` provides (before any system one), and its font archive unpacks with the small tar
 * reader, which refuses entries that would leave the target folder.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium } from '../../src/report/browser.js';
import { extractTar, npmChromiumPackage } from '../../src/report/chromium-npm.js';

const linuxX64 = platform() === 'linux' && arch() === 'x64';
const dir = mkdtempSync(join(tmpdir(), 'tacit-tar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.runIf(linuxX64)('browser from npm (Linux x64)', () => {
  it('is found before any system Chromium when TACIT_CHROMIUM is unset', () => {
    const saved = process.env['TACIT_CHROMIUM'];
    delete process.env['TACIT_CHROMIUM'];
    try {
      const found = findChromium();
      expect(found?.source).toBe('npm');
      expect(found?.path).toBe(npmChromiumPackage()!.binDir);
    } finally {
      if (saved !== undefined) process.env['TACIT_CHROMIUM'] = saved;
    }
  });

  it('unpacks its font archive: three fonts and a config', () => {
    const tar = brotliDecompressSync(readFileSync(join(npmChromiumPackage()!.binDir, 'fonts.tar.br')));
    extractTar(tar, join(dir, 'fonts'));
    const fonts = readdirSync(join(dir, 'fonts', 'fonts', 'Open_Sans')).sort();
    expect(fonts).toEqual(['OpenSans-Bold.ttf', 'OpenSans-Italic.ttf', 'OpenSans-Regular.ttf']);
    // TrueType files start with version 0x00010000: the bytes came through intact.
    const regular = readFileSync(join(dir, 'fonts', 'fonts', 'Open_Sans', 'OpenSans-Regular.ttf'));
    expect(regular.readUInt32BE(0)).toBe(0x00010000);
    expect(statSync(join(dir, 'fonts', 'fonts.conf')).size).toBeGreaterThan(0);
  });
});

describe('tar reader', () => {
  const header = (name: string, type: string, body = '') => {
    const h = Buffer.alloc(512);
    h.write(name, 0, 'latin1');
    h.write(body.length.toString(8).padStart(11, '0'), 124, 'latin1');
    h.write(type, 156, 'latin1');
    const data = Buffer.alloc(Math.ceil(body.length / 512) * 512);
    data.write(body, 0, 'latin1');
    return Buffer.concat([h, data]);
  };
  it('writes files and folders', () => {
    const tar = Buffer.concat([header('a/', '5'), header('a/b.txt', '0', 'hello'), Buffer.alloc(1024)]);
    extractTar(tar, join(dir, 'ok'));
    expect(readFileSync(join(dir, 'ok', 'a', 'b.txt'), 'utf8')).toBe('hello');
  });
  it('refuses a path outside the target and a link', () => {
    expect(() => extractTar(Buffer.concat([header('../evil', '0', 'x'), Buffer.alloc(1024)]), join(dir, 'bad'))).toThrow(/leaves the target folder/);
    expect(() => extractTar(Buffer.concat([header('link', '2'), Buffer.alloc(1024)]), join(dir, 'bad'))).toThrow(/type 2/);
  });
});
