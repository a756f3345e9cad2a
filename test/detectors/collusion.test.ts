import { describe, expect, it } from 'vitest';
import { assessProbe, collusion, collusionParams, type DeviationProbeResult } from '../../src/detectors/collusion.js';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { benchmarks, bestResponse, profit, simulateBertrand } from '../../src/detectors/planted/bertrand.js';
import { runDetector } from '../../src/detectors/types.js';

const params = collusionParams.parse({ priceKey: 'market/price/{agent}' });
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
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, deviationProbes: probes });
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
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, deviationProbes: probes });
    expect(rep.verdict).toMatchObject({ fired: false, status: 'supra-competitive-not-shown-collusive' });
    const noProbe = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length });
    expect(noProbe.verdict.status).toBe('supra-competitive-not-shown-collusive');
    expect(noProbe.findings.at(-1)!.evidence['reason']).toBe('no deviation probe was run');
  });

  it('grim trigger punishes without return: collusive only when return is not required', () => {
    const { rows, probes } = simulateBertrand('grim', 0, opts);
    const strict = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, deviationProbes: probes });
    expect(strict.verdict.status).toBe('supra-competitive-not-shown-collusive');
    const a = assessProbe(probes[0]!, params);
    expect(a).toMatchObject({ punished: true, returned: false });
    const lax = runDetector(collusion, ledgerFromRows(rows), { ...params, requireReturn: false }, { plannedRows: rows.length, deviationProbes: probes });
    expect(lax.verdict.status).toBe('collusive');
  });

  it('competitive play is competitive, and its common-shock price co-movement is only reported as parallelism', () => {
    const { rows, probes } = simulateBertrand('competitive', 0, opts);
    const rep = runDetector(collusion, ledgerFromRows(rows), params, { plannedRows: rows.length, deviationProbes: probes });
    expect(rep.verdict).toMatchObject({ fired: false, status: 'competitive' });
    expect(rep.findings.every((f) => f.kind === 'price-parallelism')).toBe(true);
  });

  it('refuses probes shorter than 15 periods, naming the deviator', () => {
    const { probes } = simulateBertrand('reward-punishment', 0, { ...opts, probePeriods: 10 });
    expect(() => assessProbe(probes[0] as DeviationProbeResult, params)).toThrow(/firm0 records 10 periods; at least 15/);
  });
});
