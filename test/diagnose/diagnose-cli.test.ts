/**
 * `tacit diagnose` end to end on a tiny scripted finance squeeze (two seeds, 120 steps): the
 * diagnosis names the budget fix, matches its schema, and is byte-identical when run again into
 * another folder; bad input exits 2 with the field named and nothing written.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosisSchema } from '../../src/diagnose/diagnosis-schema.js';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-diagnose-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tacit(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TINY = [
  'experiments/warehouse-finance-squeeze.yaml',
  '--seeds',
  '2',
  '--set',
  'run.steps=120',
  '--set',
  'run.numEnvs=4',
  '--set',
  'run.metricsEvery=10',
  '--workers',
  '1',
  '--no-report',
  '--quiet',
];

describe('tacit diagnose', () => {
  it('names the fix for the scripted finance squeeze, deterministically', () => {
    const a = tacit('diagnose', ...TINY, '--out', join(tmp, 'a'));
    expect(a.stderr).toBe('');
    expect(a.code).toBe(0);
    const text = readFileSync(join(tmp, 'a', 'diagnosis.json'), 'utf8');
    const d = diagnosisSchema.parse(JSON.parse(text));
    expect(d.seeds).toEqual([0, 1]);
    const squeeze = d.findings.find((f) => f.key === 'conflict:harms:finance>inventory')!;
    expect(squeeze.result.baseline.present).toBe(2);
    // Finance is scripted, so the only candidates are its budget; doubling it removes the harm and raises G.
    expect(squeeze.result.candidates.map((c) => c.label)).toEqual(['finance: budgetMultiple ×2', 'finance: budgetMultiple ×4']);
    expect(squeeze.result.recommended).toBe('finance: budgetMultiple ×2');
    const fix = squeeze.result.candidates[0]!;
    expect(fix.verdict).toBe('fixes');
    expect(fix.status).toEqual({ present: 0, absent: 2, untested: 0, n: 2 });
    expect(fix.team!.diff.mean!).toBeGreaterThan(0);
    expect(fix.kpis['fillRate']!.diff!).toBeGreaterThan(0);
    // procurement (scripted, no budget) gets no candidate, said plainly.
    expect(d.noCandidate.find((n) => n.finding === 'conflict:harms:procurement>finance')!.reason).toContain('procurement is scripted');
    // goodhart is off in this config: listed as off, never as clear.
    expect(d.detectors.find((x) => x.detector === 'goodhart')).toEqual({ detector: 'goodhart', fired: 0, clear: 0, untested: 0, off: 2 });
    expect(d.notes.some((n) => n.includes('goodhart is switched off'))).toBe(true);
    expect(a.stdout).toContain('Adopt "finance: budgetMultiple ×2"');
    expect(existsSync(join(tmp, 'a', 'diagnosis.md'))).toBe(true);

    const b = tacit('diagnose', ...TINY, '--out', join(tmp, 'b'));
    expect(b.code).toBe(0);
    expect(readFileSync(join(tmp, 'b', 'diagnosis.json'), 'utf8')).toBe(text);
  }, 120_000);

  it('exits 2 on bad input, naming what is wrong, without a stack trace or an output folder', () => {
    const out = join(tmp, 'bad');
    const cases: [string[], string][] = [
      [['diagnose', 'experiments/no-such.yaml', '--out', out], 'no-such.yaml'],
      [['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--seeds', '0', '--out', out], '--seeds must be an integer >= 1, got 0'],
      [['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--set', 'run.steps=-5', '--out', out], 'run.steps'],
      [
        ['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--continuation', '[1, 2]', '--out', out],
        '--continuation: expected a mapping agent → {type, params}',
      ],
      [
        ['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--continuation', '{finance: {type: ppo}}', '--out', out],
        "--continuation.finance.type: 'ppo' is not a scripted policy; valid: random, constant",
      ],
      [['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--mix-weight', '1.5', '--out', out], '--mix-weight must be in [0, 1], got 1.5'],
      [['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--link-strength', '0', '--out', out], '--link-strength must be a positive number, got 0'],
      [['diagnose', 'experiments/warehouse-finance-squeeze.yaml', '--remove-share', '0', '--out', out], '--remove-share must be in (0, 1], got 0'],
    ];
    for (const [args, message] of cases) {
      const r = tacit(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    }
  }, 60_000);
});
