/**
 * dqn's n-step returns (nStep): the per-copy history rings build Σ_{k<m} γ^k r and the bootstrap
 * observation m steps later, cut short where an episode ends (terminated: no bootstrap;
 * truncated: from the final observation); the TD target discounts the bootstrap by γ^m; the rings
 * cross a checkpoint; nStep 1 trains exactly as unset; and an n-step DQN still learns.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tdTargets } from '../../policies/dqn.js';
import { NStepRings } from '../../policies/dqn-nstep.js';
import { createSession, evaluate, runSteps } from '../../src/learn/train-loop.js';
import { ReplayBuffer } from '../../src/learn/replay.js';
import { coordinationWorld, DQN, setupBackend } from './helpers.js';

beforeAll(setupBackend);

/** One step of every copy: observation, action, reward, next (or final) observation, end flags. */
interface Step {
  obs: number[];
  action: number[];
  reward: number[];
  next: number[];
  terminated?: number[];
  truncated?: number[];
}

function feed(rings: NStepRings, replay: ReplayBuffer, steps: Step[]): void {
  for (const s of steps)
    for (let b = 0; b < s.obs.length; b++) {
      const term = s.terminated?.[b] ?? 0;
      const ended = term === 1 || (s.truncated?.[b] ?? 0) === 1;
      rings.push(replay, b, Float32Array.from(s.obs), s.action[b]!, s.reward[b]!, Float32Array.from(s.next), ended, term, 0);
    }
}

/** The replay entries in insertion order as [obs, action, return, next obs, terminated, horizon]. */
function entries(r: ReplayBuffer): number[][] {
  return Array.from({ length: r.size }, (_, k) => [r.obs[k]!, r.actions[k]!, r.rewards[k]!, r.nextObs[k]!, r.terminated[k]!, r.horizons![k]!]);
}

