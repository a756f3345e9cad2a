/**
 * beer-game-v2 against v1: with initialPipeline > 0, v1 observes each stage's supply line
 * (`pipeline`) and inventory position initialPipeline units too high all episode; v2 observes them
 * right. The expected values are worked out by hand below from the game's rules (orders reach
 * upstream orderLeadTime periods after they are placed, shipments arrive shippingLeadTime periods
 * after they are sent), not read off either implementation.
 */
import { describe, expect, it } from 'vitest';
import { BEER_V2 } from '../../envs/beer-game/beer-game.js';
import { searchBaseStock } from '../../envs/beer-game/optimal-base-stock.js';
import { worlds } from '../../envs/index.js';
import { VecEngine } from '../../src/core/engine.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import type { World } from '../../src/core/world.js';
import { Rng } from '../../src/core/rng.js';

const stages = ['retailer', 'wholesaler', 'distributor', 'factory'] as const;
const env = (id: string, params: Record<string, unknown>): ParallelEnv => {
  const spec = worlds.get(id);
  return new ParallelEnv(spec.create(spec.paramsSchema.parse(params)));
};
/** Observation slot k of a stage in units (obsScale 10). */
const units = (obs: Float32Array, k: number): number => Math.round(obs[k]! * 10);

describe('beer-game-v2: the supply line observed right', () => {
  // Defaults: orderLeadTime [2, 2, 2, 1], shippingLeadTime 2, initialInventory 12, initialPipeline 4.
  // Constant demand 4; the retailer orders 8 and the factory 0 at the end of period 0, then all 4.
  //
  // Retailer, supply line = its orders not yet at the wholesaler + the wholesaler's backlog to it +
  // goods in transit to it:
  //   period 0: one initial order of 4 in flight (the order slot its own first order takes is not
  //             in flight), 4 + 4 in transit                                        → 12, IP 12 + 12 = 24
  //   period 1: its order of 8 (arrives period 2); in transit the initial 4 (arrives 2) and the
  //             wholesaler's 4 shipped in period 1 (arrives 3); it sold 4 of 16     → 16, IP 28
  //   period 2: its order of 4 from period 1; in transit 4 (arrives 3) + the wholesaler's 8
  //             (its order of 8 arrived there in period 2, shipped at once)         → 16, IP 28
  //   period 3: order 4 in flight; in transit 8 (arrives 4) + 4 (shipped in 3)     → 16, IP 28
  // Factory (order lead 1: an order starts production the next period, none is ever in flight):
  //   period 0: 4 + 4 in transit                                                    → 8, IP 12 + 8 = 20
  //   period 1: received 4, production of its order 0 started; in transit 4 + 0   → 4, it shipped 4 of 16: IP 12 + 4 = 16
  //   period 2: received 4; in transit 0 + 4                                        → 4, IP 12 + 4 = 16
  //   period 3: received 0 (its order 0), shipped 4 of 12; in transit 4 + 4          → 8, IP 8 + 8 = 16
  const handPipeline = { retailer: [12, 16, 16, 16], factory: [8, 4, 4, 8] };
  const handPosition = { retailer: [24, 28, 28, 28], factory: [20, 16, 16, 16] };
  const orders = (t: number): Record<string, number> => ({ retailer: t === 0 ? 8 : 4, wholesaler: 4, distributor: 4, factory: t === 0 ? 0 : 4 });

  function trace(id: string): { pipeline: Record<string, number[]>; position: Record<string, number[]>; onHand: number[][]; costs: number[] } {
    const e = env(id, { demand: { kind: 'series', values: [4] } });
    const pipeline: Record<string, number[]> = { retailer: [], factory: [] };
    const position: Record<string, number[]> = { retailer: [], factory: [] };
    const onHand: number[][] = [];
    const costs: number[] = [];
    let obs = e.reset(0);
    for (let t = 0; t <= 3; t++) {
      for (const s of ['retailer', 'factory']) {
        pipeline[s]!.push(units(obs[s]!, 2));
        position[s]!.push(units(obs[s]!, 3));
      }
      onHand.push(stages.map((s) => units(obs[s]!, 0)));
      if (t === 3) break;
      const r = e.step(orders(t));
      obs = r.observations;
      costs.push(r.kpis['teamCost']!);
    }
    return { pipeline, position, onHand, costs };
  }

  it('v2 observes the hand-computed supply line and inventory position; v1 both initialPipeline = 4 too high, with the same flows', () => {
    const v2 = trace('beer-game-v2');
    const v1 = trace('beer-game-v1');
    expect(v2.pipeline).toEqual(handPipeline);
    expect(v2.position).toEqual(handPosition);
    const plus4 = (x: Record<string, number[]>) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, v.map((u) => u + 4)]));
    expect(v1.pipeline).toEqual(plus4(handPipeline));
    expect(v1.position).toEqual(plus4(handPosition));
    expect(v1.onHand).toEqual(v2.onHand);
    expect(v2.onHand[3]).toEqual([12, 8, 12, 8]);
    expect(v1.costs).toEqual(v2.costs);
  });

  it('over long random play only pipeline and inventoryPosition differ, by exactly initialPipeline; with initialPipeline 0 the versions are the same world', () => {
    for (const initialPipeline of [4, 0, 7]) {
      const params = { demand: { kind: 'poisson', mean: 6 }, initialPipeline, episodeLength: 40 };
      const a = env('beer-game-v1', params);
      const b = env('beer-game-v2', params);
      const rng = Rng.from(3, 'beer-v2');
      let oa = a.reset(5);
      let ob = b.reset(5);
      for (let t = 0; t < 120; t++) {
        for (const s of stages)
          for (let k = 0; k < 8; k++) {
            const gap = k === 2 || k === 3 ? initialPipeline : 0;
            expect(units(oa[s]!, k) - units(ob[s]!, k), `${s} slot ${k} period ${t}`).toBe(gap);
          }
        const act = Object.fromEntries(stages.map((s) => [s, rng.int(17)]));
        const ra = a.step(act);
        const rb = b.step(act);
        expect(ra.rewards).toEqual(rb.rewards);
        expect(ra.kpis).toEqual(rb.kpis);
        if (ra.truncations['retailer']) {
          oa = a.reset(6 + t);
          ob = b.reset(6 + t);
        } else {
          oa = ra.observations;
          ob = rb.observations;
        }
      }
    }
  });

  it('runs v1’s batched kernel (which copies v2’s reset) with the same observations and states as v2’s per-copy step', () => {
    const spec = worlds.get('beer-game-v2');
    const world = spec.create(spec.paramsSchema.parse({ demand: { kind: 'uniform', low: 0, high: 12 }, orderLeadTime: [1, 3, 2, 1], episodeLength: 17 }));
    const { batch: _batch, ...rest } = world;
    const run = (w: World) => {
      const engine = new VecEngine(w, { numEnvs: 5, seed: 9 });
      const rng = Rng.from(9, 'v2-kernel');
      engine.reset();
      const values: number[] = [];
      for (let t = 0; t < 60; t++) {
        for (const a of engine.actions) for (let b = 0; b < a.length; b++) a[b] = rng.int(17);
        engine.step();
        for (const o of engine.obs) values.push(...o);
        for (const st of engine.states) values.push(...(st as { f: Float64Array }).f);
      }
      return { values, batched: engine.batchedSteps, batchedResets: engine.batchedResets };
    };
    const fast = run(world);
    const ref = run(rest as World);
    expect(fast.batched).toBe(60);
    expect(fast.batchedResets).toBeGreaterThan(5);
    expect(ref.batched).toBe(0);
    expect(fast.values).toEqual(ref.values);
  });

  it('the base-stock search on the classic game finds v1’s levels minus initialPipeline on v2, at the same cost', () => {
    const v1 = searchBaseStock({});
    const v2 = searchBaseStock({}, { version: BEER_V2 });
    expect(v1.levels).toEqual([36, 36, 36, 28]);
    expect(v2.levels).toEqual(v1.levels.map((l) => l - 4));
    expect(v2.cost).toBe(v1.cost);
  });
});
