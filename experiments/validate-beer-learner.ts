/**
 * Validation of issue 4's beer-game bar with stochastic demand: for several seeds, a PPO retailer
 * trained on the team reward, with base-stock teammates at the searched best levels, must end
 * within 10% of the all-base-stock team cost (greedy, on evaluation demand paths the training
 * never saw). Prints JSON; exit code 1 when a seed misses the bar. The fast version of this check
 * (classic step demand) is test/learn/beer-game.test.ts.
 *
 *   npm run validate-beer-learner -- [--seeds 3] [--steps 10000] [--json out.json]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchBaseStock } from '../envs/beer-game/optimal-base-stock.js';
import { resolveExperiment } from '../src/config/resolve.js';
import { evaluateRun } from '../src/run/evaluate.js';
import { runExperiment } from '../src/run/run-experiment.js';

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  if (k < 0) return fallback;
  const v = Number(process.argv[k + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} expects a positive integer, got ${process.argv[k + 1]}`);
  return v;
}

const seeds = arg('seeds', 3);
const steps = arg('steps', 10_000);
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
const env = { demand: { kind: 'normal', mean: 8, sd: 2 }, episodeLength: 30, maxOrder: 8, orderUnit: 2 };
const stages = ['retailer', 'wholesaler', 'distributor', 'factory'];
const ppo = { type: 'ppo', params: { learningRate: 0.003, entropyCoef: 0, rolloutLength: 60 } };
const { levels } = searchBaseStock(env, { episodes: 64, seed: 1 });
const tmp = mkdtempSync(join(tmpdir(), 'tacit-beer-validate-'));

async function teamCost(retailer: Record<string, unknown>, runSteps: number, seed: number, name: string): Promise<number> {
  const config = {
    name,
    env: { id: 'beer-game-v1', params: env },
    agents: stages.map((id, i) =>
      i === 0 ? { id, policy: retailer, reward: { scheme: 'team' } } : { id, policy: { type: 'base-stock', params: { level: levels[i] } } },
    ),
    run: { steps: runSteps, numEnvs: 16, seed, metricsEvery: runSteps },
  };
  const out = join(tmp, name);
  await runExperiment(resolveExperiment(config), { out, quiet: true });
  return (evaluateRun(out, (c) => resolveExperiment(c), { episodes: 256, seed: 1000 }) as { kpis: { teamCost: number } }).kpis.teamCost;
}

const baseline = await teamCost({ type: 'base-stock', params: { level: levels[0] } }, 30, 0, 'all-base-stock');
const runs: { seed: number; teamCost: number; ratio: number; pass: boolean; seconds: number }[] = [];
for (let seed = 0; seed < seeds; seed++) {
  const t0 = performance.now();
  const cost = await teamCost(ppo, steps, seed, `ppo-retailer-${seed}`);
  runs.push({ seed, teamCost: cost, ratio: cost / baseline, pass: cost <= 1.1 * baseline, seconds: Math.round((performance.now() - t0) / 100) / 10 });
}
const result = { env, baseStockLevels: levels, allBaseStockTeamCost: baseline, retailer: ppo, steps, numEnvs: 16, runs, pass: runs.every((r) => r.pass) };
console.log(JSON.stringify(result, null, 2));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
process.exitCode = result.pass ? 0 : 1;
