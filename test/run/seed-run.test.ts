/** The runner's ledger against values known in closed form, and interrupted runs. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { runGenericSeed } from '../../src/run/seed-run.js';
import type { MetricsRow } from '../../src/core/metrics-row.js';

const config = (overrides: Record<string, unknown> = {}): unknown => ({
  name: 'ledger',
  env: { id: 'matrix-game-v1', params: { game: 'prisoners-dilemma', episodeLength: 10 } },
  agents: [
    { id: 'row', policy: { type: 'constant', params: { action: 0 } } },
    { id: 'col', policy: { type: 'constant', params: { sequence: [0, 1] } } },
  ],
  run: { steps: 40, numEnvs: 3, metricsEvery: 20 },
  ...overrides,
});

describe('generic seed run', () => {
  it('records raw components, shaped rewards, KPIs, actions and episode returns exactly', () => {
    const rows: MetricsRow[] = [];
    const summary = runGenericSeed(resolveExperiment(config()), { seed: 1, sink: { metrics: (r) => rows.push(r), event: () => {} } });
    // row always cooperates; col alternates C, D: payoffs (3,3) then (0,5).
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      window: 0,
      step: 20,
      episodes: 6,
      'reward/row/payoff': 1.5,
      'reward/col': 4,
      'shaped/row': 1.5,
      'kpi/welfare': 5.5,
      'kpi/firstMoveRate': 0.75,
      'action/col': 0.5,
    });
    expect(rows[0]!['episodeReturn/row']).toBe(15);
    expect(summary.agents.row).toMatchObject({ role: 'player', meanReward: 1.5, rewardComponents: { payoff: 1.5 }, meanEpisodeReturn: 15 });
    expect(summary.kpis).toEqual({ welfare: 5.5, firstMoveRate: 0.75 });
    expect(summary.metrics).toMatchObject({ episodes: 12, agentSteps: 40 * 3 * 2 });
  });

  it('weights components in the local scheme', () => {
    const rows: MetricsRow[] = [];
    const raw = config();
    (raw as { agents: { reward?: unknown }[] }).agents[0]!.reward = { scheme: 'local', params: { weights: { payoff: -2 } } };
    runGenericSeed(resolveExperiment(raw), { seed: 1, sink: { metrics: (r) => rows.push(r), event: () => {} } });
    expect(rows[0]!['reward/row']).toBe(1.5);
    expect(rows[0]!['shaped/row']).toBe(-3);
  });

  it('marks an interrupted run and never renames it to look complete', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-int-')), 'run');
    const result = await runExperiment(resolveExperiment(config()), { out, quiet: true, signal: { stop: true } });
    expect(result.interrupted).toBe(true);
    expect(existsSync(out)).toBe(false);
    const run = JSON.parse(readFileSync(join(`${out}.partial`, 'run.json'), 'utf8'));
    expect(run.status).toBe('interrupted');
    expect(JSON.parse(readFileSync(join(`${out}.partial`, 'summary.json'), 'utf8')).steps).toBe(20);
  });
});

describe('detectors section', () => {
  it('runs every detector by default and none that is switched off with false', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-det-'));
    const on = await runExperiment(resolveExperiment(config()), { out: join(tmp, 'on'), quiet: true });
    const off = await runExperiment(resolveExperiment(config({ detectors: { conflict: false, goodhart: false } })), { out: join(tmp, 'off'), quiet: true });
    expect(Object.keys(on.summary.verdicts as object).sort()).toEqual(['collusion', 'conflict', 'goodhart', 'miscoordination']);
    expect(Object.keys(off.summary.verdicts as object).sort()).toEqual(['collusion', 'miscoordination']);
    expect(JSON.parse(readFileSync(join(tmp, 'off', 'config.resolved.json'), 'utf8')).detectors).toMatchObject({ conflict: false, goodhart: false });
  });
});
