/**
 * `tacit worker`: take runs off the queue and run them, `concurrency` at a time, on the sweep's
 * pool (so a queued run writes exactly the folder a local sweep writes: under its folder lock,
 * `.partial` until complete, resumed from its checkpoint when one exists). Each of the
 * `concurrency` lanes keeps one worker thread for all its runs: a thread per run cost ~0.1–0.2 s of
 * CPU loading the run code again, and left the lane idle meanwhile.
 *
 * A worker killed with SIGKILL leaves its job active in pg-boss, its row `running` and its folder
 * lock behind. Any worker on the same host notices at once (the pid in the row is dead) and fails
 * the job, which pg-boss hands out again; the next worker takes over the stale lock and resumes from
 * the checkpoint. On another host, the job's heartbeat stops and pg-boss's monitor retries it after
 * HEARTBEAT_SECONDS (the stale lock of a host that is gone is the user's to remove: see
 * src/run/folder-lock.ts).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Job } from 'pg-boss';
import { pidAlive, describeLockOwner } from '../run/folder-lock.js';
import { runPool, type JobOutcome, type PoolJob } from '../sweep/pool.js';
import { tagRunFolder } from '../sweep/sweep.js';
import { HEARTBEAT_SECONDS, QUEUE, RETRY_LIMIT, workerName, type Queue, type QueuedRun } from './queue.js';

export interface WorkerOptions {
  readonly concurrency?: number;
  /** Stop when no job is waiting (instead of polling for more). */
  readonly exitWhenIdle?: boolean;
  /** Seconds between polls of an empty queue (default 1). */
  readonly pollSeconds?: number;
  readonly signal?: { stop: boolean; onStop?: () => void };
  /** One line per finished run (default: stdout). */
  readonly log?: (line: string) => void;
  /** Worker script of the pool (tests). */
  readonly workerUrl?: URL;
}

