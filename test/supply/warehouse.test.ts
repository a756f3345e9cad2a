/**
 * warehouse-v1 behaviour: action decoding and `decisions.encodeAction`, pricing tiers and the finance cap,
 * overflow, shipping modes and lateness, allocation, data silos (delay, cadence, noise), features,
 * default actions, param errors, and the batched path against the per-copy reference.
 */
import { describe, expect, it } from 'vitest';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import { VecEngine } from '../../src/core/engine.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import { Rng } from '../../src/core/rng.js';
import { sampleInto } from '../../src/core/spaces.js';
import type { World } from '../../src/core/world.js';

const make = (p: Record<string, unknown> = {}): World => warehouse.create(warehouse.paramsSchema.parse(p));
const encode = (world: World, agent: number, ...decision: number[]): number => {
  const out = new Float64Array(1);
  world.decisions!.encodeAction(agent, Float64Array.from(decision), out, 0);
  return out[0]!;
};
/** Actions by decision: order q from supplier j, target S, shipping mode, budget multiple. */
const act = (world: World, q: number, supplier: number, target: number, mode: number, budget: number): Record<string, number> => ({
  procurement: encode(world, 0, q, supplier),
  inventory: encode(world, 1, target, 0),
  logistics: encode(world, 2, mode),
  finance: encode(world, 3, budget),
});
const calm = { demand: { base: 40, weeklyAmplitude: 0, seasonAmplitude: 0, spikeProbability: 0 } };

describe('warehouse-v1 actions', () => {
  it('encodes decisions to the documented action indices', () => {
    const w = make();
    expect(encode(w, 0, 260, 1)).toBe(33 + 10);
    expect(encode(w, 0, 260, NaN)).toBe(10);
    expect(encode(w, 0, -5, 0)).toBe(0);
    expect(encode(w, 0, 1e9, 0)).toBe(32);
    expect(encode(w, 1, 210, 1)).toBe(25 + 8);
    expect(encode(w, 2, 2)).toBe(2);
    expect(encode(w, 3, 1.4)).toBe(5); // nearest of [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 100]
    expect(encode(w, 3, NaN)).toBe(3);
    expect((w.actionSpaces[0] as unknown as { labels: string[] }).labels[43]).toBe('overseas:250');
  });

  it('charges the discount tier of the approved quantity, and finance caps what procurement commits', () => {
    const w = make(calm);
    const env = new ParallelEnv(w);
    env.reset(1);
    // Approve everything: 600 units from local at 8 % off.
    let r = env.step(act(w, 600, 0, 200, 0, 100));
    const demand = Math.round(r.observations.inventory![4]! * 100);
    expect(r.rewards.procurement!.purchaseCost).toBeCloseTo(-0.01 * (600 * 10 * 0.92 - 10 * demand), 9);
    expect(r.observations.procurement![2]! * 100).toBeCloseTo(600, 3);
    // Cap at 0.25 × 4000: the working capital (stock + open orders at list price) is already above it.
    env.reset(1);
    r = env.step(act(w, 600, 0, 200, 0, 0.25));
    expect(r.observations.procurement![2]!).toBe(0);
    expect(r.rewards.procurement!.purchaseCost).toBeGreaterThan(0);
    // Cap at 1×: only what fits under 4000 − 2000 (200 units on hand) is approved, at the 0 % tier.
    env.reset(1);
    r = env.step(act(w, 600, 0, 200, 0, 1));
    expect(r.observations.procurement![2]! * 100).toBeCloseTo(200, 3);
  });

  it("pays procurement the purchase price variance under procurementMeasure 'savings'", () => {
    const w = make({ ...calm, procurementMeasure: 'savings' });
    expect(w.rewardComponents[0]).toEqual(['purchaseSavings', 'stockout']);
    const env = new ParallelEnv(w);
    env.reset(1);
    // 600 units from local at 8 % off: savings 600 × 10 × 0.08, whatever the demand.
    let r = env.step(act(w, 600, 0, 200, 0, 100));
    expect(r.rewards.procurement!.purchaseSavings).toBeCloseTo(0.01 * 600 * 10 * 0.08, 9);
    // Below the first tier nothing is saved, and buying nothing saves nothing.
    r = env.step(act(w, 100, 0, 200, 0, 100));
    expect(r.rewards.procurement!.purchaseSavings).toBe(0);
    r = env.step(act(w, 0, 0, 200, 0, 100));
    expect(r.rewards.procurement!.purchaseSavings).toBe(0);
    // The default measure keeps the original component.
    expect(make(calm).rewardComponents[0]).toEqual(['purchaseCost', 'stockout']);
  });

  it('moves stock above capacity to overflow storage and charges inventory and logistics', () => {
    const w = make(calm);
    const env = new ParallelEnv(w);
    env.reset(2);
    const seen: Record<string, number> = {};
    let overflowDays = 0;
    for (let t = 0; t < 6; t++) {
      const r = env.step(act(w, t === 0 ? 800 : 0, 0, 200, 0, 100));
      for (const e of r.events) seen[e.type] = (seen[e.type] ?? 0) + 1;
      if (r.observations.inventory![9]! > 0) {
        overflowDays++;
        expect(r.rewards.inventory!.overflow).toBeLessThan(0);
        expect(r.kpis.budgetOverrun).toBeGreaterThan(0);
      }
    }
    expect(overflowDays).toBeGreaterThan(0);
    expect(seen.overflow).toBe(1);
    expect(seen.budgetOverrun).toBe(1);
  });
});

