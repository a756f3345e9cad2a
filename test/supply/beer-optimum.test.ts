/**
 * The beer game's exact optimum (Clark–Scarf / Chen–Zheng) and its accounting options: published
 * instances (Shang & Song 2003, Table 1), a single-stage newsvendor known in closed form, brute
 * force over nearby levels, agreement with long simulation of the world, the transit/echelon
 * identity, and the reasons given when theory does not apply.
 */
import { describe, expect, it } from 'vitest';
import { convolvePower, echelonBaseStockCost, optimalEchelonBaseStock, poissonPmf } from '../../envs/beer-game/clark-scarf.js';
import { BEER_V2, createBeerGame } from '../../envs/beer-game/beer-game.js';
import { OptimumNotApplicableError, beerGameOptimum, demandPmf } from '../../envs/beer-game/optimum.js';
import { beerGameParamsSchema } from '../../envs/beer-game/params.js';
import { simulateLevels } from '../../envs/beer-game/simulate-levels.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import { deriveSeedWords, nextInt } from '../../src/core/rng.js';

/**
 * Shang & Song (2003), "Newsvendor bounds and heuristic for optimal policies in serial supply
 * chains", Management Science 49(5), Table 1, rows 1, 9, 17 and 25: four stages, Poisson demand
 * λ = 16, lead time 0.25 per stage (lead-time demand Poisson(4)), optimal echelon levels and cost.
 * Values as transcribed in stockpyl's test suite (LarrySnyder/stockpyl, tests/test_ssm_serial.py).
 */
const SHANG_SONG = [
  { row: 1, h: [0.25, 0.25, 0.25, 0.25], b: 9, levels: [8, 13, 18, 22], cost: 12.688 },
  { row: 9, h: [0.25, 2.5, 2.5, 0.25], b: 9, levels: [9, 10, 13, 19], cost: 53.008 },
  { row: 17, h: [0.25, 0.25, 0.25, 0.25], b: 99, levels: [11, 17, 22, 27], cost: 16.206 },
  { row: 25, h: [0.25, 2.5, 2.5, 0.25], b: 99, levels: [11, 14, 18, 26], cost: 74.564 },
];

const chainOf = (h: number[], b: number) => ({ echelonHolding: h, backorderCost: b, leadTimeDemand: h.map(() => poissonPmf(4)) });

describe('Clark–Scarf recursion', () => {
  it.each(SHANG_SONG)('reproduces Shang & Song (2003) Table 1 row $row: levels exactly, cost within 0.01%', ({ h, b, levels, cost }) => {
    const opt = optimalEchelonBaseStock(chainOf(h, b));
    expect(opt.levels).toEqual(levels);
    expect(Math.abs(opt.cost - cost) / cost).toBeLessThan(1e-4);
  });

  it('finds the minimum over every level vector within ±2 of it (brute force, rows 1 and 9)', () => {
    for (const { h, b } of SHANG_SONG.slice(0, 2)) {
      const chain = chainOf(h, b);
      const opt = optimalEchelonBaseStock(chain);
      let best = Infinity;
      for (let k = 0; k < 5 ** 4; k++) {
        const cand = opt.levels.map((s, j) => s + (Math.floor(k / 5 ** j) % 5) - 2);
        best = Math.min(best, echelonBaseStockCost(chain, cand));
      }
      expect(best).toBeGreaterThanOrEqual(opt.cost - 1e-9);
      expect(echelonBaseStockCost(chain, opt.levels)).toBeCloseTo(opt.cost, 10);
    }
  });

  it('reduces to the newsvendor when only the customer-facing stage holds stock at a cost', () => {
    // Echelon holding h at stage 1 only: S_1 is the b/(b+h) quantile of lead-time demand, cost E[h(S−D)⁺ + b(D−S)⁺].
    const h = 0.4;
    const b = 3.1;
    const ltd = convolvePower(demandPmf({ kind: 'uniform', low: 0, high: 6 }), 3);
    const opt = optimalEchelonBaseStock({ echelonHolding: [h, 0], backorderCost: b, leadTimeDemand: [ltd, ltd] });
    let cdf = 0;
    let S = 0;
    while ((cdf += ltd[S]!) < b / (b + h)) S++;
    const cost = Array.from(ltd).reduce((a, p, d) => a + p * (h * Math.max(S - d, 0) + b * Math.max(d - S, 0)), 0);
    expect(opt.levels[0]).toBe(S);
    expect(opt.cost).toBeCloseTo(cost, 10);
  });

  it('gives pmfs that sum to one with the mean they should have', () => {
    for (const [pmf, mean] of [
      [poissonPmf(7.5), 7.5],
      [convolvePower(poissonPmf(2), 3), 6],
      [demandPmf({ kind: 'normal', mean: 20, sd: 3 }), 20], // far from the floor at 0, so rounding keeps the mean
    ] as const) {
      expect(pmf.reduce((a, p) => a + p, 0)).toBeCloseTo(1, 12);
      expect(pmf.reduce((a, p, k) => a + p * k, 0)).toBeCloseTo(mean, 3);
    }
  });
});

