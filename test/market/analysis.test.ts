/** Limit cycles and deviation probes on hand-built strategies whose behaviour is known. */
import { describe, expect, it } from 'vitest';
import { analyseOutcome, deviationProbe } from '../../envs/market/analysis.js';
import { limitCycle } from '../../envs/market/cycle.js';
import { encodeJoint, profitGain, staticBestResponse, type MarketGame } from '../../envs/market/game.js';
import { createMarketWorld } from '../../envs/market/market.js';

const game: MarketGame = createMarketWorld({}).game;
const m = game.m;
/** Grid indices nearest the monopoly and Nash prices. */
const nearest = (p: number): number => game.grids[0]!.reduce((best, v, k, g) => (Math.abs(v - p) < Math.abs(g[best]! - p) ? k : best), 0);
const M = nearest(game.monopoly.prices[0]!);
const N = nearest(game.nash.prices[0]!);
const state = (a: number, b: number): number => encodeJoint([a, b], m);

/** Both firms: play rule(s) in every state s. */
function strategies(rule: (a0: number, a1: number, firm: number) => number): Int32Array[] {
  return [0, 1].map((firm) => Int32Array.from({ length: m * m }, (_, s) => rule(Math.floor(s / m), s % m, firm)));
}

describe('limit cycles', () => {
  it('finds a fixed point, its profits and profit gain', () => {
    const greedy = strategies((a0, a1) => (a0 === M && a1 === M ? M : N));
    const c = limitCycle(game, greedy, state(M, M));
    expect(c.length).toBe(1);
    expect(c.preCycleLength).toBe(0);
    expect(c.priceIndices).toEqual([[M, M]]);
    const pi = game.expectedProfit[state(M, M) * 2]!;
    expect(c.meanProfits[0]).toBe(pi);
    expect(c.profitGain).toBeCloseTo(profitGain(game, 0, pi), 15);
    expect(c.profitGain).toBeGreaterThan(0.95);
    // From elsewhere the same strategies fall into the punishment state (N, N) for good.
    const other = limitCycle(game, greedy, state(3, 9));
    expect(other.priceIndices).toEqual([[N, N]]);
    expect(other.preCycleLength).toBe(1);
    expect(Math.abs(other.profitGain)).toBeLessThan(0.1);
  });

  it('finds a cycle of length 2 and averages over it', () => {
    // Firm 0 alternates between 5 and 9; firm 1 always plays 7.
    const greedy = strategies((a0, _a1, firm) => (firm === 1 ? 7 : a0 === 5 ? 9 : 5));
    const c = limitCycle(game, greedy, state(0, 0));
    expect(c.length).toBe(2);
    expect(c.priceIndices.map((p) => p[0]).sort()).toEqual([5, 9]);
    expect(c.meanPrices[0]).toBeCloseTo((game.grids[0]![5]! + game.grids[0]![9]!) / 2, 14);
  });
});

