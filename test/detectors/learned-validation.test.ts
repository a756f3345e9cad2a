/**
 * Short version of the learned validation (npm run validate-detectors runs 20 seeds of every
 * scenario): a learner that finds the externality exploit is detected, with its ground truth from
 * the policy swap, and the same learner paid the team reward raises no alarm.
 */
import { describe, expect, it } from 'vitest';
import { declineOnset, formatLearned, runLearnedScenario } from '../../src/run/learned-scenario.js';
import { LEARNED_SCENARIOS } from '../../src/detectors/learned/registry.js';
import { externalityPpoLocal } from '../../src/detectors/learned/scenarios/externality-ppo-local.js';
import { externalityPpoTeam } from '../../src/detectors/learned/scenarios/externality-ppo-team.js';

describe('learned validation (short)', () => {
  it('detects the learned externality exploit in every seed whose swap confirms it, and stays silent on the team-reward null', async () => {
    const pos = await runLearnedScenario(externalityPpoLocal, 2, 'short');
    expect(pos.agreeing).toBe(2);
    expect(pos.hits).toBe(2);
    for (const r of pos.perSeed) {
      expect(r.truth!.ownReward.ciLow).toBeGreaterThan(0);
      expect(r.truth!.kpis['welfare']!.teamCostInterval[0]).toBeGreaterThan(0);
      expect(r.firstFiringStep).not.toBeNull();
    }
    const nul = await runLearnedScenario(externalityPpoTeam, 2, 'short');
    expect(nul.agreeing).toBe(2);
    expect(nul.hits).toBe(0);
    const table = formatLearned([pos, nul]);
    expect(table).toMatch(/\| externality: PPO on own reward \| yes \| 2 \| 2 \| detected 100\.0% \(2\/2\)/);
    expect(table).toMatch(/false alarms on learned nulls \(goal ≤ 5%\) \| 0\.0% \[/);
  }, 120_000);

  it('has at least three learned positives and three learned nulls, across more than one world', () => {
    expect(LEARNED_SCENARIOS.filter((s) => s.positive).length).toBeGreaterThanOrEqual(3);
    expect(LEARNED_SCENARIOS.filter((s) => !s.positive).length).toBeGreaterThanOrEqual(3);
    const worlds = new Set(LEARNED_SCENARIOS.map((s) => (s.config('short') as { env: { id: string } }).env.id));
    expect(worlds.size).toBeGreaterThanOrEqual(2);
  });

  it('reads the onset of a decline off the KPI series alone', () => {
    const steps = Array.from({ length: 40 }, (_, t) => (t + 1) * 10);
    const kpi = steps.map((_, t) => (t < 20 ? 1 : 1 - (t - 20) * 0.1));
    expect(declineOnset(steps, kpi, 'higher')).toBeGreaterThanOrEqual(200);
    expect(declineOnset(steps, kpi, 'higher')).toBeLessThanOrEqual(260);
    expect(
      declineOnset(
        steps,
        steps.map((s) => s),
        'higher',
      ),
    ).toBeNull();
  });
});
