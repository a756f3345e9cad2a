/**
 * `tacit sweep`: expand an experiment's grid (its `sweep` section and `--grid` flags) × seeds into
 * single-seed runs, each with a deterministic id — a hash of its resolved config without the
 * output settings — and folder `<out>/<variant>-s<seed>-<id>`. Finished runs (complete folders with
 * that id) are skipped, so rerunning a sweep resumes it; unfinished ones continue from their
 * checkpoint. The rest run on the worker pool with a progress bar over runs (with ETA); a failed
 * run is retried once and then reported. The sweep's runs are listed in `<out>/sweep.json`, and at
 * the end the comparison is printed and an HTML report written (unless output.report is false or
 * --no-report).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import cliProgress from 'cli-progress';
import { plainProgress } from '../run/progress.js';
import { applyOverrides, readConfigFile } from '../config/load.js';
import { resolveExperiment } from '../config/resolve.js';
import { TacitError, UsageError } from '../core/errors.js';
import { hashValue, identityConfig } from '../report/variants.js';
import { slug } from '../report/figures/common.js';
import { applyPoint, parseGridFlag, type GridPoint } from '../config/sweep-grid.js';
import { runPool, type JobOutcome, type PoolJob } from './pool.js';

/** Options of planSweep. */
export interface SweepPlanOptions {
  /** `--grid path=v1,v2` flags (added to, or replacing, the file's axes). */
  readonly grid?: readonly string[];
  /** `--set` overrides of the base config. */
  readonly sets?: readonly string[];
  /** Seeds per point (count), overriding sweep.seeds and run.seeds. */
  readonly seeds?: number;
  /** Output folder (default `<output.dir>/<name>/sweep`). */
  readonly out?: string;
}

/** One planned run. */
export interface PlannedRun extends PoolJob {
  readonly variant: string;
  readonly values: Readonly<Record<string, unknown>>;
  /** 'done': a complete folder exists; 'resume': an unfinished one with a checkpoint; 'todo': new. */
  readonly state: 'done' | 'resume' | 'todo';
}

/** A planned sweep. */
export interface SweepPlan {
  readonly name: string;
  readonly outDir: string;
  readonly points: readonly GridPoint[];
  readonly seeds: readonly number[];
  readonly runs: readonly PlannedRun[];
  readonly workers?: number;
  readonly retries: number;
  /** Write a report at the end (output.report of the base config). */
  readonly report: boolean;
}

/** The run id: a hash of the resolved config minus output-only fields, plus the seed. */
export function runIdOf(config: Record<string, unknown>): string {
  const run = config['run'] as { seed?: number } | undefined;
  return hashValue({ config: identityConfig(config), seed: run?.seed ?? 0 }, 12);
}

/** Existing folders in `outDir` by run id: complete ones and unfinished (.partial) ones. */
function existingRuns(outDir: string): { complete: Map<string, string>; partial: Map<string, string> } {
  const complete = new Map<string, string>();
  const partial = new Map<string, string>();
  if (!existsSync(outDir)) return { complete, partial };
  for (const name of readdirSync(outDir)) {
    const m = /-([0-9a-f]{12})(\.partial)?$/.exec(name);
    if (!m) continue;
    const dir = join(outDir, name);
    if (m[2]) partial.set(m[1]!, dir.slice(0, -'.partial'.length));
    else if (existsSync(join(dir, 'summary.json'))) complete.set(m[1]!, dir);
  }
  return { complete, partial };
}

/**
 * The runs of `points` × `seeds` applied to the `base` config (no `sweep` section): each validated,
 * with its deterministic id and folder under `outDir`, and what is already done there. Shared by
 * `tacit sweep` and `tacit diagnose` (whose candidate fixes are grid points it builds itself).
 */
export function planRuns(base: unknown, configPath: string, points: readonly GridPoint[], seeds: readonly number[], outDir: string): PlannedRun[] {
  const existing = existingRuns(outDir);
  const runs: PlannedRun[] = [];
  const ids = new Set<string>();
  for (const point of points) {
    for (const seed of seeds) {
      let resolved;
      try {
        resolved = resolveExperiment(applyOverrides(applyPoint(base, point), [`run.seed=${seed}`, 'run.seeds=1']), `${configPath} [${point.label}]`);
      } catch (err) {
        if (err instanceof TacitError) throw new UsageError(`sweep point ${point.label}, seed ${seed}: ${err.message}`);
        throw err;
      }
      const config = resolved.config;
      const id = runIdOf(config);
      if (ids.has(id))
        throw new UsageError(`sweep points give identical configs (${point.label}, seed ${seed}): check that every grid path changes the config`);
      ids.add(id);
      const done = existing.complete.get(id);
      const partial = existing.partial.get(id);
      const resumable = partial !== undefined && existsSync(join(`${partial}.partial`, 'checkpoint.bin'));
      const dir = done ?? partial ?? join(outDir, `${slug(point.label)}-s${seed}-${id}`);
      runs.push({
        id,
        config,
        seed,
        dir,
        resume: !done && resumable,
        variant: point.label,
        values: point.values,
        state: done ? 'done' : resumable ? 'resume' : 'todo',
      });
    }
  }
  return runs;
}

