/**
 * dqn's qInit 'uniform-rivals' (Calvano et al.'s initial Q-values, as tabular-q's): the initial
 * network gives Q₀(a) = E[r(a, rivals uniform)]/(1 − γ) in every state (plain and dueling head),
 * the policy's networks start there and act greedily on Q₀'s best price in every state, and worlds
 * or settings it cannot serve are refused naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createMarketWorld } from '../../envs/market/market.js';
import { initialQRow } from '../../policies/tabular-q.js';
import { QINIT_OUTPUT_GAIN, setOutputBiases } from '../../policies/dqn.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { ConfigError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { duelingQ } from '../../src/learn/dueling.js';
import { createNet } from '../../src/learn/net.js';
import { decodeF32, type EncodedF32 } from '../../src/learn/serialize.js';
import { createSession } from '../../src/learn/train-loop.js';
import { DQN, setupBackend } from './helpers.js';

beforeAll(setupBackend);

const GAMMA = 0.95;
const world = createMarketWorld({ priceGridSize: 5 });
/** Calvano's Q₀ of firm 0 as tabular-q computes it. */
const q0 = initialQRow(world, 0, 5, { qInit: 'uniform-rivals', discount: GAMMA } as Parameters<typeof initialQRow>[3]);

/** Largest |Q(s, a) − Q₀(a)| over the 25 one-hot joint states of a fresh 32×32 network. */
function worstGap(gain: number, dueling: boolean, withBiases: boolean): number {
  const spec = { inputSize: 25, hidden: [32, 32], outputSize: 5 + (dueling ? 1 : 0), activation: 'relu' as const, outputGain: gain };
  const net = createNet(spec, Rng.from(7, 'net'));
  if (withBiases) setOutputBiases(net, q0, dueling);
  const x = new Float32Array(25 * 25);
  for (let s = 0; s < 25; s++) x[s * 25 + s] = 1;
  const raw = new Float32Array(25 * spec.outputSize);
  net.predict(x, 25, raw);
  const q = dueling ? new Float32Array(25 * 5) : raw;
  if (dueling) duelingQ(raw, 25, 5, q);
  let worst = 0;
  for (let s = 0; s < 25; s++) for (let a = 0; a < 5; a++) worst = Math.max(worst, Math.abs(q[s * 5 + a]! - q0[a]!));
  net.dispose();
  return worst;
}

describe("dqn qInit 'uniform-rivals'", () => {
  it('Q₀ has action gaps well above the small output weights', () => {
    const sorted = Array.from(q0).sort((a, b) => b - a);
    // Q₀ is a discounted profit (≈ 0.2/(1 − 0.95)); its best two prices differ by more than 0.1.
    expect(sorted[0]!).toBeGreaterThan(2);
    expect(sorted[0]! - sorted[1]!).toBeGreaterThan(0.1);
  });

  it('the initial network gives Q₀(a) in every state (plain and dueling head); unset, it does not', () => {
    expect(worstGap(QINIT_OUTPUT_GAIN, false, true)).toBeLessThan(0.05);
    expect(worstGap(QINIT_OUTPUT_GAIN, true, true)).toBeLessThan(0.05);
    // The network as it starts without qInit: outputs around 0, nowhere near Q₀.
    expect(worstGap(1, false, false)).toBeGreaterThan(1);
  });

  it("the policy's Q and target networks start at Q₀, and greedy play is Q₀'s best price in every state", () => {
    const s = createSession(world, 2, 3, () => ({
      spec: DQN,
      params: { hidden: [32, 32], observationEncoding: 'joint', gamma: GAMMA, qInit: 'uniform-rivals' },
    }));
    const best = q0.indexOf(Math.max(...q0));
    const obs = new Float32Array(4);
    const out = new Float64Array(2);
    for (const p of s.policies) {
      const saved = p.save!() as { group: { q: EncodedF32[]; target: EncodedF32[] } };
      const bias = decodeF32(saved.group.q.at(-1)!);
      expect(Array.from(bias)).toEqual(Array.from(q0, Math.fround));
      expect(Array.from(decodeF32(saved.group.target.at(-1)!))).toEqual(Array.from(bias));
      const w = decodeF32(saved.group.q.at(-2)!);
      expect(Math.max(...Array.from(w, Math.abs))).toBeLessThan(QINIT_OUTPUT_GAIN);
      for (let state = 0; state < 25; state++) {
        for (let b = 0; b < 2; b++) obs.set([Math.floor(state / 5), state % 5], 2 * b);
        p.act(obs, out, 'greedy');
        expect(out[0], `state ${state}`).toBe(best);
      }
    }
  });

  it('refuses a world without a declared stage game, and reward centering, naming the field and the fix', () => {
    const message = (env: string, params: Record<string, unknown>): string => {
      const role = env === 'market-v1' ? 'firm' : 'coordinator';
      try {
        resolveExperiment({ name: 'x', env: { id: env }, agents: [{ role, policy: { type: 'dqn', params } }], run: { steps: 10 } });
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
        throw err;
      }
      return '';
    };
    expect(message('coordination-v1', { qInit: 'uniform-rivals' })).toMatch(/qInit 'uniform-rivals'.*coordination-v1.*remove qInit/);
    expect(message('market-v1', { qInit: 'uniform-rivals', rewardCentering: 0.01 })).toMatch(/qInit 'uniform-rivals'.*rewardCentering \(0\.01\).*remove one/);
    expect(message('market-v1', { qInit: 'zero' })).toContain('qInit');
    expect(message('market-v1', { qInit: 'uniform-rivals' })).toBe('');
  });
});
