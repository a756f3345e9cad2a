/**
 * The beer-game learning test of issue 4: a PPO retailer trained on the team reward, with
 * base-stock teammates at the searched best levels, ends within 10% of the all-base-stock team
 * cost (greedy evaluation). Classic step demand (4 → 8 in week 5), 30-week episodes, orders in
 * steps of 2 units (9 levels) so the budget stays small; `npm run validate-beer-learner` checks
 * the same bar with stochastic demand, several seeds and a longer budget.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { searchBaseStock } from '../../envs/beer-game/optimal-base-stock.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { evaluateRun } from '../../src/run/evaluate.js';
import { runExperiment } from '../../src/run/run-experiment.js';

const env = { episodeLength: 30, maxOrder: 8, orderUnit: 2 };
const stages = ['retailer', 'wholesaler', 'distributor', 'factory'] as const;

describe('beer game: a learned retailer with base-stock teammates', () => {
  it('gets within 10% of the all-base-stock team cost (PPO on the team reward, 4000 steps × 16 copies)', async () => {
    const { levels } = searchBaseStock(env);
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-beer-'));
    const teamCost = async (retailer: Record<string, unknown>, steps: number, name: string): Promise<number> => {
      const config = {
        name,
        env: { id: 'beer-game-v1', params: env },
        agents: stages.map((id, i) =>
          i === 0 ? { id, policy: retailer, reward: { scheme: 'team' } } : { id, policy: { type: 'base-stock', params: { level: levels[i] } } },
        ),
        run: { steps, numEnvs: 16, metricsEvery: steps },
      };
      const out = join(tmp, name);
      await runExperiment(resolveExperiment(config), { out, quiet: true });
      return (evaluateRun(out, (c) => resolveExperiment(c), { episodes: 16 }) as { kpis: { teamCost: number } }).kpis.teamCost;
    };
    const baseline = await teamCost({ type: 'base-stock', params: { level: levels[0] } }, 30, 'all-base-stock');
    const learned = await teamCost({ type: 'ppo', params: { learningRate: 0.003, entropyCoef: 0, rolloutLength: 60 } }, 4000, 'ppo-retailer');
    expect(learned).toBeLessThanOrEqual(1.1 * baseline);
  });
});
