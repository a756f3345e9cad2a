/**
 * `tacit eval --episodes N` plays exactly N episodes, whatever the run's copy count (it used to
 * round up to a whole number of rounds of all copies: 5 asked, 8 played).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { evalCopies, evaluateRun } from '../../src/run/evaluate.js';
import { runExperiment } from '../../src/run/run-experiment.js';

describe('tacit eval episode count', () => {
  it('picks copies that divide the episodes', () => {
    expect([1, 5, 8, 10, 12, 7, 16].map((e) => evalCopies(e, 8))).toEqual([1, 5, 8, 5, 6, 7, 8]);
    expect(evalCopies(11, 8)).toBe(1);
  });

  it('plays exactly the episodes asked for on an 8-copy run', async () => {
    const config = {
      name: 'eval-count',
      env: { id: 'matrix-game-v1', params: { game: 'prisoners-dilemma', episodeLength: 10 } },
      agents: [{ role: 'player', policy: { type: 'tabular-q', params: { learningRate: 0.1, discount: 0 } } }],
      run: { steps: 200, numEnvs: 8, metricsEvery: 50 },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-eval-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    expect((evaluateRun(out, (c) => resolveExperiment(c), {}) as { episodes: number }).episodes).toBe(10); // the default
    for (const episodes of [1, 5, 8, 10, 3]) {
      const r = evaluateRun(out, (c) => resolveExperiment(c), { episodes }) as { episodes: number };
      expect(r.episodes, `--episodes ${episodes}`).toBe(episodes);
    }
  });
});

describe('tacit eval "sum" KPIs', () => {
  it('are per episode, whether a copy plays one episode or several', async () => {
    // Scripted relays with dropout: items are lost every episode; lostItems is a "sum" KPI.
    const config = {
      name: 'eval-sum',
      env: { id: 'relay-chain-v1', params: { numAgents: 3, topology: 'chain', onHold: 'discard', arrivalRate: 0.9, episodeLength: 50 } },
      agents: [{ role: 'relay', policy: { type: 'threshold', params: { field: 'inbox', threshold: 0.5, above: 1, below: 0 } } }],
      run: { steps: 100, numEnvs: 4, metricsEvery: 50 },
      faults: { injections: [{ type: 'dropout', agents: ['relay1'], probability: 0.2 }] },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-eval-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    const lost = (episodes: number): number =>
      (evaluateRun(out, (c) => resolveExperiment(c), { episodes }) as { kpis: Record<string, number> }).kpis['lostItems']!;
    const one = lost(4); // 4 copies × 1 episode
    const four = lost(16); // 4 copies × 4 episodes each
    expect(one).toBeGreaterThan(0);
    // Per episode, the two agree up to sampling noise; totalled per copy, the second would be ~4× the first.
    expect(four / one).toBeGreaterThan(0.5);
    expect(four / one).toBeLessThan(2);
  });
});
