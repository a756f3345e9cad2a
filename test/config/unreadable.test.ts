/**
 * An unreadable config file (EACCES) is a user error naming the file and the fix, not an internal
 * error. The read is made to fail through a mocked fs, so the test also holds when run as root
 * (who can read a chmod 000 file).
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const denied = new Set<string>();
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (typeof path === 'string' && denied.has(path)) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

describe('defect 4: unreadable files', () => {
  it('EACCES is exit 2 with the file and the fix named', async () => {
    const { readConfigFile } = await import('../../src/config/load.js');
    const { TacitError } = await import('../../src/core/errors.js');
    const path = join(mkdtempSync(join(tmpdir(), 'tacit-eacces-')), 'locked.yaml');
    writeFileSync(path, 'name: x\n');
    denied.add(path);
    let caught: unknown;
    try {
      readConfigFile(path);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TacitError);
    expect((caught as Error).message).toBe(`cannot read ${path}: permission denied (check the file's permissions, e.g. chmod u+r ${path})`);
  });
});
