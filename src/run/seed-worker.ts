/**
 * Worker-thread entry for multi-seed runs and sweeps (src/workers/pool.ts): re-resolves the
 * (already resolved, plain-JSON) config, runs one seed into its folder per job, and reports
 * progress and the summary back.
 */
import { resolveExperiment } from '../config/resolve.js';
import { serveJobs } from '../workers/serve.js';
import { preparePolicies } from './prepare.js';
import { runSeedToFolder, type RunMeta } from './seed-folder.js';
import type { SeedSummary } from './seed-summary.js';

/** One seed to run into its folder. */
export interface SeedJob {
  readonly config: unknown;
  readonly seed: number;
  readonly dir: string;
  readonly meta: RunMeta;
  readonly resume: boolean;
}

/** Progress of a seed: steps done of the budget, steps newly done, findings so far. */
export interface SeedProgress {
  readonly done: number;
  readonly total: number;
  readonly delta: number;
  readonly findings: number;
}

serveJobs<SeedJob, SeedSummary, SeedProgress>(async (job, ctx) => {
  const resolved = resolveExperiment(job.config);
  await preparePolicies(resolved);
  let last = 0;
  return runSeedToFolder(
    resolved,
    job.seed,
    job.dir,
    job.meta,
    (done, total, findings) => {
      ctx.progress({ done, total, delta: done - last, findings });
      last = done;
    },
    ctx.signal,
    job.resume,
  );
});
