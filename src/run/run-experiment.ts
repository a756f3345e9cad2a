/**
 * Running a resolved experiment: pick the run folder, run one seed in-process or several on the
 * worker pool, aggregate multi-seed summaries (mean and 95% CI of every number), and finish the
 * folder atomically. Ctrl-C stops at the next metrics window and leaves the folder marked
 * interrupted (it keeps its `.partial` suffix).
 */
import { createHash } from 'node:crypto';
import { join, resolve as resolvePath } from 'node:path';
import type { ResolvedExperiment } from '../config/resolve.js';
import { aggregateSeeds } from '../stats/t-interval.js';
import { createProgress } from './progress.js';
import { provenance } from './provenance.js';
import { RunFolder } from './results.js';
import { runSeedToFolder, type RunMeta } from './seed-folder.js';
import { runSeedsInPool } from './seed-pool.js';
import type { SeedSummary } from './seed-run.js';

/** Options of `runExperiment`. */
export interface RunOptions {
  /** Output folder (default `<output.dir>/<name>/<runId>`). */
  readonly out?: string;
  /** Hide the progress bar. */
  readonly quiet?: boolean;
  /** The command line, for run.json. */
  readonly command?: string;
  /** Stop flag set by a SIGINT handler. */
  readonly signal?: { stop: boolean; onStop?: () => void };
}

/** What a finished run returns. */
export interface RunResult {
  readonly dir: string;
  readonly summary: Record<string, unknown>;
  readonly interrupted: boolean;
}

/** Short hash of the resolved config: identical configs get identical hashes. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 8);
}

function timestamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** The seeds a config runs: seed, seed+1, ..., seed+seeds-1. */
export function seedList(resolved: ResolvedExperiment): number[] {
  return Array.from({ length: resolved.config.run.seeds }, (_, k) => resolved.config.run.seed + k);
}

/** Run every seed of the experiment and write its folder. */
export async function runExperiment(resolved: ResolvedExperiment, options: RunOptions = {}): Promise<RunResult> {
  const { config } = resolved;
  const runId = `${timestamp(new Date())}-${configHash(config)}`;
  const dir = resolvePath(options.out ?? join(config.output.dir, config.name, runId));
  const meta: RunMeta = { runId, command: options.command ?? 'tacit run' };
  const seeds = seedList(resolved);
  const signal = options.signal ?? { stop: false };
  const stepsPerSeed = config.run.steps ?? config.run.maxSteps ?? 0;
  const progress = createProgress(stepsPerSeed * seeds.length, config.name, !options.quiet);

  try {
    if (seeds.length === 1) {
      const summary = runSeedToFolder(resolved, seeds[0]!, dir, meta, (done) => progress.update(done), signal);
      return { dir: summary.interrupted ? `${dir}.partial` : dir, summary: summary as unknown as Record<string, unknown>, interrupted: summary.interrupted };
    }
    const folder = new RunFolder(dir);
    const startedAt = new Date();
    folder.writeJson('config.resolved.json', config);
    const runJson = (status: string): Record<string, unknown> => ({
      experiment: config.name,
      runId,
      seeds,
      ...provenance(),
      backend: null,
      startedAt: startedAt.toISOString(),
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      durationSeconds: status === 'running' ? null : (Date.now() - startedAt.getTime()) / 1000,
      status,
      command: meta.command,
    });
    folder.writeJson('run.json', runJson('running'));
    let done = 0;
    let summaries: SeedSummary[];
    try {
      summaries = await runSeedsInPool(config, seeds, (s) => join(folder.partialDir, 'seeds', `seed-${s}`), meta, {
        ...(config.run.workers !== undefined ? { workers: config.run.workers } : {}),
        onProgress: (_s, _d, _t, delta) => progress.update((done += delta)),
        signal,
      });
    } catch (err) {
      folder.writeJson('run.json', { ...runJson('failed'), error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    const interrupted = signal.stop || summaries.length < seeds.length || summaries.some((s) => s.interrupted);
    const summary = multiSeedSummary(runId, seeds, summaries);
    folder.writeJson('summary.json', summary);
    folder.writeJson('run.json', runJson(interrupted ? 'interrupted' : 'complete'));
    if (!interrupted) folder.complete();
    return { dir: interrupted ? folder.partialDir : dir, summary, interrupted };
  } finally {
    progress.stop();
  }
}

/** Combine per-seed summaries: every number becomes {mean, ciLow, ciHigh, sd, n, values}. */
export function multiSeedSummary(runId: string, seeds: readonly number[], summaries: readonly SeedSummary[]): Record<string, unknown> {
  const first = summaries[0]!;
  const strip = (s: SeedSummary): Record<string, unknown> => {
    const { experiment: _e, runId: _r, seed: _s, seeds: _ss, env: _env, kpiSpecs: _k, interrupted: _i, detections: _d, ...rest } = s;
    return rest;
  };
  return {
    experiment: first.experiment,
    runId,
    seeds,
    env: first.env,
    kpiSpecs: first.kpiSpecs,
    ...(aggregateSeeds(summaries.map(strip)) as Record<string, unknown>),
    detections: summaries.flatMap((s) => s.detections.map((d) => ({ seed: s.seed, ...d }))),
    perSeed: summaries,
  };
}
