/**
 * Ctrl-C (SIGINT) and SIGTERM stop a single-seed `tacit run`: the run loop gives the event loop a
 * turn at metrics windows, so the handler is heard; the process exits 130 and the folder stays
 * `.partial` with status `interrupted`. No timing: the signal is sent once the run folder exists
 * (the handler is installed by then), and the run is far too long to end on its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-signal-'));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Resolve once `path` exists (polled; how long it takes does not matter). */
export async function waitFor(test: () => boolean, child: ChildProcess): Promise<void> {
  while (!test()) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process ended (code ${child.exitCode}) before the awaited condition`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function interruptWith(signal: NodeJS.Signals, extra: string[]): Promise<{ code: number | null; stderr: string; out: string }> {
  const out = join(tmp, `${signal}-${extra.length}`);
  const child = spawn(
    process.execPath,
    ['bin/tacit.mjs', 'run', 'experiments/quickstart.yaml', '--out', out, '--quiet', '--no-report', '--seeds', '1', '--set', 'run.steps=2000000000', ...extra],
    {
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await waitFor(() => existsSync(join(`${out}.partial`, 'run.json')), child);
  child.kill(signal);
  return { code: await exited, stderr, out };
}

describe('signals stop a single-seed run', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    it(`${signal}: exit 130, folder kept .partial and marked interrupted`, async () => {
      const r = await interruptWith(signal, []);
      expect(r.stderr).toContain('interrupting: finishing the current window');
      expect(r.code).toBe(130);
      expect(existsSync(r.out)).toBe(false);
      const run = JSON.parse(readFileSync(join(`${r.out}.partial`, 'run.json'), 'utf8')) as { status: string };
      expect(run.status).toBe('interrupted');
      expect(existsSync(`${r.out}.lock`)).toBe(false);
    });

  it('SIGINT stops a market run on its fused fast path too', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/tacit.mjs',
        'run',
        'experiments/market-calvano.yaml',
        '--out',
        join(tmp, 'market'),
        '--quiet',
        '--no-report',
        '--set',
        'run.steps=2000000000',
        '--set',
        'run.seeds=1',
        '--set',
        'run.stopWhenConverged=false',
      ],
      {
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    children.push(child);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => existsSync(join(tmp, 'market.partial', 'run.json')), child);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(JSON.parse(readFileSync(join(tmp, 'market.partial', 'run.json'), 'utf8')).status).toBe('interrupted');
  });
});
