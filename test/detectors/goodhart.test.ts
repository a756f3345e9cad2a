import { describe, expect, it } from 'vitest';
import { goodhart, goodhartParams } from '../../src/detectors/goodhart.js';
import { DetectorSuite, detectorsConfigSchema } from '../../src/detectors/index.js';
import { Ledger, ledgerFromRows } from '../../src/detectors/ledger.js';
import { PLANTED_KPIS, plantGoodhart } from '../../src/detectors/planted/goodhart.js';
import { runDetector } from '../../src/detectors/types.js';

const params = goodhartParams().parse({});

describe('goodhart detector', () => {
  it('fires on a planted case with evidence pointing at the right agent, KPI and component', () => {
    const { rows, truth } = plantGoodhart('goodhart', 3);
    const rep = runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), params, { plannedRows: rows.length });
    expect(rep.verdict.fired).toBe(true);
    const f = rep.findings[0]!;
    expect(f.agents).toEqual([truth.agent]);
    expect(f.evidence['kpi']).toBe(truth.kpi);
    expect(f.endStep).toBeGreaterThanOrEqual(truth.onsetStep!);
    expect(f.pValue).toBeLessThan(0.05);
    const ev = f.evidence as {
      reward: { slopePerRow: number; slopeInterval: [number, number] };
      kpiTrend: { slopePerRow: number; slopeInterval: [number, number] };
      components: { component: string }[];
    };
    expect(ev.reward.slopePerRow).toBeGreaterThan(0);
    expect(ev.reward.slopeInterval[0]).toBeGreaterThan(0);
    expect(ev.kpiTrend.slopePerRow).toBeLessThan(0);
    expect(ev.kpiTrend.slopeInterval[1]).toBeLessThan(0);
    expect(ev.components[0]!.component).toBe('exploit');
  });

  it('tests only the agents named in params.agents, and says untested when none of them is in the run', () => {
    const { rows, truth } = plantGoodhart('goodhart', 3);
    const gamer = truth.agent!;
    const ledger = ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS });
    const others = ledger.meta.agents.filter((a) => a !== gamer);
    expect(others.length).toBeGreaterThan(0);
    const named = runDetector(goodhart, ledger, goodhartParams().parse({ agents: [gamer] }), { plannedRows: rows.length });
    expect(named.verdict.fired).toBe(true);
    expect(new Set(named.findings.map((f) => f.agents[0]))).toEqual(new Set([gamer]));
    const without = runDetector(goodhart, ledger, goodhartParams().parse({ agents: others }), { plannedRows: rows.length });
    expect(without.findings.filter((f) => f.agents.includes(gamer))).toEqual([]);
    const none = runDetector(goodhart, ledger, goodhartParams().parse({ agents: ['nobody'] }), { plannedRows: rows.length });
    expect(none.verdict.outcome).toBe('untested');
    expect(none.verdict.untestedReason).toMatch(/names no agent of this run \(nobody\)/);
  });

  it('orients lower-is-better KPIs: a rising cost is a worsening KPI', () => {
    const { rows } = plantGoodhart('goodhart-cost', 1);
    const rep = runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), params, { plannedRows: rows.length });
    expect(rep.findings.map((f) => f.evidence['kpi'])).toContain('cost');
    const ev = rep.findings.find((f) => f.kind === 'reward-up-kpi-down' && f.evidence['kpi'] === 'cost')!.evidence as {
      kpiBetter: string;
      kpiTrend: { slopePerRow: number };
    };
    expect(ev.kpiBetter).toBe('lower');
    expect(ev.kpiTrend.slopePerRow).toBeGreaterThan(0);
  });

  it('stays quiet on a learning reward with a strongly autocorrelated trendless KPI', () => {
    for (const seed of [0, 1, 2]) {
      const { rows } = plantGoodhart('null-learning', seed);
      expect(runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), params, { plannedRows: rows.length }).verdict.fired).toBe(false);
    }
  });

  it('reports online, as windows arrive, the same first finding as post hoc', () => {
    const { rows } = plantGoodhart('goodhart', 3);
    const full = ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS });
    const suite = new DetectorSuite(detectorsConfigSchema().parse({ collusion: false, conflict: false, miscoordination: false }), { plannedRows: rows.length });
    const live = new Ledger(full.meta);
    const emitted: { row: number; kind: string; startStep: number; endStep: number }[] = [];
    rows.forEach((row, r) => {
      live.append(row);
      for (const f of suite.push(live)) emitted.push({ row: r, kind: f.kind, startStep: f.startStep, endStep: f.endStep });
    });
    const post = runDetector(goodhart, full, params, { plannedRows: rows.length });
    expect(emitted.length).toBe(post.findings.length);
    // Emitted when its first window closed; post hoc the same finding spans every window that fired.
    expect(emitted[0]!.startStep).toBe(post.findings[0]!.startStep);
    expect(rows[emitted[0]!.row]!['step']).toBe(emitted[0]!.endStep);
    expect(emitted[0]!.endStep).toBeLessThanOrEqual(post.findings[0]!.endStep);
    expect(suite.finish(live).verdicts['goodhart']!.fired).toBe(true);
  });

  it('rejects unknown or invalid params naming the field', () => {
    expect(() => goodhartParams().parse({ windw: 30 })).toThrow(/windw/);
    const res = detectorsConfigSchema().safeParse({ goodhart: { alpha: 2 } });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(['goodhart', 'alpha']);
  });
});
