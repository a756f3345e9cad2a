/**
 * market-v1: repeated Bertrand price competition with logit demand, the setting of Calvano,
 * Calzolari, Denicolò & Pastorello, "Artificial Intelligence, Algorithmic Pricing, and Collusion",
 * AER 110(10), 2020. Each period every firm picks a price from its grid; demand is logit with an
 * outside good,
 *
 *   q_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a0/μ)),   π_i = (p_i − c_i)·q_i,
 *
 * and firms observe the last `memory` price vectors. The world solves its own benchmarks (one-shot
 * Bertrand–Nash and joint-profit maximum, model.ts) and builds its price grids from them.
 *
 * | agents | role | action | observation |
 * |---|---|---|---|
 * | `firm0` … `firm{n−1}` | `firm` | Discrete(priceGridSize): grid index, 0 = lowest price | MultiDiscrete([m] × n·memory): grid indices of the last `memory` price vectors, newest first, firms in index order: [p_0(t−1), …, p_{n−1}(t−1), p_0(t−2), …]; at `memory` 0, MultiDiscrete([1]) always 0 (one state) |
 *
 * Every firm sees the same observation (absolute firm order, as in the paper's state), so a
 * tabular learner's state number is the big-endian reading of it (see game.ts).
 *
 * | reward component | meaning |
 * |---|---|
 * | `profit` | (p_i − c_i)·q_i this period, at the realised demand shock |
 *
 * | KPI | meaning (per period, aggregated by mean) |
 * |---|---|
 * | `profitGain` | industry Δ = (Σπ − Σπ_N)/(Σπ_M − Σπ_N): 0 at Bertrand–Nash, 1 at the joint-profit maximum |
 * | `meanPrice` | mean price over firms |
 * | `consumerSurplus` | logit consumer surplus μ·log(Σ_j exp((a_j − p_j)/μ) + exp(a0/μ)) |
 * | `totalWelfare` | consumer surplus + Σ profits |
 *
 * Params (defaults are the paper's baseline): `nFirms` 2, `a` 2 (scalar or per firm), `a0` 0,
 * `mu` 0.25, `cost` 1 (scalar or per firm), `priceGridSize` 15, `xi` 0.1 (each firm's grid spans
 * [p_N − ξ(p_M − p_N), p_M + ξ(p_M − p_N)]), `memory` 1, `demandShock` 0 (a0 is a0 ± shock with
 * equal probability each period, i.i.d., unobserved), `episodeLength` 0 (0 = continuing, never
 * truncated; otherwise truncation after that many periods). No termination.
 *
 * Reset draws the first max(1, `memory`) price vectors uniformly from the grids (as the paper's initState),
 * from the world's own stream; the same stream draws the demand shocks. Features: `lastPrice/<firm>`
 * and `lastMeanPrice`. Default (no-op) action: the grid index closest to the firm's Nash price.
 * The world implements `payoffVsUniformRivals` for the paper's Q initialisation, and its spec's
 * `analyze` (spec.ts) reports the limit cycle of greedy play and deviation probes (analyze.ts) in
 * summary.json under `market/…`.
 *
 * Versions: v1, first version; later additions (`memory` 0) leave every earlier config's behaviour
 * unchanged.
 */
import { z } from 'zod';
import { nextFloat, nextInt } from '../../src/core/rng.js';
import { discrete, multiDiscrete } from '../../src/core/spaces.js';
import { copyFlatState, markTimeLimit, type StepOut, type World } from '../../src/core/world.js';
import {
  MARKET_KPIS,
  MAX_JOINT_ACTIONS,
  buildMarketGame,
  encodeJoint,
  historyLength,
  payoffVsUniformRivals,
  type MarketGame,
  type MarketParams,
} from './game.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

const scalarOrPerFirm = (what: string) =>
  z.union([z.number(), z.array(z.number()).min(1)]).describe(`${what}: one number for all firms, or an array with one value per firm`);

/** The params schema of market-v1 (output type: MarketParams). */
export const marketParamsSchema = lazySchema(() =>
  z
    .object({
      nFirms: z.number().int().min(1).max(10).default(2).describe('Number of firms n'),
      a: scalarOrPerFirm('Product quality a_i (demand index)').default(2),
      a0: z.number().default(0).describe('Quality of the outside good a0 (its mean when demandShock > 0)'),
      mu: z.number().positive().default(0.25).describe('Horizontal differentiation μ > 0 (smaller: closer substitutes)'),
      cost: scalarOrPerFirm('Marginal cost c_i').default(1),
      priceGridSize: z.number().int().min(2).max(1000).default(15).describe('Number of prices m on each firm’s grid'),
      xi: z.number().min(0).default(0.1).describe('Grid extension ξ beyond [p_N, p_M] on each side, as a share of p_M − p_N'),
      memory: z
        .number()
        .int()
        .min(0)
        .max(8)
        .default(1)
        .describe('Periods of past prices k in the observation (the state); 0 = memoryless (Calvano et al.’s k = 0 control: one constant observation slot)'),
      demandShock: z.number().min(0).default(0).describe('Size x of an i.i.d. two-point shock: a0 ± x with equal probability each period (0: none)'),
      episodeLength: z.number().int().min(0).default(0).describe('Periods before truncation; 0 = a continuing world that never truncates'),
    })
    .strict()
    .superRefine((p, ctx) => {
      for (const key of ['a', 'cost'] as const) {
        const v = p[key];
        if (Array.isArray(v) && v.length !== p.nFirms)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `has ${v.length} entries but nFirms is ${p.nFirms}: give one value per firm, or a single number for all`,
          });
      }
      const joint = p.priceGridSize ** p.nFirms;
      if (joint > MAX_JOINT_ACTIONS)
        ctx.addIssue({
          code: 'custom',
          path: ['priceGridSize'],
          message: `priceGridSize^nFirms = ${p.priceGridSize}^${p.nFirms} = ${joint} joint prices exceeds ${MAX_JOINT_ACTIONS}: use a smaller grid or fewer firms`,
        });
    }),
);