/** Read the config, expand the grid × seeds, validate every run, and find what is already done. */
export function planSweep(configPath: string, options: SweepPlanOptions = {}): SweepPlan {
  const raw = applyOverrides(readConfigFile(configPath), options.sets ?? []) as Record<string, unknown>;
  // --grid flags join the file's grid; then the whole file is validated by the one path that
  // validate and run use (resolveExperiment checks the sweep section and every grid point).
  const fileSweep = (raw['sweep'] ?? {}) as Record<string, unknown>;
  const flagGrid = Object.fromEntries((options.grid ?? []).map(parseGridFlag));
  const withFlags = { ...raw, sweep: { ...fileSweep, grid: { ...((fileSweep['grid'] as Record<string, unknown> | undefined) ?? {}), ...flagGrid } } };
  const full = resolveExperiment(withFlags, configPath);
  const section = full.config.sweep!;
  const expansion = full.sweep!;
  if (expansion.points.length === 0)
    throw new UsageError(`nothing to sweep in ${configPath}: add a 'sweep: { grid: { <path>: [values] } }' section or --grid path=v1,v2`);
  const points = expansion.points;
  const { sweep: _sweep, ...base } = withFlags;
  const baseResolved = resolveExperiment(base, configPath);
  const baseSeed = baseResolved.config.run.seed;
  const seedSpec = options.seeds ?? expansion.seedAxis ?? section.seeds ?? baseResolved.config.run.seeds;
  const seeds: number[] = typeof seedSpec === 'number' ? Array.from({ length: seedSpec }, (_, k) => baseSeed + k) : [...seedSpec];
  const name = baseResolved.config.name;
  const outDir = resolvePath(options.out ?? join(baseResolved.config.output.dir, name, 'sweep'));
  const runs = planRuns(base, configPath, points, seeds, outDir);
  return {
    name,
    outDir,
    points,
    seeds,
    runs,
    ...(section.workers !== undefined ? { workers: section.workers } : {}),
    retries: section.retries,
    report: baseResolved.config.output.report,
  };
}

/**
 * Share `index` of `of` of the plan (array jobs: Kubernetes Indexed Jobs, SLURM arrays): every
 * `of`-th run from position `index`, so the shares are disjoint, cover the plan and are the same on
 * every machine (the plan's order is the grid's order × seeds).
 */
export function shareOf(plan: SweepPlan, index: number, of: number): SweepPlan {
  if (!Number.isInteger(of) || of < 1) throw new UsageError(`--of must be an integer >= 1, got ${of}`);
  if (!Number.isInteger(index) || index < 0 || index >= of) throw new UsageError(`--index must be an integer from 0 to ${of - 1} (--of ${of}), got ${index}`);
  return { ...plan, runs: plan.runs.filter((_, k) => k % of === index) };
}

/** Options of runSweep. */
export interface SweepRunOptions {
  readonly workers?: number;
  readonly quiet?: boolean;
  readonly command?: string;
  readonly signal?: { stop: boolean; onStop?: () => void };
  /** Override the retry count. */
  readonly retries?: number;
  /** Worker script (tests). */
  readonly workerUrl?: URL;
  /** Write `<out>/sweep.json` (default true; array-job shares do not, each knowing only its share). */
  readonly manifest?: boolean;
}

/** What a sweep did. */
export interface SweepResult {
  readonly outcomes: readonly JobOutcome[];
  readonly skipped: readonly PlannedRun[];
  /** Folders of every complete run of this sweep (skipped and new). */
  readonly completeDirs: readonly string[];
  readonly failed: readonly JobOutcome[];
  /** Runs another process was running when this sweep reached them (their folder was locked). */
  readonly busy: readonly JobOutcome[];
  readonly interrupted: boolean;
}

/** The sweep's facts about one run, as recorded in its run.json (`sweep`). */
export function sweepFacts(plan: SweepPlan, run: PlannedRun): Record<string, unknown> {
  return {
    name: plan.name,
    variant: run.variant,
    index: plan.points.findIndex((p) => p.label === run.variant),
    id: run.id,
    seed: run.seed,
    values: run.values,
  };
}

