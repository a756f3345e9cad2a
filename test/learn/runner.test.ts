/**
 * Neural learners through the real runner: run.json records the backend, an interrupted run
 * resumes to byte-identical results (weights, optimizer, rollout and replay restored exactly),
 * and `tacit eval` replays the trained policies greedily.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { backendName } from '../../src/learn/backend.js';
import { DivergenceError } from '../../src/learn/divergence.js';
import { evaluateRun } from '../../src/run/evaluate.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';
import { stopAtRead } from '../run/stop-at-read.js';

const ppo = { type: 'ppo', params: { rolloutLength: 32, learningRate: 0.003, numMinibatches: 2, hidden: [32, 32] } };
const dqn = {
  type: 'dqn',
  params: { learningStarts: 60, trainFrequency: 2, learningRate: 0.002, epsilonDecaySteps: 150, targetUpdateFrequency: 25, batchSize: 32, hidden: [16] },
};

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
    expect(['simd', 'tensorflow', 'wasm', 'cpu']).toContain(runJson.backend);
    const summary = JSON.parse(read('broken', 'summary.json'));
    expect(summary.metrics.policies.left.updates).toBeGreaterThan(40);
    expect(summary.metrics.policies.right.updates).toBe(5); // 160 steps / 32 per rollout
  });

  it('a divergence stops the run naming agent and step, and keeps the last good checkpoint', async () => {
    const config = {
      name: 'neural-diverge',
      env: { id: 'coordination-v1', params: { episodeLength: 10 } },
      agents: [
        {
          role: 'coordinator',
          policy: { type: 'ppo', params: { ...ppo.params, learningRate: 1e30, maxGradNorm: 0, normalizeRewards: false } },
          reward: { scheme: 'local' },
        },
      ],
      run: { steps: 320, numEnvs: 2, metricsEvery: 16 },
      output: { checkpointEvery: 16 },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-neural-')), 'run');
    const failure = await runExperiment(resolveExperiment(config), { out, quiet: true }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DivergenceError);
    const { agent, step } = failure as DivergenceError;
    expect(agent).toBe('left');
    expect(step % 32).toBe(0); // at the end of a rollout, when an update runs
    const partial = `${out}.partial`;
    const runJson = JSON.parse(readFileSync(join(partial, 'run.json'), 'utf8'));
    expect(runJson.status).toBe('failed');
    expect(runJson.error).toMatch(new RegExp(`training diverged for agent 'left' at step ${step}`));
    expect(existsSync(join(partial, 'checkpoint.bin'))).toBe(true);
    const cp = deserialize(readFileSync(join(partial, 'checkpoint.bin'))) as { step: number; policies: { group: { actor: { f32: string }[] } }[] };
    expect(cp.step).toBe(step - 16);
    for (const w of cp.policies[0]!.group.actor)
      for (const x of new Float32Array(new Uint8Array(Buffer.from(w.f32, 'base64')).buffer)) expect(Number.isFinite(x)).toBe(true);
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
