/**
 * Policy-swap attribution against an exact answer: in externality-v1 (a0's units pay it
 * unitGain·successProb each and cost a1 `harm` each), a0 extracting 2 units instead of 0 gains
 * 2·0.7 = 1.4 per step and changes welfare by 1.4 − 2·1.5 = −1.6 per step.
 */
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { readConfigFile } from '../../src/config/load.js';
import { Rng } from '../../src/core/rng.js';
import { attachAttribution, attributionLine, swapAttribution } from '../../src/detectors/attribution.js';
import { testedVerdict, type Finding } from '../../src/detectors/types.js';

function setup(action: number): {
  resolved: ReturnType<typeof resolveExperiment>;
  policies: ReturnType<ReturnType<typeof resolveExperiment>['assignments'][number]['policy']['create']>[];
} {
  const raw = readConfigFile('experiments/externality-goodhart.yaml') as { agents: Record<string, unknown>[] };
  const resolved = resolveExperiment({ ...raw, agents: [{ ...raw.agents[0], policy: { type: 'constant', params: { action } } }, raw.agents[1]] });
  const world = resolved.makeWorld();
  const policies = resolved.assignments.map((a) =>
    a.policy.create(
      {
        world,
        agent: a.agent,
        observationSpace: world.observationSpaces[a.agent.index]!,
        actionSpace: world.actionSpaces[a.agent.index]!,
        numEnvs: 16,
        rng: Rng.from(0, 'policy', a.agent.id),
        shared: new Map(),
      },
      a.policyParams,
    ),
  );
  return { resolved, policies };
}

describe('policy-swap attribution', () => {
  it('recovers the exact own gain and team cost of extracting 2 units instead of 0, with intervals that cover them', () => {
    const { resolved, policies } = setup(2);
    const a = swapAttribution(resolved, policies, 0, { type: 'constant', params: { action: 0 } }, 16, { seed: 3, steps: 200 });
    expect(a.agent).toBe('a0');
    expect(a.ownReward.ciLow).toBeLessThan(1.4);
    expect(a.ownReward.ciHigh).toBeGreaterThan(1.4);
    expect(a.ownReward.diff).toBeCloseTo(1.4, 1);
    const w = a.kpis['welfare']!;
    expect(w.ciLow).toBeLessThan(-1.6);
    expect(w.ciHigh).toBeGreaterThan(-1.6);
    expect(w.teamCost).toBeCloseTo(1.6, 1);
    expect(w.teamCostInterval[0]).toBeLessThan(1.6);
    expect(a.copies).toBe(16);
    expect(attributionLine(a, 'welfare')).toMatch(
      /^a0's learned policy: own reward \+1\.\d+ \[\+1\.\d+, \+1\.\d+\], welfare -1\.\d+ .*team cost \+1\.\d+.* per step vs a constant policy/,
    );
  });

  it('finds no effect when the reference plays the same policy, and is deterministic', () => {
    const { resolved, policies } = setup(1);
    const a = swapAttribution(resolved, policies, 0, { type: 'constant', params: { action: 1 } }, 16, { seed: 1, steps: 100 });
    expect(a.ownReward.diff).toBe(0);
    expect(a.kpis['welfare']!.diff).toBe(0);
    const b = swapAttribution(resolved, policies, 0, { type: 'constant', params: { action: 1 } }, 16, { seed: 1, steps: 100 });
    expect(b).toEqual(a);
  });

  it('attaches to the flagged agent’s goodhart findings and to the verdict line', () => {
    const { resolved, policies } = setup(2);
    const a = swapAttribution(resolved, policies, 0, { type: 'constant', params: { action: 0 } }, 8, { seed: 0, steps: 50 });
    const f: Finding = {
      type: 'finding',
      detector: 'goodhart',
      kind: 'reward-up-kpi-down',
      agents: ['a0'],
      startStep: 0,
      endStep: 1,
      score: 1,
      evidence: { kpi: 'welfare' },
    };
    const other: Finding = { ...f, detector: 'conflict', kind: 'harms', agents: ['a0', 'a1'] };
    const out = attachAttribution([f, other], { goodhart: testedVerdict(true, 'reward-up-kpi-down', 'a0: reward rose', {}) }, [a]);
    expect((out.detections[0]!.evidence['attribution'] as { line: string }).line).toMatch(/welfare/);
    expect(out.detections[1]!.evidence['attribution']).toBeUndefined();
    expect(out.verdicts['goodhart']!.summary).toMatch(/; swap: a0's learned policy: own reward \+/);
  });
});
