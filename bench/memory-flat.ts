/**
 * Memory over long runs: steps warehouse-v1 (random players) and beer-game-v1 (base-stock players)
 * at 1024 copies for `--agentSteps` agent-steps each and samples the heap after a forced garbage
 * collection, and the resident set size, at ten checkpoints. A hot loop that allocates per step, or
 * a buffer that grows with the run, shows as heap growth; `heapRatio` (last checkpoint over the one
 * after warm-up) near 1 says memory stays flat. Prints JSON.
 *
 *   npm run bench:memory -- [--agentSteps 1e8] [--copies 1024]
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beerGame } from '../envs/beer-game/beer-game.js';
import { warehouse } from '../envs/warehouse/warehouse.js';
import { VecEngine } from '../src/core/engine.js';
import type { World } from '../src/core/world.js';
import { buildPolicies, type PolicyChoice } from './supply-harness.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0)) {
    process.stderr.write(`--${name} ${process.argv[i + 1]}: expected a positive number\n`);
    process.exit(2);
  }
  return v;
};
const agentSteps = arg('agentSteps', 1e8);
const copies = arg('copies', 1024);

// A forced collection before each sample, so the heap figure is what is live, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;

function measure(id: string, world: World, choose: Record<string, PolicyChoice>): Record<string, unknown> {
  const engine = new VecEngine(world, { numEnvs: copies, seed: 1 });
  const policies = buildPolicies(world, choose, copies, 1);
  const nA = world.agents.length;
  engine.reset();
  const steps = Math.ceil(agentSteps / (copies * nA));
  const chunk = Math.max(1, Math.floor(steps / 10));
  const samples: { agentSteps: number; heapMB: number; rssMB: number }[] = [];
  let events = 0;
  for (let done = 0; done < steps;) {
    const n = Math.min(chunk, steps - done);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < nA; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
      engine.step();
      events += engine.events.length; // consumed like a runner would, then dropped
    }
    done += n;
    gc();
    const m = process.memoryUsage();
    samples.push({ agentSteps: done * copies * nA, heapMB: mb(m.heapUsed), rssMB: mb(m.rss) });
  }
  const warm = samples[0]!;
  const last = samples[samples.length - 1]!;
  return {
    world: id,
    copies,
    agentSteps: last.agentSteps,
    events,
    heapMBAfterWarmUp: warm.heapMB,
    heapMBLast: last.heapMB,
    heapRatio: Math.round((last.heapMB / warm.heapMB) * 1000) / 1000,
    rssMBAfterWarmUp: warm.rssMB,
    rssMBLast: last.rssMB,
    rssRatio: Math.round((last.rssMB / warm.rssMB) * 1000) / 1000,
    heapMB: samples.map((s) => s.heapMB),
  };
}

const wh = warehouse.create(warehouse.paramsSchema.parse({}));
const beer = beerGame.create(beerGame.paramsSchema.parse({}));
const rows = [
  measure('warehouse-v1 (random players)', wh, Object.fromEntries(wh.agents.map((a) => [a.id, { type: 'random' }]))),
  measure('beer-game-v1 (base-stock players)', beer, Object.fromEntries(beer.agents.map((a) => [a.id, { type: 'base-stock', params: { level: 20 } }]))),
];
console.log(JSON.stringify({ bench: 'memory-flat', node: process.version, rows }, null, 1));
