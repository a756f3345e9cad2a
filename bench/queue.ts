/**
 * The distributed sweep, measured (docs/distributed.md quotes it). Starts an embedded Postgres,
 * then, with real `tacit` processes:
 *  1. overhead per job: N short runs (tabular-q, 200 steps) through one `tacit worker` vs the local
 *     `tacit sweep --workers 1`, both wall and CPU (children's CPU from getrusage);
 *  2. speedup: R runs of S steps (≥ 10 s each on an idle machine at the default 24 M) on 1 worker
 *     process vs 2, each time with the sweep's own `tacit sweep --queue` following them (as a user
 *     runs it). Besides the wall times, where each worker's time went, from the runs table and each
 *     run's run.json: start-up, per job claim → run start → run end → recorded, and the idle gaps
 *     between one run's end and the worker's next run's start. The gaps do not depend on how long
 *     the runs take, so they hold on a loaded machine where the wall speedup does not;
 *  3. many workers: W worker processes at concurrency 1 on M short runs (exit when idle), then the
 *     runs table and the folders are checked: every run complete exactly once, attempts 1, no
 *     `.partial` or lock left.
 * Each part's load average (/proc/loadavg, before and after) is in its figures. Prints one JSON document.
 *
 *   npm run bench:queue -- [--parts overhead,speedup,many] [--short 64] [--long-runs 8] [--long-steps 24000000]
 *                          [--workers 64] [--many-runs 128]
 *
 * The 2-vs-1 speedup alone: `npm run bench:queue -- --parts speedup` (read speedup.wallSpeedup and
 * speedup.idleGapsBetweenJobs; the same in one line on stderr at the end).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/queue/embedded.js';
import { listRuns, openQueue, type RunRow } from '../src/queue/queue.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SHORT = arg('short', 64);
const LONG_STEPS = arg('long-steps', 24_000_000);
const WORKERS = arg('workers', 64);
const MANY_RUNS = arg('many-runs', 128);
const LONG_RUNS = arg('long-runs', 8);
const PARTS = new Set((process.argv[process.argv.indexOf('--parts') + 1] ?? '').split(','));
const part = (name: string): boolean => !process.argv.includes('--parts') || PARTS.has(name);

const root = mkdtempSync(join(tmpdir(), 'tacit-bench-queue-'));
const config = (name: string, steps: number, seeds: number): string => {
  const path = join(root, `${name}.yaml`);
  writeFileSync(
    path,
    `name: ${name}\nenv: { id: matrix-game-v1, params: { game: prisoners-dilemma, episodeLength: 20 } }\nagents:\n  - role: player\n    policy: { type: tabular-q }\n    reward: { scheme: local }\nrun: { steps: ${steps}, metricsEvery: ${Math.min(steps, 10000)}, seeds: 1 }\noutput: { report: false }\nsweep:\n  seeds: ${seeds}\n  grid:\n    agents[*].reward.scheme: [local]\n`,
  );
  return path;
};

/** Each process writes its own CPU seconds (all threads) at exit to $TACIT_CPU_DIR/<pid>. */
const cpuDir = join(root, 'cpu');
mkdirSync(cpuDir);
const preload = join(root, 'cpu.cjs');
writeFileSync(
  preload,
  "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(require('node:path').join(process.env.TACIT_CPU_DIR, String(process.pid)), String((u.user + u.system) / 1e6)); });\n",
);

/** One `tacit` process of a measurement: its pid (the worker name is `<host>:<pid>`), when it ran (ms since the epoch) and its CPU seconds. */
interface Proc {
  readonly pid: number;
  readonly spawnedAt: number;
  exitedAt: number;
  cpu: number;
}

/** The 1-minute load average now. */
const load = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** Run `tacit` processes side by side; wall seconds, the children's CPU seconds and each process's times (ms since the epoch). */
async function tacit(commands: string[][]): Promise<{ wall: number; cpu: number; procs: Proc[] }> {
  const t0 = process.hrtime.bigint();
  const procs: Proc[] = [];
  await Promise.all(
    commands.map(
      (args) =>
        new Promise<void>((resolve, reject) => {
          const p = spawn(process.execPath, ['--require', preload, 'bin/tacit.mjs', ...args], {
            stdio: ['ignore', 'ignore', 'inherit'],
            env: { ...process.env, TACIT_CPU_DIR: cpuDir },
          });
          const proc: Proc = { pid: p.pid ?? -1, spawnedAt: Date.now(), exitedAt: NaN, cpu: NaN };
          procs.push(proc);
          p.once('exit', (code) => {
            proc.exitedAt = Date.now();
            proc.cpu = existsSync(join(cpuDir, String(proc.pid))) ? Number(readFileSync(join(cpuDir, String(proc.pid)), 'utf8')) : NaN;
            if (code === 0) resolve();
            else reject(new Error(`tacit ${args.join(' ')} exited ${code}`));
          });
        }),
    ),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, cpu: childCpu(), procs };
}

