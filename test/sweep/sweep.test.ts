/**
 * `tacit sweep` end to end on the sanity matrix game: grid × seeds into runs with deterministic ids,
 * worker threads, the runner's own run folders (identical to `tacit run`), resume by skipping
 * complete runs; and the pool's retry and stop behaviour with a stand-in worker.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { runPool, type PoolJob } from '../../src/sweep/pool.js';
import { planSweep, runSweep, type SweepPlan } from '../../src/sweep/sweep.js';

let root: string;
let configPath: string;

const CONFIG = `
name: sweep-test
env: { id: matrix-game-v1, params: { game: prisoners-dilemma, episodeLength: 20 } }
agents:
  - role: player
    policy: { type: random }
    reward: { scheme: local }
run: { steps: 400, metricsEvery: 100, seeds: 2 }
sweep:
  grid:
    agents[*].reward.scheme: [local, team]
`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tacit-sweep-'));
  configPath = join(root, 'sweep.yaml');
  writeFileSync(configPath, CONFIG);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('planSweep', () => {
  it('expands grid × seeds into runs with deterministic, distinct ids', () => {
    const a = planSweep(configPath, { out: join(root, 'plan') });
    const b = planSweep(configPath, { out: join(root, 'plan') });
    expect(a.runs.map((r) => [r.variant, r.seed])).toEqual([
      ['scheme=local', 0],
      ['scheme=local', 1],
      ['scheme=team', 0],
      ['scheme=team', 1],
    ]);
    expect(b.runs.map((r) => r.id)).toEqual(a.runs.map((r) => r.id));
    expect(new Set(a.runs.map((r) => r.id)).size).toBe(4);
    for (const r of a.runs) expect(r.dir).toMatch(new RegExp(`-s${r.seed}-${r.id}$`));
    // --grid adds an axis; the id of an unchanged point does not depend on the grid it came from.
    const c = planSweep(configPath, { out: join(root, 'plan'), grid: ['env.params.episodeLength=20,40'] });
    expect(c.runs).toHaveLength(8);
    expect(c.runs.filter((r) => r.variant.endsWith('episodeLength=20')).map((r) => r.id)).toEqual(a.runs.map((r) => r.id));
  });

  it('treats a run.seed axis as the seeds of every point, not as a variant', () => {
    const p = planSweep(configPath, { out: join(root, 'plan'), grid: ['run.seed=3,7'] });
    expect(p.runs.map((r) => [r.variant, r.seed])).toEqual([
      ['scheme=local', 3],
      ['scheme=local', 7],
      ['scheme=team', 3],
      ['scheme=team', 7],
    ]);
    expect(() => planSweep(configPath, { grid: ['run.seeds=1,2'] })).toThrow(/cannot vary run.seeds/);
  });

  it('names the grid point of an invalid run and the field of a bad sweep section', () => {
    expect(() => planSweep(configPath, { grid: ['agents[*].reward.scheme=local,bogus'] })).toThrow(
      /sweep.grid \(point scheme=bogus\): agents\[0\].reward.scheme: .*bogus/s,
    );
    const plain = join(root, 'plain.yaml');
    writeFileSync(plain, CONFIG.slice(0, CONFIG.indexOf('sweep:')));
    expect(() => planSweep(plain)).toThrow(/nothing to sweep in .*plain.yaml/);
    const bad = join(root, 'bad.yaml');
    writeFileSync(bad, CONFIG.replace('  grid:', '  workerz: 2\n  grid:'));
    expect(() => planSweep(bad)).toThrow(/sweep: .*workerz/);
  });
});

describe('runSweep', () => {
  let plan: SweepPlan;
  const out = (): string => join(root, 'run');

  it('runs every point on worker threads into complete, tagged run folders', async () => {
    plan = planSweep(configPath, { out: out() });
    const result = await runSweep(plan, { quiet: true, workers: 2 });
    expect(result.failed).toEqual([]);
    expect(result.interrupted).toBe(false);
    expect(result.completeDirs).toEqual(plan.runs.map((r) => r.dir));
    for (const r of plan.runs) {
      const run = JSON.parse(readFileSync(join(r.dir, 'run.json'), 'utf8')) as { status: string; runId: string; sweep: { variant: string; seed: number } };
      expect(run).toMatchObject({
        status: 'complete',
        runId: r.id,
        sweep: { variant: r.variant, seed: r.seed, index: plan.points.findIndex((p) => p.label === r.variant) },
      });
      const cfg = JSON.parse(readFileSync(join(r.dir, 'config.resolved.json'), 'utf8')) as {
        run: { seed: number; seeds: number };
        agents: { reward: { scheme: string } }[];
      };
      expect(cfg.run).toMatchObject({ seed: r.seed, seeds: 1 });
      expect(cfg.agents[0]!.reward.scheme).toBe(r.variant.replace('scheme=', ''));
    }
    const manifest = JSON.parse(readFileSync(join(out(), 'sweep.json'), 'utf8')) as { runs: { status: string }[] };
    expect(manifest.runs.map((r) => r.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
  });

  it('writes exactly the folder tacit run writes for the same config', async () => {
    const r = plan.runs[3]!;
    const dir = join(root, 'direct');
    await runExperiment(resolveExperiment(r.config), { out: dir, quiet: true });
    for (const file of ['metrics.jsonl', 'events.jsonl', 'config.resolved.json'])
      expect(readFileSync(join(r.dir, file), 'utf8')).toBe(readFileSync(join(dir, file), 'utf8'));
  });

  it('skips complete runs when rerun (resume), and reruns an unfinished one', async () => {
    rmSync(plan.runs[1]!.dir, { recursive: true });
    const again = planSweep(configPath, { out: out() });
    expect(again.runs.map((r) => r.state)).toEqual(['done', 'todo', 'done', 'done']);
    const before = readFileSync(join(plan.runs[0]!.dir, 'run.json'), 'utf8');
    const result = await runSweep(again, { quiet: true, workers: 1 });
    expect(result.skipped).toHaveLength(3);
    expect(result.outcomes.filter((o) => o.status === 'complete').map((o) => o.job.id)).toEqual([plan.runs[1]!.id]);
    expect(readFileSync(join(plan.runs[0]!.dir, 'run.json'), 'utf8')).toBe(before);
    expect(readdirSync(out()).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });
});

describe('stopping a sweep', () => {
  it('interrupts a running run at its next metrics window, leaving it unfinished', async () => {
    const long = join(root, 'long.yaml');
    writeFileSync(
      long,
      CONFIG.replace('run: { steps: 400, metricsEvery: 100, seeds: 2 }', 'run: { steps: 200000000, metricsEvery: 20000, seeds: 1 }').replace(
        '[local, team]',
        '[local]',
      ),
    );
    const plan = planSweep(long, { out: join(root, 'long') });
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const result = await runPool(plan.runs, {
      workers: 1,
      signal,
      onProgress: () => {
        if (signal.stop) return;
        signal.stop = true;
        signal.onStop?.();
      },
    });
    // Without the shared stop flag the worker would only hear the stop after 200 million steps.
    expect(result.map((o) => o.status)).toEqual(['interrupted']);
    const run = JSON.parse(readFileSync(join(`${plan.runs[0]!.dir}.partial`, 'run.json'), 'utf8')) as { status: string };
    expect(run.status).toBe('interrupted');
    expect(planSweep(long, { out: join(root, 'long') }).runs[0]!.state).not.toBe('done');
  });
});

describe('pool retry and stop (stand-in worker)', () => {
  const workerUrl = new URL('./fake-worker.mjs', import.meta.url);
  const job = (id: string, fake: Record<string, number>): PoolJob => ({ id, config: { fake }, seed: 0, dir: join(root, 'pool', id), resume: false });

  it('retries a failed run once, then reports it without stopping the others', async () => {
    const retried: string[] = [];
    const outcomes = await runPool([job('flaky', { failTimes: 1 }), job('broken', { failTimes: 5 }), job('fine', {})], {
      workers: 2,
      workerUrl,
      onRetry: (j) => retried.push(j.id),
    });
    expect(outcomes.map((o) => [o.job.id, o.status, o.attempts])).toEqual([
      ['flaky', 'complete', 2],
      ['broken', 'failed', 2],
      ['fine', 'complete', 1],
    ]);
    expect(outcomes[1]!.error).toBe('planned failure 2');
    expect(retried.sort()).toEqual(['broken', 'flaky']);
    expect(existsSync(join(root, 'pool', 'flaky.partial'))).toBe(false);
  });

  it('on stop, lets running runs end interrupted, starts no new one, keeps finished ones', async () => {
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    // 'slow' runs until it hears the stop, whenever that comes: no race with the clock.
    const jobs = [job('first', {}), job('slow', { untilStopped: 1 }), job('later', {})];
    const outcomes = await runPool(jobs, {
      workers: 2,
      workerUrl,
      signal,
      onDone: (o) => {
        if (o.job.id === 'first') {
          signal.stop = true;
          signal.onStop?.();
        }
      },
    });
    expect(outcomes.map((o) => [o.job.id, o.status])).toEqual([
      ['first', 'complete'],
      ['slow', 'interrupted'],
      ['later', 'pending'],
    ]);
    expect(existsSync(join(root, 'pool', 'first', 'summary.json'))).toBe(true);
    expect(existsSync(join(root, 'pool', 'slow.partial'))).toBe(true);
  });
});
