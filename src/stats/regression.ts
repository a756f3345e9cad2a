/**
 * Ordinary least squares for the handful of small regressions the detectors run (an AR(2) with a
 * trend for oscillation tests), by the normal equations with Gauss–Jordan elimination. Designs
 * here have ≤ 5 columns and well-scaled regressors, so this is accurate enough and allocation-light.
 */
import { studentTSf } from './distributions.js';

/** Coefficients, their standard errors and the residual variance of an OLS fit. */
export interface OlsFit {
  readonly beta: Float64Array;
  readonly se: Float64Array;
  readonly sigma2: number;
  readonly df: number;
}

/** OLS of y on the columns of X (row-major rows × p). Returns undefined for a singular design. */
export function ols(X: readonly Float64Array[], y: ArrayLike<number>): OlsFit | undefined {
  const n = X.length;
  const p = X[0]?.length ?? 0;
  if (n <= p) return undefined;
  const A = Array.from({ length: p }, () => new Float64Array(2 * p));
  const xty = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    const x = X[r]!;
    for (let i = 0; i < p; i++) {
      xty[i] = xty[i]! + x[i]! * y[r]!;
      for (let j = 0; j < p; j++) A[i]![j] = A[i]![j]! + x[i]! * x[j]!;
    }
  }
  for (let i = 0; i < p; i++) A[i]![p + i] = 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[piv]![c]!)) piv = r;
    if (Math.abs(A[piv]![c]!) < 1e-12) return undefined;
    [A[c], A[piv]] = [A[piv]!, A[c]!];
    const d = A[c]![c]!;
    for (let j = 0; j < 2 * p; j++) A[c]![j] = A[c]![j]! / d;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = A[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * p; j++) A[r]![j] = A[r]![j]! - f * A[c]![j]!;
    }
  }
  const beta = new Float64Array(p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) beta[i] = beta[i]! + A[i]![p + j]! * xty[j]!;
  let rss = 0;
  for (let r = 0; r < n; r++) {
    let fit = 0;
    for (let i = 0; i < p; i++) fit += X[r]![i]! * beta[i]!;
    rss += (y[r]! - fit) ** 2;
  }
  const df = n - p;
  const sigma2 = rss / df;
  const se = Float64Array.from({ length: p }, (_, i) => Math.sqrt(Math.max(0, sigma2 * A[i]![p + i]!)));
  return { beta, se, sigma2, df };
}

/** n × small-sample bias of OLS φ̂₂ under AR(1) truths (measured: −3.0 … −3.3 for n = 30–100). */
const AR2_BIAS = 3.3;

/** An AR(2)-with-trend fit read as an oscillation test. */
export interface OscillationTest {
  readonly phi1: number;
  readonly phi2: number;
  /** One-sided p-value for φ₂ < 0 (Student t). */
  readonly p: number;
  /** Whether the characteristic roots are complex (φ₁² + 4φ₂ < 0): a pseudo-periodic process. */
  readonly complex: boolean;
  /** Pseudo-period in rows, 2π / acos(φ₁ / (2√−φ₂)), when the roots are complex; else null. */
  readonly period: number | null;
}

/**
 * Fit x_t = c + b·t + φ₁ x_{t−1} + φ₂ x_{t−2} + e_t. A persistent but non-oscillating series (AR(1)
 * of any φ, a random walk) has φ₂ = 0; an oscillation has φ₂ < 0 with complex roots.
 */
export function oscillationTest(x: ArrayLike<number>): OscillationTest {
  const n = x.length;
  const X: Float64Array[] = [];
  const y: number[] = [];
  for (let t = 2; t < n; t++) {
    X.push(Float64Array.of(1, (t - n / 2) / n, x[t - 1]!, x[t - 2]!));
    y.push(x[t]!);
  }
  const fit = ols(X, y);
  if (!fit) return { phi1: 0, phi2: 0, p: 1, complex: false, period: null };
  const phi1 = fit.beta[2]!;
  const phi2 = fit.beta[3]!;
  const se = fit.se[3]!;
  // OLS φ̂₂ is biased by about −3.3/n whatever φ₁ is when the truth is AR(1) or a random walk (simulated for n = 30…100, φ = 0…1),
  // which doubles the test's false-alarm rate; the shift removes it.
  const shifted = phi2 + AR2_BIAS / n;
  const p = se > 0 ? studentTSf(-shifted / se, fit.df) : shifted < 0 ? 0 : 1;
  const complex = phi1 * phi1 + 4 * phi2 < 0;
  const period = complex ? (2 * Math.PI) / Math.acos(Math.max(-1, Math.min(1, phi1 / (2 * Math.sqrt(-phi2))))) : null;
  return { phi1, phi2, p, complex, period };
}
