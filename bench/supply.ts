/**
 * Supply-world throughput: agent-steps per second (engine steps × copies × agents / s) for
 * beer-game-v1 and warehouse-v1, with random and heuristic policies, for one copy and for many
 * copies stepped at once through VecEngine, plus the world alone (fixed actions, no policy).
 * Single-threaded, after a warm-up, `--repeats` timed runs of about `--agentSteps` each:
 *  - `mAgentStepsPerSec`: the best run (wall clock), the speed of the code when nothing else
 *    interferes. The speed targets are read off this figure.
 *  - `medianMAgentStepsPerSec`: the median run, which shows how much the machine interfered.
 *  - `mAgentStepsPerCpuSec`: all runs' agent-steps over their total CPU time.
 * Why the best of many short runs: these shared 2-core machines run the same code at anywhere
 * between half and full speed from one second to the next (the sfc32 calibration loop, 5e7 draws,
 * has ranged over 221–456 M draws/s within minutes), so a few long runs measure the neighbours.
 * Prints JSON.
 *
 *   npm run bench:supply -- [--many 1024] [--agentSteps 1e6] [--repeats 20] [--world beer-game-v1]
 */
import { execFileSync } from 'node:child_process';
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
const agentSteps = arg('agentSteps', 1e6);
const repeats = arg('repeats', 20);
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

/** One benchmark case: an engine with its policies, stepped `steps` at a time. */
interface Case {
  readonly world: string;
  readonly policy: string;
  readonly copies: number;
  readonly agentSteps: number;
  readonly run: (n: number) => void;
  readonly steps: number;
  readonly engine: VecEngine;
  readonly rates: number[];
  cpuSec: number;
}

function makeCase(id: string, world: World, policy: string, choose: Record<string, PolicyChoice> | null, numEnvs: number): Case {
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
  return { world: id, policy, copies: numEnvs, agentSteps: steps * numEnvs * nA, run, steps, engine, rates: [], cpuSec: 0 };
}

/**
 * Time every case `repeats` times, round-robin: one run of each case per round, so a slow spell of
 * the machine (they last seconds here) costs every case a few samples instead of one case all.
 */
function timeRoundRobin(cases: readonly Case[]): void {
  for (const c of cases) c.run(c.steps * 2);
  for (let r = 0; r < repeats; r++) {
    for (const c of cases) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      c.run(c.steps);
      const sec = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(c0);
      c.cpuSec += (used.user + used.system) / 1e6;
      c.rates.push(c.agentSteps / sec);
    }
  }
}

/**
 * M sfc32 draws per second on a fixed loop (best and median of 20 runs of 1e7): a yardstick for how
 * fast this machine runs right now (on a loaded or SMT-shared core it drops, and so does everything
 * else); a median far below the best says the figures below were taken under interference.
 */
function calibration(): { best: number; median: number } {
  const s = new Uint32Array([1, 2, 3, 4]);
  let acc = 0;
  const rates: number[] = [];
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    for (let k = 0; k < 1e7; k++) acc ^= nextUint32(s);
    rates.push(1e7 / ((performance.now() - t0) / 1000));
  }
  rates.sort((a, b) => a - b);
  if (acc === 0.5) throw new Error('unreachable: keeps the loop from being optimised away');
  return { best: Math.round(rates[19]! / 1e6), median: Math.round(rates[10]! / 1e6) };
}

const worlds: [string, World][] = [
  ['beer-game-v1', beerGame.create(beerGame.paramsSchema.parse({}))],
  ['warehouse-v1', warehouse.create(warehouse.paramsSchema.parse({}))],
];
/** Rows of one world, measured in this process. */
function benchWorld(id: string, world: World): Record<string, unknown>[] {
  const heuristic = id === 'beer-game-v1' ? beerHeuristic : warehouseHeuristic;
  const cases: Case[] = [];
  for (const [policy, choose] of [
    ['none', null],
    ['random', allRandom(world)],
    ['heuristic', heuristic],
  ] as const)
    for (const copies of [1, many]) cases.push(makeCase(id, world, policy, choose, copies));
  timeRoundRobin(cases);
  const m = (v: number): number => Math.round(v / 1e4) / 100;
  return cases.map((c) => {
    const sorted = [...c.rates].sort((a, b) => a - b);
    return {
      world: c.world,
      policy: c.policy,
      copies: c.copies,
      mAgentStepsPerSec: m(sorted[sorted.length - 1]!),
      medianMAgentStepsPerSec: m(sorted[Math.floor(sorted.length / 2)]!),
      mAgentStepsPerCpuSec: m((repeats * c.agentSteps) / c.cpuSec),
      batched: c.engine.batchedSteps > 0,
    };
  });
}

let rows: Record<string, unknown>[];
if (only !== undefined) {
  const entry = worlds.find(([id]) => id === only);
  if (!entry) throw new Error(`--world ${only}: not benchmarked here; use one of ${worlds.map(([id]) => id).join(', ')}`);
  rows = benchWorld(entry[0], entry[1]);
} else {
  // Each world in its own process: sharing one would let the JIT tune the shared loops to one
  // world and then deoptimise them for the other.
  const passOn = process.argv.slice(2);
  rows = worlds.flatMap(([id]) => {
    const out = execFileSync(process.execPath, [process.argv[1]!, ...passOn, '--world', id], { encoding: 'utf8', maxBuffer: 16 << 20 });
    return (JSON.parse(out.slice(out.indexOf('{'))) as { rows: Record<string, unknown>[] }).rows;
  });
}
console.log(JSON.stringify({ bench: 'supply', node: process.version, many, calibrationMDrawsPerSec: calibration(), rows }, null, 1));
