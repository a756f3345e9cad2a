/**
 * Each statistical function has one implementation (src/stats/distributions.ts for the
 * distributions, descriptive.ts `tInterval` for the mean's interval); these pin the shapes its
 * callers rely on.
 */
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile, studentTSf } from '../../src/stats/distributions.js';
import { tInterval } from '../../src/stats/descriptive.js';
import { aggregateSeeds, seedStat } from '../../src/stats/t-interval.js';

describe('distributions', () => {
  it('normalQuantile inverts normalCdf and is infinite at the ends of [0, 1]', () => {
    for (const p of [0.001, 0.025, 0.5, 0.9, 0.975]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(() => normalQuantile(1.5)).toThrow(/\[0, 1\], got 1.5/);
    expect(() => normalQuantile(NaN)).toThrow(RangeError);
  });

  it('studentTCdf and studentTSf are the two tails of one distribution', () => {
    for (const [t, df] of [
      [-2, 3],
      [0.5, 7.5],
      [3, 30],
    ] as const)
      expect(studentTCdf(t, df) + studentTSf(t, df)).toBeCloseTo(1, 12);
    expect(studentTCdf(studentTQuantile(0.975, 4), 4)).toBeCloseTo(0.975, 8);
  });
});

describe('seedStat', () => {
  it('is the t interval of descriptive.ts with the SD and values added', () => {
    const xs = [3, 1, 4, 1, 5];
    const ci = tInterval(xs);
    const s = seedStat(xs);
    expect([s.mean, s.ciLow, s.ciHigh]).toEqual([ci.estimate, ci.low, ci.high]);
    expect(s.sd).toBeCloseTo(Math.sqrt(3.2), 12);
    expect(s.n).toBe(5);
    expect(seedStat([])).toEqual({ mean: 0, ciLow: 0, ciHigh: 0, sd: 0, n: 0, values: [] });
    expect(
      aggregateSeeds([
        { a: 1, b: 'x' },
        { a: 3, b: 'y' },
      ]),
    ).toEqual({ a: seedStat([1, 3]), b: 'x' });
  });
});
