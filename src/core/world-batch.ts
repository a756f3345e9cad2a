/**
 * `World.batch`: a world's batched fast path. Why a group of its own: only the engine uses it, only
 * worlds with a typed-array kernel over all copies have it (beer-game-v1, warehouse-v1), and it
 * must give exactly the per-copy kernels' results, so every world states its semantics once in the
 * core (`reset`/`step`) and adds this as a pure speed-up the engine may take or leave. The engine
 * reads `world.batch` once, at construction; nothing here is asked per step.
 */
import type { WorldEvent } from './world-event.js';

/** Where `WorldBatch.stepBatch` writes the results of all copies: the engine's agent-major buffers. */
export interface BatchStepOut {
  /** Per agent: observations of all copies, `count * obsSize`. */
  readonly obs: readonly Float32Array[];
  /** Per agent: reward components of all copies, `count * nComponents` (row per copy). */
  readonly rewards: readonly Float64Array[];
  /** Team KPIs of all copies, `count * nKpis` (row per copy). */
  readonly kpis: Float64Array;
  /** Per agent: terminated flag per copy. */
  readonly terminated: readonly Uint8Array[];
  /** Per agent: truncated flag per copy. */
  readonly truncated: readonly Uint8Array[];
  /** Events of this step (the engine drains it). */
  readonly events: WorldEvent[];
  /** For each entry of `events`, the copy it happened in. */
  readonly eventCopies: number[];
}

/**
 * Stepping (and optionally resetting) many copies of one world at once; a differential test must
 * prove each against the per-copy kernels. `S` is the world's state type (World<S>).
 */
export interface WorldBatch<S extends object = object> {
  /**
   * Allocate `count` states backed by shared contiguous storage (copy b at offset b) so
   * `stepBatch` can sweep them. Each returned state must still work with every per-copy kernel.
   */
  createStates(count: number): S[];
  /**
   * Optional: the memory the engine carves the buffers `stepBatch` and `resetBatch` read and write
   * from (observations, actions, rewards, KPIs, flags): `bytes` bytes, 8-aligned, for `count`
   * copies, asked for just before `createStates(count)`. A world whose batched step runs in its own
   * memory (the beer game's WebAssembly sweep) returns a view into it, so the step writes the
   * engine's buffers in place instead of copying them. Its buffer must never be detached (a detach
   * anywhere makes V8 check every typed-array access in the process).
   */
  batchBytes?(bytes: number, count: number): Uint8Array;
  /**
   * Step copies 0 .. count−1 at once, with exactly the results of calling `step` on each copy.
   * `actions`, and every array of `out`, are the engine's agent-major buffers. Returns false,
   * having done nothing, when it cannot handle these arrays (e.g. they were not allocated by
   * `createStates`); the engine then steps copy by copy.
   */
  stepBatch(states: readonly Readonly<S>[], actions: readonly Float64Array[], nexts: readonly S[], out: BatchStepOut, count: number): boolean;
  /**
   * Optional, for autoreset: reset copies `copies[0 .. n−1]` of `states` (allocated by
   * `createStates`) with seed words `seeds[4j .. 4j+3]` for `copies[j]`, writing each copy's first
   * observations into its rows of `obs` (agent-major, as `BatchStepOut.obs`), exactly as `reset`
   * per copy would. Returns false, having done nothing, when it cannot handle these arrays; the
   * engine then resets copy by copy.
   */
  resetBatch?(states: readonly S[], seeds: Uint32Array, copies: Int32Array, n: number, obs: readonly Float32Array[]): boolean;
}
