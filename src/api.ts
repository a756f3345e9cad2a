/**
 * tacit as a library: the package's main entry (`import { … } from 'tacit'`, docs/api.md). It owns
 * nothing itself; it names the supported ways in:
 *
 *   createWorld / createEnv / createEngine   a registered world, its checked Parallel API, its fast VecEngine
 *   runExperiment                            an experiment from a config object (validated like a file)
 *   readRun                                  a results folder (config, summary, metrics, findings)
 *   detect / detectRun                       the detectors on a ledger (metrics rows) or a run folder
 *   fork / whatIf                            a world forked at its current position, and a what-if
 *                                            comparison of two courses of action from there
 *   serve                                    `tacit serve` in-process
 *
 * Everything else under src/ is internal and may change without notice.
 */
import { resolveExperiment } from './config/resolve.js';
import type { ResolvedExperiment } from './config/resolved.js';
import { parseWith } from './core/format-issues.js';
import { AutoresetMode, VecEngine } from './core/engine.js';
import { ConfigError } from './core/errors.js';
import { ParallelEnv, type ActionInput, type ParallelStepResult } from './core/parallel-env.js';
import type { World } from './core/world.js';
import { DetectorSuite, type SuiteReport } from './detectors/index.js';
import { detectRun, parseDetectorsConfig, type RunDetection } from './detectors/detect-run.js';
import { ledgerFromRows } from './detectors/ledger.js';
import { loadRun, type RunRecord } from './report/load.js';
import { preparePolicies } from './run/prepare.js';
import { runExperiment as runResolved, type RunResult } from './run/run-experiment.js';
import { startServer, type RunningServer, type ServeOptions } from './serve/server.js';
import { worlds } from '../envs/index.js';
import { policies } from '../policies/index.js';

export { AutoresetMode, VecEngine, ParallelEnv, ConfigError, worlds, policies };
export type { ActionInput, ParallelStepResult, World, RunResult, RunRecord, RunDetection, SuiteReport, RunningServer, ServeOptions, ResolvedExperiment };
export { TacitError, EnvUsageError, UnknownEnvError } from './core/errors.js';
export type { Space } from './core/spaces.js';
export type { AgentSpec, KpiSpec, WorldSpec } from './core/world.js';
export type { WorldEvent } from './core/world-event.js';
export type { EngineOptions } from './core/engine.js';
export type { ExperimentConfig } from './config/schema.js';

/** A world of a registered id with `params` validated (defaults applied); a ConfigError names any bad field. */
export function createWorld(id: string, params: Record<string, unknown> = {}): World {
  const spec = worlds.get(id);
  const parsed = parseWith(spec.paramsSchema, params, 'params');
  if (!parsed.ok) throw new ConfigError(parsed.issues, `invalid params for ${id}`);
  return spec.create(parsed.data as Record<string, unknown>);
}

/** The checked, id-keyed Parallel API over one copy of a world (reset(seed), step({agent: action})). */
export function createEnv(world: World | string, params: Record<string, unknown> = {}): ParallelEnv {
  return new ParallelEnv(typeof world === 'string' ? createWorld(world, params) : world);
}

/** The fast engine: `numEnvs` copies in lockstep with agent-major typed buffers (see VecEngine). */
export function createEngine(
  world: World | string,
  options: { numEnvs: number; seed: number; autoreset?: AutoresetMode; params?: Record<string, unknown> },
): VecEngine {
  const w = typeof world === 'string' ? createWorld(world, options.params ?? {}) : world;
  return new VecEngine(w, { numEnvs: options.numEnvs, seed: options.seed, ...(options.autoreset !== undefined ? { autoreset: options.autoreset } : {}) });
}

/**
 * Run an experiment from a config object (the same shape as an experiments/*.yaml file),
 * validated like a file, and write its results folder. Resolves when the run is done.
 */
export async function runExperiment(config: unknown, options: { out?: string; quiet?: boolean } = {}): Promise<RunResult> {
  const resolved = resolveExperiment(config, 'the config object');
  await preparePolicies(resolved);
  return runResolved(resolved, { quiet: options.quiet ?? true, command: 'library: runExperiment', ...(options.out !== undefined ? { out: options.out } : {}) });
}

/** A results folder: its config, provenance, summary, and lazily read metrics rows and findings per seed. */
export function readRun(dir: string): RunRecord {
  return loadRun(dir);
}

