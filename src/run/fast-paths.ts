/**
 * Fused fast paths. A fast path runs a whole seed in one specialised loop (e.g. the market world
 * with tabular Q-learners as one typed-array kernel) and must give exactly the results of the
 * generic loop; each ships with a differential test against it. The runner takes the first fast
 * path whose `applies` accepts the resolved experiment, unless `run.fastPath` is false.
 */
import { marketFastPath } from '../../envs/market/calvano/fast-path.js';
import type { FastPath } from './seed-loop.js';

/** Registered fast paths, tried in order. */
export const fastPaths: FastPath[] = [marketFastPath];
