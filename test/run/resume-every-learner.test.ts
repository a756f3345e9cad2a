/**
 * Exact resume for every learner and every stateful scripted policy and reward scheme: a run
 * stopped after a checkpoint and resumed ends with files byte-identical to the uninterrupted run.
 * The checkpoint falls where the learners are still exploring (ε > 0, PPO mid-rollout, DQN with a
 * partly full buffer), so a missing random stream, schedule position or counter shows at once.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';
import { stopAtRead } from './stop-at-read.js';

const FILES = ['metrics.jsonl', 'events.jsonl', 'config.resolved.json', 'policies.bin'];

/** Run `cfg` straight, and stopped at window `stopAt` then resumed; every file must match. */
async function expectExactResume(cfg: Record<string, unknown>, stopAt = 3): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'tacit-resume-all-'));
  const straight = join(tmp, 'straight');
  const broken = join(tmp, 'broken');
  await runExperiment(resolveExperiment(cfg), { out: straight, quiet: true });
  const first = await runExperiment(resolveExperiment(cfg), { out: broken, quiet: true, signal: stopAtRead(stopAt) });
  expect(first.interrupted).toBe(true);
  expect(existsSync(join(`${broken}.partial`, 'checkpoint.bin'))).toBe(true);
  const second = await resumeExperiment(`${broken}.partial`, (c) => resolveExperiment(c), { quiet: true });
  expect(second.interrupted).toBe(false);
  for (const f of FILES) {
    if (!existsSync(join(straight, f))) continue;
    expect(readFileSync(join(broken, f)).equals(readFileSync(join(straight, f))), f).toBe(true);
  }
  const a = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8'));
  const b = JSON.parse(readFileSync(join(broken, 'summary.json'), 'utf8'));
  expect({ ...b, runId: '' }).toEqual({ ...a, runId: '' });
}

const base = { run: { steps: 600, numEnvs: 2, metricsEvery: 100 }, output: { checkpointEvery: 200, report: false } };

describe('exact resume of every learner', () => {
  it('tabular-q while still exploring (generic loop)', async () => {
    await expectExactResume({
      name: 'resume-tq',
      env: { id: 'market-v1', params: { priceGridSize: 5 } },
      agents: [{ role: 'firm', policy: { type: 'tabular-q', params: { explorationDecay: 1e-4 } } }],
      ...base,
    });
  });

  it('tabular-q with stopWhenConverged counting towards convergence across the checkpoint', async () => {
    await expectExactResume({
      name: 'resume-tq-conv',
      env: { id: 'market-v1', params: { priceGridSize: 3 } },
      agents: [{ role: 'firm', policy: { type: 'tabular-q', params: { explorationDecay: 5e-3, convergenceWindow: 150 } } }],
      run: { steps: 5000, numEnvs: 2, metricsEvery: 50, stopWhenConverged: true },
      output: { checkpointEvery: 100, report: false },
    });
  });

  it('ppo mid-rollout (the checkpoint does not fall on a rollout boundary)', async () => {
    await expectExactResume({
      name: 'resume-ppo',
      env: { id: 'coordination-v1', params: { numOptions: 3, episodeLength: 10 } },
      agents: [{ role: 'coordinator', policy: { type: 'ppo', params: { critic: 'local', rolloutLength: 48, numMinibatches: 2, hidden: [8] } } }],
      ...base,
    });
  });

  it('ppo with a centralised critic (mappo)', async () => {
    await expectExactResume({
      name: 'resume-mappo',
      env: { id: 'coordination-v1', params: { numOptions: 3, episodeLength: 10 } },
      agents: [{ role: 'coordinator', policy: { type: 'ppo', params: { critic: 'central', rolloutLength: 48, numMinibatches: 2, hidden: [8] } } }],
      ...base,
    });
  });

  it('dqn with ε still decaying and a partly filled replay buffer', async () => {
    await expectExactResume({
      name: 'resume-dqn',
      env: { id: 'coordination-v1', params: { numOptions: 3, episodeLength: 10 } },
      agents: [
        {
          role: 'coordinator',
          policy: {
            type: 'dqn',
            params: {
              learningStarts: 100,
              trainFrequency: 2,
              epsilonDecaySteps: 1000,
              targetUpdateFrequency: 50,
              batchSize: 16,
              hidden: [8],
              bufferSize: 5000,
            },
          },
        },
      ],
      ...base,
    });
  });

  it('dqn with nStep 3 (the per-copy rings of pending steps cross the checkpoint; episodes end every 7 steps)', async () => {
    await expectExactResume({
      name: 'resume-dqn-nstep',
      env: { id: 'coordination-v1', params: { numOptions: 3, episodeLength: 7 } },
      agents: [
        {
          role: 'coordinator',
          policy: {
            type: 'dqn',
            params: { learningStarts: 100, trainFrequency: 2, epsilonDecaySteps: 1000, targetUpdateFrequency: 50, batchSize: 16, hidden: [8], nStep: 3 },
          },
        },
      ],
      ...base,
    });
  });

  it("dqn with optimizer 'sgd' and momentum (the velocity crosses the checkpoint)", async () => {
    await expectExactResume({
      name: 'resume-dqn-sgd',
      env: { id: 'coordination-v1', params: { numOptions: 3, episodeLength: 10 } },
      agents: [
        {
          role: 'coordinator',
          policy: {
            type: 'dqn',
            params: {
              learningStarts: 100,
              trainFrequency: 2,
              epsilonDecaySteps: 1000,
              batchSize: 16,
              hidden: [8],
              optimizer: 'sgd',
              learningRate: 0.05,
              momentum: 0.9,
            },
          },
        },
      ],
      ...base,
    });
  });
});

