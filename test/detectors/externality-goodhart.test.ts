/**
 * Goodhart that a learner finds by itself: experiments/externality-goodhart.yaml. A PPO extractor
 * paid its own reward learns to extract the maximum, pushing a larger cost onto its neighbour; the
 * goodhart detector must fire on it against team welfare. Paid the team's welfare instead, the same
 * learner holds back and the detector stays silent. Short runs (2 seeds each) of the experiment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import type { SwapAttribution } from '../../src/detectors/attribution.js';
import { detectRun } from '../../src/detectors/detect-run.js';
import { runExperiment } from '../../src/run/run-experiment.js';

type Verdict = { fired: boolean; summary: string };

async function run(sets: string[]): Promise<{ goodhart: Verdict; welfare: number; out: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'tacit-egh-')), 'run');
  const result = await runExperiment(loadExperiment('experiments/externality-goodhart.yaml', ['output.report=false', 'run.seeds=2', 'run.steps=2000', ...sets]), { out, quiet: true });
  const summary = result.summary as { verdicts: Record<string, Verdict>; kpis: Record<string, { mean: number }> };
  return { goodhart: summary.verdicts.goodhart!, welfare: summary.kpis.welfare!.mean, out };
}

describe('learned goodhart in externality-v1', () => {
  it('fires when the learner is paid its own reward and stays silent when it is paid the team welfare', async () => {
    const local = await run([]);
    expect(local.goodhart.fired).toBe(true);
    expect(local.goodhart.summary).toMatch(/a0: reward rose while welfare got worse/);
    // The policy swap against a0's initial policy: a0 gains, the team pays, both with intervals away from 0.
    const seed0 = JSON.parse(readFileSync(join(local.out, 'seeds', 'seed-0', 'summary.json'), 'utf8')) as { verdicts: { goodhart: { details: { attribution: SwapAttribution[] } } } };
    const swap = seed0.verdicts.goodhart.details.attribution[0]!;
    expect(swap.agent).toBe('a0');
    expect(swap.ownReward.ciLow).toBeGreaterThan(0);
    expect(swap.kpis['welfare']!.teamCostInterval[0]).toBeGreaterThan(0);
    // tacit detect re-attaches it from probes.json.
    const again = detectRun(local.out);
    expect(again.seeds[0]!.report.verdicts['goodhart']!.summary).toMatch(/swap: a0's learned policy: own reward \+/);
    const team = await run(['agents[0].reward.scheme=team']);
    expect(team.goodhart.fired).toBe(false);
    // Paid the welfare, the learner ends with the team far better off.
    expect(team.welfare).toBeGreaterThan(local.welfare + 0.5);
  }, 60_000);
});
