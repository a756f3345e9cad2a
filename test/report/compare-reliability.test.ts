/** compare ranks faulted variants by measured reliability and cascade size, not only by KPIs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { compareVariants } from '../../src/report/compare.js';
import { loadRuns } from '../../src/report/load.js';
import { groupVariants } from '../../src/report/variants.js';
import { runExperiment } from '../../src/run/run-experiment.js';

describe('compare with fault reliability', () => {
  it('adds team and per-agent reliability and ranks the fault-free chain first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacit-rel-'));
    const small = [
      'run.steps=2000',
      'run.metricsEvery=500',
      'run.seeds=2',
      'run.workers=1',
      'output.report=false',
      'detectors.conflict=false',
      'detectors.miscoordination=false',
    ];
    for (const name of ['relay-faults-baseline', 'relay-faults-handoff'])
      await runExperiment(loadExperiment(`experiments/${name}.yaml`, small), { out: join(dir, name), quiet: true });
    const comparison = compareVariants(groupVariants(loadRuns([dir]).runs));
    const team = comparison.metrics.find((m) => m.id === 'kpi/reliability:team')!;
    expect(team).toBeDefined();
    expect(team.ranking[0]).toMatch(/baseline/);
    expect(comparison.metrics.some((m) => m.id === 'kpi/reliability:relay4')).toBe(true);
    expect(comparison.metrics.some((m) => m.id === 'kpi/cascade:excessFailureSteps')).toBe(true);
  });
});
