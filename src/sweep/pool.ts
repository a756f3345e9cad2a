/**
 * The sweep's jobs on the worker pool (src/workers/pool.ts; one worker per core by default). Each
 * job is one single-seed run with its own resolved config, executed by the runner's own worker
 * (src/run/seed-worker.ts, which writes the run folder atomically through runSeedToFolder), so a
 * sweep run is byte-for-byte the run `tacit run` would make. A failed job is retried (from scratch) up to `retries` times, then
 * reported without stopping the others; a worker that dies is replaced. On stop (Ctrl-C) running
 * jobs finish their current metrics window and stay `.partial` with their checkpoint, no new job
 * starts, and completed runs are untouched.
 *
 * Several sweeps (processes, possibly on several machines sharing the folder) may work on one sweep
 * folder: each run folder is claimed with its exclusive lock (src/run/folder-lock.ts) before
 * anything in it is looked at or removed, and held until the run has ended. A run whose folder is
 * locked by another process is left to it ('busy'); one found complete when claimed is 'skipped'.
 */
import { readFileSync, rmSync } from 'node:fs';
import { acquireFolderLock, describeLockOwner, type FolderLock } from '../run/folder-lock.js';
import { runFolderState } from '../run/results.js';
import { workerCount } from '../config/cost.js';
import type { SeedJob, SeedProgress } from '../run/seed-worker.js';
import { runWorkerPool } from '../workers/pool.js';
import { workerUrl } from '../workers/worker-url.js';

/** One run of a sweep. */
export interface PoolJob {
  /** Deterministic run id (hash of the resolved config). */
  readonly id: string;
  /** The resolved config (plain JSON). */
  readonly config: unknown;
  readonly seed: number;
  /** Final run folder (written as `<dir>.partial` until complete). */
  readonly dir: string;
  /** Continue `<dir>.partial` from its checkpoint. */
  readonly resume: boolean;
}

/** How a job ended. */
export interface JobOutcome {
  readonly job: PoolJob;
  /**
   * 'pending': never started (the sweep was stopped first); 'busy': another process holds the run
   * folder's lock (it is running there); 'skipped': found complete when claimed (another process
   * finished it after this sweep was planned).
   */
  readonly status: 'complete' | 'interrupted' | 'failed' | 'pending' | 'busy' | 'skipped';
  readonly attempts: number;
  readonly error?: string;
  readonly summary?: Record<string, unknown>;
}

/** Options of runPool. */
export interface PoolOptions {
  readonly workers?: number;
  /** Retries after a failure, default 1. */
  readonly retries?: number;
  /** The command line recorded in run.json. */
  readonly command?: string;
  /** Progress of a running job (0..1). */
  readonly onProgress?: (job: PoolJob, fraction: number) => void;
  /** A job finished (for good). */
  readonly onDone?: (outcome: JobOutcome) => void;
  /** A job failed and will be retried. */
  readonly onRetry?: (job: PoolJob, error: string) => void;
  readonly signal?: { stop: boolean; onStop?: () => void };
  /** Worker script (tests substitute one); default the runner's seed worker. */
  readonly workerUrl?: URL;
  /**
   * Jobs that arrive while the pool runs (a queue worker's runs): a free lane asks for one once the
   * listed jobs are taken, and ends on undefined. Their outcomes go to onDone only (not into the
   * returned list). With a source, `workers` lanes are opened whatever the listed jobs' count.
   */
  readonly source?: (lane: number) => Promise<PoolJob | undefined>;
}

type Item = { job: PoolJob; attempt: number; restart?: boolean };
/** A job given to a lane: the sweep's item, its folder's lock and whether to resume. */
type Claimed = { item: Item; lock: FolderLock; resume: boolean };

