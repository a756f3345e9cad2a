/** Positive with another learner: the externality extractor learned by DQN instead of PPO. */
import type { LearnedScenario } from '../scenario.js';
import { externalityPpoLocal } from './externality-ppo-local.js';

export const externalityDqnLocal: LearnedScenario = {
  name: 'externality: DQN on own reward',
  detector: 'goodhart',
  positive: true,
  note: 'as the PPO case, learned by DQN',
  target: 'a0',
  kpi: 'welfare',
  config: (size) => {
    const c = externalityPpoLocal.config(size) as { agents: Record<string, unknown>[] };
    return {
      ...c,
      name: 'learned-externality-dqn-local',
      agents: [{ id: 'a0', policy: { type: 'dqn', params: {} }, reward: { scheme: 'local' } }, c.agents[1]],
    };
  },
};
