/**
 * The warehouse failure scenarios happen, with the experiments' own configs (read from
 * experiments/*.yaml, shortened to fewer copies): goal conflict under a bulk discount, a data silo
 * under a demand surge, and cost pushing by finance. Each is compared with the scripted baseline on
 * the same demand paths.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import { buildPolicies, runPolicies, type PolicyChoice, type RunSummary } from '../../bench/supply-harness.js';

interface Experiment {
  env: { params: Record<string, unknown> };
  agents: { id: string; policy: PolicyChoice }[];
}

function runExperiment(file: string, override?: (e: Experiment) => void): RunSummary {
  const exp = parse(readFileSync(new URL(`../../experiments/${file}`, import.meta.url), 'utf8')) as Experiment;
  override?.(exp);
  const world = warehouse.create(warehouse.paramsSchema.parse(exp.env.params));
  const choose = Object.fromEntries(exp.agents.map((a) => [a.id, a.policy]));
  return runPolicies(world, buildPolicies(world, choose, 4, 0), { numEnvs: 4, steps: 360, seed: 0 });
}

describe('warehouse scenarios', () => {
  const baseline = runExperiment('warehouse-baseline.yaml');

  it('baseline: no overflow, no budget overrun, no stockouts', () => {
    expect(baseline.kpis.budgetOverrun).toBe(0);
    expect(baseline.kpis.stockouts).toBe(0);
    expect(baseline.events.overflow ?? 0).toBe(0);
    expect(baseline.kpis.fillRate).toBeGreaterThan(0.9);
  });

  it('bulk discount: procurement gains while overflow, overrun and the team outcome get worse', () => {
    const bulk = runExperiment('warehouse-bulk-discount.yaml');
    expect(bulk.localReward.procurement!).toBeGreaterThan(baseline.localReward.procurement! + 0.1);
    for (const role of ['inventory', 'logistics', 'finance']) expect(bulk.localReward[role]!).toBeLessThan(baseline.localReward[role]!);
    expect(bulk.rewards.inventory!.overflow!).toBeLessThan(0);
    expect(bulk.rewards.logistics!.handling!).toBeLessThan(0);
    expect(bulk.kpis.budgetOverrun!).toBeGreaterThan(0);
    expect(bulk.events.budgetOverrun!).toBeGreaterThan(0);
    expect(bulk.kpis.costToServe!).toBeGreaterThan(2 * baseline.kpis.costToServe!);
    expect(bulk.kpis.profit!).toBeLessThan(baseline.kpis.profit!);
  });

  it('delayed demand information: stale weekly reports cause stockouts and lost sales a live feed avoids', () => {
    const stale = runExperiment('warehouse-delayed-demand.yaml');
    const live = runExperiment('warehouse-delayed-demand.yaml', (e) => {
      (e.env.params.observation as Record<string, unknown>).procurement = { delay: 0, cadence: 1, noise: 0 };
    });
    expect(live.kpis.stockouts!).toBeLessThan(0.2);
    expect(stale.kpis.stockouts!).toBeGreaterThan(5);
    expect(stale.kpis.lostSales!).toBeGreaterThan(live.kpis.lostSales! + 0.5);
    expect(stale.kpis.fillRate!).toBeLessThan(live.kpis.fillRate! - 0.2);
  });

  it('finance squeeze: finance improves its own reward by pushing stockouts and lateness onto the others', () => {
    const squeeze = runExperiment('warehouse-finance-squeeze.yaml');
    expect(squeeze.localReward.finance!).toBeGreaterThan(baseline.localReward.finance!);
    for (const role of ['procurement', 'inventory', 'logistics']) expect(squeeze.localReward[role]!).toBeLessThan(baseline.localReward[role]! - 0.1);
    expect(squeeze.kpis.fillRate!).toBeLessThan(baseline.kpis.fillRate! - 0.15);
    expect(squeeze.kpis.onTimeRate!).toBeLessThan(baseline.kpis.onTimeRate! - 0.15);
  });
});
