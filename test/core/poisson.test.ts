/**
 * The exact Poisson sampler (src/core/poisson.ts) against the Poisson pmf: chi-square goodness of
 * fit at means on both sides of the inversion/PTRS switch and far into PTRS, at fixed seeds (so the
 * test is deterministic); the harness's power on a near miss (a rounded normal, what the old sampler
 * drew above mean 60); log k! against summed logarithms; the inversion branch against a plain
 * reference draw for draw; and seed-determinism.
 */
import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import { PTRS_FROM, PoissonSampler, logFactorial, nextPoisson } from '../../src/core/poisson.js';
import { deriveSeedWords, nextFloat, nextNormal } from '../../src/core/rng.js';

/** The Poisson pmf by summed logarithms (independent of the sampler's log k!). */
function pmf(mean: number, kMax: number): Float64Array {
  const out = new Float64Array(kMax + 1);
  let logP = -mean;
  const logMean = Math.log(mean);
  for (let k = 0; k <= kMax; k++) {
    if (k > 0) logP += logMean - Math.log(k);
    out[k] = Math.exp(logP);
  }
  return out;
}

/**
 * Chi-square p-value of `n` draws of `draw` against Poisson(mean): bins k with the two tails merged
 * until every bin expects at least 5 draws.
 */
function chiSquareP(mean: number, n: number, draw: () => number): number {
  const kMax = Math.ceil(mean + 12 * Math.sqrt(mean) + 20);
  const p = pmf(mean, kMax);
  const counts = new Float64Array(kMax + 1);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const k = draw();
    if (!(Number.isInteger(k) && k >= 0)) bad++;
    counts[Math.min(k, kMax)]!++;
  }
  expect(bad).toBe(0);
  // Bin edges: [0, lo] merged, lo+1 .. hi-1 single, [hi, ∞) merged.
  let lo = 0;
  let below = p[0]!;
  while (below * n < 5) below += p[++lo]!;
  let hi = kMax;
  let above = 1 - p.slice(0, hi).reduce((x, y) => x + y, 0);
  while (above * n < 5) above += p[--hi]!;
  const observed: number[] = [counts.slice(0, lo + 1).reduce((x, y) => x + y, 0)];
  const expected: number[] = [below * n];
  for (let k = lo + 1; k < hi; k++) {
    observed.push(counts[k]!);
    expected.push(p[k]! * n);
  }
  observed.push(counts.slice(hi).reduce((x, y) => x + y, 0));
  expected.push(above * n);
  let stat = 0;
  for (let j = 0; j < observed.length; j++) stat += (observed[j]! - expected[j]!) ** 2 / expected[j]!;
  return 1 - jStat.chisquare.cdf(stat, observed.length - 1);
}

describe('nextPoisson', () => {
  it('fits the Poisson pmf by chi-square at means from 0.3 to 3000, both methods (fixed seeds)', () => {
    for (const mean of [0.3, 2, 7.5, 12.6, 28, 63.9, 64, 64.1, 250, 3000]) {
      const s = deriveSeedWords(11, 'poisson', mean);
      const pValue = chiSquareP(mean, 100_000, () => nextPoisson(s, mean));
      expect(pValue, `mean ${mean}`).toBeGreaterThan(1e-3);
    }
  });

  it('has the power to reject a near miss: a rounded normal at mean 64 (the old sampler above 60)', () => {
    const s = deriveSeedWords(11, 'normal');
    const pValue = chiSquareP(64, 100_000, () => Math.max(0, Math.round(64 + 8 * nextNormal(s))));
    expect(pValue).toBeLessThan(1e-6);
  });

  it('computes log k! to 1e-14 relative across the table and the series', () => {
    let sum = 0;
    for (let k = 1; k <= 5000; k++) {
      sum += Math.log(k);
      if (k === 1) expect(logFactorial(k)).toBe(0);
      else expect(Math.abs(logFactorial(k) - sum) / sum, `k ${k}`).toBeLessThan(1e-14);
    }
    expect(logFactorial(0)).toBe(0);
  });

  it('below mean 64 draws exactly what plain inversion of the pmf draws, one uniform each', () => {
    expect(PTRS_FROM).toBe(64);
    const s = deriveSeedWords(12, 'inversion');
    const r = s.slice();
    for (let i = 0; i < 20_000; i++) {
      const mean = 0.05 + (i % 1279) * 0.05;
      // Reference: the smallest k with u < P(X ≤ k), the pmf from the independent table above.
      const u = nextFloat(r);
      const p = pmf(mean, 200);
      let k = 0;
      let cdf = p[0]!;
      while (u >= cdf) cdf += p[++k]!;
      expect(nextPoisson(s, mean)).toBe(k);
    }
    expect(Array.from(s)).toEqual(Array.from(r));
  });

  it('PoissonSampler draws exactly what nextPoisson draws, whatever its cache holds', () => {
    // Repeated means (cache hits), two alternating, spikes, fresh means, both sides of PTRS_FROM.
    const means: number[] = [];
    const r = deriveSeedWords(14, 'means');
    for (let i = 0; i < 30_000; i++) {
      const base = [0.7, 12.3, 28.9, 63.99, 64, 150][Math.floor(i / 5000)]!;
      const kind = nextFloat(r);
      means.push(kind < 0.6 ? base : kind < 0.75 ? base * 2.5 : kind < 0.9 ? 0.01 + nextFloat(r) * 70 : i % 2 ? base : 5.5);
    }
    means.push(0, -3, 1e-300);
    const sampler = new PoissonSampler();
    const a = deriveSeedWords(14, 'draws');
    const b = a.slice();
    for (const mean of means) expect(sampler.draw(a, mean), `mean ${mean}`).toBe(nextPoisson(b, mean));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('is a function of the stream: same seed, same draws; mean 0 draws nothing', () => {
    const a = deriveSeedWords(13, 'p');
    const b = deriveSeedWords(13, 'p');
    const xs = Array.from({ length: 500 }, (_, i) => nextPoisson(a, 1 + (i % 40)));
    const ys = Array.from({ length: 500 }, (_, i) => nextPoisson(b, 1 + (i % 40)));
    expect(xs).toEqual(ys);
    const before = Array.from(a);
    expect(nextPoisson(a, 0)).toBe(0);
    expect(nextPoisson(a, -1)).toBe(0);
    expect(Array.from(a)).toEqual(before);
    expect(() => nextPoisson(a, Infinity)).toThrow(/finite/);
  });
});