/** Shang & Song row 1 on a clock of 1/8 time unit (see experiments/beer-game-optimum.yaml). */
const ROW1 = {
  demand: { kind: 'poisson', mean: 2 },
  orderLeadTime: 1,
  shippingLeadTime: 1,
  holdingCost: [0.125, 0.09375, 0.0625, 0.03125],
  backorderCost: [1.125, 0, 0, 0],
  initialPipeline: 0,
};

describe('beer-game optimum', () => {
  it('maps Shang & Song row 1 onto the world: their levels, and their cost per time unit = 8 × cost per period', () => {
    const o = beerGameOptimum(beerGameParamsSchema().parse({ ...ROW1, accounting: 'transit' }));
    expect(Object.values(o.levels)).toEqual([8, 13, 18, 22]);
    expect(Object.values(o.installationLevels)).toEqual([8, 5, 5, 4]);
    expect(Math.abs(8 * o.clarkScarfCostPerPeriod - 12.688) / 12.688).toBeLessThan(1e-4);
    // Transit charged for the shipping period only: one period of mean demand less per link, at the sender's rate.
    expect(o.costPerPeriod).toBeCloseTo(o.clarkScarfCostPerPeriod - 2 * (0.09375 + 0.0625 + 0.03125), 12);
  });

  it.each([
    ['transit', ROW1],
    ['classic', ROW1],
    ['echelon', { demand: { kind: 'normal', mean: 8, sd: 3 }, holdingCost: [1, 0.75, 0.5, 0.25], backorderCost: [10, 0, 0, 0], initialPipeline: 0 }],
    ['transit', { demand: { kind: 'uniform', low: 0, high: 8 }, holdingCost: 0.5, backorderCost: [2, 0, 0, 0], initialPipeline: 0 }],
  ])('agrees with long simulation of the world (%s accounting) within 1%%', (accounting, raw) => {
    const p = beerGameParamsSchema().parse({ ...raw, accounting });
    const o = beerGameOptimum(p);
    const sim = simulateLevels(p, Object.values(o.installationLevels), { periods: 6000, warmup: 200, copies: 8, seed: 3 });
    expect(Math.abs(sim.costPerPeriod - o.costPerPeriod) / o.costPerPeriod).toBeLessThan(0.01);
  });

  it('applies to beer-game-v2 with an initial pipeline (its inventory position is right), where v1 is refused and misses it', () => {
    const raw = { demand: { kind: 'uniform', low: 0, high: 8 }, holdingCost: 0.5, backorderCost: [2, 0, 0, 0], accounting: 'transit' };
    const p = beerGameParamsSchema().parse({ ...raw, initialPipeline: 4 });
    expect(() => beerGameOptimum(p)).toThrow(/initialPipeline is 4 .*or use beer-game-v2/);
    const o = beerGameOptimum(p, 'beer-game-v2');
    // The long-run optimum does not depend on where the chain starts.
    expect({ ...o, world: 'beer-game-v1' }).toEqual(beerGameOptimum(beerGameParamsSchema().parse({ ...raw, initialPipeline: 0 })));
    expect(createBeerGame(p, BEER_V2).kpis.find((k) => k.name === 'costPerPeriod')?.reference).toBe(o.costPerPeriod);
    const levels = Object.values(o.installationLevels);
    const opts = { periods: 6000, warmup: 200, copies: 8, seed: 3 };
    const v2 = simulateLevels(p, levels, { ...opts, version: BEER_V2 });
    expect(Math.abs(v2.costPerPeriod - o.costPerPeriod) / o.costPerPeriod).toBeLessThan(0.01);
    // v1 at the same levels holds 4 units too few per stage all run: a different, costlier policy.
    const v1 = simulateLevels(p, levels, opts);
    expect((v1.costPerPeriod - o.costPerPeriod) / o.costPerPeriod).toBeGreaterThan(0.05);
  });

  it('names every reason when theory does not apply (the classic game)', () => {
    let err: unknown;
    try {
      beerGameOptimum(beerGameParamsSchema().parse({}));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OptimumNotApplicableError);
    const reasons = (err as OptimumNotApplicableError).reasons.join('\n');
    expect(reasons).toContain("demand.kind is 'step'");
    expect(reasons).toContain('backorderCost of the wholesaler is 1');
    expect(reasons).toContain('initialPipeline is 4');
    expect(() => beerGameOptimum(beerGameParamsSchema().parse({ ...ROW1, holdingCost: [0.1, 0.2, 0.2, 0.2] }))).toThrow(/holdingCost rises upstream/);
  });

  it('adds a costPerPeriod KPI with the optimum as its reference only where the optimum applies', () => {
    const w = createBeerGame(beerGameParamsSchema().parse(ROW1));
    const k = w.kpis.find((x) => x.name === 'costPerPeriod');
    expect(k?.reference).toBeCloseTo(beerGameOptimum(beerGameParamsSchema().parse(ROW1)).costPerPeriod, 12);
    expect(createBeerGame(beerGameParamsSchema().parse({})).kpis.map((x) => x.name)).not.toContain('costPerPeriod');
  });
});

