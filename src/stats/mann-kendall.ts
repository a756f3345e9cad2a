/**
 * The Mann–Kendall trend test and Sen's slope, with corrections that keep the test's false-alarm
 * rate near its nominal level when the series is autocorrelated (learning curves and metric
 * windows always are: a plain Mann–Kendall test on an AR(1) series with φ = 0.9 rejects a true
 * "no trend" null in roughly half of the cases at a nominal 5%).
 *
 * Methods (`TrendMethod`):
 *  - `mk`: the plain test (independent observations). Reference only.
 *  - `hamed-rao`: Hamed & Rao (1998): Var(S) scaled by n/n* from the significant lags of the
 *    autocorrelation of the ranks of the Sen-detrended series.
 *  - `yue-wang`: Yue & Wang (2004): Var(S) scaled by the AR(1) effective-sample-size factor from
 *    the lag-1 autocorrelation of the detrended series.
 *  - `pw`: von Storch (1995) pre-whitening: the test on x_t − r₁ x_{t−1}.
 *  - `tfpw`: Yue et al. (2002) trend-free pre-whitening.
 *  - `ar1`: tacit's default (see src/stats/size-study.ts for the measurements behind the choice):
 *    the Hamed–Rao factor of an AR(1) model whose φ is an upper confidence bound obtained by
 *    inverting the simulated distribution of the detrended lag-1 autocorrelation (src/stats/ar1.ts),
 *    optionally pooled over earlier windows of the same series, or a φ supplied by the caller. This
 *    avoids the failure mode of `hamed-rao` and `yue-wang`, whose plug-in estimates understate the
 *    factor exactly when the series is short and strongly autocorrelated.
 *
 * The size study (npm run validate-trend-tests) measures every method on AR(1) nulls.
 */
import { ar1PhiUpper, ar1VarianceFactor, detrendedLag1 } from './ar1.js';
import { acf, median } from './descriptive.js';
import { normalQuantile, normalSf } from './distributions.js';

/** Which Mann–Kendall variant to use. */
export type TrendMethod = 'mk' | 'hamed-rao' | 'yue-wang' | 'pw' | 'tfpw' | 'ar1';

/** All trend methods, for schemas and the size study. */
export const TREND_METHODS: readonly TrendMethod[] = ['mk', 'hamed-rao', 'yue-wang', 'pw', 'tfpw', 'ar1'];

/** The result of a trend test on one series. */
export interface TrendResult {
  /** The method used. */
  readonly method: TrendMethod;
  /** Number of observations tested. */
  readonly n: number;
  /** Mann–Kendall S of the tested series. */
  readonly s: number;
  /** Kendall's τ = S / (n(n−1)/2). */
  readonly tau: number;
  /** Var(S) under independence, with the tie correction. */
  readonly varS: number;
  /** Factor applied to Var(S) for autocorrelation (1 for `mk`, `pw`, `tfpw`). */
  readonly varianceFactor: number;
  /** Standardised statistic with continuity correction. */
  readonly z: number;
  /** One-sided p-value for an upward trend. */
  readonly pUp: number;
  /** One-sided p-value for a downward trend. */
  readonly pDown: number;
  /** Sen's slope of the original series, per index step. */
  readonly slope: number;
  /** Lower end of the slope's confidence interval (autocorrelation-widened). */
  readonly slopeLow: number;
  /** Upper end of the slope's confidence interval. */
  readonly slopeHigh: number;
  /** Lag-1 autocorrelation of the detrended series (as estimated, before any correction). */
  readonly lag1: number;
}

/** Mann–Kendall S and its variance under independence, with the tie correction. */
export function mannKendallS(x: ArrayLike<number>): { s: number; varS: number } {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = x[i]!;
    for (let j = i + 1; j < n; j++) {
      const d = x[j]! - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  const sorted = Float64Array.from(x).sort();
  let tieTerm = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    if (t > 1) tieTerm += t * (t - 1) * (2 * t + 5);
    i = j;
  }
  return { s, varS: (n * (n - 1) * (2 * n + 5) - tieTerm) / 18 };
}

/** All pairwise slopes (x_j − x_i)/(j − i), i < j, sorted ascending. */
function pairwiseSlopes(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) out[k++] = (x[j]! - x[i]!) / (j - i);
  return out.sort();
}

/** Sen's slope (median of pairwise slopes). */
export function senSlope(x: ArrayLike<number>): number {
  return median(pairwiseSlopes(x));
}

/**
 * Sen's slope with its confidence interval (Gilbert 1987, ch. 16): the order statistics of the
 * pairwise slopes at (N ∓ z·√Var(S))/2, with Var(S) already scaled for autocorrelation.
 */
