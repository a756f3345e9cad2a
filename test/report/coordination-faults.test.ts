/** The report's passing-ships and adversary panel and the compare metrics read what the runs measured. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { writeReport } from '../../src/report/report.js';
import { runExperiment } from '../../src/run/run-experiment.js';

const dir = mkdtempSync(join(tmpdir(), 'tacit-coordfaults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('coordination faults in compare and report', () => {
  it('shows the race counts and the breaker response of the runs', async () => {
    const quick = ['run.steps=120', 'run.numEnvs=2', 'run.metricsEvery=60', 'run.seeds=1', 'output.report=false'];
    const none = await runExperiment(loadExperiment('experiments/coordination/shared-writes-none.yaml', quick), { out: join(dir, 'none'), quiet: true });
    await runExperiment(loadExperiment('experiments/coordination/adversary-relay-greedy-breaker.yaml', quick), { out: join(dir, 'adv'), quiet: true });
    const r = await writeReport([dir], { out: join(dir, 'report.html'), now: new Date(0) });
    expect(r.figureIds).toContain('shared-writes-races');
    const html = readFileSync(r.path, 'utf8');
    expect(html).toContain('Adversaries and the breakers that answer them');
    const shared = (none.summary.metrics as { faults: { sharedWrites: Record<string, Record<string, number>> } }).faults.sharedWrites['procurement']!;
    const lost = r.comparison.metrics.find((m) => m.id === 'kpi/sharedWrites:procurement:lostUpdates')!;
    expect(lost.variants.find((v) => v.n > 0)!.mean).toBeCloseTo((1000 * shared['lostUpdates']!) / shared['commits']!, 9);
    expect(r.comparison.metrics.some((m) => m.id === 'kpi/adversary:relay1:meanResponseSteps')).toBe(true);
  });
});
