/**
 * A pool of worker threads that runs seeds in parallel (one worker per core by default). Workers
 * load TypeScript through tsx, so the same sources run in the CLI, the tests and the workers.
 */
import { Worker } from 'node:worker_threads';
import type { RunMeta } from './seed-folder.js';
import type { SeedJob } from './seed-worker.js';
import type { SeedSummary } from './seed-summary.js';
import { workerUrl } from './worker-url.js';
import { workerCount } from '../config/cost.js';
import { TacitError } from '../core/errors.js';

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
  const count = workerCount(options.workers, seeds.length);
  const queue = [...seeds];
  const results = new Map<number, SeedSummary>();
  const workers: Worker[] = [];
  let failure: Error | undefined;
  // Shared with the workers so a stop is seen inside their (synchronous) run loops, see seed-worker.ts.
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  if (options.signal) options.signal.onStop = () => Atomics.store(stopFlag, 0, 1);

  const runWorker = (): Promise<void> =>
    new Promise((resolve) => {
      const worker = new Worker(workerUrl('seed-worker', new URL('./seed-worker-entry.mjs', import.meta.url)), { workerData: { stopFlag } });
      workers.push(worker);
      const next = (): void => {
        const seed = queue.shift();
        if (seed === undefined || failure || options.signal?.stop) {
          void worker.terminate().then(() => resolve());
          return;
        }
        const job: SeedJob = { kind: 'job', config, seed, dir: dirFor(seed), meta, resume: options.resumeSeeds?.includes(seed) ?? false };
        worker.postMessage(job);
      };
      worker.on(
        'message',
        (msg: {
          kind: string;
          seed: number;
          done?: number;
          total?: number;
          delta?: number;
          findings?: number;
          summary?: SeedSummary;
          message?: string;
          user?: boolean;
        }) => {
          if (msg.kind === 'progress') options.onProgress?.(msg.seed, msg.done!, msg.total!, msg.delta!, msg.findings ?? 0);
          else if (msg.kind === 'done') {
            results.set(msg.seed, msg.summary!);
            next();
          } else if (msg.kind === 'error') {
            // A user's mistake found while running (e.g. a non-finite result) stays one: exit 2, no stack trace.
            failure ??= msg.user ? new TacitError(`seed ${msg.seed} failed: ${msg.message}`) : new Error(`seed ${msg.seed} failed: ${msg.message}`);
            next();
          }
        },
      );
      worker.on('error', (err) => {
        failure ??= err;
        resolve();
      });
      next();
    });

  await Promise.all(Array.from({ length: count }, runWorker));
  if (failure) throw failure;
  return seeds.filter((s) => results.has(s)).map((s) => results.get(s)!);
}
