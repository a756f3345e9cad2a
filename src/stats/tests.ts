/**
 * Two-sample hypothesis tests for comparing variants across seeds:
 *
 * - Welch's unequal-variance t-test (t statistic, Welch–Satterthwaite df, two-sided p from jStat's
 *   Student-t CDF) — the primary pairwise test: it has power with 5 seeds per variant.
 * - A permutation test on the difference of means, exact by enumerating every split of the pooled
 *   sample when there are at most `maxExact` of them, otherwise seeded Monte Carlo. Its two-sided
 *   p-value follows scipy.stats.permutation_test: 2·min(P(T ≤ t), P(T ≥ t)), clipped to 1, with
 *   ties detected at a relative tolerance of 100 ε; Monte Carlo p-values use (count + 1)/(B + 1).
 * - Fisher's exact test on a 2×2 table (detector fired / not fired per variant), two-sided by
 *   summing the probabilities of tables no more likely than the observed one (scipy's rule, with
 *   its 1 + 1e-7 relative tolerance).
 * - The Wilson score interval for a proportion (verdict rates).
 */
import { deriveSeedWords, nextInt } from '../core/rng.js';
import { mean, variance } from './descriptive.js';
import { normalQuantile, studentTCdf } from './distributions.js';

/** Result of Welch's t-test. */
export interface WelchResult {
  /** mean(a) − mean(b). */
  readonly diff: number;
  /** The t statistic. */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  /** Two-sided p-value. */
  readonly pValue: number;
}

/**
 * Welch's t-test of mean(a) = mean(b). Needs two values per group; if both groups have no spread
 * the test is decided by whether the means differ (p = 0) or not (p = 1).
 */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const diff = mean(a) - mean(b);
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) {
    return diff === 0 ? { diff, t: 0, df: Number.NaN, pValue: 1 } : { diff, t: Math.sign(diff) * Infinity, df: Number.NaN, pValue: 0 };
  }
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  return { diff, t, df, pValue };
}

/** Options of permutationTest. */
export interface PermutationOptions {
  /** Enumerate exactly when the number of splits C(n+m, n) is at most this; default 100 000. */
  readonly maxExact?: number;
  /** Monte Carlo permutations otherwise; default 9 999. */
  readonly resamples?: number;
  /** Seed of the Monte Carlo stream; default 0. */
  readonly seed?: number | string;
}

/** Result of a permutation test. */
export interface PermutationResult {
  /** mean(a) − mean(b). */
  readonly diff: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** Whether the null distribution was enumerated exactly. */
  readonly exact: boolean;
  /** Size of the null distribution. */
  readonly permutations: number;
}

/** Binomial coefficient C(n, k) as a float (exact for the sizes used here). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - Math.min(k, n - k) + i)) / i;
  return Math.round(r);
}

/** Two-sided permutation test of the difference of means (see the module header). */
export function permutationTest(a: readonly number[], b: readonly number[], options: PermutationOptions = {}): PermutationResult | null {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return null;
  const pooled = [...a, ...b];
  const total = pooled.reduce((s, v) => s + v, 0);
  const stat = (sumA: number): number => sumA / n - (total - sumA) / m;
  const observed = mean(a) - mean(b);
  const gamma = Math.abs(observed) * Number.EPSILON * 100;
  let less = 0;
  let greater = 0;
  const count = (sumA: number): void => {
    const d = stat(sumA);
    if (d <= observed + gamma) less++;
    if (d >= observed - gamma) greater++;
  };
  const splits = binomial(n + m, n);
  const exact = splits <= (options.maxExact ?? 100_000);
  let permutations: number;
  if (exact) {
    // Walk all n-subsets of the pooled indices in lexicographic order.
    const idx = Array.from({ length: n }, (_, k) => k);
    const N = n + m;
    for (;;) {
      let s = 0;
      for (const i of idx) s += pooled[i]!;
      count(s);
      let k = n - 1;
      while (k >= 0 && idx[k] === N - n + k) k--;
      if (k < 0) break;
      idx[k]!++;
      for (let j = k + 1; j < n; j++) idx[j] = idx[j - 1]! + 1;
    }
    permutations = splits;
  } else {
    permutations = options.resamples ?? 9_999;
    const rng = deriveSeedWords(options.seed ?? 0, 'stats', 'permutation');
    const work = pooled.slice();
    for (let r = 0; r < permutations; r++) {
      // Partial Fisher–Yates: the first n slots become a uniform random n-subset.
      let s = 0;
      for (let i = 0; i < n; i++) {
        const j = i + nextInt(rng, work.length - i);
        const tmp = work[i]!;
        work[i] = work[j]!;
        work[j] = tmp;
        s += work[i]!;
      }
      count(s);
    }
  }
  const adj = exact ? 0 : 1;
  const pLess = (less + adj) / (permutations + adj);
  const pGreater = (greater + adj) / (permutations + adj);
  return { diff: observed, pValue: Math.min(1, 2 * Math.min(pLess, pGreater)), exact, permutations };
}

/** Log of the hypergeometric probability of a 2×2 table with first cell x and the given margins. */
function logHypergeom(x: number, row1: number, col1: number, total: number): number {
  return logChoose(col1, x) + logChoose(total - col1, row1 - x) - logChoose(total, row1);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/**
 * Fisher's exact test, two-sided, on the table [[a, b], [c, d]] (rows: variants; columns: fired,
 * not fired). Sums the probabilities of every table with the same margins that is no more likely
 * than the observed one.
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const row1 = a + b;
  const col1 = a + c;
  const total = a + b + c + d;
  if (total === 0) return 1;
  const pObs = logHypergeom(a, row1, col1, total);
  let p = 0;
  for (let x = Math.max(0, row1 + col1 - total); x <= Math.min(row1, col1); x++) {
    const lp = logHypergeom(x, row1, col1, total);
    if (lp <= pObs + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Wilson score interval for `successes` out of `n` (Wilson 1927), at the given level. */
export function wilsonInterval(successes: number, n: number, level = 0.95): { estimate: number; low: number; high: number } {
  if (n === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN };
  const p = successes / n;
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