/** Run every job on worker threads; resolves to one outcome per job, in job order. */
export async function runPool(jobs: readonly PoolJob[], options: PoolOptions = {}): Promise<JobOutcome[]> {
  const retries = options.retries ?? 1;
  const queue: Item[] = jobs.map((job) => ({ job, attempt: 1 }));
  const outcomes = new Map<string, JobOutcome>();
  const signal = options.signal ?? { stop: false };
  const command = options.command ?? 'tacit sweep';

  const listed = new Set(jobs.map((j) => j.id));
  const finish = (outcome: JobOutcome): void => {
    if (listed.has(outcome.job.id)) outcomes.set(outcome.job.id, outcome);
    options.onDone?.(outcome);
  };
  const fail = (item: Item, error: string): void => {
    if (item.attempt <= retries && !signal.stop) {
      options.onRetry?.(item.job, error);
      // Retry from scratch: the failed attempt's folder is not a base to build on (still under its lock here).
      rmSync(`${item.job.dir}.partial`, { recursive: true, force: true });
      queue.push({ job: { ...item.job, resume: false }, attempt: item.attempt + 1, restart: true });
    } else finish({ job: item.job, status: 'failed', attempts: item.attempt, error });
  };

  /**
   * Lock the job's folder and decide, under the lock, what to do with it: null if it is not ours
   * to run (busy elsewhere or already complete; its outcome is recorded), else the lock and
   * whether to resume from the checkpoint.
   */
  const claim = (item: Item): Claimed | null => {
    const got = acquireFolderLock(item.job.dir, { purpose: command });
    if (!got.acquired) {
      finish({ job: item.job, status: 'busy', attempts: item.attempt - 1, error: describeLockOwner(got) });
      return null;
    }
    const state = runFolderState(item.job.dir);
    if (state === 'complete') {
      got.lock.release();
      let summary: Record<string, unknown> | undefined;
      try {
        summary = JSON.parse(readFileSync(`${item.job.dir}/summary.json`, 'utf8')) as Record<string, unknown>;
      } catch {
        summary = undefined;
      }
      finish({ job: item.job, status: 'skipped', attempts: item.attempt - 1, ...(summary ? { summary } : {}) });
      return null;
    }
    const resume = state === 'resumable' && !item.restart;
    // An unfinished folder with nothing to continue from (or a retry) starts again from scratch.
    if (!resume && state !== 'absent') rmSync(`${item.job.dir}.partial`, { recursive: true, force: true });
    return { item, lock: got.lock, resume };
  };

  /**
   * The source's next job this lane can claim (one busy elsewhere or complete is reported and passed
   * over). A job the source gives is always claimed or reported: on a stop, the source says undefined.
   */
  const takeFromSource = async (source: (lane: number) => Promise<PoolJob | undefined>, lane: number): Promise<Claimed | undefined> => {
    for (let job = await source(lane); job; job = await source(lane)) {
      const claimed = claim({ job, attempt: 1 });
      if (claimed) return claimed;
    }
    return undefined;
  };

  await runWorkerPool<Claimed, Record<string, unknown>, SeedProgress>({
    url: options.workerUrl ?? workerUrl('seed-worker', new URL('../run/seed-worker-entry.mjs', import.meta.url)),
    workers: options.source ? Math.max(1, options.workers ?? 1) : workerCount(options.workers, jobs.length),
    signal,
    take: (lane) => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const claimed = claim(item);
        if (claimed) return claimed;
      }
      return options.source ? takeFromSource(options.source, lane) : undefined;
    },
    message: ({ item: { job }, resume }): SeedJob => ({ config: job.config, seed: job.seed, dir: job.dir, meta: { runId: job.id, command }, resume }),
    onProgress: (c, p) => options.onProgress?.(c.item.job, p.total ? p.done / p.total : 0),
    onDone: (c, summary) => {
      c.lock.release();
      finish({ job: c.item.job, status: summary['interrupted'] ? 'interrupted' : 'complete', attempts: c.item.attempt, summary });
    },
    onError: (c, e) => {
      fail(c.item, e.message);
      c.lock.release();
    },
    // The worker died (not a run error it reported): count it against the job, carry on in a fresh worker.
    onCrash: (c, err) => {
      if (c) {
        fail(c.item, err.message);
        c.lock.release();
      }
      return true;
    },
  });
  return jobs.map((job) => outcomes.get(job.id) ?? { job, status: 'pending', attempts: 0 });
}
