/**
 * warehouse-v2: its header's table of defaults against the schema, and KPIs that mean what
 * practitioners mean: fill rate from stock apart from carrier limits, accrual accounting of
 * discounts, carrying cost as an annual rate on inventory value, cost to serve with purchases and
 * lost margin, shared storage across SKUs, and the DC → stores network.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createWarehouseV2 } from '../../envs/warehouse/v2/warehouse-v2.js';
import { warehouseV2ParamsSchema } from '../../envs/warehouse/v2/params.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import type { World } from '../../src/core/world.js';
import { checks } from '../conformance/world-conformance.js';

const make = (p: Record<string, unknown> = {}) => createWarehouseV2(warehouseV2ParamsSchema().parse(p));
type Actions = Record<string, number | number[]>;
const idle = (K: number): Actions => ({ procurement: Array(K).fill(0), inventory: [...Array(K).fill(8), 0], logistics: 0, finance: 3 });

function run(params: Record<string, unknown>, actions: (t: number) => Actions, steps: number, seed = 1) {
  const env = new ParallelEnv(make(params));
  env.reset(seed);
  const out: { kpis: Record<string, number>; rewards: Record<string, Record<string, number>> }[] = [];
  for (let t = 0; t < steps; t++) {
    const r = env.step(actions(t) as never);
    out.push({ kpis: { ...r.kpis } as Record<string, number>, rewards: r.rewards as Record<string, Record<string, number>> });
  }
  return { env, out };
}

describe('warehouse-v2 header', () => {
  it('lists exactly the schema defaults in its table', () => {
    const src = readFileSync(new URL('../../envs/warehouse/v2/warehouse-v2.ts', import.meta.url), 'utf8');
    const table = src.slice(src.indexOf('| param | default |'));
    const rows = [...table.matchAll(/^ \* \| (\w+) \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!] as const).filter(([k]) => k !== 'param');
    const defaults = warehouseV2ParamsSchema().parse({}) as Record<string, unknown>;
    expect(rows.map(([k]) => k).sort()).toEqual(Object.keys(defaults).sort());
    for (const [key, text] of rows) {
      // Parse the header's value, then resolve it through the schema as a config would be: equal to the default.
      const resolved = warehouseV2ParamsSchema().parse({ [key]: JSON.parse(text) }) as Record<string, unknown>;
      expect(resolved[key], key).toEqual(defaults[key]);
    }
  });
});

describe('warehouse-v2 KPIs', () => {
  it('fill rate counts stock, on-time shipping counts carriers: full trucks do not lower the fill rate', () => {
    // Plenty of stock, a carrier that takes 10 units a day: everything is filled, much ships late.
    const { out } = run(
      { skus: [{ name: 'A', unitCost: 10, salePrice: 15, demand: { base: 30 }, initialCoverDays: 20 }], standardCapacity: 10, targetLevels: 40 },
      () => idle(1),
      12,
    );
    for (const o of out) expect(o.kpis.fillRate).toBe(1);
    expect(Math.min(...out.map((o) => o.kpis.onTimeShipping!))).toBeLessThan(0.5);
  });

  it('books a purchase discount as the discounted units sell (accrual), not when they are bought', () => {
    const sku = { name: 'A', unitCost: 10, salePrice: 15, demand: { base: 20, spikeProbability: 0 }, initialCoverDays: 5 };
    const big = (t: number): Actions => ({ ...idle(1), finance: 7, procurement: [t === 0 ? 24 : 0] }); // 600 units: the 8 % tier, approved
    const none = (): Actions => ({ ...idle(1), finance: 7 });
    const a = run({ skus: [sku], storageCapacity: 5000 }, big, 3).out;
    const b = run({ skus: [sku], storageCapacity: 5000 }, none, 3).out;
    // The purchase period and the next (goods not yet sold): profit identical up to the carrying cost of the new stock.
    expect(Math.abs(a[0]!.kpis.profit! - b[0]!.kpis.profit!)).toBeLessThan(1e-9);
    // When the lot arrives (lead time 2), it enters the moving average cost at the price paid, so
    // the units sold from then on carry the discount into cost of goods sold.
    const { env } = run({ skus: [sku], storageCapacity: 5000 }, big, 3);
    const m = make({ skus: [sku], storageCapacity: 5000 }).model;
    const f = env.currentState.f;
    const r = m.skuOff;
    const owned = f[r + 3]!;
    expect(f[r + 4]!).toBeLessThan(10);
    expect(f[r + 4]!).toBeGreaterThan(9.2);
    // Exact blend: 600 units at 9.2 with the rest at 10, less what has been sold at the blended cost since.
    expect(owned).toBeGreaterThan(600);
  });

  it('charges carrying cost as an annual rate on inventory value, split between inventory and finance', () => {
    const env = new ParallelEnv(make({}));
    env.reset(2);
    const w = env.world;
    const before = new Float64Array(w.features.length);
    for (let t = 0; t < 3; t++) {
      const r = env.step(idle(2) as never);
      w.readFeatures(env.currentState, before);
      const value = before[w.features.indexOf('inventoryValue')]!;
      const holding = -r.rewards.inventory!.holding! / 0.01;
      const capital = -r.rewards.finance!.capitalCost! / 0.01;
      expect(holding + capital).toBeCloseTo((0.25 / 365) * value, 9);
      expect(capital / (holding + capital)).toBeCloseTo(0.1 / 0.25, 9);
    }
  });

  it('counts purchases and lost sales in cost to serve, so serving badly cannot look cheap', () => {
    // Nobody orders: stock runs out and orders cancel. Each lost unit costs its sale price, more
    // than the cost of goods a served unit carries, so this team's cost to serve is the higher.
    const skus = [{ name: 'A', unitCost: 10, salePrice: 15, demand: { base: 30, spikeProbability: 0 }, initialCoverDays: 5 }];
    const idleRun = run({ skus }, () => idle(1), 60).out;
    const served = run({ skus, targetLevels: 40 }, (t) => ({ ...idle(1), procurement: [t % 2 === 0 ? 2 : 3] }), 60).out;
    const lost = idleRun.reduce((s, o) => s + o.kpis.lostSales!, 0);
    expect(lost).toBeGreaterThan(500);
    expect(served.reduce((s, o) => s + o.kpis.lostSales!, 0)).toBe(0);
    const total = (xs: typeof idleRun) => xs.slice(20).reduce((s, o) => s + o.kpis.costToServe!, 0);
    expect(total(idleRun)).toBeGreaterThan(total(served));
    // After the stock is gone, cost to serve is the lost sales at 15 a unit.
    const late = idleRun.slice(-7);
    expect(late.reduce((s, o) => s + o.kpis.costToServe!, 0)).toBeCloseTo(15 * late.reduce((s, o) => s + o.kpis.lostSales!, 0), 6);
  });

  it('shares storage across SKUs by size: a bulky SKU fills the warehouse for both', () => {
    const skus = [
      { name: 'A', unitCost: 10, salePrice: 15, size: 1, demand: { base: 10 }, initialCoverDays: 5 },
      { name: 'B', unitCost: 25, salePrice: 34, size: 4, demand: { base: 10 }, initialCoverDays: 5 },
    ];
    const { out } = run({ skus, storageCapacity: 400 }, (t) => ({ ...idle(2), procurement: [0, t === 0 ? 4 : 0], finance: 7 }), 6);
    // 100 units of B take 400 space units: with A's and B's stock the warehouse overflows.
    expect(out.some((o) => (o.rewards.inventory!.overflow ?? 0) < 0)).toBe(true);
    // Without the bulky lot nothing overflows.
    expect(
      run({ skus, storageCapacity: 400 }, () => ({ ...idle(2), finance: 7 }), 6).out.every(
        (o) => o.rewards.inventory!.overflow === 0 || Object.is(o.rewards.inventory!.overflow, -0),
      ),
    ).toBe(true);
  });
});

describe('warehouse-v2 network (DC → stores)', () => {
  it('sells from store shelves, replenishes them from the DC, and loses sales when the DC runs dry', () => {
    const params = { network: { stores: 3, storeCoverDays: 3 } };
    const w = make(params);
    const m = w.model;
    const { env, out } = run(params, () => idle(2), 30);
    // Early on the stores sell from stock; once the DC (never replenished) is empty, stores run dry.
    expect(out[0]!.kpis.fillRate).toBe(1);
    expect(out.at(-1)!.kpis.fillRate).toBeLessThan(0.5);
    expect(out.reduce((s, o) => s + o.kpis.lostSales!, 0)).toBeGreaterThan(0);
    // Units are conserved: owned = DC + shelves + transfers, for every SKU.
    const f = env.currentState.f;
    {
      for (let k = 0; k < m.K; k++) {
        const r = m.skuOff + k * m.stride;
        let units = f[r]!;
        for (let st = 0; st < m.stores; st++) {
          units += f[r + m.storeOff + st]!;
          for (let x = 0; x < m.ringLen; x++) units += f[r + m.transferOff + st * m.ringLen + x]!;
        }
        expect(units).toBeCloseTo(f[r + 3]!, 9);
      }
    }
  });
});

describe('warehouse-v2 single site (the registry enrols the network variant)', () => {
  // The conformance suite runs warehouse-v2 with stores; the default one-site variant gets the same checks here.
  const single = (): World => make({ episodeLength: 25 }) as unknown as World;
  for (const [name, check] of Object.entries(checks)) {
    if (name === 'batchEncoding') continue; // no encodeActions to compare
    it(`passes the conformance check '${name}'`, () => expect(() => (check as (m: () => World, n?: number) => void)(single, 30)).not.toThrow());
  }
});
