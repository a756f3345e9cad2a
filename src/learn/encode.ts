/**
 * Turning observations into network inputs. Discrete and multi-discrete slots become one-hot
 * blocks (an index is a category, not a magnitude), one block per slot, or with `discrete: 'joint'`
 * one block over the joint value of all of a multi-discrete space's slots (the tabular state: every
 * combination its own input, so what is learned in one state does not leak into another through
 * shared per-slot weights; the market's memory-one state needs this for punishment strategies to
 * form, docs/traps.md "Collusion, neural"); box slots pass through, optionally
 * standardised by running statistics and clipped (CleanRL's NormalizeObservation, clip ±10). One
 * encoder can concatenate several agents' observations (the joint input of a centralised critic)
 * and append a one-hot id (which agent of a parameter-sharing group a row belongs to).
 */
import { z } from 'zod';
import { describeSpace, type Space } from '../core/spaces.js';
import { RunningMeanStd } from './normalize.js';
import { lazySchema } from '../core/lazy-schema.js';

/** How to encode. */
export interface EncoderOptions {
  /** Standardise box slots by running mean/std. */
  readonly normalize: boolean;
  /** Length of a one-hot id block appended to each row (0 for none). */
  readonly idSize: number;
  /** Clip standardised values to ±clip. */
  readonly clip?: number;
  /** Multi-discrete spaces: one one-hot block per slot (default) or one over the joint value of all slots. */
  readonly discrete?: DiscreteEncoding | undefined;
}

/** How a multi-discrete observation becomes one-hot input: a block per slot, or one block over all slots' joint value. */
export type DiscreteEncoding = 'per-slot' | 'joint';

/** Largest joint one-hot block accepted (a bigger one belongs to a tabular learner, or to per-slot encoding). */
export const MAX_JOINT_ENCODING = 4096;

/**
 * The `observationEncoding` param of the learners that use this encoder (dqn, ppo). Opt-in (no
 * default), so configs without it resolve and run byte for byte as before.
 */
export const observationEncodingParam = lazySchema(() =>
  z
    .enum(['per-slot', 'joint'])
    .optional()
    .describe(
      `Multi-discrete observations: one one-hot block per slot (unset: the same), or one block over the joint value of all slots (the tabular state; at most ${MAX_JOINT_ENCODING} values)`,
    ),
);

/** Why `encoding` cannot encode `space` (a joint block too large), or undefined. */
export function encodingProblem(space: Space, encoding: DiscreteEncoding | undefined, who: string): string | undefined {
  if (encoding !== 'joint' || space.kind !== 'multi-discrete') return undefined;
  const size = encodedSize(space, 'joint');
  if (size <= MAX_JOINT_ENCODING) return undefined;
  return `observationEncoding 'joint' gives ${who}'s observation ${describeSpace(space)} ${size} input values, more than ${MAX_JOINT_ENCODING}: use observationEncoding: per-slot`;
}

/** Encodes rows of one or more observation buffers into one input row. */
export class InputEncoder {
  readonly spaces: readonly Space[];
  readonly inputSize: number;
  readonly options: EncoderOptions;
  /** Per space: running statistics of its box slots (undefined for discrete spaces or without normalisation). */
  readonly stats: (RunningMeanStd | undefined)[];

  constructor(spaces: readonly Space[], options: EncoderOptions) {
    this.spaces = spaces;
    this.options = options;
    let size = options.idSize;
    for (const s of spaces) size += encodedSize(s, options.discrete);
    this.inputSize = size;
    this.stats = spaces.map((s) => (options.normalize && s.kind === 'box' ? new RunningMeanStd(s.size) : undefined));
  }

  /**
   * Write the encoding of copy `row` into `out[outOffset ..]`. `sources[j]` is the agent-major
   * buffer of space j (`numEnvs * size`); `id` is the one-hot id to set (ignored if idSize is 0).
   */
  encode(sources: readonly Float32Array[], row: number, out: Float32Array, outOffset: number, id = 0): void {
    let o = outOffset;
    const clip = this.options.clip ?? 10;
    for (let j = 0; j < this.spaces.length; j++) {
      const space = this.spaces[j]!;
      const src = sources[j]!;
      const base = row * space.size;
      if (space.kind === 'box') {
        const st = this.stats[j];
        for (let k = 0; k < space.size; k++) {
          let v = src[base + k]!;
          if (st) {
            v = (v - st.mean[k]!) / Math.sqrt(st.var[k]! + 1e-8);
            v = v > clip ? clip : v < -clip ? -clip : v;
          }
          out[o++] = v;
        }
      } else if (space.kind === 'discrete') {
        out.fill(0, o, o + space.n);
        out[o + clampIndex(src[base]!, space.n)] = 1;
        o += space.n;
      } else if (this.options.discrete === 'joint') {
        // Big-endian mixed-radix reading of the slots, the same state number a tabular learner uses.
        let joint = 0;
        for (let k = 0; k < space.size; k++) joint = joint * space.nvec[k]! + clampIndex(src[base + k]!, space.nvec[k]!);
        const n = encodedSize(space, 'joint');
        out.fill(0, o, o + n);
        out[o + joint] = 1;
        o += n;
      } else {
        for (let k = 0; k < space.size; k++) {
          const n = space.nvec[k]!;
          out.fill(0, o, o + n);
          out[o + clampIndex(src[base + k]!, n)] = 1;
          o += n;
        }
      }
    }
    if (this.options.idSize > 0) {
      out.fill(0, o, o + this.options.idSize);
      out[o + id] = 1;
    }
  }

  /** Fold `rows` copies of raw observations into the running statistics. */
  update(sources: readonly Float32Array[], rows: number): void {
    for (let j = 0; j < this.spaces.length; j++) this.stats[j]?.update(sources[j]!, rows, this.spaces[j]!.size, 0);
  }

  /** Normalisation state for checkpoints. */
  toJSON(): unknown[] {
    return this.stats.map((s) => s?.toJSON() ?? null);
  }

  /** Restore normalisation state from `toJSON` output. */
  load(data: unknown[]): void {
    this.stats.forEach((s, j) => s?.load(data[j] as Parameters<RunningMeanStd['load']>[0]));
  }
}

/** Input width a space encodes to. */
export function encodedSize(space: Space, discrete: DiscreteEncoding | undefined = 'per-slot'): number {
  if (space.kind === 'box') return space.size;
  if (space.kind === 'discrete') return space.n;
  if (discrete === 'joint') return space.nvec.reduce((a, b) => a * b, 1);
  return space.nvec.reduce((a, b) => a + b, 0);
}

function clampIndex(v: number, n: number): number {
  const i = Math.floor(v);
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
