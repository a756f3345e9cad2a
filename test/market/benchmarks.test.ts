/**
 * envs/market/benchmarks.ts: the Nash and joint-profit-maximum profiles it hands out are the ones
 * model.ts solves, bit for bit, whether solved in this process, remembered from an earlier call, or
 * read back from the compiled build's folder by a later process; and callers get their own arrays.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';
import { marketBenchmarks } from '../../envs/market/benchmarks.js';
import { bertrandNash, jointProfitMaximum, type DemandSystem } from '../../envs/market/model.js';

mkdirSync('.tacit-tmp', { recursive: true });
const dir = mkdtempSync(join('.tacit-tmp', 'market-benchmarks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const asymmetric: DemandSystem = { n: 3, a: [2, 2.2, 1.9], a0: 0.1, mu: 0.3, cost: [1, 1.1, 0.9], shock: 0.2 };

describe('market benchmarks', () => {
  it('are the solved profiles, the same on a second call, in fresh arrays', () => {
    const first = marketBenchmarks(asymmetric);
    expect(first.nash).toEqual(bertrandNash(asymmetric));
    expect(first.monopoly).toEqual(jointProfitMaximum(asymmetric));
    first.nash.prices[0] = -1;
    const second = marketBenchmarks(asymmetric);
    expect(second.nash).toEqual(bertrandNash(asymmetric));
    expect(second.monopoly.prices).not.toBe(first.monopoly.prices);
  });

  it('read back from the build folder by a later process are the same doubles', async () => {
    // A demand system no other run uses (its stored entry is removed first, so the first process solves it).
    const mu = 0.2 + (process.pid % 1000) / 1e6;
    const entry = join(dir, 'solve.ts');
    const rel = relative(dir, 'envs/market/benchmarks.js').split('\\').join('/');
    writeFileSync(
      entry,
      `import { marketBenchmarks } from '${rel}';\nconsole.log(JSON.stringify(marketBenchmarks({ n: 2, a: [2, 2], a0: 0, mu: ${mu}, cost: [1, 1], shock: 0 })));\n`,
    );
    const folder = dirname((await ensureBuilt(entry)) as string);
    const solve = (): string => {
      const r = spawnSync(process.execPath, ['bin/run.mjs', entry], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const stored = (): string[] => readdirSync(folder).filter((f) => f.startsWith('cache-market-benchmarks-'));
    for (const f of stored()) rmSync(join(folder, f));
    const solved = solve();
    expect(stored()).toHaveLength(1);
    expect(existsSync(join(folder, stored()[0]!))).toBe(true);
    expect(solve()).toBe(solved);
    const d: DemandSystem = { n: 2, a: [2, 2], a0: 0, mu, cost: [1, 1], shock: 0 };
    expect(JSON.parse(solved)).toEqual({ nash: bertrandNash(d), monopoly: jointProfitMaximum(d) });
  });
});
