/**
 * What a run will cost before it starts: the memory its big buffers need (world copies, rollouts,
 * replay buffers, networks), checked against this machine so a config that cannot fit is refused
 * with the field to change instead of failing deep inside an allocation; worker counts capped at
 * the cores; and, once a run is going, a projection of its duration from its own measured speed
 * for runs that will take long.
 */
import { constants as bufferConstants } from 'node:buffer';
import { availableParallelism, totalmem } from 'node:os';
import { serialize } from 'node:v8';
import type { ConfigIssue } from '../core/errors.js';
import type { World } from '../core/world.js';
import type { AgentAssignment } from './resolved.js';
import type { ExperimentConfig } from './schema.js';

/** One part of a run's memory, by the config field that sets it. */
export interface MemoryItem {
  readonly field: string;
  readonly bytes: number;
  readonly what: string;
  /** Bytes of its largest single array. */
  readonly largestArray: number;
}

/** A run's estimated memory. */
export interface MemoryEstimate {
  /** One seed's parts, largest first. */
  readonly parts: readonly MemoryItem[];
  readonly bytesPerSeed: number;
  /** Seeds that run at the same time (worker threads), each with its own copy. */
  readonly parallelSeeds: number;
  readonly bytes: number;
}

/** "1.5 GB" and the like. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return 'more than any machine has';
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let u = 0;
  while (n >= 1000 && u < units.length - 1) ((n /= 1000), u++);
  return `${u === 0 ? n : n.toPrecision(3)} ${units[u]}`;
}

/** Worker threads a run uses: the request (default one per core), never more than the cores. */
export function workerCount(requested: number | undefined, tasks: number): number {
  return Math.max(1, Math.min(tasks, requested ?? availableParallelism(), availableParallelism()));
}

/** The note to print when a requested worker count is above the cores (or undefined). */
export function workerCapNote(field: string, requested: number | undefined): string | undefined {
  const cores = availableParallelism();
  if (requested === undefined || requested <= cores) return undefined;
  return `${field} ${requested} is more than this machine's ${cores} cores: using ${cores} worker threads`;
}

/** Estimate the memory of a run of `config` (world instance and assignments from resolveExperiment). */
export function estimateMemory(config: ExperimentConfig, world: World, assignments: readonly AgentAssignment[]): MemoryEstimate {
  const numEnvs = config.run.numEnvs;
  const parts: MemoryItem[] = [];
  // The engine: three copies of every world state (current, previous, snapshot for resets) and the
  // per-copy observation, action, reward and KPI buffers (several each, double-buffered).
  let stateBytes = 0;
  try {
    stateBytes = serialize(world.createState()).length;
  } catch {
    stateBytes = 1024;
  }
  const perCopy =
    3 * stateBytes +
    world.observationSpaces.reduce((a, s) => a + s.size * 4 * 4, 0) +
    world.actionSpaces.reduce((a, s) => a + s.size * 8 * 3, 0) +
    world.rewardComponents.reduce((a, c) => a + c.length * 8 * 2, 0) +
    world.kpis.length * 8 * 2 +
    world.agents.length * 8 * 4;
  const widestObs = Math.max(...world.observationSpaces.map((s) => s.size), 1);
  parts.push({
    field: 'run.numEnvs',
    bytes: numEnvs * perCopy,
    what: `world copies (numEnvs ${numEnvs} × about ${formatBytes(perCopy)} each)`,
    largestArray: numEnvs * Math.max(widestObs * 4, stateBytes),
  });
  for (const a of assignments)
    for (const p of a.policy.memory?.(world, a.agent, a.policyParams, numEnvs) ?? [])
      parts.push({ field: `agents[${a.entry}].policy.params.${p.param}`, bytes: p.bytes, what: `${a.agent.id}'s ${p.what}`, largestArray: p.largestArray });
  parts.sort((x, y) => y.bytes - x.bytes);
  const bytesPerSeed = parts.reduce((s, p) => s + p.bytes, 0);
  const parallelSeeds = config.run.seeds > 1 ? workerCount(config.run.workers, config.run.seeds) : 1;
  return { parts, bytesPerSeed, parallelSeeds, bytes: bytesPerSeed * parallelSeeds };
}

/**
 * The largest single buffer a config may ask for. Node 20 caps buffers at 4 GiB; Node 22+ reports
 * 2^53 - 1, which no machine can back. Using the smaller bound on every Node keeps the same config
 * valid or invalid on every Node version (CI runs both).
 */
export const MAX_ARRAY_BYTES = Math.min(bufferConstants.MAX_LENGTH, 2 ** 32);

/** Memory a run may plan to use: this machine's physical memory. */
export function memoryLimit(): number {
  return totalmem();
}

/** Problems with an estimate: more than the machine has, or one buffer above the largest array Node can allocate. */
export function memoryIssues(estimate: MemoryEstimate, limit = memoryLimit()): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const largest = estimate.parts[0];
  if (!largest) return issues;
  const maxArray = MAX_ARRAY_BYTES;
  for (const p of estimate.parts)
    if (p.largestArray > maxArray && !issues.some((i) => i.path === p.field))
      issues.push({
        path: p.field,
        message: `needs one array of about ${formatBytes(p.largestArray)} for ${p.what}; the largest array Node can allocate is ${formatBytes(maxArray)}: lower it`,
      });
  if (issues.length === 0 && estimate.bytes > limit) {
    const seeds = estimate.parallelSeeds > 1 ? ` × ${estimate.parallelSeeds} seeds running at once (lower run.workers to run fewer at a time)` : '';
    issues.push({
      path: largest.field,
      message: `the run needs about ${formatBytes(estimate.bytes)} of memory (${formatBytes(estimate.bytesPerSeed)} per seed${seeds}), more than this machine's ${formatBytes(limit)}; the largest part is ${largest.what}, ${formatBytes(largest.bytes)}: lower it`,
    });
  }
  return issues;
}

/** A run that is projected to take longer than this gets a one-line estimate on stderr. */
export const LONG_RUN_SECONDS = 600;
/** Measure the speed over at least this long before projecting. */
const MEASURE_SECONDS = 5;

/** "3 h 20 min" and the like. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 2 * 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  if (seconds < 730 * 86400) return `${Math.round(seconds / 86400)} days`;
  return `${(seconds / (365 * 86400)).toPrecision(3)} years`;
}

/**
 * Watches a run's progress and, once it has run for a few seconds, says how long the whole run
 * will take at the speed seen so far, if that is long. The estimate is printed, never used.
 */
export function durationForecaster(totalSteps: number, print: (line: string) => void): (done: number) => void {
  const started = performance.now();
  let said = false;
  return (done) => {
    if (said || done <= 0) return;
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed < MEASURE_SECONDS) return;
    said = true;
    const total = (elapsed * totalSteps) / done;
    if (total >= LONG_RUN_SECONDS)
      print(
        `estimated time: about ${formatDuration(total)} in all (${formatDuration(total - elapsed)} to go) at the speed of the first ${Math.round(elapsed)} s; Ctrl-C stops at the next metrics window (runs with learners keep a checkpoint to --resume)`,
      );
  };
}
