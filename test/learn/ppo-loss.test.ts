/**
 * Differential test: the JavaScript PPO loss and action-head derivatives (src/learn/ppo-loss.ts,
 * src/learn/action-head.ts) against a plain tfjs autodiff reference of the same loss (CleanRL's
 * ppo.py written with tf ops), on seeded random minibatches where clipping is active for a good
 * share of rows. Values and gradients must agree to float32 tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { box, discrete, multiDiscrete, type Space } from '../../src/core/spaces.js';
import { makeActionHead } from '../../src/learn/action-head.js';
import { ppoLoss, type PpoLossCoefs } from '../../src/learn/ppo-loss.js';
import { setupBackend } from './helpers.js';

beforeAll(setupBackend);

/** Reference log-probability and entropy with tf ops (the formulas of torch.distributions). */
function tfLogProbEntropy(space: Space, out: tf.Tensor2D, raw: tf.Tensor2D, logStd: tf.Tensor1D | undefined): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
  const rows = out.shape[0];
  if (space.kind === 'box') {
    const z = tf.div(tf.sub(raw, out), tf.exp(logStd!));
    const k = space.size;
    const logProb = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.add(tf.sum(logStd!), 0.5 * k * Math.log(2 * Math.PI))) as tf.Tensor1D;
    const entropy = tf.add(tf.zeros([rows]), tf.add(tf.sum(logStd!), k * (0.5 + 0.5 * Math.log(2 * Math.PI)))) as tf.Tensor1D;
    return { logProb, entropy };
  }
  const nvec = space.kind === 'discrete' ? [space.n] : space.nvec;
  let logProb = tf.zeros([rows]) as tf.Tensor1D;
  let entropy = tf.zeros([rows]) as tf.Tensor1D;
  let off = 0;
  nvec.forEach((n, k) => {
    const logP = tf.logSoftmax(tf.slice(out, [0, off], [rows, n]));
    const onehot = tf.oneHot(tf.cast(tf.reshape(tf.slice(raw, [0, k], [rows, 1]), [rows]), 'int32'), n);
    logProb = tf.add(logProb, tf.sum(tf.mul(logP, onehot), 1));
    entropy = tf.sub(entropy, tf.sum(tf.mul(tf.exp(logP), logP), 1));
    off += n;
  });
  return { logProb, entropy };
}

/** Reference PPO loss (CleanRL ppo.py) with tf ops. */
function tfLoss(
  c: PpoLossCoefs,
  logProb: tf.Tensor1D,
  entropy: tf.Tensor1D,
  value: tf.Tensor1D,
  oldLogProb: tf.Tensor1D,
  adv: tf.Tensor1D,
  ret: tf.Tensor1D,
  oldV: tf.Tensor1D,
): tf.Scalar {
  const ratio = tf.exp(tf.sub(logProb, oldLogProb));
  const pg = tf.mean(tf.maximum(tf.mul(tf.neg(adv), ratio), tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - c.clipCoef, 1 + c.clipCoef))));
  let v = tf.square(tf.sub(value, ret));
  if (c.clipValueLoss) v = tf.maximum(v, tf.square(tf.sub(tf.add(oldV, tf.clipByValue(tf.sub(value, oldV), -c.clipCoef, c.clipCoef)), ret)));
  return tf.add(tf.sub(pg, tf.mul(tf.mean(entropy), c.entropyCoef)), tf.mul(tf.mul(tf.mean(v), 0.5), c.valueCoef)) as tf.Scalar;
}

const cases: [string, Space][] = [
  ['discrete', discrete(4)],
  ['multi-discrete', multiDiscrete([2, 3, 2])],
  ['box', box(-1, 1, 3)],
];

describe('PPO loss in JavaScript = tfjs autodiff reference', () => {
  for (const [name, space] of cases)
    for (const clipValueLoss of [true, false])
      it(`${name} actions, value clipping ${clipValueLoss ? 'on' : 'off'}: loss, dL/doutput, dL/dvalue, dL/dlogStd`, () => {
        const rng = Rng.from(11, name, String(clipValueLoss));
        const n = 48;
        const head = makeActionHead(space, -0.3);
        const outSize = head.outputSize;
        const out = Float32Array.from({ length: n * outSize }, () => rng.normal());
        const raw = new Float32Array(n * head.rawSize);
        head.sample(out, n, rng.state, false, raw, new Float64Array(n * head.rawSize));
        // Old log-probs perturbed so that ratios spread well beyond the clip range.
        const logProb = new Float32Array(n);
        const entropy = new Float32Array(n);
        head.logProbEntropy(out, raw, n, logProb, entropy);
        const oldLogProb = Float32Array.from(logProb, (x) => x + 0.4 * rng.normal());
        const adv = Float32Array.from({ length: n }, () => rng.normal());
        const value = Float32Array.from({ length: n }, () => rng.normal());
        const oldV = Float32Array.from(value, (x) => x + 0.4 * rng.normal());
        const ret = Float32Array.from({ length: n }, () => 2 * rng.normal());
        const c = { clipCoef: 0.2, clipValueLoss, entropyCoef: 0.05, valueCoef: 0.7 };

        const dLogProb = new Float32Array(n);
        const dEntropy = new Float32Array(n);
        const dValue = new Float32Array(n);
        const stats = new Float32Array(5);
        ppoLoss({ n, logProb, entropy, oldLogProb, advantages: adv, values: value, oldValues: oldV, returns: ret }, c, dLogProb, dEntropy, dValue, stats);
        const dOut = new Float32Array(n * outSize);
        const dVars = head.params.map((p) => new Float32Array(p.length));
        head.backward(out, raw, n, dLogProb, dEntropy, dOut, dVars);
        expect(stats[4]).toBeGreaterThan(0.1); // clipping really happens in this fixture

        const logStd = head.params[0];
        const ref = tf.tidy(() => {
          const t1 = (a: Float32Array): tf.Tensor1D => tf.tensor1d(a);
          const rawT = tf.tensor2d(raw, [n, head.rawSize]);
          const f = (o: tf.Tensor, v: tf.Tensor, ls?: tf.Tensor): tf.Scalar => {
            const lp = tfLogProbEntropy(space, o as tf.Tensor2D, rawT, ls as tf.Tensor1D | undefined);
            return tfLoss(c, lp.logProb, lp.entropy, v as tf.Tensor1D, t1(oldLogProb), t1(adv), t1(ret), t1(oldV));
          };
          const args = [tf.tensor2d(out, [n, outSize]), t1(value), ...(logStd ? [tf.tensor1d(logStd)] : [])];
          const loss = f(args[0]!, args[1]!, args[2]).dataSync()[0]!;
          const [gOut, gV, gLs] = tf
            .grads((...a: tf.Tensor[]) => f(a[0]!, a[1]!, a[2]))(args)
            .map((g) => g.dataSync());
          return { loss, gOut: gOut!, gV: gV!, gLs };
        });
        const jsLoss = stats[0]! - c.entropyCoef * stats[2]! + c.valueCoef * stats[1]!;
        expect(jsLoss).toBeCloseTo(ref.loss, 4);
        for (let i = 0; i < dOut.length; i++) expect(dOut[i]).toBeCloseTo(ref.gOut[i]!, 5);
        for (let i = 0; i < n; i++) expect(dValue[i]).toBeCloseTo(ref.gV[i]!, 5);
        if (space.kind === 'box') for (let k = 0; k < space.size; k++) expect(dVars[0]![k]).toBeCloseTo(ref.gLs![k]!, 4);
      });
});
