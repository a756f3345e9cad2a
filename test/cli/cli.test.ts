/** The CLI as a user meets it: exit codes, messages without stack traces, complete and reproducible result folders. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function tacit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'tacit-cli-'));

describe('tacit CLI', () => {
  it('runs an experiment twice with the same seed to byte-identical results', () => {
    const outs = ['a', 'b'].map((n) => join(tmp, n));
    for (const out of outs) {
      const r = tacit(
        'run',
        'experiments/quickstart.yaml',
        '--out',
        out,
        '--seeds',
        '1',
        '--seed',
        '4',
        '--set',
        'run.steps=400',
        '--set',
        'env.params.payoffNoise=1',
        '--quiet',
      );
      // 400 steps give 2 metrics rows: the run warns up front that the row-based detectors will be untested, and nothing else.
      expect(r.stderr).toMatch(/^warning: goodhart will be untested: run\.steps 400 \/ metricsEvery 250 records 2 metrics rows.*\n(warning: [^\n]*\n)*$/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`results: ${out}`);
      expect(r.stdout).toMatch(/\?\? goodhart\s+untested: 2 metrics rows/);
    }
    for (const f of ['metrics.jsonl', 'events.jsonl', 'config.resolved.json'])
      expect(readFileSync(join(outs[0]!, f), 'utf8'), f).toBe(readFileSync(join(outs[1]!, f), 'utf8'));
    // summary.json differs only in the runId, which carries the start time.
    const [summary, other] = outs.map((o) => JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8')));
    expect(summary.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect({ ...summary, runId: '' }).toEqual({ ...other, runId: '' });
    expect(summary).toMatchObject({ experiment: 'quickstart', seeds: [4], steps: 400, env: { id: 'matrix-game-v1' } });
    expect(Object.keys(summary.verdicts).sort()).toEqual(['collusion', 'conflict', 'goodhart', 'miscoordination']);
    expect(Array.isArray(summary.detections)).toBe(true);
    expect(Object.keys(summary.agents)).toEqual(['row', 'col']);
    const run = JSON.parse(readFileSync(join(outs[0]!, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ status: 'complete', tacitVersion: '0.1.0' });
    expect(run.gitCommit === null || /^[0-9a-f]{40}$/.test(run.gitCommit)).toBe(true);
  });

  it('runs several seeds on worker threads and reports a mean and 95% CI per number', () => {
    const out = join(tmp, 'multi');
    const r = tacit('run', 'experiments/quickstart.yaml', '--out', out, '--seeds', '3', '--set', 'run.steps=300', '--quiet');
    expect(r.code).toBe(0);
    expect(readdirSync(join(out, 'seeds')).sort()).toEqual(['seed-0', 'seed-1', 'seed-2']);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const w = s.kpis.welfare;
    expect(w.values).toHaveLength(3);
    expect(w.mean).toBeCloseTo((w.values[0] + w.values[1] + w.values[2]) / 3, 12);
    expect(w.ciLow).toBeLessThan(w.mean);
    expect(w.ciHigh).toBeGreaterThan(w.mean);
    expect(s.perSeed.map((p: { seed: number }) => p.seed)).toEqual([0, 1, 2]);
    // Each seed folder is itself a complete run with the single-seed summary of that seed.
    const seed1 = JSON.parse(readFileSync(join(out, 'seeds', 'seed-1', 'summary.json'), 'utf8'));
    expect(seed1.kpis.welfare).toBe(w.values[1]);
  });

  it('rejects a broken config with exit 2, field-named errors, no stack trace and nothing written', () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: x\nenv: { id: matrix-game-v1 }\nagents:\n  - role: player\n    policy: { type: random }\nrun: { steps: 10, seeds: 0 }\n');
    const out = join(tmp, 'never');
    const r = tacit('run', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('run.seeds: expected a positive number, got 0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('exits 2 with a clear message for a missing file, a bad flag and a bad --set', () => {
    expect(tacit('run', 'nope.yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('config file not found: nope.yaml') });
    expect(tacit('run', 'experiments/quickstart.yaml', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining('Unknown argument: bogus') });
    expect(tacit('run', 'experiments/quickstart.yaml', '--set', 'run.steps')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('expected path=value'),
    });
    expect(tacit('run', 'experiments/quickstart.yaml', '--seeds', '0')).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--seeds must be an integer >= 1, got 0'),
    });
  });

  it('reports the problems of every stage at once: a bad world param does not hide a bad policy param', () => {
    const file = join(tmp, 'two-stages.yaml');
    writeFileSync(
      file,
      'name: two-stages\nenv: { id: market-v1, params: { priceGridSize: -3 } }\nagents:\n  - { role: firm, policy: { type: tabular-q, params: { epsilonSchedule: geometric } } }\nrun: { steps: 1000 }\n',
    );
    for (const command of ['validate', 'run']) {
      const r = tacit(command, file);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `error: invalid experiment config ${file}:\n` +
          '  env.params.priceGridSize: expected a number >= 2, got -3\n' +
          "  agents[0].policy.params: unknown key 'epsilonSchedule'; allowed keys: learningRate, discount, explorationDecay, convergenceWindow, qInit\n",
      );
    }
  });

  it('validates configs and lists worlds and policies', () => {
    expect(tacit('validate', 'experiments/quickstart.yaml')).toMatchObject({ code: 0, stdout: expect.stringContaining('is valid') });
    const envs = tacit('envs');
    expect(envs.code).toBe(0);
    expect(envs.stdout).toContain('matrix-game-v1');
    expect(envs.stdout).toMatch(/episodeLength: integer \(> 0\) = 100/);
    expect(tacit('policies').stdout).toContain('constant');
  });
});
