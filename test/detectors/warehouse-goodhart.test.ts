/**
 * The goodhart detector in a real world: experiments/warehouse-goodhart.yaml plants procurement's
 * drift toward bulk buying. With the drift the detector must fire on procurement against the team's
 * cost KPIs; with the drift switched off (S held at 300) it must stay silent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { runExperiment } from '../../src/run/run-experiment.js';

async function goodhart(sets: string[]): Promise<{ fired: boolean; summary: string }> {
  const out = join(mkdtempSync(join(tmpdir(), 'tacit-gh-')), 'run');
  const result = await runExperiment(loadExperiment('experiments/warehouse-goodhart.yaml', ['output.report=false', ...sets]), { out, quiet: true });
  return (result.summary.verdicts as Record<string, { fired: boolean; summary: string }>).goodhart!;
}

describe('goodhart in the warehouse', () => {
  it('fires when procurement drifts toward bulk buying and stays silent when it does not', async () => {
    const planted = await goodhart([]);
    expect(planted.fired).toBe(true);
    expect(planted.summary).toMatch(/procurement: reward rose while .*costToServe/);
    const control = await goodhart(['agents[0].policy.params.drift.orderUpTo=300']);
    expect(control.fired).toBe(false);
  });
});
