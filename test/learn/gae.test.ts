/** GAE: the allocation-free time-major implementation against a plain per-episode reference. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { computeGae } from '../../src/learn/gae.js';

/**
 * Reference: for each copy and each step t, sum (γλ)^k δ_{t+k} forward in time until the episode
 * ends, with δ bootstrapping from nextValues unless terminated.
 */
function reference(T: number, N: number, r: number[], v: number[], nv: number[], term: number[], done: number[], gamma: number, lambda: number): number[] {
  const adv = new Array<number>(T * N).fill(0);
  for (let b = 0; b < N; b++)
    for (let t = 0; t < T; t++) {
      let sum = 0;
      let w = 1;
      for (let u = t; u < T; u++) {
        const k = u * N + b;
        const delta = r[k]! + (term[k] ? 0 : gamma * nv[k]!) - v[k]!;
        sum += w * delta;
        if (done[k]) break;
        w *= gamma * lambda;
      }
      adv[t * N + b] = sum;
    }
  return adv;
}

describe('computeGae', () => {
  it('matches the forward-sum reference on random rollouts with terminations and truncations', () => {
    const rng = Rng.from(7, 'gae');
    for (const [T, N, gamma, lambda] of [
      [16, 3, 0.99, 0.95],
      [9, 1, 0.9, 1],
      [5, 4, 0.5, 0],
      [12, 2, 1, 0.8],
    ] as const) {
      const n = T * N;
      const r = Array.from({ length: n }, () => rng.normal());
      const v = Array.from({ length: n }, () => rng.normal());
      const nv = Array.from({ length: n }, () => rng.normal());
      const term = Array.from({ length: n }, () => (rng.float() < 0.1 ? 1 : 0));
      const done = term.map((x) => (x || rng.float() < 0.1 ? 1 : 0));
      const adv = new Float64Array(n);
      const ret = new Float64Array(n);
      computeGae({ numSteps: T, numEnvs: N, rewards: r, values: v, nextValues: nv, terminated: term, dones: done, gamma, lambda }, adv, ret);
      const want = reference(T, N, r, v, nv, term, done, gamma, lambda);
      for (let k = 0; k < n; k++) {
        expect(adv[k]).toBeCloseTo(want[k]!, 10);
        expect(ret[k]).toBeCloseTo(want[k]! + v[k]!, 10);
      }
    }
  });

  it('gives r − V on a terminal step and bootstraps a truncated one from its final value', () => {
    const adv = new Float64Array(2);
    const ret = new Float64Array(2);
    // Copy 0 terminates (no bootstrap); copy 1 is truncated (bootstrap 0.5 · 2 from its final obs).
    computeGae(
      { numSteps: 1, numEnvs: 2, rewards: [1, 1], values: [3, 3], nextValues: [2, 2], terminated: [1, 0], dones: [1, 1], gamma: 0.5, lambda: 0.9 },
      adv,
      ret,
    );
    expect(Array.from(adv)).toEqual([1 - 3, 1 + 0.5 * 2 - 3]);
    expect(Array.from(ret)).toEqual([1, 2]);
  });
});
