/**
 * coordination-v1: a coordination game that needs both agents. Each step a target option is drawn
 * uniformly from `numOptions` and shown to both agents (one-hot); each agent picks an option. Both
 * get `hit` = 1 only if *both* picked the target, and `miss` = −`missPenalty` when exactly one did
 * (so going it alone is worse than doing nothing useful).
 *
 * | agents | role | action | observation |
 * |---|---|---|---|
 * | `left`, `right` | `coordinator` | Discrete(numOptions) | Box(numOptions, [0, 1]): one-hot target |
 *
 * Rewards: components `hit` and `miss`. KPIs: `successRate` (share of steps both hit, mean).
 * Truncation after `episodeLength`. A working independent learner reaches successRate ≈ 1
 * (return ≈ episodeLength); uniform random play reaches 1/numOptions².
 * Features: `targetIndex`.
 *
 * Versions: v1, first version.
 */
import { z } from 'zod';
import { nextInt } from '../../src/core/rng.js';
import { box, discrete } from '../../src/core/spaces.js';
import { copyFlatState, defineWorld, type StepOut, type World } from '../../src/core/world.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      numOptions: z.number().int().min(2).max(64).default(3).describe('Number of options to choose from'),
      episodeLength: z.number().int().positive().default(50).describe('Steps per episode before truncation'),
      missPenalty: z.number().nonnegative().default(0.25).describe('Penalty to both when exactly one agent picks the target'),
    })
    .strict(),
);

type Params = z.infer<ReturnType<typeof paramsSchema>>;

interface CoordinationState {
  /** sfc32 words of the world's random stream (target draws). */
  rng: Uint32Array;
  /** [step within episode]. */
  t: Int32Array;
  /** [current target option]. */
  target: Int32Array;
}

function create(params: Params): World<CoordinationState> {
  const n = params.numOptions;
  const obsSpace = box(0, 1, n);
  const actSpace = discrete(n);
  const writeObs = (s: CoordinationState, out: StepOut): void => {
    for (let i = 0; i < 2; i++) {
      const o = out.obs[i]!;
      o.fill(0);
      o[s.target[0]!] = 1;
    }
  };
  return {
    id: 'coordination-v1',
    params,
    agents: [
      { id: 'left', role: 'coordinator', index: 0 },
      { id: 'right', role: 'coordinator', index: 1 },
    ],
    observationSpaces: [obsSpace, obsSpace],
    actionSpaces: [actSpace, actSpace],
    rewardComponents: [
      ['hit', 'miss'],
      ['hit', 'miss'],
    ],
    kpis: [{ name: 'successRate', description: 'share of steps on which both agents picked the target', better: 'higher', aggregate: 'mean', reference: 1 }], // both always on target
    features: ['targetIndex'],
    episodeLength: params.episodeLength,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), target: new Int32Array(1) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      s.target[0] = nextInt(s.rng, n);
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      const target = s.target[0]!;
      const h0 = actions[0]![0] === target ? 1 : 0;
      const h1 = actions[1]![0] === target ? 1 : 0;
      const both = h0 & h1;
      const one = h0 ^ h1;
      for (let i = 0; i < 2; i++) {
        out.rewards[i]![0] = both;
        out.rewards[i]![1] = -params.missPenalty * one;
      }
      out.kpis[0] = both;
      next.t[0] = s.t[0]! + 1;
      next.target[0] = nextInt(next.rng, n);
      const trunc = next.t[0]! >= params.episodeLength ? 1 : 0;
      out.terminated[0] = 0;
      out.terminated[1] = 0;
      out.truncated[0] = trunc;
      out.truncated[1] = trunc;
      writeObs(next, out);
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      out[0] = s.target[0]!;
    },
    defaultAction(_agent, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
}

/** The registered spec. */
export const coordination = defineWorld({
  id: 'coordination-v1',
  summary: 'Two agents must both pick a randomly drawn target option; needs both to score',
  get paramsSchema() {
    return paramsSchema();
  },
  create: (p) => create(p),
  conformanceParams: { episodeLength: 15 },
});
