import { describe, expect, it } from 'vitest';
import { nextPoisson } from '../../src/core/poisson.js';
import { Rng, deriveSeedWords, nextFloat, nextInt, nextNormal } from '../../src/core/rng.js';

describe('rng', () => {
  it('derives the same stream for the same seed and path, different ones otherwise', () => {
    expect(Array.from(deriveSeedWords(1, 'world', 0))).toEqual(Array.from(deriveSeedWords(1, 'world', 0)));
    expect(Array.from(deriveSeedWords(1, 'world', 0))).not.toEqual(Array.from(deriveSeedWords(1, 'world', 1)));
    expect(Array.from(deriveSeedWords(1, 'world', 0))).not.toEqual(Array.from(deriveSeedWords(2, 'world', 0)));
  });

  it('draws uniform floats in [0,1) with the right mean and variance', () => {
    const s = deriveSeedWords(3, 'u');
    let sum = 0;
    let sq = 0;
    const n = 200_000;
    let outside = 0;
    for (let k = 0; k < n; k++) {
      const u = nextFloat(s);
      if (u < 0 || u >= 1) outside++;
      sum += u;
      sq += u * u;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws integers covering [0,n) evenly, normals and Poissons with the right moments', () => {
    const s = deriveSeedWords(4, 'i');
    const counts = new Array(7).fill(0);
    for (let k = 0; k < 70_000; k++) counts[nextInt(s, 7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    let m = 0;
    let v = 0;
    for (let k = 0; k < 100_000; k++) {
      const z = nextNormal(s);
      m += z;
      v += z * z;
    }
    expect(m / 100_000).toBeCloseTo(0, 1);
    expect(v / 100_000).toBeCloseTo(1, 1);
    for (const mean of [0.5, 4, 30, 200]) {
      let pm = 0;
      for (let k = 0; k < 20_000; k++) pm += nextPoisson(s, mean);
      expect(Math.abs(pm / 20_000 - mean)).toBeLessThan(4 * Math.sqrt(mean / 20_000) + 0.01);
    }
  });

  it('splits into independent streams and restores snapshots exactly', () => {
    const r = Rng.from(5, 'root');
    const a = r.split('a');
    const b = r.split('a');
    expect(a.float()).not.toBe(b.float());
    const snap = r.snapshot();
    const first = [r.float(), r.int(10), r.normal()];
    r.restore(snap);
    expect([r.float(), r.int(10), r.normal()]).toEqual(first);
  });
});
