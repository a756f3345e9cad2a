/**
 * The library API (src/api.ts, docs/api.md): the docs' runnable example runs as written, importing
 * `tacit` by its package name through package.json `exports`; forks continue exactly and
 * independently; what-if branches share the world's randomness; detect() runs the detectors on
 * a ledger of rows.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, createEnv, createWorld, detect, fork, whatIf } from '../../src/api.js';
import { ConfigError } from '../../src/core/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('docs/api.md', () => {
  it('runs its example as written (import from "tacit")', () => {
    const md = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const at = md.indexOf('<!-- runnable-example -->');
    expect(at).toBeGreaterThan(0);
    const start = md.indexOf('```js', at) + '```js'.length;
    const code = md.slice(start, md.indexOf('```', start));
    const dir = join(ROOT, '.tacit-tmp', `api-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'example.mjs'), code);
    const r = spawnSync(process.execPath, [join(dir, 'example.mjs')], { encoding: 'utf8', cwd: ROOT });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^what-if over 15 days: stockouts 0 -> [1-9]\d*$/);
    expect(lines.slice(1)).toEqual([
      'env untouched: still at day 20',
      'engine: 100 steps x 64 copies',
      'run: 20 metrics windows in the folder asked for',
      'detectors: goodhart, collusion, conflict, miscoordination',
    ]);
  });
});

describe('the package entry', () => {
  it('lib/tacit.mjs re-exports every runtime export of src/api.ts', async () => {
    const api = await import('../../src/api.js');
    // @ts-expect-error: a plain .mjs module without declarations (its types are dist/types/src/api.d.ts)
    const lib = (await import('../../lib/tacit.mjs')) as Record<string, unknown>;
    expect(Object.keys(lib).sort()).toEqual(Object.keys(api).sort());
  }, 120_000);
});

describe('the package types', () => {
  it('type-check a strict TypeScript consumer importing "tacit" (declarations from npm run build:types, which prepare runs)', () => {
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    if (!existsSync(join(ROOT, 'dist/types/src/api.d.ts'))) {
      const built = spawnSync(npx, ['tsc', '-p', 'tsconfig.api.json'], { encoding: 'utf8', cwd: ROOT });
      expect(built.stdout + built.stderr).toBe('');
    }
    const dir = join(ROOT, '.tacit-tmp', `consumer-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'use.ts'),
      [
        "import { createEnv, whatIf, type WhatIfResult } from 'tacit';",
        "const env = createEnv('warehouse-v1');",
        'env.reset(1);',
        'const w: WhatIfResult = whatIf(env, { baseline: () => ({}), alternative: () => ({}) }, 3);',
        "export const n: number = w.difference.kpis['stockouts'] ?? 0;",
        '// @ts-expect-error: whatIf needs a step count',
        'whatIf(env, { baseline: () => ({}), alternative: () => ({}) });',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          target: 'ES2022',
        },
        files: ['use.ts'],
      }),
    );
    const r = spawnSync(npx, ['tsc', '-p', dir], { encoding: 'utf8', cwd: ROOT });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});

const plan = (): Record<string, number> => ({ procurement: 4, inventory: 8, logistics: 0, finance: 3 });

describe('fork and whatIf', () => {
  it('a fork continues exactly as the original and independently of it', () => {
    const env = createEnv('warehouse-v1');
    env.reset(3);
    for (let t = 0; t < 10; t++) env.step(plan());
    const copy = fork(env);
    expect(copy.observe()).toEqual(env.observe());
    const a = env.step(plan());
    const b = copy.step(plan());
    expect(b).toEqual(a);
    copy.step({ ...plan(), procurement: 0 });
    expect(env.steps).toBe(11);
    expect(copy.steps).toBe(12);
  });

  it('what-if branches see the same world randomness: equal courses differ by exactly zero', () => {
    const env = createEnv('warehouse-v1');
    env.reset(9);
    for (let t = 0; t < 5; t++) env.step(plan());
    const same = whatIf(env, { baseline: plan, alternative: plan }, 20);
    expect(Object.values(same.difference.kpis).every((v) => v === 0)).toBe(true);
    expect(same.baseline.trajectory).toEqual(same.alternative.trajectory);
    const w = whatIf(env, { baseline: plan, alternative: () => ({ ...plan(), procurement: 0 }) }, 20);
    // Matches stepping by hand from the same position.
    const manual = fork(env);
    let stockouts = 0;
    for (let t = 0; t < 20; t++) stockouts += manual.step({ ...plan(), procurement: 0 }).kpis.stockouts!;
    expect(w.alternative.kpis.stockouts).toBe(stockouts);
    expect(w.difference.kpis.stockouts).toBe(stockouts - w.baseline.kpis.stockouts!);
    expect(env.steps).toBe(5);
  });

  it('createWorld validates params and createEngine steps copies', () => {
    expect(() => createWorld('market-v1', { nFirms: 0 })).toThrow(ConfigError);
    const engine = createEngine('coordination-v1', { numEnvs: 8, seed: 2 });
    engine.reset();
    engine.step();
    expect(engine.stepCount).toBe(1);
  });
});

describe('detect', () => {
  it('fires goodhart on a ledger where an agent is paid more while the team KPI falls, and not on a flat one', () => {
    const rows = (trend: number): Record<string, number>[] =>
      Array.from({ length: 60 }, (_, k) => ({
        window: k,
        step: (k + 1) * 100,
        'reward/a0': trend * k + Math.sin(k),
        'shaped/a0': trend * k + Math.sin(k),
        'kpi/welfare': -trend * k + Math.cos(k),
      }));
    const kpis = [{ name: 'welfare', better: 'higher' as const }];
    expect((detect(rows(0.5), { kpis }).verdicts.goodhart as { fired: boolean }).fired).toBe(true);
    expect((detect(rows(0), { kpis }).verdicts.goodhart as { fired: boolean }).fired).toBe(false);
  });
});
