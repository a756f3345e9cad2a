/**
 * The CLI's CommonJS bundles and V8's code cache (bin/build.mjs, bin/code-cache.cjs; start-up,
 * issue 21). The cache may only ever speed a process up: a process that finds no cache, or one made
 * for other code, runs from source and writes a fresh one; an edited source gets a new build folder
 * and so a new cache; and the packages compiled into the bundle behave as they do from node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';

// Scratch entries live inside the repository (gitignored) so their imports resolve like the sources'.
mkdirSync('.tacit-tmp', { recursive: true });
const dir = mkdtempSync(join('.tacit-tmp', 'code-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run a built CommonJS stub; stdout and what the cache loader said about the entry's bundle. */
function runStub(stub: string, env: Record<string, string> = {}): { stdout: string; cache: string } {
  const r = spawnSync(process.execPath, [stub], { encoding: 'utf8', env: { ...process.env, TACIT_CODE_CACHE_TRACE: '1', ...env } });
  expect(r.status, r.stderr).toBe(0);
  const line = r.stderr.split('\n').find((l) => l.startsWith('tacit code cache:'));
  return { stdout: r.stdout, cache: line?.split(' ')[3] ?? 'none' };
}

const cacheFiles = (folder: string): string[] => readdirSync(folder).filter((f) => f.endsWith('.v8cache'));

describe('V8 code cache of the CLI bundles', () => {
  it('is written by the first process, used by the next, and a new build (an edit) starts afresh', async () => {
    const entry = join(dir, 'probe.ts');
    writeFileSync(entry, "const n: number = 1;\nconsole.log(JSON.stringify({ n, words: 'abc'.split('') }));\n");
    const stub = (await ensureBuilt(entry, { format: 'cjs' })) as string;
    expect(stub.endsWith('probe.cjs')).toBe(true);
    const first = runStub(stub);
    expect(first).toEqual({ stdout: '{"n":1,"words":["a","b","c"]}\n', cache: 'written' });
    expect(cacheFiles(dirname(stub)).length).toBe(1);
    expect(runStub(stub)).toEqual({ ...first, cache: 'used' });

    writeFileSync(entry, "const n: number = 2;\nconsole.log(JSON.stringify({ n, words: 'xyz'.split('') }));\n");
    const edited = (await ensureBuilt(entry, { format: 'cjs' })) as string;
    expect(dirname(edited)).not.toBe(dirname(stub));
    expect(runStub(edited)).toEqual({ stdout: '{"n":2,"words":["x","y","z"]}\n', cache: 'written' });
    expect(runStub(edited).cache).toBe('used');
  });

  it('is never used when it does not match: damaged data, a rebuilt bundle, or switched off', async () => {
    const entry = join(dir, 'stale.ts');
    writeFileSync(entry, 'console.log(JSON.stringify({ sum: [1, 2, 3].reduce((a, b) => a + b, 0) }));\n');
    const stub = (await ensureBuilt(entry, { format: 'cjs' })) as string;
    const expected = '{"sum":6}\n';
    expect(runStub(stub)).toEqual({ stdout: expected, cache: 'written' });
    const [file] = cacheFiles(dirname(stub));
    const path = join(dirname(stub), file!);

    // Same header, damaged V8 data: V8 refuses it, the process compiles from source and rewrites it.
    const bytes = readFileSync(path);
    const body = bytes.indexOf(10) + 1;
    bytes.fill(0x5a, body + 16, Math.min(bytes.length, body + 4096));
    writeFileSync(path, bytes);
    expect(runStub(stub)).toEqual({ stdout: expected, cache: 'written' });
    expect(runStub(stub).cache).toBe('used');

    // The bundle rewritten in place (its mtime changes): the header no longer matches.
    const bundle = join(dirname(stub), 'stale.bundle.cjs');
    const later = new Date(Date.now() + 5000);
    utimesSync(bundle, later, later);
    expect(runStub(stub)).toEqual({ stdout: expected, cache: 'written' });
    expect(runStub(stub).cache).toBe('used');

    expect(runStub(stub, { TACIT_CODE_CACHE: 'off' })).toEqual({ stdout: expected, cache: 'off' });
  });
});

describe('packages compiled into the CLI bundle', () => {
  const tacit = (args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it("yargs speaks English by default and still finds its translations (its locales folder beside the package's real files)", () => {
    const english = tacit(['--help'], { LANG: 'C', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '' });
    expect(english.stdout).toContain('Show help');
    expect(tacit(['run', '--bogus'], { LANG: 'C', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '' }).stderr).toContain('Unknown argument: bogus');
    const german = tacit(['--help'], { LANG: 'de_DE.UTF-8', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '' });
    expect(german.stdout).toContain('Hilfe anzeigen');
  });

  it('zod (English messages only) names the field and the value it rejected', () => {
    const r = tacit(['validate', 'experiments/quickstart.yaml', '--set', 'run.steps=-3', '--set', 'run.numEnvs=abc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.steps: .*-3/);
    expect(r.stderr).toMatch(/run\.numEnvs: .*(number|abc)/);
  });
});
