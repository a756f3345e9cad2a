/** Reliability, the independence prediction and cascades on relay-chain-v1, against values derived by hand. */
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { runGenericSeed } from '../../src/run/seed-run.js';
import { relayConfig } from './harness.js';

const forwarded = { relay: { component: 'forwarded', atLeast: 1 } };
const Q = [0.05, 0.1, 0.2, 0.15];
const dropouts = Q.map((p, k) => ({ type: 'dropout', agents: [`relay${k}`], probability: p }));

interface Rate {
  rate: number;
  trials: number;
}
interface Rel {
  agents: Record<string, Rate>;
  team: Rate;
  independencePrediction: number;
  isolatedPrediction: number;
  cascade: Record<string, unknown> & { sources: Record<string, Record<string, unknown> & { others: Record<string, Record<string, number>> }> };
}

function reliability(config: Record<string, unknown>, seed = 3): Rel {
  const summary = runGenericSeed(resolveExperiment(config), { seed, sink: { metrics: () => {}, event: () => {} } });
  return summary.metrics.reliability as Rel;
}

const run = (params: Record<string, unknown>, faults: Record<string, unknown>, steps = 5000, numEnvs = 8) => ({
  ...relayConfig(faults, { numAgents: 4, episodeLength: 100, ...params }),
  run: { steps, numEnvs, metricsEvery: steps },
});

/** |x − p| within z standard errors of a binomial rate p over n trials (z = 3.29: 99.9%). */
const near = (x: number, p: number, n: number, z = 3.29): boolean => Math.abs(x - p) <= z * Math.sqrt((p * (1 - p)) / n);

describe('reliability', () => {
  it('is exact on independent agents: each succeeds with 1 − q and the team matches the independence prediction', () => {
    for (const seed of [1, 2]) {
      const r = reliability(run({ topology: 'parallel' }, { injections: dropouts, reliability: { criteria: forwarded } }), seed);
      const n = r.team.trials;
      expect(n).toBe(40000);
      Q.forEach((q, k) => expect(near(r.agents[`relay${k}`]!.rate, 1 - q, n)).toBe(true));
      expect(near(r.team.rate, r.independencePrediction, n)).toBe(true);
      expect(
        near(
          r.team.rate,
          Q.reduce((a, q) => a * (1 - q), 1),
          n,
        ),
      ).toBe(true);
    }
  });

  it('departs from the product of marginals when failures are dependent: a chain, and a common-cause outage', () => {
    const chain = reliability(
      run({ topology: 'chain' }, { injections: dropouts, reliability: { criteria: forwarded, team: { kpi: 'delivered', atLeast: 1 } } }),
    );
    const n = chain.team.trials;
    const product = Q.reduce((a, q) => a * (1 - q), 1);
    // An item completes the chain when no relay drops it: Π(1 − q). Marginals downstream already
    // contain the upstream failures, so their product is far too pessimistic; isolated rates are not.
    expect(near(chain.team.rate, product, n)).toBe(true);
    expect(near(chain.team.rate, chain.independencePrediction, n)).toBe(false);
    expect(chain.independencePrediction).toBeLessThan(product - 0.2);
    expect(Math.abs(chain.isolatedPrediction - product)).toBeLessThan(0.05);

    const common = reliability(
      run({ topology: 'parallel' }, { injections: [{ type: 'dropout', probability: 0.1, correlated: true }], reliability: { criteria: forwarded } }),
    );
    expect(near(common.team.rate, 0.9, common.team.trials)).toBe(true);
    expect(near(common.independencePrediction, 0.9 ** 4, common.team.trials, 6)).toBe(true);
    expect(common.team.rate - common.independencePrediction).toBeGreaterThan(0.2);
  });

  it('measures a cascade: a 5-step outage of relay0 starves relay k at offsets k … k+4', () => {
    const r = reliability({
      ...relayConfig(
        { injections: [{ type: 'dropout', agents: ['relay0'], window: { start: 10, end: 15 } }], reliability: { criteria: forwarded, cascadeHorizon: 20 } },
        { numAgents: 5, episodeLength: 50 },
      ),
      run: { steps: 200, numEnvs: 2, metricsEvery: 100 },
    });
    const src = r.cascade.sources.relay0!;
    expect(src).toMatchObject({
      onsets: 8,
      meanAffected: 4,
      meanDuration: 9,
      meanSelfFailureSteps: 5,
      quietAffected: 0,
      backgroundAffected: 0,
      excessAffected: 4,
      meanFailureSteps: 20,
      excessFailureSteps: 20,
    });
    for (let k = 1; k < 5; k++)
      expect(src.others[`relay${k}`]).toMatchObject({ affectedShare: 1, meanFailureSteps: 5, meanFirstFailure: k, quietFailureSteps: 0 });
    expect(Object.keys(r.cascade.sources)).toEqual(['relay0']);
    expect(r.cascade).toMatchObject({ onsets: 8, meanAffected: 4, excessAffected: 4 });
    // Steps: relay0 fails 5 of 50, relay k the same 5 shifted by k: 45 of 50 each.
    for (let k = 0; k < 5; k++) expect(r.agents[`relay${k}`]!.rate).toBe(0.9);
    expect(r.team.rate).toBeCloseTo(41 / 50, 12);
  });

  it('scores episodes: an episode succeeds when at least episodeShare of its steps did', () => {
    const episodes = (episodeShare: number) =>
      reliability({
        ...relayConfig(
          {
            injections: [{ type: 'dropout', agents: ['relay0'], window: { start: 10, end: 15 } }],
            reliability: { criteria: forwarded, unit: 'episode', episodeShare },
          },
          { numAgents: 3, episodeLength: 50 },
        ),
        run: { steps: 200, numEnvs: 2, metricsEvery: 100 },
      });
    const lenient = episodes(0.9);
    expect(lenient.team).toMatchObject({ rate: 1, trials: 8 });
    expect(lenient.agents.relay2).toMatchObject({ rate: 1, trials: 8 });
    const strict = episodes(0.95);
    expect(strict.team).toMatchObject({ rate: 0, trials: 8 });
    expect(strict.agents.relay0).toMatchObject({ rate: 0 });
  });
});
