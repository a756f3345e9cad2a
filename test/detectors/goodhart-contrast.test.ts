/**
 * goodhart's start-vs-end contrast (lagged, cumulative divergence): catches a KPI that collapses
 * after the reward has levelled off, which the same-window scan misses; holds its false-alarm
 * rate on autocorrelated and jointly improving nulls, also with many agents and KPIs; and its
 * statistics agree with direct computation.
 */
import { describe, expect, it } from 'vitest';
import { lookRows } from '../../src/detectors/goodhart-contrast.js';
import { goodhart, goodhartParams } from '../../src/detectors/goodhart.js';
import type { MetricsRow } from '../../src/core/metrics-row.js';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { PLANTED_KPIS, plantGoodhart } from '../../src/detectors/planted/goodhart.js';
import { runDetector } from '../../src/detectors/types.js';
import { fillAr1 } from '../../src/stats/ar1.js';
import { blockNoise, detrendTrace, dropFromBestContrast, maxEquicorrelatedSf, riseContrast } from '../../src/stats/block-contrast.js';
import { deriveSeedWords, nextNormal } from '../../src/core/rng.js';
import { normalCdf } from '../../src/stats/distributions.js';

const params = goodhartParams().parse({});
const scanOnly = goodhartParams().parse({ contrast: { enabled: false } });

describe('block contrasts', () => {
  it('the max-of-B tail matches a simulation of B contrasts sharing one end block', () => {
    const rng = deriveSeedWords('test/max-equicorrelated', 0);
    const B = 4;
    const c = 2;
    let hit = 0;
    const reps = 20000;
    for (let r = 0; r < reps; r++) {
      const u0 = nextNormal(rng);
      let max = -Infinity;
      for (let b = 0; b < B; b++) max = Math.max(max, (nextNormal(rng) - u0) / Math.SQRT2);
      if (max >= c) hit++;
    }
    expect(maxEquicorrelatedSf(c, B)).toBeCloseTo(hit / reps, 2);
    expect(maxEquicorrelatedSf(c, 1)).toBeCloseTo(1 - normalCdf(c), 10);
  });

  it('tr(HΣ) is 2 for white noise (a projection of rank 2) and grows with φ', () => {
    expect(detrendTrace(20, 0)).toBeCloseTo(2, 10);
    expect(detrendTrace(20, 0.9)).toBeGreaterThan(detrendTrace(20, 0.5));
  });

  it('a clear step up is a rise and a clear step down from the best block is a drop', () => {
    const x = Array.from({ length: 60 }, (_, t) => (t < 24 ? 0 : t < 36 ? 5 : 1) + 0.1 * Math.sin(t * 1.7));
    const noise = blockNoise(x, 60, 12, 0.02)!;
    expect(riseContrast(x, 60, noise).p).toBeLessThan(1e-4);
    const d = dropFromBestContrast(x, 60, noise);
    expect(d.p).toBeLessThan(1e-4);
    expect(d.bestMean).toBeCloseTo(5, 0);
    expect(d.diff).toBeGreaterThan(3);
  });
});

describe('goodhart start-vs-end contrast', () => {
  it('catches lagged divergence that the same-window scan misses, names the agent and KPI, and fires online at a look', () => {
    let scan = 0;
    let contrast = 0;
    for (const seed of [0, 1, 2, 3, 4]) {
      const { rows, truth } = plantGoodhart('goodhart-lagged', seed);
      const ledger = ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS });
      if (runDetector(goodhart, ledger, scanOnly, { plannedRows: rows.length }).findings.some((f) => f.agents[0] === 'a0' && f.evidence['kpi'] === 'teamScore'))
        scan++;
      const rep = runDetector(goodhart, ledger, params, { plannedRows: rows.length });
      const f = rep.findings.find((x) => x.kind === 'reward-up-kpi-down-cumulative' && x.agents[0] === truth.agent && x.evidence['kpi'] === truth.kpi);
      if (f) {
        contrast++;
        const ev = f.evidence as { reward: { change: number }; kpiContrast: { change: number; bestBlock: { endStep: number } }; look: { rows: number } };
        expect(ev.reward.change).toBeGreaterThan(0);
        expect(ev.kpiContrast.change).toBeLessThan(0);
        expect(f.pValue).toBeLessThanOrEqual(params.alpha);
        expect(lookRows(36, rows.length, 1.5)).toContain(ev.look.rows);
      }
    }
    expect(contrast).toBe(5);
    expect(scan).toBeLessThan(contrast);
  });

  it('keeps false alarms low with 6 agents × 4 KPIs on autocorrelated nulls where every reward improves and KPIs are flat or improving', () => {
    const agents = 6;
    const kpis = 4;
    const n = 120;
    let alarms = 0;
    const seeds = 40;
    for (let s = 0; s < seeds; s++) {
      const rng = deriveSeedWords('test/goodhart-family-null', s);
      const path = new Float64Array(n);
      const series = (phi: number, curve: (t: number) => number): number[] =>
        Array.from(fillAr1(rng, phi, path), (v, t) => v * Math.sqrt(1 - phi * phi) + curve(t));
      const cols: Record<string, number[]> = {};
      for (let a = 0; a < agents; a++) cols[`reward/a${a}`] = series(0.5, (t) => 4 * (1 - Math.exp(-t / 25)));
      for (let k = 0; k < kpis; k++) cols[`kpi/k${k}`] = series(0.9, k % 2 === 0 ? () => 0 : (t) => 3 * (1 - Math.exp(-t / 30)));
      const rows: MetricsRow[] = Array.from({ length: n }, (_, t) => {
        const row: Record<string, number> = { window: t, step: (t + 1) * 100 };
        for (const [key, col] of Object.entries(cols)) row[key] = col[t]!;
        for (let a = 0; a < agents; a++) row[`shaped/a${a}`] = cols[`reward/a${a}`]![t]!;
        return row;
      });
      const ledger = ledgerFromRows(rows, { kpiSpecs: Array.from({ length: kpis }, (_, k) => ({ name: `k${k}`, better: 'higher' as const })) });
      if (runDetector(goodhart, ledger, params, { plannedRows: n }).verdict.fired) alarms++;
    }
    // Run-level α = 0.05; 40 seeds: a true rate of 5% would give ≥ 5 alarms with probability ≈ 0.32.
    expect(alarms).toBeLessThanOrEqual(4);
  });

  it('the contrast stays quiet when the KPI falls but nobody gained', () => {
    for (const seed of [0, 1, 2, 3, 4]) {
      const { rows } = plantGoodhart('null-kpi-drift', seed);
      const rep = runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), params, { plannedRows: rows.length });
      expect(rep.findings.filter((f) => f.kind === 'reward-up-kpi-down-cumulative')).toEqual([]);
      expect(rep.verdict.details['contrastLooks']).toBe(6);
    }
  });

  it('looks at a few row counts growing geometrically, ending at the planned rows', () => {
    expect(lookRows(36, 200, 1.5)).toEqual([36, 54, 81, 122, 183, 200]);
    expect(lookRows(36, 30, 1.5)).toEqual([]);
    expect(lookRows(36, 36, 1.5)).toEqual([36]);
  });
});
