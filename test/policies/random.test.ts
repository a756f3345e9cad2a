/** The random policy's batched discrete draws against the simple per-draw reference. */
import { describe, expect, it } from 'vitest';
import { drawDiscrete } from '../../policies/random.js';
import { Rng, nextInt } from '../../src/core/rng.js';

describe('random policy', () => {
  it('draws exactly what nextInt draws, one per row, and leaves the stream where nextInt would', () => {
    for (const n of [1, 2, 41, 1000]) {
      const fast = Rng.from(3, 'random-policy', n).state;
      const ref = Uint32Array.from(fast);
      const out = new Float64Array(777);
      drawDiscrete(fast, n, out, out.length);
      const expected = Array.from({ length: out.length }, () => nextInt(ref, n));
      expect(Array.from(out)).toEqual(expected);
      expect(Array.from(fast)).toEqual(Array.from(ref));
      expect(Math.max(...out)).toBeLessThan(n);
    }
  });

  it('only touches the first `rows` entries', () => {
    const out = new Float64Array(10).fill(-1);
    drawDiscrete(Rng.from(1, 'x').state, 5, out, 4);
    expect(Array.from(out.subarray(4))).toEqual(new Array(6).fill(-1));
  });
});
