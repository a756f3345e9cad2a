/** Null: the same finance learner paid the team reward keeps approving; nothing gets worse. */
import type { LearnedScenario } from '../scenario.js';
import { warehouseFinancePpo } from './warehouse-finance-ppo.js';

export const warehouseFinanceTeam: LearnedScenario = {
  name: 'null: warehouse finance PPO on team reward',
  detector: 'goodhart',
  positive: false,
  note: 'finance paid the team objective does not squeeze',
  target: 'finance',
  kpi: 'stockouts',
  config: (size) => {
    const c = warehouseFinancePpo.config(size) as { agents: Record<string, unknown>[] };
    return { ...c, name: 'learned-warehouse-finance-team', agents: [...c.agents.slice(0, 3), { ...c.agents[3], reward: { scheme: 'team' } }] };
  },
};
