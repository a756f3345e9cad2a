/**
 * The sweep's pool of worker threads (one per core by default). Each job is one single-seed run with
 * its own resolved config, executed by the runner's own worker (src/run/seed-worker.ts, which
 * writes the run folder atomically through runSeedToFolder), so a sweep run is byte-for-byte the
 * run `tacit run` would make. A failed job is retried (from scratch) up to `retries` times, then
 * reported without stopping the others; a worker that dies is replaced. On stop (Ctrl-C) running
 * jobs finish their current metrics window and stay `.partial` with their checkpoint, no new job
 * starts, and completed runs are untouched.
 */
import { existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { workerUrl } from '../run/worker-url.js';

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
  /** 'pending': never started (the sweep was stopped first). */
  readonly status: 'complete' | 'interrupted' | 'failed' | 'pending';
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
  const queue = jobs.map((job) => ({ job, attempt: 1 }));
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
  const count = Math.max(1, Math.min(jobs.length, options.workers ?? availableParallelism()));

  const finish = (outcome: JobOutcome): void => {
    outcomes.set(outcome.job.id, outcome);
    options.onDone?.(outcome);
  };
  const fail = (item: { job: PoolJob; attempt: number }, error: string): void => {
    if (item.attempt <= retries && !signal.stop) {
      options.onRetry?.(item.job, error);
      // Retry from scratch: the failed attempt's folder is not a base to build on.
      rmSync(`${item.job.dir}.partial`, { recursive: true, force: true });
      queue.push({ job: { ...item.job, resume: false }, attempt: item.attempt + 1 });
    } else finish({ job: item.job, status: 'failed', attempts: item.attempt, error });
  };

  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      let current: { job: PoolJob; attempt: number } | undefined;
      const start = (): void => {
        const worker = new Worker(url, { workerData: { stopFlag } });
        live.add(worker);
        const next = (): void => {
          current = signal.stop ? undefined : queue.shift();
          if (!current) {
            live.delete(worker);
            void worker.terminate().then(() => resolve());
            return;
          }
          const { job } = current;
          if (!job.resume && existsSync(`${job.dir}.partial`)) rmSync(`${job.dir}.partial`, { recursive: true, force: true });
          worker.postMessage({ kind: 'job', config: job.config, seed: job.seed, dir: job.dir, meta: { runId: job.id, command: options.command ?? 'tacit sweep' }, resume: job.resume });
        };
        worker.on('message', (msg: WorkerMessage) => {
          if (!current) return;
          if (msg.kind === 'progress') options.onProgress?.(current.job, msg.total ? msg.done! / msg.total : 0);
          else if (msg.kind === 'done') {
            finish({ job: current.job, status: msg.summary?.['interrupted'] ? 'interrupted' : 'complete', attempts: current.attempt, ...(msg.summary ? { summary: msg.summary } : {}) });
            next();
          } else if (msg.kind === 'error') {
            fail(current, msg.message ?? 'unknown error');
            next();
          }
        });
        worker.on('error', (err) => {
          // The worker died (not a run error it reported): count it against the job, carry on in a fresh worker.
          live.delete(worker);
          if (current) fail(current, err.message);
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
