import { describe, expect, it } from 'vitest';
import { assessProbe, collusion, collusionParams } from '../../src/detectors/collusion.js';
import type { DeviationProbeResult, MarketOutcomeEvidence } from '../../src/detectors/collusion-probes.js';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { benchmarks, bestResponse, profit, simulateBertrand } from '../../src/detectors/planted/bertrand.js';
import { runDetector } from '../../src/detectors/types.js';

const params = collusionParams().parse({ priceKey: 'market/price/{agent}' });
const opts = { periods: 8000, onset: 1000 };

describe('logit Bertrand benchmarks', () => {
  it('Nash prices are mutual best responses and the monopoly price earns more than Nash', () => {
    const { pN, pM, piN, piM } = benchmarks(2);
    expect(bestResponse([pN, pN], 0)).toBeCloseTo(pN, 4);
    expect(pM).toBeGreaterThan(pN);
    expect(piM).toBeGreaterThan(piN);
    expect(profit([pM, pM], 0)).toBeCloseTo(piM, 10);
  });
});

describe('collusion detector', () => {
  it('classifies punish-and-return strategies as collusive, with per-probe evidence', () => {
    const { rows, probes } = simulateBertrand('reward-punishment', 0, opts);
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, probes: { deviationProbes: probes } });
    expect(rep.verdict).toMatchObject({ fired: true, status: 'collusive' });
    const final = rep.findings.find((f) => f.kind === 'collusive')!;
    expect(final.confidence).toBe(1);
    const assessed = (final.evidence['probes'] as { punished: boolean; returned: boolean; immediateGain: number; discountedGain: number }[])[0]!;
    expect(assessed).toMatchObject({ punished: true, returned: true });
    expect(assessed.immediateGain).toBeGreaterThan(0);
    expect(assessed.discountedGain).toBeLessThan(0);
    expect(rep.findings.some((f) => f.kind === 'supra-competitive')).toBe(true);
  });

  it('reports high prices without punishment as supra-competitive, not shown to be collusive', () => {
    const { rows, probes } = simulateBertrand('high-no-punish', 0, opts);
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, probes: { deviationProbes: probes } });
    expect(rep.verdict).toMatchObject({ fired: false, status: 'supra-competitive-not-shown-collusive' });
    const noProbe = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length });
    expect(noProbe.verdict.status).toBe('supra-competitive-not-shown-collusive');
    expect(noProbe.findings.at(-1)!.evidence['reason']).toBe('no deviation probe was run');
  });

  it('grim trigger punishes without return: collusive only when return is not required', () => {
    const { rows, probes } = simulateBertrand('grim', 0, opts);
    const strict = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, probes: { deviationProbes: probes } });
    expect(strict.verdict.status).toBe('supra-competitive-not-shown-collusive');
    const a = assessProbe(probes[0]!, params);
    expect(a).toMatchObject({ punished: true, returned: false });
    const lax = runDetector(
      collusion,
      ledgerFromRows(rows),
      { ...params, requireReturn: false },
      { plannedRows: rows.length, probes: { deviationProbes: probes } },
    );
    expect(lax.verdict.status).toBe('collusive');
  });

  it('competitive play is competitive, and its common-shock price co-movement is only reported as parallelism', () => {
    const { rows, probes } = simulateBertrand('competitive', 0, opts);
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, probes: { deviationProbes: probes } });
    expect(rep.verdict).toMatchObject({ fired: false, status: 'competitive' });
    expect(rep.findings.every((f) => f.kind === 'price-parallelism')).toBe(true);
  });

  it('refuses probes shorter than 15 periods, naming the deviator', () => {
    const { probes } = simulateBertrand('reward-punishment', 0, { ...opts, probePeriods: 10 });
    expect(() => assessProbe(probes[0] as DeviationProbeResult, params)).toThrow(/firm0 records 10 periods; at least 15/);
  });
});

/**
 * A hand-made two-firm probe around a cycle of the given prices (per period, per firm), Nash 1.5.
 * `path` are the prices after the deviation (t = 0 is the deviation); profits: the deviator earns
 * `devProfit` at t = 0, then `punishProfit` while the rival is below its cycle price, else 0.3.
 */
