/**
 * Run many Calvano sessions on the worker pool (src/workers/pool.ts): one session per job, handed
 * out as workers free up, so long and short sessions balance. Results come back in seed order and
 * do not depend on the number of workers: each session is a pure function of its spec and seed.
 * Workers load TypeScript through tsx, registered by the worker's JS entry (session-worker.mjs).
 */
import { availableParallelism } from 'node:os';
import { runWorkerPool } from '../../../src/workers/pool.js';
import { workerUrl } from '../../../src/workers/worker-url.js';
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

/** Run sessions `seeds` of `spec`; results in seed order. Throws the first session's failure. */
export async function runSessions(spec: CalvanoSessionSpec, seeds: readonly number[], options: PoolOptions = {}): Promise<SessionResult[]> {
  const resolved = resolveSessionSpec(spec);
  const path = options.path ?? 'fast';
  const workers = Math.min(options.workers ?? availableParallelism(), seeds.length);
  const results = new Map<number, SessionResult>();
  const done = (r: SessionResult): void => {
    results.set(r.seed, r);
    options.onResult?.(r, results.size);
  };
  if (workers <= 0) {
    for (const seed of seeds) done(runCalvanoSession(resolved, seed, path));
    return seeds.map((s) => results.get(s)!);
  }
  let next = 0;
  let failure: Error | undefined;
  await runWorkerPool<number, SessionResult>({
    url: workerUrl('session-worker', new URL('./session-worker.mjs', import.meta.url)),
    workers,
    workerData: { spec, path },
    take: () => (failure || next >= seeds.length ? undefined : seeds[next++]),
    onDone: (_seed, r) => done(r),
    onError: (seed, e) => (failure ??= new Error(`session ${seed} failed: ${e.message}`)),
    onCrash: (_seed, err) => {
      failure ??= err;
      return false;
    },
  });
  if (failure) throw failure;
  return seeds.map((s) => results.get(s)!);
}
