/**
 * A multilayer perceptron as a flat list of tfjs variables [W0, b0, W1, b1, ...], initialised in
 * JavaScript from a seeded tacit stream (orthogonal weights with a per-layer gain, zero biases, as
 * CleanRL's `layer_init`), so initialisation never touches tfjs's own RNG (whose seed 0 means
 * "unseeded"). Learners compute dL/doutput themselves and call `backward`, so no tfjs tape is
 * involved in training. `apply`, `forward` and `backward` must be called inside `tf.tidy`.
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

/** What `Mlp.forward` keeps for `Mlp.backward`. */
export interface MlpTrace {
  /** The input of each layer (the network input, then each hidden activation). */
  readonly inputs: tf.Tensor2D[];
  readonly output: tf.Tensor2D;
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
    return this.forward(x).output;
  }

  /** Forward pass keeping each layer's input for `backward`. Call inside tf.tidy. */
  forward(x: tf.Tensor2D): MlpTrace {
    const v = this.variables;
    const nLayers = v.length / 2;
    const inputs: tf.Tensor2D[] = [];
    let h = x;
    for (let l = 0; l < nLayers; l++) {
      inputs.push(h);
      const W = v[2 * l] as tf.Tensor2D;
      const b = v[2 * l + 1]!;
      if (l + 1 === nLayers) return { inputs, output: tf.fused.matMul({ a: h, b: W, bias: b }) as tf.Tensor2D };
      h = (
        this.spec.activation === 'relu' ? tf.fused.matMul({ a: h, b: W, bias: b, activation: 'relu' }) : tanh(tf.fused.matMul({ a: h, b: W, bias: b }))
      ) as tf.Tensor2D;
    }
    throw new Error('unreachable: an MLP has at least one layer');
  }

  /**
   * Backpropagate dL/doutput through the trace of `forward`; returns dL/dθ in `variables` order.
   * Written out (rather than tf.variableGrads) because the learners compute dL/doutput themselves,
   * and tfjs's tape adds ~2 bookkeeping kernels per op; the explicit transposes are also faster
   * on wasm than matMul's transpose flags (measured on 64×64 operands: 0.80 ms for dy·Wᵀ via
   * transposeB against 0.17 ms with tf.transpose first). Call inside tf.tidy.
   */
  backward(trace: MlpTrace, dOutput: tf.Tensor2D): tf.Tensor[] {
    const v = this.variables;
    const nLayers = v.length / 2;
    const grads: tf.Tensor[] = new Array(v.length);
    let delta = dOutput;
    for (let l = nLayers - 1; l >= 0; l--) {
      const input = trace.inputs[l]!;
      grads[2 * l] = tf.matMul(tf.transpose(input), delta);
      grads[2 * l + 1] = tf.sum(delta, 0);
      if (l === 0) break;
      const dInput = tf.matMul(delta, tf.transpose(v[2 * l] as tf.Tensor2D));
      // input = act(z) of the layer below: tanh' = 1 − tanh², relu' = 1 where positive.
      delta = (this.spec.activation === 'relu' ? tf.mul(dInput, tf.step(input)) : tf.mul(dInput, tf.sub(1, tf.square(input)))) as tf.Tensor2D;
    }
    return grads;
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
 * tanh. On wasm, for tensors of 2048 elements or more, it is computed as 2·sigmoid(2x) − 1: the
 * wasm backend's Tanh kernel is scalar while its Sigmoid is vectorised, measured on a 1024×64
 * tensor at 1.31 ms against 0.24 ms of CPU for the four-op form (tanh was most of a 1024-row
 * forward pass). Below that size the three extra kernels cost more than they save (measured on
 * [rows, 64]: 28 against 22 µs at 32 rows, 18 µs for plain tanh at 8 rows). Same value to float32
 * rounding; other backends use their own Tanh.
 */
function tanh(x: tf.Tensor): tf.Tensor {
  if (x.size < 2048 || tf.getBackend() !== 'wasm') return tf.tanh(x);
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

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
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[c * n + r]! : q[r * n + c]!);
  return out;
}
