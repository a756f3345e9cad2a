/**
 * A 5-state chain MDP for shaping tests: start at 0, actions 0 = left, 1 = right, 2 = stay;
 * reward `goal` = 1 on reaching state 4, which is terminal. Feature `atOne` is 1 in state 1 and
 * `position` is the state index. Deterministic, so one step per (state, action) gives R(s, a).
 */
import { copyFlatState, type World } from '../../src/core/world.js';
import { box, discrete } from '../../src/core/spaces.js';

export const CHAIN_STATES = 5;

export interface ChainState {
  pos: Int32Array;
}

export function chainWorld(): World<ChainState> {
  const obs = box(0, CHAIN_STATES - 1, 1);
  const act = discrete(3);
  return {
    id: 'chain-test',
    params: {},
    agents: [{ id: 'walker', role: 'walker', index: 0 }],
    observationSpaces: [obs],
    actionSpaces: [act],
    rewardComponents: [['goal']],
    kpis: [{ name: 'atGoal', description: 'reached the goal', better: 'higher', aggregate: 'mean' }],
    features: ['atOne', 'position'],
    episodeLength: 0,
    createState: () => ({ pos: new Int32Array(1) }),
    reset(s, _seed, out) {
      s.pos[0] = 0;
      out.obs[0]![0] = 0;
    },
    step(s, actions, next, out) {
      const a = actions[0]![0]!;
      const p = Math.max(0, Math.min(CHAIN_STATES - 1, s.pos[0]! + (a === 0 ? -1 : a === 1 ? 1 : 0)));
      next.pos[0] = p;
      const goal = p === CHAIN_STATES - 1 ? 1 : 0;
      out.rewards[0]![0] = goal;
      out.kpis[0] = goal;
      out.terminated[0] = goal;
      out.truncated[0] = 0;
      out.obs[0]![0] = p;
    },
    copyState: copyFlatState,
    readFeatures(s, out) {
      out[0] = s.pos[0] === 1 ? 1 : 0;
      out[1] = s.pos[0]!;
    },
    defaultAction(_i, _s, out) {
      out[0] = 2;
    },
    isAlive: () => true,
  };
}
