/** The compare, report and sweep commands as a user meets them: output, files, exit codes and messages. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIX_SCHEMES, writeWarehouseFixture } from '../report/fixtures.js';

function tacit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tacit-report-cli-'));
  writeWarehouseFixture(join(tmp, 'runs'), { variants: SIX_SCHEMES.slice(0, 3), seeds: 3, windows: 8 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('tacit compare / report', () => {
  it('prints the ranked table and writes markdown and JSON', () => {
    const md = join(tmp, 'cmp.md');
    const json = join(tmp, 'cmp.json');
    const r = tacit('compare', join(tmp, 'runs'), '--md', md, '--json', json);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 variants, 9 seed runs (warehouse-schemes)');
    expect(r.stdout).toMatch(/scheme=team\s+3\s+.*★/);
    expect(readFileSync(md, 'utf8')).toContain('| variant | n | fillRate ↑ | costToServe ↓ |');
    expect((JSON.parse(readFileSync(json, 'utf8')) as { metrics: { id: string; best: string }[] }).metrics.find((m) => m.id === 'kpi/costToServe')!.best).toBe(
      'scheme=team',
    );
  });

  it('writes the HTML report and prints where it is', () => {
    const out = join(tmp, 'r.html');
    const r = tacit('report', join(tmp, 'runs'), '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`report: ${out}`);
    expect(r.stdout).toContain(`open:   file://${out}`);
    expect(readFileSync(out, 'utf8')).toContain('<h2>Scheme comparison</h2>');
  });

  it('exits 2 with a one-line message, no stack trace, for a bad flag', () => {
    // (Missing folders and the other messages are unit-tested in test/report/compare.test.ts.)
    const r = tacit('report', join(tmp, 'runs'), '--level', '95');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: --level must be between 0 and 1 (e.g. 0.95), got 95\n');
  });
});

describe('tacit sweep', () => {
  it('lists the planned runs with --dry-run', () => {
    const r = tacit(
      'sweep',
      'experiments/quickstart.yaml',
      '--grid',
      'agents[*].reward.scheme=local,team',
      '--seeds',
      '2',
      '--out',
      join(tmp, 'sw'),
      '--dry-run',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('sweep quickstart: 2 variants × 2 seeds = 4 runs');
    expect(r.stdout.match(/^ {2}todo {3}[0-9a-f]{12} {2}seed \d {2}scheme=(local|team)$/gm)).toHaveLength(4);
    expect(existsSync(join(tmp, 'sw'))).toBe(false);
  });
});
