/**
 * `tacit eval` of a run trained under faults: replayed under the same faults by default (so the
 * faulted agent's reward and the team's reliability drop exactly as in training), and fault-free
 * on request.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { evaluateRun } from '../../src/run/evaluate.js';
import { runExperiment } from '../../src/run/run-experiment.js';

// relay2 is out (no-op) for steps 40..46 of every 100-step episode; items reaching it are lost.
const config = {
  name: 'eval-faults',
  env: { id: 'relay-chain-v1', params: { numAgents: 4, topology: 'chain', onHold: 'discard', arrivalRate: 0.9, episodeLength: 100 } },
  agents: [{ role: 'relay', policy: { type: 'threshold', params: { field: 'inbox', threshold: 0.5, above: 1, below: 0 } } }],
  run: { steps: 400, numEnvs: 4, metricsEvery: 100 },
  faults: {
    injections: [{ type: 'dropout', agents: ['relay2'], window: { start: 40, end: 47 }, fallback: 'noop' }],
    reliability: { criteria: { relay: { component: 'forwarded', atLeast: 1 } } },
  },
};

type Eval = {
  faultsApplied: boolean;
  kpis: Record<string, number>;
  agents: Record<string, { meanReward: number }>;
  metrics?: { reliability?: { team: { rate: number } } };
};

describe('tacit eval with faults', () => {
  it('replays under the run faults by default and without them on request', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-eval-faults-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    const resolve = (c: unknown): ReturnType<typeof resolveExperiment> => resolveExperiment(c);
    const faulted = evaluateRun(out, resolve, { episodes: 8 }) as unknown as Eval;
    const clean = evaluateRun(out, resolve, { episodes: 8, faults: false }) as unknown as Eval;
    expect(faulted.faultsApplied).toBe(true);
    expect(clean.faultsApplied).toBe(false);
    // The dropout costs relay2 about 7 of every 100 steps' forwarding, and loses items; fault-free loses none.
    expect(faulted.agents.relay2!.meanReward).toBeLessThan(clean.agents.relay2!.meanReward - 0.03);
    expect(faulted.kpis.lostItems).toBeGreaterThan(0);
    expect(clean.kpis.lostItems).toBe(0);
    // An unfaulted relay upstream of the outage is unaffected.
    expect(faulted.agents.relay0!.meanReward).toBe(clean.agents.relay0!.meanReward);
    expect(faulted.metrics?.reliability?.team.rate).toBeGreaterThan(0);
    expect(clean.metrics).toBeUndefined();
  });
});
