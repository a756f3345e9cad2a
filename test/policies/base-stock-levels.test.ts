/**
 * base-stock's one-pass path (a fixed S in a world that declares `actionValues.levels`: order, round and
 * clamp straight into the actions) against its general path (decision matrix, then the world's
 * encodeActions), which it must match exactly: the same world with `actionValues` removed takes
 * the general path. Observations cover what the beer game produces (float32 positions at obsScale),
 * orders of exact half levels, negatives, huge and non-finite values; S whole, fractional and negative.
 */
import { describe, expect, it } from 'vitest';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { baseStockPolicy } from '../../policies/base-stock.js';
import { Rng } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';

const ROWS = 600;
const STRIDE = 8;
const IP = 3; // inventoryPosition's slot in the beer game's observation

function observations(rng: Rng, S: number, scale: number, unit: number): Float32Array {
  const special = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30, 3e9 / scale, -3e9 / scale, (S - 0.5) / scale, (S + 0.5) / scale, (S - 16.5) / scale];
  const obs = new Float32Array(ROWS * STRIDE);
  for (let b = 0; b < ROWS; b++) {
    const k = b * STRIDE + IP;
    if (b % 5 === 0) obs[k] = special[rng.int(special.length)]!;
    else if (b % 5 === 1)
      obs[k] = (S - (rng.int(80) / 2 - 10) * unit) / scale; // orders of exact half levels
    else obs[k] = (rng.int(400) - 100 + (rng.float() - 0.5) * 1e-4) / scale; // whole positions with float32 noise
    obs[b * STRIDE + 7] = rng.float(); // other slots: never read
  }
  return obs;
}

function act(world: World, level: number, obs: Float32Array): Float64Array {
  const agent = world.agents[1]!;
  const policy = baseStockPolicy.create(
    {
      world,
      agent,
      observationSpace: world.observationSpaces[1]!,
      actionSpace: world.actionSpaces[1]!,
      numEnvs: ROWS,
      rng: Rng.from(1, 'bs'),
      shared: new Map(),
    },
    baseStockPolicy.paramsSchema.parse({ level }),
  );
  const actions = new Float64Array(ROWS).fill(-7);
  policy.act(obs, actions, 'greedy');
  policy.act(obs, actions, 'greedy'); // a second call (the general path presets its matrix once) gives the same
  return actions;
}

describe('base-stock one-pass levels', () => {
  for (const [name, params] of [
    ['whole units', { maxOrder: 16 }],
    ['half units', { maxOrder: 16, orderUnit: 0.5, obsScale: 4 }],
    ['large maxOrder, unit 3', { maxOrder: 10_000, orderUnit: 3, obsScale: 1 }],
  ] as const) {
    it(`orders exactly what the decision-matrix path orders (${name})`, () => {
      const fast = beerGame.create(beerGame.paramsSchema.parse(params));
      const { actionValues: _drop, ...rest } = fast;
      const general = rest as World;
      expect(fast.actionValues?.levels?.[1]).toBeDefined();
      const rng = Rng.from(5, 'base-stock-levels', name);
      const scale = fast.decisions!.observationScales[1]![IP]!;
      for (const S of [24, 28, 0, 7.25, -3, 1e6]) {
        const obs = observations(rng, S, scale, fast.actionValues!.levels![1]!.unit);
        const a = act(fast, S, obs);
        const b = act(general, S, obs);
        for (let r = 0; r < ROWS; r++)
          if (!Object.is(a[r], b[r])) expect.fail(`S ${S}, row ${r} (position ${obs[r * STRIDE + IP]! * scale}): one pass ${a[r]}, general ${b[r]}`);
        // Not vacuous: the rows span several levels, the clamps included.
        expect(new Set(a).size).toBeGreaterThan(S === 0 || S === -3 ? 1 : 3);
      }
    });
  }
});
