/**
 * The contract of a loop that runs one seed (the generic loop in seed-run.ts, or a world's fast
 * path driven by fast-path-loop.ts): its options, where it sends what it records, its checkpoint.
 * Types only. (What a fast path itself provides is src/core/fast-path.ts.)
 */
import type { VecEngine } from '../core/engine.js';
import type { MetricsRow } from '../core/metrics-row.js';
import type { Policy } from '../core/policy.js';
import type { World } from '../core/world.js';

/** Where a seed run sends what it records. */
export interface RunSink {
  /** One metrics window row. */
  metrics(row: MetricsRow): void;
  /** One events.jsonl object (world event or finding). */
  event(obj: Record<string, unknown>): void;
}

/** Options of one seed run. */
export interface SeedRunOptions {
  /** The seed run's master seed. */
  readonly seed: number;
  readonly sink: RunSink;
  /** Called at every metrics window with steps done and the step budget (for progress bars). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Set `stop` to true to end the run at the next window (Ctrl-C). */
  readonly signal?: { stop: boolean };
  /** Take a checkpoint every this many engine steps (at window ends); 0 or absent: never. */
  readonly checkpointEvery?: number;
  /** Receives each checkpoint (write it somewhere durable). */
  readonly onCheckpoint?: (cp: SeedCheckpoint) => void;
  /** Continue from this checkpoint instead of starting fresh (same config and seed). */
  readonly resume?: SeedCheckpoint;
  /** Receives every policy's final `save()` state (by agent index) before policies are disposed. */
  readonly onFinalPolicies?: (states: unknown[]) => void;
  /** The detectors' fork points: recorded at every metrics window, checkpointed, forked before the policies are disposed. */
  readonly forks?: {
    recordForkPoint(engine: VecEngine, step: number): void;
    saveForkPoints(): unknown;
    loadForkPoints(data: unknown): void;
    analyseForks(world: World, policies: readonly Policy[], numEnvs: number): void;
  };
}

/** Everything needed to continue a generic seed run exactly (plain data; v8-serialisable). */
export interface SeedCheckpoint {
  readonly step: number;
  readonly engine: unknown;
  readonly ledger: unknown;
  readonly policies: unknown[];
  readonly schemes: unknown[];
  readonly eventsWritten: number;
  readonly eventsDropped: number;
  /** The detectors' fork points (see SeedRunOptions.forks). */
  readonly forkPoints?: unknown;
  /** The fault layer's position (src/faults), when the config has a faults section. */
  readonly faults?: unknown;
  /** The coordination accounting's position (src/coordination), when the config has a coordination section. */
  readonly coordination?: unknown;
  /** Lines of metrics.jsonl and events.jsonl written when the checkpoint was taken (set by the writer). */
  metricsLines?: number;
  eventsLines?: number;
}
