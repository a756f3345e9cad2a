/**
 * Fuzzing the config loader with invalid files made by mutating every shipped experiment
 * (test/config/fuzz.ts): each must be refused as a user error (exit code 2) whose message names
 * the field, key or line concerned, with no stack trace, before anything is written. In-process
 * for all cases (the path `tacit validate`, `run` and `sweep` share); a few through the real CLI,
 * which must also leave no results folder behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { TacitError } from '../../src/core/errors.js';
import { fileCases, mutations, shippedExperiments, type FuzzCase } from './fuzz.js';
import { readFileSync } from 'node:fs';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-fuzz-'));
const experiments = shippedExperiments();
const byExperiment = new Map(experiments.map((e) => [e, mutations(e, readFileSync(join('experiments', e), 'utf8'))]));
const extra = fileCases();
const total = [...byExperiment.values()].reduce((n, cs) => n + cs.length, 0) + extra.length;

let written = 0;
function writeCase(c: FuzzCase): string {
  const path = join(tmp, `case-${written++}${c.ext ?? '.yaml'}`);
  writeFileSync(path, c.bytes);
  return path;
}

/** The error loading `path` raises, as the CLI would print it. */
function refusal(path: string): { userError: boolean; message: string } {
  try {
    loadExperiment(path);
  } catch (err) {
    return { userError: err instanceof TacitError && err.exitCode === 2, message: err instanceof Error ? err.message : String(err) };
  }
  return { userError: false, message: '(accepted)' };
}

function expectRefused(c: FuzzCase, path: string): void {
  const r = refusal(path);
  expect(r.userError, `${c.id}: ${r.message}`).toBe(true);
  expect(r.message, c.id).toMatch(c.names);
  expect(r.message, c.id).not.toMatch(/\n\s+at /);
}

describe('config fuzzing', () => {
  it(`generates at least 200 invalid configs from every shipped experiment (${total})`, () => {
    expect(experiments.length).toBeGreaterThanOrEqual(30);
    expect(total).toBeGreaterThanOrEqual(200);
    for (const [e, cases] of byExperiment) {
      expect(cases.length, e).toBeGreaterThan(10);
      expect(new Set(cases.map((c) => c.kind)), e).toEqual(
        new Set(['unknown-key', 'wrong-type', 'non-finite', 'missing', 'yaml-syntax', 'yaml-duplicate', 'alias-bomb', 'encoding', 'proto-key']),
      );
    }
  });

  for (const e of experiments)
    it(`refuses every mutation of ${e}`, () => {
      for (const c of byExperiment.get(e)!) expectRefused(c, writeCase(c));
    });

  it('refuses special files: empty, binary, lists, oversized, JSON errors, folders, devices, missing', () => {
    for (const c of extra) expectRefused(c, writeCase(c));
    mkdirSync(join(tmp, 'a-folder.yaml'));
    symlinkSync(join(tmp, 'a-folder.yaml'), join(tmp, 'link-to-folder.yaml'));
    const special: [string, RegExp][] = [
      [join(tmp, 'a-folder.yaml'), /not a regular file.*a-folder\.yaml/],
      [join(tmp, 'link-to-folder.yaml'), /not a regular file/],
      [join(tmp, 'missing.yaml'), /config file not found: .*missing\.yaml/],
    ];
    if (existsSync('/dev/null')) special.push(['/dev/null', /not a regular file: \/dev\/null/]);
    if (spawnSync('mkfifo', [join(tmp, 'fifo.yaml')]).status === 0) special.push([join(tmp, 'fifo.yaml'), /not a regular file/]);
    for (const [path, names] of special) {
      const r = refusal(path);
      expect(r.userError, path).toBe(true);
      expect(r.message).toMatch(names);
    }
  });
});

describe('config fuzzing through the real CLI', () => {
  // One case of each kind that fails at a different stage (schema, parser, reader, key guard).
  const kinds = ['unknown-key', 'alias-bomb', 'encoding', 'proto-key'];
  const sample = kinds.map((k, i) => [...byExperiment.values()][(i * 7) % experiments.length]!.find((c) => c.kind === k)!);

  it(`exits 2 with the field or line named, no stack trace and no results folder (${sample.length} cases)`, () => {
    for (const c of sample) {
      const path = writeCase(c);
      const out = join(tmp, `cli-out-${written}`);
      // Every case through `run`; validate and sweep (the same validation path in-process) for one.
      const commands = [
        ['run', path, '--out', out, '--quiet'],
        ...(c.kind === 'proto-key'
          ? [
              ['validate', path],
              ['sweep', path, '--out', out, '--dry-run'],
            ]
          : []),
      ];
      for (const args of commands) {
        const r = spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
        expect(r.status, `${c.id} ${args[0]}: ${r.stderr}`).toBe(2);
        if (!(args[0] === 'sweep' && /nothing to sweep/.test(r.stderr))) expect(r.stderr, `${c.id} ${args[0]}`).toMatch(c.names);
        expect(r.stderr).toMatch(/^error: /);
        expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      }
      expect(existsSync(out) || existsSync(`${out}.partial`) || existsSync(`${out}.lock`), c.id).toBe(false);
    }
    expect(readdirSync(tmp).filter((n) => n.startsWith('cli-out'))).toEqual([]);
  });
});
