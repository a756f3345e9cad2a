/**
 * The DQN options for small action gaps: the dueling head (its forward pass and its gradient, by
 * hand and by finite differences) and advantage learning (its TD target by hand, and its fixed
 * point on a small MDP: the greedy values unchanged, every gap divided by 1 − α); both still learn
 * the coordination world, and a bad α is refused with the field and the bound.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tdTargets, type TdInputs } from '../../policies/dqn.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/core/errors.js';
import { createSession, evaluate, runSteps } from '../../src/learn/train-loop.js';
import { duelingBackward, duelingQ } from '../../src/learn/dueling.js';
import type { EncodedF32 } from '../../src/learn/serialize.js';
import { coordinationWorld, DQN, setupBackend } from './helpers.js';

beforeAll(setupBackend);

describe('dueling head', () => {
  it('Q = V + A − mean(A), row by row', () => {
    // Row 0: V 2, A (1, 3, −1), mean 1; row 1: V −0.5, A (0, 0, 6), mean 2.
    const raw = Float32Array.of(2, 1, 3, -1, -0.5, 0, 0, 6);
    const q = new Float32Array(6);
    duelingQ(raw, 2, 3, q);
    expect(Array.from(q)).toEqual([2, 4, 0, -2.5, -2.5, 3.5]);
  });

  it('its backward pass is the gradient of the loss through the head (finite differences)', () => {
    const rows = 3;
    const n = 4;
    const raw = Float32Array.from({ length: rows * (n + 1) }, (_, i) => Math.sin(1.7 * i + 0.3));
    const c = Float32Array.from({ length: rows * n }, (_, i) => Math.cos(0.9 * i) * (i % 3 === 0 ? 2 : 1));
    // L(raw) = Σ_ij c_ij Q_ij(raw) + Σ_ij Q_ij(raw)² / 2, so dL/dQ = c + Q.
    const q = new Float32Array(rows * n);
    const loss = (r: Float32Array): number => {
      duelingQ(r, rows, n, q);
      let l = 0;
      for (let k = 0; k < q.length; k++) l += c[k]! * q[k]! + (q[k]! * q[k]!) / 2;
      return l;
    };
    loss(raw);
    const dQ = Float32Array.from(q, (v, k) => c[k]! + v);
    const dRaw = new Float32Array(rows * (n + 1));
    duelingBackward(dQ, rows, n, dRaw);
    const h = 1e-2;
    for (let k = 0; k < raw.length; k++) {
      const plus = Float32Array.from(raw);
      const minus = Float32Array.from(raw);
      plus[k]! += h;
      minus[k]! -= h;
      expect(dRaw[k]).toBeCloseTo((loss(plus) - loss(minus)) / (2 * h), 3);
    }
  });

  it('a DQN with the dueling head has one more output (the value) and still coordinates on coordination-v1', () => {
    const world = coordinationWorld();
    const fast = {
      learningStarts: 200,
      trainFrequency: 1,
      learningRate: 0.002,
      epsilonDecaySteps: 300,
      targetUpdateFrequency: 50,
      batchSize: 64,
      hidden: [32, 32],
    };
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...fast, dueling: true } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
    // The output bias is the last parameter array: n + 1 entries against n.
    const outputBias = (params: Record<string, unknown>): number => {
      const p = createSession(world, 1, 1, () => ({ spec: DQN, params }));
      const q = (p.policies[0]!.save!() as { group: { q: EncodedF32[] } }).group.q;
      for (const policy of p.policies) policy.dispose!();
      return q[q.length - 1]!.length;
    };
    expect(outputBias({ ...fast, dueling: true })).toBe(outputBias(fast) + 1);
  });
});

/** TD inputs of a batch whose row i is replay entry i. */
function batch(p: Partial<TdInputs> & Pick<TdInputs, 'rows' | 'numActions' | 'rewards' | 'actions' | 'nextTarget'>): TdInputs {
  return {
    gamma: 0.9,
    center: 0,
    advantageLearning: undefined,
    idx: Int32Array.from({ length: p.rows }, (_, i) => i),
    terminated: new Float32Array(p.rows),
    nextChooser: p.nextTarget,
    nowTarget: new Float32Array(p.rows * p.numActions),
    ...p,
  };
}

