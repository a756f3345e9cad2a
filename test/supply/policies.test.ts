/**
 * The supply heuristics: base-stock, (s, S), Sterman's rule, standard shipping and fixed budget act
 * through slot and decision names in both worlds; incompatible agents get a reason; the random
 * policy's discrete fast path draws exactly what sampleInto draws.
 */
import { describe, expect, it } from 'vitest';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { matrixGame } from '../../envs/sanity/matrix-game.js';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import { policies } from '../../policies/index.js';
import { Rng } from '../../src/core/rng.js';
import { discrete, sampleInto } from '../../src/core/spaces.js';
import type { World } from '../../src/core/world.js';
import { buildPolicies, runPolicies } from '../../bench/supply-harness.js';

const beer = (): World => beerGame.create(beerGame.paramsSchema.parse({}));
const wh = (p: Record<string, unknown> = {}): World => warehouse.create(warehouse.paramsSchema.parse(p));

/** One observation row for agent `i` of `world` with named slots set in natural units. */
function obsRow(world: World, i: number, values: Record<string, number>): Float32Array {
  const space = world.observationSpaces[i]!;
  const names = space.kind === 'box' ? space.names! : [];
  const row = new Float32Array(space.size);
  for (const [name, v] of Object.entries(values)) row[names.indexOf(name)] = v / world.decisions!.observationScales[i]![names.indexOf(name)]!;
  return row;
}

function actOnce(world: World, agentId: string, type: string, params: Record<string, unknown>, row: Float32Array): number {
  const agent = world.agents.find((a) => a.id === agentId)!;
  const spec = policies.get(type);
  const p = spec.paramsSchema.parse(params) as Record<string, unknown>;
  expect(spec.incompatibility?.(world, agent, p)).toBeUndefined();
  const policy = spec.create(
    {
      world,
      agent,
      observationSpace: world.observationSpaces[agent.index]!,
      actionSpace: world.actionSpaces[agent.index]!,
      numEnvs: 1,
      rng: Rng.from(0, 'p'),
      shared: new Map(),
    },
    p,
  );
  const out = new Float64Array(1);
  policy.act(row, out, 'greedy');
  return out[0]!;
}

