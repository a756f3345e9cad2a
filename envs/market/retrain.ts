/**
 * The unilateral-retraining test of converged market strategies (Calvano et al. 2020, §V: are the
 * learned strategies best responses to each other?). For one firm at a time, the rivals are frozen
 * at their learned greedy strategies and the firm goes on Q-learning against them, starting from
 * its own learned Q table (or a fresh one) with exploration restarted. If the rivals' strategies
 * punish deviations, the retrained firm's best response keeps its price high; if they do not (high
 * prices that are not self-enforcing), it learns to undercut and gains by it.
 *
 * Alongside the retraining, the exact answer by value iteration: against frozen rivals the firm
 * faces a deterministic MDP (state = last prices, transition and expected profit known), so its
 * optimal discounted value from a state is computable over the states its own choices can reach.
 * Values are normalised per period, (1 − δ)·V, so they read as profits.
 *
 * Why restarts: one long trajectory cannot learn what cooperating is worth against rivals who
 * punish for ever (after its first exploratory deviation it never sees the cycle again), so every
 * `restartEvery` periods play jumps back to a state of the original cycle, the deviation's
 * starting point; the Q update itself is unchanged (a continuing task, so no bootstrap is cut).
 *
 *   stick     the firm's learned strategy (no change)
 *   retrained its strategy after Q-learning against the frozen rivals
 *   best      the exact best response
 *
 * from the first state of the pre-retraining limit cycle. Profits are expected profits over demand
 * shocks, so everything is deterministic given the seed words of the retraining stream.
 */
import { deriveSeedWords } from '../../src/core/rng.js';
import { EXPLORATION_BLOCK, explorationFactors } from '../../src/learn/tabular-q-schedule.js';
import { limitCycle, type LimitCycle } from './cycle.js';
import { nextState, staticBestResponse, type MarketGame } from './game.js';

/** Retraining knobs. */
export interface RetrainOptions {
  /** The firm's discount factor δ (its own, from its learner). */
  readonly discount: number;
  /** α. */
  readonly learningRate: number;
  /** β of the restarted exploration ε_t = exp(−β t). */
  readonly explorationDecay: number;
  /** Stop once the greedy strategy has not changed for this many periods (after ε < 1e-3) … */
  readonly convergenceWindow: number;
  /** … or after this many periods. */
  readonly maxPeriods: number;
  /** sfc32 words of the retraining stream (copied). */
  readonly rng: Uint32Array;
  /** Every this many periods play jumps back to a state of the original cycle (phases in turn). */
  readonly restartEvery: number;
}

/** Defaults: exploration restarted at ε = 1 and decaying ten times faster than the paper's learning (one firm, fixed rivals, is an easier problem). */
export const RETRAIN_DEFAULTS = { learningRate: 0.15, explorationDecay: 4e-5, convergenceWindow: 100_000, maxPeriods: 5_000_000, restartEvery: 100 } as const;

/** What retraining one firm showed. */
export interface RetrainResult {
  /** Index of the retrained firm. */
  readonly firm: number;
  readonly discount: number;
  /** Periods of retraining, and whether its greedy strategy settled before the cap. */
  readonly periods: number;
  readonly converged: boolean;
  /** Per-period values (1 − δ)V from the first cycle state: the learned strategy, the retrained one, the exact best response. */
  readonly stickValue: number;
  readonly retrainedValue: number;
  readonly bestValue: number;
  /** (retrained − stick) / |stick|: what the firm gains by changing its strategy the way retraining found. */
  readonly retrainGain: number;
  /** (best − stick) / |stick|: the most any change could gain (exact). */
  readonly bestGain: number;
  /** The firm's mean price on the original cycle and on the cycle after retraining / under the best response. */
  readonly ownPriceBefore: number;
  readonly ownPriceRetrained: number;
  readonly ownPriceBest: number;
  /** Session Δ of the cycle after retraining / under the best response. */
  readonly profitGainRetrained: number;
  readonly profitGainBest: number;
  /**
   * Restraint: how far above its one-shot best response to the rivals' prices the firm prices,
   * averaged over the cycle, in units of p_M − p_N: on the original cycle, after retraining, under
   * the exact best response. A firm that best-responds to rivals who punish keeps restraint > 0; to
   * rivals who do not react (or if it is myopic), its best response is the one-shot one (≈ 0).
   */
  readonly restraintBefore: number;
  readonly restraintRetrained: number;
  readonly restraintBest: number;
}

