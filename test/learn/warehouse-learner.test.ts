/**
 * The short version of `npm run validate-warehouse-learner` (issue 17, item 1): the shipped
 * learned-team experiment (experiments/warehouse-v2-learned-team.yaml: four PPO roles on the team
 * reward, procurement learning in days of cover) on a tiny budget (60-day episodes, 8 copies,
 * 40 episodes each) must clearly beat a random team and come within 5 % of the scripted baseline's cost to serve (fill within 0.01) on the
 * same greedy evaluation episodes; and training is deterministic (same seed, same bytes).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, readConfigFile } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { baselineKpis, learnedSeed, type LearnerCheckOptions } from '../../src/run/learner-vs-baseline.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { readBinary } from '../../src/core/binary.js';

const EPISODE = 60;
const STEPS = 40 * EPISODE;
const tiny = [
  `env.params.episodeLength=${EPISODE}`,
  'run.numEnvs=8',
  `run.steps=${STEPS}`,
  `run.metricsEvery=${EPISODE}`,
  ...[0, 1, 2, 3].flatMap((i) => [`agents[${i}].policy.params.entropyAnnealSteps=${STEPS}`, `agents[${i}].policy.params.annealSteps=${STEPS}`]),
];
const learned = readConfigFile('experiments/warehouse-v2-learned-team.yaml');
const baseline = applyOverrides(readConfigFile('experiments/warehouse-v2-baseline.yaml'), [`env.params.episodeLength=${EPISODE}`, `run.steps=${EPISODE}`]);
const options: LearnerCheckOptions = { costKpi: 'costToServe', serviceKpi: 'fillRate', maxCostRatio: 1.15, episodes: 8, evalSeed: 1000, sets: tiny };

describe('warehouse-v2: the learned team on the team reward (tiny budget)', () => {
  it('beats a random team by far and comes within 1.05× of the baseline cost with nearly its fill rate', async () => {
    const base = await baselineKpis(baseline, options);
    const random = await baselineKpis(
      applyOverrides(
        baseline,
        [0, 1, 2, 3].map((i) => `agents[${i}].policy={type: random}`),
      ),
      options,
    );
    const run = await learnedSeed(learned, 0, base, options);
    // Cost to serve is mostly the cost of goods sold, which any team that serves demand pays, so
    // a random team is only ~1.2× the baseline on it; its fill rate shows the gap plainly.
    expect(random.cost).toBeGreaterThan(1.1 * base.cost);
    expect(run.cost).toBeLessThan(random.cost / 1.1);
    expect(run.service).toBeGreaterThan(random.service + 0.05);
    expect(run.costRatio).toBeLessThanOrEqual(1.05);
    expect(run.service).toBeGreaterThanOrEqual(base.service - 0.01);
    // The learning curve has a point per training window.
    expect(run.curve.length).toBe(STEPS / EPISODE);
  });

  it('refuses an evaluation that would sum several episodes per copy', async () => {
    await expect(baselineKpis(baseline, { ...options, episodes: 32 })).rejects.toThrow(/plays 2 episodes per copy.*at most numEnvs \(16\)/);
  });

  it('trains deterministically: the same seed twice writes the same metrics and policies', async () => {
    const short = resolveExperiment(applyOverrides(learned, [...tiny, `run.steps=${4 * EPISODE}`]));
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tacit-wh-learner-')));
    for (const out of dirs) await runExperiment(short, { out, quiet: true });
    expect(readFileSync(join(dirs[0]!, 'metrics.jsonl')).equals(readFileSync(join(dirs[1]!, 'metrics.jsonl')))).toBe(true);
    // Policies compared as values: V8's serialiser may write a 0 as an integer or as a double
    // depending on how far the JIT optimised the code that produced it, so the bytes can differ.
    expect(readBinary(join(dirs[0]!, 'policies.bin'))).toEqual(readBinary(join(dirs[1]!, 'policies.bin')));
  });
});
