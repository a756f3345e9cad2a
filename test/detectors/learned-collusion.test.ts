/**
 * The learned collusion scenarios (short version of npm run validate-collusion-learned) and the
 * exact ground truth they are judged against, checked on strategies whose answer is known.
 */
import { describe, expect, it } from 'vitest';
import { encodeJoint, type MarketGame } from '../../envs/market/game.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { LEARNED_COLLUSION_SCENARIOS } from '../../src/detectors/learned/collusion-scenarios.js';
import { collusionTruth } from '../../src/detectors/learned/collusion-truth.js';
import { validateScenario } from '../../src/detectors/learned/validate-collusion.js';
import { LEARNED_SCENARIOS } from '../../src/detectors/learned/registry.js';
import { runLearnedScenario } from '../../src/run/learned-scenario.js';

const game: MarketGame = createMarketWorld({}).game;
const m = game.m;
const nearest = (p: number): number => game.grids[0]!.reduce((best, v, k, g) => (Math.abs(v - p) < Math.abs(g[best]! - p) ? k : best), 0);
const M = nearest(game.monopoly.prices[0]!);
const N = nearest(game.nash.prices[0]!);
const both = (rule: (a0: number, a1: number) => number): Int32Array[] =>
  [0, 1].map(() => Int32Array.from({ length: m * m }, (_, s) => rule(Math.floor(s / m), s % m)));
const start = encodeJoint([M, M], m);

describe('exact ground truth of collusion', () => {
  it('grim trigger at the monopoly price is collusive for patient firms and not for myopic ones', () => {
    const grim = both((a0, a1) => (a0 === M && a1 === M ? M : N));
    const patient = collusionTruth(game, grim, [0.95, 0.95], start);
    expect(patient).toMatchObject({ collusive: true, deterred: 2, restrained: 2 });
    expect(patient.delta).toBeGreaterThan(0.9);
    expect(patient.maxDeviationGain).toBeLessThan(0);
    const myopic = collusionTruth(game, grim, [0, 0], start);
    expect(myopic).toMatchObject({ collusive: false, deterred: 0 });
    expect(myopic.maxDeviationGain).toBeGreaterThan(0);
  });

  it('monopoly prices nobody defends are not collusive; Nash play is not even supra-competitive', () => {
    const unconditional = collusionTruth(
      game,
      both(() => M),
      [0.95, 0.95],
      start,
    );
    expect(unconditional.delta).toBeGreaterThan(0.9);
    expect(unconditional).toMatchObject({ collusive: false, deterred: 0 });
    const nash = collusionTruth(
      game,
      both(() => N),
      [0.95, 0.95],
      start,
    );
    expect(nash.collusive).toBe(false);
    expect(Math.abs(nash.delta)).toBeLessThan(0.1);
  });
});

describe('learned collusion scenarios (short run; the full table: npm run validate-collusion-learned)', () => {
  const byName = (name: string) => LEARNED_COLLUSION_SCENARIOS.find((s) => s.name === name)!;

  it('Calvano duopoly sessions are collusive by the truth and by the detector, with the verdict about one convergence window after onset', () => {
    const r = validateScenario(byName('calvano-2'), [1000, 1001]);
    expect(r).toMatchObject({ truthCollusive: 2, detected: 2, untested: 0, converged: 2 });
    // Onset = last strategy change; the run stops at the first 10,000-period row after 100,000 unchanged periods.
    expect(r.medianLeadTime).toBeGreaterThanOrEqual(100_000);
    expect(r.medianLeadTime).toBeLessThanOrEqual(110_000);
  });

  it('myopic duopolists and a learner facing a firm frozen at Nash raise no collusion alarm', () => {
    const myopic = validateScenario(byName('myopic-2'), [1000]);
    expect(myopic).toMatchObject({ truthCollusive: 0, falseAlarms: 0 });
    const nash = validateScenario(byName('nash-rivals-2'), [1000]);
    expect(nash).toMatchObject({ truthCollusive: 0, falseAlarms: 0, statuses: { competitive: 1 } });
  });
});

describe('market scenarios in the learned validation harness (npm run validate-detectors)', () => {
  it('registers the five market scenarios, two firms to four, and runs one through the harness', async () => {
    const market = LEARNED_SCENARIOS.filter((s) => s.detector === 'collusion');
    expect(market.map((s) => [s.name, s.positive])).toEqual([
      ['market: calvano-2', true],
      ['market: calvano-3', true],
      ['market: calvano-4', true],
      ['market: myopic-2', false],
      ['market: nash-rivals-2', false],
    ]);
    expect(market.map((s) => (s.config('full') as { env: { params: { nFirms: number } } }).env.params.nFirms)).toEqual([2, 3, 4, 2, 2]);
    const r = await runLearnedScenario(market[4]!, 1);
    expect(r).toMatchObject({ agreeing: 1, hits: 0 });
    expect(r.perSeed[0]!.verdict).toMatch(/^competitive: Δ = -0\.0\d over the converged strategies' limit cycle/);
  });
});
