/**
 * The market as a finite repeated game: everything the world kernel, the fused learning kernel and
 * the outcome analysis share, computed once from resolved params. Price grids (per firm), the
 * profit table of every joint grid action (per demand-shock level and in expectation), the static
 * benchmarks, and the encoding of joint actions and memory states as integers.
 *
 * Encoding (big-endian mixed radix, m = priceGridSize, n = nFirms, k = memory):
 *   joint action  j = Σ_i a_i · m^(n−1−i)                      (firm 0 most significant)
 *   state         s = Σ_l j_l · m^(n·(k−1−l)),  l = 0 the last period, l = k−1 the oldest
 * which is exactly the big-endian reading of the world's observation vector
 * [a_0(t−1), …, a_{n−1}(t−1), a_0(t−2), …], so a generic tabular learner indexing that observation
 * gets the same state numbers. The successor of s after joint action j is
 *   s' = j · m^(n·(k−1)) + ⌊s / m^n⌋.
 */
import { marketBenchmarks } from './benchmarks.js';
import { consumerSurplus, logitShares, shockLevels, type DemandSystem, type PriceProfile } from './model.js';

/** Resolved market params (the world's params schema output). */
export type MarketParams = {
  readonly nFirms: number;
  readonly a: number | readonly number[];
  readonly a0: number;
  readonly mu: number;
  readonly cost: number | readonly number[];
  readonly priceGridSize: number;
  readonly xi: number;
  readonly memory: number;
  readonly demandShock: number;
  readonly episodeLength: number;
};

/** The precomputed repeated game. Typed arrays are read-only by convention. */
export interface MarketGame {
  /** Number of firms n. */
  readonly n: number;
  /** Grid size m. */
  readonly m: number;
  /** Memory k (periods of past prices in the state). */
  readonly memory: number;
  /** m^n joint actions. */
  readonly numJoint: number;
  /** m^(n·k) states. */
  readonly numStates: number;
  /** m^(n·(k−1)): weight of the newest joint action in a state number. */
  readonly leadWeight: number;
  /** The demand system the tables were computed from. */
  readonly demand: DemandSystem;
  /** One-shot Bertrand–Nash benchmark. */
  readonly nash: PriceProfile;
  /** Joint-profit-maximising benchmark. */
  readonly monopoly: PriceProfile;
  /** Per firm: its m grid prices, ascending. */
  readonly grids: readonly Float64Array[];
  /** Number of equally likely demand-shock levels (1 without shocks). */
  readonly levels: number;
  /** Profit of firm i at joint action j and shock level l: `profit[(l·numJoint + j)·n + i]`. */
  readonly profit: Float64Array;
  /** Expected profit over shock levels: `expectedProfit[j·n + i]`. */
  readonly expectedProfit: Float64Array;
  /** Consumer surplus at joint action j and shock level l: `surplus[l·numJoint + j]`. */
  readonly surplus: Float64Array;
  /**
   * The world's four KPIs (profitGain, meanPrice, consumerSurplus, totalWelfare) at joint action j
   * and shock level l: `kpi[(l·numJoint + j)·4 + k]`. The world reports these very numbers, so the
   * fused kernel's metric sums match the generic runner's bit for bit.
   */
  readonly kpi: Float64Array;
}

/** Number of KPIs per entry of `MarketGame.kpi`. */
export const MARKET_KPIS = 4;

/** Above this many joint actions the profit table is too large to precompute. */
export const MAX_JOINT_ACTIONS = 10_000_000;

/** Per-firm values from a scalar-or-array param (lengths are checked by the params schema). */
export function perFirm(value: number | readonly number[], n: number): number[] {
  return typeof value === 'number' ? Array.from({ length: n }, () => value) : [...value];
}

