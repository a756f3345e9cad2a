/**
 * The metrics row's one owner: keys round-trip through their parser, and every writer (the
 * runner's ledger, the planted recorder) aggregates KPIs by the one documented rule: per-step
 * mean, except `aggregate: 'sum'` KPIs, which are the window's total per copy.
 */
import { describe, expect, it } from 'vitest';
import { kpiValue, metricsKey, parseMetricsKey, runMeans, windowRow, type RowLayout } from '../../src/core/metrics-row.js';
import { deriveSeedWords, nextFloat } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';
import { recordRun } from '../../src/detectors/planted/record.js';
import { relayChain } from '../../envs/sanity/relay-chain.js';

describe('metrics keys', () => {
  it('parse back to what built them', () => {
    expect(parseMetricsKey(metricsKey.reward('a0'))).toEqual({ kind: 'reward', agent: 'a0' });
    expect(parseMetricsKey(metricsKey.rewardComponent('a0', 'profit'))).toEqual({ kind: 'rewardComponent', agent: 'a0', component: 'profit' });
    expect(parseMetricsKey(metricsKey.shaped('a1'))).toEqual({ kind: 'shaped', agent: 'a1' });
    expect(parseMetricsKey(metricsKey.action('a1'))).toEqual({ kind: 'action', agent: 'a1' });
    expect(parseMetricsKey(metricsKey.episodeReturn('a1'))).toEqual({ kind: 'episodeReturn', agent: 'a1' });
    expect(parseMetricsKey(metricsKey.kpi('fillRate'))).toEqual({ kind: 'kpi', name: 'fillRate' });
  });

  it('are not confused with other namespaced keys', () => {
    for (const key of ['step', 'window', 'faults/a0/dropout', 'market/price/f0', 'shaped/a0/x', 'kpi/', 'reward/', 'kpi/a/b'])
      expect(parseMetricsKey(key)).toBeNull();
  });
});

describe('window rows', () => {
  const layout: RowLayout = {
    agents: [{ id: 'a' }, { id: 'b' }],
    rewardComponents: [['x', 'y'], ['x']],
    kpis: [
      { name: 'rate', aggregate: 'mean' },
      { name: 'cost', aggregate: 'sum' },
    ],
  };
  // 10 steps × 4 copies: 40 samples.
  const sums = {
    components: [[4, 8], [20]],
    local: [12, 20],
    shaped: [40, 0],
    action: [80, 4],
    kpis: [20, 400],
    returns: [6, 0],
    returnCount: [2, 0],
    samples: 40,
    episodes: 2,
  };

  it('divides by samples, except sum KPIs, which are totals per copy', () => {
    const row = windowRow(layout, sums, 4, 100, 3);
    expect(row).toEqual({
      window: 3,
      step: 100,
      episodes: 2,
      'reward/a/x': 0.1,
      'reward/a/y': 0.2,
      'reward/a': 0.3,
      'shaped/a': 1,
      'action/a': 2,
      'episodeReturn/a': 3,
      'reward/b/x': 0.5,
      'reward/b': 0.5,
      'shaped/b': 0,
      'action/b': 0.1,
      'kpi/rate': 0.5,
      'kpi/cost': 100,
    });
    // The key order is part of the bytes of metrics.jsonl.
    expect(Object.keys(row).slice(0, 8)).toEqual(['window', 'step', 'episodes', 'reward/a/x', 'reward/a/y', 'reward/a', 'shaped/a', 'action/a']);
  });

  it('summarises a run by the same rule', () => {
    const m = runMeans(layout, sums, 4);
    expect(m.kpis).toEqual({ rate: 0.5, cost: 100 });
    expect(m.agents['a']).toEqual({ meanReward: 0.3, meanShapedReward: 1, rewardComponents: { x: 0.1, y: 0.2 }, meanEpisodeReturn: 3 });
    expect(m.agents['b']!.meanEpisodeReturn).toBeNull();
    expect(kpiValue('mean', 5, 0, 1)).toBe(5);
  });
});

describe('the planted recorder', () => {
  it('writes sum KPIs as window totals, as the runner does', () => {
    const world = relayChain.create(relayChain.paramsSchema.parse({ numAgents: 3, arrivalRate: 0.7, episodeLength: 20 })) as World;
    const record = (metricsEvery: number): ReturnType<typeof recordRun>['rows'] => {
      const rng = deriveSeedWords('test/metrics-row', 1);
      const actor = (_obs: readonly Float32Array[], out: readonly Float64Array[]): void => out.forEach((a) => (a[0] = nextFloat(rng) < 0.6 ? 1 : 0));
      return recordRun(world, actor, { steps: 40, metricsEvery, seed: 7 }).rows;
    };
    const perStep = record(1);
    const windows = record(10);
    const lost = perStep.map((r) => r['kpi/lostItems']!);
    const delivered = perStep.map((r) => r['kpi/delivered']!);
    expect(lost.some((v) => v > 0)).toBe(true);
    windows.forEach((row, w) => {
      const steps = lost.slice(10 * w, 10 * w + 10);
      expect(row['kpi/lostItems']).toBeCloseTo(
        steps.reduce((a, b) => a + b, 0),
        12,
      );
      expect(row['kpi/delivered']).toBeCloseTo(delivered.slice(10 * w, 10 * w + 10).reduce((a, b) => a + b, 0) / 10, 12);
    });
  });
});