/** What a worker did. */
export interface WorkerResult {
  readonly complete: number;
  readonly failed: number;
  /** Jobs of dead workers on this host that were handed back to the queue. */
  readonly reaped: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Hand the jobs of dead workers on this host back to the queue; returns how many. */
export async function reapDeadWorkers(queue: Queue): Promise<number> {
  const me = workerName();
  const host = hostname();
  const rows = await queue.pool.query(`SELECT id, worker, job_id, job_try FROM tacit_runs WHERE status = 'running' AND worker LIKE $1`, [`${host}:%`]);
  let reaped = 0;
  for (const r of rows.rows as { id: string; worker: string; job_id: string; job_try: number }[]) {
    const pid = Number(r.worker.slice(host.length + 1));
    if (r.worker === me || !Number.isInteger(pid) || pidAlive(pid)) continue;
    // Conditional on the row still naming the dead worker: two reapers cannot both hand it back.
    const claimed = await queue.pool.query(
      `UPDATE tacit_runs SET status = $3, worker = NULL, error = $4 WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [r.id, r.worker, r.job_try >= RETRY_LIMIT ? 'failed' : 'queued', `worker ${r.worker} died`],
    );
    if (claimed.rowCount === 0) continue;
    // Only the attempt the dead worker held: a job already retried elsewhere is left alone.
    await queue.boss.fail(QUEUE, { id: r.job_id, retryCount: r.job_try }, { error: `worker ${r.worker} died` });
    reaped++;
  }
  return reaped;
}

/** A job this worker holds: its pg-boss job, its run, its lane and the heartbeat that keeps it ours. */
interface Held {
  readonly job: Job<{ runId: string }>;
  readonly run: QueuedRun;
  readonly lane: number;
  readonly heartbeat: ReturnType<typeof setInterval>;
}

/** What a lane is doing besides running: recording its last outcome, or waiting for another process's folder lock. */
interface LaneState {
  /** Its last outcome written to the runs table (awaited before the lane takes another job). */
  recording: Promise<void>;
  /** A job whose folder another live process holds: offered again after a pause. */
  waiting?: Held | undefined;
  /** Who held that folder when last said (said again only when it changes). */
  waitedFor?: string | undefined;
}

const RUN_AGAIN_MS = 2000;

/**
 * Run queued jobs until stopped (or, with exitWhenIdle, until none is waiting). One pool of
 * `concurrency` lanes runs them all, each lane keeping its worker thread from job to job; a lane
 * asks the queue for its next job once the last one's row is written.
 */
export async function runWorker(queue: Queue, options: WorkerOptions = {}): Promise<WorkerResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const signal = options.signal ?? { stop: false };
  const me = workerName();
  const result = { complete: 0, failed: 0, reaped: 0 };
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const poolSignal: { stop: boolean; onStop?: () => void } = { stop: signal.stop };
  const previous = signal.onStop;
  signal.onStop = () => {
    previous?.();
    poolSignal.stop = true;
    poolSignal.onStop?.();
  };
  const held = new Map<string, Held>();
  const lanes: LaneState[] = Array.from({ length: concurrency }, () => ({ recording: Promise.resolve() }));

  /** Mark the job's run as running here and keep the job alive with heartbeats; undefined if its row is gone. */
  const hold = async (job: Job<{ runId: string }>, lane: number): Promise<Held | undefined> => {
    const row = await queue.pool.query('SELECT run FROM tacit_runs WHERE id = $1', [job.data.runId]);
    if (row.rowCount === 0) {
      await queue.boss.fail(QUEUE, job, { error: `run ${job.data.runId} is not in tacit_runs` });
      return undefined;
    }
    const run = row.rows[0].run as QueuedRun;
    await queue.pool.query(
      `UPDATE tacit_runs SET status = 'running', worker = $2, attempts = attempts + 1, job_id = $3, job_try = $4, started_at = now(), finished_at = NULL, seconds = NULL, error = NULL WHERE id = $1`,
      [run.id, me, job.id, job.retryCount],
    );
    const heartbeat = setInterval(() => void queue.boss.touch(QUEUE, job).catch(() => {}), (HEARTBEAT_SECONDS * 1000) / 3);
    const h: Held = { job, run, lane, heartbeat };
    held.set(run.id, h);
    return h;
  };

  /** Write how the held job ended (complete, or back to the queue / failed for good) and let it go. */
  const release = async (h: Held, outcome: Pick<JobOutcome, 'status' | 'error'>): Promise<void> => {
    clearInterval(h.heartbeat);
    held.delete(h.run.id);
    const { job, run } = h;
    if (outcome.status === 'complete' || outcome.status === 'skipped') {
      if (outcome.status === 'complete') tagRunFolder(run.dir, run.facts);
      const summary = readJson(`${run.dir}/summary.json`);
      const info = readJson(`${run.dir}/run.json`);
      await queue.pool.query(`UPDATE tacit_runs SET status = 'complete', finished_at = now(), seconds = $2, kpis = $3 WHERE id = $1`, [
        run.id,
        typeof info?.['durationSeconds'] === 'number' ? info['durationSeconds'] : null,
        JSON.stringify(summary?.['kpis'] ?? null),
      ]);
      await queue.boss.complete(QUEUE, job);
      result.complete++;
      log(`worker ${me}: complete ${run.variant} seed ${run.seed}${outcome.status === 'skipped' ? ' (found complete)' : ''}`);
    } else {
      const error = outcome.status === 'failed' ? (outcome.error ?? 'failed') : `worker stopped (${outcome.status})`;
      const final = job.retryCount >= RETRY_LIMIT;
      await queue.pool.query(`UPDATE tacit_runs SET status = $2, worker = NULL, finished_at = now(), error = $3 WHERE id = $1`, [
        run.id,
        final ? 'failed' : 'queued',
        error,
      ]);
      await queue.boss.fail(QUEUE, job, { error });
      if (outcome.status === 'failed') result.failed++;
      log(`worker ${me}: ${final ? 'failed' : 'returned to the queue'} ${run.variant} seed ${run.seed}: ${error}`);
    }
  };

  const poolJob = (run: QueuedRun): PoolJob => ({ id: run.id, config: run.config, seed: run.seed, dir: run.dir, resume: true });

  /** The lane's next job: the one waiting for a folder lock, else the next on the queue (undefined: stop). */
  const next = async (lane: number): Promise<PoolJob | undefined> => {
    const state = lanes[lane]!;
    await state.recording;
    const waiting = state.waiting;
    if (waiting) {
      state.waiting = undefined;
      await sleep(RUN_AGAIN_MS);
      if (!signal.stop) return poolJob(waiting.run);
      await release(waiting, { status: 'busy' });
      return undefined;
    }
    while (!signal.stop) {
      result.reaped += await reapDeadWorkers(queue);
      const [job] = await queue.boss.fetch<{ runId: string }>(QUEUE, { batchSize: 1 });
      if (!job) {
        if (options.exitWhenIdle) return undefined;
        await sleep((options.pollSeconds ?? 1) * 1000);
        continue;
      }
      const h = await hold(job, lane);
      if (!h) continue;
      state.waitedFor = undefined;
      // Stopped while the job was fetched: it goes straight back.
      if (signal.stop) {
        await release(h, { status: 'pending' });
        return undefined;
      }
      return poolJob(h.run);
    }
    return undefined;
  };

  /** An outcome from the pool: record it (the lane waits for that before its next job). */
  const onDone = (outcome: JobOutcome): void => {
    const h = held.get(outcome.job.id);
    if (!h) return;
    const state = lanes[h.lane]!;
    if (outcome.status === 'busy' && !signal.stop) {
      // Another live process holds the folder's lock (a local sweep of the same runs, say): wait for it.
      if (state.waitedFor !== outcome.error)
        log(`worker ${me}: ${h.run.variant} seed ${h.run.seed} waits: ${outcome.error ?? describeLockOwner({ path: h.run.dir, owner: null })}`);
      state.waitedFor = outcome.error;
      state.waiting = h;
      return;
    }
    state.recording = release(h, outcome);
    state.recording.catch(() => {}); // handled where the lane awaits it (a rejection must not go unheard meanwhile)
  };

  try {
    await runPool([], {
      workers: concurrency,
      retries: 0,
      command: 'tacit worker',
      signal: poolSignal,
      source: next,
      onDone,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    await Promise.all(lanes.map((l) => l.recording));
  } finally {
    // A job waiting for a folder lock when the lanes stopped goes back to the queue. (After an
    // error, running jobs are left to the reaper: their threads may still be writing.)
    for (const l of lanes) if (l.waiting) await release(l.waiting, { status: 'busy' });
    for (const h of held.values()) clearInterval(h.heartbeat);
  }
  return result;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}
