/**
 * A structured event a world emits (a stockout, an overflow, a price war...). Its own module
 * because both the per-copy step (StepOut, world.ts) and the batched one (BatchStepOut,
 * world-batch.ts) carry events, and world.ts imports world-batch.ts.
 */

/** A structured event a world emits. Detectors read these. */
export interface WorldEvent {
  /** Event type, e.g. `stockout`. */
  readonly type: string;
  /** Agent ids involved, if any. */
  readonly agents: readonly string[];
  /** Event-specific data (plain JSON). */
  readonly data: Readonly<Record<string, number | string | boolean | null>>;
}
