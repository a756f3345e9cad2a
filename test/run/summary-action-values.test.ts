/**
 * summary.json `actionValues`: the runner writes what each agent's actions stand for (the market's
 * price grids) into every seed's summary and, once and not averaged, into a multi-seed summary,
 * so the report reads prices without rebuilding the world. Worlds without action values write none.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMarketWorld } from '../../envs/market/market.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { actionValuesFromSummary } from '../../src/core/world-action-values.js';
import { runExperiment } from '../../src/run/run-experiment.js';

const readSummary = (dir: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;

describe('summary.json actionValues', () => {
  it("carries the market's per-firm price grids, in the seeds' summaries and once in the multi-seed one", async () => {
    const params = { cost: [1, 1.2], priceGridSize: 5 };
    const config = {
      name: 'action-values',
      env: { id: 'market-v1', params },
      agents: [{ role: 'firm', policy: { type: 'random' } }],
      run: { steps: 200, numEnvs: 2, metricsEvery: 100, seeds: 2 },
      output: { report: false },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-action-values-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    const grids = createMarketWorld(params).game.grids.map((g) => Array.from(g));
    const expected = { quantity: 'price', byAgent: { firm0: grids[0], firm1: grids[1] } };
    expect(actionValuesFromSummary(readSummary(out))).toEqual(expected);
    expect(actionValuesFromSummary(readSummary(join(out, 'seeds', 'seed-1')))).toEqual(expected);
  });

  it('is absent for worlds whose actions stand for no single quantity', async () => {
    const config = {
      name: 'no-action-values',
      env: { id: 'matrix-game-v1', params: {} },
      agents: [{ role: 'player', policy: { type: 'random' } }],
      run: { steps: 100, numEnvs: 2, metricsEvery: 50 },
      output: { report: false },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-action-values-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    expect(readSummary(out)).not.toHaveProperty('actionValues');
  });
});
