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
import { marketCalvano2 } from './scenarios/market-calvano-2.js';
import { marketCalvano3 } from './scenarios/market-calvano-3.js';
import { marketCalvano4 } from './scenarios/market-calvano-4.js';
import { marketMyopic2 } from './scenarios/market-myopic-2.js';
import { marketNashRivals2 } from './scenarios/market-nash-rivals-2.js';

/** Every learned scenario. */
export const LEARNED_SCENARIOS: readonly LearnedScenario[] = [
  externalityPpoLocal,
  externalityDqnLocal,
  warehouseFinancePpo,
  externalityPpoTeam,
  externalityOptimum,
  warehouseFinanceTeam,
  marketCalvano2,
  marketCalvano3,
  marketCalvano4,
  marketMyopic2,
  marketNashRivals2,
];
