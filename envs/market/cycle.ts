/**
 * The limit cycle of greedy play in a market (Calvano et al. report outcomes averaged over it):
 * play greedily from a state until a state repeats; the repeating part is the cycle. Used by the
 * outcome analysis (analysis.ts), unilateral retraining (retrain.ts) and the learned collusion truth.
 */
import { encodeJoint, nextState, profitGain, type MarketGame } from './game.js';

/** The limit cycle greedy play reaches from a state. */
export interface LimitCycle {
  /** State greedy play started from. */
  readonly startState: number;
  /** Periods of greedy play before the cycle is entered. */
  readonly preCycleLength: number;
  /** Cycle length L (1: a fixed point). */
  readonly length: number;
  /** The L states of the cycle in play order; period k of the cycle is played in `states[k]`. */
  readonly states: number[];
  /** Joint action number played in each cycle period. */
  readonly jointActions: number[];
  /** [cycle period][firm] grid index. */
  readonly priceIndices: number[][];
  /** [cycle period][firm] price. */
  readonly prices: number[][];
  /** [cycle period][firm] expected profit. */
  readonly profits: number[][];
  /** Per firm: mean price over the cycle. */
  readonly meanPrices: number[];
  /** Per firm: mean profit over the cycle. */
  readonly meanProfits: number[];
  /** Per firm: profit gain Δ_i of its mean profit. */
  readonly profitGains: number[];
  /** Mean of the firms' Δ_i (the paper's session Δ). */
  readonly profitGain: number;
  /** Mean price over firms and cycle periods. */
  readonly meanPrice: number;
}

/** Greedy grid actions of all firms in state s, written to `out`; returns the joint action number. */
export function greedyJoint(game: MarketGame, greedy: readonly Int32Array[], s: number, out: Int32Array): number {
  for (let i = 0; i < game.n; i++) out[i] = greedy[i]![s]!;
  return encodeJoint(out, game.m);
}

/** Per firm: the price of its grid action. */
export function pricesOf(game: MarketGame, actions: ArrayLike<number>): number[] {
  return Array.from({ length: game.n }, (_, i) => game.grids[i]![actions[i]!]!);
}

/** Per firm: expected profit under joint action `joint`. */
export function profitsOf(game: MarketGame, joint: number): number[] {
  return Array.from({ length: game.n }, (_, i) => game.expectedProfit[joint * game.n + i]!);
}

/** The limit cycle of greedy play from state `start`. */
export function limitCycle(game: MarketGame, greedy: readonly Int32Array[], start: number): LimitCycle {
  const firstVisit = new Map<number, number>();
  const path: number[] = [];
  const acts = new Int32Array(game.n);
  let s = start;
  while (!firstVisit.has(s)) {
    firstVisit.set(s, path.length);
    path.push(s);
    s = nextState(game, s, greedyJoint(game, greedy, s, acts));
  }
  const pre = firstVisit.get(s)!;
  const states = path.slice(pre);
  const jointActions: number[] = [];
  const priceIndices: number[][] = [];
  const prices: number[][] = [];
  const profits: number[][] = [];
  for (const st of states) {
    const j = greedyJoint(game, greedy, st, acts);
    jointActions.push(j);
    priceIndices.push(Array.from(acts));
    prices.push(pricesOf(game, acts));
    profits.push(profitsOf(game, j));
  }
  const L = states.length;
  const mean = (rows: number[][], i: number): number => rows.reduce((acc, r) => acc + r[i]!, 0) / L;
  const meanPrices = Array.from({ length: game.n }, (_, i) => mean(prices, i));
  const meanProfits = Array.from({ length: game.n }, (_, i) => mean(profits, i));
  const profitGains = meanProfits.map((p, i) => profitGain(game, i, p));
  return {
    startState: start,
    preCycleLength: pre,
    length: L,
    states,
    jointActions,
    priceIndices,
    prices,
    profits,
    meanPrices,
    meanProfits,
    profitGains,
    profitGain: profitGains.reduce((x, y) => x + y, 0) / game.n,
    meanPrice: meanPrices.reduce((x, y) => x + y, 0) / game.n,
  };
}
