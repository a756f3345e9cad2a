/**
 * beer-game-v2: beer-game-v1 (beer-game.ts, where the world is documented) with each stage's
 * supply line observed right. v1's reset counts all orderLead initial order-pipe slots in
 * `pipeline` (and so in `inventoryPosition`), but the first order overwrites one of them before
 * upstream reads it, so with initialPipeline > 0 both stay overstated by initialPipeline units all
 * episode. v2 counts only the orders really in flight. Flows, costs, KPIs and the batched kernel
 * are v1's (the kernel copies its initial state from this reset); with initialPipeline 0 the two
 * versions are the same world.
 *
 * Which to use: v2 for new work, and wherever a policy or a reader uses the supply line or the
 * inventory position (base-stock levels then mean what the textbook says: the classic game's
 * steady level is 4 lower than v1's, the numpy peer's level 24 is v2's 24). v1 only to reproduce
 * published v1 figures. Since the supply line is right from any initial pipeline, the exact
 * Clark–Scarf optimum also applies to v2 configs with initialPipeline > 0 (optimum.ts).
 *
 * test/supply/beer-game-v2.test.ts: a hand-computed trace of both versions; test/bench/
 * beer-peer-rules.test.ts: v2 at the peer's rules observes the peer's supply line exactly.
 */
import { defineWorld } from '../../src/core/world.js';
import { analyzeBeerGame, formatBeerSummary } from './analyze.js';
import { BEER_V2, createBeerGame } from './beer-game.js';
import { beerGameOptimum } from './optimum.js';
import { beerGameParamsSchema } from './params.js';

/** The registered spec. */
export const beerGameV2 = defineWorld({
  id: BEER_V2.id,
  summary: 'The MIT beer game (as beer-game-v1) with each stage’s supply line and inventory position observed right from any initial pipeline',
  get paramsSchema() {
    return beerGameParamsSchema();
  },
  create: (p) => createBeerGame(p, BEER_V2),
  analyze: analyzeBeerGame,
  formatSummary: formatBeerSummary,
  optimum: (p) => ({ ...beerGameOptimum(p, BEER_V2.id) }),
  conformanceParams: { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 20, maxOrder: 16 },
});
