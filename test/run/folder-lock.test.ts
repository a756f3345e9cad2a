/**
 * The per-run-folder lock (src/run/folder-lock.ts) and its users: one holder at a time, stale locks
 * of dead local processes taken over, other hosts' locks never; `tacit run` and sweeps refuse or
 * leave alone a folder another process holds, instead of deleting or overwriting its files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import { acquireFolderLock, describeLockOwner, lockPathOf, readLockOwner } from '../../src/run/folder-lock.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { planSweep, runSweep } from '../../src/sweep/sweep.js';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-lock-'));

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

describe('acquireFolderLock', () => {
  it('gives the lock to one holder at a time and names the holder to the others', () => {
    const dir = join(tmp, 'a', 'run');
    const first = acquireFolderLock(dir, { purpose: 'tacit run x' });
    expect(first.acquired).toBe(true);
    if (!first.acquired) return;
    expect(first.lock.path).toBe(`${dir}.lock`);
    expect(lockPathOf(`${dir}.partial`)).toBe(`${dir}.lock`);
    const second = acquireFolderLock(dir);
    expect(second.acquired).toBe(false);
    if (second.acquired) return;
    expect(describeLockOwner(second)).toContain(`held by pid ${process.pid} on host ${hostname()} since `);
    expect(describeLockOwner(second)).toContain('(tacit run x)');
    first.lock.release();
    first.lock.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    const third = acquireFolderLock(dir);
    expect(third.acquired).toBe(true);
    if (third.acquired) third.lock.release();
  });

  it('takes over the lock of a dead process on this host, never one held on another host', () => {
    const dir = join(tmp, 'stale', 'run');
    mkdirSync(join(tmp, 'stale'), { recursive: true });
    const pid = deadPid();
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid, host: hostname(), since: '2020-01-01T00:00:00.000Z', token: 'old' }));
    const got = acquireFolderLock(dir);
    expect(got.acquired).toBe(true);
    if (!got.acquired) return;
    expect(readLockOwner(`${dir}.lock`)?.pid).toBe(process.pid);
    expect(existsSync(`${dir}.lock.takeover`)).toBe(false);
    got.lock.release();

    writeFileSync(`${dir}.lock`, JSON.stringify({ pid, host: 'elsewhere.example', since: '2020-01-01T00:00:00.000Z', token: 'remote' }));
    const remote = acquireFolderLock(dir);
    expect(remote.acquired).toBe(false);
    if (remote.acquired) return;
    expect(describeLockOwner(remote)).toContain(`held by pid ${pid} on host elsewhere.example since 2020-01-01`);
    expect(readLockOwner(`${dir}.lock`)?.token).toBe('remote');
    // A caller that knows the other host is gone (e.g. its queue lease expired) may take it over.
    const expired = acquireFolderLock(dir, { isStale: (o) => o.host === 'elsewhere.example' });
    expect(expired.acquired).toBe(true);
    if (expired.acquired) expired.lock.release();
  });

  it('releases only its own lock (one taken over by hand is left alone)', () => {
    const dir = join(tmp, 'own', 'run');
    const got = acquireFolderLock(dir);
    if (!got.acquired) throw new Error('expected the lock');
    writeFileSync(`${dir}.lock`, JSON.stringify({ pid: 1, host: 'other', since: 'x', token: 'theirs' }));
    got.lock.release();
    expect(readLockOwner(`${dir}.lock`)?.token).toBe('theirs');
  });
});

const config = {
  name: 'lock',
  env: { id: 'matrix-game-v1', params: { game: 'prisoners-dilemma', episodeLength: 20 } },
  agents: [{ role: 'player', policy: { type: 'random' } }],
  run: { steps: 200, metricsEvery: 100 },
  output: { report: false },
};

describe('users of the lock', () => {
  it('tacit run refuses a folder another process holds, and writes nothing into it', async () => {
    const out = join(tmp, 'busy-run');
    const held = acquireFolderLock(out);
    if (!held.acquired) throw new Error('expected the lock');
    await expect(runExperiment(resolveExperiment(config), { out, quiet: true })).rejects.toThrow(/in use by another tacit process \(held by pid/);
    await expect(runExperiment(resolveExperiment({ ...config, run: { ...config.run, seeds: 2 } }), { out, quiet: true })).rejects.toThrow(
      /in use by another tacit process/,
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
    held.lock.release();
    await runExperiment(resolveExperiment(config), { out, quiet: true });
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it("a sweep leaves alone a run folder another process is writing (it used to delete that process's .partial)", async () => {
    const path = join(tmp, 'sweep.yaml');
    writeFileSync(path, JSON.stringify({ ...config, sweep: { grid: { 'agents[*].reward.scheme': ['local', 'team'] } } }));
    const out = join(tmp, 'sweep');
    const plan = planSweep(path, { out });
    const theirs = plan.runs[1]!;
    // Another process is mid-run in this folder: its .partial has no checkpoint yet.
    mkdirSync(`${theirs.dir}.partial`, { recursive: true });
    writeFileSync(join(`${theirs.dir}.partial`, 'metrics.jsonl'), '{"step":100}\n');
    const held = acquireFolderLock(theirs.dir, { purpose: 'tacit sweep (other)' });
    if (!held.acquired) throw new Error('expected the lock');
    const result = await runSweep(plan, { quiet: true, workers: 1 });
    expect(result.outcomes.map((o) => o.status)).toEqual(['complete', 'busy']);
    expect(result.busy[0]!.error).toContain('tacit sweep (other)');
    expect(readFileSync(join(`${theirs.dir}.partial`, 'metrics.jsonl'), 'utf8')).toBe('{"step":100}\n');
    expect(existsSync(theirs.dir)).toBe(false);
    held.lock.release();
    // Once the other process is gone, a rerun takes the unfinished folder over from scratch.
    const again = await runSweep(planSweep(path, { out }), { quiet: true, workers: 1 });
    expect(again.outcomes.map((o) => o.status)).toEqual(['complete']);
    expect(readFileSync(join(theirs.dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(`${theirs.dir}.lock`)).toBe(false);
  });

  it('a sweep skips a run another process completed after this sweep was planned', async () => {
    const path = join(tmp, 'sweep2.yaml');
    writeFileSync(path, JSON.stringify({ ...config, sweep: { grid: { 'agents[*].reward.scheme': ['local', 'team'] } } }));
    const out = join(tmp, 'sweep2');
    const stale = planSweep(path, { out });
    await runSweep(planSweep(path, { out }), { quiet: true, workers: 1 });
    const before = readFileSync(join(stale.runs[0]!.dir, 'metrics.jsonl'), 'utf8');
    const result = await runSweep(stale, { quiet: true, workers: 1 });
    expect(result.outcomes.map((o) => o.status)).toEqual(['skipped', 'skipped']);
    expect(result.completeDirs).toEqual(stale.runs.map((r) => r.dir));
    expect(readFileSync(join(stale.runs[0]!.dir, 'metrics.jsonl'), 'utf8')).toBe(before);
  });
});
