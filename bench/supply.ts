/**
 * Supply-world throughput: agent-steps per second (engine steps × copies × agents / s) for
 * beer-game-v1 and warehouse-v1, with random and heuristic policies, for one copy and for many
 * copies stepped at once through VecEngine, plus the world alone (fixed actions, no policy). Each
 * figure is the best of `--repeats` timed runs after a warm-up, single-threaded, per wall-clock
 * second and per CPU second of this process (the latter stays meaningful on a loaded machine).
 * Prints JSON.
 *
 *   npm run bench:supply -- [--many 1024] [--agentSteps 8e6] [--repeats 3] [--world beer-game-v1]
 */
import { beerGame } from '../envs/beer-game/beer-game.js';
import { warehouse } from '../envs/warehouse/warehouse.js';
import { VecEngine } from '../src/core/engine.js';
import { nextUint32 } from '../src/core/rng.js';
import type { Policy } from '../src/core/policy.js';
import type { World } from '../src/core/world.js';
import { buildPolicies, type PolicyChoice } from './supply-harness.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const many = arg('many', 1024);
const agentSteps = arg('agentSteps', 8e6);
const repeats = arg('repeats', 3);
const only = process.argv.includes('--world') ? process.argv[process.argv.indexOf('--world') + 1] : undefined;

const beerHeuristic: Record<string, PolicyChoice> = {
  retailer: { type: 'base-stock', params: { level: 20 } },
  wholesaler: { type: 'base-stock', params: { level: 20 } },
  distributor: { type: 'base-stock', params: { level: 20 } },
  factory: { type: 'base-stock', params: { level: 16 } },
};
const warehouseHeuristic: Record<string, PolicyChoice> = {
  procurement: { type: 'base-stock' },
  inventory: { type: 'base-stock', params: { level: 200 } },
  logistics: { type: 'standard-shipping' },
  finance: { type: 'fixed-budget' },
};
const allRandom = (world: World): Record<string, PolicyChoice> => Object.fromEntries(world.agents.map((a) => [a.id, { type: 'random' }]));

/** Throughput per wall-clock second and per CPU second of this process (robust to other load on the machine). */
function measure(world: World, choose: Record<string, PolicyChoice> | null, numEnvs: number): { wall: number; cpu: number; batched: boolean } {
  const engine = new VecEngine(world, { numEnvs, seed: 1 });
  const policies: Policy[] | null = choose ? buildPolicies(world, choose, numEnvs, 1) : null;
  const nA = world.agents.length;
  if (!policies) for (let i = 0; i < nA; i++) engine.actions[i]!.fill(1);
  engine.reset();
  const steps = Math.max(50, Math.ceil(agentSteps / (numEnvs * nA)));
  const run = (n: number): void => {
    for (let t = 0; t < n; t++) {
      if (policies) for (let i = 0; i < nA; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
      engine.step();
    }
  };
  run(Math.ceil(steps / 4));
  let wall = 0;
  let cpu = 0;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run(steps);
    const sec = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const cpuSec = (c.user + c.system) / 1e6;
    wall = Math.max(wall, (steps * numEnvs * nA) / sec);
    cpu = Math.max(cpu, (steps * numEnvs * nA) / cpuSec);
  }
  return { wall, cpu, batched: engine.batchedSteps > 0 };
}

/**
 * sfc32 draws per CPU-second on a fixed loop: a yardstick for how fast this machine runs right now
 * (on a loaded or SMT-shared core it drops, and so does everything else).
 */
function calibration(): number {
  const s = new Uint32Array([1, 2, 3, 4]);
  let acc = 0;
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    for (let k = 0; k < 5e7; k++) acc ^= nextUint32(s);
    const c = process.cpuUsage(c0);
    best = Math.max(best, 5e7 / ((c.user + c.system) / 1e6));
  }
  return acc === 0.5 ? 0 : Math.round(best / 1e6);
}

const worlds: [string, World][] = [
  ['beer-game-v1', beerGame.create(beerGame.paramsSchema.parse({}))],
  ['warehouse-v1', warehouse.create(warehouse.paramsSchema.parse({}))],
];
const rows: Record<string, unknown>[] = [];
for (const [id, world] of worlds) {
  if (only !== undefined && id !== only) continue;
  const heuristic = id === 'beer-game-v1' ? beerHeuristic : warehouseHeuristic;
  for (const [policy, choose] of [['none', null], ['random', allRandom(world)], ['heuristic', heuristic]] as const) {
    for (const copies of [1, many]) {
      const r = measure(world, choose, copies);
      const m = (v: number): number => Math.round(v / 1e4) / 100;
      rows.push({ world: id, policy, copies, mAgentStepsPerWallSec: m(r.wall), mAgentStepsPerCpuSec: m(r.cpu), batched: r.batched });
    }
  }
}
console.log(JSON.stringify({ bench: 'supply', node: process.version, many, calibrationMDrawsPerCpuSec: calibration(), rows }, null, 1));
