/**
 * Reading run folders (docs/results-format.md) for compare and report. A path may be one run
 * folder (single- or multi-seed layout) or any folder above run folders (an experiment folder, a
 * sweep folder, results/); folders still suffixed `.partial` are incomplete and skipped with a note.
 * Every seed becomes one `SeedRecord`, the unit of the statistics; metrics and events are read
 * lazily (compare needs only summaries).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { MetricsRow } from '../core/metrics-row.js';

/** One detector finding (events.jsonl `type: "finding"` or summary `detections`). */
export interface Finding {
  readonly detector: string;
  readonly kind: string;
  readonly agents: readonly string[];
  readonly startStep: number;
  readonly endStep: number;
  readonly score?: number;
  readonly pValue?: number;
  readonly confidence?: number;
  readonly evidence?: Record<string, unknown>;
}

/** What compare and report read from a single-seed summary.json (all optional: runs differ). */
export interface SeedSummary {
  readonly seed?: number;
  readonly seeds?: readonly number[];
  readonly steps?: number;
  readonly env?: { readonly id: string; readonly params?: Record<string, unknown> };
  readonly agents?: Record<
    string,
    { role?: string; policy?: string; rewardScheme?: string; meanReward?: number; meanShapedReward?: number; rewardComponents?: Record<string, number> }
  >;
  readonly kpis?: Record<string, number>;
  readonly kpiSpecs?: KpiSpecs;
  readonly metrics?: Record<string, unknown>;
  readonly detections?: readonly Finding[];
  readonly verdicts?: Record<string, unknown>;
}

/** KPI directions as the runner writes them (a map) or as a list of world KpiSpecs. */
export type KpiSpecs = Record<string, { better?: string; description?: string }> | readonly { name: string; better?: string; description?: string }[];

/** One seed of one run. */
export interface SeedRecord {
  readonly seed: number;
  /** The seed's own folder (the run folder for single-seed runs); null when only perSeed summaries exist. */
  readonly dir: string | null;
  readonly summary: SeedSummary;
  /** metrics.jsonl rows (empty when absent). */
  metrics(): readonly MetricsRow[];
  /** Detector findings of this seed. */
  findings(): readonly Finding[];
}

/** One run folder. */
export interface RunRecord {
  readonly dir: string;
  /** run.json (provenance). */
  readonly run: Record<string, unknown>;
  /** config.resolved.json. */
  readonly config: Record<string, unknown>;
  /** The top-level summary.json. */
  readonly summary: Record<string, unknown>;
  readonly seeds: readonly SeedRecord[];
}

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function readJsonl<T>(path: string, keep?: (line: string) => boolean): T[] {
  if (!existsSync(path)) return [];
  const out: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '' || (keep && !keep(line))) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      throw new UsageError(`malformed line in ${path}: ${line.slice(0, 80)} (every line must be one JSON object)`);
    }
  }
  return out;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = make();
      done = true;
    }
    return value as T;
  };
}

function seedRecord(dir: string | null, summary: SeedSummary, fallbackSeed: number): SeedRecord {
  const seed = typeof summary.seed === 'number' ? summary.seed : (summary.seeds?.[0] ?? fallbackSeed);
  return {
    seed,
    dir,
    summary,
    metrics: lazy(() => (dir ? readJsonl<MetricsRow>(join(dir, 'metrics.jsonl')) : [])),
    findings: lazy(() => {
      if (dir && existsSync(join(dir, 'events.jsonl')))
        return readJsonl<Finding & { type: string }>(join(dir, 'events.jsonl'), (l) => l.includes('"finding"')).filter((e) => e.type === 'finding');
      return summary.detections ?? [];
    }),
  };
}

/** Whether `dir` is a run folder (has summary.json). */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, 'summary.json'));
}

/** Load one complete run folder. */
export function loadRun(dir: string): RunRecord {
  const abs = resolve(dir);
  if (!isRunDir(abs)) throw new UsageError(`${dir} is not a complete run folder (no summary.json); pass a folder written by 'tacit run' or 'tacit sweep'`);
  const summary = readJson(join(abs, 'summary.json'));
  const run = existsSync(join(abs, 'run.json')) ? readJson(join(abs, 'run.json')) : {};
  const config = existsSync(join(abs, 'config.resolved.json')) ? readJson(join(abs, 'config.resolved.json')) : {};
  let seeds: SeedRecord[];
  const seedsDir = join(abs, 'seeds');
  if (existsSync(seedsDir) && statSync(seedsDir).isDirectory()) {
    seeds = readdirSync(seedsDir)
      .filter((name) => /^seed-\d+$/.test(name) && isRunDir(join(seedsDir, name)))
      .map((name) => {
        const sd = join(seedsDir, name);
        return seedRecord(sd, readJson(join(sd, 'summary.json')) as SeedSummary, Number(name.slice(5)));
      })
      .sort((a, b) => a.seed - b.seed);
  } else if (Array.isArray(summary['perSeed'])) {
    seeds = (summary['perSeed'] as SeedSummary[]).map((s, k) => seedRecord(null, s, k));
  } else {
    seeds = [seedRecord(abs, summary as SeedSummary, 0)];
  }
  return { dir: abs, run, config, summary, seeds };
}

/** Run folders found under the given paths, and the incomplete ones skipped. */
export interface Discovery {
  readonly runs: string[];
  readonly skipped: { dir: string; reason: string }[];
}

/** Find run folders at or below each path (up to `depth` levels), in a stable order. */
export function discoverRuns(paths: readonly string[], depth = 4): Discovery {
  const runs: string[] = [];
  const skipped: { dir: string; reason: string }[] = [];
  const visit = (dir: string, level: number): void => {
    if (basename(dir).endsWith('.partial')) {
      skipped.push({ dir, reason: 'incomplete (.partial): interrupted or still running' });
      return;
    }
    if (isRunDir(dir)) {
      runs.push(dir);
      return;
    }
    if (level >= depth) return;
    for (const name of readdirSync(dir).sort()) {
      const sub = join(dir, name);
      if (!name.startsWith('.') && statSync(sub).isDirectory()) visit(sub, level + 1);
    }
  };
  for (const p of paths) {
    const abs = resolve(p);
    if (!existsSync(abs)) throw new UsageError(`no such folder: ${p}`);
    if (!statSync(abs).isDirectory()) throw new UsageError(`${p} is not a folder; pass run folders or folders that contain them`);
    visit(abs, 0);
  }
  return { runs: [...new Set(runs)], skipped };
}

/** Discover and load every run under `paths`; a clear error when there are none. */
export function loadRuns(paths: readonly string[]): { runs: RunRecord[]; skipped: Discovery['skipped'] } {
  const found = discoverRuns(paths);
  if (found.runs.length === 0)
    throw new UsageError(
      `no complete run folders under ${paths.join(', ')}${found.skipped.length ? ` (${found.skipped.length} incomplete .partial folders skipped)` : ''}; run 'tacit run' or 'tacit sweep' first`,
    );
  return { runs: found.runs.map(loadRun), skipped: found.skipped };
}
