/** The exact-resume check shared by the resume tests: a run stopped and resumed ends byte-identical to one run straight. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';
import { stopAtRead } from './stop-at-read.js';

/** Run `cfg` straight and interrupted-then-resumed (stopped at the third metrics window); the folders must match. */
export async function expectExactResume(cfg: Record<string, unknown>): Promise<void> {
  const config = cfg;
  {
    const tmp = mkdtempSync(join(tmpdir(), 'tacit-resume-'));
    const straight = join(tmp, 'straight');
    const broken = join(tmp, 'broken');
    await runExperiment(resolveExperiment(config), { out: straight, quiet: true });
    // Stops at the window ending at step 300 (third read): the last checkpoint is at step 200.
    const first = await runExperiment(resolveExperiment(config), { out: broken, quiet: true, signal: stopAtRead(3) });
    expect(first.interrupted).toBe(true);
    expect(existsSync(join(`${broken}.partial`, 'checkpoint.bin'))).toBe(true);
    expect(
      readFileSync(join(`${broken}.partial`, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(3);
    const second = await resumeExperiment(`${broken}.partial`, (c) => resolveExperiment(c), { quiet: true });
    expect(second.interrupted).toBe(false);
    expect(existsSync(`${broken}.partial`)).toBe(false);
    for (const f of ['metrics.jsonl', 'events.jsonl', 'config.resolved.json'])
      expect(readFileSync(join(broken, f), 'utf8'), f).toBe(readFileSync(join(straight, f), 'utf8'));
    const a = JSON.parse(readFileSync(join(straight, 'summary.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(broken, 'summary.json'), 'utf8'));
    expect({ ...b, runId: '' }).toEqual({ ...a, runId: '' });
    expect(JSON.parse(readFileSync(join(broken, 'run.json'), 'utf8')).status).toBe('complete');
  }
}