/** Mean over the cycle of firm i's price minus its static best-response price to the rivals' prices that period, in units of p_M − p_N. */
export function restraint(game: MarketGame, cycle: LimitCycle, firm: number): number {
  let sum = 0;
  for (const acts of cycle.priceIndices)
    sum += cycle.prices[cycle.priceIndices.indexOf(acts)]![firm]! - game.grids[firm]![staticBestResponse(game, firm, acts)]!;
  return sum / cycle.length / (game.monopoly.prices[firm]! - game.nash.prices[firm]!);
}

/** (1 − δ)·Σ_t δ^t π_i(t) of firm i following greedy play of `greedy` from `start` (exact: path to the cycle, then the cycle's geometric sum). */
export function discountedValue(game: MarketGame, greedy: readonly Int32Array[], firm: number, discount: number, start: number): number {
  const c = limitCycle(game, greedy, start);
  const { n } = game;
  const acts = new Int32Array(n);
  let s = start;
  let v = 0;
  let w = 1;
  for (let t = 0; t < c.preCycleLength; t++) {
    let j = 0;
    for (let i = 0; i < n; i++) ((acts[i] = greedy[i]![s]!), (j = j * game.m + acts[i]!));
    v += w * game.expectedProfit[j * n + firm]!;
    w *= discount;
    s = nextState(game, s, j);
  }
  let cyc = 0;
  let wc = 1;
  for (let k = 0; k < c.length; k++) {
    cyc += wc * c.profits[k]![firm]!;
    wc *= discount;
  }
  v += (w * cyc) / (1 - wc);
  return (1 - discount) * v;
}

/** The joint action in state s when firm plays a and the rivals their greedy actions. */
function jointWith(game: MarketGame, greedy: readonly Int32Array[], firm: number, s: number, a: number): number {
  let j = 0;
  for (let i = 0; i < game.n; i++) j = j * game.m + (i === firm ? a : greedy[i]![s]!);
  return j;
}

/**
 * Firm's exact best response to frozen rivals by value iteration over the states reachable from
 * `start` (any own price, rivals greedy). Returns its per-period value at `start` and a greedy table
 * equal to the best response on those states (and to its learned strategy elsewhere).
 */
export function exactBestResponse(
  game: MarketGame,
  greedy: readonly Int32Array[],
  firm: number,
  discount: number,
  start: number,
  tolerance = 1e-10,
): { value: number; strategy: Int32Array } {
  const { m, n } = game;
  // Position of each reached state in `states` (-1: not reached): a typed array over all states
  // rather than a Map, the same breadth-first order.
  const index = new Int32Array(game.numStates).fill(-1);
  index[start] = 0;
  const states = [start];
  for (let k = 0; k < states.length; k++) {
    for (let a = 0; a < m; a++) {
      const s2 = nextState(game, states[k]!, jointWith(game, greedy, firm, states[k]!, a));
      if (index[s2] === -1) ((index[s2] = states.length), states.push(s2));
    }
  }
  const R = states.length;
  const next = new Int32Array(R * m);
  const reward = new Float64Array(R * m);
  for (let k = 0; k < R; k++) {
    for (let a = 0; a < m; a++) {
      const j = jointWith(game, greedy, firm, states[k]!, a);
      next[k * m + a] = index[nextState(game, states[k]!, j)]!;
      reward[k * m + a] = game.expectedProfit[j * n + firm]!;
    }
  }
  let V = new Float64Array(R);
  let V2 = new Float64Array(R);
  const arg = new Int32Array(R);
  for (let sweep = 0; sweep < 100_000; sweep++) {
    let change = 0;
    for (let k = 0; k < R; k++) {
      let best = -Infinity;
      let bestA = 0;
      for (let a = 0; a < m; a++) {
        const q = reward[k * m + a]! + discount * V[next[k * m + a]!]!;
        if (q > best) ((best = q), (bestA = a));
      }
      V2[k] = best;
      arg[k] = bestA;
      change = Math.max(change, Math.abs(best - V[k]!));
    }
    [V, V2] = [V2, V];
    if (discount === 0 || change <= tolerance) break;
  }
  const strategy = greedy[firm]!.slice();
  for (let k = 0; k < R; k++) strategy[states[k]!] = arg[k]!;
  return { value: (1 - discount) * V[0]!, strategy };
}

