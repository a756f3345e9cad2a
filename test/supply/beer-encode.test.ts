/**
 * The beer game's batched action encoding (encodeActions, branch-free where the quantity fits an
 * int32) against the per-row reference encodeAction, on the values base-stock players produce
 * (whole numbers off by float32 noise), exact halves, negatives, the int32 guard's edges and
 * non-finite values, with whole and fractional order units.
 */
import { describe, expect, it } from 'vitest';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { Rng } from '../../src/core/rng.js';

function encodeBoth(params: Record<string, unknown>, values: number[]): { batched: number[]; single: number[] } {
  const world = beerGame.create(beerGame.paramsSchema.parse(params));
  const decisions = Float64Array.from(values);
  const batched = new Float64Array(values.length).fill(-1);
  world.decisions!.encodeActions!(0, decisions, 1, batched, values.length);
  const single = values.map((v) => {
    const out = new Float64Array(1).fill(-1);
    world.decisions!.encodeAction(0, Float64Array.of(v), out, 0);
    return out[0]!;
  });
  return { batched: Array.from(batched), single };
}

const rng = Rng.from(3, 'beer-encode');
const noisyWholes = Array.from({ length: 400 }, () => 24 - Math.fround((rng.int(60) - 10 + (rng.float() - 0.5) * 1e-5) * 0.1) * 10);
const edges = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  -0.5,
  -0.49,
  0.49,
  0.5,
  0.5000001,
  1.5,
  2.5,
  15.5,
  16,
  16.49,
  16.5,
  17,
  -1e9,
  -999999999.5,
  999999999.4,
  999999999.5,
  1e9,
  3e9,
  -3e9,
];
const halves = Array.from({ length: 200 }, (_, k) => (k - 20) / 2 + (k % 3 === 0 ? 2 ** -40 : 0));

describe('beer-game encodeActions', () => {
  for (const [name, params] of [
    ['whole units', { maxOrder: 16 }],
    ['half units', { maxOrder: 16, orderUnit: 0.5 }],
    ['large maxOrder', { maxOrder: 10_000, orderUnit: 3 }],
  ] as const) {
    it(`writes exactly encodeAction's level for every row (${name})`, () => {
      const values = [...noisyWholes, ...edges, ...halves];
      const { batched, single } = encodeBoth(params, values);
      // Object.is per row: +0 and −0 must agree too.
      expect(batched.map((v, k) => Object.is(v, single[k]))).toEqual(values.map(() => true));
      // The values cover both clamps and interior levels.
      expect(new Set(single).size).toBeGreaterThan(10);
    });
  }
});
