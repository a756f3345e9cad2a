/**
 * The worker-thread side of the pool (./pool.ts): answer each `job` message with the result of
 * `run`, its progress reports on the way, or the error it threw (a TacitError is marked as the
 * user's mistake). `signal.stop` turns true when the pool is stopped: through the flag in shared
 * memory, read at once even while a synchronous run loop holds the thread, or by a `stop` message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TacitError } from '../core/errors.js';

/** What a job's run is given besides the job. */
export interface JobContext<P> {
  /** True once the pool has been stopped (Ctrl-C): end at the next convenient point. */
  readonly signal: { readonly stop: boolean };
  /** Report progress to the pool. */
  progress(progress: P): void;
}

/** Serve the pool's jobs on this worker thread with `run`. */
export function serveJobs<J, R, P = unknown>(run: (job: J, ctx: JobContext<P>) => R | Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveJobs: not on a worker thread');
  const stopFlag = (workerData as { stopFlag?: Int32Array } | null)?.stopFlag;
  let stopMessage = false;
  const signal = {
    get stop(): boolean {
      return stopMessage || (stopFlag !== undefined && Atomics.load(stopFlag, 0) === 1);
    },
  };
  const ctx: JobContext<P> = { signal, progress: (progress) => port.postMessage({ kind: 'progress', progress }) };
  port.on('message', async (msg: { kind: 'job'; job: J } | { kind: 'stop' }) => {
    if (msg.kind === 'stop') {
      stopMessage = true;
      return;
    }
    try {
      port.postMessage({ kind: 'done', result: await run(msg.job, ctx) });
    } catch (err) {
      port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err), user: err instanceof TacitError });
    }
  });
}
