/**
 * TransitionBatch.acted: rows where the agent did not act (it finished earlier in its episode)
 * are not transitions, and every learner must leave them out. Each learner is fed one batch of two
 * copies where copy 1 did not act and carries a reward that would show if it were used.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tabularQPolicy } from '../../policies/tabular-q.js';
import type { Policy, PolicySpec, TransitionBatch } from '../../src/core/policy.js';
import { Rng } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';
import { decodeF32 } from '../../src/learn/serialize.js';
import { DQN, matrixWorld, PPO, setupBackend } from './helpers.js';

beforeAll(setupBackend);

function make(spec: PolicySpec, world: World, params: Record<string, unknown>): Policy {
  const agent = world.agents[0]!;
  return spec.create(
    {
      world,
      agent,
      observationSpace: world.observationSpaces[0]!,
      actionSpace: world.actionSpaces[0]!,
      numEnvs: 2,
      rng: Rng.from(1, 'acted', agent.id),
      shared: new Map(),
    },
    spec.paramsSchema.parse(params) as Record<string, unknown>,
  );
}

/** Two copies in the same state taking the same action; copy 1 did not act and "earned" 100. */
function batch(world: World, acted: Uint8Array | undefined): TransitionBatch {
  const size = world.observationSpaces[0]!.size;
  const obs = new Float32Array(2 * size);
  const all = world.agents.map(() => obs);
  return {
    obs,
    actions: new Float64Array([1, 1]),
    rewards: new Float64Array([1, 100]),
    nextObs: obs,
    finalObs: obs,
    terminated: new Uint8Array(2),
    truncated: new Uint8Array(2),
    ...(acted ? { acted } : {}),
    step: 1,
    agent: 0,
    allObs: all,
    allNextObs: all,
    allFinalObs: all,
  };
}

describe('learners skip rows where the agent did not act', () => {
  it('tabular-q leaves the Q value untouched by the row that did not act', () => {
    const world = matrixWorld('prisoners-dilemma');
    const params = { learningRate: 0.5, discount: 0, qInit: 'zero' };
    const masked = make(tabularQPolicy, world, params);
    masked.observe!(batch(world, Uint8Array.of(1, 0)));
    const unmasked = make(tabularQPolicy, world, params);
    unmasked.observe!(batch(world, undefined));
    const maxOf = (p: Policy): number => Math.max(...(p.save!() as { q: number[] }).q);
    expect(maxOf(masked)).toBe(0.5); // 0.5 × reward 1, the acting row alone
    expect(maxOf(unmasked)).toBe(0.5 + 0.5 * (100 - 0.5)); // both rows, as before
  });

  it('DQN stores only the rows that acted in its replay buffer', () => {
    const world = matrixWorld('prisoners-dilemma');
    const p = make(DQN, world, { learningStarts: 1000 });
    p.observe!(batch(world, Uint8Array.of(1, 0)));
    expect(p.stats!().bufferSize).toBe(1);
    p.observe!(batch(world, undefined));
    expect(p.stats!().bufferSize).toBe(3);
  });

  it('PPO keeps the row in its rollout but masks it out and ends its advantage chain', () => {
    const world = matrixWorld('prisoners-dilemma');
    const p = make(PPO, world, { rolloutLength: 4 });
    p.observe!(batch(world, Uint8Array.of(1, 0)));
    const storage = (p.save!() as { group: { storage: { mask: unknown; dones: unknown } } }).group.storage;
    const mask = decodeF32(storage.mask as Parameters<typeof decodeF32>[0]);
    const dones = decodeF32(storage.dones as Parameters<typeof decodeF32>[0]);
    expect(Array.from(mask.subarray(0, 2))).toEqual([1, 0]);
    expect(Array.from(dones.subarray(0, 2))).toEqual([0, 1]);
    // An update over a rollout where some rows did not act runs (minibatches from acting rows only).
    for (let t = 1; t < 4; t++) p.observe!(batch(world, Uint8Array.of(1, 0)));
    expect((p.stats!() as { updates: number }).updates).toBe(1);
  });
});
