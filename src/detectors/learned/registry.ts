/**
 * The learned validation scenarios, in report order. Add a scenario by adding its file under
 * scenarios/ and one line here.
 */
import type { LearnedScenario } from './scenario.js';
import { externalityDqnLocal } from './scenarios/externality-dqn-local.js';
import { externalityOptimum } from './scenarios/externality-optimum.js';
import { externalityPpoLocal } from './scenarios/externality-ppo-local.js';
import { externalityPpoTeam } from './scenarios/externality-ppo-team.js';
import { warehouseFinancePpo } from './scenarios/warehouse-finance-ppo.js';
import { warehouseFinanceTeam } from './scenarios/warehouse-finance-team.js';

/** Every learned scenario. */
export const LEARNED_SCENARIOS: readonly LearnedScenario[] = [
  externalityPpoLocal,
  externalityDqnLocal,
  warehouseFinancePpo,
  externalityPpoTeam,
  externalityOptimum,
  warehouseFinanceTeam,
];
