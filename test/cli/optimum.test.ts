/** `tacit optimum`: JSON with levels and costPerPeriod where theory applies, exit 2 naming the reasons where it does not. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function tacit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tacit optimum', () => {
  it('prints the exact base-stock levels and cost of a Clark–Scarf beer game', () => {
    const r = tacit('optimum', 'experiments/beer-game-optimum.yaml');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.levels).toEqual({ retailer: 8, wholesaler: 13, distributor: 18, factory: 22 });
    expect(o.costPerPeriod).toBeGreaterThan(0);
    expect(o.clarkScarfCostPerPeriod * 8).toBeCloseTo(12.688, 2);
  });

  it('exits 2 naming why theory does not apply, without a stack trace', () => {
    const r = tacit('optimum', 'experiments/beer-game-classic.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("demand.kind is 'step'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const m = tacit('optimum', 'experiments/market-calvano.yaml');
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('market-v1 has no exact-optimum solver');
  });
});