/** Build the game tables for resolved params. */
export function buildMarketGame(p: MarketParams): MarketGame {
  const n = p.nFirms;
  const m = p.priceGridSize;
  const demand: DemandSystem = { n, a: perFirm(p.a, n), a0: p.a0, mu: p.mu, cost: perFirm(p.cost, n), shock: p.demandShock };
  const { nash, monopoly } = marketBenchmarks(demand);
  // Per-firm grids as in Calvano et al.: m equally spaced points on
  // [p_N − ξ(p_M − p_N), p_M + ξ(p_M − p_N)].
  const grids = Array.from({ length: n }, (_, i) => {
    const span = monopoly.prices[i]! - nash.prices[i]!;
    const lo = nash.prices[i]! - p.xi * span;
    const hi = monopoly.prices[i]! + p.xi * span;
    return Float64Array.from({ length: m }, (_, k) => lo + ((hi - lo) * k) / (m - 1));
  });
  const numJoint = m ** n;
  if (numJoint > MAX_JOINT_ACTIONS) throw new RangeError(`market: priceGridSize^nFirms = ${numJoint} joint actions is more than ${MAX_JOINT_ACTIONS}`);
  const levels = shockLevels(demand);
  const profit = new Float64Array(levels.length * numJoint * n);
  const expectedProfit = new Float64Array(numJoint * n);
  const surplus = new Float64Array(levels.length * numJoint);
  const prices = new Float64Array(n);
  const actions = new Int32Array(n);
  const q = new Float64Array(n);
  for (let j = 0; j < numJoint; j++) {
    decodeJoint(j, n, m, actions);
    for (let i = 0; i < n; i++) prices[i] = grids[i]![actions[i]!]!;
    for (let l = 0; l < levels.length; l++) {
      logitShares(demand, prices, levels[l]!, q);
      surplus[l * numJoint + j] = consumerSurplus(demand, prices, levels[l]!);
      for (let i = 0; i < n; i++) {
        const pi = (prices[i]! - demand.cost[i]!) * q[i]!;
        profit[(l * numJoint + j) * n + i] = pi;
        expectedProfit[j * n + i] = expectedProfit[j * n + i]! + pi / levels.length;
      }
    }
  }
  const numStates = m ** (n * p.memory);
  const game = {
    n,
    m,
    memory: p.memory,
    numJoint,
    numStates,
    leadWeight: p.memory === 0 ? 0 : m ** (n * (p.memory - 1)),
    demand,
    nash,
    monopoly,
    grids,
    levels: levels.length,
    profit,
    expectedProfit,
    surplus,
    kpi: new Float64Array(levels.length * numJoint * MARKET_KPIS),
  };
  for (let l = 0; l < levels.length; l++) {
    for (let j = 0; j < numJoint; j++) {
      decodeJoint(j, n, m, actions);
      const row = l * numJoint + j;
      let total = 0;
      let priceSum = 0;
      for (let i = 0; i < n; i++) {
        total += profit[row * n + i]!;
        priceSum += grids[i]![actions[i]!]!;
      }
      const cs = surplus[row]!;
      game.kpi[row * MARKET_KPIS] = industryProfitGain(game, total);
      game.kpi[row * MARKET_KPIS + 1] = priceSum / n;
      game.kpi[row * MARKET_KPIS + 2] = cs;
      game.kpi[row * MARKET_KPIS + 3] = cs + total;
    }
  }
  return game;
}

/** Write the per-firm grid indices of joint action `j` into `out`. */
export function decodeJoint(j: number, n: number, m: number, out: Int32Array | number[]): void {
  let rest = j;
  for (let i = n - 1; i >= 0; i--) {
    out[i] = rest % m;
    rest = Math.floor(rest / m);
  }
}

/** The joint action number of per-firm grid indices. */
export function encodeJoint(actions: ArrayLike<number>, m: number): number {
  let j = 0;
  for (let i = 0; i < actions.length; i++) j = j * m + actions[i]!;
  return j;
}

/** The state after joint action `j` is played in state `s`. */
export function nextState(game: MarketGame, s: number, j: number): number {
  return j * game.leadWeight + Math.floor(s / game.numJoint);
}

/**
 * Entries of the world's price history: the last `memory` price vectors, and the last one even at
 * memory 0 (features and reports read it; the state number ignores it).
 */
export function historyLength(game: Pick<MarketGame, 'n' | 'memory'>): number {
  return game.n * Math.max(1, game.memory);
}

/** Slots of a firm's observation: the n·k history digits, or one constant slot at memory 0. */
export function observationLength(game: Pick<MarketGame, 'n' | 'memory'>): number {
  return Math.max(1, game.n * game.memory);
}

/** Profit gain Δ = (π − π_N)/(π_M − π_N) of firm i for per-period profit π. */
export function profitGain(game: MarketGame, i: number, profit: number): number {
  const pn = game.nash.profits[i]!;
  return (profit - pn) / (game.monopoly.profits[i]! - pn);
}

/** Industry profit gain (Σπ − Σπ_N)/(Σπ_M − Σπ_N) for a total per-period profit. */
export function industryProfitGain(game: MarketGame, totalProfit: number): number {
  let pn = 0;
  let pm = 0;
  for (let i = 0; i < game.n; i++) ((pn += game.nash.profits[i]!), (pm += game.monopoly.profits[i]!));
  return (totalProfit - pn) / (pm - pn);
}

/**
 * Firm i's static (one-shot) best response on its grid to the rivals' grid actions in `actions`
 * (its own entry is ignored), by expected profit; ties go to the lowest price index.
 */
export function staticBestResponse(game: MarketGame, i: number, actions: ArrayLike<number>): number {
  const scratch = Array.from(actions);
  let best = 0;
  let bestProfit = -Infinity;
  for (let a = 0; a < game.m; a++) {
    scratch[i] = a;
    const pi = game.expectedProfit[encodeJoint(scratch, game.m) * game.n + i]!;
    if (pi > bestProfit) ((best = a), (bestProfit = pi));
  }
  return best;
}

/**
 * Firm i's expected one-period profit for each own grid action when every rival picks uniformly at
 * random from its grid (the payoff behind Calvano et al.'s Q initialisation).
 */
export function payoffVsUniformRivals(game: MarketGame, i: number): Float64Array {
  const out = new Float64Array(game.m);
  const actions = new Int32Array(game.n);
  for (let j = 0; j < game.numJoint; j++) {
    decodeJoint(j, game.n, game.m, actions);
    out[actions[i]!] = out[actions[i]!]! + game.expectedProfit[j * game.n + i]!;
  }
  const rivals = game.numJoint / game.m;
  for (let a = 0; a < game.m; a++) out[a] = out[a]! / rivals;
  return out;
}
