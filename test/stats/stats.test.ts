/**
 * src/stats against independently computed values: goldens from scipy 1.17 (see
 * goldens/make-goldens.py and the provenance block in goldens/stats-goldens.json), hand derivations
 * quoted in comments, and properties (determinism, convergence of Monte Carlo to the exact answer).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bonferroni,
  compactLetters,
  bootstrapMeanCI,
  fisherExact,
  holm,
  jackknifeAcceleration,
  mean,
  permutationTest,
  quantile,
  sd,
  tInterval,
  welchTTest,
  wilsonInterval,
} from '../../src/stats/index.js';
import jStat from 'jstat';

interface Goldens {
  welch: { name: string; a: number[]; b: number[]; t: number; df: number; p: number }[];
  permutation: { name: string; a: number[]; b: number[]; diff: number; p: number; permutations: number }[];
  bootstrapExact: ({ name: string; values: number[]; mean: number; resamples: number } & Record<
    string,
    { percentile: number[]; bca: number[]; acceleration: number }
  >)[];
  bootstrapMonteCarlo: { values: number[]; percentile: number[]; BCa: number[] };
  fisher: { table: number[][]; p: number }[];
  wilson: { successes: number; n: number; low: number; high: number }[];
  tQuantile: { p: number; df: number; t: number }[];
}
const goldens = JSON.parse(readFileSync(new URL('./goldens/stats-goldens.json', import.meta.url), 'utf8')) as Goldens;

describe('descriptive', () => {
  it('computes mean, sd and type-7 quantiles', () => {
    // By hand: mean 3, squared deviations 4+1+0+1+4 = 10, variance 10/4 = 2.5.
    expect(mean([1, 2, 3, 4, 5])).toBe(3);
    expect(sd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 14);
    // numpy.percentile([1,2,3,4], 25) = 1.75 (h = 3·0.25 = 0.75 between 1 and 2).
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75, 14);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(Number.isNaN(mean([]))).toBe(true);
  });

  it('t quantiles match scipy.stats.t.ppf (and printed t tables: 2.776 for df 4, 2.228 for df 10)', () => {
    for (const g of goldens.tQuantile) expect(jStat.studentt.inv(g.p, g.df)).toBeCloseTo(g.t, 6);
    // Half-width for [1..5]: 2.7764 · √2.5 / √5 = 1.9632.
    const ci = tInterval([1, 2, 3, 4, 5]);
    expect(ci.high - 3).toBeCloseTo(2.7764451051977934 * Math.sqrt(2.5 / 5), 6);
    expect(tInterval([7])).toEqual({ estimate: 7, low: 7, high: 7 });
  });
});

describe('welchTTest', () => {
  it.each(goldens.welch)('matches scipy ttest_ind(equal_var=False) on $name', (g) => {
    const r = welchTTest(g.a, g.b)!;
    expect(r.t).toBeCloseTo(g.t, 10);
    expect(r.df).toBeCloseTo(g.df, 9);
    expect(r.pValue).toBeCloseTo(g.p, 8);
  });

  it('agrees with the hand computation for [1..5] vs [3,5,..,11]', () => {
    // s²a/n = 2.5/5 = 0.5, s²b/n = 10/5 = 2, t = -4/√2.5, df = 2.5² / (0.5²/4 + 2²/4) = 6.25/1.0625.
    const r = welchTTest([1, 2, 3, 4, 5], [3, 5, 7, 9, 11])!;
    expect(r.t).toBeCloseTo(-4 / Math.sqrt(2.5), 12);
    expect(r.df).toBeCloseTo(6.25 / 1.0625, 12);
  });

  it('handles degenerate samples', () => {
    expect(welchTTest([1], [2, 3])).toBeNull();
    expect(welchTTest([1, 1], [1, 1])!.pValue).toBe(1);
    expect(welchTTest([2, 2], [1, 1])!.pValue).toBe(0);
  });
});

describe('permutationTest', () => {
  it.each(goldens.permutation)('exact p matches scipy permutation_test on $name', (g) => {
    const r = permutationTest(g.a, g.b)!;
    expect(r.exact).toBe(true);
    expect(r.permutations).toBe(g.permutations);
    expect(r.diff).toBeCloseTo(g.diff, 12);
    expect(r.pValue).toBeCloseTo(g.p, 12);
  });

  it('is exact by hand for [1,2,3] vs [4,5,6]: only the observed split and its mirror are as extreme', () => {
    // C(6,3) = 20 splits; P(T ≤ -3) = 1/20, so p = 2/20.
    expect(permutationTest([1, 2, 3], [4, 5, 6])!.pValue).toBeCloseTo(0.1, 15);
  });

  it('Monte Carlo p converges to the exact p and is seeded', () => {
    const g = goldens.permutation.find((x) => x.name === 'five-vs-five')!;
    const mc = permutationTest(g.a, g.b, { maxExact: 0, resamples: 40_000, seed: 3 })!;
    expect(mc.exact).toBe(false);
    // Binomial MC error at p ≈ 0.016 with 40 000 draws: sd ≈ 0.0009 on 2·P, allow 4 sd.
    expect(Math.abs(mc.pValue - g.p)).toBeLessThan(0.004);
    expect(permutationTest(g.a, g.b, { maxExact: 0, resamples: 500, seed: 3 })).toEqual(permutationTest(g.a, g.b, { maxExact: 0, resamples: 500, seed: 3 }));
  });
});

describe('bootstrapMeanCI', () => {
  for (const g of goldens.bootstrapExact) {
    for (const level of [0.95, 0.9]) {
      it(`exact ${level} percentile and BCa match scipy on ${g.name}`, () => {
        const ref = g[String(level)]!;
        const pct = bootstrapMeanCI(g.values, { level, method: 'percentile' });
        expect(pct.exact).toBe(true);
        expect(pct.resamples).toBe(g.resamples);
        expect(pct.low).toBeCloseTo(ref.percentile[0]!, 9);
        expect(pct.high).toBeCloseTo(ref.percentile[1]!, 9);
        const bca = bootstrapMeanCI(g.values, { level });
        expect(bca.method).toBe('bca');
        expect(bca.low).toBeCloseTo(ref.bca[0]!, 9);
        expect(bca.high).toBeCloseTo(ref.bca[1]!, 9);
        expect(jackknifeAcceleration(g.values)).toBeCloseTo(ref.acceleration, 12);
      });
    }
  }

  it('Monte Carlo intervals agree with scipy.stats.bootstrap (400k resamples) within resampling error', () => {
    const g = goldens.bootstrapMonteCarlo;
    const spread = sd(g.values) / Math.sqrt(g.values.length);
    for (const [method, ref] of [
      ['percentile', g.percentile],
      ['bca', g.BCa],
    ] as const) {
      const r = bootstrapMeanCI(g.values, { method, resamples: 100_000, seed: 1 });
      expect(r.exact).toBe(false);
      expect(Math.abs(r.low - ref[0]!)).toBeLessThan(0.03 * spread);
      expect(Math.abs(r.high - ref[1]!)).toBeLessThan(0.03 * spread);
    }
  });

  it('is deterministic per seed and different across seeds', () => {
    const xs = [1, 4, 2, 8, 5, 7, 3, 9];
    const a = bootstrapMeanCI(xs, { seed: 5, resamples: 2000 });
    expect(bootstrapMeanCI(xs, { seed: 5, resamples: 2000 })).toEqual(a);
    expect(bootstrapMeanCI(xs, { seed: 6, resamples: 2000 }).low).not.toBe(a.low);
  });

  it('collapses for constant or single-value samples', () => {
    expect(bootstrapMeanCI([3, 3, 3])).toMatchObject({ low: 3, high: 3, method: 'degenerate' });
    expect(bootstrapMeanCI([2])).toMatchObject({ low: 2, high: 2 });
    expect(Number.isNaN(bootstrapMeanCI([]).low)).toBe(true);
  });
});

describe('fisherExact and wilsonInterval', () => {
  it.each(goldens.fisher)('Fisher two-sided p matches scipy for $table', (g) => {
    expect(fisherExact(g.table[0]![0]!, g.table[0]![1]!, g.table[1]![0]!, g.table[1]![1]!)).toBeCloseTo(g.p, 12);
  });

  it.each(goldens.wilson)('Wilson interval matches scipy for $successes/$n', (g) => {
    const r = wilsonInterval(g.successes, g.n);
    expect(r.low).toBeCloseTo(g.low, 9);
    expect(r.high).toBeCloseTo(g.high, 9);
  });
});

describe('holm', () => {
  it('adjusts a worked example step by step', () => {
    // Sorted: 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06.
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adj[i]).toBeCloseTo(v, 15));
  });

  it('caps at 1, skips NaN, and is never below the raw p or above Bonferroni', () => {
    const ps = [0.2, Number.NaN, 0.5, 0.001, 0.04];
    const adj = holm(ps);
    const bon = bonferroni(ps);
    expect(Number.isNaN(adj[1])).toBe(true);
    // m = 4 finite tests; sorted 0.001·4, 0.04·3, 0.2·2, max(0.4, 0.5·1).
    [0.4, Number.NaN, 0.5, 0.004, 0.12].forEach((v, i) => (Number.isNaN(v) ? undefined : expect(adj[i]).toBeCloseTo(v, 15)));
    expect(holm([0.6, 0.7])).toEqual([1, 1]);
    ps.forEach((p, i) => {
      if (!Number.isFinite(p)) return;
      expect(adj[i]!).toBeGreaterThanOrEqual(p);
      expect(adj[i]!).toBeLessThanOrEqual(bon[i]!);
    });
  });
});

describe('compactLetters', () => {
  const share = (letters: string[], i: number, j: number): boolean => [...letters[i]!].some((ch) => letters[j]!.includes(ch));

  it('gives the textbook pattern for a chain A > B > C with only A–C significant', () => {
    expect(compactLetters(['A', 'B', 'C'], [['A', 'C']])).toEqual(['a', 'ab', 'b']);
  });

  it('separates everything when all pairs differ and nothing when none do', () => {
    expect(
      compactLetters(
        ['A', 'B', 'C'],
        [
          ['A', 'B'],
          ['A', 'C'],
          ['B', 'C'],
        ],
      ),
    ).toEqual(['a', 'b', 'c']);
    expect(compactLetters(['A', 'B', 'C', 'D'], [])).toEqual(['a', 'a', 'a', 'a']);
  });

  it('shares a letter exactly for non-significant pairs on a random pattern', () => {
    const items = ['p', 'q', 'r', 's', 't', 'u'];
    // A fixed irregular pattern (not an interval structure): q–t and s–u are not significant.
    const sig: [string, string][] = [
      ['p', 'r'],
      ['p', 's'],
      ['p', 't'],
      ['p', 'u'],
      ['q', 's'],
      ['q', 'u'],
      ['r', 'u'],
      ['q', 'r'],
      ['r', 't'],
    ];
    const letters = compactLetters(items, sig);
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++) {
        const isSig = sig.some(([a, b]) => (a === items[i] && b === items[j]) || (a === items[j] && b === items[i]));
        expect(share(letters, i, j)).toBe(!isSig);
      }
  });
});
