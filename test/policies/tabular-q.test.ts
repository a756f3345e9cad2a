/** tabular-q on the Policy contract: learning, exploration schedule, ties, convergence, checkpoints. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import type { Policy, TransitionBatch } from '../../src/core/policy.js';
import type { World } from '../../src/core/world.js';
import { worlds } from '../../envs/index.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { tabularQPolicy, type TabularQPolicy } from '../../policies/tabular-q.js';
import { EXPLORATION_BLOCK, explorationFactors, explorationRate } from '../../src/learn/tabular-q-schedule.js';
import { runReferenceSession } from '../../envs/market/calvano/reference-session.js';

function makeWorld(id: string, params: Record<string, unknown> = {}): World {
  const spec = worlds.get(id);
  return spec.create(spec.paramsSchema.parse(params) as Record<string, unknown>);
}

function make(world: World, agent: number, params: Record<string, unknown>, seed = 1): TabularQPolicy {
  const a = world.agents[agent]!;
  return tabularQPolicy.create(
    {
      world,
      agent: a,
      observationSpace: world.observationSpaces[agent]!,
      actionSpace: world.actionSpaces[agent]!,
      numEnvs: 1,
      rng: Rng.from(seed, 'test', a.id),
      shared: new Map(),
    },
    tabularQPolicy.paramsSchema.parse(params),
  ) as TabularQPolicy;
}

function batch(obs: number[], action: number, reward: number, nextObs: number[]): TransitionBatch {
  const o = Float32Array.from(obs);
  const n = Float32Array.from(nextObs);
  return {
    obs: o,
    actions: Float64Array.of(action),
    rewards: Float64Array.of(reward),
    nextObs: n,
    finalObs: n,
    terminated: Uint8Array.of(0),
    truncated: Uint8Array.of(0),
    step: 1,
    agent: 0,
    allObs: [o],
    allNextObs: [n],
    allFinalObs: [n],
  };
}

function greedyAt(p: Policy, obs: number[]): number {
  const out = new Float64Array(1);
  p.act(Float32Array.from(obs), out, 'greedy');
  return out[0]!;
}

describe('tabular-q', () => {
  it('myopic learners in the repeated prisoner’s dilemma learn to defect (the one-shot equilibrium), across episode truncations', () => {
    const world = makeWorld('matrix-game-v1', { game: 'prisoners-dilemma', episodeLength: 50 });
    const learner = tabularQPolicy.paramsSchema.parse({ discount: 0, explorationDecay: 5e-4, convergenceWindow: 2000, qInit: 'zero' });
    const r = runReferenceSession({
      world,
      learners: [learner, learner],
      engineSeed: 4,
      agentRng: [Rng.from(4, 'a').state, Rng.from(4, 'b').state],
      maxPeriods: 100_000,
    });
    expect(r.converged).toBe(true);
    for (const p of r.policies) {
      const g = p.greedyActions();
      // At an episode's start (last actions 2, 2) and after mutual defection (1, 1): defect.
      expect(g[2 * 3 + 2]).toBe(1);
      expect(g[1 * 3 + 1]).toBe(1);
    }
  });

  it('explores with ε_t = exp(−βt): always at β = 0, and the blocked schedule agrees with Math.exp(−βt)', () => {
    const world = createMarketWorld({ priceGridSize: 7 });
    const p = make(world, 0, { explorationDecay: 0 });
    const obs = new Float32Array([0, 0]);
    const out = new Float64Array(1);
    const counts = new Array<number>(7).fill(0);
    for (let t = 0; t < 7000; t++) (p.act(obs, out, 'explore'), counts[out[0]!]!++);
    for (const c of counts) expect(c).toBeGreaterThan(800);
    for (const beta of [4e-6, 1e-3, 0.05]) {
      const f = explorationFactors(beta);
      for (const t of [0, 1, 1023, 1024, 1025, 123_457, 5_000_000]) {
        const exact = Math.exp(-beta * t);
        if (exact < 1e-17) continue;
        expect(Math.abs(explorationRate(beta, t, f) - exact)).toBeLessThanOrEqual(1e-14 * exact);
      }
      expect(explorationRate(beta, 0, f)).toBe(1);
    }
    expect(EXPLORATION_BLOCK & (EXPLORATION_BLOCK - 1)).toBe(0);
  });

  it('greedy mode draws no random numbers and plays the greedy action', () => {
    const world = createMarketWorld({ priceGridSize: 5 });
    const rng = Rng.from(9, 'g');
    const before = rng.snapshot();
    const p = tabularQPolicy.create(
      {
        world,
        agent: world.agents[0]!,
        observationSpace: world.observationSpaces[0]!,
        actionSpace: world.actionSpaces[0]!,
        numEnvs: 3,
        rng,
        shared: new Map(),
      },
      tabularQPolicy.paramsSchema.parse({}),
    ) as TabularQPolicy;
    const out = new Float64Array(3);
    p.act(new Float32Array([0, 0, 1, 2, 4, 4]), out, 'greedy');
    expect(Array.from(rng.state)).toEqual(Array.from(before));
    const g = p.greedyActions();
    expect(Array.from(out)).toEqual([g[0], g[1 * 5 + 2], g[4 * 5 + 4]]);
  });

  it('initialises Q to the discounted payoff against uniformly random rivals when the world offers it', () => {
    const world = createMarketWorld({ priceGridSize: 6 });
    const p = make(world, 1, { discount: 0.9 });
    const u = world.repeatedGame!.payoffVsUniformRivals(1);
    for (let s = 0; s < 36; s += 7) for (let a = 0; a < 6; a++) expect(p.q[s * 6 + a]).toBeCloseTo(u[a]! / 0.1, 12);
    let best = 0;
    for (let a = 1; a < 6; a++) if (u[a]! > u[best]!) best = a;
    expect(greedyAt(p, [3, 3])).toBe(best);
    expect(make(world, 1, { qInit: 'zero' }).q.every((v) => v === 0)).toBe(true);
  });

  it('applies the update rule, breaks ties towards the lowest action and rescans a row whose maximum fell', () => {
    const world = createMarketWorld({ priceGridSize: 4 });
    const p = make(world, 0, { qInit: 'zero', learningRate: 0.5, discount: 0.5 });
    expect(greedyAt(p, [1, 1])).toBe(0); // all tied at 0
    p.observe!(batch([1, 1], 2, 1, [0, 0])); // Q = 0 + 0.5·(1 + 0.5·0 − 0)
    expect(p.q[5 * 4 + 2]).toBe(0.5);
    expect(greedyAt(p, [1, 1])).toBe(2);
    p.observe!(batch([0, 0], 3, 2, [1, 1])); // target 2 + 0.5·max Q(s=5) = 2.25
    expect(p.q[0 * 4 + 3]).toBe(1.125);
    p.observe!(batch([1, 1], 2, -3, [0, 0])); // 0.5 + 0.5·(−3 + 0.5·1.125 − 0.5) < 0
    expect(p.q[5 * 4 + 2]).toBeLessThan(0);
    expect(greedyAt(p, [1, 1])).toBe(0); // back to the lowest of the tied zeros
  });

  it('reports convergence after convergenceWindow periods without a greedy change', () => {
    const world = createMarketWorld({ priceGridSize: 3 });
    const p = make(world, 0, { qInit: 'zero', convergenceWindow: 5 });
    p.observe!(batch([0, 0], 1, 1, [0, 0])); // change: greedy of state 0 becomes 1
    for (let k = 0; k < 4; k++) p.observe!(batch([0, 0], 1, 1, [0, 0]));
    expect(p.converged!()).toBe(false);
    p.observe!(batch([0, 0], 1, 1, [0, 0]));
    expect(p.converged!()).toBe(true);
    p.observe!(batch([2, 2], 2, 5, [0, 0])); // another state changes
    expect(p.converged!()).toBe(false);
  });

  it('is deterministic per seed, and a save/load round trip reproduces its greedy play', () => {
    const world = createMarketWorld({ priceGridSize: 5 });
    const learner = tabularQPolicy.paramsSchema.parse({ explorationDecay: 1e-3 });
    const run = (seed: number) =>
      runReferenceSession({
        world,
        learners: [learner, learner],
        engineSeed: seed,
        agentRng: [Rng.from(seed, 'x').state, Rng.from(seed, 'y').state],
        maxPeriods: 3000,
        trace: new Int32Array(3000),
      });
    const a = run(1);
    const b = run(1);
    const c = run(2);
    expect(Array.from(a.policies[0]!.q)).toEqual(Array.from(b.policies[0]!.q));
    expect(Array.from(a.policies[0]!.q)).not.toEqual(Array.from(c.policies[0]!.q));
    const saved = JSON.parse(JSON.stringify(a.policies[0]!.save!()));
    const fresh = make(world, 0, { explorationDecay: 1e-3 }, 99);
    fresh.load!(saved);
    expect(Array.from(fresh.greedyActions())).toEqual(Array.from(a.policies[0]!.greedyActions()));
    expect(fresh.stats!().periods).toBe(3000);
  });

  it('says why it cannot control an agent', () => {
    const box = makeWorld('coordination-v1');
    expect(tabularQPolicy.incompatibility!(box, box.agents[0]!, tabularQPolicy.paramsSchema.parse({}))).toMatch(
      /Discrete or MultiDiscrete observation space, but it is Box/,
    );
    const mg = makeWorld('matrix-game-v1');
    expect(tabularQPolicy.incompatibility!(mg, mg.agents[0]!, tabularQPolicy.paramsSchema.parse({ qInit: 'uniform-rivals' }))).toMatch(
      /qInit 'uniform-rivals' needs a world that declares its stage game's payoffs/,
    );
    expect(tabularQPolicy.incompatibility!(mg, mg.agents[0]!, tabularQPolicy.paramsSchema.parse({}))).toBeUndefined();
    const huge = createMarketWorld({ priceGridSize: 40, memory: 3 });
    expect(tabularQPolicy.incompatibility!(huge, huge.agents[0]!, tabularQPolicy.paramsSchema.parse({}))).toMatch(/Q table would have .* entries/);
    expect(tabularQPolicy.paramsSchema.safeParse({ discount: 1 }).success).toBe(false);
  });
});
