/**
 * Distributed sweeps on a Postgres job queue (pg-boss; docs/distributed.md says why pg-boss). The
 * queue holds one job per run; the table `tacit_runs` is the index of runs that deduplicates them
 * (primary key: the run id, a hash of the resolved config and seed) and records each run's variant,
 * status, worker, timings and headline KPIs, so `tacit compare --queue` and `--status` read it.
 *
 * A row and its job are written in one transaction, so a crash while enqueuing leaves neither or
 * both. Enqueuing a sweep again adds nothing for runs already in the table (failed ones are queued
 * again). The run folders themselves live on a filesystem every worker sees; the folder lock
 * (src/run/folder-lock.ts) and the atomic `<dir>.partial` → `<dir>` rename keep two workers from
 * writing one run, whatever the queue does.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { UsageError } from '../core/errors.js';

/** The pg-boss queue of runs. */
export const QUEUE = 'tacit-runs';
/** pg-boss's own schema (its tables stay apart from the runs table). */
const BOSS_SCHEMA = 'tacit_queue';
/**
 * Attempts per run: pg-boss retries a failed or abandoned job this many times. A dead worker on this
 * host is detected at once (its pid is gone); one on another host when its heartbeat stops.
 */
export const RETRY_LIMIT = 3;
export const HEARTBEAT_SECONDS = 30;

/** What a worker needs to run one run (stored in the runs table, not in the job). */
export interface QueuedRun {
  readonly id: string;
  readonly sweep: string;
  readonly variant: string;
  readonly seed: number;
  /** Absolute run folder on the shared filesystem. */
  readonly dir: string;
  /** The resolved single-seed config. */
  readonly config: unknown;
  /** The sweep facts written into run.json (`sweep`), as the local sweep writes them. */
  readonly facts: Readonly<Record<string, unknown>>;
}

/** A row of the runs table as read back. */
export interface RunRow {
  readonly id: string;
  readonly sweep: string;
  readonly variant: string;
  readonly seed: number;
  readonly dir: string;
  readonly status: 'queued' | 'running' | 'complete' | 'failed';
  readonly worker: string | null;
  readonly attempts: number;
  readonly enqueuedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly seconds: number | null;
  readonly kpis: Record<string, number> | null;
  readonly error: string | null;
}

const RUNS_TABLE = `
CREATE TABLE IF NOT EXISTS tacit_runs (
  id          text PRIMARY KEY,
  sweep       text NOT NULL,
  variant     text NOT NULL,
  seed        integer NOT NULL,
  dir         text NOT NULL,
  run         json NOT NULL,   -- json, not jsonb: keeps key order, so run.json matches a local sweep byte for byte
  status      text NOT NULL,
  worker      text,
  attempts    integer NOT NULL DEFAULT 0,
  job_id      text,
  job_try     integer,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  seconds     double precision,
  kpis        jsonb,
  error       text
);
CREATE INDEX IF NOT EXISTS tacit_runs_sweep ON tacit_runs (sweep, status);`;

/** A connection to the queue: pg-boss plus a pool for the runs table. */
export interface Queue {
  readonly boss: PgBoss;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Connect, installing pg-boss's schema, the queue and the runs table if they are missing. */
export async function openQueue(url: string, options: { supervise?: boolean; max?: number } = {}): Promise<Queue> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--queue must be a postgres:// URL (tacit queue start prints one), got '${url}'`);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4 });
  // An idle client whose server went away (Postgres stopped or restarted) makes the pool emit
  // 'error'; without a listener that is an uncaught exception. The next query opens a new client.
  pool.on('error', (err: Error) => process.stderr.write(`queue: idle connection lost: ${err.message}\n`));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end();
    throw new UsageError(`cannot connect to the queue at ${redact(url)}: ${(err as Error).message}. Start one with: tacit queue start`);
  }
  // Several processes may start at once: serialise the one-time installation.
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock(727001)');
    await client.query(RUNS_TABLE);
  } finally {
    await client.query('SELECT pg_advisory_unlock(727001)');
    client.release();
  }
  const boss = new PgBoss({ connectionString: url, schema: BOSS_SCHEMA, schedule: false, supervise: options.supervise ?? false, max: 2 });
  boss.on('error', (err: Error) => process.stderr.write(`queue: ${err.message}\n`));
  try {
    await boss.start();
    if (!(await boss.getQueue(QUEUE)))
      await boss
        .createQueue(QUEUE, { retryLimit: RETRY_LIMIT, retryDelay: 0, expireInSeconds: 24 * 3600, heartbeatSeconds: HEARTBEAT_SECONDS, deleteAfterSeconds: 0 })
        .catch(async (err: Error) => {
          if (!(await boss.getQueue(QUEUE))) throw err; // another process created it first
        });
  } catch (err) {
    // Open connections would keep the process alive after the error is reported.
    await boss.stop({ graceful: false }).catch(() => {});
    await pool.end().catch(() => {});
    throw err;
  }
  return {
    boss,
    pool,
    async close() {
      await boss.stop({ graceful: false });
      await pool.end();
    },
  };
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** pg-boss's `db` option bound to one client, so its insert joins our transaction. */
function onClient(client: pg.PoolClient): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => client.query(text, values as unknown[]) };
}

