/**
 * Fused fast paths. A fast path runs a whole seed in one specialised loop (e.g. the market world
 * with tabular Q-learners as one typed-array kernel) and must give exactly the results of the
 * generic loop; each ships with a differential test against it. The runner takes the first fast
 * path whose `applies` accepts the resolved experiment, unless `run.fastPath` is false.
 */
import type { ResolvedExperiment } from '../config/resolve.js';
import type { SeedRunOptions } from './seed-run.js';
import type { SeedSummary } from './seed-summary.js';
import type { RunLoop } from './yield.js';
import { marketFastPath } from '../market/fast-path.js';

/** A fused implementation of a seed run for a family of configs. */
export interface FastPath {
  /** Name recorded in summary.json `metrics.fastPath`. */
  readonly id: string;
  /** Whether this fast path can run the experiment with identical results. */
  applies(resolved: ResolvedExperiment): boolean;
  /** Run one seed (same contract as the generic loop): a generator that yields at metrics windows (see yield.ts). */
  loop(resolved: ResolvedExperiment, options: SeedRunOptions): RunLoop<SeedSummary>;
}

/** Registered fast paths, tried in order. */
export const fastPaths: FastPath[] = [marketFastPath];
