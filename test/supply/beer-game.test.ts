/**
 * beer-game-v1 behaviour: steady state, lead times, unit conservation, costs, the bullwhip of
 * Sterman's rule, and base-stock optimality (the search's levels beat every nearby level, on the
 * search's demand paths and on fresh ones).
 */
import { describe, expect, it } from 'vitest';
import { beerGame, createBeerGame } from '../../envs/beer-game/beer-game.js';
import { BaseStockEvaluator, neighbourhood, searchBaseStock } from '../../envs/beer-game/optimal-base-stock.js';
import { beerGameParamsSchema } from '../../envs/beer-game/params.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import type { World } from '../../src/core/world.js';
import { buildPolicies, runPolicies } from '../../bench/supply-harness.js';

const make = (p: Record<string, unknown> = {}) => createBeerGame(beerGameParamsSchema().parse(p));
const stages = ['retailer', 'wholesaler', 'distributor', 'factory'];

describe('beer-game-v1 dynamics', () => {
  it('stays in steady state when demand is constant and every stage passes orders through', () => {
    const world = make({ demand: { kind: 'step', initial: 4, final: 4 } });
    const env = new ParallelEnv(world);
    env.reset(0);
    for (let t = 0; t < 30; t++) {
      const r = env.step(Object.fromEntries(stages.map((s) => [s, 4])));
      for (const s of stages) {
        expect(r.observations[s]![0]! * 10).toBeCloseTo(12, 5); // onHand stays 12
        expect(r.rewards[s]).toEqual({ holding: -6, backorder: -0 });
      }
      expect(r.kpis.teamCost).toBe(24);
      expect(r.kpis.fillRate).toBe(1);
    }
  });

  it('delivers an extra order after exactly order lead + shipping lead periods', () => {
    const world = make({ demand: { kind: 'step', initial: 4, final: 4 }, orderLeadTime: [3, 2, 2, 1], shippingLeadTime: [2, 2, 2, 2] });
    const env = new ParallelEnv(world);
    env.reset(0);
    const received: number[] = [];
    for (let t = 0; t < 10; t++) {
      const r = env.step(Object.fromEntries(stages.map((s) => [s, t === 0 && s === 'retailer' ? 10 : 4])));
      received.push(Math.round(r.observations.retailer![5]! * 10));
    }
    // Ordered at the end of period 0; the wholesaler sees it in period 3 and ships, arriving in period 5.
    expect(received).toEqual([4, 4, 4, 4, 10, 4, 4, 4, 4, 4]);
  });

  it('moves every unit shipped upstream into the downstream stage exactly one shipping lead later', () => {
    const world = make({ demand: { kind: 'normal', mean: 8, sd: 4 }, orderLeadTime: [2, 3, 1, 2], shippingLeadTime: [1, 2, 3, 2], episodeLength: 40 });
    const shipLead = [1, 2, 3, 2];
    const env = new ParallelEnv(world);
    let obs = env.reset(3);
    const shipped: number[][] = stages.map(() => []);
    const received: number[][] = stages.map(() => []);
    const ordered: number[] = [];
    for (let t = 0; t < 39; t++) {
      const acts = Object.fromEntries(stages.map((s, i) => [s, (t * 7 + i * 3) % 17]));
      ordered.push(acts.factory!);
      const next = env.step(acts).observations;
      stages.forEach((s, i) => {
        const o = next[s]!;
        // shipped = incoming order + backlog before − backlog after (quantities are integers; obs are units / 10 in float32)
        shipped[i]!.push(Math.round((o[4]! + obs[s]![1]! - o[1]!) * 10));
        received[i]!.push(Math.round(o[5]! * 10));
      });
      obs = next;
    }
    for (let i = 0; i < 3; i++) for (let t = 0; t + shipLead[i]! < 39; t++) expect(received[i]![t + shipLead[i]!]).toBe(shipped[i + 1]![t]);
    // An order placed at the end of period t (step t) is received in period t + 2 + 2, i.e. at step t + 3.
    for (let t = 0; t + 3 < 39; t++) expect(received[3]![t + 3]).toBe(ordered[t]);
    expect(shipped[0]!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it("amplifies orders upstream under Sterman's rule (the bullwhip) in the classic game", () => {
    const world: World = make();
    const policies = buildPolicies(world, Object.fromEntries(stages.map((s) => [s, { type: 'sterman' }])), 1, 0);
    const orders: number[][] = stages.map(() => []);
    const env = new ParallelEnv(world);
    let obs = env.reset(0);
    const buf = new Float64Array(1);
    for (let t = 0; t < 36; t++) {
      const acts: Record<string, number> = {};
      stages.forEach((s, i) => {
        policies[i]!.act(obs[s]!, buf, 'greedy');
        acts[s] = buf[0]!;
        orders[i]!.push(buf[0]!);
      });
      obs = env.step(acts).observations;
    }
    const sd = (x: number[]) => Math.sqrt(x.reduce((a, v) => a + (v - x.reduce((p, q) => p + q, 0) / x.length) ** 2, 0) / x.length);
    const sds = orders.map(sd);
    expect(sds[1]!).toBeGreaterThan(sds[0]!);
    expect(sds[2]!).toBeGreaterThan(sds[1]!);
    expect(sds[3]!).toBeGreaterThan(sds[2]!);
    expect(Math.max(...orders[3]!)).toBeGreaterThan(2 * 8);
  });
});

describe('base-stock levels for the beer game', () => {
  const config = { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 30 };

  it('finds levels that beat every level within ±1 per stage, on the search paths and on fresh paths', () => {
    const found = searchBaseStock(config, { episodes: 48, seed: 1 });
    const same = new BaseStockEvaluator(beerGameParamsSchema().parse(config), 48, 1);
    expect(same.cost(found.levels)).toBe(found.cost);
    for (const delta of neighbourhood()) expect(same.cost(found.levels.map((l, i) => l + delta[i]!))).toBeGreaterThanOrEqual(found.cost);
    // Larger moves must lose clearly on demand paths the search never saw.
    const fresh = new BaseStockEvaluator(beerGameParamsSchema().parse(config), 256, 99);
    const base = fresh.cost(found.levels);
    for (let i = 0; i < 4; i++)
      for (const step of [-4, 4]) {
        const cand = found.levels.slice();
        cand[i] = Math.max(0, cand[i]! + step);
        expect(fresh.cost(cand)).toBeGreaterThan(base);
      }
  });

  it('beats pass-through ordering and Sterman players on the team cost', () => {
    const found = searchBaseStock(config, { episodes: 48, seed: 1 });
    const world = beerGame.create(beerGame.paramsSchema.parse(config));
    const cost = (choose: Record<string, { type: string; params?: Record<string, unknown> }>) =>
      runPolicies(world, buildPolicies(world, choose, 64, 5), { numEnvs: 64, steps: 30, seed: 5 }).kpis.teamCost!;
    const bs = cost(Object.fromEntries(stages.map((s, i) => [s, { type: 'base-stock', params: { level: found.levels[i]! } }])));
    const sterman = cost(Object.fromEntries(stages.map((s) => [s, { type: 'sterman' }])));
    const passThrough = cost(
      Object.fromEntries(stages.map((s) => [s, { type: 'base-stock', params: { coverPeriods: 1, demandSlot: 'demand', safetyStock: 0 } }])),
    );
    expect(bs).toBeLessThan(0.8 * sterman);
    expect(bs).toBeLessThan(passThrough);
  });

  it('puts every level at mean demand × lead time or above when demand never varies', () => {
    const found = searchBaseStock({ demand: { kind: 'step', initial: 4, final: 4 } });
    [4, 4, 4, 3].forEach((lead, i) => expect(found.levels[i]!).toBeGreaterThanOrEqual(4 * lead));
  });
});
