/**
 * The SIMD network (src/learn/dense.ts) against the tfjs reference (src/learn/mlp.ts): same
 * initial weights, and forward outputs, inference outputs and gradients equal within float32
 * tolerance, over shapes that exercise padding (widths and row counts not multiples of 4) and the
 * 8- and 4-column kernel tiles. Plus the kernels' tanh against Math.tanh.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { initBackend } from '../../src/learn/backend.js';
import { DenseMlp } from '../../src/learn/dense.js';
import { Mlp, type MlpSpec } from '../../src/learn/mlp.js';
import { decodeF32, type EncodedF32 } from '../../src/learn/serialize.js';
import { createSession, runSteps } from '../../src/learn/train-loop.js';
import type { PolicySpec } from '../../src/core/policy.js';
import { dqnPolicy } from '../../policies/dqn.js';
import { ppoPolicy } from '../../policies/ppo.js';
import { randomWorld } from '../../bench/neural-iteration.js';
import { EPI, instantiateKernels } from '../../src/learn/wasm/kernels.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', log: false }); // the tfjs reference runs on tfjs-wasm
});

/** Largest |a − b| relative to the largest |b| (at least 1). */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) err = Math.max(err, Math.abs(a[i]! - b[i]!));
  return err / scale;
}

const SHAPES: [string, MlpSpec, number][] = [
  ['PPO actor 16→64→64→8, 512 rows', { inputSize: 16, hidden: [64, 64], outputSize: 8, activation: 'tanh', outputGain: 0.01 }, 512],
  ['critic 16→64→64→1, 37 rows', { inputSize: 16, hidden: [64, 64], outputSize: 1, activation: 'tanh', outputGain: 1 }, 37],
  ['odd sizes 5→7→6→3 relu, 9 rows', { inputSize: 5, hidden: [7, 6], outputSize: 3, activation: 'relu', outputGain: 1 }, 9],
  ['12→20→5 tanh (8+4 column tiles), 1 row', { inputSize: 12, hidden: [20], outputSize: 5, activation: 'tanh', outputGain: 1 }, 1],
  ['DQN 16→64→64→8 relu, 128 rows', { inputSize: 16, hidden: [64, 64], outputSize: 8, activation: 'relu', outputGain: 1 }, 128],
];

describe('DenseMlp equals the tfjs Mlp', () => {
  it.each(SHAPES)('%s: init, forward, predict and gradients', (_name, spec, rows) => {
    const dense = new DenseMlp(spec, Rng.from(3, 'net'));
    const ref = new Mlp(spec, Rng.from(3, 'net'));
    // Identical initial weights (checkpoint layout).
    const a = dense.toJSON();
    const b = ref.toJSON();
    expect(a).toEqual(b);

    const rng = Rng.from(4, 'data');
    const x = Float32Array.from({ length: rows * spec.inputSize }, () => 2 * rng.normal());
    const G = Float32Array.from({ length: rows * spec.outputSize }, () => rng.normal());
    const want = tf.tidy(() => {
      const xt = tf.tensor2d(x, [rows, spec.inputSize]);
      const out = Array.from(ref.apply(xt).dataSync());
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(ref.apply(xt), tf.tensor2d(G, [rows, spec.outputSize]))) as tf.Scalar, ref.variables);
      return { out, grads: ref.variables.map((v) => Array.from(grads[v.name]!.dataSync())) };
    });

    const out = dense.forward(x, rows).slice(0, rows * spec.outputSize);
    expect(relErr(out, want.out)).toBeLessThan(1e-5);
    const pred = new Float32Array(rows * spec.outputSize);
    dense.predict(x, rows, pred);
    expect(relErr(pred, want.out)).toBeLessThan(1e-5);

    dense.backward(G);
    // Gradients in the unpadded layout: load them into a scratch network's weights and read back.
    const asWeights = new DenseMlp(spec, Rng.from(0));
    asWeights.params.forEach((p, k) => p.set(dense.grads[k]!));
    const got = asWeights.toJSON().map((e) => Array.from(decodeF32(e)));
    got.forEach((g, k) => expect(relErr(g, want.grads[k]!)).toBeLessThan(1e-5));
    ref.dispose();
  });

  it('gradients of padded weights stay exactly zero, and inference in chunks equals one pass', () => {
    const spec: MlpSpec = { inputSize: 5, hidden: [7], outputSize: 3, activation: 'tanh', outputGain: 1 };
    const dense = new DenseMlp(spec, Rng.from(1));
    const rng = Rng.from(2);
    const rows = 1000; // beyond the initial row capacity: predict works in chunks
    const x = Float32Array.from({ length: rows * 5 }, () => rng.normal());
    const big = new Float32Array(rows * 3);
    dense.predict(x, rows, big);
    const one = new Float32Array(3);
    for (const r of [0, 63, 64, 999]) {
      dense.predict(x.subarray(r * 5, r * 5 + 5), 1, one);
      expect(relErr(one, big.subarray(r * 3, r * 3 + 3))).toBeLessThan(1e-6);
    }
    dense.forward(x, 9);
    dense.backward(Float32Array.from({ length: 27 }, () => rng.normal()));
    // W0 is padded 8×8 (5×7 real): padded rows 5..7 and column 7 must have zero gradient.
    const gw = dense.grads[0]!;
    for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) if (r >= 5 || c >= 7) expect(gw[r * 8 + c]).toBe(0);
    expect(dense.grads[1]![7]).toBe(0);
  });
});

