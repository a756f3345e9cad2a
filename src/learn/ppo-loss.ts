/**
 * PPO's minibatch loss and its derivatives, in JavaScript over the network outputs read back from
 * tfjs (CleanRL ppo.py semantics):
 *
 *   L = mean(max(−A·r, −A·clip(r, 1−ε, 1+ε)))  − c_ent · mean(H)  + c_v · ½ · mean(max((V−R)², (V_clip−R)²))
 *
 * with r = exp(logπ − logπ_old) and V_clip = V_old + clip(V − V_old, −ε, ε) (or plain (V−R)² when
 * value clipping is off). The derivatives with respect to logπ, H and V per row follow tfjs's
 * conventions for max (ties go to the first argument) and clip (gradient 1 inside the closed
 * interval), so they equal what tfjs autodiff gives for the same loss (checked in
 * test/learn/ppo-loss.test.ts). PPO then pushes dL/doutput into the networks as a
 * vector-Jacobian product, one tfjs backward pass through the MLPs and no loss kernels at all.
 */

/** One minibatch's per-row inputs (length ≥ n). */
export interface PpoLossInput {
  readonly n: number;
  /** logπ(a) under the current policy. */
  readonly logProb: Float32Array;
  /** Entropy of the current policy at each row. */
  readonly entropy: Float32Array;
  readonly oldLogProb: Float32Array;
  /** Advantages (already normalised if configured). */
  readonly advantages: Float32Array;
  /** V(s) under the current critic. */
  readonly values: Float32Array;
  readonly oldValues: Float32Array;
  readonly returns: Float32Array;
}

/** PPO's loss coefficients. */
export interface PpoLossCoefs {
  readonly clipCoef: number;
  readonly clipValueLoss: boolean;
  readonly entropyCoef: number;
  readonly valueCoef: number;
}

/** Indices of the statistics `ppoLoss` writes. */
export const PPO_STATS = ['loss/policy', 'loss/value', 'entropy', 'approxKl', 'clipFrac'] as const;

/**
 * Write dL/dlogπ, dL/dH and dL/dV per row, and the statistics [policy loss, value loss, mean
 * entropy, approximate KL, clip fraction] into `stats`.
 */
export function ppoLoss(x: PpoLossInput, c: PpoLossCoefs, dLogProb: Float32Array, dEntropy: Float32Array, dValue: Float32Array, stats: Float32Array): void {
  const n = x.n;
  const eps = c.clipCoef;
  let pg = 0;
  let vl = 0;
  let ent = 0;
  let kl = 0;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const logRatio = x.logProb[i]! - x.oldLogProb[i]!;
    const ratio = Math.exp(logRatio);
    const adv = x.advantages[i]!;
    const rc = ratio < 1 - eps ? 1 - eps : ratio > 1 + eps ? 1 + eps : ratio;
    const unclipped = -adv * ratio;
    const clippedTerm = -adv * rc;
    let dRatio: number;
    if (unclipped >= clippedTerm) {
      pg += unclipped;
      dRatio = -adv;
    } else {
      pg += clippedTerm;
      dRatio = ratio >= 1 - eps && ratio <= 1 + eps ? -adv : 0;
    }
    dLogProb[i] = (dRatio * ratio) / n;
    kl += ratio - 1 - logRatio;
    if (Math.abs(ratio - 1) > eps) clipped++;
    ent += x.entropy[i]!;
    dEntropy[i] = -c.entropyCoef / n;

    const v = x.values[i]!;
    const ret = x.returns[i]!;
    const d = v - ret;
    let dv = 2 * d;
    let sq = d * d;
    if (c.clipValueLoss) {
      const old = x.oldValues[i]!;
      const delta = v - old;
      const vc = old + (delta < -eps ? -eps : delta > eps ? eps : delta);
      const dc = vc - ret;
      if (dc * dc > sq) {
        sq = dc * dc;
        dv = delta >= -eps && delta <= eps ? 2 * dc : 0;
      }
    }
    vl += sq;
    dValue[i] = (0.5 * c.valueCoef * dv) / n;
  }
  stats[0] = pg / n;
  stats[1] = (0.5 * vl) / n;
  stats[2] = ent / n;
  stats[3] = kl / n;
  stats[4] = clipped / n;
}
