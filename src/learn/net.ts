/**
 * The network interface the neural learners train through, and the factory that picks its
 * implementation from the active backend (src/learn/backend.ts):
 *  - backend `simd` (the default): `DenseMlp`, tacit's WebAssembly SIMD kernels;
 *  - a tfjs backend (`tensorflow`, `wasm`, `cpu`, when forced): `TfjsNet`, the tfjs `Mlp` — the
 *    reference implementation the fast one is tested against (test/learn/dense.test.ts).
 * Both initialise identically from the same stream and write the same checkpoint layout; their
 * outputs agree to float32 rounding, not bit for bit, so a run is reproducible per backend. Checkpoints
(weights and optimizer state) use the logical, unpadded layout, so either reads the other's.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../core/rng.js';
import { flatLayout, type ParamLayout } from './adam.js';
import { requireBackend } from './backend.js';
import { DenseMlp } from './dense.js';
import { Mlp, type MlpSpec, type MlpTrace } from './mlp.js';
import type { EncodedF32 } from './serialize.js';

/** An MLP trained on Float32Arrays. */
export interface Net {
  readonly spec: MlpSpec;
  /** Parameter arrays [W0, b0, W1, b1, ...] (an implementation may pad them); change them in place, then `commit()`. */
  readonly params: Float32Array[];
  /** How each of `params` is stored (for the optimizer's implementation-independent checkpoints). */
  readonly layout: readonly ParamLayout[];
  /** dL/dparams from the last `backward`, same layout as `params`. */
  readonly grads: Float32Array[];
  /** Training forward pass over `rows` rows of x ([rows × inputSize]); returns the output (its first rows × outputSize entries). */
  forward(x: Float32Array, rows: number): Float32Array;
  /** Backpropagate dL/doutput ([rows × outputSize], rows of the last `forward`) into `grads`. */
  backward(dOut: Float32Array): void;
  /** Inference: `rows` rows of x into `out` ([rows × outputSize]). */
  predict(x: Float32Array, rows: number, out: Float32Array): void;
  /** Publish in-place changes of `params` to the computation. */
  commit(): void;
  /** Copy the weights of a network of the same shape and implementation. */
  copyFrom(other: Net): void;
  /** Weights as [W0 (in×out), b0, ...], unpadded. */
  toJSON(): EncodedF32[];
  load(data: readonly EncodedF32[]): void;
  dispose(): void;
}

/** A network for the active backend. */
export function createNet(spec: MlpSpec, rng: Rng): Net {
  return requireBackend() === 'simd' ? new SimdNet(spec, rng) : new TfjsNet(spec, rng);
}

class SimdNet extends DenseMlp implements Net {
  commit(): void {}
  copyFrom(other: Net): void {
    for (let k = 0; k < this.params.length; k++) this.params[k]!.set(other.params[k]!);
  }
}

/** The tfjs `Mlp` behind the Float32Array interface; `params` are copies uploaded by `commit`. */
export class TfjsNet implements Net {
  readonly spec: MlpSpec;
  readonly mlp: Mlp;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  readonly layout: readonly ParamLayout[];
  private trace: MlpTrace | undefined;

  constructor(spec: MlpSpec, rng: Rng) {
    this.spec = spec;
    this.mlp = new Mlp(spec, rng);
    this.params = this.mlp.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
    this.grads = this.mlp.variables.map((v) => new Float32Array(v.size));
    this.layout = this.mlp.variables.map((v) =>
      v.shape.length === 2 ? { rows: v.shape[0]!, cols: v.shape[1]!, stride: v.shape[1]!, length: v.size } : flatLayout(v.size),
    );
  }

  forward(x: Float32Array, rows: number): Float32Array {
    this.release();
    const inSize = this.spec.inputSize;
    const trace = tf.tidy(() => {
      const t = this.mlp.forward(tf.tensor2d(x.subarray(0, rows * inSize), [rows, inSize]));
      return { inputs: t.inputs, output: t.output };
    });
    this.trace = trace as MlpTrace;
    return this.trace.output.dataSync() as Float32Array;
  }

  backward(dOut: Float32Array): void {
    const trace = this.trace;
    if (trace === undefined) throw new Error('TfjsNet.backward without a forward pass');
    const rows = trace.output.shape[0];
    const outSize = this.spec.outputSize;
    const grads = tf.tidy(() => this.mlp.backward(trace, tf.tensor2d(dOut.subarray(0, rows * outSize), [rows, outSize])));
    grads.forEach((g, k) => this.grads[k]!.set(g.dataSync() as Float32Array));
    tf.dispose(grads);
    this.release();
  }

  predict(x: Float32Array, rows: number, out: Float32Array): void {
    const inSize = this.spec.inputSize;
    const y = tf.tidy(() => this.mlp.apply(tf.tensor2d(x.subarray(0, rows * inSize), [rows, inSize])));
    out.set(y.dataSync() as Float32Array);
    y.dispose();
  }

  commit(): void {
    this.mlp.variables.forEach((v, k) => tf.tidy(() => v.assign(tf.tensor(this.params[k]!, v.shape))));
  }

  copyFrom(other: Net): void {
    for (let k = 0; k < this.params.length; k++) this.params[k]!.set(other.params[k]!);
    this.commit();
  }

  toJSON(): EncodedF32[] {
    return this.mlp.toJSON();
  }

  load(data: readonly EncodedF32[]): void {
    this.mlp.load(data);
    this.mlp.variables.forEach((v, k) => this.params[k]!.set(v.dataSync() as Float32Array));
  }

  dispose(): void {
    this.release();
    this.mlp.dispose();
  }

  private release(): void {
    if (this.trace === undefined) return;
    tf.dispose([...this.trace.inputs, this.trace.output]);
    this.trace = undefined;
  }
}
