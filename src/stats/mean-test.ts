/**
 * Tests on the mean of an autocorrelated window (a converged KPI, a profit gain): the variance of
 * the mean is inflated by the AR(1) factor 1 + 2 Σ (1 − k/n) φ^k with φ an upper bound from
 * src/stats/ar1.ts, and the test uses a Student t with the matching effective sample size.
 */
import { ar1PhiUpper, detrendedLag1 } from './ar1.js';
import { mean, sd } from './descriptive.js';
import { studentTQuantile, studentTSf } from './distributions.js';

/** Result of a one-sample test on an autocorrelated window. */
export interface MeanTest {
  readonly mean: number;
  /** Standard error of the mean after the autocorrelation correction. */
  readonly se: number;
  /** Effective sample size n / factor. */
  readonly nEff: number;
  /** φ bound used. */
  readonly phi: number;
  /** One-sided p-value for mean > threshold. */
  readonly pAbove: number;
  /** One-sided p-value for mean < threshold. */
  readonly pBelow: number;
  /** Two-sided interval at `confidence`. */
  readonly ciLow: number;
  readonly ciHigh: number;
}

/** AR(1) variance inflation of a mean of n values. */
export function meanVarianceFactor(n: number, phi: number): number {
  let s = 0;
  let pk = 1;
  for (let k = 1; k < n; k++) {
    pk *= phi;
    if (pk < 1e-12) break;
    s += (1 - k / n) * pk;
  }
  return 1 + 2 * s;
}

/**
 * Test the mean of `x` against `threshold`. `earlier` may hold earlier windows of the same series
 * (same length as x) to pool into the φ bound.
 */
export function meanTest(
  x: ArrayLike<number>,
  threshold: number,
  options: { confidence?: number; phiQuantile?: number; earlier?: readonly ArrayLike<number>[] } = {},
): MeanTest {
  const n = x.length;
  const m = mean(x);
  let r1 = detrendedLag1(x);
  let k = 1;
  for (const e of options.earlier ?? []) {
    if (e.length !== n) continue;
    r1 += detrendedLag1(e);
    k++;
  }
  const phi = ar1PhiUpper(r1 / k, n, k, options.phiQuantile ?? 0.3);
  const factor = meanVarianceFactor(n, phi);
  const nEff = Math.max(2, n / factor);
  const se = (sd(x) * Math.sqrt(factor)) / Math.sqrt(n);
  const df = nEff - 1;
  const conf = options.confidence ?? 0.95;
  const half = se > 0 ? studentTQuantile(1 - (1 - conf) / 2, df) * se : 0;
  const t = se > 0 ? (m - threshold) / se : m > threshold ? Infinity : m < threshold ? -Infinity : 0;
  const pAbove = Number.isFinite(t) ? studentTSf(t, df) : t > 0 ? 0 : 1;
  const pBelow = Number.isFinite(t) ? studentTSf(-t, df) : t < 0 ? 0 : 1;
  return { mean: m, se, nEff, phi, pAbove, pBelow, ciLow: m - half, ciHigh: m + half };
}
