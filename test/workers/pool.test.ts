/** The one worker pool (src/workers/pool.ts) with a toy worker: results, progress, errors, crashes and stopping. */
import { describe, expect, it } from 'vitest';
import { runWorkerPool, type JobError } from '../../src/workers/pool.js';

type ToyJob = { square?: number; fail?: 'user' | 'bug'; exit?: number; untilStopped?: boolean };
const url = new URL('./toy-worker.mjs', import.meta.url);

/** Run `jobs` on `workers` threads; what came back, by job index. */
async function run(
  jobs: ToyJob[],
  workers: number,
  extra: { signal?: { stop: boolean; onStop?: () => void }; restart?: boolean; onProgress?: (p: number) => void } = {},
) {
  const queue = jobs.map((job, i) => ({ ...job, i }));
  const results = new Map<number, number | string>();
  const progress: number[] = [];
  const errors = new Map<number, JobError>();
  const crashes: (number | undefined)[] = [];
  await runWorkerPool<ToyJob & { i: number }, number | string, number>({
    url,
    workers,
    ...(extra.signal ? { signal: extra.signal } : {}),
    take: () => queue.shift(),
    onProgress: (_job, p) => {
      progress.push(p);
      extra.onProgress?.(p);
    },
    onDone: (job, r) => results.set(job.i, r),
    onError: (job, e) => errors.set(job.i, e),
    onCrash: (job) => {
      crashes.push(job?.i);
      return extra.restart ?? false;
    },
  });
  return { results, progress, errors, crashes };
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
});
