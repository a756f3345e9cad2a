/** Checkpoints and resume: an interrupted run, resumed, ends byte-identical to an uninterrupted one. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { evaluateRun } from '../../src/run/evaluate.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';
import { expectExactResume } from './exact-resume.js';

const config = {
  name: 'resume',
  env: { id: 'coordination-v1', params: { episodeLength: 30 } },
  agents: [
    { id: 'left', policy: { type: 'random' }, reward: { scheme: 'kpi-linked', params: { kpi: 'successRate' } } },
    { id: 'right', policy: { type: 'random' }, reward: { scheme: 'difference' } },
  ],
  run: { steps: 600, numEnvs: 3, metricsEvery: 100 },
  output: { checkpointEvery: 200 },
};

describe('checkpoint and resume', () => {
  it('continues an interrupted run exactly where it left off', async () => {
    await expectExactResume(config);
  });

  it('resumes exactly with difference rewards that look ahead (sterman players continue both branches)', async () => {
    await expectExactResume({
      name: 'resume-look-ahead',
      env: { id: 'beer-game-v1', params: { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 20, maxOrder: 16 } },
      agents: [
        {
          role: 'stage',
          policy: { type: 'random' },
          reward: { scheme: 'difference', params: { lookAhead: { steps: 5, discount: 0.9, policies: { stage: { type: 'sterman' } } } } },
        },
      ],
      run: { steps: 600, numEnvs: 3, metricsEvery: 100 },
      output: { checkpointEvery: 200 },
    });
  });

  it('refuses to resume a complete run or a folder that is not a run', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-resume-'));
    await runExperiment(resolveExperiment({ ...config, run: { ...config.run, steps: 100 } }), { out: join(tmp, 'done'), quiet: true });
    await expect(resumeExperiment(join(tmp, 'done'), (c) => resolveExperiment(c))).rejects.toThrow(/complete run; nothing to resume/);
    await expect(resumeExperiment(join(tmp, 'nothing'), (c) => resolveExperiment(c))).rejects.toThrow(/no unfinished run folder/);
  });

  it('evaluates a finished run greedily with its saved policies', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-eval-'));
    const out = join(tmp, 'run');
    await runExperiment(resolveExperiment({ ...config, agents: [{ role: 'coordinator', policy: { type: 'constant', params: { action: 1 } } }] }), {
      out,
      quiet: true,
    });
    const result = evaluateRun(out, (c) => resolveExperiment(c), { episodes: 6 }) as { episodes: number; kpis: { successRate: number } };
    expect(result.episodes).toBeGreaterThanOrEqual(6);
    // Both always pick option 1: success exactly when the target is 1, about a third of the time.
    expect(result.kpis.successRate).toBeGreaterThan(0.2);
    expect(result.kpis.successRate).toBeLessThan(0.47);
  });
});
