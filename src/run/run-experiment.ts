/**
 * Running a resolved experiment: pick the run folder, run one seed in-process or several on the
 * worker pool, aggregate multi-seed summaries (mean and 95% CI of every number), and finish the
 * folder atomically. Ctrl-C stops at the next metrics window and leaves the folder marked
 * interrupted (it keeps its `.partial` suffix).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import type { ResolvedExperiment } from '../config/resolved.js';
import { combineVerdicts } from '../detectors/detect-run.js';
import { aggregateSeeds } from '../stats/t-interval.js';
import { preparePolicies } from './prepare.js';
import { createProgress } from './progress.js';
import { provenance } from './provenance.js';
import { RunFolder } from './results.js';
import { acquireFolderLock, describeLockOwner } from './folder-lock.js';
import { UsageError } from '../core/errors.js';
import { durationForecaster, estimateMemory, formatBytes, workerCapNote } from '../config/cost.js';

/** Runs estimated to need at least this much memory say so when they start. */
const LARGE_RUN_BYTES = 1e9;
import { resumeTarget, runSeedToFolder, type RunMeta } from './seed-folder.js';
import { runSeedsInPool } from './seed-pool.js';
import type { SeedSummary } from './seed-summary.js';

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
  /** Continue the unfinished run in this folder (`out` is then that folder). */
  readonly resume?: boolean;
  /** Keep this runId (resume). */
  readonly runId?: string;
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
  const runId = options.runId ?? `${timestamp(new Date())}-${configHash(config)}`;
  const dir = resolvePath(options.out ?? join(config.output.dir, config.name, runId));
  const resume = options.resume ?? false;
  const facts = await preparePolicies(resolved);
  const meta: RunMeta = { runId, command: options.command ?? 'tacit run', backend: facts.backend ?? null };
  const seeds = seedList(resolved);
  const signal = options.signal ?? { stop: false };
  const stepsPerSeed = config.run.steps ?? config.run.maxSteps ?? 0;
  // One process per run folder: a second `tacit run --out` into the same folder (or a resume of a
  // run still going) is refused instead of interleaving writes.
  const got = acquireFolderLock(dir, { purpose: meta.command });
  if (!got.acquired)
    throw new UsageError(`run folder ${dir} is in use by another tacit process (${describeLockOwner(got)}): wait for it to finish, or choose another --out`);
  const progress = createProgress(stepsPerSeed * seeds.length, config.name, !options.quiet);
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  if (seeds.length > 1) {
    const note = workerCapNote('run.workers', config.run.workers);
    if (note) say(note);
  }
  const memory = estimateMemory(config, resolved.makeWorld(), resolved.assignments);
  if (memory.bytes >= LARGE_RUN_BYTES)
    say(`estimated memory: about ${formatBytes(memory.bytes)} (largest part: ${memory.parts[0]!.what}, ${formatBytes(memory.parts[0]!.bytes)})`);
  const forecast = durationForecaster(stepsPerSeed * seeds.length, say);

  try {
    if (seeds.length === 1) {
      const summary = await runSeedToFolder(
        resolved,
        seeds[0]!,
        dir,
        meta,
        (done, _total, findings) => {
          progress.update(done, { findings });
          forecast(done);
        },
        signal,
        resume,
      );
      return { dir: summary.interrupted ? `${dir}.partial` : dir, summary, interrupted: summary.interrupted };
    }
    const folder = new RunFolder(dir, resume);
    const startedAt = new Date();
    if (!resume) folder.writeJson('config.resolved.json', config);
    const runJson = (status: string): Record<string, unknown> => ({
      experiment: config.name,
      runId,
      seeds,
      ...provenance(),
      backend: meta.backend ?? null,
      startedAt: startedAt.toISOString(),
      finishedAt: status === 'running' ? null : new Date().toISOString(),
      durationSeconds: status === 'running' ? null : (Date.now() - startedAt.getTime()) / 1000,
      status,
      command: meta.command,
    });
    folder.writeJson('run.json', runJson('running'));
    let done = 0;
    const findings = new Map<number, number>();
    let summaries: SeedSummary[];
    // On resume, seeds whose folders are complete are kept; unfinished ones continue from their checkpoint.
    const seedDir = (s: number): string => join(folder.partialDir, 'seeds', `seed-${s}`);
    const finished = new Map<number, SeedSummary>();
    const resumable = new Set<number>();
    if (resume)
      for (const s of seeds) {
        if (existsSync(join(seedDir(s), 'summary.json'))) finished.set(s, JSON.parse(readFileSync(join(seedDir(s), 'summary.json'), 'utf8')) as SeedSummary);
        else if (existsSync(`${seedDir(s)}.partial`)) {
          if (existsSync(join(`${seedDir(s)}.partial`, 'checkpoint.bin'))) resumable.add(s);
          else rmSync(`${seedDir(s)}.partial`, { recursive: true, force: true });
        }
      }
    const todo = seeds.filter((s) => !finished.has(s));
    try {
      const fresh = await runSeedsInPool(config, todo, seedDir, meta, {
        resumeSeeds: [...resumable],
        ...(config.run.workers !== undefined ? { workers: config.run.workers } : {}),
        onProgress: (s, _d, _t, delta, found) => {
          findings.set(s, found);
          progress.update((done += delta), { findings: [...findings.values()].reduce((a, b) => a + b, 0) });
          forecast(done);
        },
        signal,
      });
      summaries = seeds.filter((s) => finished.has(s) || fresh.some((f) => f.seed === s)).map((s) => finished.get(s) ?? fresh.find((f) => f.seed === s)!);
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
    got.lock.release();
  }
}

