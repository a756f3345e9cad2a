/**
 * The stage clock (src/core/stage-clock.ts) that bench/startup.ts reads a run's CPU breakdown
 * from: a real `tacit run` of the Calvano market (its fused fast path) with TACIT_STAGE_CLOCK set
 * writes every stage in the order a run reaches them, with CPU times that never go back, and the
 * spans of work done at every window; the run's own outputs are the same bytes with the clock off.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-stage-clock-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(out: string, env: Record<string, string>): void {
  const args = ['bin/tacit.mjs', 'run', 'experiments/market-calvano.yaml', '--set', 'run.steps=30000', '--seed', '3', '--quiet', '--no-report', '--out', out];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(r.status, r.stderr).toBe(0);
}

describe('stage clock', () => {
  it('records a fast-path run stage by stage and leaves its outputs alone', () => {
    const clock = join(tmp, 'stages.json');
    run(join(tmp, 'with'), { TACIT_STAGE_CLOCK: clock });
    run(join(tmp, 'without'), {});
    const { marks, spans } = JSON.parse(readFileSync(clock, 'utf8')) as { marks: { stage: string; cpuSeconds: number }[]; spans: Record<string, number> };
    expect(marks.map((m) => m.stage)).toEqual([
      'cli-loaded',
      'modules-loaded',
      'config-resolved',
      'seed-start',
      'loop-start',
      'loop-end',
      'analysis-end',
      'seed-summary',
      'detectors-finished',
      'run-written',
      'exit',
    ]);
    for (let i = 1; i < marks.length; i++) expect(marks[i]!.cpuSeconds).toBeGreaterThanOrEqual(marks[i - 1]!.cpuSeconds);
    expect(marks[0]!.cpuSeconds).toBeGreaterThan(0);
    expect(Object.keys(spans).sort()).toEqual(['detectors', 'metrics-rows']);
    // The spans are parts of the loop's stage.
    const loop = marks[5]!.cpuSeconds - marks[4]!.cpuSeconds;
    expect(spans['detectors']! + spans['metrics-rows']!).toBeLessThanOrEqual(loop + 1e-6);
    for (const file of ['metrics.jsonl', 'events.jsonl', 'probes.json', 'policies.bin', 'config.resolved.json'])
      expect(readFileSync(join(tmp, 'with', file)).equals(readFileSync(join(tmp, 'without', file))), file).toBe(true);
  });
});