describe('supply heuristics', () => {
  it('base-stock over many rows (the batched loop) orders exactly encode(max(0, S − position)) per row, edge values included', () => {
    const b = beer();
    const agent = b.agents[2]!;
    const spec = policies.get('base-stock');
    const p = spec.paramsSchema.parse({ level: 24 }) as Record<string, unknown>;
    const size = b.observationSpaces[2]!.size;
    const scale = b.decisions!.observationScales[2]![3]!;
    const rng = Rng.from(4, 'bs-rows');
    const edges = [NaN, Infinity, -Infinity, -0, 0, 2.4, 2.4000001, 2.3999999, -1e299, 1e299, -5, 3.0000001, 2.45, 2.35];
    const rows = 500;
    const policy = spec.create(
      { world: b, agent, observationSpace: b.observationSpaces[2]!, actionSpace: b.actionSpaces[2]!, numEnvs: rows, rng: Rng.from(0, 'p'), shared: new Map() },
      p,
    );
    const obs = new Float32Array(rows * size);
    for (let r = 0; r < rows; r++) obs[r * size + 3] = r < edges.length ? edges[r]! : Math.fround(2.4 + (rng.float() - 0.5) * 1e-5 + rng.int(5) - 2);
    const out = new Float64Array(rows);
    policy.act(obs, out, 'greedy');
    const expected = Array.from({ length: rows }, (_, r) => {
      const q = 24 - obs[r * size + 3]! * scale;
      const one = new Float64Array(1);
      b.decisions!.encodeAction(2, Float64Array.of(q > 0 ? q : 0), one, 0);
      return one[0]!;
    });
    expect(Array.from(out).map((v, r) => Object.is(v, expected[r]))).toEqual(expected.map(() => true));
    expect(new Set(expected).size).toBeGreaterThan(3);
  });

  it('base-stock orders S − inventory position in the beer game and in the warehouse', () => {
    const b = beer();
    expect(actOnce(b, 'wholesaler', 'base-stock', { level: 30 }, obsRow(b, 1, { inventoryPosition: 21 }))).toBe(9);
    expect(actOnce(b, 'wholesaler', 'base-stock', { level: 30 }, obsRow(b, 1, { inventoryPosition: 35 }))).toBe(0);
    const w = wh();
    // 300 − 40 = 260 units from the overseas supplier: level round(260 / 25) = 10 of supplier 1.
    expect(actOnce(w, 'procurement', 'base-stock', { level: 300, supplier: 1 }, obsRow(w, 0, { inventoryPosition: 40 }))).toBe(33 + 10);
    // Without a level, follow the target the inventory role publishes.
    expect(actOnce(w, 'procurement', 'base-stock', {}, obsRow(w, 0, { inventoryPosition: 100, orderUpToLevel: 250 }))).toBe(6);
    // For the inventory role, base-stock sets the target itself; coverPeriods follows observed demand.
    expect(actOnce(w, 'inventory', 'base-stock', { level: 150 }, obsRow(w, 1, {}))).toBe(6);
    expect(actOnce(w, 'inventory', 'base-stock', { coverPeriods: 5, demandSlot: 'demandAvg', safetyStock: 25 }, obsRow(w, 1, { demandAvg: 40 }))).toBe(9);
  });

  it('(s, S) orders up to S only at or below s', () => {
    const b = beer();
    expect(actOnce(b, 'retailer', 's-s', { reorderPoint: 10, orderUpTo: 30 }, obsRow(b, 0, { inventoryPosition: 10 }))).toBe(20);
    expect(actOnce(b, 'retailer', 's-s', { reorderPoint: 10, orderUpTo: 30 }, obsRow(b, 0, { inventoryPosition: 11 }))).toBe(0);
    expect(() => policies.get('s-s').paramsSchema.parse({ reorderPoint: 10, orderUpTo: 5 })).toThrow(/orderUpTo/);
  });

  it("follows Sterman's anchoring-and-adjustment formula", () => {
    const b = beer();
    // First period: L̂ anchors on demand 8; order = 8 + 0.26 (17 − (12 − 2) − 0.34 · 16) = 8.4 → level 8.
    expect(actOnce(b, 'distributor', 'sterman', {}, obsRow(b, 2, { demand: 8, onHand: 12, backlog: 2, pipeline: 16 }))).toBe(8);
    // With a far bigger gap the adjustment dominates: 8 + 0.26 (17 + 20 − 0) = 17.62 → 18.
    expect(actOnce(b, 'distributor', 'sterman', {}, obsRow(b, 2, { demand: 8, onHand: 0, backlog: 20, pipeline: 0 }))).toBe(18);
  });

  it('standard shipping and fixed budget write their decisions through the world', () => {
    const w = wh();
    expect(actOnce(w, 'logistics', 'standard-shipping', {}, obsRow(w, 2, {}))).toBe(0);
    expect(actOnce(w, 'finance', 'fixed-budget', { budgetMultiple: 2 }, obsRow(w, 3, {}))).toBe(6);
  });

  it('explains why an agent cannot run a supply heuristic', () => {
    const w = wh();
    const m = matrixGame.create(matrixGame.paramsSchema.parse({}));
    const why = (world: World, id: string, type: string, params: Record<string, unknown> = {}) => {
      const spec = policies.get(type);
      return spec.incompatibility?.(
        world,
        world.agents.find((a) => a.id === id)!,
        spec.paramsSchema.parse(params) as Record<string, unknown>,
      );
    };
    expect(why(w, 'logistics', 'base-stock', { level: 5 })).toMatch(/shippingMode/);
    expect(why(w, 'inventory', 'base-stock')).toMatch(/give params.level/);
    expect(why(m, 'row', 'sterman')).toMatch(/does not declare decisions/);
    expect(why(beer(), 'retailer', 'base-stock', { coverPeriods: 2, demandSlot: 'nope' })).toMatch(/no slot 'nope'/);
  });

  it('keeps the warehouse inventory position at the inventory role’s target when procurement follows it', () => {
    const w = wh({ demand: { spikeProbability: 0 } });
    const pol = buildPolicies(
      w,
      {
        procurement: { type: 'base-stock' },
        inventory: { type: 'base-stock', params: { level: 250 } },
        logistics: { type: 'standard-shipping' },
        finance: { type: 'fixed-budget' },
      },
      2,
      0,
    );
    const summary = runPolicies(w, pol, { numEnvs: 2, steps: 100, seed: 0 });
    expect(summary.kpis.stockouts).toBe(0);
    expect(summary.kpis.workingCapital!).toBeGreaterThan(2000);
    expect(summary.kpis.workingCapital!).toBeLessThan(2700);
  });

  it('random: the discrete fast path draws exactly what sampleInto draws', () => {
    const space = discrete(41);
    const w = { ...beer(), actionSpaces: [space, space, space, space] } as World;
    const agent = w.agents[0]!;
    const policy = policies
      .get('random')
      .create({ world: w, agent, observationSpace: w.observationSpaces[0]!, actionSpace: space, numEnvs: 64, rng: Rng.from(3, 'r'), shared: new Map() }, {});
    const got = new Float64Array(64);
    policy.act(new Float32Array(64 * 8), got, 'explore');
    const ref = Rng.from(3, 'r');
    const want = new Float64Array(64);
    for (let b = 0; b < 64; b++) sampleInto(space, ref.state, want, b);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
