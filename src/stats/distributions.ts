/**
 * The distribution functions of tacit (normal and Student-t), over jStat: the one owner of each, so
 * the rest of tacit never touches jStat's untyped surface and argument checks live in one place.
 */
import { createRequire } from 'node:module';
import type jStatType from 'jstat';

let loaded: typeof jStatType | undefined;
/**
 * jStat, required on first use rather than imported: every module that reaches the statistics (the
 * world registry through the beer game's optimum, the detectors through the config schema) would
 * otherwise pay its ~40 ms load at start-up, also for commands that never compute a p-value.
 */
function jStat(): typeof jStatType {
  return (loaded ??= createRequire(import.meta.url)('jstat') as typeof jStatType);
}

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return jStat().normal.cdf(z, 0, 1);
}

/** Upper tail 1 − Φ(z), computed from the lower tail of −z so small p-values keep their precision. */
export function normalSf(z: number): number {
  return jStat().normal.cdf(-z, 0, 1);
}

/**
 * Standard normal quantile Φ⁻¹(p) for p in [0, 1]: ±Infinity at the ends (a bootstrap's bias
 * correction can reach them when every replicate falls on one side of the estimate).
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile needs p in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  return jStat().normal.inv(p, 0, 1);
}

/** Student-t quantile with `df` degrees of freedom (df may be fractional, as from Welch–Satterthwaite). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs p in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile needs df > 0, got ${df}`);
  return jStat().studentt.inv(p, df);
}

/** Student-t upper tail P(T > t) with `df` degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTSf needs df > 0, got ${df}`);
  return jStat().studentt.cdf(-t, df);
}

/** Student-t CDF P(T ≤ t) with `df` degrees of freedom (NaN for a NaN df, as Welch's test gives for two constant samples). */
export function studentTCdf(t: number, df: number): number {
  return jStat().studentt.cdf(t, df);
}
