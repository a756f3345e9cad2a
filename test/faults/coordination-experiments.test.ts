/**
 * The passing-ships, adversary and cross-play experiments of issue 18 (items 3–5) validate and run
 * briefly; on the warehouse only the unprotected protocol suffers lost updates and double orders.
 * (adversary-matrix-learned.yaml needs a trained run: test/faults/adversary.test.ts trains one.)
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { runGenericSeed } from '../../src/run/seed-run.js';

const files = readdirSync('experiments/coordination').filter((f) =>
  /^(shared-writes|adversary-relay|adversary-matrix-train|crossplay|entrant)-.*\.yaml$/.test(f),
);

describe('coordination experiments (passing ships, adversaries, held-out partners)', () => {
  it('exist for every protocol', () => {
    for (const p of ['none', 'versioned', 'lock', 'event-log']) expect(files).toContain(`shared-writes-${p}.yaml`);
  });
  for (const file of files)
    it(`${file} validates and runs`, () => {
      const resolved = loadExperiment(`experiments/coordination/${file}`, ['run.steps=120', 'run.numEnvs=2', 'run.metricsEvery=60']);
      const summary = runGenericSeed(resolved, { seed: 0, sink: { metrics: () => {}, event: () => {} } });
      expect(summary.steps).toBe(120);
      const shared = (summary.metrics['faults'] as { sharedWrites?: Record<string, Record<string, number>> } | undefined)?.sharedWrites?.['procurement'];
      if (!shared) return;
      expect(shared['commits']).toBeGreaterThan(0);
      if (file === 'shared-writes-none.yaml') expect(shared['lostUpdates']! + shared['doubleOrders']!).toBeGreaterThan(0);
      else expect([shared['lostUpdates'], shared['doubleOrders']]).toEqual([0, 0]);
    });
});
