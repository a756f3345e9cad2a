/**
 * tacit's side of one world row of `npm run bench:vs-peers` (bench/vs-peers/worlds.ts): warm up,
 * time one run of the row's loop in CPU seconds of this process, print one JSON line.
 *
 *   node bin/run.mjs bench/vs-peers/world-run.ts <row> [--calvano-game FILE]
 *
 * Rows: beer-random, beer-base-stock (1024 copies at the numpy peer's rules), calvano (a fresh
 * 1 M-period session; with --calvano-game it first writes the game file its Python peer reads),
 * warehouse-none, warehouse-random, warehouse-heuristics (1024 copies).
 */
import { beerGameV2 } from '../../envs/beer-game/beer-game-v2.js';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import { VecEngine } from '../../src/core/engine.js';
import type { Policy } from '../../src/core/policy.js';
import type { World } from '../../src/core/world.js';
import { buildPolicies, type PolicyChoice } from '../supply-harness.js';
import { PEER_BASE_STOCK_LEVEL, PEER_BEER } from './beer-rules.js';
import { calvanoSetup } from './calvano.js';

export const COPIES = 1024;
export const CALVANO_PERIODS = 1_000_000;
export const WORLD_ROWS = ['beer-random', 'beer-base-stock', 'calvano', 'warehouse-none', 'warehouse-random', 'warehouse-heuristics'] as const;

/** CPU seconds of `run` in this process. */
function cpuSeconds(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** A VecEngine with scripted players (or fixed actions), stepped `steps` at a time. */
function engineCase(world: World, choose: Record<string, PolicyChoice> | null): (steps: number) => void {
  const engine = new VecEngine(world, { numEnvs: COPIES, seed: 1 });
  const policies: Policy[] | null = choose ? buildPolicies(world, choose, COPIES, 1) : null;
  const nA = world.agents.length;
  if (!policies) for (let i = 0; i < nA; i++) engine.actions[i]!.fill(1);
  engine.reset();
  return (steps) => {
    for (let t = 0; t < steps; t++) {
      if (policies) for (let i = 0; i < nA; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
      engine.step();
    }
  };
}

const all = (world: World, choice: PolicyChoice): Record<string, PolicyChoice> => Object.fromEntries(world.agents.map((a) => [a.id, choice]));

/** M agent-steps per CPU second of `steps` engine steps after `warm` warm-up steps. */
function agentStepRate(world: World, choose: Record<string, PolicyChoice> | null, warm: number, steps: number): number {
  const run = engineCase(world, choose);
  run(warm);
  return (steps * COPIES * world.agents.length) / cpuSeconds(() => run(steps)) / 1e6;
}

function measure(row: (typeof WORLD_ROWS)[number], calvanoGame: string | undefined): Record<string, number | string> {
  if (row === 'beer-random' || row === 'beer-base-stock') {
    // beer-game-v2 observes the peer's supply line exactly, so the peer's own level orders the same
    // (the same game and trajectory as beer-game-v1 at level 28, the rows before 2026-12-06 ran).
    const beer = beerGameV2.create(beerGameV2.paramsSchema.parse(PEER_BEER));
    const choice: PolicyChoice = row === 'beer-random' ? { type: 'random' } : { type: 'base-stock', params: { level: PEER_BASE_STOCK_LEVEL } };
    // Warm-up 2000 steps (20 episodes, so the autoreset path is optimised too): after 300, the first
    // 1000-step window still ran 10-15% below the next ones (JIT tier-up; measured 2026-12-05).
    return { row, mAgentStepsPerCpuSecond: agentStepRate(beer, all(beer, choice), 2000, 1000) };
  }
  if (row === 'calvano') {
    const c = calvanoSetup();
    if (calvanoGame) c.writeGame(calvanoGame);
    c.run(99, CALVANO_PERIODS); // warm-up session
    return { row, mPeriodsPerCpuSecond: CALVANO_PERIODS / cpuSeconds(() => c.run(1, CALVANO_PERIODS)) / 1e6 };
  }
  const wh = warehouse.create(warehouse.paramsSchema.parse({}));
  const choose =
    row === 'warehouse-none'
      ? null
      : row === 'warehouse-random'
        ? all(wh, { type: 'random' })
        : {
            procurement: { type: 'base-stock' },
            inventory: { type: 'base-stock', params: { level: 200 } },
            logistics: { type: 'standard-shipping' },
            finance: { type: 'fixed-budget' },
          };
  return { row, mAgentStepsPerCpuSecond: agentStepRate(wh, choose, 100, 500) };
}

const row = process.argv[2] as (typeof WORLD_ROWS)[number] | undefined;
if (row !== undefined && process.argv[1]?.includes('world-run')) {
  if (!WORLD_ROWS.includes(row)) {
    process.stderr.write(`world-run: row ${JSON.stringify(row)} unknown; rows are ${WORLD_ROWS.join(', ')}\n`);
    process.exit(2);
  }
  const at = process.argv.indexOf('--calvano-game');
  console.log(JSON.stringify(measure(row, at >= 0 ? process.argv[at + 1] : undefined)));
}
