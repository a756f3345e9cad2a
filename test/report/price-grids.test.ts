/**
 * The report reads a mean action index as a price only for worlds whose actions stand for prices
 * (World.actionValues with quantity `price`): the market's per-firm grids, nothing for others.
 */
import { describe, expect, it } from 'vitest';
import { createMarketWorld } from '../../envs/market/market.js';
import { priceGrids } from '../../src/report/figures/market.js';
import type { Variant } from '../../src/report/variants.js';

function variantOf(env: Record<string, unknown>, summary: Record<string, unknown> = {}): Variant {
  const config = { env };
  return {
    key: 'k',
    label: 'v',
    fields: {},
    experiment: 'e',
    envId: String(env['id']),
    runs: [{ dir: '/nowhere', run: {}, config, summary, seeds: [] }],
    seeds: [],
  };
}

describe('priceGrids', () => {
  it("gives each firm's price grid for the market, keyed by agent id", () => {
    const params = { cost: [1, 1.2], priceGridSize: 7 };
    const grids = priceGrids(variantOf({ id: 'market-v1', params }));
    const world = createMarketWorld(params);
    expect(Object.keys(grids!)).toEqual(['firm0', 'firm1']);
    expect(Array.from(grids!['firm1']!)).toEqual(Array.from(world.game.grids[1]!));
    expect(grids!['firm0']![0]).not.toBe(grids!['firm1']![0]);
  });

  it('gives nothing for worlds whose actions stand for another quantity or none, or that cannot be built', () => {
    expect(priceGrids(variantOf({ id: 'beer-game-v1', params: {} }))).toBeNull(); // order quantities
    expect(priceGrids(variantOf({ id: 'matrix-game-v1', params: {} }))).toBeNull();
    expect(priceGrids(variantOf({ id: 'market-v1', params: { priceGridSize: -1 } }))).toBeNull();
    expect(priceGrids(variantOf({ id: 'no-such-world-v1' }))).toBeNull();
  });

  it('reads the grids the runner wrote into summary.json, without building the world', () => {
    const params = { cost: [1, 1.2], priceGridSize: 7 };
    const world = createMarketWorld(params);
    const written = { actionValues: { quantity: 'price', byAgent: { firm0: [1, 2], firm1: [3, 4] } } };
    // An id no registry knows: the grids can only have come from the summary.
    const grids = priceGrids(variantOf({ id: 'no-such-world-v1' }, written));
    expect(grids).toEqual({ firm0: [1, 2], firm1: [3, 4] });
    expect(priceGrids(variantOf({ id: 'market-v1', params }, { actionValues: { quantity: 'orderQuantity', byAgent: { firm0: [0, 1] } } }))).toBeNull();
    // A malformed entry is ignored and the world is built instead.
    const rebuilt = priceGrids(variantOf({ id: 'market-v1', params }, { actionValues: { quantity: 'price', byAgent: { firm0: ['x'] } } }));
    expect(Array.from(rebuilt!['firm1']!)).toEqual(Array.from(world.game.grids[1]!));
  });
});