describe('beer-game accounting', () => {
  const stages = ['retailer', 'wholesaler', 'distributor', 'factory'];
  const play = (accounting: string) => {
    const p = { demand: { kind: 'uniform', low: 0, high: 9 }, holdingCost: [1, 0.8, 0.5, 0.2], backorderCost: [3, 1, 0.5, 0.5], accounting };
    const env = new ParallelEnv(createBeerGame(beerGameParamsSchema().parse(p)));
    env.reset(5);
    const rng = deriveSeedWords(11, 'test');
    const out: { team: number; rewards: Record<string, Record<string, number>> }[] = [];
    for (let t = 0; t < 36; t++) {
      const r = env.step(Object.fromEntries(stages.map((s) => [s, nextInt(rng, 12)])));
      out.push({ team: r.kpis.teamCost!, rewards: r.rewards as Record<string, Record<string, number>> });
    }
    return out;
  };

  it('echelon accounting re-allocates exactly the team cost of transit accounting', () => {
    const transit = play('transit');
    const echelon = play('echelon');
    for (let t = 0; t < transit.length; t++) {
      expect(echelon[t]!.team).toBeCloseTo(transit[t]!.team, 9);
      const sum = Object.values(echelon[t]!.rewards).reduce((a, r) => a + r.holding! + r.backorder!, 0);
      expect(-sum).toBeCloseTo(echelon[t]!.team, 9);
    }
    // The allocation differs stage by stage (otherwise the option would do nothing).
    expect(transit.some((s, t) => Math.abs(s.rewards.wholesaler!.holding! - echelon[t]!.rewards.wholesaler!.holding!) > 1e-6)).toBe(true);
  });

  it('transit accounting costs at least classic, more by the goods in transit at the shipping stage rate', () => {
    const classic = play('classic');
    const transit = play('transit');
    for (let t = 0; t < classic.length; t++) {
      expect(transit[t]!.team).toBeGreaterThanOrEqual(classic[t]!.team - 1e-9);
      expect(transit[t]!.rewards.retailer!.backorder).toBe(classic[t]!.rewards.retailer!.backorder);
    }
    expect(transit.some((s, t) => s.team > classic[t]!.team + 1e-6)).toBe(true);
  });

  it('rejects echelon accounting when holding costs rise upstream, naming the field', () => {
    const r = beerGameParamsSchema().safeParse({ accounting: 'echelon', holdingCost: [0.5, 1, 1, 1] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('holdingCost');
  });
});
