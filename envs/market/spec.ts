/**
 * market-v1 as registered (envs/index.ts): the world (market.ts), its end-of-run analysis
 * (analyze.ts), its text summary (summary.ts), its fast path for tabular-q firms
 * (calvano/fast-path.ts) and what its actions stand for (each firm's price grid). Its own module so that the world itself imports none of them.
 */
import { defineWorld } from '../../src/core/world.js';
import { analyzeMarket } from './analyze.js';
import { marketFastPath } from './calvano/fast-path.js';
import { createMarket, marketParamsSchema } from './market.js';
import { formatMarketSummary } from './summary.js';

/** The registered spec. */
export const market = defineWorld({
  id: 'market-v1',
  summary: 'Repeated Bertrand pricing with logit demand (Calvano et al. 2020): firms pick prices from a grid, observing past prices',
  get paramsSchema() {
    return marketParamsSchema();
  },
  create: (p) => createMarket(p),
  conformanceParams: { priceGridSize: 5, memory: 2, demandShock: 0.2, episodeLength: 25 },
  analyze: analyzeMarket,
  formatSummary: formatMarketSummary,
  fastPaths: [marketFastPath],
  actionValues: (p) => {
    const world = createMarket(p);
    return { quantity: 'price', byAgent: Object.fromEntries(world.agents.map((a, i) => [a.id, world.game.grids[i]!])) };
  },
});
