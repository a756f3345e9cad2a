/**
 * src/run/provenance.ts reads the commit and the dirty flag from one `git status --porcelain=v2
 * --branch` (start-up, issue 21); they must be what `git rev-parse HEAD` and `git status --porcelain`
 * (tracked files only) say, as run.json recorded them before.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { provenance, REPO_ROOT } from '../../src/run/provenance.js';

const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' });

describe('provenance', () => {
  it('names the checked-out commit and whether tracked files are modified, as the two git commands do', () => {
    const p = provenance();
    expect(p.gitCommit).toBe(git('rev-parse', 'HEAD').trim());
    expect(p.gitDirty).toBe(git('status', '--porcelain', '--untracked-files=no').trim().length > 0);
    expect(p.tacitVersion).toMatch(/^\d+\.\d+\.\d+/);
  });
});
