/**
 * bin/build.mjs, the compile-and-cache step every command goes through: an edit is picked up on the
 * next run, and compiled code keeps V8's "no ArrayBuffer was ever detached" guarantee (the reason
 * it exists: under tsx every typed-array access paid a detached-buffer check, see bin/build.mjs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';

// Scratch entries live inside the repository (gitignored) so their imports resolve like the sources'.
mkdirSync('.tacit-tmp', { recursive: true });
const dir = mkdtempSync(join('.tacit-tmp', 'build-'));

function run(entry: string, nodeArgs: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, 'bin/run.mjs', entry, '--flag', 'x'], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('compiled commands (bin/build.mjs)', () => {
  it('runs a script with its arguments and picks up an edit on the next run', () => {
    const entry = join(dir, 'echo.ts');
    writeFileSync(
      entry,
      "const n: number = 1;\nconsole.log(JSON.stringify({ n, argv: process.argv.slice(2), self: process.argv[1]!.endsWith('echo.js') }));\n",
    );
    const first = run(entry);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({ n: 1, argv: ['--flag', 'x'], self: true });
    writeFileSync(entry, 'const n: number = 2;\nconsole.log(JSON.stringify({ n }));\n');
    expect(JSON.parse(run(entry).stdout)).toEqual({ n: 2 });
  });

  it('picks up an edit of a file the entry imports, and a new file an edited import names (the check by recorded inputs)', () => {
    const entry = join(dir, 'importer.ts');
    writeFileSync(join(dir, 'helper.ts'), 'export const word: string = "one";\n');
    writeFileSync(entry, "import { word } from './helper.js';\nconsole.log(word);\n");
    expect(run(entry).stdout).toBe('one\n');
    writeFileSync(join(dir, 'helper.ts'), 'export const word: string = "three";\n');
    expect(run(entry).stdout).toBe('three\n');
    writeFileSync(join(dir, 'other.ts'), 'export const word: string = "other";\n');
    writeFileSync(join(dir, 'helper.ts'), "export { word } from './other.js';\n");
    expect(run(entry).stdout).toBe('other\n');
    writeFileSync(join(dir, 'other.ts'), 'export const word: string = "edited";\n');
    expect(run(entry).stdout).toBe('edited\n');
  });

  it('loads the whole registry (tfjs included) without V8 giving up on undetached array buffers', () => {
    const entry = join(dir, 'registry.ts');
    const rel = (p: string): string => relative(dir, p).split('\\').join('/');
    writeFileSync(
      entry,
      // ppo's prepare loads its module and TensorFlow.js on demand (src/core/lazy-policy.ts).
      `import { policies } from '${rel('policies/index.js')}';\nimport { worlds } from '${rel('envs/index.js')}';\nawait policies.get('ppo').prepare?.();\nconsole.log(policies.ids().length > 5 && worlds.ids().length > 5 ? 'loaded' : 'empty');\n`,
    );
    const r = run(entry, ['--trace-protector-invalidation']);
    expect(r.stdout).toContain('loaded');
    expect(r.stdout + r.stderr).not.toMatch(/ArrayBufferDetaching/);
  });

  it("makes the CLI's CommonJS bundles pure ASCII though the sources' comments are not (fast to read; source map columns kept)", async () => {
    const entry = join(dir, 'unicode.ts');
    // A doc comment (esbuild keeps those of class members) with characters outside Latin-1 (one outside the BMP), as the sources' comments have, and a string with some.
    writeFileSync(
      entry,
      "export class Label {\n  /** p ∈ [0, 1] × μ − ξ 🙂 */\n  text(): string {\n    return 'μ − ξ';\n  }\n}\nconsole.log(new Label().text(), new Label().text().length);\n",
    );
    const stub = (await ensureBuilt(entry, { format: 'cjs' })) as string;
    const bundle = readFileSync(stub.replace(/\.cjs$/, '.bundle.cjs'), 'utf8');
    expect(bundle).toMatch(/\/\*\* p \? \[0, 1\] \? \? \? \? \?\? \*\//); // each UTF-16 unit one '?'
    expect(/[^\x00-\x7f]/.test(bundle)).toBe(false);
    const r = spawnSync(process.execPath, [stub], { encoding: 'utf8' });
    expect(r.stdout).toBe('μ − ξ 5\n');
  });

  it('gives two entries over the same sources each its own build (the library, then the CLI)', async () => {
    // They once shared a folder keyed by the sources alone: the second found it complete without its file.
    const library = (await ensureBuilt('src/api.ts')) as string;
    const cli = (await ensureBuilt('src/cli/main.ts')) as string;
    expect(existsSync(library)).toBe(true);
    expect(existsSync(cli)).toBe(true);
  });
});
