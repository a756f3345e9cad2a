import { describe, expect, it } from 'vitest';
import { deriveSeedWords } from '../../src/core/rng.js';
import { ar1PhiUpper, ar1VarianceFactor, detrendedLag1, fillAr1 } from '../../src/stats/ar1.js';
import { mannKendallS, senSlope, senSlopeInterval, trendTest } from '../../src/stats/mann-kendall.js';

describe('Mann–Kendall S and Sen slope', () => {
  it('matches hand-computed S and variance, with ties', () => {
    // 5 increasing values: all 10 pairs concordant; Var = 5·4·15/18.
    expect(mannKendallS([1, 2, 3, 4, 5])).toEqual({ s: 10, varS: (5 * 4 * 15) / 18 });
    // [1, 1, 2]: pairs (1,1) tie, (1,2), (1,2) → S = 2; one tie group of 2 removes 2·1·9.
    expect(mannKendallS([1, 1, 2])).toEqual({ s: 2, varS: (3 * 2 * 11 - 2 * 1 * 9) / 18 });
    expect(mannKendallS([3, 2, 1]).s).toBe(-3);
  });

  it('recovers the slope of a line and brackets it', () => {
    const x = Array.from({ length: 30 }, (_, t) => 2 - 0.5 * t + (t % 3 === 0 ? 0.1 : -0.05));
    expect(senSlope(x)).toBeCloseTo(-0.5, 1);
    const { slope, low, high } = senSlopeInterval(x, mannKendallS(x).varS);
    expect(low).toBeLessThanOrEqual(slope);
    expect(high).toBeGreaterThanOrEqual(slope);
    expect(low).toBeLessThan(-0.45);
    expect(high).toBeGreaterThan(-0.55);
  });

  it('rejects for a clear trend and gives one-sided p-values in the right direction', () => {
    const rng = deriveSeedWords('mk-test', 'trend');
    const noise = fillAr1(rng, 0.3, new Float64Array(50));
    const x = noise.map((v, t) => v + 0.1 * t);
    const res = trendTest(x);
    expect(res.pUp).toBeLessThan(1e-4);
    expect(res.pDown).toBeGreaterThan(0.99);
    expect(res.slopeLow).toBeGreaterThan(0.05);
    expect(res.tau).toBeGreaterThan(0.5);
  });
});

describe('autocorrelation-robust trend tests', () => {
  it('plain MK is far oversized on trendless AR(1) φ=0.9 while the ar1 method holds its level', () => {
    const rng = deriveSeedWords('mk-test', 'size');
    const x = new Float64Array(50);
    let mk = 0;
    let ar1 = 0;
    const reps = 300;
    for (let r = 0; r < reps; r++) {
      fillAr1(rng, 0.9, x);
      if (trendTest(x, { method: 'mk' }).pUp < 0.025) mk++;
      if (trendTest(x, { method: 'ar1' }).pUp < 0.025) ar1++;
    }
    expect(mk / reps).toBeGreaterThan(0.15);
    expect(ar1 / reps).toBeLessThan(0.05);
  });

  it('the AR(1) variance factor is 1 without autocorrelation and matches the simulated Var(S) ratio', () => {
    expect(ar1VarianceFactor(50, 0)).toBe(1);
    const rng = deriveSeedWords('mk-test', 'factor');
    const x = new Float64Array(50);
    let ratio = 0;
    const reps = 1500;
    for (let r = 0; r < reps; r++) {
      const { s, varS } = mannKendallS(fillAr1(rng, 0.7, x));
      ratio += (s * s) / varS;
    }
    expect(ratio / reps).toBeGreaterThan(0.85 * ar1VarianceFactor(50, 0.7));
    expect(ratio / reps).toBeLessThan(1.15 * ar1VarianceFactor(50, 0.7));
  });

  it('the φ bound grows with the observed autocorrelation and tightens when windows are pooled', () => {
    expect(ar1PhiUpper(0.2, 50)).toBeLessThan(ar1PhiUpper(0.5, 50));
    expect(ar1PhiUpper(0.5, 50)).toBeLessThan(ar1PhiUpper(0.7, 50));
    expect(ar1PhiUpper(0.5, 50, 4)).toBeLessThan(ar1PhiUpper(0.5, 50, 1));
    // The detrended r₁ of AR(1) φ=0.8 series averages well below 0.8; the median-unbiased bound inverts that bias.
    const rng = deriveSeedWords('mk-test', 'bound');
    const x = new Float64Array(50);
    let r1 = 0;
    for (let r = 0; r < 200; r++) r1 += detrendedLag1(fillAr1(rng, 0.8, x));
    expect(r1 / 200).toBeLessThan(0.72);
    expect(ar1PhiUpper(r1 / 200, 50, 200, 0.5)).toBeCloseTo(0.8, 1);
  });
});
