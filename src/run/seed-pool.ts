/**
 * The seeds of a multi-seed run on the worker pool (src/workers/pool.ts), one job per seed, each
 * run by seed-worker.ts into its own folder (one worker per core by default). The first failure
 * ends the run: no new seed starts, running ones finish, and the failure is thrown.
 */
import type { RunMeta } from './seed-folder.js';
import type { SeedJob, SeedProgress } from './seed-worker.js';
import type { SeedSummary } from './seed-summary.js';
import { workerCount } from '../config/cost.js';
import { TacitError } from '../core/errors.js';
import { runWorkerPool } from '../workers/pool.js';
import { workerUrl } from '../workers/worker-url.js';

/** Options of a pool run. */
export interface PoolOptions {
  readonly workers?: number;
  /** Progress of any seed: steps newly done. */
  readonly onProgress?: (seed: number, done: number, total: number, delta: number, findings: number) => void;
  readonly signal?: { stop: boolean; onStop?: () => void };
  /** Seeds whose unfinished folders should be resumed from their checkpoints. */
  readonly resumeSeeds?: readonly number[];
}

/** Run every seed of `config` into `dirFor(seed)` on worker threads; resolves to the summaries in seed order. */
export async function runSeedsInPool(
  config: unknown,
  seeds: readonly number[],
  dirFor: (seed: number) => string,
  meta: RunMeta,
  options: PoolOptions = {},
): Promise<SeedSummary[]> {
  const queue = [...seeds];
  const results = new Map<number, SeedSummary>();
  let failure: Error | undefined;
  await runWorkerPool<SeedJob, SeedSummary, SeedProgress>({
    url: workerUrl('seed-worker', new URL('./seed-worker-entry.mjs', import.meta.url)),
    workers: workerCount(options.workers, seeds.length),
    ...(options.signal ? { signal: options.signal } : {}),
    take: () => {
      const seed = failure ? undefined : queue.shift();
      return seed === undefined ? undefined : { config, seed, dir: dirFor(seed), meta, resume: options.resumeSeeds?.includes(seed) ?? false };
    },
    onProgress: (job, p) => options.onProgress?.(job.seed, p.done, p.total, p.delta, p.findings),
    onDone: (job, summary) => results.set(job.seed, summary),
    // A user's mistake found while running (e.g. a non-finite result) stays one: exit 2, no stack trace.
    onError: (job, e) => (failure ??= e.user ? new TacitError(`seed ${job.seed} failed: ${e.message}`) : new Error(`seed ${job.seed} failed: ${e.message}`)),
    onCrash: (_job, err) => {
      failure ??= err;
      return false;
    },
  });
  if (failure) throw failure;
  return seeds.filter((s) => results.has(s)).map((s) => results.get(s)!);
}
