/**
 * The sweep's pool of worker threads (one per core by default). Each job is one single-seed run with
 * its own resolved config, executed by the runner's own worker (src/run/seed-worker.ts, which
 * writes the run folder atomically through runSeedToFolder), so a sweep run is byte-for-byte the
 * run `tacit run` would make. A failed job is retried (from scratch) up to `retries` times, then
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
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../run/worker-url.js';
import { acquireFolderLock, describeLockOwner, type FolderLock } from '../run/folder-lock.js';
import { runFolderState } from '../run/results.js';
import { workerCount } from '../config/cost.js';

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
}

interface WorkerMessage {
  kind: string;
  done?: number;
  total?: number;
  summary?: Record<string, unknown>;
  message?: string;
}

/** Run every job on worker threads; resolves to one outcome per job, in job order. */
export async function runPool(jobs: readonly PoolJob[], options: PoolOptions = {}): Promise<JobOutcome[]> {
  const url = options.workerUrl ?? workerUrl('seed-worker', new URL('../run/seed-worker-entry.mjs', import.meta.url));
  const retries = options.retries ?? 1;
  const queue: { job: PoolJob; attempt: number; restart?: boolean }[] = jobs.map((job) => ({ job, attempt: 1 }));
  const outcomes = new Map<string, JobOutcome>();
  const live = new Set<Worker>();
  const signal = options.signal ?? { stop: false };
  // The workers' run loops are synchronous: they read this shared flag at every metrics window (a
  // message would only be read after the run). The message is for workers that poll messages.
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  signal.onStop = () => {
    Atomics.store(stopFlag, 0, 1);
    live.forEach((w) => w.postMessage({ kind: 'stop' }));
  };
  const count = workerCount(options.workers, jobs.length);

  const finish = (outcome: JobOutcome): void => {
    outcomes.set(outcome.job.id, outcome);
    options.onDone?.(outcome);
  };
  const fail = (item: { job: PoolJob; attempt: number }, error: string): void => {
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
  const claim = (item: { job: PoolJob; attempt: number; restart?: boolean }): { lock: FolderLock; resume: boolean } | null => {
    const got = acquireFolderLock(item.job.dir, { purpose: options.command ?? 'tacit sweep' });
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
    return { lock: got.lock, resume };
  };

  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      let current: { job: PoolJob; attempt: number; restart?: boolean } | undefined;
      let lock: FolderLock | undefined;
      const unlock = (): void => {
        lock?.release();
        lock = undefined;
      };
      const start = (): void => {
        const worker = new Worker(url, { workerData: { stopFlag } });
        live.add(worker);
        const next = (): void => {
          for (;;) {
            current = signal.stop ? undefined : queue.shift();
            if (!current) {
              live.delete(worker);
              void worker.terminate().then(() => resolve());
              return;
            }
            const claimed = claim(current);
            if (!claimed) continue;
            lock = claimed.lock;
            const { job } = current;
            worker.postMessage({
              kind: 'job',
              config: job.config,
              seed: job.seed,
              dir: job.dir,
              meta: { runId: job.id, command: options.command ?? 'tacit sweep' },
              resume: claimed.resume,
            });
            return;
          }
        };
        worker.on('message', (msg: WorkerMessage) => {
          if (!current) return;
          if (msg.kind === 'progress') options.onProgress?.(current.job, msg.total ? msg.done! / msg.total : 0);
          else if (msg.kind === 'done') {
            unlock();
            finish({
              job: current.job,
              status: msg.summary?.['interrupted'] ? 'interrupted' : 'complete',
              attempts: current.attempt,
              ...(msg.summary ? { summary: msg.summary } : {}),
            });
            next();
          } else if (msg.kind === 'error') {
            fail(current, msg.message ?? 'unknown error');
            unlock();
            next();
          }
        });
        worker.on('error', (err) => {
          // The worker died (not a run error it reported): count it against the job, carry on in a fresh worker.
          live.delete(worker);
          if (current) fail(current, err.message);
          unlock();
          current = undefined;
          start();
        });
        next();
      };
      start();
    });

  await Promise.all(Array.from({ length: count }, lane));
  return jobs.map((job) => outcomes.get(job.id) ?? { job, status: 'pending', attempts: 0 });
}
