/**
 * Every shipped experiment records enough metrics rows for every detector it enables: none of
 * them can end with a detector "untested" for want of rows (the warning `tacit run` would print).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { rowShortfalls } from '../../src/detectors/row-check.js';
import { policies } from '../../policies/index.js';

const files = [
  ...readdirSync('experiments')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `experiments/${f}`),
  ...readdirSync('experiments/schemes')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `experiments/schemes/${f}`),
  ...readdirSync('experiments/coordination')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `experiments/coordination/${f}`),
];

/**
 * Configs that need another run's output (a trained adversary's folder) are checked without that
 * injection: their run section is what is being sized here.
 */
const NEEDS_A_RUN: Record<string, string[]> = { 'experiments/coordination/adversary-matrix-learned.yaml': ['faults.injections=[]'] };
const load = (f: string) => loadExperiment(f, NEEDS_A_RUN[f] ?? []);

describe('shipped experiments are sized for their detectors', () => {
  it('finds the learned configs (the check is not vacuous)', () => {
    const learned = files.filter((f) => load(f).assignments.some((a) => policies.get(a.policy.id).learns));
    expect(learned.length).toBeGreaterThanOrEqual(20);
    expect(learned).toContain('experiments/warehouse-ippo.yaml');
    expect(learned).toContain('experiments/market-ippo.yaml');
  });

  for (const file of files)
    it(`${file}: run.steps / metricsEvery gives every enabled detector its rows`, () => {
      expect(rowShortfalls(load(file)).map((s) => s.message)).toEqual([]);
    });
});
