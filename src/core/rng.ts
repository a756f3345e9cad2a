/**
 * Seeded, splittable randomness. One master seed per run is split by name into independent
 * streams (world copy dynamics, each policy, exploration, faults) with seedrandom's ARC4 key
 * schedule, which mixes any string key into well-spread state. The hot loops then draw from sfc32
 * (Chris Doty-Humphrey's Small Fast Counting generator): four 32-bit words in a Uint32Array, so a
 * stream's state can live inside a world state, be snapshotted by copying 16 bytes, and be advanced
 * without allocating. Nothing in tacit draws from an unseeded global generator (a test enforces it).
 */
import { createRequire } from 'node:module';
import type seedrandomType from 'seedrandom';

let loaded: typeof seedrandomType | undefined;
/** seedrandom, required when the first stream is derived: a command that derives none (validate, envs) skips its load (issue 21). */
function seedrandom(key: string): seedrandomType.PRNG {
  return (loaded ??= createRequire(import.meta.url)('seedrandom') as typeof seedrandomType)(key);
}

/** Number of 32-bit words in a generator state. */
export const RNG_WORDS = 4;

/**
 * Derive generator state for the stream named by `path` under `seed`. The same seed and path always
 * give the same words; different paths give streams that are independent for practical purposes.
 */
export function deriveSeedWords(seed: number | string, ...path: readonly (string | number)[]): Uint32Array {
  const key = ['tacit', String(seed), ...path.map(String)].join('/');
  const arc4 = seedrandom(key);
  const words = new Uint32Array(RNG_WORDS);
  for (let k = 0; k < RNG_WORDS; k++) words[k] = arc4.int32() >>> 0;
  warmUp(words);
  return words;
}

/** sfc32's authors recommend discarding the first outputs so weakly mixed seeds diverge. */
function warmUp(words: Uint32Array): void {
  for (let k = 0; k < 12; k++) nextUint32(words);
}

/** Advance the sfc32 state in `s` in place and return the next uint32. */
export function nextUint32(s: Uint32Array): number {
  const a = s[0]!;
  const b = s[1]!;
  const c = s[2]!;
  const d = s[3]!;
  const t = (((a + b) | 0) + d) | 0;
  s[3] = (d + 1) | 0;
  s[0] = b ^ (b >>> 9);
  s[1] = (c + (c << 3)) | 0;
  s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
  return t >>> 0;
}

/** Uniform float in [0, 1) with 32 bits of resolution, advancing `s` in place. */
export function nextFloat(s: Uint32Array): number {
  return nextUint32(s) * 2.3283064365386963e-10;
}

/** Uniform integer in [0, n), advancing `s` in place (multiply-shift; bias below 2^-32 * n). */
export function nextInt(s: Uint32Array, n: number): number {
  return Math.floor(nextFloat(s) * n);
}

/** Standard normal draw (Box–Muller, two uniforms, no cached spare so the state stays 4 words). */
export function nextNormal(s: Uint32Array): number {
  let u = nextFloat(s);
  if (u < 1e-300) u = 1e-300;
  const v = nextFloat(s);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Poisson draws live in poisson.ts (exact sampler, PTRS), which builds on nextFloat here.

/**
 * A convenience wrapper around one stream. Use it outside hot loops; inside them, call the free
 * functions on `rng.state` directly.
 */
export class Rng {
  /** The generator state; copy it to snapshot the stream. */
  readonly state: Uint32Array;

  constructor(state: Uint32Array) {
    if (state.length !== RNG_WORDS) throw new RangeError(`Rng state must have ${RNG_WORDS} words, got ${state.length}`);
    this.state = state;
  }

  /** A stream for `seed` and `path` (see deriveSeedWords). */
  static from(seed: number | string, ...path: readonly (string | number)[]): Rng {
    return new Rng(deriveSeedWords(seed, ...path));
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return nextFloat(this.state);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return nextInt(this.state, n);
  }

  /** Standard normal draw. */
  normal(): number {
    return nextNormal(this.state);
  }

  /** Uniform uint32. */
  uint32(): number {
    return nextUint32(this.state);
  }

  /**
   * A new independent stream keyed by this stream's current state and `name`. Advances this
   * stream by four draws, so splitting twice with the same name gives two different streams.
   */
  split(name: string | number): Rng {
    const key = `${nextUint32(this.state)}-${nextUint32(this.state)}-${nextUint32(this.state)}-${nextUint32(this.state)}`;
    return new Rng(deriveSeedWords(key, 'split', name));
  }

  /** Fill `out` with four fresh words (e.g. to seed a world reset) without allocating. */
  fillSeedWords(out: Uint32Array): void {
    for (let k = 0; k < RNG_WORDS; k++) out[k] = nextUint32(this.state);
    warmUp(out);
  }

  /** A copy of this stream's state that can later be passed to `restore`. */
  snapshot(): Uint32Array {
    return this.state.slice();
  }

  /** Return this stream to a state taken by `snapshot`. */
  restore(snapshot: Uint32Array): void {
    this.state.set(snapshot);
  }
}