describe('exact resume of the dqn convergence rule', () => {
  it.each([['strategy'], ['play']])(
    'dqn (convergenceOn %s) counting towards convergence across the checkpoint, the run stopping when both firms converge',
    async (on) => {
      await expectExactResume({
        name: 'resume-dqn-conv',
        env: { id: 'market-v1', params: { priceGridSize: 3 } },
        agents: [
          {
            role: 'firm',
            policy: {
              type: 'dqn',
              params: {
                observationEncoding: 'joint',
                learningStarts: 20,
                trainFrequency: 1,
                epsilonDecaySteps: 50,
                targetUpdateFrequency: 50,
                batchSize: 8,
                hidden: [8],
                learningRate: 1e-4,
                convergenceWindow: 300,
                // Not a divisor of checkpointEvery, so checkpoints fall between checks (with visits counted).
                convergenceCheckEvery: 30,
                convergenceOn: on,
              },
            },
          },
        ],
        run: { steps: 5000, numEnvs: 2, metricsEvery: 50, stopWhenConverged: true },
        output: { checkpointEvery: 100, report: false },
      });
    },
  );
});

describe('exact resume of stateful scripted policies and reward schemes', () => {
  it('random, constant sequences and kpi-linked / mixed rewards', async () => {
    await expectExactResume({
      name: 'resume-scripted',
      env: { id: 'coordination-v1', params: { episodeLength: 30 } },
      agents: [
        { id: 'left', policy: { type: 'random' }, reward: { scheme: 'kpi-linked', params: { kpi: 'successRate' } } },
        { id: 'right', policy: { type: 'constant', params: { sequence: [0, 1, 2, 1] } }, reward: { scheme: 'mixed' } },
      ],
      ...base,
    });
  });

  it('supply heuristics with memory (sterman, s-s with drift) under difference rewards', async () => {
    await expectExactResume({
      name: 'resume-supply',
      env: { id: 'beer-game-v1', params: { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 20, maxOrder: 16 } },
      agents: [
        { id: 'retailer', policy: { type: 'sterman' }, reward: { scheme: 'difference' } },
        { id: 'wholesaler', policy: { type: 's-s', params: { reorderPoint: 10, orderUpTo: 20, drift: { orderUpTo: 30, steps: 500 } } } },
        { role: 'stage', policy: { type: 'random' }, reward: { scheme: 'team' } },
      ],
      ...base,
    });
  });
});
