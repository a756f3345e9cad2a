/**
 * A Python virtual environment for the interop tests, created once and cached under
 * node_modules/.cache/tacit-venv/<hash of the package list> (reruns cost a directory check; not
 * under .cache/tacit, whose old entries bin/build.mjs prunes).
 * Needs python3 with the venv module and pip's configured index (on these machines a local mirror);
 * when either is missing the caller's test fails with a message saying what to install, never skips.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..', '..');

/** Packages the interop tests import from Python (pettingzoo's suite, gymnasium spaces, pyarrow to read Parquet back). */
export const PYTHON_PACKAGES = ['pettingzoo==1.27.*', 'gymnasium==1.3.*', 'pyarrow'] as const;

/** Path of the venv's python, creating and filling the venv on first use. */
export async function ensureVenv(packages: readonly string[] = PYTHON_PACKAGES): Promise<string> {
  const key = createHash('sha256').update(packages.join('\n')).digest('hex').slice(0, 12);
  const cache = join(ROOT, 'node_modules', '.cache', 'tacit-venv');
  const dir = join(cache, key);
  const python = join(dir, 'bin', 'python');
  if (existsSync(join(dir, '.complete'))) return python;
  mkdirSync(cache, { recursive: true });
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    await run('python3', ['-m', 'venv', tmp], { timeout: 120_000 });
  } catch (err) {
    throw new Error(
      `the interop tests need python3 with the venv module (apt-get install -y python3 python3-venv): 'python3 -m venv' failed: ${(err as Error).message}`,
    );
  }
  try {
    // --retries 0: where pip's default index is unreachable and a mirror is configured as an extra
    // index, each retry of the unreachable one costs seconds (measured: 54 s with retries, 16 s without).
    await run(join(tmp, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--retries', '0', ...packages], {
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `the interop tests need pip to install ${packages.join(', ')} (a reachable index or mirror, see 'pip config list'): ${(err as Error).message}`,
    );
  }
  writeFileSync(join(tmp, '.complete'), '');
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another test process finished the same venv first
  }
  return python;
}

/** Run `python args...` (argv array, no shell) and return its output; rejects with stderr on a non-zero exit. */
export async function runPython(python: string, args: readonly string[], timeoutMs = 300_000): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(python, [...args], { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, cwd: ROOT });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`python ${args.join(' ')} failed: ${e.stderr || e.message}`);
  }
}
