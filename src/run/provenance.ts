/**
 * Code version and environment facts for run.json: tacit's version, the git commit (and whether the
 * tree had uncommitted changes), Node's version. Read once per process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Repository root (the folder holding package.json). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let cached: { tacitVersion: string; gitCommit: string | null; gitDirty: boolean | null; node: string } | undefined;

/** tacit version, git commit and Node version. */
export function provenance(): { tacitVersion: string; gitCommit: string | null; gitDirty: boolean | null; node: string } {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
  let gitCommit: string | null = null;
  let gitDirty: boolean | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    gitDirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().length > 0;
  } catch {
    // Not a git checkout (e.g. an installed package): the version alone identifies the code.
  }
  cached = { tacitVersion: pkg.version, gitCommit, gitDirty, node: process.version };
  return cached;
}
