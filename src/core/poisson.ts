/**
 * Exact Poisson draws from a seeded sfc32 stream, fast enough for a world's hot loop.
 *
 * - mean < 64: inversion. One uniform u; the draw is the smallest k with u < F(k), the cumulative
 *   pmf summed from p(0) = e^−mean by p(k+1) = p(k) · mean / (k+1). `nextPoisson` walks it from 0
 *   (mean + 1 multiply-adds on average); a `PoissonSampler` keeps the table of F for its last two
 *   means with a guide table, so a draw at a repeated mean (every copy of a world in the same
 *   period) is one uniform and one or two comparisons. Both give the same k for the same u: the
 *   table holds the very doubles the walk computes (test/core/poisson.test.ts checks them draw for
 *   draw), so which one runs never changes a trajectory.
 * - mean ≥ 64: PTRS, Hörmann's transformed rejection with squeeze ("The transformed rejection
 *   method for generating Poisson random variables", Insurance: Mathematics and Economics 12,
 *   1993), the method numpy's Generator.poisson uses for the same range. Two uniforms a trial,
 *   about 1.15 trials a draw; most accept by the squeeze, without a logarithm.
 *
 * Both are exact in distribution up to double rounding: PTRS accepts against the Poisson pmf itself
 * (log k! from a table below 256, Stirling's series above, error < 1e-15 relative), and inversion
 * sums the pmf. test/core/poisson.test.ts checks both against the pmf with chi-square tests at
 * fixed seeds, and the inversion branch against a plain reference sampler draw for draw.
 *
 * Why not Knuth's product method (tacit's sampler up to 2026-12): it costs mean + 1 uniforms a
 * draw (about 42 per warehouse period), and above mean 60 it fell back to a rounded normal, which is
 * not Poisson. Streams drawn with the old sampler are not reproduced bit for bit.
 */
import { nextFloat } from './rng.js';

/** Below this mean, inversion; from it on, PTRS (its constants are fitted for mean ≥ 10). */
export const PTRS_FROM = 64;
/** Largest k inversion reaches (the tail beyond it at mean < 64 is far below 2^-32). */
const INVERSION_CAP = 400;
const LOG_FACT_TABLE = 256;

/** log(k!) for k < LOG_FACT_TABLE, summed once. */
const logFactTable = ((): Float64Array => {
  const t = new Float64Array(LOG_FACT_TABLE);
  for (let k = 2; k < LOG_FACT_TABLE; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log(k!) for an integer k ≥ 0: the table, or Stirling's series (terms to 1/k⁷; k ≥ 256). */
export function logFactorial(k: number): number {
  if (k < LOG_FACT_TABLE) return logFactTable[k]!;
  const x = k + 1; // log Γ(x)
  const r = 1 / x;
  const r2 = r * r;
  return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
}

/**
 * One Poisson(mean) draw from stream `s` (advanced in place). mean ≤ 0 (or NaN) gives 0 without
 * drawing; a non-finite mean throws.
 */
export function nextPoisson(s: Uint32Array, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean < PTRS_FROM) return poissonInversion(s, mean);
  if (mean === Infinity) throw new RangeError('nextPoisson: mean must be finite');
  return poissonPtrs(s, mean);
}

/** Inversion by sequential search (mean < 64, so e^−mean stays far from underflow). */
function poissonInversion(s: Uint32Array, mean: number): number {
  const u = nextFloat(s);
  let p = Math.exp(-mean);
  let cdf = p;
  let k = 0;
  // The cap only guards against a u within rounding of 1 (the tail beyond it is below 1e-16).
  while (u >= cdf && k < INVERSION_CAP) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** The largest value nextFloat returns. */
const U_MAX = 4294967295 * 2.3283064365386963e-10;
const GUIDE = 64;

/** F(0..len−1) for one mean, summed exactly as poissonInversion sums it, and its guide table. */
interface CdfTable {
  mean: number;
  readonly cdf: Float64Array;
  len: number;
  /** guide[j]: the smallest k with F(k) > j / GUIDE (where the search for u ≥ j / GUIDE may start). */
  readonly guide: Int32Array;
}

function fillTable(t: CdfTable, mean: number): void {
  const cdf = t.cdf;
  let p = Math.exp(-mean);
  let c = p;
  let k = 0;
  cdf[0] = c;
  // Up to the first F(k) above every u nextFloat can return (or the walk's own cap).
  while (c <= U_MAX && k < INVERSION_CAP) {
    k++;
    p *= mean / k;
    c += p;
    cdf[k] = c;
  }
  t.len = k + 1;
  t.mean = mean;
  let j = 0;
  for (let g = 0; g < GUIDE; g++) {
    while (j < k && cdf[j]! <= g / GUIDE) j++;
    t.guide[g] = j;
  }
}

/**
 * Poisson draws that remember the cumulative tables of their last two means: the same draws as
 * `nextPoisson` (a pure function of the mean and the stream), faster when callers repeat means,
 * as a world does for all its copies in one period. One sampler per call site (e.g. per customer
 * class), so two alternating means do not evict each other.
 */
export class PoissonSampler {
  private a: CdfTable = { mean: NaN, cdf: new Float64Array(INVERSION_CAP + 1), len: 0, guide: new Int32Array(GUIDE) };
  private b: CdfTable = { mean: NaN, cdf: new Float64Array(INVERSION_CAP + 1), len: 0, guide: new Int32Array(GUIDE) };

  /** One Poisson(mean) draw from stream `s`, exactly as nextPoisson(s, mean). */
  draw(s: Uint32Array, mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= PTRS_FROM) {
      if (mean === Infinity) throw new RangeError('nextPoisson: mean must be finite');
      return poissonPtrs(s, mean);
    }
    let t = this.a;
    if (t.mean !== mean) {
      // Least recently used out: the hit moves to `a`.
      const other = this.b;
      this.b = t;
      if (other.mean !== mean) fillTable(other, mean);
      this.a = t = other;
    }
    const u = nextFloat(s);
    const cdf = t.cdf;
    const last = t.len - 1;
    let k = t.guide[(u * GUIDE) | 0]!;
    while (u >= cdf[k]! && k < last) k++;
    return k;
  }
}

/** PTRS (valid for mean ≥ 10; used from PTRS_FROM), following Hörmann's paper step by step (names as there). */
function poissonPtrs(s: Uint32Array, lam: number): number {
  const slam = Math.sqrt(lam);
  const loglam = Math.log(lam);
  const b = 0.931 + 2.53 * slam;
  const a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4);
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const U = nextFloat(s) - 0.5;
    const V = nextFloat(s);
    const us = 0.5 - Math.abs(U);
    const k = Math.floor(((2 * a) / us + b) * U + lam + 0.43);
    if (us >= 0.07 && V <= vr) return k; // the squeeze: inside the pmf for sure
    if (k < 0 || (us < 0.013 && V > us)) continue;
    if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - logFactorial(k)) return k;
  }
}
