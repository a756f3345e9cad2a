/**
 * What `tacit ui` lists: the run folders and sweeps under a results root, with each run's status
 * and progress read from its files (run.json, metrics.jsonl's last step against run.steps, summary
 * KPIs). Reads only; cheap enough to repeat every second (the last metrics line is read from the
 * file's tail, not the whole file).
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** One run folder as the UI shows it. */
export interface UiRun {
  /** Path relative to the root, '/'-separated (the run's id in URLs). */
  readonly id: string;
  readonly experiment: string;
  readonly status: string;
  /** Steps done and planned across seeds (running runs), or null. */
  readonly done: number | null;
  readonly total: number | null;
  readonly seeds: number;
  readonly sweep: string | null;
  readonly hasReport: boolean;
  readonly kpis: Record<string, number>;
  readonly verdicts: Record<string, string>;
  readonly startedAt: string | null;
}

/** A sweep folder (holds sweep.json). */
export interface UiSweep {
  readonly id: string;
  readonly name: string;
  readonly runs: number;
  readonly complete: number;
  readonly hasReport: boolean;
}

function readJson(path: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The step of the last complete line of a metrics.jsonl (reads the last 64 KiB at most). */
export function lastStep(path: string): number {
  if (!existsSync(path)) return 0;
  const size = statSync(path).size;
  if (size === 0) return 0;
  const n = Math.min(size, 65536);
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, n, size - n);
  } finally {
    closeSync(fd);
  }
  const lines = buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0);
  for (let k = lines.length - 1; k >= 0; k--) {
    const m = /"step":(\d+)/.exec(lines[k]!);
    if (m) return Number(m[1]);
  }
  return 0;
}

function numbers(o: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries((o ?? {}) as Record<string, unknown>)) {
    if (typeof v === 'number') out[k] = v;
    else if (v && typeof v === 'object' && typeof (v as { mean?: unknown }).mean === 'number') out[k] = (v as { mean: number }).mean;
  }
  return out;
}

function runOf(root: string, dir: string, sweep: string | null): UiRun {
  const run = readJson(join(dir, 'run.json')) ?? {};
  const config = readJson(join(dir, 'config.resolved.json')) ?? {};
  const summary = readJson(join(dir, 'summary.json'));
  const runCfg = (config['run'] ?? {}) as { steps?: number; seeds?: number };
  const seedsDir = join(dir, 'seeds');
  const seedDirs = existsSync(seedsDir) ? readdirSync(seedsDir).map((d) => join(seedsDir, d)) : [dir];
  const status = String(run['status'] ?? (summary ? 'complete' : 'unknown'));
  const steps = runCfg.steps ?? null;
  const seeds = Math.max(1, runCfg.seeds ?? seedDirs.length);
  const done =
    status === 'running' ? seedDirs.reduce((s, d) => s + (existsSync(join(d, 'summary.json')) ? (steps ?? 0) : lastStep(join(d, 'metrics.jsonl'))), 0) : null;
  const verdicts: Record<string, string> = {};
  for (const [k, v] of Object.entries((summary?.['verdicts'] ?? {}) as Record<string, { outcome?: string; fired?: boolean; firedShare?: number }>))
    verdicts[k] =
      v.outcome ??
      (v.fired === true ? 'fired' : v.fired === false ? 'clear' : typeof v.firedShare === 'number' ? `${Math.round(v.firedShare * 100)}% fired` : '?');
  return {
    id: relative(root, dir).split(sep).join('/'),
    experiment: String(run['experiment'] ?? config['name'] ?? '?'),
    status,
    done,
    total: status === 'running' && steps !== null ? steps * seeds : null,
    seeds,
    sweep,
    hasReport: existsSync(join(dir, 'report.html')),
    kpis: numbers(summary?.['kpis']),
    verdicts,
    startedAt: typeof run['startedAt'] === 'string' ? run['startedAt'] : null,
  };
}

/** Every run folder and sweep under `root` (depth-limited walk; a run's own seeds/ are not listed apart). */
export function scanResults(root: string, maxDepth = 6): { runs: UiRun[]; sweeps: UiSweep[] } {
  const runs: UiRun[] = [];
  const sweeps: UiSweep[] = [];
  const walk = (dir: string, depth: number, sweep: string | null): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    if (entries.includes('run.json')) {
      runs.push(runOf(root, dir, sweep));
      return;
    }
    let here = sweep;
    if (entries.includes('sweep.json')) {
      const manifest = readJson(join(dir, 'sweep.json')) as { name?: string; runs?: { status?: string }[] } | null;
      here = relative(root, dir).split(sep).join('/');
      sweeps.push({
        id: here,
        name: manifest?.name ?? here,
        runs: manifest?.runs?.length ?? 0,
        complete: manifest?.runs?.filter((r) => r.status === 'complete').length ?? 0,
        hasReport: entries.includes('report.html'),
      });
    }
    if (depth >= maxDepth) return;
    for (const e of entries.sort()) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(dir, e);
      try {
        if (statSync(p).isDirectory()) walk(p, depth + 1, here);
      } catch {
        // vanished while listing (a .partial renamed on completion)
      }
    }
  };
  walk(root, 0, null);
  return { runs, sweeps };
}
