/**
 * DQN: learns the sanity worlds (alone and with a shared Q-network), is deterministic, keeps the
 * tensor count flat, resumes exactly from a checkpoint (replay buffer included), stops on NaN,
 * and refuses continuous action spaces with a reason.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { annealedRate, dqnPolicy, explorationRate } from '../../policies/dqn.js';
import { multiDiscrete } from '../../src/core/spaces.js';
import type { World } from '../../src/core/world.js';
import { DivergenceError } from '../../src/learn/divergence.js';
import { createSession, evaluate, runSteps } from '../../src/learn/train-loop.js';
import { coordinationWorld, DQN, fingerprint, matrixWorld, setupBackend, trackWorld } from './helpers.js';

beforeAll(setupBackend);

const FAST = {
  learningStarts: 200,
  trainFrequency: 1,
  learningRate: 0.002,
  epsilonDecaySteps: 300,
  targetUpdateFrequency: 50,
  batchSize: 64,
  hidden: [32, 32],
};

describe('dqn learns the sanity worlds', () => {
  it('coordinates both agents on coordination-v1 (greedy return ≥ 9 of 10 within 500 steps)', () => {
    const world = coordinationWorld();
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: FAST }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  it('with a shared Q-network and replay, coordinates on coordination-v1 (≥ 9 of 10 within 500 steps)', () => {
    const world = coordinationWorld();
    const s = createSession(world, 8, 2, () => ({ spec: DQN, params: { ...FAST, shareParameters: true } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  it("with γ = 0 plays mutual defection in matrix-game-v1's prisoner's dilemma (return 10 each)", () => {
    const world = matrixWorld('prisoners-dilemma');
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...FAST, gamma: 0, epsilonDecaySteps: 200 } }));
    runSteps(s, 300);
    expect(evaluate(world, s.policies, 8, 99, 2)).toEqual([10, 10]);
  });
});

describe('dqn determinism, resources, checkpoints', () => {
  const params = { ...FAST, learningStarts: 16, targetUpdateFrequency: 5 };

  function trace(seed: number): { actions: number[]; fp: string } {
    const s = createSession(coordinationWorld(), 4, seed, () => ({ spec: DQN, params }));
    const actions: number[] = [];
    for (let k = 0; k < 30; k++) {
      runSteps(s, 1);
      for (const a of s.engine.actions) actions.push(...a);
    }
    const fp = fingerprint(s.policies);
    for (const p of s.policies) p.dispose!();
    return { actions, fp };
  }

  it('the same seed gives identical actions and weights; another seed does not', () => {
    const a = trace(3);
    expect(trace(3)).toEqual(a);
    expect(trace(4).actions).not.toEqual(a.actions);
  });

  it('annealSteps decays the learning rate linearly to 0, after which training leaves the weights unchanged', () => {
    const s = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: { ...params, annealSteps: 40 } }));
    runSteps(s, 20);
    // Observed at step 20 of 40: half the rate.
    expect(s.policies[0]!.stats!()['learningRate']).toBeCloseTo(FAST.learningRate * (1 - 20 / 40), 10);
    runSteps(s, 20);
    expect(s.policies[0]!.stats!()['learningRate']).toBe(0);
    // The Q-network's weights (replay, optimizer moments and streams still move).
    const weights = (): string => JSON.stringify(s.policies.map((p) => (p.save!() as { group: { q: unknown } }).group.q));
    const frozen = weights();
    runSteps(s, 20);
    expect(weights()).toBe(frozen);
    for (const p of s.policies) p.dispose!();
  });

  it('annealStart holds the learning rate constant until that step, then decays it linearly to 0 at annealSteps', () => {
    const rate = (extra: object, steps: number): number => {
      const s = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: { ...params, annealSteps: 40, ...extra } }));
      runSteps(s, steps);
      const lr = s.policies[0]!.stats!()['learningRate']!;
      for (const p of s.policies) p.dispose!();
      return lr;
    };
    expect(rate({ annealStart: 30 }, 20)).toBe(FAST.learningRate);
    expect(rate({ annealStart: 30 }, 35)).toBeCloseTo(FAST.learningRate * 0.5, 10);
    expect(rate({ annealStart: 30 }, 45)).toBe(0);
    // Unset: the decay spans all of annealSteps, by the original expression.
    const cfg = dqnPolicy.paramsSchema.parse({ learningRate: 0.001, annealSteps: 200000 });
    for (const t of [0, 1, 777, 123457, 199999, 250000]) expect(annealedRate(cfg, t)).toBe(0.001 * Math.max(0, 1 - t / 200000));
    const coord = coordinationWorld();
    expect(dqnPolicy.incompatibility!(coord, coord.agents[0]!, dqnPolicy.paramsSchema.parse({ annealStart: 50 }))).toMatch(
      /annealStart \(50\) .* needs annealSteps set and larger \(got unset\)/,
    );
    expect(dqnPolicy.incompatibility!(coord, coord.agents[0]!, dqnPolicy.paramsSchema.parse({ annealStart: 50, annealSteps: 50 }))).toMatch(/got 50\)/);
  });

  it('rewardCentering subtracts a running average reward (its policy still coordinates) and checkpoints it', () => {
    // Every reward 1 (its first component 1, the rest 0): the running average of the scaled reward is 2 from the first step on.
    const base = coordinationWorld();
    const ones: World = {
      ...base,
      step(s, actions, next, out) {
        base.step(s, actions, next, out);
        for (const r of out.rewards) r.fill(0)[0] = 1;
      },
    };
    const flat = createSession(ones, 4, 1, () => ({ spec: DQN, params: { ...params, rewardCentering: 0.01, rewardScale: 2 } }));
    runSteps(flat, 30);
    expect(flat.policies[0]!.stats!()['rewardMean']).toBe(2);
    expect((flat.policies[0]!.save!() as { group: { rewardMean?: number } }).group.rewardMean).toBe(2);
    for (const p of flat.policies) p.dispose!();
    // Off: no statistic and no checkpoint field (checkpoints of earlier configs unchanged).
    const off = createSession(ones, 4, 1, () => ({ spec: DQN, params }));
    runSteps(off, 5);
    expect(off.policies[0]!.stats!()['rewardMean']).toBeUndefined();
    expect('rewardMean' in (off.policies[0]!.save!() as { group: object }).group).toBe(false);
    for (const p of off.policies) p.dispose!();
    // Centering shifts every target by the same amount, so the greedy policy is the same problem's.
    const world = coordinationWorld();
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...FAST, rewardCentering: 0.01 } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  it("epsilonSchedule 'exponential' decays ε geometrically (Calvano's exp(−βt)) to epsilonEnd; unset stays linear", () => {
    const decay = { ...params, epsilonStart: 1, epsilonEnd: 0.01, epsilonDecaySteps: 40 };
    const at = (extra: object, steps: number): number => {
      const s = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: { ...decay, ...extra } }));
      runSteps(s, steps);
      const eps = s.policies[0]!.stats!()['epsilon']!;
      for (const p of s.policies) p.dispose!();
      return eps;
    };
    // Observed at step 20 of 40: the geometric mean of the ends, 0.1 (linear: 0.505).
    expect(at({ epsilonSchedule: 'exponential' }, 20)).toBeCloseTo(0.1, 10);
    expect(at({}, 20)).toBeCloseTo(0.505, 10);
    expect(at({ epsilonSchedule: 'exponential' }, 50)).toBeCloseTo(0.01, 10);
    expect(explorationRate(dqnPolicy.paramsSchema.parse({ ...decay, epsilonSchedule: 'exponential' }), 10)).toBeCloseTo(Math.pow(0.01, 0.25), 12);
  });

  it("optimizer 'sgd' trains (coordinates), steps differently from Adam, checkpoints under its own key and resumes exactly", () => {
    const sgd = { ...params, optimizer: 'sgd', learningRate: 0.05, momentum: 0.5 };
    const weights = (p: Record<string, unknown>): string => {
      const s = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: p }));
      runSteps(s, 30);
      const fp = fingerprint(s.policies);
      for (const q of s.policies) q.dispose!();
      return fp;
    };
    expect(weights(sgd)).not.toBe(weights({ ...params, learningRate: 0.05 }));
    const a = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: sgd }));
    runSteps(a, 23);
    const saved = a.policies.map((p) => p.save!() as { group: { sgd?: { t: number; velocity?: unknown[] }; adam?: unknown } });
    expect(saved[0]!.group.adam).toBeUndefined();
    expect(saved[0]!.group.sgd!.t).toBeGreaterThan(0);
    expect(saved[0]!.group.sgd!.velocity).toHaveLength(6);
    const b = createSession(coordinationWorld(), 4, 9, () => ({ spec: DQN, params: sgd }));
    const ckpt = JSON.parse(JSON.stringify(saved));
    b.policies.forEach((p, i) => p.load!(ckpt[i]));
    const bOnA = { ...a, policies: b.policies, episodeReturns: [[], []], running: [new Float64Array(4), new Float64Array(4)] };
    const snap = [0, 1, 2, 3].map((c) => a.engine.snapshot(c));
    const stepCount = a.engine.stepCount;
    runSteps(a, 20);
    snap.forEach((sn, c) => a.engine.restore(c, sn));
    a.engine.stepCount = stepCount;
    bOnA.steps = 23;
    runSteps(bOnA, 20);
    expect(fingerprint(b.policies)).toBe(fingerprint(a.policies));
    // An Adam checkpoint does not load into an SGD learner.
    const adam = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params }));
    runSteps(adam, 5);
    expect(() => b.policies[0]!.load!(JSON.parse(JSON.stringify(adam.policies[0]!.save!())))).toThrow(
      /Adam's optimizer state, but this DQN uses optimizer 'sgd'/,
    );
    // It learns the sanity world.
    const world = coordinationWorld();
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...FAST, optimizer: 'sgd', learningRate: 0.05 } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
    const coord = coordinationWorld();
    expect(dqnPolicy.incompatibility!(coord, coord.agents[0]!, dqnPolicy.paramsSchema.parse({ momentum: 0.9 }))).toMatch(
      /momentum \(0.9\) is the heavy-ball momentum of optimizer 'sgd'.*set optimizer: sgd, or remove momentum/,
    );
  });

  it('keeps the tensor count flat across training and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const s = createSession(coordinationWorld(), 4, 1, () => ({ spec: DQN, params: { ...params, doubleDqn: true, tau: 0.5 } }));
    runSteps(s, 10);
    const after = tf.memory().numTensors;
    runSteps(s, 40);
    expect(tf.memory().numTensors).toBe(after);
    for (const p of s.policies) p.dispose!();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('save/load restores network, target, optimizer, replay and streams: training continues identically', () => {
    const world = coordinationWorld();
    const a = createSession(world, 4, 1, () => ({ spec: DQN, params }));
    runSteps(a, 23);
    const b = createSession(world, 4, 9, () => ({ spec: DQN, params }));
    const ckpt = JSON.parse(JSON.stringify(a.policies.map((p) => p.save!())));
    b.policies.forEach((p, i) => p.load!(ckpt[i]));
    expect(fingerprint(b.policies)).toBe(fingerprint(a.policies));
    // b continues in a's engine state: give b a's engine and compare after more training.
    const bOnA = { ...a, policies: b.policies, episodeReturns: [[], []], running: [new Float64Array(4), new Float64Array(4)] };
    const snap = [0, 1, 2, 3].map((c) => a.engine.snapshot(c));
    const stepCount = a.engine.stepCount;
    runSteps(a, 20);
    const actsA = a.engine.actions.map((x) => Array.from(x));
    snap.forEach((sn, c) => a.engine.restore(c, sn));
    a.engine.stepCount = stepCount;
    bOnA.steps = 23;
    runSteps(bOnA, 20);
    expect(a.engine.actions.map((x) => Array.from(x))).toEqual(actsA);
    expect(fingerprint(b.policies)).toBe(fingerprint(a.policies));
  });
});

describe('dqn guard rails', () => {
  it('a NaN reward stops training with a DivergenceError naming the agent and step', () => {
    const base = coordinationWorld();
    const world: World = {
      ...base,
      step(s, actions, next, out) {
        base.step(s, actions, next, out);
        if ((next as { t: Int32Array }).t[0] === 4) out.rewards[0]![1] = NaN;
      },
    };
    const s = createSession(world, 2, 1, () => ({ spec: DQN, params: FAST }));
    expect(() => runSteps(s, 10)).toThrow(DivergenceError);
    expect(() =>
      runSteps(
        createSession(world, 2, 1, () => ({ spec: DQN, params: FAST })),
        10,
      ),
    ).toThrow(/agent 'left' at step 4: reward \(copy 0\) is NaN/);
  });

  it('refuses a continuous action space and an oversized multi-discrete one with the reason', () => {
    const track = trackWorld();
    const params = dqnPolicy.paramsSchema.parse({});
    expect(dqnPolicy.incompatibility!(track, track.agents[0]!, params)).toMatch(
      /DQN needs discrete actions, but tracker's action space is Box\(1, \[-2, 2\]\): use ppo/,
    );
    const coord = coordinationWorld();
    const big: World = { ...coord, actionSpaces: [multiDiscrete([40, 40]), coord.actionSpaces[1]!] };
    expect(dqnPolicy.incompatibility!(big, big.agents[0]!, params)).toMatch(/1600 joint actions, more than maxJointActions \(1024\)/);
    const toZero = dqnPolicy.paramsSchema.parse({ epsilonSchedule: 'exponential', epsilonEnd: 0 });
    expect(dqnPolicy.incompatibility!(coord, coord.agents[0]!, toZero)).toMatch(
      /epsilonSchedule 'exponential' .* needs 0 < epsilonEnd ≤ epsilonStart \(got 1 → 0\)/,
    );
  });

  it('refuses a joint observation encoding wider than 4096 inputs, and accepts it within', () => {
    const coord = coordinationWorld();
    const joint = dqnPolicy.paramsSchema.parse({ observationEncoding: 'joint' });
    const wide: World = { ...coord, observationSpaces: [multiDiscrete([100, 100]), coord.observationSpaces[1]!] };
    expect(dqnPolicy.incompatibility!(wide, wide.agents[0]!, joint)).toMatch(
      /observationEncoding 'joint' gives .*'s observation .* 10000 input values, more than 4096: use observationEncoding: per-slot/,
    );
    const narrow: World = { ...coord, observationSpaces: [multiDiscrete([15, 15]), coord.observationSpaces[1]!] };
    expect(dqnPolicy.incompatibility!(narrow, narrow.agents[0]!, joint)).toBeUndefined();
  });

  it('flattens a multi-discrete action space and writes valid slot actions', () => {
    const coord = coordinationWorld();
    const space = multiDiscrete([2, 3]);
    const world: World = { ...coord, actionSpaces: [space, space] };
    const s = createSession(world, 6, 1, () => ({ spec: DQN, params: FAST }));
    const actions = new Float64Array(12);
    s.policies[0]!.act(s.engine.obs[0]!, actions, 'explore');
    for (let b = 0; b < 6; b++) {
      expect([0, 1]).toContain(actions[b * 2]);
      expect([0, 1, 2]).toContain(actions[b * 2 + 1]);
    }
  });
});
