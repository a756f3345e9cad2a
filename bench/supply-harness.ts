/**
 * A small scripted-run driver for the supply worlds, used by the supply benchmark, the scenario
 * script and the supply tests until the experiment runner drives them: build registered policies
 * for every agent, step a VecEngine, and average reward components, KPIs and event counts.
 */
import { policies as policyRegistry } from '../policies/index.js';
import { VecEngine } from '../src/core/engine.js';
import type { Policy } from '../src/core/policy.js';
import { Rng } from '../src/core/rng.js';
import type { World } from '../src/core/world.js';

/** A policy type and params for one agent. */
export interface PolicyChoice {
  readonly type: string;
  readonly params?: Record<string, unknown>;
}

/** Build one registered policy per agent (by agent id); throws with the policy's incompatibility reason. */
export function buildPolicies(world: World, choose: Readonly<Record<string, PolicyChoice>>, numEnvs: number, seed: number | string): Policy[] {
  const shared = new Map<string, unknown>();
  return world.agents.map((agent) => {
    const choice = choose[agent.id];
    if (!choice) throw new Error(`no policy given for agent ${agent.id}`);
    const spec = policyRegistry.get(choice.type);
    const params = spec.paramsSchema.parse(choice.params ?? {}) as Record<string, unknown>;
    const why = spec.incompatibility?.(world, agent, params);
    if (why) throw new Error(`policy ${choice.type} cannot control ${agent.id}: ${why}`);
    return spec.create(
      {
        world,
        agent,
        observationSpace: world.observationSpaces[agent.index]!,
        actionSpace: world.actionSpaces[agent.index]!,
        numEnvs,
        rng: Rng.from(seed, 'policy', agent.id),
        shared,
      },
      params,
    );
  });
}

/** Means per step (over steps and copies) of a scripted run. */
export interface RunSummary {
  readonly steps: number;
  readonly numEnvs: number;
  /** Per agent, per component: mean reward per step. */
  readonly rewards: Record<string, Record<string, number>>;
  /** Per agent: mean local reward per step (sum of components). */
  readonly localReward: Record<string, number>;
  /** Per KPI: mean per step. */
  readonly kpis: Record<string, number>;
  /** Event counts by type, per copy. */
  readonly events: Record<string, number>;
}

/** Step `policies` in `world` for `steps` engine steps over `numEnvs` copies and summarise. */
export function runPolicies(world: World, policies: readonly Policy[], opts: { numEnvs: number; steps: number; seed: number | string }): RunSummary {
  const engine = new VecEngine(world, { numEnvs: opts.numEnvs, seed: opts.seed });
  engine.reset();
  const nA = world.agents.length;
  const sums = world.rewardComponents.map((c) => new Float64Array(c.length));
  const kpiSums = new Float64Array(world.kpis.length);
  const events: Record<string, number> = {};
  for (let t = 0; t < opts.steps; t++) {
    for (let i = 0; i < nA; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
    engine.step();
    for (let i = 0; i < nA; i++) {
      const n = sums[i]!.length;
      const r = engine.rewards[i]!;
      for (let k = 0; k < r.length; k++) sums[i]![k % n]! += r[k]!;
    }
    for (let k = 0; k < engine.kpis.length; k++) kpiSums[k % kpiSums.length]! += engine.kpis[k]!;
    for (const e of engine.events) events[e.event.type] = (events[e.event.type] ?? 0) + 1;
  }
  const denom = opts.steps * opts.numEnvs;
  const rewards: Record<string, Record<string, number>> = {};
  const localReward: Record<string, number> = {};
  world.agents.forEach((a, i) => {
    rewards[a.id] = Object.fromEntries(world.rewardComponents[i]!.map((c, k) => [c, sums[i]![k]! / denom]));
    localReward[a.id] = sums[i]!.reduce((x, y) => x + y, 0) / denom;
  });
  const kpis = Object.fromEntries(world.kpis.map((k, j) => [k.name, kpiSums[j]! / denom]));
  for (const key of Object.keys(events)) events[key] = events[key]! / opts.numEnvs;
  return { steps: opts.steps, numEnvs: opts.numEnvs, rewards, localReward, kpis, events };
}
