/**
 * A short Calvano validation (the long one is `npm run validate-calvano`): faster exploration decay
 * so sessions converge in a few hundred thousand periods, a handful of sessions over two worker
 * threads, and the paper's qualitative findings: supra-competitive prices with patient learners,
 * near-competitive ones with myopic learners, deviations punished and unprofitable.
 */
import { describe, expect, it } from 'vitest';
import { runSessions } from '../../envs/market/calvano/pool.js';
import { estimate, summariseSessions } from '../../envs/market/calvano/stats.js';
import { studentTQuantile } from '../../src/stats/distributions.js';

describe('across-session statistics', () => {
  it('uses Student-t quantiles (reference values from standard tables)', () => {
    const t975 = (df: number): number => studentTQuantile(0.975, df);
    expect(t975(1)).toBeCloseTo(12.706, 3);
    expect(t975(5)).toBeCloseTo(2.5706, 3);
    expect(t975(10)).toBeCloseTo(2.2281, 4);
    expect(t975(30)).toBeCloseTo(2.0423, 4);
    expect(t975(99)).toBeCloseTo(1.9842, 4);
    const e = estimate([1, 2, 3, 4]);
    expect(e.mean).toBe(2.5);
    expect(e.sd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(e.ciHigh - e.mean).toBeCloseTo((3.18244631 * Math.sqrt(5 / 3)) / 2, 6);
    expect(e.mean - e.ciLow).toBeCloseTo((3.18244631 * Math.sqrt(5 / 3)) / 2, 6);
    expect(estimate([7])).toEqual({ mean: 7, sd: NaN, ciLow: NaN, ciHigh: NaN, n: 1 });
  });
});

describe('multi-session runs', () => {
  it('give the same results on worker threads as inline, in seed order', async () => {
    const spec = { env: { priceGridSize: 5 }, learner: { explorationDecay: 1e-3, convergenceWindow: 1000 } };
    const seeds = [4, 1, 2];
    const inline = await runSessions(spec, seeds, { workers: 0 });
    const threaded = await runSessions(spec, seeds, { workers: 2 });
    expect(threaded.map((r) => r.seed)).toEqual(seeds);
    expect(threaded).toEqual(inline);
  });

  it('reproduce the paper qualitatively: collusion with δ = 0.95, competition with δ = 0, punished deviations', async () => {
    const learner = { explorationDecay: 2e-5, convergenceWindow: 20_000 };
    const seeds = Array.from({ length: 8 }, (_, i) => i);
    const patient = summariseSessions(await runSessions({ learner }, seeds, { workers: 2 }));
    const myopic = summariseSessions(await runSessions({ learner: { ...learner, discount: 0 } }, seeds, { workers: 2 }));
    expect(patient.shareConverged).toBe(1);
    expect(myopic.shareConverged).toBe(1);
    expect(patient.profitGain.mean).toBeGreaterThan(0.6);
    expect(myopic.profitGain.mean).toBeLessThan(0.45);
    expect(patient.profitGain.mean - myopic.profitGain.mean).toBeGreaterThan(0.3);
    const ir = patient.impulseResponse;
    expect(ir.prices.length).toBeGreaterThanOrEqual(16);
    expect(ir.sharePunished).toBeGreaterThanOrEqual(0.6);
    expect(ir.shareReturned).toBeGreaterThanOrEqual(0.75);
    expect(ir.shareDeviationPaid).toBeLessThanOrEqual(0.25);
    // The deviator undercuts at t = 0; on average the rival's price is lower at t = 1 than before.
    expect(ir.prices[0]![0]).toBeLessThan(ir.preDeviationPrices[0]!);
    expect(ir.prices[1]![1]).toBeLessThan(ir.preDeviationPrices[1]!);
  });
});
