/**
 * Code version and environment facts for run.json: tacit's version, the git commit (and whether the
 * tree had uncommitted changes), Node's version. Read once per process.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Repository root: the nearest folder above this module holding package.json (found by walking
 * up, so it is the same whether the sources run or the compiled copy under node_modules/.cache).
 */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir + sep;
    if (dirname(dir) === dir) throw new Error(`tacit: no package.json above ${from}`);
  }
}

let cached: { tacitVersion: string; gitCommit: string | null; gitDirty: boolean | null; node: string } | undefined;

/** tacit version, git commit and Node version. */
export function provenance(): { tacitVersion: string; gitCommit: string | null; gitDirty: boolean | null; node: string } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
  let gitCommit: string | null = null;
  let gitDirty: boolean | null = null;
  try {
    // One git process for both facts (each spawn of git costs ~40 ms of wall time at start-up): the
    // porcelain v2 header names the commit ('(initial)' before the first), and any entry line is a
    // modified tracked file, as `git rev-parse HEAD` plus `git status --porcelain` told before.
    const status = execFileSync('git', ['status', '--porcelain=v2', '--branch', '--untracked-files=no'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    const oid = /^# branch\.oid (\S+)$/m.exec(status)?.[1];
    if (oid !== undefined && /^[0-9a-f]{40,64}$/.test(oid)) {
      gitCommit = oid;
      gitDirty = status.split('\n').some((line) => line !== '' && !line.startsWith('#'));
    }
  } catch {
    // Not a git checkout (e.g. an installed package): the version alone identifies the code.
  }
  cached = { tacitVersion: pkg.version, gitCommit, gitDirty, node: process.version };
  return cached;
}