describe('warehouse-v1 shipping and allocation', () => {
  const tight = { ...calm, standardCapacity: 25, expediteCapacity: 40, initialTarget: 400 };
  const run = (mode: number, steps = 40): { late: number; expedite: number; onTime: number } => {
    const w = make(tight);
    const env = new ParallelEnv(w);
    env.reset(4);
    let late = 0;
    let expedite = 0;
    let onTime = 0;
    for (let t = 0; t < steps; t++) {
      const r = env.step(act(w, 40, 0, 400, mode, 100));
      late += r.rewards.logistics!.lateness!;
      expedite += r.rewards.logistics!.expedite!;
      onTime += r.kpis.onTimeRate! / steps;
    }
    return { late, expedite, onTime };
  };

  it('delivers late when the standard carrier is full, and expediting buys punctuality', () => {
    const standard = run(0);
    const expediteLate = run(1);
    const expediteAll = run(2);
    expect(standard.late).toBeLessThan(0);
    expect(standard.expedite).toBe(0);
    expect(standard.onTime).toBeLessThan(0.8);
    expect(expediteLate.onTime).toBeGreaterThan(0.99);
    expect(expediteLate.expedite).toBeLessThan(0);
    expect(expediteAll.expedite).toBeLessThan(expediteLate.expedite);
  });

  it('serves key accounts first under allocation rule 1, lowering the weighted stockout cost', () => {
    const stockoutCost = (rule: number): number => {
      const w = make({ ...calm, demand: { ...calm.demand, keyAccountShare: 0.5 } });
      const env = new ParallelEnv(w);
      env.reset(5);
      let c = 0;
      for (let t = 0; t < 60; t++) {
        const a = act(w, 30, 0, 100, 1, 100);
        a.inventory = encode(w, 1, 100, rule);
        c += env.step(a).rewards.inventory!.stockout!;
      }
      return c;
    };
    expect(stockoutCost(0)).toBeLessThan(0);
    expect(stockoutCost(1)).toBeGreaterThan(stockoutCost(0));
  });
});

describe('warehouse-v1 data silos', () => {
  it('shows a role the report of period floor((t − delay) / cadence) × cadence, and live slots live', () => {
    const w = make({ observation: { procurement: { delay: 3, cadence: 7 } } });
    const env = new ParallelEnv(w);
    env.reset(6);
    const live: number[] = [];
    for (let t = 1; t <= 40; t++) {
      const r = env.step(act(w, 50, 0, 200, 0, 1));
      live[t] = r.observations.inventory![4]!;
      const d = Math.max(0, t - 3);
      const reported = d - (d % 7);
      if (reported >= 1) expect(r.observations.procurement![4]).toBe(live[reported]);
      expect(r.observations.procurement![2]).toBe(r.observations.inventory![2]); // pipeline is live
    }
  });

  it('applies a silo only to the slots it lists: stale sales, live stock', () => {
    const w = make({ observation: { procurement: { delay: 5, cadence: 1, slots: ['demand', 'demandAvg'] } } });
    const env = new ParallelEnv(w);
    env.reset(6);
    const live: number[] = [];
    for (let t = 1; t <= 20; t++) {
      const r = env.step(act(w, 50, 0, 200, 0, 1));
      live[t] = r.observations.inventory![5]!;
      expect(r.observations.procurement![0]).toBe(r.observations.inventory![0]); // onHand live
      expect(r.observations.procurement![3]).toBe(r.observations.inventory![3]); // inventory position live
      if (t > 5) expect(r.observations.procurement![5]).toBe(live[t - 5]); // demandAvg five periods old
    }
  });

  it('adds seeded noise to reported slots only', () => {
    const w = make({ observation: { logistics: { noise: 0.2 } } });
    const env = new ParallelEnv(w);
    env.reset(7);
    let differ = 0;
    for (let t = 0; t < 20; t++) {
      const r = env.step(act(w, 50, 0, 200, 0, 1));
      if (r.observations.logistics![0] !== r.observations.inventory![0]) differ++;
      expect(r.observations.logistics![6]).toBe(r.observations.inventory![6]);
    }
    expect(differ).toBeGreaterThan(15);
  });
});

