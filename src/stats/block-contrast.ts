/**
 * Contrasts between block means of one autocorrelated series, for "is the end of a learning run
 * higher / lower than its start (or than its best earlier stretch)?".
 *
 * The series of n rows is cut into non-overlapping blocks of m rows from the start ([0, m),
 * [m, 2m), …) plus the end segment [n − m, n). Noise is modelled as AR(1) around a smooth mean:
 * - φ is bounded from above (src/stats/ar1.ts) from the detrended lag-1 autocorrelations pooled
 *   over all blocks, so a slow wander is not mistaken for a change;
 * - the marginal noise variance comes from the pooled *linearly detrended* within-block sum of
 *   squares, divided by its exact expectation under AR(1)(φ), k·(m − tr(H Σ_φ)), where H projects
 *   on [1, t] within a block; learning curves inside a block therefore do not inflate it much,
 *   while the bound on φ keeps it from being understated;
 * - a block mean then has variance σ²·f(m, φ)/m (meanVarianceFactor), and the difference of two
 *   block means at most twice that (neighbouring blocks of a positively autocorrelated series
 *   covary positively, which only makes the test conservative).
 * The statistic is referred to a Student t with the pooled effective degrees of freedom. For a
 * contrast against the best of B earlier blocks, the maximum of the B contrasts is referred to the
 * exact distribution of the maximum of B standard normals with common correlation ½ (they share
 * the end segment), so choosing the best block is paid for.
 */
import { ar1PhiUpper, detrendedLag1 } from './ar1.js';
import { normalCdf, normalQuantile, studentTSf } from './distributions.js';
import { meanVarianceFactor } from './mean-test.js';

/** Noise model of one series at one look: block length, φ bound, noise sd, per-block-mean sd and degrees of freedom. */
export interface BlockNoise {
  readonly m: number;
  readonly blocks: number;
  readonly phi: number;
  readonly sigma: number;
  /** Standard deviation of one block mean. */
  readonly seMean: number;
  readonly df: number;
}

/** A one-sided contrast: estimate, its standard error, t, p. */
export interface Contrast {
  readonly diff: number;
  readonly se: number;
  readonly t: number;
  readonly p: number;
}

const traceCache = new Map<string, number>();

/** tr(H Σ_φ) for the projection H on [1, t] over m points and Σ_φ[i][j] = φ^|i−j|. */
export function detrendTrace(m: number, phi: number): number {
  const key = `${m}|${phi.toFixed(4)}`;
  const hit = traceCache.get(key);
  if (hit !== undefined) return hit;
  // H = X (X'X)^-1 X' with X = [1, t − t̄]: H_ij = 1/m + (t_i − t̄)(t_j − t̄)/Stt.
  const tbar = (m - 1) / 2;
  let stt = 0;
  for (let i = 0; i < m; i++) stt += (i - tbar) ** 2;
  let tr = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) tr += (1 / m + ((i - tbar) * (j - tbar)) / stt) * phi ** Math.abs(i - j);
  traceCache.set(key, tr);
  return tr;
}

/** Mean of the finite values of x[a, b), and how many there were. */
export function blockMean(x: ArrayLike<number>, a: number, b: number): { mean: number; count: number } {
  let s = 0;
  let c = 0;
  for (let t = a; t < b; t++) {
    const v = x[t]!;
    if (Number.isFinite(v)) {
      s += v;
      c++;
    }
  }
  return { mean: c > 0 ? s / c : Number.NaN, count: c };
}

/** Least-squares detrended sum of squares of x[a, a + m) (all finite), or NaN. */
function detrendedSS(x: ArrayLike<number>, a: number, m: number): number {
  const tbar = (m - 1) / 2;
  let sx = 0;
  let stt = 0;
  let stx = 0;
  for (let i = 0; i < m; i++) {
    const v = x[a + i]!;
    if (!Number.isFinite(v)) return Number.NaN;
    sx += v;
  }
  const xbar = sx / m;
  for (let i = 0; i < m; i++) {
    stt += (i - tbar) ** 2;
    stx += (i - tbar) * (x[a + i]! - xbar);
  }
  const slope = stx / stt;
  let ss = 0;
  for (let i = 0; i < m; i++) ss += (x[a + i]! - xbar - slope * (i - tbar)) ** 2;
  return ss;
}