let lastChildCpu = 0;
/** CPU seconds of reaped children since the last call (getrusage RUSAGE_CHILDREN via /proc/self/stat). */
function childCpu(): number {
  const fields = readStat();
  const total = (fields.cutime + fields.cstime) / 100; // clock ticks (USER_HZ = 100 on Linux)
  const d = total - lastChildCpu;
  lastChildCpu = total;
  return d;
}
function readStat(): { cutime: number; cstime: number } {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const after = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { cutime: Number(after[13]), cstime: Number(after[14]) };
}

/** A port nobody listens on now (a fixed or pid-derived one can be taken by another session's server). */
const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
const server = await startEmbeddedPostgres({ dir: join(root, 'pg', 'data'), port: await freePort() }).catch((err: unknown) => {
  rmSync(root, { recursive: true, force: true });
  throw err;
});
const url = server.url;
const result: Record<string, unknown> = { node: process.version };
/** The speedup part's figures in one line (stderr), for reading at a glance. */
let speedupLine: string | undefined;
try {
  childCpu();
  // 1. Overhead per job.
  if (part('overhead')) {
    const short = config('short', 200, SHORT);
    const local = await tacit([['sweep', short, '--workers', '1', '--out', join(root, 'short-local'), '--quiet', '--no-report']]);
    await tacit([['sweep', short, '--queue', url, '--out', join(root, 'short-queue'), '--detach']]);
    const queued = await tacit([['worker', '--queue', url, '--exit-when-idle']]);
    result['overheadPerJob'] = {
      jobs: SHORT,
      localSweep: local,
      queueWorker: queued,
      wallSecondsPerJob: (queued.wall - local.wall) / SHORT,
      cpuSecondsPerJob: (queued.cpu - local.cpu) / SHORT,
    };
  }

  // 2. Speedup of 2 worker processes over 1 on runs of >= 10 s.
  if (part('speedup')) {
    const one = await workersOn(1);
    const two = await workersOn(2);
    const gaps = (t: Awaited<ReturnType<typeof workersOn>>): unknown => t.idleGapsBetweenJobs;
    const f = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));
    speedupLine =
      `2 workers vs 1: ${f(one.wall / two.wall)}× (1 worker ${f(one.wall, 1)} s, 2 workers ${f(two.wall, 1)} s; ${LONG_RUNS} runs of ${LONG_STEPS} steps); ` +
      `idle gaps between jobs: mean ${f(one.idleGapsBetweenJobs.mean, 3)} s / ${f(two.idleGapsBetweenJobs.mean, 3)} s; ` +
      `runs' mean duration ${f(one.meanRunSeconds)} s / ${f(two.meanRunSeconds)} s; load ${one.load[0]} → ${two.load[1]}`;
    result['speedup'] = {
      runs: LONG_RUNS,
      steps: LONG_STEPS,
      wallSpeedup: one.wall / two.wall,
      idleGapsBetweenJobs: { oneWorker: gaps(one), twoWorkers: gaps(two) },
      outsideRuns: { oneWorker: one.outsideRuns, twoWorkers: two.outsideRuns },
      meanRunSeconds: { oneWorker: one.meanRunSeconds, twoWorkers: two.meanRunSeconds },
      oneWorker: one,
      twoWorkers: two,
    };
  }

  // 3. Many workers, short jobs: nothing lost, nothing twice.
  if (part('many')) {
    const many = config('many', 200, MANY_RUNS);
    await tacit([['sweep', many, '--queue', url, '--out', join(root, 'many'), '--detach']]);
    const manyRun = await tacit(Array.from({ length: WORKERS }, () => ['worker', '--queue', url, '--exit-when-idle']));
    const rows = await withQueue((q) => listRuns(q, 'many'));
    const folders = readdirSync(join(root, 'many'));
    result['manyWorkers'] = {
      workers: WORKERS,
      runs: MANY_RUNS,
      ...manyRun,
      complete: rows.filter((r) => r.status === 'complete').length,
      attemptsOtherThanOne: rows.filter((r) => r.attempts !== 1).length,
      distinctWorkersUsed: new Set(rows.map((r) => r.worker)).size,
      folders: folders.filter((f) => !f.endsWith('.partial') && !f.endsWith('.lock')).length,
      leftovers: folders.filter((f) => f.endsWith('.partial') || f.endsWith('.lock')).length,
      everyFolderComplete: folders.every((f) => existsSync(join(root, 'many', f, 'summary.json'))),
    };
  }
} finally {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
if (speedupLine) process.stderr.write(`${speedupLine}\n`);

/**
 * Where each worker process's time went, from the runs table (claimed: the row's started_at;
 * recorded: its finished_at) and each run's run.json (the run itself: startedAt..finishedAt). Idle
 * gaps are the times a worker spent between the end of one run and the start of its next (recording
 * the result, fetching the next job, starting a thread, loading the config): time neither of its
 * runs used, whatever the machine's load does to the runs themselves. Seconds.
 */
function timeline(rows: readonly RunRow[], procs: readonly Proc[]) {
  const host = hostname();
  const gaps: number[] = [];
  const workers = procs.map((p) => {
    const jobs = rows
      .filter((r) => r.worker === `${host}:${p.pid}` && r.startedAt && r.finishedAt)
      .map((r) => {
        const info = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8')) as { startedAt: string; finishedAt: string };
        return {
          seed: r.seed,
          claimed: r.startedAt!.getTime(),
          runStart: Date.parse(info.startedAt),
          runEnd: Date.parse(info.finishedAt),
          recorded: r.finishedAt!.getTime(),
        };
      })
      .sort((a, b) => a.claimed - b.claimed);
    for (let i = 1; i < jobs.length; i++) gaps.push((jobs[i]!.runStart - jobs[i - 1]!.runEnd) / 1000);
    const first = jobs[0];
    const last = jobs[jobs.length - 1];
    const running = jobs.reduce((t, j) => t + (j.runEnd - j.runStart) / 1000, 0);
    const alive = (p.exitedAt - p.spawnedAt) / 1000;
    return {
      worker: p.pid,
      cpu: p.cpu,
      seeds: jobs.map((j) => j.seed),
      /** Process start to its first claimed job. */
      startup: first ? (first.claimed - p.spawnedAt) / 1000 : null,
      /** Claim to the run's own start (thread, config, folder lock), per job. */
      claimToRun: jobs.map((j) => (j.runStart - j.claimed) / 1000),
      runSeconds: jobs.map((j) => (j.runEnd - j.runStart) / 1000),
      /** Run end to its row marked complete, per job. */
      runToRecorded: jobs.map((j) => (j.recorded - j.runEnd) / 1000),
      /** Last run's end to the process's exit. */
      tail: last ? (p.exitedAt - last.runEnd) / 1000 : null,
      /** Share of the process's life spent inside runs. */
      busy: running / alive,
    };
  });
  const sum = gaps.reduce((a, b) => a + b, 0);
  const runSeconds = workers.flatMap((w) => w.runSeconds);
  return {
    idleGapsBetweenJobs: { count: gaps.length, mean: gaps.length ? sum / gaps.length : null, max: gaps.length ? Math.max(...gaps) : null, total: sum },
    /** The runs' own mean duration: how much the machine (its load, the other worker) slowed them. */
    meanRunSeconds: runSeconds.reduce((a, b) => a + b, 0) / runSeconds.length,
    workers,
  };
}

/**
 * The long sweep (its own name, so its own runs) enqueued, then `workers` worker processes run it
 * with its `tacit sweep --queue` following; wall is from their start to the last worker's exit.
 */
async function workersOn(workers: number) {
  const name = `long-${workers}w`;
  const path = config(name, LONG_STEPS, LONG_RUNS);
  const out = join(root, name);
  await tacit([['sweep', path, '--queue', url, '--out', out, '--detach']]);
  const loadBefore = load();
  const run = await tacit([
    ['sweep', path, '--queue', url, '--out', out, '--quiet'],
    ...Array.from({ length: workers }, () => ['worker', '--queue', url, '--exit-when-idle']),
  ]);
  const [follower, ...procs] = run.procs as [Proc, ...Proc[]];
  const t0 = Math.min(...procs.map((p) => p.spawnedAt));
  const wall = (Math.max(...procs.map((p) => p.exitedAt)) - t0) / 1000;
  const timing = timeline(await withQueue((q) => listRuns(q, name)), procs);
  return {
    wall,
    /** Wall time outside the runs of the busiest worker (start-up, gaps, tail): what the queue and the workers add. */
    outsideRuns: wall - Math.max(...timing.workers.map((w) => w.runSeconds.reduce((a, b) => a + b, 0))),
    /** CPU seconds of the worker processes (all their threads). */
    cpu: procs.reduce((t, p) => t + p.cpu, 0),
    load: [loadBefore, load()],
    ...timing,
    /** The waiting `tacit sweep --queue` (one look at the runs table a second, then the comparison). */
    follower: { cpu: follower.cpu, wall: (follower.exitedAt - follower.spawnedAt) / 1000 },
  };
}

async function withQueue<T>(f: (q: Awaited<ReturnType<typeof openQueue>>) => Promise<T>): Promise<T> {
  const q = await openQueue(url);
  try {
    return await f(q);
  } finally {
    await q.close();
  }
}
