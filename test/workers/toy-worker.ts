/**
 * A worker for the pool's own tests: job `{ square: n }` reports progress n and answers n²;
 * `{ fail: 'user' | 'bug' }` throws a TacitError or an Error; `{ exit: code }` ends the thread
 * without answering; `{ untilStopped: true }` reports progress -1, then waits for the pool's stop flag (polling the shared
 * flag, as a synchronous run loop reads it at a window) and answers 'stopped'; `{ thread: true }`
 * answers this thread's id; `{ thread: true, exitAfter: code }` answers it and then ends the thread.
 */
import { threadId } from 'node:worker_threads';
import { TacitError } from '../../src/core/errors.js';
import { serveJobs } from '../../src/workers/serve.js';

type ToyJob = { square?: number; fail?: 'user' | 'bug'; exit?: number; untilStopped?: boolean; thread?: boolean; exitAfter?: number };

serveJobs<ToyJob, number | string, number>(async (job, ctx) => {
  if (job.fail === 'user') throw new TacitError('a user mistake');
  if (job.fail === 'bug') throw new Error('a bug');
  if (job.exit !== undefined) process.exit(job.exit);
  if (job.thread) {
    // Ends once the answer is posted (the pool then sees an idle thread die).
    if (job.exitAfter !== undefined) setImmediate(() => process.exit(job.exitAfter));
    return threadId;
  }
  if (job.untilStopped) {
    ctx.progress(-1); // "running": the test stops the pool on this
    while (!ctx.signal.stop) await new Promise((r) => setTimeout(r, 5));
    return 'stopped';
  }
  ctx.progress(job.square!);
  return job.square! * job.square!;
});
