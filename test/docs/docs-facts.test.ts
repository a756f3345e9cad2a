/**
 * Facts the docs state about the code, checked against the code: the sweep sizes quoted in README
 * and docs/report.md, and the files docs/results-format.md lists against the files a run writes.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/sweep/sweep.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { runExperiment } from '../../src/run/run-experiment.js';

describe('docs state what the code does', () => {
  it('warehouse-schemes: the variant and run counts in README and docs/report.md match the sweep plan', () => {
    const plan = planSweep('experiments/warehouse-schemes.yaml', { out: mkdtempSync(join(tmpdir(), 'tacit-docs-')) });
    const variants = plan.points.length;
    const runs = plan.runs.length;
    expect([variants, runs]).toEqual([7, 35]);
    for (const doc of ['README.md', 'docs/report.md']) {
      const line = readFileSync(doc, 'utf8').split('\n').find((l) => l.includes('sweep experiments/warehouse-schemes.yaml'))!;
      expect(line, doc).toContain(`${variants} variants`);
      expect(line, doc).toContain(`${runs} runs`);
    }
  });

  it('docs/results-format.md lists every file a finished run folder holds', async () => {
    const config = {
      name: 'docs-files',
      env: { id: 'matrix-game-v1', params: { episodeLength: 10 } },
      agents: [{ role: 'player', policy: { type: 'tabular-q' } }],
      run: { steps: 100, metricsEvery: 50 },
      output: { checkpointEvery: 50 },
    };
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-docs-')), 'run');
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    const listed = readFileSync('docs/results-format.md', 'utf8');
    for (const f of [...readdirSync(out), 'report.html']) expect(listed, f).toContain(`| \`${f}\``);
  });
});
