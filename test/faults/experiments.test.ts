/** The fault experiments in experiments/ stay valid and run (briefly) through the CLI's loader. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { runGenericSeed } from '../../src/run/seed-run.js';

const files = readdirSync('experiments').filter((f) => /^(relay|warehouse)-faults-.*\.yaml$/.test(f));

describe('fault experiments', () => {
  it('exist for the baseline and every variant', () => {
    expect(files.filter((f) => f.startsWith('relay-faults-')).length).toBeGreaterThanOrEqual(5);
  });
  for (const file of files)
    it(`${file} validates and runs`, () => {
      const resolved = loadExperiment(`experiments/${file}`, ['run.steps=60', 'run.numEnvs=2', 'run.metricsEvery=30']);
      const summary = runGenericSeed(resolved, { seed: 0, sink: { metrics: () => {}, event: () => {} } });
      expect(summary.metrics.reliability).toBeDefined();
    });
});