/**
 * Q-learning of one firm against frozen rivals, from `q0` (its learned table, numStates × m; null
 * starts from zeros). Returns its greedy strategy afterwards. Allocation-free inner loop.
 *
 * Written for V8 like the fused session loop (envs/market/fast-session.ts): the sfc32 words, the
 * knobs and the game's numbers live in locals, and the restart clock counts down instead of taking
 * a remainder each period. Same arithmetic in the same order as before (int32 words give the bits
 * the Uint32Array words gave), so the same strategy to the bit; a Calvano run's CPU after its
 * learning loop is mostly these retrainings (start-up, issue 21).
 */
export function retrainQ(
  game: MarketGame,
  greedy: readonly Int32Array[],
  firm: number,
  q0: Float64Array | null,
  starts: readonly number[],
  options: RetrainOptions,
): { strategy: Int32Array; periods: number; converged: boolean } {
  const { m, n, numStates: S, leadWeight, numJoint, expectedProfit } = game;
  const Q = q0 ? q0.slice() : new Float64Array(S * m);
  const G = new Int32Array(S);
  const M = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    let b = 0;
    for (let a = 1; a < m; a++) if (Q[s * m + a]! > Q[s * m + b]!) b = a;
    G[s] = b;
    M[s] = Q[s * m + b]!;
  }
  const factors = explorationFactors(options.explorationDecay);
  // sfc32 (src/core/rng.ts), its four words in locals.
  let x0 = options.rng[0]! | 0;
  let x1 = options.rng[1]! | 0;
  let x2 = options.rng[2]! | 0;
  let x3 = options.rng[3]! | 0;
  const { learningRate: alpha, discount: delta, explorationDecay: beta, maxPeriods, convergenceWindow, restartEvery } = options;
  const numStarts = starts.length;
  // Two firms (the paper's case): the rival's action read straight from its table, not through a
  // loop over firms; memory 1: the next state is the joint action itself (nextState's floor is 0).
  const duopoly = n === 2;
  const rival = greedy[duopoly ? 1 - firm : firm]!;
  const memoryOne = leadWeight === 1 && numJoint === S;
  let s = starts[0]!;
  let restarts = 0;
  let untilRestart = restartEvery;
  let unchanged = 0;
  let blockRate = 1;
  let t = 0;
  let converged = false;
  for (; t < maxPeriods; t++) {
    const r = t & (EXPLORATION_BLOCK - 1);
    if (r === 0) blockRate = Math.exp(-beta * t);
    const eps = blockRate * factors[r]!;
    let out = (((x0 + x1) | 0) + x3) | 0;
    x3 = (x3 + 1) | 0;
    x0 = x1 ^ (x1 >>> 9);
    x1 = (x2 + (x2 << 3)) | 0;
    x2 = (((x2 << 21) | (x2 >>> 11)) + out) | 0;
    let a: number;
    if ((out >>> 0) * 2.3283064365386963e-10 < eps) {
      out = (((x0 + x1) | 0) + x3) | 0;
      x3 = (x3 + 1) | 0;
      x0 = x1 ^ (x1 >>> 9);
      x1 = (x2 + (x2 << 3)) | 0;
      x2 = (((x2 << 21) | (x2 >>> 11)) + out) | 0;
      a = Math.floor((out >>> 0) * 2.3283064365386963e-10 * m);
    } else a = G[s]!;
    let j = 0;
    if (duopoly) j = firm === 0 ? a * m + rival[s]! : rival[s]! * m + a;
    else for (let i = 0; i < n; i++) j = j * m + (i === firm ? a : greedy[i]![s]!);
    const s2 = memoryOne ? j : j * leadWeight + Math.floor(s / numJoint); // nextState (game.ts)
    const cell = s * m + a;
    const old = Q[cell]!;
    const upd = old + alpha * (expectedProfit[j * n + firm]! + delta * M[s2]! - old);
    Q[cell] = upd;
    let changed = false;
    // Every comparison and the counter's increment are evaluated each period (no short circuit),
    // so each has type feedback when the loop is optimized: one first met late (a tie, a drop, the
    // count once ε < 1e-3) otherwise deoptimized it and cost further compiles (--trace-deopt).
    const top = M[s]!;
    const g = G[s]!;
    const above = upd > top;
    const tie = upd === top;
    const lower = a < g;
    const same = a === g;
    const below = upd < top;
    if (above || (tie && lower)) {
      M[s] = upd;
      if (!same) ((G[s] = a), (changed = true));
    } else if (same && below) {
      let b = 0;
      for (let x = 1; x < m; x++) if (Q[s * m + x]! > Q[s * m + b]!) b = x;
      M[s] = Q[s * m + b]!;
      if (b !== a) ((G[s] = b), (changed = true));
    }
    const counted = unchanged + 1;
    unchanged = changed || eps > 1e-3 ? 0 : counted;
    // (t + 1) % restartEvery === 0, counted down.
    if (--untilRestart === 0) {
      untilRestart = restartEvery;
      s = starts[++restarts % numStarts]!;
    } else s = s2;
    if (unchanged >= convergenceWindow) {
      converged = true;
      t++;
      break;
    }
  }
  return { strategy: G, periods: t, converged };
}