/** State of one world copy. */
export interface MarketState {
  /** sfc32 words of the world's stream (initial prices, demand shocks). */
  rng: Uint32Array;
  /** [periods since reset]. */
  t: Int32Array;
  /** Grid indices of past prices, newest first: hist[l·n + i] = firm i's index l+1 periods ago. Shape [max(1, memory)·n]: at memory 0 the last prices are kept for features, not observed. */
  hist: Int32Array;
}

/**
 * Draw the initial price history into `hist` from a freshly seeded world stream (reset's only use
 * of randomness). Exported so the fused kernel starts from exactly the state the world would.
 */
export function drawInitialHistory(rng: Uint32Array, m: number, hist: Int32Array): void {
  for (let k = 0; k < hist.length; k++) hist[k] = nextInt(rng, m);
}

/** The shock level (index into the game's levels) of one period, drawn from the world stream. */
export function drawShockLevel(rng: Uint32Array, levels: number): number {
  return levels > 1 ? (nextFloat(rng) < 0.5 ? 0 : 1) : 0;
}

export function createMarket(params: MarketParams): World<MarketState> & { readonly game: MarketGame } {
  const game = buildMarketGame(params);
  const { n, m, numJoint } = game;
  const k = params.memory;
  const agents = Array.from({ length: n }, (_, i) => ({ id: `firm${i}`, role: 'firm', index: i }));
  const histNames = Array.from({ length: n * k }, (_, s) => `price/firm${s % n}/lag${Math.floor(s / n) + 1}`);
  // Memory 0: one constant slot (a space needs a slot), so the state is always 0.
  const obsSpace =
    k === 0
      ? multiDiscrete([1], ['memoryless'])
      : multiDiscrete(
          Array.from({ length: n * k }, () => m),
          histNames,
        );
  const hLen = historyLength(game);
  const actSpaces = game.grids.map((g) =>
    discrete(
      m,
      Array.from(g, (p) => p.toFixed(4)),
    ),
  );
  const nashIndex = game.grids.map((g, i) => {
    let best = 0;
    for (let a = 1; a < m; a++) if (Math.abs(g[a]! - game.nash.prices[i]!) < Math.abs(g[best]! - game.nash.prices[i]!)) best = a;
    return best;
  });
  const uniformPayoffs = agents.map((_, i) => payoffVsUniformRivals(game, i));
  const joint = new Int32Array(n);
  const writeObs = (s: MarketState, out: StepOut): void => {
    for (let i = 0; i < n; i++) {
      const o = out.obs[i]!;
      if (k === 0) o[0] = 0;
      else for (let x = 0; x < n * k; x++) o[x] = s.hist[x]!;
    }
  };
  return {
    id: 'market-v1',
    params,
    game,
    agents,
    observationSpaces: agents.map(() => obsSpace),
    actionSpaces: actSpaces,
    rewardComponents: agents.map(() => ['profit']),
    kpis: [
      // Reference 1: the joint-profit maximum (monopoly) the firms reach as a team; 0 is one-shot Nash.
      {
        name: 'profitGain',
        description: 'industry profit gain Δ: 0 at one-shot Nash, 1 at joint-profit maximum',
        better: 'higher',
        aggregate: 'mean',
        reference: 1,
      },
      { name: 'meanPrice', description: 'mean price over firms', better: 'lower', aggregate: 'mean' },
      { name: 'consumerSurplus', description: 'logit consumer surplus per period', better: 'higher', aggregate: 'mean' },
      { name: 'totalWelfare', description: 'consumer surplus plus total profit per period', better: 'higher', aggregate: 'mean' },
    ],
    features: [...agents.map((a) => `lastPrice/${a.id}`), 'lastMeanPrice'],
    episodeLength: params.episodeLength,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), hist: new Int32Array(hLen) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      drawInitialHistory(s.rng, m, s.hist);
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      for (let i = 0; i < n; i++) joint[i] = actions[i]![0]!;
      const j = encodeJoint(joint, m);
      const level = drawShockLevel(next.rng, game.levels);
      const row = (level * numJoint + j) * n;
      for (let i = 0; i < n; i++) out.rewards[i]![0] = game.profit[row + i]!;
      const kr = (level * numJoint + j) * MARKET_KPIS;
      for (let k = 0; k < MARKET_KPIS; k++) out.kpis[k] = game.kpi[kr + k]!;
      // Shift the history one period back and put this period's prices in front.
      for (let x = hLen - 1; x >= n; x--) next.hist[x] = s.hist[x - n]!;
      for (let i = 0; i < n; i++) next.hist[i] = joint[i]!;
      next.t[0] = s.t[0]! + 1;
      markTimeLimit(out, n, next.t[0]!, params.episodeLength);
      writeObs(next, out);
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const p = game.grids[i]![s.hist[i]!]!;
        out[i] = p;
        sum += p;
      }
      out[n] = sum / n;
    },
    defaultAction(agent, _s, out) {
      out[0] = nashIndex[agent]!;
    },
    isAlive: () => true,
    payoffVsUniformRivals: (agent) => uniformPayoffs[agent]!,
  };
}

/** Build a market world with its precomputed game (for the fast kernel, analysis and tests). */
export function createMarketWorld(params: Readonly<Record<string, unknown>> = {}): World<MarketState> & { readonly game: MarketGame } {
  return createMarket(marketParamsSchema().parse(params));
}
