/**
 * An exclusive lock per run folder, so any number of tacit processes (on one machine or on many
 * sharing a filesystem) can work on one results or sweep folder without two of them writing, or
 * deleting, the same run.
 *
 * The lock is a file `<dir>.lock` beside the folder (the folder itself is renamed from
 * `<dir>.partial` when it completes, so the lock cannot live inside it), created with O_EXCL
 * (`open(..., 'wx')`), which is atomic on local filesystems and on NFSv3+. It holds the owner's
 * pid, hostname, start time and a random token as JSON.
 *
 *   const got = acquireFolderLock(dir);
 *   if (!got.acquired) throw new Error(describeLockOwner(got));   // "held by pid 123 on host a since ..."
 *   try { ...check what is in the folder, write it, rename it... } finally { got.lock.release(); }
 *
 * Everything that decides what to do with a folder (is it complete? resume it? remove a stale
 * `.partial`?) must happen while holding the lock: the decision and the action are then atomic
 * with respect to every other holder.
 *
 * Stale locks: a process killed with SIGKILL leaves its lock behind. A lock whose owner ran on this
 * host and whose pid is no longer alive is taken over. A lock owned by another host is taken over
 * only when the caller's `isStale` says so (a job queue that knows that host's lease expired);
 * otherwise the result names the host, pid and time, and the user removes the lock file once that
 * machine is known to be gone. Takeover is
 * itself serialised by a short-lived O_EXCL file `<dir>.lock.takeover`, so two processes finding
 * the same stale lock cannot both win.
 *
 * The lock is not re-entrant: a second acquire from the same process (another worker thread, say)
 * is refused like any other.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Who holds a lock (the lock file's contents). */
export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** What the owner is doing (e.g. `tacit run`, `tacit sweep`); free text for messages. */
  readonly purpose?: string;
  /** Random id of this acquisition: release only removes the lock it took. */
  readonly token: string;
}

/** A held lock. */
export interface FolderLock {
  /** The lock file. */
  readonly path: string;
  readonly owner: LockOwner;
  /** Remove the lock file (if it is still ours). Idempotent. */
  release(): void;
}

/** What `acquireFolderLock` returns. */
export type LockResult =
  { readonly acquired: true; readonly lock: FolderLock } | { readonly acquired: false; readonly path: string; readonly owner: LockOwner | null };

/** Options of acquireFolderLock. */
export interface LockOptions {
  /** Recorded in the lock file for the messages other processes print. */
  readonly purpose?: string;
  /** This host's name (tests); default os.hostname(). */
  readonly host?: string;
  /** Whether a pid is alive on this host (tests); default a signal-0 probe. */
  readonly isAlive?: (pid: number) => boolean;
  /**
   * Whether a lock held by another host is stale, for callers that know more than the filesystem
   * (e.g. a job queue whose lease for that host expired). Default: never.
   */
  readonly isStale?: (owner: LockOwner) => boolean;
}

/** The lock file of a run folder. */
export function lockPathOf(dir: string): string {
  return `${dir.replace(/\/+$/, '').replace(/\.partial$/, '')}.lock`;
}

/** Whether a process with this pid exists on this machine. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The owner recorded in a lock file, or null when it is missing or unreadable (being written). */
export function readLockOwner(path: string): LockOwner | null {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return typeof data.pid === 'number' && typeof data.host === 'string' ? data : null;
  } catch {
    return null;
  }
}

/** "held by pid 123 on host a since 2026-...": for messages. */
export function describeLockOwner(result: { readonly path: string; readonly owner: LockOwner | null }): string {
  const o = result.owner;
  if (!o) return `locked by another process (${result.path} is being written)`;
  return `held by pid ${o.pid} on host ${o.host} since ${o.since}${o.purpose ? ` (${o.purpose})` : ''}; lock file ${result.path}`;
}

/** Create `path` exclusively with `text`; false if it exists. */
function createExclusive(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

// Locks still held when the process exits (a second Ctrl-C calls process.exit) are removed on the
// way out; after a SIGKILL, the next acquire takes the stale lock over instead.
const heldLocks = new Set<() => void>();
process.on('exit', () => {
  for (const release of [...heldLocks]) release();
});

/** Try to take the lock of run folder `dir` (creating its parent folder). Never waits. */
export function acquireFolderLock(dir: string, options: LockOptions = {}): LockResult {
  const path = lockPathOf(dir);
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? pidAlive;
  mkdirSync(dirname(path), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    host,
    since: new Date().toISOString(),
    ...(options.purpose ? { purpose: options.purpose } : {}),
    token: randomUUID(),
  };
  const text = `${JSON.stringify(owner)}\n`;
  const held = (): LockResult => {
    const release = (): void => {
      heldLocks.delete(release);
      // Only remove the file if it is still ours (it always is unless someone removed it by hand).
      if (readLockOwner(path)?.token === owner.token) unlinkQuiet(path);
    };
    heldLocks.add(release);
    return { acquired: true, lock: { path, owner, release } };
  };
  if (createExclusive(path, text)) return held();

  const current = readLockOwner(path);
  const stale = current !== null && current.pid !== process.pid && (current.host === host ? !isAlive(current.pid) : (options.isStale?.(current) ?? false));
  if (!stale) return { acquired: false, path, owner: current };

  // Take over a dead owner's lock, one process at a time.
  const takeover = `${path}.takeover`;
  if (!createExclusive(takeover, text)) {
    // Another process is taking it over right now, or one died doing so (then clear that for the next try).
    const other = readLockOwner(takeover);
    if (other && other.host === host && !isAlive(other.pid)) unlinkQuiet(takeover);
    return { acquired: false, path, owner: other ?? current };
  }
  try {
    // Re-read under the takeover lock: it must still be the same dead owner's lock.
    if (readLockOwner(path)?.token !== current.token) return { acquired: false, path, owner: readLockOwner(path) };
    unlinkQuiet(path);
    if (!createExclusive(path, text)) return { acquired: false, path, owner: readLockOwner(path) };
    return held();
  } finally {
    unlinkQuiet(takeover);
  }
}