describe('n-step transitions', () => {
  // One copy, observations = the period number, γ = 0.5, n = 3. Episode 1: periods 0-3, the last
  // terminated; episode 2: periods 10-11, the last truncated (final observation 12); episode 3:
  // periods 20-23, still running.
  const gamma = 0.5;
  const steps: Step[] = [
    { obs: [0], action: [1], reward: [1], next: [1] },
    { obs: [1], action: [2], reward: [2], next: [2] },
    { obs: [2], action: [3], reward: [4], next: [3] },
    { obs: [3], action: [4], reward: [8], next: [12], terminated: [1] },
    { obs: [10], action: [0], reward: [16], next: [11] },
    { obs: [11], action: [1], reward: [32], next: [12], truncated: [1] },
    { obs: [20], action: [2], reward: [1], next: [21] },
    { obs: [21], action: [3], reward: [1], next: [22] },
    { obs: [22], action: [4], reward: [1], next: [23] },
    { obs: [23], action: [0], reward: [2], next: [24] },
  ];
  // By hand: full 3-step returns bootstrap 3 periods on; at an end every pending step enters with
  // the rewards up to it.
  const expected = [
    [0, 1, 1 + 0.5 * 2 + 0.25 * 4, 3, 0, 3],
    [1, 2, 2 + 0.5 * 4 + 0.25 * 8, 12, 1, 3],
    [2, 3, 4 + 0.5 * 8, 12, 1, 2],
    [3, 4, 8, 12, 1, 1],
    [10, 0, 16 + 0.5 * 32, 12, 0, 2],
    [11, 1, 32, 12, 0, 1],
    [20, 2, 1 + 0.5 + 0.25, 23, 0, 3],
    [21, 3, 1 + 0.5 + 0.25 * 2, 24, 0, 3],
  ];

  it('sum the rewards of the next n steps and bootstrap n steps on, cut short at episode ends', () => {
    const replay = new ReplayBuffer(100, 1, true);
    feed(new NStepRings(1, 3, 1, gamma), replay, steps);
    expect(entries(replay)).toEqual(expected);
  });

  it('are built per copy: two copies in lockstep give each its own sequence', () => {
    // Copy 1 runs the same sequence with every reward doubled and observations + 100.
    const two = steps.map((s) => ({
      obs: [s.obs[0]!, s.obs[0]! + 100],
      action: [s.action[0]!, s.action[0]!],
      reward: [s.reward[0]!, 2 * s.reward[0]!],
      next: [s.next[0]!, s.next[0]! + 100],
      terminated: [s.terminated?.[0] ?? 0, s.terminated?.[0] ?? 0],
      truncated: [s.truncated?.[0] ?? 0, s.truncated?.[0] ?? 0],
    }));
    const replay = new ReplayBuffer(100, 1, true);
    feed(new NStepRings(2, 3, 1, gamma), replay, two);
    const got = entries(replay);
    expect(got.filter((e) => e[0]! < 100)).toEqual(expected);
    expect(got.filter((e) => e[0]! >= 100)).toEqual(expected.map(([o, a, r, n, t, h]) => [o! + 100, a!, 2 * r!, n! + 100, t!, h!]));
  });

  it('the pending steps cross a checkpoint: a restored ring continues exactly', () => {
    const straight = new ReplayBuffer(100, 1, true);
    feed(new NStepRings(1, 3, 1, gamma), straight, steps);
    const first = new ReplayBuffer(100, 1, true);
    const a = new NStepRings(1, 3, 1, gamma);
    feed(a, first, steps.slice(0, 8));
    // JSON round trip, as a checkpoint stores it.
    const saved = JSON.parse(JSON.stringify({ rings: a.toJSON(), replay: first.toJSON() }));
    const replay = new ReplayBuffer(100, 1, true);
    replay.load(saved.replay);
    const b = new NStepRings(1, 3, 1, gamma);
    b.load(saved.rings);
    feed(b, replay, steps.slice(8));
    expect(entries(replay)).toEqual(entries(straight));
    expect(() => new NStepRings(1, 5, 1, gamma).load(saved.rings)).toThrow(/nStep 5.*found nStep 3/);
    expect(() => new ReplayBuffer(100, 1, false).load(saved.replay)).toThrow(/7 arrays, this one 6/);
  });

  it('the TD target discounts the bootstrap by γ^m and weights the centering by Σ_{k<m} γ^k', () => {
    const replay = new ReplayBuffer(100, 1, true);
    feed(new NStepRings(1, 3, 1, gamma), replay, steps);
    // Target network's Q at each entry's bootstrap observation: 2 actions, the max is 10.
    const rows = replay.size;
    const nextTarget = Float32Array.from({ length: rows * 2 }, (_, i) => (i % 2 === 0 ? 10 : 7));
    const t = {
      rows,
      numActions: 2,
      gamma,
      center: 0,
      advantageLearning: undefined,
      idx: Int32Array.from({ length: rows }, (_, i) => i),
      rewards: replay.rewards,
      terminated: replay.terminated,
      actions: replay.actions,
      nextTarget,
      nextChooser: nextTarget,
      nowTarget: new Float32Array(rows * 2),
      horizons: replay.horizons,
      horizonDiscount: Float64Array.of(1, 0.5, 0.25, 0.125),
      horizonWeight: Float64Array.of(0, 1, 1.5, 1.75),
    };
    const y = new Float32Array(rows);
    tdTargets(t, y);
    const byHand = [3 + 0.125 * 10, 6, 8, 8, 32 + 0.25 * 10, 32 + 0.5 * 10, 1.75 + 0.125 * 10, 2 + 0.125 * 10];
    expect(Array.from(y)).toEqual(byHand.map(Math.fround));
    // With a centering average of 1, each target loses 1 for every discounted reward it sums.
    tdTargets({ ...t, center: 1 }, y);
    const weights = [1.75, 1.75, 1.5, 1, 1.5, 1, 1.75, 1.75];
    expect(Array.from(y)).toEqual(byHand.map((v, i) => Math.fround(v - weights[i]!)));
  });
});

describe('dqn with nStep', () => {
  const FAST = {
    learningStarts: 200,
    trainFrequency: 1,
    learningRate: 0.002,
    epsilonDecaySteps: 300,
    targetUpdateFrequency: 50,
    batchSize: 64,
    hidden: [32, 32],
  };

  it('nStep 1 trains exactly as unset (same weights); nStep 3 does not', () => {
    const weights = (extra: Record<string, unknown>): string => {
      const s = createSession(coordinationWorld(), 4, 5, () => ({ spec: DQN, params: { ...FAST, learningStarts: 16, ...extra } }));
      runSteps(s, 60);
      // The Q-networks' weights only (an n-step checkpoint also carries its rings).
      const fp = JSON.stringify(s.policies.map((p) => (p.save!() as { group: { q: unknown } }).group.q));
      for (const p of s.policies) p.dispose!();
      return fp;
    };
    const unset = weights({});
    expect(weights({ nStep: 1 })).toBe(unset);
    expect(weights({ nStep: 3 })).not.toBe(unset);
  });

  it('with nStep 3, coordinates both agents on coordination-v1 (greedy return ≥ 9 of 10 within 500 steps)', () => {
    const world = coordinationWorld();
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...FAST, nStep: 3 } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });
});
