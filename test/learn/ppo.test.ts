/**
 * PPO: learns the sanity worlds (IPPO, MAPPO with a central critic and shared parameters, a
 * Gaussian policy), is deterministic, keeps the tensor count flat, resumes exactly from a
 * checkpoint, and stops with a DivergenceError on NaN.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/core/policy.js';
import { Rng } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';
import { DivergenceError } from '../../src/learn/divergence.js';
import { decodeF32 } from '../../src/learn/serialize.js';
import { createSession, evaluate, runSteps, type Session } from '../../src/learn/train-loop.js';
import { coordinationWorld, fingerprint, matrixWorld, PPO, setupBackend, trackWorld } from './helpers.js';

beforeAll(setupBackend);

/** Small, fast settings: 8 copies × 32 steps per rollout, 2 minibatches of 128. */
const FAST = { rolloutLength: 32, learningRate: 0.003, numMinibatches: 2, hidden: [32, 32] };

function train(world: World, params: Record<string, unknown>, steps: number, seed = 1): Session {
  const s = createSession(world, 8, seed, () => ({ spec: PPO, params }));
  runSteps(s, steps);
  return s;
}

describe('ppo learns the sanity worlds', () => {
  // coordination-v1, 10 steps: both must pick the shown target; best 10, uniform play ≈ 0.6.
  it('IPPO coordinates both agents on coordination-v1 (greedy return ≥ 9 of 10 within 400 steps)', () => {
    const world = coordinationWorld();
    const s = train(world, FAST, 400);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  it('MAPPO (central critic, shared parameters) coordinates on coordination-v1 (≥ 9 of 10 within 400 steps)', () => {
    const world = coordinationWorld();
    const s = train(world, { ...FAST, critic: 'central', shareParameters: true }, 400);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  // Myopic learners in the prisoner's dilemma must find the dominant strategy: both defect, payoff 1 per step.
  it("IPPO with γ = 0 plays mutual defection in matrix-game-v1's prisoner's dilemma (return 10 each)", () => {
    const world = matrixWorld('prisoners-dilemma');
    const s = train(world, { ...FAST, gamma: 0 }, 300);
    expect(evaluate(world, s.policies, 8, 99, 2)).toEqual([10, 10]);
  });

  it('a Gaussian policy tracks a continuous target (greedy return ≥ −1.5; uniform play ≈ −10.8)', () => {
    const world = trackWorld();
    const s = train(world, { ...FAST, learningRate: 0.01, gamma: 0.5 }, 600);
    expect(evaluate(world, s.policies, 8, 99, 2)[0]).toBeGreaterThanOrEqual(-1.5);
  });
});

/** Run a session and record every action written. */
function actionTrace(seed: number, params: Record<string, unknown>, steps: number): { actions: number[]; fp: string } {
  const s = createSession(coordinationWorld(), 4, seed, () => ({ spec: PPO, params }));
  const actions: number[] = [];
  for (let k = 0; k < steps; k++) {
    runSteps(s, 1);
    for (const a of s.engine.actions) actions.push(...a);
  }
  const fp = fingerprint(s.policies);
  for (const p of s.policies) p.dispose!();
  return { actions, fp };
}

describe('ppo determinism and resources', () => {
  const params = { ...FAST, rolloutLength: 8, critic: 'central' };
  it('the same seed gives identical actions and identical weights; another seed does not', () => {
    const a = actionTrace(5, params, 40);
    const b = actionTrace(5, params, 40);
    expect(b.actions).toEqual(a.actions);
    expect(b.fp).toBe(a.fp);
    const c = actionTrace(6, params, 40);
    expect(c.actions).not.toEqual(a.actions);
    expect(c.fp).not.toBe(a.fp);
  });

  it('keeps the tfjs tensor count flat across act/observe/update calls and frees it on dispose', () => {
    const before = tf.memory().numTensors;
    const s = createSession(matrixWorld('stag-hunt'), 4, 1, () => ({ spec: PPO, params: { ...params, shareParameters: true } }));
    runSteps(s, 8); // first update
    const after = tf.memory().numTensors;
    runSteps(s, 8 * 6 + 3); // six more updates and a partial rollout
    expect(tf.memory().numTensors).toBe(after);
    for (const p of s.policies) p.dispose!();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ppo checkpoints', () => {
  it('save/load restores weights, optimizer, normalisers, streams and the partial rollout: training continues identically', () => {
    const world = trackWorld(); // box actions exercise the raw-sample path
    const params = { ...FAST, rolloutLength: 8 };
    const a = createSession(world, 4, 1, () => ({ spec: PPO, params }));
    runSteps(a, 8 * 3 + 5); // mid-rollout
    const checkpoint = JSON.parse(JSON.stringify(a.policies.map((p) => p.save!())));
    const b = createSession(world, 4, 77, () => ({ spec: PPO, params })); // other seed: load must override everything
    b.policies.forEach((p, i) => p.load!(checkpoint[i]));
    expect(fingerprint(b.policies)).toBe(fingerprint(a.policies));
    // Drive both learners with a's engine for two more updates; actions must match at every step.
    const engine = a.engine;
    const mine = new Float64Array(engine.actions[0]!.length);
    for (let k = 0; k < 16; k++) {
      b.policies[0]!.act(engine.obs[0]!, mine, 'explore');
      a.policies[0]!.act(engine.obs[0]!, engine.actions[0]!, 'explore');
      expect(Array.from(mine)).toEqual(Array.from(engine.actions[0]!));
      engine.step();
      const r = Float64Array.from(engine.rewards[0]!);
      const batch = {
        obs: engine.prevObs[0]!,
        actions: engine.actions[0]!,
        rewards: r,
        nextObs: engine.obs[0]!,
        finalObs: engine.finalObs[0]!,
        terminated: engine.terminated[0]!,
        truncated: engine.truncated[0]!,
        step: 100 + k,
        agent: 0,
        allObs: engine.prevObs,
        allNextObs: engine.obs,
        allFinalObs: engine.finalObs,
      };
      a.policies[0]!.observe!(batch);
      b.policies[0]!.observe!(batch);
    }
    expect(fingerprint(b.policies)).toBe(fingerprint(a.policies));
    expect(b.policies[0]!.stats!().updates).toBe(5);
  });

  it('greedy actions of a loaded policy equal the original on the same observations', () => {
    const world = coordinationWorld();
    const a = train(world, { ...FAST, critic: 'central', shareParameters: true }, 40);
    const b = createSession(world, 8, 3, () => ({ spec: PPO, params: { ...FAST, critic: 'central', shareParameters: true } }));
    b.policies.forEach((p, i) => p.load!(a.policies[i]!.save!()));
    const obs = new Float32Array(8 * 3);
    const rng = Rng.from(1);
    for (let r = 0; r < 8; r++) obs[r * 3 + rng.int(3)] = 1;
    const out = (p: Policy): number[] => {
      const act = new Float64Array(8);
      p.act(obs, act, 'greedy');
      return Array.from(act);
    };
    for (let i = 0; i < 2; i++) expect(out(b.policies[i]!)).toEqual(out(a.policies[i]!));
  });

  it('rejects a checkpoint of another kind, naming the agent', () => {
    const s = createSession(coordinationWorld(), 2, 1, () => ({ spec: PPO, params: FAST }));
    expect(() => s.policies[0]!.load!({ format: 'tacit-dqn/1' })).toThrow(/checkpoint for agent 'left' is not a PPO checkpoint/);
  });
});

describe('ppo divergence guard and params', () => {
  it('a NaN reward stops training with a DivergenceError naming the agent and step', () => {
    const base = coordinationWorld();
    const world: World = {
      ...base,
      step(s, actions, next, out) {
        base.step(s, actions, next, out);
        if ((next as { t: Int32Array }).t[0] === 3) out.rewards[1]![0] = NaN;
      },
    };
    const s = createSession(world, 2, 1, () => ({ spec: PPO, params: FAST }));
    let err: unknown;
    try {
      runSteps(s, 10);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).agent).toBe('right');
    expect((err as DivergenceError).step).toBe(3);
    expect((err as Error).message).toMatch(/training diverged for agent 'right' at step 3: reward \(copy 0\) is NaN/);
  });

  it('an absurd learning rate is caught in the loss before a NaN reaches the weights', () => {
    const s = createSession(coordinationWorld(), 4, 1, () => ({
      spec: PPO,
      params: { ...FAST, rolloutLength: 8, learningRate: 1e30, maxGradNorm: 0, normalizeRewards: false },
    }));
    let err: unknown;
    try {
      runSteps(s, 80);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DivergenceError);
    expect((err as DivergenceError).quantity).toMatch(/^(loss\/|entropy|approxKl|gradNorm)/);
    const weights = (s.policies[0]!.save!() as { group: { actor: { f32: string; length: number }[] } }).group.actor;
    // Decode with the checkpoint decoder: a Buffer's `.buffer` is Node's shared pool, not just these bytes.
    for (const w of weights) for (const x of decodeF32(w)) expect(Number.isNaN(x)).toBe(false);
  });

  it('rejects unknown params and mismatched params within a sharing role', () => {
    expect(() => PPO.paramsSchema.parse({ learningrate: 1 })).toThrow(/learningrate/);
    const world = coordinationWorld();
    expect(() => createSession(world, 1, 1, (a) => ({ spec: PPO, params: { shareParameters: true, learningRate: a.index === 0 ? 0.1 : 0.2 } }))).toThrow(
      /agent 'right' shares PPO parameters with role 'coordinator' but its policy params differ from left's/,
    );
  });
});