describe('advantage learning', () => {
  it('the TD target subtracts α (max_b Q_target(s,b) − Q_target(s,a)); unset, it is the Bellman target', () => {
    const base = batch({
      rows: 2,
      numActions: 3,
      rewards: Float32Array.of(1, -1),
      actions: Float32Array.of(0, 2),
      terminated: Float32Array.of(0, 1),
      nextTarget: Float32Array.of(5, 7, 6, 100, 100, 100),
      nowTarget: Float32Array.of(4, 6, 5.5, 3, 2, 1),
    });
    const y = new Float32Array(2);
    tdTargets(base, y);
    // Row 0: 1 + 0.9 · 7; row 1 terminated: −1.
    expect(Array.from(y)).toEqual([Math.fround(1 + 0.9 * 7), -1]);
    tdTargets({ ...base, advantageLearning: 0.5 }, y);
    // Row 0 took action 0 (Q 4, best 6): −0.5 · 2; row 1 took action 2 (Q 1, best 3): −0.5 · 2.
    expect(Array.from(y)).toEqual([Math.fround(1 + 0.9 * 7 - 1), -2]);
    // Double DQN: the chooser picks action 2 at row 0's next state, the target values it (6).
    tdTargets({ ...base, nextChooser: Float32Array.of(0, 0, 1, 0, 0, 0) }, y);
    expect(y[0]).toBe(Math.fround(1 + 0.9 * 6));
  });

  it('iterated on a small MDP, it keeps the greedy values and divides every action gap by 1 − α', () => {
    // Two states, two actions; action a moves to state a. Rewards r(s, a).
    const r = [
      [1, 0.6],
      [0.2, 0.9],
    ];
    const gamma = 0.8;
    const iterate = (alpha: number | undefined): Float32Array => {
      let q = new Float32Array(4);
      const rows = 4;
      for (let k = 0; k < 3000; k++) {
        // Row s·2 + a: next state a; nextTarget row = Q(a, ·); nowTarget row = Q(s, ·).
        const next = new Float32Array(8);
        const now = new Float32Array(8);
        for (let s = 0; s < 2; s++)
          for (let a = 0; a < 2; a++) {
            next.set(q.subarray(a * 2, a * 2 + 2), (s * 2 + a) * 2);
            now.set(q.subarray(s * 2, s * 2 + 2), (s * 2 + a) * 2);
          }
        const y = new Float32Array(rows);
        tdTargets(
          batch({
            rows,
            numActions: 8 / rows,
            gamma,
            advantageLearning: alpha,
            rewards: Float32Array.from(r.flat()),
            actions: Float32Array.of(0, 1, 0, 1),
            nextTarget: next,
            nowTarget: now,
          }),
          y,
        );
        q = y;
      }
      return q;
    };
    const star = iterate(undefined);
    const alpha = 0.75;
    const al = iterate(alpha);
    for (let s = 0; s < 2; s++) {
      const best = star[s * 2]! >= star[s * 2 + 1]! ? 0 : 1;
      const other = 1 - best;
      expect(al[s * 2 + best]).toBeCloseTo(star[s * 2 + best]!, 4);
      const gap = star[s * 2 + best]! - star[s * 2 + other]!;
      expect(gap).toBeGreaterThan(0.05);
      expect(al[s * 2 + best]! - al[s * 2 + other]!).toBeCloseTo(gap / (1 - alpha), 3);
    }
  });

  it('a DQN with advantage learning still coordinates on coordination-v1', () => {
    const world = coordinationWorld();
    const fast = {
      learningStarts: 200,
      trainFrequency: 1,
      learningRate: 0.002,
      epsilonDecaySteps: 300,
      targetUpdateFrequency: 50,
      batchSize: 64,
      hidden: [32, 32],
    };
    const s = createSession(world, 8, 1, () => ({ spec: DQN, params: { ...fast, advantageLearning: 0.9 } }));
    runSteps(s, 500);
    for (const r of evaluate(world, s.policies, 8, 99, 2)) expect(r).toBeGreaterThanOrEqual(9);
  });

  it('refuses α outside (0, 1) and a non-boolean dueling flag, naming the field', () => {
    const issues = (params: object): string[] => {
      try {
        resolveExperiment({
          name: 't',
          env: { id: 'coordination-v1' },
          agents: [{ role: 'coordinator', policy: { type: 'dqn', params } }],
          run: { steps: 10 },
        });
      } catch (err) {
        if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
        throw err;
      }
      return [];
    };
    expect(issues({ advantageLearning: 1 })).toEqual(['agents[0].policy.params.advantageLearning: expected a number < 1, got 1']);
    expect(issues({ advantageLearning: 0 })).toEqual(['agents[0].policy.params.advantageLearning: expected a positive number, got 0']);
    expect(issues({ dueling: 'yes' })).toEqual(['agents[0].policy.params.dueling: expected a boolean, got "yes"']);
    expect(issues({ advantageLearning: 0.9, dueling: true })).toEqual([]);
  });
});