describe('deviation probes', () => {
  it('grim trigger: the deviation is punished for ever, never returns, and does not pay at δ = 0.95', () => {
    const greedy = strategies((a0, a1) => (a0 === M && a1 === M ? M : N));
    const cycle = limitCycle(game, greedy, state(M, M));
    const p = deviationProbe(game, greedy, cycle, 0, { horizon: 20, discount: 0.95 });
    const br = staticBestResponse(game, 0, [M, M]);
    expect(br).toBeLessThan(M);
    expect(p.deviationAction).toBe(br);
    expect(p.nullDeviation).toBe(false);
    expect(p.prices).toHaveLength(21);
    expect(p.prices[0]).toEqual([game.grids[0]![br], game.grids[1]![M]]);
    for (let t = 1; t <= 20; t++) expect(p.prices[t]).toEqual([game.grids[0]![N], game.grids[1]![N]]);
    expect(p.deviationGain).toBeGreaterThan(0);
    expect(p.punishmentDepth).toBeCloseTo(game.grids[1]![M]! - game.grids[1]![N]!, 14);
    expect(p.returnPeriod).toBeNull();
    expect(p.returnsToCycle).toBe(false);
    expect(p.deviationPaid).toBe(false);
    // Play settles on the Nash price war for good: another cycle, not supra-competitive.
    expect(p.postCycle).toMatchObject({ same: false, length: 1, enteredAfter: 1 });
    expect(Math.abs(p.postCycle.profitGain)).toBeLessThan(0.1);
    // A myopic deviator would take the one-period gain.
    const myopic = deviationProbe(game, greedy, cycle, 0, { horizon: 20, discount: 0 });
    expect(myopic.deviationPaid).toBe(true);
    expect(myopic.discountedGain).toBeCloseTo(myopic.deviationGain, 15);
  });

  it('one period of punishment, then forgiveness: prices are back on the cycle at period 2', () => {
    const greedy = strategies((a0, a1) => ((a0 === M && a1 === M) || (a0 === N && a1 === N) ? M : N));
    const cycle = limitCycle(game, greedy, state(M, M));
    const p = deviationProbe(game, greedy, cycle, 1, { horizon: 15, discount: 0.95 });
    expect(p.deviator).toBe(1);
    expect(p.prices[1]).toEqual([game.grids[0]![N], game.grids[1]![N]]);
    expect(p.prices[2]).toEqual([game.grids[0]![M], game.grids[1]![M]]);
    expect(p.returnPeriod).toBe(2);
    expect(p.returnsToCycle).toBe(true);
    expect(p.postCycle).toMatchObject({ same: true, length: 1 });
    expect(p.postCycle.profitGain).toBe(cycle.profitGain);
    expect(p.baselinePrices.every((row) => row[0] === game.grids[0]![M])).toBe(true);
    // Discounted gain: the deviation period's gain minus one discounted period of punishment.
    const piDev = game.expectedProfit[state(M, p.deviationAction) * 2 + 1]!;
    const piM = game.expectedProfit[state(M, M) * 2 + 1]!;
    const piN = game.expectedProfit[state(N, N) * 2 + 1]!;
    expect(p.discountedGain).toBeCloseTo(piDev - piM + 0.95 * (piN - piM), 12);
    expect(p.deviationPaid).toBe(piDev - piM + 0.95 * (piN - piM) > 0);
  });

  it('at a grid Nash equilibrium the static best response is the greedy price: a null deviation', () => {
    // Find a grid pair where each price is a static best response to the other.
    let pair: [number, number] | undefined;
    for (let a = 0; a < m && !pair; a++)
      for (let b = 0; b < m && !pair; b++) if (staticBestResponse(game, 0, [a, b]) === a && staticBestResponse(game, 1, [a, b]) === b) pair = [a, b];
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const greedy = strategies((_x, _y, firm) => (firm === 0 ? a : b));
    const out = analyseOutcome(game, greedy, state(0, 0), [0.95, 0.95], 15);
    expect(out.cycle.length).toBe(1);
    for (const probe of out.probes) {
      expect(probe.nullDeviation).toBe(true);
      expect(probe.deviationGain).toBe(0);
      expect(probe.discountedGain).toBe(0);
      expect(probe.deviationPaid).toBe(false);
      expect(probe.returnPeriod).toBe(1);
      expect(probe.punishmentDepth).toBe(0);
    }
  });
});

describe('probes at every phase of a cycle', () => {
  it('probes each firm at each cycle phase where its one-shot best response differs from its price', () => {
    // Firm 0 alternates between 5 and 9; firm 1 always plays 7.
    const greedy = strategies((a0, _a1, firm) => (firm === 1 ? 7 : a0 === 5 ? 9 : 5));
    const out = analyseOutcome(game, greedy, state(0, 0), [0.95, 0.95], 15);
    expect(out.cycle.length).toBe(2);
    for (const firm of [0, 1]) {
      const expected = out.cycle.priceIndices.flatMap((acts, k) => (staticBestResponse(game, firm, acts) !== acts[firm] ? [k] : []));
      const probes = out.probes.filter((p) => p.deviator === firm);
      expect(probes.map((p) => p.phase)).toEqual(expected.length > 0 ? expected : [0]);
      for (const p of probes) expect(p.nullDeviation).toBe(expected.length === 0);
    }
    // Firm 0's probes come first (summary metrics report out.probes[0]).
    expect(out.probes[0]!.deviator).toBe(0);
  });
});
