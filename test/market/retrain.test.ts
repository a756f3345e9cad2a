/** Unilateral retraining and exact best responses against frozen rivals, on strategies whose best response is known. */
import { describe, expect, it } from 'vitest';
import { limitCycle } from '../../envs/market/cycle.js';
import { encodeJoint, nextState, staticBestResponse, type MarketGame } from '../../envs/market/game.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { RETRAIN_DEFAULTS, discountedValue, exactBestResponse, restraint, retrainFirm } from '../../envs/market/retrain.js';
import { deriveSeedWords } from '../../src/core/rng.js';

const game: MarketGame = createMarketWorld({ priceGridSize: 7 }).game;
const m = game.m;
const nearest = (p: number): number => game.grids[0]!.reduce((best, v, k, g) => (Math.abs(v - p) < Math.abs(g[best]! - p) ? k : best), 0);
const M = nearest(game.monopoly.prices[0]!);
const N = nearest(game.nash.prices[0]!);
const state = (a: number, b: number): number => encodeJoint([a, b], m);
const table = (rule: (a0: number, a1: number) => number): Int32Array => Int32Array.from({ length: m * m }, (_, s) => rule(Math.floor(s / m), s % m));
const options = (discount: number) => ({ ...RETRAIN_DEFAULTS, discount, maxPeriods: 2_000_000, rng: deriveSeedWords(7, 'retrain-test') });

/** Reference: backward induction over every state for T periods (no reachability pruning, no stopping rule). */
function backwardInduction(greedy: readonly Int32Array[], firm: number, discount: number, T: number): Float64Array {
  let V = new Float64Array(game.numStates);
  for (let t = 0; t < T; t++) {
    const W = new Float64Array(game.numStates);
    for (let s = 0; s < game.numStates; s++) {
      let best = -Infinity;
      for (let a = 0; a < m; a++) {
        const acts = [0, 1].map((i) => (i === firm ? a : greedy[i]![s]!));
        const j = encodeJoint(acts, m);
        best = Math.max(best, game.expectedProfit[j * 2 + firm]! + discount * V[nextState(game, s, j)]!);
      }
      W[s] = best;
    }
    V = W;
  }
  return V;
}

describe('exact values and best responses', () => {
  it('discountedValue is the explicit discounted sum along greedy play', () => {
    const greedy = [table((a0) => (a0 + 1) % m), table((_a0, a1) => (a1 === M ? N : M))];
    const start = state(2, 3);
    let s = start;
    let v = 0;
    let w = 1;
    for (let t = 0; t < 2000; t++) {
      const j = encodeJoint([greedy[0]![s]!, greedy[1]![s]!], m);
      v += w * game.expectedProfit[j * 2]!;
      w *= 0.9;
      s = nextState(game, s, j);
    }
    expect(discountedValue(game, greedy, 0, 0.9, start)).toBeCloseTo(0.1 * v, 12);
  });

  it('the exact best response matches backward induction over all states', () => {
    // A rival that punishes any price below M for one period, then forgives.
    const rival = table((a0, a1) => ((a0 >= M && a1 >= M) || (a0 === N && a1 === N) ? M : N));
    const greedy = [table(() => M), rival];
    for (const discount of [0, 0.5, 0.9]) {
      const start = state(M, M);
      const best = exactBestResponse(game, greedy, 0, discount, start);
      const ref = backwardInduction(greedy, 0, discount, discount === 0 ? 1 : 600);
      expect(best.value).toBeCloseTo((1 - discount) * ref[start]!, 9);
      // Playing the returned strategy attains that value.
      expect(discountedValue(game, [best.strategy, rival], 0, discount, start)).toBeCloseTo(best.value, 9);
    }
  });
});

describe('unilateral retraining against frozen rivals', () => {
  it('against a rival at a fixed price, retraining and the exact best response both undercut to the one-shot best response (no restraint)', () => {
    const rival = table(() => M);
    const greedy = [table(() => M), rival];
    const cycle = limitCycle(game, greedy, state(M, M));
    const br = staticBestResponse(game, 0, [M, M]);
    expect(br).toBeLessThan(M);
    const r = retrainFirm(game, greedy, cycle, 0, null, options(0.95));
    expect(r.converged).toBe(true);
    expect(r.restraintBefore).toBeGreaterThan(0);
    expect(r.restraintBest).toBeCloseTo(0, 12);
    expect(r.restraintRetrained).toBeCloseTo(0, 12);
    expect(r.ownPriceRetrained).toBe(game.grids[0]![br]);
    expect(r.bestGain).toBeGreaterThan(0);
    expect(r.retrainGain).toBeCloseTo(r.bestGain, 9);
  });

  it('against a grim-trigger rival a patient firm keeps the monopoly price; a myopic one undercuts', () => {
    const grim = table((a0, a1) => (a0 === M && a1 === M ? M : N));
    const greedy = [table((a0, a1) => (a0 === M && a1 === M ? M : N)), grim];
    const cycle = limitCycle(game, greedy, state(M, M));
    const patient = retrainFirm(game, greedy, cycle, 0, null, options(0.95));
    expect(patient.ownPriceBest).toBe(game.grids[0]![M]);
    expect(patient.bestGain).toBeCloseTo(0, 8); // value iteration stops at 1e-10
    expect(patient.restraintBest).toBeGreaterThan(0.05);
    expect(patient.ownPriceRetrained).toBe(game.grids[0]![M]);
    expect(patient.restraintRetrained).toBeCloseTo(patient.restraintBest, 12);
    const myopic = retrainFirm(game, greedy, cycle, 0, null, options(0));
    expect(myopic.bestGain).toBeGreaterThan(0);
    expect(myopic.restraintRetrained).toBeLessThanOrEqual(0);
  });

  it('restraint is the cycle-average price above the one-shot best response, in units of p_M − p_N', () => {
    const greedy = [table(() => M), table(() => M)];
    const c = limitCycle(game, greedy, state(M, M));
    const br = staticBestResponse(game, 0, [M, M]);
    expect(restraint(game, c, 0)).toBeCloseTo((game.grids[0]![M]! - game.grids[0]![br]!) / (game.monopoly.prices[0]! - game.nash.prices[0]!), 12);
  });
});
