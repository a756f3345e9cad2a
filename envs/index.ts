/**
 * The world registry. Registering a world here lists it in `tacit envs`, makes it usable in
 * experiment configs, and enrols it in the conformance suite (test/conformance).
 */
import { UnknownEnvError } from '../src/core/errors.js';
import { createRegistry } from '../src/core/registry.js';
import type { WorldSpec } from '../src/core/world.js';
import { beerGame } from './beer-game/beer-game.js';
import { beerGameV2 } from './beer-game/beer-game-v2.js';
import { market } from './market/spec.js';
import { coordination } from './sanity/coordination.js';
import { externality } from './sanity/externality.js';
import { matrixGame } from './sanity/matrix-game.js';
import { relayChain } from './sanity/relay-chain.js';
import { warehouse } from './warehouse/warehouse.js';
import { warehouseV2 } from './warehouse/v2/warehouse-v2.js';

// One entry per line keeps parallel additions from conflicting.
const ALL: WorldSpec[] = [matrixGame, coordination, market, relayChain, beerGame, beerGameV2, warehouse, warehouseV2, externality];

/** All registered worlds, by versioned id. */
export const worlds = createRegistry('env', ALL, (id, known) => new UnknownEnvError(id, known));
