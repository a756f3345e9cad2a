/**
 * Descriptive statistics over small samples (one value per seed): mean, sample variance,
 * quantiles with numpy's default (type 7, linear) interpolation, and the Student-t interval the
 * runner's multi-seed summaries use. Pure functions over plain number arrays.
 */
import jStat from 'jstat';

/** Arithmetic mean; NaN for an empty sample. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Unbiased sample variance (n - 1 denominator); NaN below two values. Two-pass for accuracy. */
export function variance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return ss / (n - 1);
}

/** Sample standard deviation (n - 1 denominator). */
export function sd(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/**
 * The p-quantile (0 ≤ p ≤ 1) of an ascending-sorted sample, interpolating linearly between order
 * statistics (Hyndman & Fan type 7, numpy.percentile's default), so values match numpy/scipy.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (h - lo) * (b - a);
}

/** The p-quantile of an unsorted sample (see quantileSorted). */
export function quantile(xs: readonly number[], p: number): number {
  return quantileSorted([...xs].sort((a, b) => a - b), p);
}

/** A two-sided interval around a point estimate. */
export interface Interval {
  /** The point estimate (the sample mean here). */
  readonly estimate: number;
  /** Lower end. */
  readonly low: number;
  /** Upper end. */
  readonly high: number;
}

/**
 * Student-t confidence interval for the mean: mean ± t(1 - α/2, n - 1) · sd / √n. With one value
 * the interval collapses onto it (there is no spread to estimate); with zero it is all NaN.
 */
export function tInterval(xs: readonly number[], level = 0.95): Interval {
  const n = xs.length;
  const m = mean(xs);
  if (n < 2) return { estimate: m, low: m, high: m };
  const half = jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (sd(xs) / Math.sqrt(n));
  return { estimate: m, low: m - half, high: m + half };
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return jStat.normal.cdf(z, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p), ±Infinity at 0 and 1. */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  return jStat.normal.inv(p, 0, 1);
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  return jStat.studentt.cdf(t, df);
}
