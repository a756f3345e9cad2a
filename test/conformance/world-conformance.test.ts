/** Enrols every registered world in the conformance suite. */
import { worlds } from '../../envs/index.js';
import { conformanceSuite } from './world-conformance.js';

for (const spec of worlds.values()) conformanceSuite(spec);
