/** The market's demand system and its numerically solved benchmarks. */
import { describe, expect, it } from 'vitest';
import { bertrandNash, expectedProfits, jointProfitMaximum, jointResidual, logitShares, nashResidual, type DemandSystem } from '../../envs/market/model.js';

const baseline: DemandSystem = { n: 2, a: [2, 2], a0: 0, mu: 0.25, cost: [1, 1], shock: 0 };

function profitsAt(d: DemandSystem, prices: number[]): number[] {
  const out = new Float64Array(d.n);
  expectedProfits(d, prices, out);
  return Array.from(out);
}

describe('logit demand', () => {
  it('matches the closed form and leaves a positive share to the outside good', () => {
    const q = new Float64Array(2);
    logitShares(baseline, [1.5, 1.8], 0, q);
    const e0 = Math.exp((2 - 1.5) / 0.25);
    const e1 = Math.exp((2 - 1.8) / 0.25);
    const denom = e0 + e1 + Math.exp(0);
    expect(q[0]).toBeCloseTo(e0 / denom, 14);
    expect(q[1]).toBeCloseTo(e1 / denom, 14);
    expect(q[0]! + q[1]!).toBeLessThan(1);
  });

  it('does not overflow for large quality/μ ratios', () => {
    const q = new Float64Array(2);
    logitShares({ ...baseline, a: [400, 400], mu: 0.5 }, [1, 2], 0, q);
    expect(Number.isFinite(q[0]!) && Number.isFinite(q[1]!)).toBe(true);
    expect(q[0]! + q[1]!).toBeCloseTo(1, 12);
  });
});

describe('benchmarks of the paper’s baseline (external reference: Calvano et al. 2020, p_N ≈ 1.473, p_M ≈ 1.925)', () => {
  const nash = bertrandNash(baseline);
  const mono = jointProfitMaximum(baseline);

  it('finds the published Bertrand–Nash and monopoly prices and profits', () => {
    for (const p of nash.prices) expect(p).toBeCloseTo(1.473, 3);
    for (const p of mono.prices) expect(p).toBeCloseTo(1.925, 3);
    for (const pi of nash.profits) expect(pi).toBeCloseTo(0.2229, 4);
    for (const pi of mono.profits) expect(pi).toBeCloseTo(0.3375, 4);
  });

  it('solves the first-order conditions', () => {
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(nashResidual(baseline, nash.prices, i))).toBeLessThan(1e-10);
      expect(Math.abs(jointResidual(baseline, mono.prices, i))).toBeLessThan(1e-10);
    }
  });

  it('Nash: no firm gains by a unilateral price change; monopoly: no joint change raises joint profit', () => {
    for (const step of [-0.05, -0.001, 0.001, 0.05]) {
      for (let i = 0; i < 2; i++) {
        const moved = [...nash.prices];
        moved[i]! += step;
        expect(profitsAt(baseline, moved)[i]).toBeLessThan(nash.profits[i]!);
      }
      for (const dir of [
        [1, 0],
        [0, 1],
        [1, 1],
        [1, -1],
      ]) {
        const moved = mono.prices.map((p, i) => p + step * dir[i]!);
        const joint = profitsAt(baseline, moved).reduce((a, b) => a + b, 0);
        expect(joint).toBeLessThan(mono.profits[0]! + mono.profits[1]!);
      }
    }
  });

  it('gives symmetric firms bit-identical benchmarks', () => {
    expect(nash.prices[0]).toBe(nash.prices[1]);
    expect(mono.prices[0]).toBe(mono.prices[1]);
  });
});

describe('benchmarks beyond the baseline', () => {
  it('asymmetric costs: the costlier firm prices higher and earns less, and the solution is still an equilibrium', () => {
    const d: DemandSystem = { ...baseline, cost: [1, 1.2] };
    const nash = bertrandNash(d);
    expect(nash.prices[1]).toBeGreaterThan(nash.prices[0]!);
    expect(nash.profits[1]).toBeLessThan(nash.profits[0]!);
    for (let i = 0; i < 2; i++) expect(Math.abs(nashResidual(d, nash.prices, i))).toBeLessThan(1e-10);
    const mono = jointProfitMaximum(d);
    for (let i = 0; i < 2; i++) expect(Math.abs(jointResidual(d, mono.prices, i))).toBeLessThan(1e-10);
    // The multi-product logit monopolist sets equal markups.
    expect(mono.prices[1]! - 1.2).toBeCloseTo(mono.prices[0]! - 1, 9);
  });

  it('more firms lower the Nash price; the cartel price is above it', () => {
    const three: DemandSystem = { ...baseline, n: 3, a: [2, 2, 2], cost: [1, 1, 1] };
    expect(bertrandNash(three).prices[0]).toBeLessThan(1.473);
    expect(jointProfitMaximum(three).prices[0]).toBeGreaterThan(bertrandNash(three).prices[0]!);
  });

  it('with demand shocks, maximises expected profit (the average over both outside-good levels)', () => {
    const d: DemandSystem = { ...baseline, shock: 0.5 };
    const nash = bertrandNash(d);
    const hi = profitsAt({ ...baseline, a0: 0.5 }, nash.prices);
    const lo = profitsAt({ ...baseline, a0: -0.5 }, nash.prices);
    expect(nash.profits[0]).toBeCloseTo((hi[0]! + lo[0]!) / 2, 12);
    const moved = [nash.prices[0]! + 0.01, nash.prices[1]!];
    expect(profitsAt(d, moved)[0]).toBeLessThan(nash.profits[0]!);
  });
});
