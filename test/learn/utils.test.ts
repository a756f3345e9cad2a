/** Pure learning utilities: initialisation, normalisers, encoders, serialisation, Adam, replay, action heads. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { box, discrete, multiDiscrete } from '../../src/core/spaces.js';
import { makeActionHead } from '../../src/learn/action-head.js';
import { Adam, clipScale, flatLayout, globalNorm } from '../../src/learn/adam.js';
import { initBackend } from '../../src/learn/backend.js';
import { InputEncoder } from '../../src/learn/encode.js';
import { Mlp, orthogonal } from '../../src/learn/mlp.js';
import { RewardScaler, RunningMeanStd } from '../../src/learn/normalize.js';
import { Sgd } from '../../src/learn/sgd.js';
import { ReplayBuffer } from '../../src/learn/replay.js';
import { decodeF32, decodeF64, encodeF32, encodeF64 } from '../../src/learn/serialize.js';

beforeAll(async () => {
  await initBackend({ log: false });
});

describe('orthogonal init', () => {
  it.each([
    [5, 3],
    [3, 5],
    [64, 64],
  ])('gives orthonormal columns or rows scaled by the gain (%i×%i)', (rows, cols) => {
    const gain = 1.5;
    const w = orthogonal(rows, cols, gain, Rng.from(1, 'orth'));
    const short = Math.min(rows, cols);
    // Gram matrix along the shorter side must be gain² · I.
    for (let i = 0; i < short; i++)
      for (let j = 0; j < short; j++) {
        let dot = 0;
        for (let k = 0; k < Math.max(rows, cols); k++) {
          const a = rows >= cols ? w[k * cols + i]! : w[i * cols + k]!;
          const b = rows >= cols ? w[k * cols + j]! : w[j * cols + k]!;
          dot += a * b;
        }
        expect(dot).toBeCloseTo(i === j ? gain * gain : 0, 4);
      }
  });
});

describe('Mlp.backward', () => {
  it.each(['tanh', 'relu'] as const)('equals tfjs autodiff of Σ output·G (%s)', (activation) => {
    const rng = Rng.from(9, activation);
    const mlp = new Mlp({ inputSize: 5, hidden: [7, 6], outputSize: 3, activation, outputGain: 1 }, rng);
    const x = tf.tensor2d(
      Float32Array.from({ length: 4 * 5 }, () => rng.normal()),
      [4, 5],
    );
    const G = tf.tensor2d(
      Float32Array.from({ length: 4 * 3 }, () => rng.normal()),
      [4, 3],
    );
    const mine = tf.tidy(() => mlp.backward(mlp.forward(x), G).map((t) => Array.from(t.dataSync())));
    const ref = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(mlp.apply(x), G)) as tf.Scalar, mlp.variables);
      return mlp.variables.map((v) => Array.from(grads[v.name]!.dataSync()));
    });
    expect(mine.length).toBe(ref.length);
    mine.forEach((g, k) => g.forEach((val, i) => expect(val).toBeCloseTo(ref[k]![i]!, 4)));
    mlp.dispose();
    tf.dispose([x, G]);
  });
});

describe('RunningMeanStd', () => {
  it('matches the population mean and variance of all data folded in chunks', () => {
    const rng = Rng.from(2);
    const rows = 300;
    const data = Float64Array.from({ length: rows * 2 }, (_, k) => (k % 2 === 0 ? 5 + 2 * rng.normal() : -1 + 0.1 * rng.normal()));
    const rms = new RunningMeanStd(2);
    for (let start = 0; start < rows; start += 37) {
      const n = Math.min(37, rows - start);
      rms.update(data.subarray(start * 2, (start + n) * 2), n);
    }
    for (let k = 0; k < 2; k++) {
      let mean = 0;
      for (let r = 0; r < rows; r++) mean += data[r * 2 + k]!;
      mean /= rows;
      let v = 0;
      for (let r = 0; r < rows; r++) v += (data[r * 2 + k]! - mean) ** 2;
      v /= rows;
      expect(rms.mean[k]).toBeCloseTo(mean, 4);
      expect(rms.var[k]).toBeCloseTo(v, 3);
    }
  });

  it('reward scaling divides by the std of the discounted return and resets it at episode ends', () => {
    const s = new RewardScaler(1, 0.5);
    const out = new Float64Array(1);
    s.scale([2], [0], out);
    expect(s.returns[0]).toBe(2);
    s.scale([2], [1], out);
    expect(s.returns[0]).toBe(0);
    expect(out[0]).toBeCloseTo(2 / Math.sqrt(s.rms.var[0]! + 1e-8), 10);
  });
});

describe('InputEncoder', () => {
  it('one-hot encodes discrete slots, passes box slots and appends the id', () => {
    const enc = new InputEncoder([multiDiscrete([3, 2]), box(-5, 5, 2), discrete(4)], { normalize: false, idSize: 3 });
    expect(enc.inputSize).toBe(3 + 2 + 2 + 4 + 3);
    const out = new Float32Array(enc.inputSize);
    // Row 1 of each agent-major source.
    enc.encode([Float32Array.of(0, 0, 2, 1), Float32Array.of(9, 9, -1.5, 4), Float32Array.of(0, 3)], 1, out, 0, 2);
    expect(Array.from(out)).toEqual([0, 0, 1, 0, 1, -1.5, 4, 0, 0, 0, 1, 0, 0, 1]);
  });

  it('joint encoding gives a multi-discrete space one block over its slots’ joint value (big-endian, the tabular state)', () => {
    const enc = new InputEncoder([multiDiscrete([3, 2]), discrete(2)], { normalize: false, idSize: 0, discrete: 'joint' });
    expect(enc.inputSize).toBe(3 * 2 + 2);
    const out = new Float32Array(enc.inputSize);
    // Every (a, b) lands on its own input 2a + b; a discrete space is unchanged.
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 2; b++) {
        enc.encode([Float32Array.of(a, b), Float32Array.of(1)], 0, out, 0);
        const hot = Array.from(out.subarray(0, 6)).flatMap((v, i) => (v === 1 ? [i] : []));
        expect(hot).toEqual([2 * a + b]);
        expect(Array.from(out.subarray(6))).toEqual([0, 1]);
      }
  });

  it('standardises box slots with its running statistics and clips', () => {
    const enc = new InputEncoder([box(-100, 100, 1)], { normalize: true, idSize: 0, clip: 2 });
    enc.update([Float32Array.of(10, 12, 14, 16)], 4);
    const st = enc.stats[0]!;
    const out = new Float32Array(1);
    enc.encode([Float32Array.of(13)], 0, out, 0);
    expect(out[0]).toBeCloseTo((13 - st.mean[0]!) / Math.sqrt(st.var[0]! + 1e-8), 5);
    enc.encode([Float32Array.of(100)], 0, out, 0);
    expect(out[0]).toBe(2);
  });
});

describe('serialisation', () => {
  it('round-trips float32 and float64 arrays bit for bit, NaN and infinities included', () => {
    const f = Float32Array.of(1.5, -0, NaN, Infinity, 1e-40, 3.4e38);
    const back = decodeF32(JSON.parse(JSON.stringify(encodeF32(f))));
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(f.buffer));
    const d = Float64Array.of(Math.PI, -Infinity, 5e-324);
    expect(decodeF64(encodeF64(d))).toEqual(d);
    expect(() => decodeF32({ f32: 'AAAA', length: 2 })).toThrow(/expected 2 float32/);
  });
});

describe('Adam', () => {
  it('follows the PyTorch update rule step by step (scalar reference)', () => {
    const x = Float32Array.of(1, -2);
    const adam = new Adam([flatLayout(2)], { learningRate: 0.1, epsilon: 1e-8 });
    // Reference: torch.optim.Adam on f(x) = Σ x², grad 2x.
    const ref = [1, -2];
    const m = [0, 0];
    const v = [0, 0];
    for (let t = 1; t <= 5; t++) {
      const g = ref.map((r) => 2 * r);
      adam.apply([x], [Float32Array.from(x, (xi) => 2 * xi)]);
      for (let i = 0; i < 2; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const mHat = m[i]! / (1 - 0.9 ** t);
        const vHat = v[i]! / (1 - 0.999 ** t);
        ref[i] = ref[i]! - (0.1 * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
      expect(x[0]).toBeCloseTo(ref[0]!, 5);
      expect(x[1]).toBeCloseTo(ref[1]!, 5);
    }
  });

  it('refuses a step that would make a weight non-finite and leaves every weight unchanged', () => {
    const a = Float32Array.of(1, 2);
    const b = Float32Array.of(3);
    const adam = new Adam([flatLayout(2), flatLayout(1)], { learningRate: 1e39 }); // steps overflow float32
    expect(adam.apply([a, b], [Float32Array.of(1, 1), Float32Array.of(1)])).toBe(false);
    expect(Array.from(a)).toEqual([1, 2]);
    expect(Array.from(b)).toEqual([3]);
  });

  it('clips by global norm like clip_grad_norm_', () => {
    expect(globalNorm([Float32Array.of(3), Float32Array.of(4)])).toBe(5);
    expect(clipScale(5, 0.5)).toBeCloseTo(0.1, 6);
    expect(clipScale(0.3, 0.5)).toBe(1);
    expect(clipScale(5, 0)).toBe(1);
  });
});

describe('Sgd', () => {
  it('without momentum steps by lr·scale·g, so the step shrinks with the gradient (hand computation)', () => {
    // f(x) = x², grad 2x, lr 0.1: x ← x − 0.2x = 0.8x; from 1: 0.8, 0.64, 0.512. Adam's step at the same lr stays ≈ 0.1.
    const x = Float32Array.of(1);
    const sgd = new Sgd([flatLayout(1)], { learningRate: 0.1 });
    const adamX = Float32Array.of(1);
    const adam = new Adam([flatLayout(1)], { learningRate: 0.1 });
    for (const want of [0.8, 0.64, 0.512]) {
      sgd.apply([x], [Float32Array.of(2 * x[0]!)]);
      expect(x[0]).toBeCloseTo(want, 6);
      adam.apply([adamX], [Float32Array.of(2 * adamX[0]!)]);
    }
    // Adam moved ≈ 0.1 a step (0.298 over three) while SGD's steps fell 0.2, 0.16, 0.128.
    expect(1 - adamX[0]!).toBeCloseTo(0.3, 2);
    // The clipping factor multiplies the gradient: g 4, scale 0.5, lr 0.1 → step 0.2.
    const y = Float32Array.of(3);
    new Sgd([flatLayout(1)], { learningRate: 0.1 }).apply([y], [Float32Array.of(4)], 0.5);
    expect(y[0]).toBeCloseTo(2.8, 6);
  });

  it('with momentum follows torch.optim.SGD (b ← μb + g, p ← p − lr·b) and resumes exactly from its checkpoint', () => {
    // Constant gradient 1, lr 0.1, μ 0.5: b = 1, 1.5, 1.75 → p = 0 − 0.1, −0.25, −0.425.
    const p = Float32Array.of(0, 0);
    const layouts = [flatLayout(2)];
    const sgd = new Sgd(layouts, { learningRate: 0.1, momentum: 0.5 });
    const g = Float32Array.of(1, -2);
    for (const want of [-0.1, -0.25, -0.425]) {
      sgd.apply([p], [g]);
      expect(p[0]).toBeCloseTo(want, 6);
      expect(p[1]).toBeCloseTo(-2 * want, 6);
    }
    const state = JSON.parse(JSON.stringify(sgd.toJSON()));
    expect(state.t).toBe(3);
    const copy = new Sgd(layouts, { learningRate: 0.1, momentum: 0.5 });
    copy.load(state);
    const q = Float32Array.from(p);
    sgd.apply([p], [g]);
    copy.apply([q], [g]);
    expect(Array.from(q)).toEqual(Array.from(p));
    // b = 1.875 → −0.6125.
    expect(p[0]).toBeCloseTo(-0.6125, 6);
    // No momentum: nothing but the counter and the rate is stored.
    expect(new Sgd(layouts, { learningRate: 0.1 }).toJSON()).toEqual({ t: 0, learningRate: 0.1 });
  });

  it('refuses a step that would make a weight non-finite and leaves weights and velocity unchanged', () => {
    const a = Float32Array.of(1, 2);
    const sgd = new Sgd([flatLayout(2)], { learningRate: 1e39, momentum: 0.9 });
    expect(sgd.apply([a], [Float32Array.of(1, 1)])).toBe(false);
    expect(Array.from(a)).toEqual([1, 2]);
    expect(sgd.t).toBe(0);
    sgd.learningRate = 1;
    // The refused step left the velocity at 0: this step is exactly −g.
    expect(sgd.apply([a], [Float32Array.of(1, 1)])).toBe(true);
    expect(Array.from(a)).toEqual([0, 1]);
  });
});

describe('ReplayBuffer', () => {
  it('overwrites the oldest entry when full and samples only stored entries', () => {
    const rb = new ReplayBuffer(3, 1);
    for (let k = 0; k < 5; k++) rb.add(Float32Array.of(k), Float32Array.of(k + 10), 0, k, k, 0, 0);
    expect(rb.size).toBe(3);
    expect(Array.from(rb.obs).sort()).toEqual([2, 3, 4]);
    const idx = new Int32Array(100);
    rb.sample(Rng.from(3).state, idx);
    for (const i of idx) expect(i >= 0 && i < 3).toBe(true);
    const copy = new ReplayBuffer(3, 1);
    copy.load(JSON.parse(JSON.stringify(rb.toJSON())));
    expect(copy.nextObs).toEqual(rb.nextObs);
    expect(copy.pos).toBe(rb.pos);
  });
});

describe('action heads', () => {
  it('categorical sampling follows the softmax and log-probabilities match it', () => {
    const head = makeActionHead(discrete(3));
    const logits = Float32Array.of(0, 1, 2);
    const p = [1, Math.E, Math.E ** 2].map((x) => x / (1 + Math.E + Math.E ** 2));
    const rows = 20000;
    const out = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) out.set(logits, r * 3);
    const raw = new Float32Array(rows);
    const actions = new Float64Array(rows);
    head.sample(out, rows, Rng.from(4).state, false, raw, actions);
    for (let a = 0; a < 3; a++) expect(actions.filter((x) => x === a).length / rows).toBeCloseTo(p[a]!, 1);
    head.sample(out, 1, Rng.from(4).state, true, raw, actions);
    expect(actions[0]).toBe(2);
    const lp = new Float32Array(1);
    const ent = new Float32Array(1);
    head.logProbEntropy(logits, Float32Array.of(1), 1, lp, ent);
    expect(lp[0]).toBeCloseTo(Math.log(p[1]!), 5);
    expect(ent[0]).toBeCloseTo(-p.reduce((s, x) => s + x * Math.log(x), 0), 5);
  });

  it('multi-discrete log-probability is the sum over slots', () => {
    const head = makeActionHead(multiDiscrete([2, 3]));
    const lp = new Float32Array(1);
    const ent = new Float32Array(1);
    head.logProbEntropy(new Float32Array(5), Float32Array.of(1, 2), 1, lp, ent);
    expect(lp[0]).toBeCloseTo(Math.log(1 / 2) + Math.log(1 / 3), 5);
    expect(ent[0]).toBeCloseTo(Math.log(2) + Math.log(3), 5);
  });

  it('Gaussian actions are mapped into finite bounds and the log-density matches the formula', () => {
    const head = makeActionHead(box([0, -Infinity], [10, Infinity], 2), Math.log(0.5));
    const raw = new Float32Array(2);
    const actions = new Float64Array(2);
    head.sample(Float32Array.of(0.5, 7), 1, Rng.from(5).state, true, raw, actions);
    expect(Array.from(actions)).toEqual([7.5, 7]);
    head.sample(Float32Array.of(3, 7), 1, Rng.from(5).state, true, raw, actions);
    expect(actions[0]).toBe(10);
    const lp = new Float32Array(1);
    const ent = new Float32Array(1);
    head.logProbEntropy(new Float32Array(2), Float32Array.of(0.5, -1), 1, lp, ent);
    const want = [0.5, -1].reduce((s, x) => s - 0.5 * (x / 0.5) ** 2 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI), 0);
    expect(lp[0]).toBeCloseTo(want, 4);
  });
});