describe('SIMD tanh', () => {
  it('is within 3e-7 of Math.tanh over [-12, 12] and saturates at ±1', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const k = instantiateKernels(memory);
    const n = 24000;
    const f = new Float32Array(memory.buffer);
    const xs = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / n);
    f.set(xs, 16);
    k.epilogue(64, n / 4, 4, 0, EPI.tanh, 0); // bias: the zeroed first 16 bytes
    let err = 0;
    for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(f[16 + i]! - Math.tanh(xs[i]!)));
    expect(err).toBeLessThan(3e-7);
    expect(f[16]).toBeCloseTo(-1, 6);
  });
});

describe('learners on the simd backend equal the tfjs reference', () => {
  /** Weights of every network after training `steps` engine steps on the given backend. */
  async function trained(backend: 'simd' | 'wasm', spec: PolicySpec, params: Record<string, unknown>, steps: number): Promise<number[][]> {
    await initBackend({ backend, log: false });
    const world = randomWorld();
    const s = createSession(world, 8, 5, () => ({ spec, params }));
    runSteps(s, steps);
    const saved = s.policies[0]!.save!() as { group: Record<string, unknown> };
    for (const p of s.policies) p.dispose?.();
    const nets = ['actor', 'critic', 'q'].filter((k) => k in saved.group).map((k) => saved.group[k] as EncodedF32[]);
    return nets.flat().map((e) => Array.from(decodeF32(e)));
  }

  it.each([
    ['ppo', ppoPolicy, { rolloutLength: 16, numMinibatches: 2, updateEpochs: 2 }, 32],
    ['dqn', dqnPolicy, { learningStarts: 64, batchSize: 32, trainFrequency: 1, targetUpdateFrequency: 4 }, 24],
  ] as const)('%s: weights after training agree within float tolerance', async (_name, policy, params, steps) => {
    const spec = policy;
    const fast = await trained('simd', spec, params, steps);
    const ref = await trained('wasm', spec, params, steps);
    const init = await trained('simd', spec, params, 0);
    expect(fast.length).toBe(ref.length);
    let moved = 0;
    fast.forEach((w, k) => {
      for (let i = 0; i < w.length; i++) {
        expect(Math.abs(w[i]! - ref[k]![i]!)).toBeLessThan(2e-5);
        moved = Math.max(moved, Math.abs(w[i]! - init[k]![i]!));
      }
    });
    expect(moved).toBeGreaterThan(1e-4); // training really changed the weights
  });
});

describe('checkpoints do not depend on the network implementation', () => {
  it.each([
    ['ppo', ppoPolicy, { rolloutLength: 8, numMinibatches: 2, updateEpochs: 1 }, 12],
    ['dqn', dqnPolicy, { learningStarts: 32, batchSize: 16, trainFrequency: 1 }, 8],
  ] as const)('%s: a simd checkpoint loads into the tfjs network and saves back identically (and the reverse)', async (_name, policy, params, steps) => {
    const spec = policy;
    const saveAfter = async (backend: 'simd' | 'wasm', from: unknown): Promise<unknown> => {
      await initBackend({ backend, log: false });
      const s = createSession(randomWorld(), 4, 9, () => ({ spec, params }));
      if (from === undefined) runSteps(s, steps);
      else s.policies[0]!.load!(from);
      const out = JSON.parse(JSON.stringify(s.policies[0]!.save!()));
      for (const p of s.policies) p.dispose?.();
      return out;
    };
    const fromSimd = await saveAfter('simd', undefined);
    expect(await saveAfter('wasm', fromSimd)).toEqual(fromSimd);
    const fromTfjs = await saveAfter('wasm', undefined);
    expect(await saveAfter('simd', fromTfjs)).toEqual(fromTfjs);
  });
});
