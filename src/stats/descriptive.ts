/**
 * Small descriptive statistics over plain number arrays: means, variances, autocorrelation,
 * correlation, quantiles with numpy's default (type 7, linear) interpolation, and the Student-t
 * interval for a mean across seeds. Pure functions, no allocation beyond their results.
 */
import { studentTQuantile } from './distributions.js';

/** Arithmetic mean (NaN for an empty array). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s / x.length;
}

/** Sample variance with the n − 1 denominator (0 for fewer than two values). */
export function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i]! - m) ** 2;
  return s / (n - 1);
}

/** Sample standard deviation. */
export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/**
 * Sample autocorrelation at lags 0..maxLag, with the usual biased estimator (denominator n at
 * every lag), which keeps the sequence positive semi-definite. A constant series has ρ_k = 0 for k ≥ 1.
 */
export function acf(x: ArrayLike<number>, maxLag: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(maxLag + 1);
  const m = mean(x);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - m) ** 2;
  out[0] = 1;
  if (c0 === 0) return out;
  for (let k = 1; k <= maxLag && k < n; k++) {
    let c = 0;
    for (let i = 0; i + k < n; i++) c += (x[i]! - m) * (x[i + k]! - m);
    out[k] = c / c0;
  }
  return out;
}

/** Pearson correlation; 0 when either series is constant. */
export function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
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
  return quantileSorted(
    [...xs].sort((a, b) => a - b),
    p,
  );
}

/** Median (sorts a copy). */
export function median(x: ArrayLike<number>): number {
  return quantileSorted(Float64Array.from(x).sort(), 0.5);
}

/** First differences x[t+1] − x[t]. */
export function diff(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, x.length - 1));
  for (let i = 0; i + 1 < x.length; i++) out[i] = x[i + 1]! - x[i]!;
  return out;
}

/** Residuals of the least-squares line through (t, x[t]), t = 0..n−1. */
export function detrendLinear(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const tm = (n - 1) / 2;
  const xm = mean(x);
  let stx = 0;
  let stt = 0;
  for (let t = 0; t < n; t++) {
    stx += (t - tm) * (x[t]! - xm);
    stt += (t - tm) ** 2;
  }
  const b = stt === 0 ? 0 : stx / stt;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = x[t]! - xm - b * (t - tm);
  return out;
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
  const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd(xs) / Math.sqrt(n));
  return { estimate: m, low: m - half, high: m + half };
}
