/**
 * Distribution functions the detectors need, over jStat. Kept behind this module so the rest of
 * tacit never touches jStat's untyped surface and so argument checks live in one place.
 */
import jStat from 'jstat';

/** Standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
  return jStat.normal.cdf(z, 0, 1);
}

/** Upper tail 1 − Φ(z), computed from the lower tail of −z so small p-values keep their precision. */
export function normalSf(z: number): number {
  return jStat.normal.cdf(-z, 0, 1);
}

/** Standard normal quantile Φ⁻¹(p), p in (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs p in (0, 1), got ${p}`);
  return jStat.normal.inv(p, 0, 1);
}

/** Student-t quantile with `df` degrees of freedom (df may be fractional, as from Welch–Satterthwaite). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile needs p in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile needs df > 0, got ${df}`);
  return jStat.studentt.inv(p, df);
}

/** Student-t upper tail P(T > t) with `df` degrees of freedom. */
export function studentTSf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTSf needs df > 0, got ${df}`);
  return jStat.studentt.cdf(-t, df);
}