/**
 * Noise model of x[0, n) with blocks of m rows (the leading blocks and the end segment), or
 * undefined when fewer than two blocks are complete and finite.
 */
export function blockNoise(x: ArrayLike<number>, n: number, m: number, phiQuantile: number): BlockNoise | undefined {
  const starts: number[] = [];
  for (let a = 0; a + m <= n - m; a += m) starts.push(a);
  starts.push(n - m);
  let ss = 0;
  let r1 = 0;
  let k = 0;
  for (const a of starts) {
    const s = detrendedSS(x, a, m);
    if (!Number.isFinite(s)) continue;
    ss += s;
    r1 += detrendedLag1(Array.prototype.slice.call(x, a, a + m) as number[]);
    k++;
  }
  if (k < 2) return undefined;
  const phi = ar1PhiUpper(r1 / k, m, k, phiQuantile);
  const f = meanVarianceFactor(m, phi);
  const sigma = Math.sqrt(ss / (k * Math.max(1e-9, m - detrendTrace(m, phi))));
  return { m, blocks: k, phi, sigma, seMean: sigma * Math.sqrt(f / m), df: Math.max(2, (k * (m - 2)) / f) };
}

/** One-sided contrast "end block mean above start block mean" (use a negated series for "below"). */
export function riseContrast(x: ArrayLike<number>, n: number, noise: BlockNoise): Contrast {
  const m = noise.m;
  const d = blockMean(x, n - m, n).mean - blockMean(x, 0, m).mean;
  const se = noise.seMean * Math.SQRT2;
  const t = se > 0 ? d / se : d > 0 ? Infinity : -Infinity;
  return { diff: d, se, t, p: Number.isFinite(t) ? studentTSf(t, noise.df) : t > 0 ? 0 : 1 };
}

/**
 * P(max of `b` standard normals with pairwise correlation ½ ≥ c): they are (U_i − U_0)/√2 with
 * independent U, so the probability is 1 − E_U[Φ(√2 c + U)^b]. Midpoint rule on [−8, 8].
 */
export function maxEquicorrelatedSf(c: number, b: number): number {
  if (b <= 1) return 1 - normalCdf(c);
  const steps = 640;
  const h = 16 / steps;
  let acc = 0;
  for (let s = 0; s < steps; s++) {
    const u = -8 + (s + 0.5) * h;
    acc += Math.exp(-0.5 * u * u) * normalCdf(Math.SQRT2 * c + u) ** b;
  }
  const cdf = (acc * h) / Math.sqrt(2 * Math.PI);
  return Math.min(1, Math.max(0, 1 - cdf));
}

/**
 * One-sided contrast "end block mean below the best earlier block" (use a negated series for
 * "above the worst"), corrected for picking the best of the earlier blocks.
 */
export function dropFromBestContrast(
  x: ArrayLike<number>,
  n: number,
  noise: BlockNoise,
): Contrast & { readonly bestBlock: number; readonly bestMean: number; readonly endMean: number; readonly blocksCompared: number } {
  const m = noise.m;
  const end = blockMean(x, n - m, n).mean;
  let best = -Infinity;
  let bestBlock = -1;
  let count = 0;
  for (let a = 0, b = 0; a + m <= n - m; a += m, b++) {
    const v = blockMean(x, a, a + m);
    if (v.count < m / 2) continue;
    count++;
    if (v.mean > best) {
      best = v.mean;
      bestBlock = b;
    }
  }
  const se = noise.seMean * Math.SQRT2;
  const d = best - end;
  if (count === 0 || !Number.isFinite(d)) return { diff: Number.NaN, se, t: Number.NaN, p: 1, bestBlock, bestMean: best, endMean: end, blocksCompared: count };
  const t = se > 0 ? d / se : d > 0 ? Infinity : -Infinity;
  // The t statistic to a normal score with the same tail, then the max-of-B correction.
  const pT = Number.isFinite(t) ? studentTSf(t, noise.df) : t > 0 ? 0 : 1;
  const z = pT <= 1e-300 ? Infinity : pT >= 1 - 1e-12 ? -Infinity : -normalQuantile(pT);
  const p = Number.isFinite(z) ? maxEquicorrelatedSf(z, count) : z > 0 ? 0 : 1;
  return { diff: d, se, t, p, bestBlock, bestMean: best, endMean: end, blocksCompared: count };
}