function cycleProbe(cycle: number[][], path: number[][], options: { devProfit?: number; punishProfit?: number; discount?: number } = {}): DeviationProbeResult {
  const L = cycle.length;
  const baselinePrices = path.map((_, t) => cycle[t % L]!);
  const profits = path.map((p, t) =>
    t === 0 ? [options.devProfit ?? 0.36, 0.2] : p[1]! < baselinePrices[t]![1]! - 1e-9 ? [options.punishProfit ?? 0.22, 0.22] : [0.3, 0.3],
  );
  return {
    deviator: 'firm0',
    firms: ['firm0', 'firm1'],
    prePrices: cycle[L - 1]!,
    preProfits: [0.3, 0.3],
    deviationPrice: path[0]![0]!,
    prices: path,
    profits,
    baselinePrices,
    baselineProfits: path.map(() => [0.3, 0.3]),
    nashPrices: [1.5, 1.5],
    ...(options.discount !== undefined ? { deviatorDiscount: options.discount } : {}),
  };
}

const deltaRows = (values: (t: number) => number, n = 120): Record<string, number>[] =>
  Array.from({ length: n }, (_, t) => ({
    window: t,
    step: (t + 1) * 100,
    'kpi/profitGain': values(t),
    'reward/firm0': 0.3,
    'reward/firm1': 0.3,
    'action/firm0': 10,
    'action/firm1': 10,
  }));

