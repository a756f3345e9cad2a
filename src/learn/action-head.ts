/**
 * Action distributions for policy-gradient learners, one per action-space kind:
 *  - discrete: a categorical over `n` logits;
 *  - multi-discrete: independent categoricals, one logit block per slot;
 *  - box: a diagonal Gaussian with state-independent log-std (CleanRL's continuous PPO); the
 *    network works in a unit range that is mapped to finite bounds [low, high] after clipping to
 *    [-1, 1] (infinite bounds pass the sample through).
 * Sampling runs in JavaScript on the read-back network output with the policy's seeded stream
 * (never tf.multinomial, whose implicit seed would break reproducibility); log-probabilities and
 * entropies for training are tfjs ops so they differentiate.
 */
import * as tf from '@tensorflow/tfjs';
import { nextFloat, nextNormal } from '../core/rng.js';
import type { Space } from '../core/spaces.js';

/** Log-probability of given raw actions and entropy, per row. */
export interface LogProbEntropy {
  readonly logProb: tf.Tensor1D;
  readonly entropy: tf.Tensor1D;
}

/** The distribution over one agent's actions. */
export interface ActionHead {
  /** Width of the network output this head reads (logits, or Gaussian means). */
  readonly outputSize: number;
  /** Slots of a raw action (what training stores): indices, or unit-range Gaussian samples. */
  readonly rawSize: number;
  /** Trainable variables the head owns (the Gaussian log-std), beyond the network's. */
  readonly variables: tf.Variable[];
  /** From `rows` network outputs, write raw actions and environment actions (sampled, or the mode if greedy). */
  sample(output: Float32Array, rows: number, rng: Uint32Array, greedy: boolean, raw: Float32Array, actions: Float64Array): void;
  /** Log-probability of `raw` [rows, rawSize] and entropy under `output` [rows, outputSize] (inside tf.tidy). */
  logProbEntropy(output: tf.Tensor2D, raw: tf.Tensor2D): LogProbEntropy;
  /** Release the head's variables. */
  dispose(): void;
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
    variables: [],
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
    logProbEntropy(output, raw) {
      const rows = output.shape[0];
      let logProb: tf.Tensor1D | undefined;
      let entropy: tf.Tensor1D | undefined;
      let off = 0;
      for (let k = 0; k < slots; k++) {
        const n = nvec[k]!;
        const logits = slots === 1 ? output : tf.slice(output, [0, off], [rows, n]);
        const logP = tf.logSoftmax(logits);
        const index = tf.cast(tf.reshape(slots === 1 ? raw : tf.slice(raw, [0, k], [rows, 1]), [rows]), 'int32');
        const lp = tf.sum(tf.mul(logP, tf.oneHot(index, n)), 1) as tf.Tensor1D;
        const ent = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 1)) as tf.Tensor1D;
        logProb = logProb ? (tf.add(logProb, lp) as tf.Tensor1D) : lp;
        entropy = entropy ? (tf.add(entropy, ent) as tf.Tensor1D) : ent;
        off += n;
      }
      return { logProb: logProb!, entropy: entropy! };
    },
    dispose() {},
  };
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function gaussianHead(low: Float64Array, high: Float64Array, initLogStd: number): ActionHead {
  const size = low.length;
  const logStd = tf.tidy(() => tf.variable(tf.fill([size], initLogStd), true));
  const bounded = Array.from(low, (lo, k) => Number.isFinite(lo) && Number.isFinite(high[k]!));
  return {
    outputSize: size,
    rawSize: size,
    variables: [logStd],
    sample(output, rows, rng, greedy, raw, actions) {
      const std = logStd.dataSync();
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
    logProbEntropy(output, raw) {
      const z = tf.div(tf.sub(raw, output), tf.exp(logStd));
      const sumLogStd = tf.sum(logStd);
      const logProb = tf.sub(tf.mul(tf.sum(tf.square(z), 1), -0.5), tf.add(sumLogStd, size * HALF_LOG_2PI)) as tf.Tensor1D;
      const entropy = tf.add(tf.zeros([output.shape[0]]), tf.add(sumLogStd, size * (0.5 + HALF_LOG_2PI))) as tf.Tensor1D;
      return { logProb, entropy };
    },
    dispose() {
      logStd.dispose();
    },
  };
}
