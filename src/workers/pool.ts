/**
 * The one pool of worker threads: `workers` lanes, each owning a worker thread that runs one job
 * at a time and asks for the next when it has answered. A lane keeps its thread from job to job
 * (a new thread loads the compiled run code again: ~0.1–0.2 s of CPU per job), so a lane whose
 * jobs arrive one by one (a queue worker, `take` returning a promise) costs one thread start in
 * all. What a job is, which job comes next (a list, a queue, a claimed folder, a retry) and what to
 * do with results and failures are the caller's (a multi-seed run, a sweep, a queue worker, a
 * study's sessions); the pool owns the threads, the protocol and stopping.
 *
 * Protocol (the worker side is serveJobs in ./serve.ts): the pool posts `{ kind: 'job', job }` and
 * `{ kind: 'stop' }`; a worker answers each job with any number of `{ kind: 'progress', progress }`
 * and then one `{ kind: 'done', result }` or `{ kind: 'error', message, user }`.
 *
 * Stopping (Ctrl-C): `signal.onStop` is set to raise a flag in shared memory that every worker
 * reads (a job's run loop is synchronous, so a message would only be read after it) and to post
 * `stop`; lanes then take no new job. Determinism is the caller's: jobs must not depend on which
 * lane or thread runs them (nor on what a thread ran before), and results are collected by job,
 * not by arrival order.
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
  /**
   * The next job for free lane `lane` (0 … workers-1), or undefined when there is none (the lane
   * then ends). A promise keeps the lane, and its thread, waiting for a job that is still to come.
   */
  take(lane: number): J | undefined | Promise<J | undefined>;
  /** What is posted to the worker for `job` (default: the job itself). */
  message?(job: J): unknown;
  onProgress?(job: J, progress: P): void;
  onDone(job: J, result: R): void;
  onError(job: J, error: JobError): void;
  /**
   * The worker thread died (an error it did not catch, or an exit) while running `job` (undefined
   * if it was idle). Return true to go on in a fresh worker, false to end the lane (after the job
   * it may be taking).
   */
  onCrash(job: J | undefined, error: Error): boolean;
}

type FromWorker<R, P> = { kind: 'progress'; progress: P } | { kind: 'done'; result: R } | { kind: 'error'; message: string; user?: boolean };

/** A lane's thread, and how the job it is running (if any) ends. */
interface LaneThread<R, P> {
  readonly worker: Worker;
  /** Set while a job runs: its messages go here, and a crash ends it. */
  running?: { onMessage(msg: FromWorker<R, P>): void; onCrash(error: Error): void } | undefined;
  /** The thread died while idle (waiting for a job to be taken); with whether onCrash said to go on. */
  diedIdle?: { goOn: boolean };
  /** End the thread (not a crash). */
  terminate(): Promise<void>;
}

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

  const startThread = (): LaneThread<R, P> => {
    let ended = false;
    const worker = new Worker(options.url, { workerData: { ...options.workerData, stopFlag } });
    const thread: LaneThread<R, P> = {
      worker,
      terminate: async () => {
        ended = true;
        live.delete(worker);
        await worker.terminate();
      },
    };
    live.add(worker);
    const crash = (error: Error): void => {
      if (ended) return;
      ended = true;
      live.delete(thread.worker);
      if (thread.running) thread.running.onCrash(error);
      // Only a lane whose take is still pending is idle at an event (a synchronous take is not).
      else thread.diedIdle = { goOn: options.onCrash(undefined, error) };
    };
    thread.worker.on('message', (msg: FromWorker<R, P>) => thread.running?.onMessage(msg));
    thread.worker.on('error', crash);
    thread.worker.on('exit', (code) => crash(new Error(`worker thread exited with code ${code}`)));
    return thread;
  };

  /** Run `job` on the thread; resolves to the error that killed the thread, or undefined once the job answered. */
  const runJob = (thread: LaneThread<R, P>, job: J): Promise<Error | undefined> =>
    new Promise((resolve) => {
      thread.running = {
        onMessage: (msg) => {
          if (msg.kind === 'progress') options.onProgress?.(job, msg.progress);
          else {
            thread.running = undefined;
            if (msg.kind === 'done') options.onDone(job, msg.result);
            else options.onError(job, { message: msg.message, user: msg.user === true });
            resolve(undefined);
          }
        },
        onCrash: (error) => {
          thread.running = undefined;
          resolve(error);
        },
      };
      thread.worker.postMessage({ kind: 'job', job: options.message ? options.message(job) : job });
    });

  const lane = async (index: number): Promise<void> => {
    // Started before the first job is taken, so the thread loads while the job is looked for.
    let thread: LaneThread<R, P> | undefined = startThread();
    try {
      for (let endAfterJob = false; !endAfterJob;) {
        const job = signal?.stop ? undefined : await options.take(index);
        if (job === undefined) return;
        if (thread?.diedIdle) {
          // The job is this lane's now: it runs on a fresh thread even if the lane is to end.
          endAfterJob = !thread.diedIdle.goOn;
          thread = undefined;
        }
        thread ??= startThread();
        const error = await runJob(thread, job);
        if (error) {
          thread = undefined;
          if (!options.onCrash(job, error)) return;
        }
      }
    } finally {
      if (thread && !thread.diedIdle) await thread.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.workers) }, (_, i) => lane(i)));
}
