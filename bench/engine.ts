/**
 * Engine throughput on the sanity worlds under random policies: agent-steps per second for one
 * copy and for many copies stepped together. Prints JSON rows.
 */
import { worlds } from '../envs/index.js';
import { VecEngine } from '../src/core/engine.js';
import { policies } from '../policies/index.js';
import { policyContext } from '../src/core/policy.js';
import { Rng } from '../src/core/rng.js';
import { Rollout } from '../src/core/rollout.js';
import type { WorldSpec } from '../src/core/world.js';
import { isMainScript } from './main-guard.js';

/** One measurement. */
export interface BenchRow {
  bench: string;
  world: string;
  policy: string;
  numEnvs: number;
  agentStepsPerSec: number;
  seconds: number;
}

/** Step `spec` with `policyType` on `numEnvs` copies for about `seconds`; returns agent-steps/s. */
export function benchWorld(spec: WorldSpec, policyType: string, numEnvs: number, seconds = 1, params: Record<string, unknown> = {}): BenchRow {
  const world = spec.create(spec.paramsSchema.parse(params) as Record<string, unknown>);
  const engine = new VecEngine(world, { numEnvs, seed: 1 });
  const pspec = policies.get(policyType);
  const pols = world.agents.map((a) =>
    pspec.create(policyContext(world, a, numEnvs, Rng.from(1, a.id)), pspec.paramsSchema.parse({}) as Record<string, unknown>),
  );
  engine.reset();
  const nA = world.agents.length;
  // The runner's own act → step loop (src/core/rollout.ts), so this measures what runs use.
  const rollout = new Rollout(engine, pols, { modes: 'explore' });
  const loop = (steps: number): void => {
    rollout.run(steps);
  };
  loop(Math.max(10, Math.floor(20_000 / numEnvs))); // warm up the JIT
  let steps = Math.max(10, Math.floor(100_000 / numEnvs));
  let elapsed = 0;
  let total = 0;
  while (elapsed < seconds) {
    const t0 = process.hrtime.bigint();
    loop(steps);
    elapsed += Number(process.hrtime.bigint() - t0) / 1e9;
    total += steps;
    steps *= 2;
  }
  return {
    bench: 'engine',
    world: spec.id,
    policy: policyType,
    numEnvs,
    agentStepsPerSec: Math.round((total * numEnvs * nA) / elapsed),
    seconds: Number(elapsed.toFixed(2)),
  };
}

/** All engine rows. */
export function engineBench(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const id of ['matrix-game-v1', 'coordination-v1']) for (const n of [1, 256]) rows.push(benchWorld(worlds.get(id), 'random', n));
  return rows;
}

if (isMainScript('engine')) console.log(JSON.stringify(engineBench(), null, 2));