/** Continue an interrupted run from its folder (single- or multi-seed), using its resolved config. */
export async function resumeExperiment(
  path: string,
  resolve: (config: unknown) => ResolvedExperiment,
  options: Omit<RunOptions, 'out' | 'resume' | 'runId'> = {},
): Promise<RunResult> {
  const dir = resumeTarget(path);
  const partial = `${dir}.partial`;
  const config = readRunFile<unknown>(partial, 'config.resolved.json');
  const run = readRunFile<{ runId?: unknown }>(partial, 'run.json');
  if (typeof run?.runId !== 'string')
    throw new UsageError(`cannot resume ${path}: ${join(partial, 'run.json')} has no runId; this folder was not written by tacit run`);
  return runExperiment(resolve(config), { ...options, out: dir, resume: true, runId: run.runId });
}

/** Read a JSON file of an unfinished run folder, or say clearly why it cannot be resumed. */
function readRunFile<T>(partial: string, name: string): T {
  const path = join(partial, name);
  if (!existsSync(path))
    throw new UsageError(
      `cannot resume ${partial}: it has no ${name}, so it is not a tacit run folder (or it was cut off before the run started); start the run again instead`,
    );
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new UsageError(
      `cannot resume ${partial}: ${name} is not readable JSON (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); start the run again instead`,
    );
  }
}

/** Combine per-seed summaries: every number becomes {mean, ciLow, ciHigh, sd, n, values}. */
export function multiSeedSummary(runId: string, seeds: readonly number[], summaries: readonly SeedSummary[]): Record<string, unknown> {
  const first = summaries[0]!;
  const strip = (s: SeedSummary): Record<string, unknown> => {
    const { experiment: _e, runId: _r, seed: _s, seeds: _ss, env: _env, kpiSpecs: _k, actionValues: _av, interrupted: _i, detections: _d, ...rest } = s;
    return rest;
  };
  return {
    experiment: first.experiment,
    runId,
    seeds,
    env: first.env,
    kpiSpecs: first.kpiSpecs,
    ...(first.actionValues ? { actionValues: first.actionValues } : {}),
    ...(aggregateSeeds(summaries.map(strip)) as Record<string, unknown>),
    detections: summaries.flatMap((s) => s.detections.map((d) => ({ seed: s.seed, ...d }))),
    verdicts: combineVerdicts(summaries),
    perSeed: summaries,
  };
}
