/**
 * The one worker pool (src/workers/pool.ts) with a toy worker: results, progress, errors, crashes,
 * stopping, and lanes that keep their thread while jobs are taken asynchronously (a queue worker).
 */
import { describe, expect, it } from 'vitest';
import { runWorkerPool, type JobError } from '../../src/workers/pool.js';

type ToyJob = { square?: number; fail?: 'user' | 'bug'; exit?: number; untilStopped?: boolean; thread?: boolean; exitAfter?: number };
const url = new URL('./toy-worker.mjs', import.meta.url);

/** Run `jobs` on `workers` threads; what came back, by job index. */
async function run(
  jobs: ToyJob[],
  workers: number,
  extra: {
    signal?: { stop: boolean; onStop?: () => void };
    restart?: boolean;
    onProgress?: (p: number) => void;
    /** Take jobs asynchronously: a lane asks, then waits for this before it gets the job. */
    takeWaits?: (jobIndex: number) => Promise<void>;
    onCrashed?: () => void;
  } = {},
) {
  const queue = jobs.map((job, i) => ({ ...job, i }));
  const results = new Map<number, number | string>();
  const progress: number[] = [];
  const errors = new Map<number, JobError>();
  const crashes: (number | undefined)[] = [];
  const lanes: number[] = [];
  await runWorkerPool<ToyJob & { i: number }, number | string, number>({
    url,
    workers,
    ...(extra.signal ? { signal: extra.signal } : {}),
    take: (lane) => {
      lanes.push(lane);
      const job = queue.shift();
      return extra.takeWaits && job ? extra.takeWaits(job.i).then(() => job) : job;
    },
    onProgress: (_job, p) => {
      progress.push(p);
      extra.onProgress?.(p);
    },
    onDone: (job, r) => results.set(job.i, r),
    onError: (job, e) => errors.set(job.i, e),
    onCrash: (job) => {
      crashes.push(job?.i);
      extra.onCrashed?.();
      return extra.restart ?? false;
    },
  });
  return { results, progress, errors, crashes, lanes };
}

describe('worker pool', () => {
  it('answers every job, whichever lane ran it, with its progress', async () => {
    const jobs = [1, 2, 3, 4, 5, 6, 7].map((square) => ({ square }));
    const one = await run(jobs, 1);
    const three = await run(jobs, 3);
    expect([...one.results.entries()].sort((a, b) => a[0] - b[0])).toEqual(jobs.map((j, i) => [i, j.square * j.square]));
    expect([...three.results.entries()].sort((a, b) => a[0] - b[0])).toEqual([...one.results.entries()].sort((a, b) => a[0] - b[0]));
    expect(three.progress.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("reports a job's error, marking a user mistake, and goes on with the next job", async () => {
    const { results, errors, crashes } = await run([{ fail: 'user' }, { fail: 'bug' }, { square: 3 }], 1);
    expect(errors.get(0)).toEqual({ message: 'a user mistake', user: true });
    expect(errors.get(1)).toEqual({ message: 'a bug', user: false });
    expect(results.get(2)).toBe(9);
    expect(crashes).toEqual([]);
  });

  it('reports a worker that dies with the job it was running, and carries on in a fresh worker when asked', async () => {
    const ended = await run([{ exit: 3 }, { square: 2 }], 1);
    expect(ended.crashes).toEqual([0]);
    expect(ended.results.size).toBe(0); // the lane ended with its worker
    const restarted = await run([{ exit: 3 }, { square: 2 }], 1, { restart: true });
    expect(restarted.crashes).toEqual([0]);
    expect(restarted.results.get(1)).toBe(4);
  });

  it('stops: a running job sees the stop, and no new job starts', async () => {
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    // Stop once the first job reports that it is running (as a SIGINT handler would: flag, then onStop).
    const stop = (p: number): void => {
      if (p !== -1) return;
      signal.stop = true;
      signal.onStop!();
    };
    const pending = run([{ untilStopped: true }, { square: 5 }], 1, { signal, onProgress: stop });
    const { results } = await pending;
    expect(results.get(0)).toBe('stopped');
    expect(results.has(1)).toBe(false);
  });

  it('keeps each lane on one thread from job to job, also while an asynchronous take waits', async () => {
    const jobs = Array.from({ length: 6 }, () => ({ thread: true }));
    const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
    const one = await run(jobs, 1, { takeWaits: nextTurn });
    expect(one.results.size).toBe(6);
    expect(new Set(one.results.values()).size).toBe(1);
    const two = await run(jobs, 2, { takeWaits: nextTurn });
    expect(two.results.size).toBe(6);
    expect(new Set(two.results.values()).size).toBe(2);
    expect(new Set(two.lanes)).toEqual(new Set([0, 1]));
  });

  it('replaces a thread that died while its lane waited for a job, and runs the job it took', async () => {
    // The second job is handed over only once the pool has reported the idle thread's death.
    let crashed!: () => void;
    const died = new Promise<void>((r) => (crashed = r));
    const jobs = [{ thread: true, exitAfter: 0 }, { thread: true }, { thread: true }];
    const goOn = await run(jobs, 1, { restart: true, onCrashed: () => crashed(), takeWaits: (i) => (i === 1 ? died : Promise.resolve()) });
    expect(goOn.crashes).toEqual([undefined]);
    expect(goOn.results.size).toBe(3);
    expect(goOn.results.get(1)).not.toBe(goOn.results.get(0));
    expect(goOn.results.get(2)).toBe(goOn.results.get(1));

    let crashedAgain!: () => void;
    const diedAgain = new Promise<void>((r) => (crashedAgain = r));
    const end = await run(jobs, 1, { onCrashed: () => crashedAgain(), takeWaits: (i) => (i === 1 ? diedAgain : Promise.resolve()) });
    expect(end.crashes).toEqual([undefined]);
    // The lane ends after the job it had taken: job 2 is never taken.
    expect([...end.results.keys()]).toEqual([0, 1]);
  });
});
