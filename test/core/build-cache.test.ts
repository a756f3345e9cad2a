/**
 * src/core/build-cache.ts: a value stored in the compiled build's folder is what a fresh process
 * would compute. Checked with the AR(1) tables of the trend tests: a process that simulates a table
 * and one that reads it back print the same doubles, and the stored file is there in between.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { builtName, ensureBuilt } from '../../bin/build.mjs';

mkdirSync('.tacit-tmp', { recursive: true });
const dir = mkdtempSync(join('.tacit-tmp', 'build-cache-'));

describe('build cache', () => {
  it('stores a simulated AR(1) table once and later processes read the same doubles', async () => {
    const entry = join(dir, 'table.ts');
    const rel = relative(dir, 'src/stats/ar1.js').split('\\').join('/');
    // A short length (cheap to simulate) that few runs use; its stored file is removed first, so the first process simulates it.
    const n = 64 + (process.pid % 64);
    writeFileSync(
      entry,
      `import { lag1Table } from '${rel}';\nconst t = lag1Table(${n});\nconsole.log(JSON.stringify({ mean: Array.from(t.mean), sd: Array.from(t.sd) }));\n`,
    );
    const built = (await ensureBuilt(entry)) as string;
    expect(built.endsWith(builtName(entry) as string)).toBe(true);
    const stored = join(dirname(built), `cache-lag1-table-${n}.json`);
    rmSync(stored, { force: true });
    const run = (): string => {
      const r = spawnSync(process.execPath, ['bin/run.mjs', entry], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const simulated = run();
    expect(existsSync(stored)).toBe(true);
    const read = run();
    expect(read).toBe(simulated);
    expect((JSON.parse(read) as { mean: number[] }).mean.length).toBeGreaterThan(10);
    rmSync(dir, { recursive: true, force: true });
  });
});
