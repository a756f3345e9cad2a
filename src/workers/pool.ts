/**
 * The one pool of worker threads: `workers` lanes, each owning a worker thread that runs one job
 * at a time and asks for the next when it has answered. What a job is, which job comes next (a
 * queue, a claimed folder, a retry) and what to do with results and failures are the caller's
 * (a multi-seed run, a sweep, a study's sessions); the pool owns the threads, the protocol and
 * stopping.
 *
 * Protocol (the worker side is serveJobs in ./serve.ts): the pool posts `{ kind: 'job', job }` and
 * `{ kind: 'stop' }`; a worker answers each job with any number of `{ kind: 'progress', progress }`
 * and then one `{ kind: 'done', result }` or `{ kind: 'error', message, user }`.
 *
 * Stopping (Ctrl-C): `signal.onStop` is set to raise a flag in shared memory that every worker
 * reads (a job's run loop is synchronous, so a message would only be read after it) and to post
 * `stop`; lanes then take no new job. Determinism is the caller's: jobs must not depend on which
 * lane or thread runs them, and results are collected by job, not by arrival order.
 */
import { Worker } from 'node:worker_threads';

/** A failure a worker reported for its job. */
export interface JobError {
  readonly message: string;
  /** True for a user's mistake (a TacitError in the worker): report it without a stack trace. */
  readonly user: boolean;
}

/** What the pool is told to do. */
export interface WorkerPoolOptions<J, R, P> {
  /** The worker thread's entry (see worker-url.ts). */
  readonly url: URL;
  /** Worker threads (at least 1). */
  readonly workers: number;
  /** Handed to every worker as `workerData` (the pool adds `stopFlag`). */
  readonly workerData?: Readonly<Record<string, unknown>>;
  /** Stop flag set by a signal handler; the pool sets its `onStop`. */
  readonly signal?: { stop: boolean; onStop?: () => void };
  /** The next job for a free lane, or undefined when there is none (the lane then ends). */
  take(): J | undefined;
  /** What is posted to the worker for `job` (default: the job itself). */
  message?(job: J): unknown;
  onProgress?(job: J, progress: P): void;
  onDone(job: J, result: R): void;
  onError(job: J, error: JobError): void;
  /**
   * The worker thread died (an error it did not catch, or an exit) while running `job` (undefined
   * if it was idle). Return true to go on in a fresh worker, false to end the lane.
   */
  onCrash(job: J | undefined, error: Error): boolean;
}

type FromWorker<R, P> = { kind: 'progress'; progress: P } | { kind: 'done'; result: R } | { kind: 'error'; message: string; user?: boolean };

/** Run jobs on worker threads until no lane gets one; resolves when every lane has ended. */
export async function runWorkerPool<J, R, P = unknown>(options: WorkerPoolOptions<J, R, P>): Promise<void> {
  const live = new Set<Worker>();
  const stopFlag = new Int32Array(new SharedArrayBuffer(4));
  const signal = options.signal;
  if (signal)
    signal.onStop = () => {
      Atomics.store(stopFlag, 0, 1);
      live.forEach((w) => w.postMessage({ kind: 'stop' }));
    };
  const lane = (): Promise<void> =>
    new Promise((resolve) => {
      const start = (): void => {
        const worker = new Worker(options.url, { workerData: { ...options.workerData, stopFlag } });
        live.add(worker);
        let current: J | undefined;
        let ended = false;
        const end = (): void => {
          ended = true;
          live.delete(worker);
        };
        const next = (): void => {
          current = signal?.stop ? undefined : options.take();
          if (current === undefined) {
            end();
            void worker.terminate().then(() => resolve());
            return;
          }
          worker.postMessage({ kind: 'job', job: options.message ? options.message(current) : current });
        };
        worker.on('message', (msg: FromWorker<R, P>) => {
          if (current === undefined) return;
          if (msg.kind === 'progress') options.onProgress?.(current, msg.progress);
          else if (msg.kind === 'done') {
            options.onDone(current, msg.result);
            next();
          } else if (msg.kind === 'error') {
            options.onError(current, { message: msg.message, user: msg.user === true });
            next();
          }
        });
        const crash = (error: Error): void => {
          if (ended) return;
          end();
          const job = current;
          current = undefined;
          if (options.onCrash(job, error)) start();
          else resolve();
        };
        worker.on('error', crash);
        worker.on('exit', (code) => crash(new Error(`worker thread exited with code ${code}`)));
        next();
      };
      start();
    });
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, lane));
}
