/**
 * AR(1) machinery for autocorrelation-robust trend tests: simulation of AR(1) noise, the lag-1
 * autocorrelation of a linearly detrended series, and an upper confidence bound on φ.
 *
 * Why a bound and not a point estimate: the lag-1 autocorrelation of a short detrended series is
 * strongly biased towards 0 (n = 50, φ = 0.9 gives E[r₁] ≈ 0.74) and noisy, and the variance
 * factor of the Mann–Kendall statistic is convex in φ near 1. Plugging in r₁ (Hamed–Rao,
 * Yue–Wang) or even a bias-corrected r₁ underestimates the factor exactly in the cases that raise
 * false alarms. We instead invert the *simulated* distribution of the estimator (mean m(φ) and
 * spread s(φ) of r₁ for this n, on a grid of φ) and take the largest φ with
 * m(φ) − z_q s(φ)/√k ≤ r̄₁, where r̄₁ is r₁ averaged over k non-overlapping windows. The tables
 * are simulated once per n from a fixed seed, so results are deterministic.
 */
import { readBuildCache, writeBuildCache } from '../core/build-cache.js';
import { RNG_WORDS, deriveSeedWords, nextNormal } from '../core/rng.js';
import { acf, detrendLinear, mean, sd } from './descriptive.js';
import { normalQuantile } from './distributions.js';

/** Grid of φ values the tables cover (denser near 1, where the factor moves fastest). */
export const PHI_GRID: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 0.995];

/** Simulation draws per grid point: enough that m(φ) and s(φ) are within ~1% of their limits. */
const TABLE_DRAWS = 2000;

/** Fill `out` with a stationary AR(1) path x_t = φ x_{t−1} + e_t, e_t ~ N(0, 1), from the sfc32 state `rng`. */
export function fillAr1(rng: Uint32Array, phi: number, out: Float64Array): Float64Array {
  let v = phi < 1 ? nextNormal(rng) / Math.sqrt(1 - phi * phi) : 0;
  for (let t = 0; t < out.length; t++) {
    out[t] = v;
    v = phi * v + nextNormal(rng);
  }
  return out;
}

/** Lag-1 autocorrelation of the least-squares-detrended series. */
export function detrendedLag1(x: ArrayLike<number>): number {
  return acf(detrendLinear(x), 1)[1]!;
}

/** For one n: mean and standard deviation of `detrendedLag1` of AR(1) paths at each PHI_GRID value. */
export interface Lag1Table {
  readonly n: number;
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

const tables = new Map<number, Lag1Table>();

/**
 * The (cached) simulated table of the detrended lag-1 autocorrelation for series of length n: per
 * process in memory, and across processes in the compiled build's folder (src/core/build-cache.ts;
 * simulating one costs ~0.1–0.5 s of CPU, which every run's trend tests would pay again). JSON
 * keeps every double exactly, so a stored table gives the same bounds as a simulated one.
 */
export function lag1Table(n: number): Lag1Table {
  const cached = tables.get(n);
  if (cached) return cached;
  if (!Number.isInteger(n) || n < 4) throw new RangeError(`lag1Table needs an integer n ≥ 4, got ${n}`);
  const stored = readBuildCache(`lag1-table-${n}.json`);
  if (stored !== undefined) {
    const { mean: m, sd: s } = JSON.parse(stored) as { mean: number[]; sd: number[] };
    const table = { n, mean: Float64Array.from(m), sd: Float64Array.from(s) };
    tables.set(n, table);
    return table;
  }
  const rng = deriveSeedWords('stats/ar1/lag1-table', n);
  if (rng.length !== RNG_WORDS) throw new Error('unexpected rng width');
  const path = new Float64Array(n);
  const draws = new Float64Array(TABLE_DRAWS);
  const m = new Float64Array(PHI_GRID.length);
  const s = new Float64Array(PHI_GRID.length);
  PHI_GRID.forEach((phi, g) => {
    for (let d = 0; d < TABLE_DRAWS; d++) draws[d] = detrendedLag1(fillAr1(rng, phi, path));
    m[g] = mean(draws);
    s[g] = sd(draws);
  });
  const table = { n, mean: m, sd: s };
  tables.set(n, table);
  writeBuildCache(`lag1-table-${n}.json`, JSON.stringify({ mean: Array.from(m), sd: Array.from(s) }));
  return table;
}

/**
 * Upper confidence bound on φ from the mean `r1` of `k` detrended lag-1 autocorrelations of
 * windows of length n: the largest grid-interpolated φ whose simulated q-quantile of that mean
 * (normal approximation, m(φ) − z_{1−q}·s(φ)/√k) does not exceed `r1`. q = 0.5 gives the
 * mean-unbiased estimate; smaller q is more conservative.
 */
export function ar1PhiUpper(r1: number, n: number, k = 1, q = 0.3): number {
  const t = lag1Table(n);
  const z = normalQuantile(1 - q) / Math.sqrt(k);
  const lowAt = (g: number): number => t.mean[g]! - z * t.sd[g]!;
  if (r1 <= lowAt(0)) return 0;
  for (let g = 1; g < PHI_GRID.length; g++) {
    const hi = lowAt(g);
    if (r1 <= hi) {
      const lo = lowAt(g - 1);
      const w = hi > lo ? (r1 - lo) / (hi - lo) : 1;
      return PHI_GRID[g - 1]! + w * (PHI_GRID[g]! - PHI_GRID[g - 1]!);
    }
  }
  return PHI_GRID[PHI_GRID.length - 1]!;
}

/**
 * Hamed–Rao's n/n* for an AR(1) with coefficient φ: 1 + 2/(n(n−1)(n−2)) Σ_k (n−k)(n−k−1)(n−k−2) ρ_k,
 * with ρ_k = (6/π) asin(φ^k / 2) the rank (Spearman) autocorrelation of a Gaussian AR(1) at lag k.
 */
export function ar1VarianceFactor(n: number, phi: number): number {
  let sum = 0;
  let pk = 1;
  for (let k = 1; k < n; k++) {
    pk *= phi;
    if (pk < 1e-12) break;
    sum += (n - k) * (n - k - 1) * (n - k - 2) * (6 / Math.PI) * Math.asin(pk / 2);
  }
  return 1 + (2 * sum) / (n * (n - 1) * (n - 2));
}
