/**
 * Run many Calvano sessions spread over worker threads (one session per message, handed out as
 * workers free up, so long and short sessions balance). Results come back in seed order and do
 * not depend on the number of workers: each session is a pure function of its spec and seed.
 * Workers load TypeScript through tsx, registered by the worker's JS entry (session-worker.mjs).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../../../src/run/worker-url.js';
import { resolveSessionSpec, runCalvanoSession, type CalvanoSessionSpec, type SessionResult } from './session.js';

/** Options of a multi-session run. */
export interface PoolOptions {
  /** Worker threads; 0 runs every session on the calling thread. Default: one per core. */
  readonly workers?: number;
  /** Learning path; default 'fast'. */
  readonly path?: 'fast' | 'reference';
  /** Called after each finished session (progress display). */
  readonly onResult?: (result: SessionResult, done: number) => void;
}

/** Run sessions `seeds` of `spec`; results in seed order. */
export async function runSessions(spec: CalvanoSessionSpec, seeds: readonly number[], options: PoolOptions = {}): Promise<SessionResult[]> {
  const resolved = resolveSessionSpec(spec);
  const path = options.path ?? 'fast';
  const workers = Math.min(options.workers ?? availableParallelism(), seeds.length);
  const results = new Map<number, SessionResult>();
  if (workers <= 0) {
    for (const seed of seeds) {
      const r = runCalvanoSession(resolved, seed, path);
      results.set(seed, r);
      options.onResult?.(r, results.size);
    }
    return seeds.map((s) => results.get(s)!);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, () => {
      const worker = new Worker(workerUrl('session-worker', new URL('./session-worker.mjs', import.meta.url)), { workerData: { spec, path } });
      return new Promise<void>((resolve, reject) => {
        const feed = (): void => {
          if (next >= seeds.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          worker.postMessage(seeds[next++]);
        };
        worker.on('message', (r: SessionResult) => {
          results.set(r.seed, r);
          options.onResult?.(r, results.size);
          feed();
        });
        worker.on('error', reject);
        worker.on('online', feed);
      });
    }),
  );
  return seeds.map((s) => results.get(s)!);
}
