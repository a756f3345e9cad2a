/**
 * The warehouse-v2 scenario claims of docs/supply.md, with the experiments' own configs (4 copies
 * instead of 16): the v2 baseline serves from stock; bulk buying under practical carrying costs
 * raises profit but costs inventory turns, GMROI and the budget; under v1's cost rates it loses.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { warehouseV2 } from '../../envs/warehouse/v2/warehouse-v2.js';
import { buildPolicies, runPolicies, type PolicyChoice, type RunSummary } from '../../bench/supply-harness.js';

interface Experiment {
  env: { params: Record<string, unknown> };
  agents: { id: string; policy: PolicyChoice }[];
}

function runV2(file: string, params: Record<string, unknown> = {}): RunSummary {
  const exp = parse(readFileSync(new URL(`../../experiments/${file}`, import.meta.url), 'utf8')) as Experiment;
  const world = warehouseV2.create(warehouseV2.paramsSchema.parse({ ...exp.env.params, ...params }));
  const choose = Object.fromEntries(exp.agents.map((a) => [a.id, a.policy]));
  return runPolicies(world, buildPolicies(world, choose, 4, 0), { numEnvs: 4, steps: 360, seed: 0 });
}

describe('warehouse-v2 scenarios', () => {
  const baseline = runV2('warehouse-v2-baseline.yaml');
  const bulk = runV2('warehouse-v2-bulk-discount.yaml');

  it('baseline: fills from stock, no budget overrun, no lost sales', () => {
    expect(baseline.kpis.fillRate).toBeGreaterThan(0.99);
    expect(baseline.kpis.budgetOverrun).toBe(0);
    expect(baseline.kpis.lostSales).toBe(0);
  });

  it('bulk discount at 25 %/year carrying: more profit, fewer turns, lower GMROI, budget overrun', () => {
    expect(bulk.kpis.profit!).toBeGreaterThan(baseline.kpis.profit!);
    expect(bulk.kpis.inventoryTurns!).toBeLessThan(0.6 * baseline.kpis.inventoryTurns!);
    expect(bulk.kpis.gmroi!).toBeLessThan(0.6 * baseline.kpis.gmroi!);
    expect(bulk.kpis.budgetOverrun!).toBeGreaterThan(0);
    expect(bulk.localReward.procurement!).toBeGreaterThan(baseline.localReward.procurement!);
  });

  it("at v1's cost rates the same lots lose money: the trap needs ~88 %/year carrying", () => {
    const v1Rates = { carryingCostRate: 0.88, capitalCostRate: 0.15, overflowCost: 0.5, overflowHandlingCost: 1 };
    const b = runV2('warehouse-v2-baseline.yaml', v1Rates);
    const x = runV2('warehouse-v2-bulk-discount.yaml', v1Rates);
    expect(x.kpis.profit!).toBeLessThan(0.95 * b.kpis.profit!);
  });
});
