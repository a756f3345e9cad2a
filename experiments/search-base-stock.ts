/**
 * Best base-stock levels for a beer-game experiment: reads the env params of a beer-game-v1 or -v2
 * experiment file, searches the levels by simulation with common random numbers (see
 * envs/beer-game/optimal-base-stock.ts), checks them against every ±1 neighbour on fresh demand
 * paths, and prints JSON with the levels, their cost and an agents: block to paste.
 *
 *   npm run search-base-stock -- experiments/beer-game-classic.yaml [--episodes 256] [--seed 0]
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BEER_V1, BEER_V2 } from '../envs/beer-game/beer-game.js';
import { isStochastic } from '../envs/beer-game/demand.js';
import { BaseStockEvaluator, neighbourhood, searchBaseStock } from '../envs/beer-game/optimal-base-stock.js';
import { STAGES, beerGameParamsSchema } from '../envs/beer-game/params.js';

const file = process.argv[2];
if (!file || file.startsWith('--')) throw new Error('usage: npm run search-base-stock -- <experiment.yaml> [--episodes N] [--seed S]');
const flag = (name: string): number | undefined => {
  const k = process.argv.indexOf(`--${name}`);
  return k < 0 ? undefined : Number(process.argv[k + 1]);
};
const exp = parse(readFileSync(file, 'utf8')) as { env?: { id?: string; params?: Record<string, unknown> } };
// The levels are read against the experiment's own world: v1's inventory position is initialPipeline too high.
const version = [BEER_V1, BEER_V2].find((v) => v.id === exp.env?.id);
if (!version) throw new Error(`${file}: env.id is ${String(exp.env?.id)}, expected beer-game-v1 or beer-game-v2`);
const raw = exp.env?.params ?? {};
const episodes = flag('episodes');
const seed = flag('seed') ?? 0;
const t0 = performance.now();
const found = searchBaseStock(raw, { seed, version, ...(episodes !== undefined ? { episodes } : {}) });
const params = beerGameParamsSchema().parse(raw);
const check = new BaseStockEvaluator(params, episodes ?? (isStochastic(params.demand) ? 256 : 1), seed + 1, version);
const held = check.cost(found.levels);
const worseNeighbours = neighbourhood().filter((d) => check.cost(found.levels.map((l, i) => Math.max(0, l + d[i]!))) >= held).length;
console.log(
  JSON.stringify(
    {
      experiment: file,
      levels: Object.fromEntries(STAGES.map((s, i) => [s, found.levels[i]])),
      teamCostPerEpisode: found.cost,
      evaluations: found.evaluations,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      freshPaths: { teamCostPerEpisode: held, neighboursNotBetter: `${worseNeighbours}/80` },
      agents: STAGES.map((s, i) => ({ id: s, policy: { type: 'base-stock', params: { level: found.levels[i] } } })),
    },
    null,
    1,
  ),
);
