import { describe, expect, it } from 'vitest';
import { deriveSeedWords, nextNormal } from '../../src/core/rng.js';
import { fillAr1 } from '../../src/stats/ar1.js';
import { meanTest, meanVarianceFactor } from '../../src/stats/mean-test.js';
import { ols, oscillationTest } from '../../src/stats/regression.js';

describe('ols', () => {
  it('recovers coefficients of an exact linear model with zero residual variance', () => {
    const X = Array.from({ length: 20 }, (_, t) => Float64Array.of(1, t, Math.sin(t)));
    const y = X.map((x) => 2 + 0.5 * x[1]! - 3 * x[2]!);
    const fit = ols(X, y)!;
    expect(fit.beta[0]).toBeCloseTo(2, 10);
    expect(fit.beta[1]).toBeCloseTo(0.5, 10);
    expect(fit.beta[2]).toBeCloseTo(-3, 10);
    expect(fit.sigma2).toBeCloseTo(0, 10);
  });

  it('returns undefined for a singular design', () => {
    const X = Array.from({ length: 10 }, (_, t) => Float64Array.of(t, 2 * t));
    expect(
      ols(
        X,
        X.map((_, t) => t),
      ),
    ).toBeUndefined();
  });
});

describe('oscillationTest', () => {
  it('finds a noisy sinusoid and its period', () => {
    const rng = deriveSeedWords('osc-test');
    const x = Array.from({ length: 80 }, (_, t) => 2 * Math.sin((2 * Math.PI * t) / 6) + 0.5 * nextNormal(rng));
    const res = oscillationTest(x);
    expect(res.complex).toBe(true);
    expect(res.p).toBeLessThan(1e-6);
    expect(res.period!).toBeGreaterThan(5);
    expect(res.period!).toBeLessThan(7);
  });

  it('holds its level on persistent non-oscillating series (AR(1) φ=0.9 and random walks)', () => {
    const rng = deriveSeedWords('osc-test', 'size');
    const x = new Float64Array(50);
    let ar = 0;
    let rw = 0;
    const reps = 600;
    for (let r = 0; r < reps; r++) {
      if (oscillationTest(fillAr1(rng, 0.9, x)).p < 0.05) ar++;
      let v = 0;
      for (let t = 0; t < 50; t++) x[t] = v += nextNormal(rng);
      if (oscillationTest(x).p < 0.05) rw++;
    }
    expect(ar / reps).toBeLessThan(0.075);
    expect(rw / reps).toBeLessThan(0.075);
  });
});

describe('meanTest', () => {
  it('inflates the variance of a mean by the AR(1) factor', () => {
    expect(meanVarianceFactor(100, 0)).toBe(1);
    expect(meanVarianceFactor(100, 0.5)).toBeGreaterThan(2.8);
    expect(meanVarianceFactor(100, 0.5)).toBeLessThan(3);
  });

  it('detects a shifted mean and holds its level on AR(1) φ=0.9 around the threshold', () => {
    const rng = deriveSeedWords('mean-test');
    const x = new Float64Array(50);
    expect(
      meanTest(
        fillAr1(rng, 0.3, x).map((v) => v + 1),
        0,
      ).pAbove,
    ).toBeLessThan(1e-3);
    let rej = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) if (meanTest(fillAr1(rng, 0.9, x), 0).pAbove < 0.05) rej++;
    expect(rej / reps).toBeLessThan(0.07);
  });
});
