/**
 * Action distributions for policy-gradient learners, one per action-space kind:
 *  - discrete: a categorical over `n` logits;
 *  - multi-discrete: independent categoricals, one logit block per slot;
 *  - box: a diagonal Gaussian with state-independent log-std (CleanRL's continuous PPO); the
 *    network works in a unit range that is mapped to finite bounds [low, high] after clipping to
 *    [-1, 1] (infinite bounds pass the sample through).
 * Everything here runs in JavaScript on the read-back network output: sampling with the policy's
 * seeded stream (never tf.multinomial, whose implicit seed would break reproducibility), the
 * log-probability and entropy of stored actions, and their derivatives with respect to the network
 * output (which PPO feeds back into the network as a vector-Jacobian product). Why not tfjs ops:
 * each costs ~15–50 µs of dispatch here, and the loss over a minibatch of a few hundred numbers is
 * cheaper as one loop than as ~150 kernels forward and backward. test/learn/ppo-loss.test.ts checks
 * these formulas against tfjs autodiff.
 */
import { nextFloat, nextNormal } from '../core/rng.js';
import type { Space } from '../core/spaces.js';

/** The distribution over one agent's actions. */
export interface ActionHead {
  /** Width of the network output this head reads (logits, or Gaussian means). */
  readonly outputSize: number;
  /** Slots of a raw action (what training stores): indices, or unit-range Gaussian samples. */
  readonly rawSize: number;
  /** Trainable parameters the head owns (the Gaussian log-std), beyond the network's; the optimizer steps them in place. */
  readonly params: Float32Array[];
  /** From `rows` network outputs, write raw actions and environment actions (sampled, or the mode if greedy). */
  sample(output: Float32Array, rows: number, rng: Uint32Array, greedy: boolean, raw: Float32Array, actions: Float64Array): void;
  /** Per row: log-probability of `raw` actions and entropy of the distribution `output` encodes. */
  logProbEntropy(output: Float32Array, raw: Float32Array, rows: number, logProb: Float32Array, entropy: Float32Array): void;
  /**
   * Chain rule through the distribution: from dL/dlogProb and dL/dentropy per row, write dL/doutput
   * (rows × outputSize) and add dL/d(head parameter) into `dVars` (one array per `params` entry).
   */
  backward(
    output: Float32Array,
    raw: Float32Array,
    rows: number,
    dLogProb: Float32Array,
    dEntropy: Float32Array,
    dOutput: Float32Array,
    dVars: Float32Array[],
  ): void;
}

/** The head for an action space. */
export function makeActionHead(space: Space, initLogStd = 0): ActionHead {
  if (space.kind === 'discrete') return categoricalHead([space.n]);
  if (space.kind === 'multi-discrete') return categoricalHead(space.nvec);
  return gaussianHead(space.low, space.high, initLogStd);
}

