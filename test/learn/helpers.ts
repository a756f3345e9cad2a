/**
 * Shared fixtures for the neural-learner tests: backend set-up, the sanity worlds at test sizes,
 * and `track`, a tiny continuous-action world (not registered) for the Gaussian head.
 */
import { coordination } from '../../envs/sanity/coordination.js';
import { matrixGame } from '../../envs/sanity/matrix-game.js';
import { dqnPolicy } from '../../policies/dqn.js';
import { ppoPolicy } from '../../policies/ppo.js';
import type { Policy } from '../../src/core/policy.js';
import { nextFloat } from '../../src/core/rng.js';
import { box } from '../../src/core/spaces.js';
import { copyFlatState, type World } from '../../src/core/world.js';
import { initBackend } from '../../src/learn/backend.js';

/** Initialise the backend the environment asks for (TACIT_BACKEND), else the default. */
export async function setupBackend(): Promise<void> {
  await initBackend({ log: false });
}

export const PPO = ppoPolicy;
export const DQN = dqnPolicy;

/** coordination-v1 with 10-step episodes: the best return is 10 per agent. */
export const coordinationWorld = (): World => coordination.create(coordination.paramsSchema.parse({ episodeLength: 10 }));

/** matrix-game-v1 with 10-step episodes. */
export const matrixWorld = (game: 'prisoners-dilemma' | 'stag-hunt'): World => matrixGame.create(matrixGame.paramsSchema.parse({ game, episodeLength: 10 }));

interface TrackState {
  rng: Uint32Array;
  t: Int32Array;
  target: Float32Array;
}

/**
 * track: one agent sees a target in [−1, 1] and must output it as a continuous action in
 * [−2, 2]; reward −|action − target|; 10-step episodes. Best return 0, uniform play ≈ −10.
 */
export function trackWorld(): World {
  const obs = box(-1, 1, 1);
  const act = box(-2, 2, 1);
  const world: World<TrackState> = {
    id: 'track-test',
    params: {},
    agents: [{ id: 'tracker', role: 'tracker', index: 0 }],
    observationSpaces: [obs],
    actionSpaces: [act],
    rewardComponents: [['error']],
    kpis: [],
    features: [],
    episodeLength: 10,
    createState: () => ({ rng: new Uint32Array(4), t: new Int32Array(1), target: new Float32Array(1) }),
    reset(s, seed, out) {
      s.rng.set(seed);
      s.t[0] = 0;
      s.target[0] = 2 * nextFloat(s.rng) - 1;
      out.obs[0]![0] = s.target[0]!;
    },
    step(s, actions, next, out) {
      next.rng.set(s.rng);
      out.rewards[0]![0] = -Math.abs(actions[0]![0]! - s.target[0]!);
      next.t[0] = s.t[0]! + 1;
      next.target[0] = 2 * nextFloat(next.rng) - 1;
      out.obs[0]![0] = next.target[0]!;
      out.terminated[0] = 0;
      out.truncated[0] = next.t[0]! >= 10 ? 1 : 0;
    },
    copyState: copyFlatState,
    readFeatures() {},
    defaultAction(_a, _s, out) {
      out[0] = 0;
    },
    isAlive: () => true,
  };
  return world;
}

/** Everything a policy checkpoint holds, as a string (equal strings = equal weights, optimizer, streams). */
export const fingerprint = (policies: readonly Policy[]): string => JSON.stringify(policies.map((p) => p.save!()));
