/**
 * Neural learners through the real runner: run.json records the backend, an interrupted run
 * resumes to byte-identical results (weights, optimizer, rollout and replay restored exactly),
 * and `tacit eval` replays the trained policies greedily.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { backendName } from '../../src/learn/backend.js';
import { evaluateRun } from '../../src/run/evaluate.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';

const ppo = { type: 'ppo', params: { rolloutLength: 32, learningRate: 0.003, numMinibatches: 2, hidden: [32, 32] } };
const dqn = { type: 'dqn', params: { learningStarts: 60, trainFrequency: 2, learningRate: 0.002, epsilonDecaySteps: 150, targetUpdateFrequency: 25, batchSize: 32, hidden: [16] } };

/** A stop flag that turns true at its `n`-th read (the runner reads it once per metrics window). */
function stopAtRead(n: number): { stop: boolean } {
  let reads = 0;
  return {
    get stop() {
      return ++reads >= n;
    },
    set stop(_v: boolean) {},
  };
}

describe('neural learners in the runner', () => {
  it('resume after an interruption ends byte-identical to an uninterrupted run (PPO + DQN)', async () => {
    const config = {
      name: 'neural-resume',
      env: { id: 'coordination-v1', params: { episodeLength: 10 } },
      agents: [
        { id: 'left', policy: dqn, reward: { scheme: 'local' } },
        { id: 'right', policy: ppo, reward: { scheme: 'local' } },
      ],
      run: { steps: 160, numEnvs: 4, metricsEvery: 40 },
      output: { checkpointEvery: 80 },
    };
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-neural-'));
    await runExperiment(resolveExperiment(config), { out: join(tmp, 'straight'), quiet: true });
    // Stops at the window ending at step 120 (third read); the last checkpoint is at step 80, mid-rollout for PPO.
    const first = await runExperiment(resolveExperiment(config), { out: join(tmp, 'broken'), quiet: true, signal: stopAtRead(3) });
    expect(first.interrupted).toBe(true);
    const second = await resumeExperiment(`${join(tmp, 'broken')}.partial`, (c) => resolveExperiment(c), { quiet: true });
    expect(second.interrupted).toBe(false);
    const read = (run: string, f: string): string => readFileSync(join(tmp, run, f), 'utf8');
    expect(read('broken', 'metrics.jsonl')).toBe(read('straight', 'metrics.jsonl'));
    const runJson = JSON.parse(read('straight', 'run.json'));
    expect(runJson.backend).toBe(backendName());
    expect(['tensorflow', 'wasm', 'cpu']).toContain(runJson.backend);
    const summary = JSON.parse(read('broken', 'summary.json'));
    expect(summary.metrics.policies.left.updates).toBeGreaterThan(40);
    expect(summary.metrics.policies.right.updates).toBe(5); // 160 steps / 32 per rollout
  });

  it('MAPPO with shared parameters learns coordination-v1 in the runner, and eval replays it greedily', async () => {
    const config = {
      name: 'neural-eval',
      env: { id: 'coordination-v1', params: { episodeLength: 10 } },
      agents: [{ role: 'coordinator', policy: { ...ppo, params: { ...ppo.params, critic: 'central', shareParameters: true } }, reward: { scheme: 'local' } }],
      run: { steps: 480, numEnvs: 8, metricsEvery: 160 },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-neural-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    const result = evaluateRun(out, (c) => resolveExperiment(c), { episodes: 16 }) as { episodes: number; kpis: { successRate: number } };
    expect(result.episodes).toBeGreaterThanOrEqual(16);
    expect(result.kpis.successRate).toBeGreaterThanOrEqual(0.9);
  });
});