/** What enqueueing did. */
export interface EnqueueResult {
  /** Runs given a new job. */
  readonly queued: number;
  /** Runs already in the table (queued, running or complete): nothing added. */
  readonly existing: number;
  /** Runs recorded as complete without a job (their folder was complete already). */
  readonly alreadyComplete: number;
}

/**
 * Add the runs to the table and queue a job for each new (or previously failed) one, each row and
 * its job in one transaction. `complete` lists runs whose folders are complete already.
 */
export async function enqueueRuns(queue: Queue, runs: readonly QueuedRun[], complete: ReadonlySet<string> = new Set()): Promise<EnqueueResult> {
  let queued = 0;
  let existing = 0;
  let alreadyComplete = 0;
  const client = await queue.pool.connect();
  try {
    for (const run of runs) {
      await client.query('BEGIN');
      const status = complete.has(run.id) ? 'complete' : 'queued';
      const inserted = await client.query(
        `INSERT INTO tacit_runs (id, sweep, variant, seed, dir, run, status) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET status = 'queued', error = NULL WHERE tacit_runs.status = 'failed' AND EXCLUDED.status = 'queued'
         RETURNING id`,
        [run.id, run.sweep, run.variant, run.seed, run.dir, JSON.stringify(run), status],
      );
      if (inserted.rowCount === 0) existing++;
      else if (status === 'complete') alreadyComplete++;
      else {
        const jobId = await queue.boss.send(QUEUE, { runId: run.id }, { db: onClient(client) });
        await client.query('UPDATE tacit_runs SET job_id = $2 WHERE id = $1', [run.id, jobId]);
        queued++;
      }
      await client.query('COMMIT');
    }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return { queued, existing, alreadyComplete };
}

/** The runs of a sweep (by name), or of every sweep. */
export async function listRuns(queue: Queue, sweep?: string): Promise<RunRow[]> {
  const r = await queue.pool.query(
    `SELECT id, sweep, variant, seed, dir, status, worker, attempts, enqueued_at, started_at, finished_at, seconds, kpis, error
     FROM tacit_runs ${sweep === undefined ? '' : 'WHERE sweep = $1'} ORDER BY sweep, variant, seed`,
    sweep === undefined ? [] : [sweep],
  );
  return r.rows.map((x: Record<string, unknown>) => ({
    id: x['id'] as string,
    sweep: x['sweep'] as string,
    variant: x['variant'] as string,
    seed: x['seed'] as number,
    dir: x['dir'] as string,
    status: x['status'] as RunRow['status'],
    worker: x['worker'] as string | null,
    attempts: x['attempts'] as number,
    enqueuedAt: x['enqueued_at'] as Date,
    startedAt: x['started_at'] as Date | null,
    finishedAt: x['finished_at'] as Date | null,
    seconds: x['seconds'] as number | null,
    kpis: x['kpis'] as Record<string, number> | null,
    error: x['error'] as string | null,
  }));
}

/** How a set of runs stands: counts by status, and the workers running them. */
export interface RunCounts extends Record<RunRow['status'], number> {
  readonly total: number;
  readonly workers: number;
}

/** Counts of runs (rows already read) by status. */
export function countByStatus(rows: readonly RunRow[]): RunCounts {
  const counts = { queued: 0, running: 0, complete: 0, failed: 0 };
  for (const r of rows) counts[r.status]++;
  const workers = new Set(rows.filter((r) => r.status === 'running').map((r) => r.worker)).size;
  return { ...counts, total: rows.length, workers };
}

/**
 * The same counts for a sweep's runs with these ids, added up by Postgres: what a waiting
 * `tacit sweep --queue` polls, so following a sweep of thousands of runs reads a few numbers a
 * second, not every row.
 */
export async function countRuns(queue: Queue, sweep: string, ids: readonly string[]): Promise<RunCounts> {
  const r = await queue.pool.query(
    `SELECT status, count(*)::int AS n, count(DISTINCT worker) FILTER (WHERE status = 'running')::int AS workers
     FROM tacit_runs WHERE sweep = $1 AND id = ANY($2::text[]) GROUP BY status`,
    [sweep, ids],
  );
  const counts = { queued: 0, running: 0, complete: 0, failed: 0, total: 0, workers: 0 };
  for (const x of r.rows as { status: RunRow['status']; n: number; workers: number }[]) {
    counts[x.status] = x.n;
    counts.total += x.n;
    counts.workers += x.workers;
  }
  return counts;
}

/** This process as a worker: `<host>:<pid>` (what the reaper checks). */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}
