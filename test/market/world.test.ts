/** market-v1 behaviour beyond the shared conformance suite. */
import { describe, expect, it } from 'vitest';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { market } from '../../envs/market/spec.js';
import { payoffVsUniformRivals, staticBestResponse } from '../../envs/market/game.js';

/** Profit of firm i from the demand formula, written out independently of the world's tables. */
function formulaProfit(prices: number[], i: number, a = [2, 2], a0 = 0, mu = 0.25, c = [1, 1]): number {
  const e = prices.map((p, j) => Math.exp((a[j]! - p) / mu));
  const q = e[i]! / (e.reduce((x, y) => x + y, 0) + Math.exp(a0 / mu));
  return (prices[i]! - c[i]!) * q;
}

describe('market-v1', () => {
  it('builds the paper’s grid: 15 prices from p_N − ξΔ to p_M + ξΔ', () => {
    const w = createMarketWorld({});
    const g = w.game.grids[0]!;
    const span = w.game.monopoly.prices[0]! - w.game.nash.prices[0]!;
    expect(g).toHaveLength(15);
    expect(g[0]).toBeCloseTo(w.game.nash.prices[0]! - 0.1 * span, 12);
    expect(g[14]).toBeCloseTo(w.game.monopoly.prices[0]! + 0.1 * span, 12);
    expect(g[0]).toBeCloseTo(1.428, 3);
    expect(g[14]).toBeCloseTo(1.97, 3);
  });

  it('pays each firm the logit profit of the chosen prices and reports the KPIs', () => {
    const w = createMarketWorld({});
    const env = new ParallelEnv(w);
    env.reset(0);
    for (const [x, y] of [
      [0, 14],
      [3, 3],
      [14, 7],
    ] as const) {
      const r = env.step({ firm0: x, firm1: y });
      const prices = [w.game.grids[0]![x]!, w.game.grids[1]![y]!];
      const pi = [formulaProfit(prices, 0), formulaProfit(prices, 1)];
      expect(r.rewards.firm0!.profit).toBeCloseTo(pi[0]!, 12);
      expect(r.rewards.firm1!.profit).toBeCloseTo(pi[1]!, 12);
      expect(r.kpis.meanPrice).toBeCloseTo((prices[0]! + prices[1]!) / 2, 12);
      const pn = w.game.nash.profits[0]! * 2;
      const pm = w.game.monopoly.profits[0]! * 2;
      expect(r.kpis.profitGain).toBeCloseTo((pi[0]! + pi[1]! - pn) / (pm - pn), 12);
      const cs = 0.25 * Math.log(Math.exp((2 - prices[0]!) / 0.25) + Math.exp((2 - prices[1]!) / 0.25) + 1);
      expect(r.kpis.consumerSurplus).toBeCloseTo(cs, 12);
      expect(r.kpis.totalWelfare).toBeCloseTo(cs + pi[0]! + pi[1]!, 12);
      expect(Array.from(r.observations.firm0!)).toEqual([x, y]);
      expect(Array.from(r.observations.firm1!)).toEqual([x, y]);
    }
  });

  it('keeps the last `memory` price vectors, newest first', () => {
    const env = new ParallelEnv(createMarketWorld({ memory: 2, priceGridSize: 5 }));
    env.reset(1);
    env.step({ firm0: 1, firm1: 2 });
    const r = env.step({ firm0: 3, firm1: 4 });
    expect(Array.from(r.observations.firm0!)).toEqual([3, 4, 1, 2]);
  });

  it('with memory 0 observes one constant slot (one state) while features still track the last prices', () => {
    const w = createMarketWorld({ memory: 0, priceGridSize: 5 });
    expect(w.observationSpaces[0]).toMatchObject({ kind: 'multi-discrete', nvec: [1] });
    expect(w.game.numStates).toBe(1);
    const env = new ParallelEnv(w);
    expect(Array.from(env.reset(3).firm0!)).toEqual([0]);
    const r = env.step({ firm0: 1, firm1: 4 });
    expect(Array.from(r.observations.firm0!)).toEqual([0]);
    expect(r.rewards.firm0!.profit).toBe(w.game.profit[(1 * 5 + 4) * 2]);
    const features = new Float64Array(w.features.length);
    env.step({ firm0: 2, firm1: 3 });
    w.readFeatures(env.currentState, features);
    expect(features[0]).toBe(w.game.grids[0]![2]);
    expect(features[1]).toBe(w.game.grids[1]![3]);
  });

  it('draws different initial prices for different seeds and is continuing by default', () => {
    const w = createMarketWorld({});
    const starts = new Set<string>();
    for (let seed = 0; seed < 20; seed++) starts.add(Array.from(new ParallelEnv(w).reset(seed).firm0!).join(','));
    expect(starts.size).toBeGreaterThan(5);
    expect(w.episodeLength).toBe(0);
    const env = new ParallelEnv(w);
    env.reset(0);
    for (let t = 0; t < 500; t++) expect(env.step({ firm0: 0, firm1: 0 }).truncations.firm0).toBe(false);
  });

  it('with demand shocks, profits vary at fixed prices and average to the expected-profit table', () => {
    const w = createMarketWorld({ demandShock: 0.5 });
    const env = new ParallelEnv(w);
    env.reset(2);
    const seen = new Set<number>();
    let sum = 0;
    const N = 4000;
    for (let t = 0; t < N; t++) {
      const p = env.step({ firm0: 7, firm1: 7 }).rewards.firm0!.profit!;
      seen.add(p);
      sum += p;
    }
    expect(seen.size).toBe(2);
    const expected = w.game.expectedProfit[(7 * 15 + 7) * 2]!;
    expect(sum / N).toBeCloseTo(expected, 2);
  });

  it('supports asymmetric costs with per-firm grids', () => {
    const w = createMarketWorld({ cost: [1, 1.3] });
    expect(w.game.grids[1]![0]).toBeGreaterThan(w.game.grids[0]![0]!);
    const env = new ParallelEnv(w);
    env.reset(0);
    const r = env.step({ firm0: 5, firm1: 5 });
    const prices = [w.game.grids[0]![5]!, w.game.grids[1]![5]!];
    expect(r.rewards.firm1!.profit).toBeCloseTo(formulaProfit(prices, 1, [2, 2], 0, 0.25, [1, 1.3]), 12);
  });

  it('offers the payoff against uniformly random rivals (Calvano Q initialisation) and static best responses', () => {
    const w = createMarketWorld({ priceGridSize: 6 });
    const grid = w.game.grids[0]!;
    const u = w.repeatedGame!.payoffVsUniformRivals(0);
    for (let a = 0; a < 6; a++) {
      let sum = 0;
      for (let b = 0; b < 6; b++) sum += formulaProfit([grid[a]!, grid[b]!], 0);
      expect(u[a]).toBeCloseTo(sum / 6, 12);
    }
    payoffVsUniformRivals(w.game, 1).forEach((v, a) => expect(v).toBeCloseTo(u[a]!, 14));
    // The static best response to the highest rival price beats every other own price.
    const br = staticBestResponse(w.game, 0, [0, 5]);
    for (let a = 0; a < 6; a++) expect(formulaProfit([grid[br]!, grid[5]!], 0)).toBeGreaterThanOrEqual(formulaProfit([grid[a]!, grid[5]!], 0));
  });

  it('rejects bad params with the field, the value and the fix', () => {
    const bad = (p: Record<string, unknown>): string => {
      const r = market.paramsSchema.safeParse(p);
      expect(r.success).toBe(false);
      return JSON.stringify(r.error!.issues);
    };
    expect(bad({ nFirms: 3, cost: [1, 1] })).toMatch(/"path":\["cost"\].*has 2 entries but nFirms is 3: give one value per firm/);
    expect(bad({ mu: 0 })).toMatch(/"path":\["mu"\]/);
    expect(bad({ priceGridSize: 100, nFirms: 5 })).toMatch(/"path":\["priceGridSize"\].*use a smaller grid or fewer firms/);
    expect(bad({ priceGrid: 15 })).toMatch(/priceGrid/);
  });

  it('declares that its actions stand for prices: each firm’s grid (World.actionValues, read by the report)', () => {
    const world = createMarketWorld({ cost: [1, 1.2] });
    const values = world.actionValues!;
    expect(values.quantity).toBe('price');
    expect(values.byAgent).toHaveLength(2);
    expect(Array.from(values.byAgent[1]!)).toEqual(Array.from(world.game.grids[1]!));
    expect(values.byAgent[0]![0]).not.toBe(values.byAgent[1]![0]); // per-firm grids
    expect(values.levels).toBeUndefined(); // prices are not evenly spaced from 0
  });
});
