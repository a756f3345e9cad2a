/**
 * The distributed sweep, measured (docs/distributed.md quotes it). Starts an embedded Postgres,
 * then, with real `tacit` processes:
 *  1. overhead per job: N short runs (tabular-q, 200 steps) through one `tacit worker` vs the local
 *     `tacit sweep --workers 1`, both wall and CPU (children's CPU from getrusage);
 *  2. speedup: 4 runs of ≥ 10 s each on 1 worker process vs 2 worker processes;
 *  3. many workers: W worker processes at concurrency 1 on M short runs (exit when idle), then the
 *     runs table and the folders are checked: every run complete exactly once, attempts 1, no
 *     `.partial` or lock left.
 * Prints one JSON document.
 *
 *   npm run bench:queue -- [--short 64] [--long-steps 10000000] [--workers 64] [--many-runs 128]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/queue/embedded.js';
import { listRuns, openQueue } from '../src/queue/queue.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SHORT = arg('short', 64);
const LONG_STEPS = arg('long-steps', 10_000_000);
const WORKERS = arg('workers', 64);
const MANY_RUNS = arg('many-runs', 128);

const root = mkdtempSync(join(tmpdir(), 'tacit-bench-queue-'));
const config = (name: string, steps: number, seeds: number): string => {
  const path = join(root, `${name}.yaml`);
  writeFileSync(
    path,
    `name: ${name}\nenv: { id: matrix-game-v1, params: { game: prisoners-dilemma, episodeLength: 20 } }\nagents:\n  - role: player\n    policy: { type: tabular-q }\n    reward: { scheme: local }\nrun: { steps: ${steps}, metricsEvery: ${Math.min(steps, 10000)}, seeds: 1 }\noutput: { report: false }\nsweep:\n  seeds: ${seeds}\n  grid:\n    agents[*].reward.scheme: [local]\n`,
  );
  return path;
};

/** Run `tacit` processes side by side; wall seconds and the children's CPU seconds. */
async function tacit(commands: string[][]): Promise<{ wall: number; cpu: number }> {
  const t0 = process.hrtime.bigint();
  await Promise.all(
    commands.map(
      (args) =>
        new Promise<void>((resolve, reject) => {
          const p = spawn(process.execPath, ['bin/tacit.mjs', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
          p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tacit ${args.join(' ')} exited ${code}`))));
        }),
    ),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, cpu: childCpu() };
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

const server = await startEmbeddedPostgres({ dir: join(root, 'pg', 'data'), port: 54000 + (process.pid % 1000) });
const url = server.url;
const result: Record<string, unknown> = { node: process.version };
try {
  childCpu();
  // 1. Overhead per job.
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

  // 2. Speedup of 2 worker processes over 1 on runs of >= 10 s.
  const long = config('long', LONG_STEPS, 4);
  await tacit([['sweep', long, '--queue', url, '--out', join(root, 'long-1'), '--detach']]);
  const one = await tacit([['worker', '--queue', url, '--exit-when-idle']]);
  const rows1 = (await withQueue((q) => listRuns(q, 'long'))).filter((r) => r.dir.includes('long-1'));
  const long2 = config('long2', LONG_STEPS, 4); // same runs under another sweep name and folder
  await tacit([['sweep', long2, '--queue', url, '--out', join(root, 'long-2'), '--detach']]);
  const two = await tacit([
    ['worker', '--queue', url, '--exit-when-idle'],
    ['worker', '--queue', url, '--exit-when-idle'],
  ]);
  result['speedup'] = { runs: 4, runSeconds: rows1.map((r) => r.seconds), oneWorker: one, twoWorkers: two, wallSpeedup: one.wall / two.wall };

  // 3. Many workers, short jobs: nothing lost, nothing twice.
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
} finally {
  await server.stop();
  rmSync(root, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));

async function withQueue<T>(f: (q: Awaited<ReturnType<typeof openQueue>>) => Promise<T>): Promise<T> {
  const q = await openQueue(url);
  try {
    return await f(q);
  } finally {
    await q.close();
  }
}
