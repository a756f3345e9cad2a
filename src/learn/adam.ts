/**
 * Adam (Kingma & Ba 2015) with PyTorch's update rule, gradient clipping by global norm (PPO's
 * max_grad_norm) and a NaN/Inf check before any weight changes. Parameters, gradients and moments
 * are Float32Arrays updated by one loop per array (the networks expose their parameters as arrays:
 * src/learn/net.ts). Why not tf.train.adam: (1) per-op dispatch costs ~15–50 µs in tfjs here, and
 * a tensor-op Adam needs ~10 ops per variable (140 for a 2×64 actor-critic); measured on a 2×64
 * actor+critic at batch 64 (wasm) the tensor-op version took 1.7–5.9 ms per step, this one well
 * under 1 ms; (2) checkpoints need the optimizer state synchronously.
 */
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';

/** Adam hyperparameters. */
export interface AdamConfig {
  readonly learningRate: number;
  readonly beta1?: number;
  readonly beta2?: number;
  /** CleanRL's PPO uses 1e-5 rather than the usual 1e-8. */
  readonly epsilon?: number;
}

/**
 * How a parameter array is stored: a logical [rows × cols] matrix (a bias is one row) in a
 * Float32Array of `length` entries with row stride `stride` ≥ cols (the SIMD network pads rows and
 * columns; src/learn/dense.ts). Checkpoints store the logical matrix, so they do not depend on
 * the network implementation.
 */
export interface ParamLayout {
  readonly rows: number;
  readonly cols: number;
  readonly stride: number;
  readonly length: number;
}

/** A plain array of n values. */
export const flatLayout = (n: number): ParamLayout => ({ rows: 1, cols: n, stride: n, length: n });

/** The logical [rows × cols] values of a stored array (a copy). */
export function packParam(a: Float32Array, l: ParamLayout): Float32Array {
  const out = new Float32Array(l.rows * l.cols);
  for (let r = 0; r < l.rows; r++) out.set(a.subarray(r * l.stride, r * l.stride + l.cols), r * l.cols);
  return out;
}

/** Write logical values into a stored array (its padding is left as it is: zero). */
export function unpackParam(src: Float32Array, l: ParamLayout, dst: Float32Array): void {
  for (let r = 0; r < l.rows; r++) dst.set(src.subarray(r * l.cols, (r + 1) * l.cols), r * l.stride);
}

/** Adam state for a fixed list of parameter arrays (given by their layouts). */
export class Adam {
  /** Current learning rate (schedules assign it). */
  learningRate: number;
  /** Update count. */
  t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** The stepped parameters before they are known to be finite. */
  private readonly next: Float32Array[];
  private readonly layouts: readonly ParamLayout[];

  constructor(layouts: readonly ParamLayout[], config: AdamConfig) {
    this.layouts = layouts;
    const sizes = layouts.map((l) => l.length);
    this.learningRate = config.learningRate;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-8;
    this.m = sizes.map((n) => new Float32Array(n));
    this.v = sizes.map((n) => new Float32Array(n));
    this.next = sizes.map((n) => new Float32Array(n));
  }

  /**
   * Step `params` in place by `grads` (same order and sizes as the constructor's) multiplied by
   * `scale` (the clipping factor, 1 for none). Returns false, leaving every parameter unchanged,
   * if the step would make a weight NaN or infinite (the caller reports the divergence; the
   * weights stay the last good ones).
   */
  apply(params: readonly Float32Array[], grads: readonly Float32Array[], scale = 1): boolean {
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const bc1 = 1 - b1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    const stepSize = this.learningRate / bc1;
    const eps = this.epsilon;
    for (let k = 0; k < params.length; k++) {
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      const p = params[k]!;
      const q = this.next[k]!;
      let sum = 0;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]! * scale;
        m[i] = b1 * m[i]! + (1 - b1) * gi;
        v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
        q[i] = p[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / sqrtBc2 + eps);
        sum += q[i]!;
      }
      if (!Number.isFinite(sum)) return false;
    }
    for (let k = 0; k < params.length; k++) params[k]!.set(this.next[k]!);
    return true;
  }

  /** State for checkpoints. */
  toJSON(): { t: number; learningRate: number; m: EncodedF32[]; v: EncodedF32[] } {
    const pack = (xs: Float32Array[]): EncodedF32[] => xs.map((x, k) => encodeF32(packParam(x, this.layouts[k]!)));
    return { t: this.t, learningRate: this.learningRate, m: pack(this.m), v: pack(this.v) };
  }

  /** Restore state written by `toJSON`. */
  load(data: { t: number; learningRate: number; m: EncodedF32[]; v: EncodedF32[] }): void {
    this.t = data.t;
    this.learningRate = data.learningRate;
    const restore = (into: Float32Array[], from: EncodedF32[]): void =>
      into.forEach((x, k) => {
        const a = decodeF32(from[k]!);
        const l = this.layouts[k]!;
        if (a.length !== l.rows * l.cols) throw new RangeError(`optimizer state ${k} has ${a.length} values, the network expects ${l.rows * l.cols}`);
        unpackParam(a, l, x);
      });
    restore(this.m, data.m);
    restore(this.v, data.v);
  }
}

/** Global L2 norm of a list of gradient arrays (NaN or Inf if any entry is). */
export function globalNorm(grads: readonly ArrayLike<number>[]): number {
  let sq = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
  return Math.sqrt(sq);
}

/** Clipping factor for a gradient of norm `norm` under `maxNorm` (torch's clip_grad_norm_). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}
