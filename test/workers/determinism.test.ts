/**
 * A seed's files do not depend on what its worker thread ran before. V8 stores an object field as
 * a double in every object of a hidden class once any of them held a double there, and its
 * serializer writes what is stored: after the market fast path had handed over `periodsUnchanged`
 * (read from a Float64Array), a later seed's policies.bin in the same thread wrote that field's
 * integer as a double. serializeCanonical (src/core/binary.ts) now rebuilds objects so that no
 * such history reaches the bytes. Here: the same seed in a fresh worker, and in a worker that ran
 * a fast-path job first.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import type { SeedJob } from '../../src/run/seed-worker.js';
import type { SeedSummary } from '../../src/run/seed-summary.js';
import { runWorkerPool } from '../../src/workers/pool.js';

const url = new URL('../../src/run/seed-worker-entry.mjs', import.meta.url);

const config = (fastPath: boolean): unknown =>
  resolveExperiment({
    name: 'worker-history',
    env: { id: 'market-v1', params: { priceGridSize: 5 } },
    agents: [{ role: 'firm', policy: { type: 'tabular-q', params: { explorationDecay: 1e-3, convergenceWindow: 200 } }, reward: { scheme: 'local' } }],
    run: { steps: 4000, metricsEvery: 1000, numEnvs: 1, fastPath },
  }).config;

/** Run `jobs` one after the other on one worker thread; the summaries by folder. */
async function inOneWorker(jobs: SeedJob[]): Promise<Map<string, SeedSummary>> {
  const queue = [...jobs];
  const out = new Map<string, SeedSummary>();
  await runWorkerPool<SeedJob, SeedSummary>({
    url,
    workers: 1,
    take: () => queue.shift(),
    onDone: (job, s) => out.set(job.dir, s),
    onError: (job, e) => {
      throw new Error(`${job.dir}: ${e.message}`);
    },
    onCrash: (_job, err) => {
      throw err;
    },
  });
  return out;
}

describe('a seed run in a worker thread', () => {
  it('writes the same bytes in a fresh worker and in one that ran a fast-path job first', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tacit-worker-history-'));
    const job = (dir: string, fastPath: boolean, seed: number): SeedJob => ({
      config: config(fastPath),
      seed,
      dir: join(root, dir),
      meta: { runId: dir, command: 'test' },
      resume: false,
    });
    const fresh = await inOneWorker([job('fresh', false, 7)]);
    const after = await inOneWorker([job('fast-first', true, 3), job('after-fast', false, 7)]);
    // The first job really took the fast path, and the compared one the generic loop.
    expect(after.get(join(root, 'fast-first'))!.metrics['fastPath']).toBe('market-tabular-q');
    expect(fresh.get(join(root, 'fresh'))!.metrics['fastPath']).toBeNull();
    const files = readdirSync(join(root, 'fresh')).filter((f) => f.endsWith('.bin'));
    expect(files).toContain('policies.bin');
    for (const f of files) expect(readFileSync(join(root, 'after-fast', f)).equals(readFileSync(join(root, 'fresh', f))), f).toBe(true);
  });
});