/** Record the sweep's facts in a finished run's run.json (for labels in compare and report). */
export function tagRunFolder(dir: string, facts: Readonly<Record<string, unknown>>): void {
  const path = join(dir, 'run.json');
  if (!existsSync(path)) return;
  const info = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  info['sweep'] = facts;
  writeFileSync(path, `${JSON.stringify(info, null, 2)}\n`);
}

/** Write `<out>/sweep.json`: the grid and every run's state. */
export function writeManifest(plan: SweepPlan, states: ReadonlyMap<string, string>): void {
  const manifest = {
    name: plan.name,
    variants: plan.points.map((p) => ({ label: p.label, values: p.values })),
    seeds: plan.seeds,
    runs: plan.runs.map((r) => ({
      id: r.id,
      variant: r.variant,
      seed: r.seed,
      dir: relative(plan.outDir, r.dir),
      status: states.get(r.id) ?? (r.state === 'done' ? 'complete' : 'pending'),
    })),
  };
  // Several sweeps may share the folder: write beside and rename, so a reader never sees half a file.
  const path = join(plan.outDir, 'sweep.json');
  writeFileSync(`${path}.${process.pid}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

function progressBar(total: number, label: string, enabled: boolean): { update(done: number, failed: number): void; stop(): void } {
  if (!enabled || total === 0) return { update() {}, stop() {} };
  if (!process.stderr.isTTY) {
    const plain = plainProgress(`sweep ${label}`, 'runs', total);
    return { update: (done) => plain.update(done), stop: () => plain.stop() };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `sweep ${label} |{bar}| {percentage}% | {runs}/{total} runs | ETA {eta_formatted} | failed {failed}`,
      hideCursor: true,
      etaBuffer: 40,
      fps: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { runs: 0, failed: 0 });
  return {
    update(done, failed) {
      bar.update(done, { runs: Math.floor(done + 1e-9), failed });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Run the planned sweep's unfinished runs. */
export async function runSweep(plan: SweepPlan, options: SweepRunOptions = {}): Promise<SweepResult> {
  const todo = plan.runs.filter((r) => r.state !== 'done');
  const skipped = plan.runs.filter((r) => r.state === 'done');
  const states = new Map<string, string>();
  mkdirSync(plan.outDir, { recursive: true });
  const manifest = options.manifest ?? true;
  if (manifest) writeManifest(plan, states);
  const fractions = new Map<string, number>();
  let finished = 0;
  let failedCount = 0;
  const bar = progressBar(todo.length, plan.name, !options.quiet);
  const redraw = (): void => bar.update(finished + [...fractions.values()].reduce((a, b) => a + b, 0), failedCount);
  const byId = new Map(plan.runs.map((r) => [r.id, r]));
  let outcomes: JobOutcome[];
  try {
    outcomes = await runPool(todo, {
      ...((options.workers ?? plan.workers) ? { workers: (options.workers ?? plan.workers)! } : {}),
      retries: options.retries ?? plan.retries,
      command: options.command ?? 'tacit sweep',
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
      onProgress(job, fraction) {
        fractions.set(job.id, Math.min(1, fraction));
        redraw();
      },
      onRetry(job, error) {
        fractions.delete(job.id);
        if (!options.quiet) process.stderr.write(`\nrun ${byId.get(job.id)!.variant} seed ${job.seed} failed (${error}); retrying\n`);
      },
      onDone(outcome) {
        fractions.delete(outcome.job.id);
        states.set(outcome.job.id, outcome.status);
        if (outcome.status === 'complete') {
          tagRunFolder(outcome.job.dir, sweepFacts(plan, byId.get(outcome.job.id)!));
          finished++;
        } else if (outcome.status === 'skipped') finished++;
        else if (outcome.status === 'failed') failedCount++;
        redraw();
      },
    });
  } finally {
    bar.stop();
  }
  if (manifest) writeManifest(plan, states);
  const completeDirs = plan.runs.filter((r) => r.state === 'done' || states.get(r.id) === 'complete' || states.get(r.id) === 'skipped').map((r) => r.dir);
  return {
    outcomes,
    skipped: [...skipped, ...outcomes.filter((o) => o.status === 'skipped').map((o) => byId.get(o.job.id)!)],
    completeDirs,
    failed: outcomes.filter((o) => o.status === 'failed'),
    busy: outcomes.filter((o) => o.status === 'busy'),
    interrupted: outcomes.some((o) => o.status === 'interrupted' || o.status === 'pending'),
  };
}
