/**
 * Goodhart that a learner finds by itself: experiments/externality-goodhart.yaml. A PPO extractor
 * paid its own reward learns to extract the maximum, pushing a larger cost onto its neighbour; the
 * goodhart detector must fire on it against team welfare, in each seed, and the policy swap must
 * show a0 gaining and the team paying. Paid the team's welfare instead, the same learner holds back
 * and the detector stays silent. Short runs (2 seeds each).
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

/**
 * Both seeds, each as its own single-seed run in this process (worker threads would each start
 * tfjs again, which on a busy machine cost more than the runs).
 */
async function run(sets: string[]): Promise<{ goodhart: Verdict[]; welfare: number; outs: string[] }> {
  const goodhart: Verdict[] = [];
  const outs: string[] = [];
  let welfare = 0;
  for (const seed of [0, 1]) {
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-egh-')), 'run');
    const result = await runExperiment(
      loadExperiment('experiments/externality-goodhart.yaml', ['output.report=false', 'run.seeds=1', `run.seed=${seed}`, 'run.steps=2000', ...sets]),
      { out, quiet: true },
    );
    const summary = result.summary as { verdicts: Record<string, Verdict>; kpis: Record<string, number> };
    goodhart.push(summary.verdicts.goodhart!);
    outs.push(out);
    welfare += summary.kpis.welfare! / 2;
  }
  return { goodhart, welfare, outs };
}

describe('learned goodhart in externality-v1', () => {
  // Four short PPO runs: no wall-clock budget of its own beyond a generous cap (CI is a busy 2-core box).
  it('fires when the learner is paid its own reward and stays silent when it is paid the team welfare', { timeout: 600_000 }, async () => {
    const local = await run([]);
    for (const v of local.goodhart) {
      expect(v.fired).toBe(true);
      expect(v.summary).toMatch(/a0: reward rose while welfare got worse/);
    }
    // The policy swap against a0's initial policy: a0 gains, the team pays, both with intervals away from 0.
    const seed0 = JSON.parse(readFileSync(join(local.outs[0]!, 'summary.json'), 'utf8')) as {
      verdicts: { goodhart: { details: { attribution: SwapAttribution[] } } };
    };
    const swap = seed0.verdicts.goodhart.details.attribution[0]!;
    expect(swap.agent).toBe('a0');
    expect(swap.ownReward.ciLow).toBeGreaterThan(0);
    expect(swap.kpis['welfare']!.teamCostInterval[0]).toBeGreaterThan(0);
    // tacit detect re-attaches it from probes.json.
    expect(detectRun(local.outs[0]!).verdicts['goodhart']!.summary).toMatch(/swap: a0's learned policy: own reward \+/);
    const team = await run(['agents[0].reward.scheme=team']);
    for (const v of team.goodhart) expect(v.fired).toBe(false);
    // Paid the welfare, the learner ends with the team far better off.
    expect(team.welfare).toBeGreaterThan(local.welfare + 0.5);
  });
});
