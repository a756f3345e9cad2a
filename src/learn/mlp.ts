/**
 * A multilayer perceptron as a flat list of tfjs variables [W0, b0, W1, b1, ...], initialised in
 * JavaScript from a seeded tacit stream (orthogonal weights with a per-layer gain, zero biases, as
 * CleanRL's `layer_init`), so initialisation never touches tfjs's own RNG (whose seed 0 means
 * "unseeded"). `apply` must be called inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng.js';
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';

/** Shape and initialisation of an MLP. */
export interface MlpSpec {
  readonly inputSize: number;
  /** Widths of the hidden layers, e.g. [64, 64]. */
  readonly hidden: readonly number[];
  readonly outputSize: number;
  readonly activation: 'tanh' | 'relu';
  /** Gain of the orthogonal init of the output layer (CleanRL: 0.01 policy head, 1 value head). */
  readonly outputGain: number;
}

/** An MLP's parameters as tfjs variables. */
export class Mlp {
  readonly spec: MlpSpec;
  /** [W0, b0, W1, b1, ...]; W_l has shape [in, out]. */
  readonly variables: tf.Variable[];

  constructor(spec: MlpSpec, rng: Rng) {
    this.spec = spec;
    const sizes = [spec.inputSize, ...spec.hidden, spec.outputSize];
    this.variables = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const last = l + 2 === sizes.length;
      const w = orthogonal(sizes[l]!, sizes[l + 1]!, last ? spec.outputGain : Math.SQRT2, rng);
      // tidy disposes the initial-value tensors; variables survive it.
      tf.tidy(() => {
        this.variables.push(tf.variable(tf.tensor2d(w, [sizes[l]!, sizes[l + 1]!]), true));
        this.variables.push(tf.variable(tf.zeros([sizes[l + 1]!]), true));
      });
    }
  }

  /** Forward pass: [rows, inputSize] → [rows, outputSize]. Call inside tf.tidy. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const v = this.variables;
    const nLayers = v.length / 2;
    let h = x;
    for (let l = 0; l < nLayers; l++) {
      const z = dense(h, v[2 * l]!, v[2 * l + 1]!) as tf.Tensor2D;
      if (l + 1 === nLayers) return z;
      h = this.spec.activation === 'relu' ? tf.relu(z) : tf.tanh(z);
    }
    return h;
  }

  /** Copy another MLP's weights of the same shape (target networks). */
  copyFrom(other: Mlp): void {
    for (let k = 0; k < this.variables.length; k++) this.variables[k]!.assign(other.variables[k]!);
  }

  /** Weights for checkpoints. */
  toJSON(): EncodedF32[] {
    return this.variables.map((v) => encodeF32(v.dataSync() as Float32Array));
  }

  /** Restore weights written by `toJSON`. */
  load(data: readonly EncodedF32[]): void {
    if (data.length !== this.variables.length) throw new RangeError(`checkpoint has ${data.length} weight arrays, the network has ${this.variables.length}`);
    this.variables.forEach((v, k) => {
      const a = decodeF32(data[k]!);
      if (a.length !== v.size) throw new RangeError(`checkpoint weight ${k} has ${a.length} values, the network expects ${v.size} (shape ${v.shape})`);
      tf.tidy(() => v.assign(tf.tensor(a, v.shape)));
    });
  }

  /** Release the variables. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/**
 * x·W + b with a hand-written gradient that transposes explicitly. tfjs's own matMul gradient
 * calls matMul with transposeA/transposeB, which the wasm backend runs 2–5× slower than an
 * explicit transpose followed by a plain matMul (measured on 64×64 operands: 0.80 ms for
 * dy·Wᵀ via transposeB against 0.17 ms with tf.transpose first), and the backward pass was
 * most of a PPO minibatch step.
 */
const dense = tf.customGrad((x, W, b, save) => {
  const xs = x as tf.Tensor2D;
  const Ws = W as tf.Tensor2D;
  (save as (t: tf.Tensor[]) => void)([xs, Ws]);
  return {
    value: tf.fused.matMul({ a: xs, b: Ws, bias: b as tf.Tensor }),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sW] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [tf.matMul(d, tf.transpose(sW)), tf.matMul(tf.transpose(sx), d), tf.sum(d, 0)];
    },
  };
});

/**
 * An orthogonal [rows, cols] matrix times `gain` (row-major): a Gaussian matrix orthonormalised by
 * modified Gram–Schmidt along its shorter side, as torch.nn.init.orthogonal_ does via QR.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  // m vectors of length n, orthonormalised.
  const q = new Float64Array(m * n);
  for (let k = 0; k < q.length; k++) q[k] = rng.normal();
  for (let j = 0; j < m; j++) {
    const vj = j * n;
    for (let i = 0; i < j; i++) {
      const vi = i * n;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[vi + k]! * q[vj + k]!;
      for (let k = 0; k < n; k++) q[vj + k]! -= dot * q[vi + k]!;
    }
    let norm = 0;
    for (let k = 0; k < n; k++) norm += q[vj + k]! * q[vj + k]!;
    norm = Math.sqrt(norm);
    for (let k = 0; k < n; k++) q[vj + k]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c * n + r]! : q[r * n + c]!);
  return out;
}