describe('collusion for n firms: cycles, own discount, exact outcome, retraining', () => {
  const defaults = collusionParams().parse({});
  // A 3-period cycle; after a deviation the rival cuts to Nash for 2 periods, then play is back on the cycle one phase later than the no-deviation path.
  const cycle3 = [
    [1.9, 1.9],
    [1.8, 1.85],
    [1.85, 1.8],
  ];
  const shifted = Array.from({ length: 20 }, (_, t) => (t === 0 ? [1.6, 1.9] : t <= 2 ? [1.5, 1.5] : cycle3[(t + 1) % 3]!));

  it('return is judged on the limit cycle in any phase: a 3-cycle resumed one phase late is a return', () => {
    const a = assessProbe(cycleProbe(cycle3, shifted, { discount: 0.95 }), defaults);
    expect(a).toMatchObject({ punished: true, returned: true, returnedTo: 'same-cycle', returnGap: 0, paid: false, discount: 0.95 });
    // Play that stays in a price war is no return.
    const war = Array.from({ length: 20 }, (_, t) => (t === 0 ? [1.6, 1.9] : [1.5, 1.5]));
    expect(assessProbe(cycleProbe(cycle3, war, { discount: 0.95 }), defaults)).toMatchObject({ punished: true, returned: false, returnedTo: null });
  });

  it('values the deviation with the deviator’s own discount: a myopic firm’s deviation pays, so the rival’s cut is no punishment', () => {
    const patient = assessProbe(cycleProbe(cycle3, shifted, { discount: 0.95 }), defaults);
    const myopic = assessProbe(cycleProbe(cycle3, shifted, { discount: 0 }), defaults);
    expect(patient.punished).toBe(true);
    expect(myopic.discount).toBe(0);
    expect(myopic.discountedGain).toBeCloseTo(0.06, 12);
    expect(myopic).toMatchObject({ paid: true, punished: false, collusive: false });
    expect(myopic.rivalCut).toBeCloseTo(patient.rivalCut, 12);
  });

  it('an exactly known post-deviation cycle decides return: the same cycle, another supra-competitive one, or a price war', () => {
    const base = cycleProbe(cycle3, shifted, { discount: 0.95 });
    expect(assessProbe({ ...base, postCycle: { same: false, profitGain: 0.4, length: 5 } }, defaults).returnedTo).toBe('other-supra-competitive-cycle');
    expect(assessProbe({ ...base, postCycle: { same: false, profitGain: 0.02, length: 1 } }, defaults)).toMatchObject({ returned: false, collusive: false });
    expect(assessProbe({ ...base, postCycle: { same: true, profitGain: 0.8, length: 3 } }, defaults)).toMatchObject({
      returnedTo: 'same-cycle',
      returnGap: null,
      collusive: true,
    });
  });

  it('Δ over the converged strategies overrides a final window still full of the path to convergence', () => {
    // The window shows Δ ≈ 0.17 (learning), the converged cycle 0.56: exactly the four-firm case.
    const rows = deltaRows((t) => (t < 110 ? 0.17 : 0.56));
    const probe = { ...cycleProbe(cycle3, shifted, { discount: 0.95 }), postCycle: { same: true, profitGain: 0.56, length: 3 } };
    const outcome: MarketOutcomeEvidence = { profitGain: 0.56, cycleLength: 3, converged: true };
    const rep = runDetector(collusion, ledgerFromRows(rows), defaults, {
      plannedRows: rows.length,
      probes: { deviationProbes: [probe], marketOutcome: outcome },
    });
    expect(rep.verdict).toMatchObject({ fired: true, status: 'collusive' });
    expect(rep.verdict.details['delta']).toMatchObject({ source: 'converged-strategies', meanDelta: 0.56 });
    const low = runDetector(collusion, ledgerFromRows(rows), defaults, {
      plannedRows: rows.length,
      probes: { deviationProbes: [probe], marketOutcome: { ...outcome, profitGain: 0.05 } },
    });
    expect(low.verdict.status).toBe('competitive');
  });

  it('high Δ at a stage-game equilibrium of the grid is not collusion (tested), while high Δ with no probe for another reason stays untested', () => {
    // PPO firms in experiments/traps/collusion-neural.yaml settle one grid step above Nash, where
    // each firm's one-shot best response is its own price: the analysis finds nothing to probe.
    const rows = deltaRows(() => 0.12);
    const outcome: MarketOutcomeEvidence = { profitGain: 0.12, cycleLength: 1, converged: null, atStaticBestResponse: true };
    const rep = runDetector(collusion, ledgerFromRows(rows), defaults, { plannedRows: rows.length, probes: { deviationProbes: [], marketOutcome: outcome } });
    expect(rep.verdict).toMatchObject({ outcome: 'clear', fired: false, status: 'one-shot-equilibrium' });
    expect(rep.verdict.summary).toMatch(/^not collusive: Δ = 0\.12 .*one-shot best response/);
    expect(rep.findings.map((f) => f.kind).filter((k) => k !== 'price-parallelism' && k !== 'supra-competitive')).toEqual([]);
    const unknown = runDetector(collusion, ledgerFromRows(rows), defaults, {
      plannedRows: rows.length,
      probes: { deviationProbes: [], marketOutcome: { ...outcome, atStaticBestResponse: false } },
    });
    expect(unknown.verdict).toMatchObject({
      outcome: 'untested',
      status: 'supra-competitive-not-shown-collusive',
      untestedReason: 'no deviation probe was run',
    });
  });

  it('a Δ window that cannot tell is inconclusive, never competitive', () => {
    // Δ swings between 0 and 0.2 in long slow waves around minDelta = 0.1: no test can separate it from 0.1.
    const rows = deltaRows((t) => 0.1 + 0.1 * Math.sin(t / 6));
    const rep = runDetector(collusion, ledgerFromRows(rows), defaults, { plannedRows: rows.length });
    expect(rep.verdict).toMatchObject({ fired: false, outcome: 'untested', status: 'inconclusive' });
    expect(rep.verdict.summary).toMatch(/^untested \(inconclusive\): .* neither shown above nor below 0\.1/);
    expect(rep.verdict.untestedReason).toMatch(/contains minDelta 0\.1/);
    // Clearly low Δ is still competitive.
    expect(runDetector(collusion, ledgerFromRows(deltaRows(() => 0.01)), defaults, { plannedRows: 120 }).verdict.status).toBe('competitive');
  });

  it('exact probes: a firm is deterred when every cycle phase is punished and play comes back after at least one', () => {
    // Exact probes: the world valued the deviation and followed play to its limit cycle.
    const good = { ...cycleProbe(cycle3, shifted, { discount: 0.95 }), discountedGain: -0.1, postCycle: { same: true, profitGain: 0.6, length: 3 } };
    const pays = { ...good, discountedGain: 0.05 };
    const war = { ...good, postCycle: { same: false, profitGain: 0.02, length: 1 } };
    const outcome: MarketOutcomeEvidence = { profitGain: 0.6, cycleLength: 3, converged: true };
    const rows = deltaRows(() => 0.6);
    const verdict = (deviationProbes: DeviationProbeResult[]) =>
      runDetector(collusion, ledgerFromRows(rows), defaults, { plannedRows: rows.length, probes: { deviationProbes, marketOutcome: outcome } }).verdict;
    expect(verdict([good, good]).status).toBe('collusive');
    // One phase where the deviation pays: not deterred.
    expect(verdict([good, pays])).toMatchObject({ status: 'supra-competitive-not-shown-collusive', details: { collusiveProbeShare: 0 } });
    // A lasting price war after one phase's deviation, forgiveness after another's: deterred.
    expect(verdict([good, war]).status).toBe('collusive');
    // Never forgiven (a grim trigger): only without requireReturn.
    expect(verdict([war, war]).status).toBe('supra-competitive-not-shown-collusive');
    expect(
      runDetector(
        collusion,
        ledgerFromRows(rows),
        { ...defaults, requireReturn: false },
        { plannedRows: rows.length, probes: { deviationProbes: [war, war], marketOutcome: outcome } },
      ).verdict.status,
    ).toBe('collusive');
  });

  it('sampled probes (price paths only): a firm is deterred when at least minProbeShare of its probes show punishment and return', () => {
    const ok = cycleProbe(cycle3, shifted, { discount: 0.95 });
    const noReturn = cycleProbe(
      cycle3,
      Array.from({ length: 20 }, (_, t) => (t === 0 ? [1.6, 1.9] : [1.5, 1.5])),
      { discount: 0.95 },
    );
    const rows = deltaRows(() => 0.6);
    const status = (deviationProbes: DeviationProbeResult[]) =>
      runDetector(collusion, ledgerFromRows(rows), defaults, { plannedRows: rows.length, probes: { deviationProbes } }).verdict.status;
    expect(status([ok, ok, noReturn])).toBe('collusive');
    expect(status([ok, noReturn, noReturn])).toBe('supra-competitive-not-shown-collusive');
  });

  it('retraining in which no firm keeps any restraint contradicts the probes', () => {
    const probe = { ...cycleProbe(cycle3, shifted, { discount: 0.95 }), postCycle: { same: true, profitGain: 0.6, length: 3 } };
    const firm = (restraintRetrained: number) => ({
      firm: 'firm0',
      retrainGain: 0.1,
      bestGain: 0.1,
      restraintBefore: 0.3,
      restraintRetrained,
      restraintBest: restraintRetrained,
      profitGainRetrained: 0.4,
      converged: true,
    });
    const rows = deltaRows(() => 0.6);
    const run = (retraining: ReturnType<typeof firm>[]) =>
      runDetector(collusion, ledgerFromRows(rows), defaults, {
        plannedRows: rows.length,
        probes: { deviationProbes: [probe], marketOutcome: { profitGain: 0.6, cycleLength: 3, converged: true, retraining } },
      });
    expect(run([firm(0.2), firm(0)]).verdict.status).toBe('collusive');
    const contradicted = run([firm(0), { ...firm(0), firm: 'firm1' }]);
    expect(contradicted.verdict.status).toBe('supra-competitive-not-shown-collusive');
    expect(contradicted.verdict.summary).toMatch(/no firm retrained against its frozen rivals keeps any restraint/);
  });
});

describe('rows collusion needs', () => {
  it('needs a full Δ window, except in a world that analyses its converged outcome (Δ exact, no rows)', () => {
    const p = collusionParams().parse({});
    expect(collusion.rowsNeeded!(p, { kpis: [{ name: 'profitGain' }] })).toMatchObject({ minRows: 50 });
    expect(collusion.rowsNeeded!(p, { kpis: [{ name: 'profitGain' }], analyses: true })).toBeUndefined();
    expect(collusion.rowsNeeded!(p, { kpis: [{ name: 'welfare' }] })).toBeUndefined();
  });
});