describe('warehouse-v1 contract extras', () => {
  it('reports features consistent with the live observation and sensible default actions', () => {
    const w = make();
    const env = new ParallelEnv(w);
    env.reset(8);
    const r = env.step(act(w, 100, 0, 250, 0, 1));
    const feats = new Float64Array(w.features.length);
    w.readFeatures(env.currentState, feats);
    const f = (name: string) => feats[w.features.indexOf(name)]!;
    expect(f('onHand')).toBeCloseTo(r.observations.inventory![0]! * 100, 3);
    expect(f('pipeline')).toBe(100);
    expect(f('workingCapital')).toBeCloseTo((f('onHand') + 100) * 10, 9);
    expect(f('orderUpToLevel')).toBe(250);
    const out = new Float64Array(1);
    w.defaultAction(0, env.currentState, out);
    expect(out[0]).toBe(0);
    w.defaultAction(1, env.currentState, out);
    expect(out[0]).toBe(encode(w, 1, 250, 0));
    w.defaultAction(2, env.currentState, out);
    expect(out[0]).toBe(0);
    w.defaultAction(3, env.currentState, out);
    expect(out[0]).toBe(encode(w, 3, 1));
  });

  it('rejects inconsistent params naming the field', () => {
    expect(() => warehouse.paramsSchema.parse({ expediteTransit: 3 })).toThrow(/expediteTransit/);
    expect(() =>
      warehouse.paramsSchema.parse({
        suppliers: [
          {
            name: 'a',
            unitPrice: 1,
            leadTime: 1,
            reliability: 1,
            lateBy: 0,
            discountTiers: [
              { minQuantity: 10, discount: 0.1 },
              { minQuantity: 5, discount: 0.2 },
            ],
          },
        ],
      }),
    ).toThrow(/increasing minQuantity/);
  });

  it('steps copies in a batch exactly as the per-copy reference does', () => {
    const params = warehouse.conformanceParams as Record<string, unknown>;
    const fast = make(params);
    const { batch: _batch, ...rest } = fast;
    const ref = rest as World;
    const trace = (world: World): { values: number[]; events: string[]; batched: number } => {
      const engine = new VecEngine(world, { numEnvs: 3, seed: 9 });
      const rng = Rng.from(9, 'actions');
      engine.reset();
      const values: number[] = [];
      const events: string[] = [];
      for (let t = 0; t < 60; t++) {
        world.actionSpaces.forEach((s, i) => {
          for (let b = 0; b < 3; b++) sampleInto(s, rng.state, engine.actions[i]!, b);
        });
        engine.step();
        for (let i = 0; i < 4; i++) values.push(...engine.obs[i]!, ...engine.rewards[i]!, ...engine.truncated[i]!);
        values.push(...engine.kpis);
        for (const st of engine.states) values.push(...(st as { f: Float64Array }).f);
        for (const e of engine.events) events.push(JSON.stringify(e));
      }
      return { values, events, batched: engine.batchedSteps };
    };
    const a = trace(fast);
    const b = trace(ref);
    expect(a.batched).toBe(60);
    expect(b.batched).toBe(0);
    expect(a.values).toEqual(b.values);
    expect(a.events).toEqual(b.events);
    expect(a.events.length).toBeGreaterThan(10);
  });
});