/**
 * Run the registered detectors over a ledger: metrics rows as in metrics.jsonl (`reward/<agent>`,
 * `kpi/<name>`, ...). `kpis` gives each KPI's direction (and reference, for miscoordination);
 * `detectors` is an experiment's `detectors:` section (thresholds, `false` to switch one off).
 */
export function detect(
  rows: readonly Record<string, number>[],
  options: { kpis?: readonly { name: string; better: 'higher' | 'lower'; reference?: number }[]; detectors?: unknown } = {},
): SuiteReport {
  const config = parseDetectorsConfig(options.detectors ?? {}, 'detect(): options.detectors');
  const suite = new DetectorSuite(config, { plannedRows: rows.length });
  // The online detectors see the ledger grow window by window, as during a run.
  const ledger = ledgerFromRows([], { meta: ledgerFromRows(rows, { kpiSpecs: options.kpis ?? [] }).meta });
  for (const row of rows) {
    ledger.append(row);
    suite.push(ledger);
  }
  return suite.finish(ledger);
}

export { detectRun };

/** A copy of `env` at its current position (state, live agents, step count). Stepping either leaves the other untouched. */
export function fork<S extends object>(env: ParallelEnv<S>): ParallelEnv<S> {
  const copy = new ParallelEnv(env.world);
  copy.restore(env.snapshot());
  return copy;
}

/** A course of action for `whatIf`: the joint action to take given the step (0-based) and the current observations. */
export type CourseOfAction = (step: number, observations: Readonly<Record<string, Float32Array>>) => Readonly<Record<string, ActionInput>>;

/** Totals of one branch of a what-if. */
export interface BranchResult {
  /** Steps taken (fewer than asked when the episode ended). */
  readonly steps: number;
  /** Per agent: the sum of its local rewards over the branch. */
  readonly rewards: Record<string, number>;
  /** Per KPI: its sum over the branch's steps. */
  readonly kpis: Record<string, number>;
  /** Every step's result, in order. */
  readonly trajectory: readonly ParallelStepResult[];
}

/** What `whatIf` returns: both branches and alternative − baseline. */
export interface WhatIfResult {
  readonly baseline: BranchResult;
  readonly alternative: BranchResult;
  readonly difference: { readonly rewards: Record<string, number>; readonly kpis: Record<string, number> };
}

/**
 * What if the agents had acted differently from here? Forks `env` twice at its current position
 * and plays `baseline` on one fork and `alternative` on the other for up to `steps` steps. The
 * world's randomness lives in its state, so both branches see the same demand, noise and shocks
 * (common random numbers): the difference is the effect of the actions alone. `env` is not moved.
 */
export function whatIf(env: ParallelEnv, courses: { baseline: CourseOfAction; alternative: CourseOfAction }, steps: number): WhatIfResult {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`whatIf: steps must be a positive integer, got ${steps}`);
  const start = env.snapshot();
  const firstObs = env.observe();
  const branch = (course: CourseOfAction): BranchResult => {
    const f = new ParallelEnv(env.world);
    f.restore(start);
    const rewards: Record<string, number> = Object.fromEntries(env.possibleAgents.map((a) => [a, 0]));
    const kpis: Record<string, number> = Object.fromEntries(env.world.kpis.map((k) => [k.name, 0]));
    const trajectory: ParallelStepResult[] = [];
    let obs = firstObs;
    for (let t = 0; t < steps && f.agents.length > 0; t++) {
      const r = f.step(course(t, obs));
      for (const [a, v] of Object.entries(r.localRewards)) rewards[a]! += v;
      for (const [k, v] of Object.entries(r.kpis)) kpis[k]! += v;
      trajectory.push(r);
      obs = r.observations;
    }
    return { steps: trajectory.length, rewards, kpis, trajectory };
  };
  const baseline = branch(courses.baseline);
  const alternative = branch(courses.alternative);
  const diff = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.keys(a).map((k) => [k, b[k]! - a[k]!]));
  return { baseline, alternative, difference: { rewards: diff(baseline.rewards, alternative.rewards), kpis: diff(baseline.kpis, alternative.kpis) } };
}

/** Start `tacit serve` in this process (docs/interop.md); port 0 picks a free port. */
export function serve(options: ServeOptions = {}): Promise<RunningServer> {
  return startServer(options);
}
