/**
 * Bootstrap confidence intervals for the mean of a small sample (one value per seed).
 *
 * With few seeds (n ≤ 5 by default) the bootstrap distribution is computed exactly by enumerating
 * all nⁿ ordered resamples, each equally likely, so the interval is a fixed function of the data.
 * Above that, resamples are drawn from a seeded sfc32 stream (src/core/rng.ts), never an unseeded global generator,
 * so the same data and seed always give the same interval.
 *
 * BCa follows Efron & Tibshirani (1993), §14.3 (eq. 14.14–14.15): the bias-correction z₀ uses the
 * mid-rank of θ̂ in the bootstrap distribution (ties counted half, as scipy.stats.bootstrap does),
 * the acceleration comes from the jackknife, and the adjusted levels are read off the bootstrap
 * distribution with linear (type 7) interpolation. When BCa is undefined (z₀ or the adjusted levels
 * not finite), the percentile interval is returned and `method` says so.
 */
import { deriveSeedWords, nextInt } from '../core/rng.js';
import { mean, quantileSorted, type Interval } from './descriptive.js';
import { normalCdf, normalQuantile } from './distributions.js';

/** Options of bootstrapMeanCI. */
export interface BootstrapOptions {
  /** Confidence level, default 0.95. */
  readonly level?: number;
  /** Monte Carlo resamples, default 10 000; also the cap below which the exact distribution is enumerated. */
  readonly resamples?: number;
  /** Seed of the resampling stream (Monte Carlo only), default 0. */
  readonly seed?: number | string;
  /** 'bca' (default) or 'percentile'. */
  readonly method?: 'bca' | 'percentile';
  /** 'auto' (default: exact when nⁿ ≤ resamples), or force exact/Monte Carlo. */
  readonly exact?: 'auto' | boolean;
}

/** A bootstrap interval with how it was computed. */
export interface BootstrapInterval extends Interval {
  /** The method actually used (BCa falls back to percentile when undefined). */
  readonly method: 'bca' | 'percentile' | 'degenerate';
  /** Whether the bootstrap distribution was enumerated exactly. */
  readonly exact: boolean;
  /** Size of the bootstrap distribution. */
  readonly resamples: number;
}

/** Largest n whose nⁿ resamples we are willing to enumerate regardless of `resamples`. */
const MAX_EXACT_N = 7;

/** The sorted bootstrap distribution of the mean: exact enumeration or seeded Monte Carlo. */
export function bootstrapMeans(values: readonly number[], exact: boolean, resamples: number, seed: number | string): Float64Array {
  const n = values.length;
  if (exact) {
    const total = n ** n;
    const out = new Float64Array(total);
    const idx = new Int32Array(n); // odometer over index tuples
    for (let b = 0; b < total; b++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += values[idx[k]!]!;
      out[b] = s / n;
      for (let k = n - 1; k >= 0; k--) {
        if (++idx[k]! < n) break;
        idx[k] = 0;
      }
    }
    return out.sort();
  }
  const rng = deriveSeedWords(seed, 'stats', 'bootstrap');
  const out = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += values[nextInt(rng, n)]!;
    out[b] = s / n;
  }
  return out.sort();
}

/** Jackknife acceleration â = Σd³ / (6 (Σd²)^{3/2}), d = mean of leave-one-out means − each. */
export function jackknifeAcceleration(values: readonly number[]): number {
  const n = values.length;
  let total = 0;
  for (const v of values) total += v;
  const loo = values.map((v) => (total - v) / (n - 1));
  const looMean = mean(loo);
  let s2 = 0;
  let s3 = 0;
  for (const t of loo) {
    const d = looMean - t;
    s2 += d * d;
    s3 += d * d * d;
  }
  return s2 === 0 ? 0 : s3 / (6 * s2 ** 1.5);
}

/** Bootstrap confidence interval for the mean of `values` (see the module header). */
export function bootstrapMeanCI(values: readonly number[], options: BootstrapOptions = {}): BootstrapInterval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 10_000;
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap level must be in (0, 1), got ${level}`);
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new RangeError(`bootstrap resamples must be a positive integer, got ${resamples}`);
  const n = values.length;
  const estimate = mean(values);
  if (n === 0) return { estimate, low: Number.NaN, high: Number.NaN, method: 'degenerate', exact: true, resamples: 0 };
  if (values.every((v) => v === values[0])) return { estimate, low: estimate, high: estimate, method: 'degenerate', exact: true, resamples: 1 };

  const exactOpt = options.exact ?? 'auto';
  const exact = exactOpt === 'auto' ? n <= MAX_EXACT_N && n ** n <= resamples : exactOpt;
  if (exact && n > MAX_EXACT_N) throw new RangeError(`exact bootstrap enumerates nⁿ resamples; n = ${n} is too large (max ${MAX_EXACT_N})`);
  const dist = bootstrapMeans(values, exact, resamples, options.seed ?? 0);
  const alpha = (1 - level) / 2;
  const percentile = (): BootstrapInterval => ({
    estimate,
    low: quantileSorted(dist, alpha),
    high: quantileSorted(dist, 1 - alpha),
    method: 'percentile',
    exact,
    resamples: dist.length,
  });
  if ((options.method ?? 'bca') === 'percentile') return percentile();

  let below = 0;
  let atOrBelow = 0;
  for (const t of dist) {
    if (t < estimate) below++;
    if (t <= estimate) atOrBelow++;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * dist.length));
  const a = jackknifeAcceleration(values);
  const zAlpha = normalQuantile(alpha);
  const adjust = (z: number): number => normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
  const a1 = adjust(zAlpha);
  const a2 = adjust(-zAlpha);
  if (![z0, a1, a2].every(Number.isFinite)) return percentile();
  return { estimate, low: quantileSorted(dist, a1), high: quantileSorted(dist, a2), method: 'bca', exact, resamples: dist.length };
}
