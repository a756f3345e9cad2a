/**
 * Plain stochastic gradient descent, optionally with heavy-ball momentum (PyTorch's torch.optim.SGD
 * with dampening 0, no Nesterov, no weight decay): b ← μ·b + g, p ← p − lr·b (μ = 0: p ← p − lr·g).
 * Why beside Adam: Adam's step m/√v stays about lr per step on every weight however small the
 * gradient's mean is under noise, so a network whose fit is already good keeps moving at a fixed
 * rate; SGD's step is proportional to the gradient and shrinks as the fit improves, as tabular
 * Q-learning's α·(TD error) does. Same parameter layouts, clipping factor, NaN/Inf check and
 * checkpoint encoding as src/learn/adam.ts.
 */
import { packParam, unpackParam, type ParamLayout } from './adam.js';
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';

/** SGD hyperparameters. */
export interface SgdConfig {
  readonly learningRate: number;
  /** Heavy-ball momentum μ in [0, 1) (0: none, and no velocity is stored). */
  readonly momentum?: number;
}

/** What `Sgd.toJSON` writes (velocity only with momentum). */
export interface SgdState {
  t: number;
  learningRate: number;
  velocity?: EncodedF32[];
}

/** SGD state for a fixed list of parameter arrays (given by their layouts). */
export class Sgd {
  /** Current learning rate (schedules assign it). */
  learningRate: number;
  /** Update count. */
  t = 0;
  private readonly momentum: number;
  private readonly velocity: Float32Array[];
  /** The stepped parameters before they are known to be finite. */
  private readonly next: Float32Array[];
  private readonly layouts: readonly ParamLayout[];

  constructor(layouts: readonly ParamLayout[], config: SgdConfig) {
    this.layouts = layouts;
    this.learningRate = config.learningRate;
    this.momentum = config.momentum ?? 0;
    this.velocity = this.momentum > 0 ? layouts.map((l) => new Float32Array(l.length)) : [];
    this.next = layouts.map((l) => new Float32Array(l.length));
  }

  /**
   * Step `params` in place by `grads` multiplied by `scale` (the clipping factor). Returns false,
   * leaving every parameter and the velocity unchanged, if the step would make a weight NaN or
   * infinite (as Adam.apply).
   */
  apply(params: readonly Float32Array[], grads: readonly Float32Array[], scale = 1): boolean {
    const lr = this.learningRate;
    const mu = this.momentum;
    for (let k = 0; k < params.length; k++) {
      const g = grads[k]!;
      const p = params[k]!;
      const q = this.next[k]!;
      let sum = 0;
      if (mu > 0) {
        const b = this.velocity[k]!;
        for (let i = 0; i < p.length; i++) {
          q[i] = p[i]! - lr * (mu * b[i]! + g[i]! * scale);
          sum += q[i]!;
        }
      } else {
        for (let i = 0; i < p.length; i++) {
          q[i] = p[i]! - lr * g[i]! * scale;
          sum += q[i]!;
        }
      }
      if (!Number.isFinite(sum)) return false;
    }
    // Finite: commit the velocity (b ← μ·b + g) and the weights.
    if (mu > 0)
      for (let k = 0; k < params.length; k++) {
        const g = grads[k]!;
        const b = this.velocity[k]!;
        for (let i = 0; i < b.length; i++) b[i] = mu * b[i]! + g[i]! * scale;
      }
    for (let k = 0; k < params.length; k++) params[k]!.set(this.next[k]!);
    this.t++;
    return true;
  }

  /** State for checkpoints. */
  toJSON(): SgdState {
    if (this.momentum === 0) return { t: this.t, learningRate: this.learningRate };
    return { t: this.t, learningRate: this.learningRate, velocity: this.velocity.map((x, k) => encodeF32(packParam(x, this.layouts[k]!))) };
  }

  /** Restore state written by `toJSON`. */
  load(data: SgdState): void {
    this.t = data.t;
    this.learningRate = data.learningRate;
    if (this.momentum === 0) return;
    if (data.velocity === undefined) throw new RangeError('optimizer state has no SGD velocity, but momentum is set');
    this.velocity.forEach((x, k) => {
      const a = decodeF32(data.velocity![k]!);
      const l = this.layouts[k]!;
      if (a.length !== l.rows * l.cols) throw new RangeError(`optimizer state ${k} has ${a.length} values, the network expects ${l.rows * l.cols}`);
      unpackParam(a, l, x);
    });
  }
}