export function senSlopeInterval(x: ArrayLike<number>, varS: number, confidence = 0.95): { slope: number; low: number; high: number } {
  const slopes = pairwiseSlopes(x);
  const N = slopes.length;
  if (N === 0) return { slope: 0, low: 0, high: 0 };
  const c = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt(varS);
  const lo = Math.max(0, Math.round((N - c) / 2) - 1);
  const hi = Math.min(N - 1, Math.round((N + c) / 2));
  return { slope: median(slopes), low: slopes[lo]!, high: slopes[hi]! };
}

/** x_t − β t for Sen's slope β. */
function detrend(x: ArrayLike<number>, beta: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) out[t] = x[t]! - beta * t;
  return out;
}

/** Ranks 1..n (ties get their mean rank). */
function ranks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && x[idx[j]!] === x[idx[i]!]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) r[idx[k]!] = avg;
    i = j;
  }
  return r;
}

/** Hamed–Rao n/n* from rank autocorrelations ρ_k (k = 1..n−1). */
function hamedRaoFactor(n: number, rho: (k: number) => number): number {
  let sum = 0;
  for (let k = 1; k < n; k++) sum += (n - k) * (n - k - 1) * (n - k - 2) * rho(k);
  return 1 + (2 * sum) / (n * (n - 1) * (n - 2));
}

/** Options of `trendTest`. */
export interface TrendOptions {
  /** Variant; default `ar1`. */
  readonly method?: TrendMethod;
  /** For `ar1`: the AR(1) coefficient to assume; when absent it is bounded from this series alone. */
  readonly phi?: number;
  /** For `ar1` without `phi`: quantile q of the φ bound (see ar1PhiUpper); default 0.3, as the detectors use. */
  readonly phiQuantile?: number;
  /** Confidence level of the slope interval; default 0.95. */
  readonly confidence?: number;
}

/** Mann–Kendall trend test with Sen's slope, under the chosen autocorrelation handling. */
export function trendTest(x: ArrayLike<number>, options: TrendOptions = {}): TrendResult {
  const method = options.method ?? 'ar1';
  const n = x.length;
  if (n < 4) throw new RangeError(`trendTest needs at least 4 observations, got ${n}`);
  const beta = senSlope(x);
  const resid = detrend(x, beta);
  const r1 = acf(resid, 1)[1]!;
  let tested: ArrayLike<number> = x;
  let factor = 1;
  switch (method) {
    case 'mk':
      break;
    case 'hamed-rao': {
      const rr = acf(ranks(resid), n - 1);
      const bound = normalQuantile(0.975) / Math.sqrt(n);
      factor = hamedRaoFactor(n, (k) => (Math.abs(rr[k]!) > bound ? rr[k]! : 0));
      break;
    }
    case 'yue-wang': {
      let sum = 0;
      for (let k = 1; k < n; k++) sum += (1 - k / n) * r1 ** k;
      factor = 1 + 2 * sum;
      break;
    }
    case 'pw': {
      tested = prewhiten(x, acf(x, 1)[1]!);
      break;
    }
    case 'tfpw': {
      const w = prewhiten(resid, r1);
      const y = new Float64Array(w.length);
      for (let t = 0; t < y.length; t++) y[t] = w[t]! + beta * (t + 1);
      tested = y;
      break;
    }
    case 'ar1': {
      const phi = options.phi ?? ar1PhiUpper(detrendedLag1(x), n, 1, options.phiQuantile ?? 0.3);
      factor = ar1VarianceFactor(n, phi);
      break;
    }
  }
  factor = Math.max(1, factor);
  const { s, varS } = mannKendallS(tested);
  const m = tested.length;
  const v = varS * factor;
  const z = v > 0 ? (s - Math.sign(s)) / Math.sqrt(v) : 0;
  const ci = senSlopeInterval(x, mannKendallS(x).varS * factor, options.confidence ?? 0.95);
  return {
    method,
    n: m,
    s,
    tau: s / ((m * (m - 1)) / 2),
    varS,
    varianceFactor: factor,
    z,
    pUp: normalSf(z),
    pDown: normalSf(-z),
    slope: ci.slope,
    slopeLow: ci.low,
    slopeHigh: ci.high,
    lag1: r1,
  };
}

/** x_t − r x_{t−1}, t = 1..n−1. */
function prewhiten(x: ArrayLike<number>, r: number): Float64Array {
  const out = new Float64Array(x.length - 1);
  for (let t = 1; t < x.length; t++) out[t - 1] = x[t]! - r * x[t - 1]!;
  return out;
}