function categoricalHead(nvec: readonly number[]): ActionHead {
  const outputSize = nvec.reduce((a, b) => a + b, 0);
  const slots = nvec.length;
  const maxN = Math.max(...nvec);
  const probs = new Float64Array(maxN);
  return {
    outputSize,
    rawSize: slots,
    params: [],
    sample(output, rows, rng, greedy, raw, actions) {
      for (let r = 0; r < rows; r++) {
        let off = r * outputSize;
        for (let k = 0; k < slots; k++) {
          const n = nvec[k]!;
          let best = 0;
          for (let j = 1; j < n; j++) if (output[off + j]! > output[off + best]!) best = j;
          let choice = best;
          if (!greedy) {
            // Softmax relative to the max logit (no overflow), then inverse-CDF sampling.
            const top = output[off + best]!;
            let total = 0;
            for (let j = 0; j < n; j++) total += probs[j] = Math.exp(output[off + j]! - top);
            let u = nextFloat(rng) * total;
            choice = n - 1;
            for (let j = 0; j < n; j++) {
              u -= probs[j]!;
              if (u < 0) {
                choice = j;
                break;
              }
            }
          }
          raw[r * slots + k] = choice;
          actions[r * slots + k] = choice;
          off += n;
        }
      }
    },
    logProbEntropy(output, raw, rows, logProb, entropy) {
      for (let r = 0; r < rows; r++) {
        let lp = 0;
        let ent = 0;
        let off = r * outputSize;
        for (let k = 0; k < slots; k++) {
          const n = nvec[k]!;
          const lse = logSumExp(output, off, n);
          lp += output[off + raw[r * slots + k]!]! - lse;
          for (let j = 0; j < n; j++) {
            const logP = output[off + j]! - lse;
            ent -= Math.exp(logP) * logP;
          }
          off += n;
        }
        logProb[r] = lp;
        entropy[r] = ent;
      }
    },
    backward(output, raw, rows, dLogProb, dEntropy, dOutput) {
      for (let r = 0; r < rows; r++) {
        let off = r * outputSize;
        for (let k = 0; k < slots; k++) {
          const n = nvec[k]!;
          const lse = logSumExp(output, off, n);
          let h = 0;
          for (let j = 0; j < n; j++) {
            const logP = output[off + j]! - lse;
            h -= Math.exp(logP) * logP;
          }
          const a = raw[r * slots + k]!;
          // d logπ(a)/dz_j = 1[j = a] − p_j;  dH/dz_j = −p_j (log p_j + H).
          for (let j = 0; j < n; j++) {
            const logP = output[off + j]! - lse;
            const p = Math.exp(logP);
            dOutput[off + j] = dLogProb[r]! * ((j === a ? 1 : 0) - p) - dEntropy[r]! * p * (logP + h);
          }
          off += n;
        }
      }
    },
  };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Σ exp(x[off .. off+n)), shifted by the max so it cannot overflow. */
function logSumExp(x: Float32Array, off: number, n: number): number {
  let top = x[off]!;
  for (let j = 1; j < n; j++) if (x[off + j]! > top) top = x[off + j]!;
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(x[off + j]! - top);
  return top + Math.log(sum);
}

function gaussianHead(low: Float64Array, high: Float64Array, initLogStd: number): ActionHead {
  const size = low.length;
  const logStd = new Float32Array(size).fill(initLogStd);
  const bounded = Array.from(low, (lo, k) => Number.isFinite(lo) && Number.isFinite(high[k]!));
  return {
    outputSize: size,
    rawSize: size,
    params: [logStd],
    sample(output, rows, rng, greedy, raw, actions) {
      const std = logStd;
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < size; k++) {
          const i = r * size + k;
          const u = greedy ? output[i]! : output[i]! + Math.exp(std[k]!) * nextNormal(rng);
          raw[i] = u;
          if (bounded[k]) {
            const c = u > 1 ? 1 : u < -1 ? -1 : u;
            actions[i] = low[k]! + ((c + 1) / 2) * (high[k]! - low[k]!);
          } else actions[i] = u;
        }
    },
    logProbEntropy(output, raw, rows, logProb, entropy) {
      const ls = logStd;
      let sumLogStd = 0;
      for (let k = 0; k < size; k++) sumLogStd += ls[k]!;
      for (let r = 0; r < rows; r++) {
        let sq = 0;
        for (let k = 0; k < size; k++) {
          const z = (raw[r * size + k]! - output[r * size + k]!) / Math.exp(ls[k]!);
          sq += z * z;
        }
        logProb[r] = -0.5 * sq - sumLogStd - size * HALF_LOG_2PI;
        entropy[r] = sumLogStd + size * (0.5 + HALF_LOG_2PI);
      }
    },
    backward(output, raw, rows, dLogProb, dEntropy, dOutput, dVars) {
      const ls = logStd;
      const dLogStd = dVars[0]!;
      for (let r = 0; r < rows; r++)
        for (let k = 0; k < size; k++) {
          const i = r * size + k;
          const std = Math.exp(ls[k]!);
          const z = (raw[i]! - output[i]!) / std;
          // d logπ/dμ = z/σ;  d logπ/d logσ = z² − 1;  dH/d logσ = 1.
          dOutput[i] = (dLogProb[r]! * z) / std;
          dLogStd[k] = dLogStd[k]! + dLogProb[r]! * (z * z - 1) + dEntropy[r]!;
        }
    },
  };
}