const withFirm = (greedy: readonly Int32Array[], firm: number, strategy: Int32Array): Int32Array[] => greedy.map((g, i) => (i === firm ? strategy : g));

/** Retrain `firm` against the frozen rivals and compare with sticking and with the exact best response, from the first state of `cycle`. */
export function retrainFirm(
  game: MarketGame,
  greedy: readonly Int32Array[],
  cycle: LimitCycle,
  firm: number,
  q0: Float64Array | null,
  options: RetrainOptions,
): RetrainResult {
  const start = cycle.states[0]!;
  const { discount } = options;
  const stickValue = discountedValue(game, greedy, firm, discount, start);
  const retrained = retrainQ(game, greedy, firm, q0, cycle.states, options);
  const withRetrained = withFirm(greedy, firm, retrained.strategy);
  const retrainedValue = discountedValue(game, withRetrained, firm, discount, start);
  const best = exactBestResponse(game, greedy, firm, discount, start);
  const withBest = withFirm(greedy, firm, best.strategy);
  const cr = limitCycle(game, withRetrained, start);
  const cb = limitCycle(game, withBest, start);
  const scale = Math.max(Math.abs(stickValue), 1e-12);
  return {
    firm,
    discount,
    periods: retrained.periods,
    converged: retrained.converged,
    stickValue,
    retrainedValue,
    bestValue: best.value,
    retrainGain: (retrainedValue - stickValue) / scale,
    bestGain: (best.value - stickValue) / scale,
    ownPriceBefore: cycle.meanPrices[firm]!,
    ownPriceRetrained: cr.meanPrices[firm]!,
    ownPriceBest: cb.meanPrices[firm]!,
    profitGainRetrained: cr.profitGain,
    profitGainBest: cb.profitGain,
    restraintBefore: restraint(game, cycle, firm),
    restraintRetrained: restraint(game, cr, firm),
    restraintBest: restraint(game, cb, firm),
  };
}

/** Retrain every firm in turn (each against the others frozen), from its learned Q table when given; streams derived from `streamSeed`. */
export function retrainAll(
  game: MarketGame,
  greedy: readonly Int32Array[],
  cycle: LimitCycle,
  qTables: readonly (Float64Array | null)[],
  discounts: readonly number[],
  streamSeed: number,
): RetrainResult[] {
  return greedy.map((_, i) =>
    retrainFirm(game, greedy, cycle, i, qTables[i] ?? null, {
      ...RETRAIN_DEFAULTS,
      discount: discounts[i]!,
      rng: deriveSeedWords(streamSeed, 'retrain', `firm${i}`),
    }),
  );
}
