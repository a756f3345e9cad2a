/**
 * matrix-game-v1: a repeated 2×2 matrix game (two players, simultaneous moves).
 *
 * | agents | role | action | observation |
 * |---|---|---|---|
 * | `row`, `col` | `player` | Discrete(2): 0 = first move (cooperate / stag / heads), 1 = second | MultiDiscrete([3, 3]): own and the other's last action, 2 before the first move |
 *
 * Rewards: one component `payoff`, the matrix entry for the joint action plus optional Gaussian
 * noise (`payoffNoise`, so the world has seeded dynamics to test). KPIs: `welfare` (sum of payoffs,
 * mean per step) and `firstMoveRate` (share of first moves, mean per step). Truncation after
 * `episodeLength` steps; no termination. Features: `bothFirstMove` (1 when both played 0 last step).
 *
 * Known results a working learner should reach: in the prisoner's dilemma, one-shot (myopic)
 * learners converge to mutual defection (1, 1) with payoff 1 each; in the stag hunt both pure
 * profiles are equilibria, payoff-dominant (0, 0) pays 4 each; matching pennies has only the mixed
 * equilibrium (value 0); the pure coordination game pays 1 each when both pick the same move and 0
 * otherwise: two equally good conventions, so independently trained pairs agree only by luck
 * (held-out partners, src/run/crossplay.ts).
 *
 * Versions: v1, first version; later, backward compatible: game `coordination`.
 */
import { z } from 'zod';
import { nextNormal } from '../../src/core/rng.js';
import { discrete, multiDiscrete } from '../../src/core/spaces.js';
import { copyFlatState, defineWorld, type StepOut, type World } from '../../src/core/world.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

/** Payoffs [row's payoff, col's payoff] for joint actions (0,0), (0,1), (1,0), (1,1). */
const GAMES = {
  'prisoners-dilemma': [
    [3, 3],
    [0, 5],
    [5, 0],
    [1, 1],
  ],
  'stag-hunt': [
    [4, 4],
    [0, 3],
    [3, 0],
    [3, 3],
  ],
  'matching-pennies': [
    [1, -1],
    [-1, 1],
    [-1, 1],
    [1, -1],
  ],
  coordination: [
    [1, 1],
    [0, 0],
    [0, 0],
    [1, 1],
  ],
} as const;

const paramsSchema = lazySchema(() =>
  z
    .object({
      game: z.enum(['prisoners-dilemma', 'stag-hunt', 'matching-pennies', 'coordination']).default('prisoners-dilemma').describe('Which 2×2 game is repeated'),
      episodeLength: z.number().int().positive().default(100).describe('Steps per episode before truncation'),
      payoffNoise: z.number().nonnegative().default(0).describe('Standard deviation of Gaussian noise added to each payoff'),
    })
    .strict(),
);

type Params = z.infer<ReturnType<typeof paramsSchema>>;

/** State of one copy. */
interface MatrixState {
  /** sfc32 words of the world's own random stream. */
  rng: Uint32Array;
  /** [step within episode]. */
  t: Int32Array;
  /** Last action of each player, 2 before the first move. Shape [2]. */
  last: Int32Array;
}

function create(params: Params): World<MatrixState> {
  const table = GAMES[params.game];
  const agents = [
    { id: 'row', role: 'player', index: 0 },
    { id: 'col', role: 'player', index: 1 },
  ];
  const obsSpace = multiDiscrete([3, 3], ['ownLast', 'otherLast']);
  const actSpace = discrete(2);
  const writeObs = (s: MatrixState, out: StepOut): void => {
    out.obs[0]![0] = s.last[0]!;
    out.obs[0]![1] = s.last[1]!;
    out.obs[1]![0] = s.last[1]!;
    out.obs[1]![1] = s.last[0]!;
  };
  return {
    id: 'matrix-game-v1',
    params,
    agents,
    observationSpaces: [obsSpace, obsSpace],
    actionSpaces: [actSpace, actSpace],
    rewardComponents: [['payoff'], ['payoff']],
    kpis: [
      // Reference: the joint-welfare optimum of the game (its best cell's payoff sum).
      {
        name: 'welfare',
        description: 'sum of both payoffs per step',
        better: 'higher',
        aggregate: 'mean',
        reference: Math.max(...GAMES[params.game].map(([a, b]) => a + b)),
      },
      { name: 'firstMoveRate', description: 'share of moves that were action 0 (cooperate/stag)', better: 'higher', aggregate: 'mean' },
    ],
    features: ['bothFirstMove'],
    episodeLength: params.episodeLength,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), last: new Int32Array(2) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      s.last[0] = 2;
      s.last[1] = 2;
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      const a0 = actions[0]![0]!;
      const a1 = actions[1]![0]!;
      const pay = table[a0 * 2 + a1]!;
      const noise = params.payoffNoise;
      const r0 = pay[0] + (noise > 0 ? noise * nextNormal(next.rng) : 0);
      const r1 = pay[1] + (noise > 0 ? noise * nextNormal(next.rng) : 0);
      out.rewards[0]![0] = r0;
      out.rewards[1]![0] = r1;
      out.kpis[0] = r0 + r1;
      out.kpis[1] = ((a0 === 0 ? 1 : 0) + (a1 === 0 ? 1 : 0)) / 2;
      next.t[0] = s.t[0]! + 1;
      next.last[0] = a0;
      next.last[1] = a1;
      const trunc = next.t[0]! >= params.episodeLength ? 1 : 0;
      out.terminated[0] = 0;
      out.terminated[1] = 0;
      out.truncated[0] = trunc;
      out.truncated[1] = trunc;
      writeObs(next, out);
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      out[0] = s.last[0] === 0 && s.last[1] === 0 ? 1 : 0;
    },
    defaultAction(_agent, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
}

/** The registered spec. */
export const matrixGame = defineWorld({
  id: 'matrix-game-v1',
  summary: 'Repeated 2×2 matrix game (prisoner’s dilemma, stag hunt, matching pennies) with a known equilibrium',
  get paramsSchema() {
    return paramsSchema();
  },
  create: (p) => create(p),
  conformanceParams: { episodeLength: 20, payoffNoise: 0.5 },
});
