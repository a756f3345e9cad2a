/**
 * Observation and action spaces. Every space has a flat `size`: the number of slots one agent's
 * observation (Float32Array) or action (Float64Array) occupies in the engine's buffers. A discrete
 * action takes one slot holding an integer.
 */
import { nextFloat, nextInt } from './rng.js';

/** One of `n` choices, encoded as an integer in [0, n). */
export interface DiscreteSpace {
  readonly kind: 'discrete';
  readonly n: number;
  readonly size: 1;
  /** Optional human-readable name per choice, for reports. */
  readonly labels?: readonly string[];
}

/** A vector of independent integer choices, slot k in [0, nvec[k]). Tabular learners index states with it. */
export interface MultiDiscreteSpace {
  readonly kind: 'multi-discrete';
  readonly nvec: readonly number[];
  readonly size: number;
  readonly names?: readonly string[];
}

/** A real vector with elementwise bounds (which may be infinite). */
export interface BoxSpace {
  readonly kind: 'box';
  readonly low: Float64Array;
  readonly high: Float64Array;
  readonly size: number;
  /** Optional name per slot (e.g. `onHand`, `demandForecast`), for reports and feature lookup. */
  readonly names?: readonly string[];
}

/** Any space. */
export type Space = DiscreteSpace | MultiDiscreteSpace | BoxSpace;

/** A discrete space with `n` choices. */
export function discrete(n: number, labels?: readonly string[]): DiscreteSpace {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`discrete space needs a positive integer n, got ${n}`);
  if (labels && labels.length !== n) throw new RangeError(`discrete space has ${n} choices but ${labels.length} labels`);
  return Object.freeze(labels ? { kind: 'discrete', n, size: 1, labels: Object.freeze([...labels]) } : { kind: 'discrete', n, size: 1 });
}

/** A multi-discrete space with choice counts `nvec`. */
export function multiDiscrete(nvec: readonly number[], names?: readonly string[]): MultiDiscreteSpace {
  for (const n of nvec) if (!Number.isInteger(n) || n < 1) throw new RangeError(`multi-discrete space needs positive integer counts, got ${n}`);
  const base = { kind: 'multi-discrete' as const, nvec: Object.freeze([...nvec]), size: nvec.length };
  return Object.freeze(names ? { ...base, names: Object.freeze([...names]) } : base);
}

/** A box space; `low`/`high` may be scalars (broadcast to `size`) or arrays. */
export function box(low: number | readonly number[], high: number | readonly number[], size?: number, names?: readonly string[]): BoxSpace {
  const n = size ?? (Array.isArray(low) ? low.length : Array.isArray(high) ? high.length : (names?.length ?? 1));
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    lo[k] = typeof low === 'number' ? low : low[k]!;
    hi[k] = typeof high === 'number' ? high : high[k]!;
    if (!(lo[k]! <= hi[k]!)) throw new RangeError(`box space slot ${k}: low ${lo[k]} must not exceed high ${hi[k]}`);
  }
  if (names && names.length !== n) throw new RangeError(`box space has ${n} slots but ${names.length} names`);
  const base = { kind: 'box' as const, low: lo, high: hi, size: n };
  return Object.freeze(names ? { ...base, names: Object.freeze([...names]) } : base);
}

/** Whether `values[offset .. offset+space.size)` lies in `space`. */
export function contains(space: Space, values: ArrayLike<number>, offset = 0): boolean {
  switch (space.kind) {
    case 'discrete': {
      const v = values[offset]!;
      return Number.isInteger(v) && v >= 0 && v < space.n;
    }
    case 'multi-discrete':
      for (let k = 0; k < space.size; k++) {
        const v = values[offset + k]!;
        if (!Number.isInteger(v) || v < 0 || v >= space.nvec[k]!) return false;
      }
      return true;
    case 'box':
      for (let k = 0; k < space.size; k++) {
        const v = values[offset + k]!;
        // Float32 observations of a float64 bound may round just past it; allow one float32 ulp.
        if (Number.isNaN(v) || v < space.low[k]! - Math.abs(space.low[k]!) * 1.2e-7 || v > space.high[k]! + Math.abs(space.high[k]!) * 1.2e-7) return false;
      }
      return true;
  }
}

/** Describe a space in one line, for errors and `tacit envs`. */
export function describeSpace(space: Space): string {
  switch (space.kind) {
    case 'discrete':
      return `Discrete(${space.n})${space.labels ? ` [${space.labels.join(', ')}]` : ''}`;
    case 'multi-discrete':
      return `MultiDiscrete([${space.nvec.join(', ')}])`;
    case 'box': {
      const lo = Math.min(...space.low);
      const hi = Math.max(...space.high);
      return `Box(${space.size}, [${lo}, ${hi}])${space.names ? ` (${space.names.join(', ')})` : ''}`;
    }
  }
}

/**
 * Write a uniform sample of `space` into `out[offset..]` using generator state `rng`. Infinite box
 * bounds are replaced by a unit-scale range around the finite one so the sample stays finite.
 */
export function sampleInto(space: Space, rng: Uint32Array, out: { [k: number]: number }, offset = 0): void {
  switch (space.kind) {
    case 'discrete':
      out[offset] = nextInt(rng, space.n);
      return;
    case 'multi-discrete':
      for (let k = 0; k < space.size; k++) out[offset + k] = nextInt(rng, space.nvec[k]!);
      return;
    case 'box':
      for (let k = 0; k < space.size; k++) {
        let lo = space.low[k]!;
        let hi = space.high[k]!;
        if (!Number.isFinite(lo) && !Number.isFinite(hi)) ((lo = -1), (hi = 1));
        else if (!Number.isFinite(lo)) lo = hi - 1;
        else if (!Number.isFinite(hi)) hi = lo + 1;
        out[offset + k] = lo + (hi - lo) * nextFloat(rng);
      }
      return;
  }
}

/** Number of distinct values of a discrete or multi-discrete space (its table size for tabular learners). */
export function cardinality(space: Space): number {
  if (space.kind === 'discrete') return space.n;
  if (space.kind === 'multi-discrete') return space.nvec.reduce((a, b) => a * b, 1);
  return Infinity;
}
