/**
 * Faults as a wrapper around the engine: `withFaults(engine, layer)` returns a VecEnv
 * (src/core/vec-env.ts) with the engine's own surface, so a loop drives it exactly as it drives the
 * engine and never calls the fault layer per step. Underneath, each `step` is the layer's three
 * points around the engine step (layer.ts):
 *
 *   actions  policies write into the layer's `intended` buffers;
 *   step     layer.beforeStep → engine.step(layer.afterStep, then the caller's hook) → layer.observe;
 *   obs      read the layer's (faulted) observations, double-buffered like the engine's.
 *
 * Events of a step are the world's first, then the layer's, as the loops drained them before.
 * Window-level calls (metrics keys, summary, checkpoint) stay on the layer (`faulted.faults`):
 * they are the run's accounting, not part of the env surface.
 */
import type { AutoresetMode, EngineEvent, VecEngine } from '../core/engine.js';
import type { VecEnv } from '../core/vec-env.js';
import type { World } from '../core/world.js';
import type { FaultLayer } from './layer.js';

/** An engine seen through a fault layer: the same surface, with what agents see and send faulted. */
export class FaultedEngine implements VecEnv {
  readonly world: World;
  readonly numEnvs: number;
  readonly numAgents: number;
  readonly autoreset: AutoresetMode;
  private readonly merged: EngineEvent[] = [];
  private hook: ((engine: VecEngine) => void) | undefined = undefined;
  // Built once: a closure per step would allocate in the hot loop.
  private readonly inner = (engine: VecEngine): void => {
    this.faults.afterStep(engine);
    if (this.hook) this.hook(engine);
  };

  constructor(
    /** The wrapped engine (its hooks, checkpoints and analysis see the world as it is). */
    readonly engine: VecEngine,
    /** The layer: window metrics, summary, checkpoint and restore of the run's fault accounting. */
    readonly faults: FaultLayer,
  ) {
    this.world = engine.world;
    this.numEnvs = engine.numEnvs;
    this.numAgents = engine.numAgents;
    this.autoreset = engine.autoreset;
  }

  get obs(): readonly Float32Array[] {
    return this.faults.obs;
  }
  get prevObs(): readonly Float32Array[] {
    return this.faults.prevObs;
  }
  get finalObs(): readonly Float32Array[] {
    return this.faults.finalObs;
  }
  /** The layer's `intended` buffers: the layer turns them into what the world receives. */
  get actions(): readonly Float64Array[] {
    return this.faults.intended;
  }
  get rewards(): readonly Float64Array[] {
    return this.engine.rewards;
  }
  get kpis(): Float64Array {
    return this.engine.kpis;
  }
  get terminated(): readonly Uint8Array[] {
    return this.engine.terminated;
  }
  get truncated(): readonly Uint8Array[] {
    return this.engine.truncated;
  }
  get acted(): readonly Uint8Array[] {
    return this.engine.acted;
  }
  get episodeEnded(): Uint8Array {
    return this.engine.episodeEnded;
  }
  get episodesDone(): Int32Array {
    return this.engine.episodesDone;
  }
  get stepCount(): number {
    return this.engine.stepCount;
  }
  /** The world's events of the last step, then the layer's fault and guard events. */
  get events(): readonly EngineEvent[] {
    return this.faults.events.length > 0 ? this.merged : this.engine.events;
  }

  /** Reset every copy and compute the first observations each agent sees. */
  reset(): void {
    this.engine.reset();
    this.faults.reset();
    this.merged.length = 0;
  }

  /** Faulted actions in, engine step (layer accounting first, then `afterStep`), faulted observations out. */
  step(afterStep?: (engine: VecEngine) => void): void {
    this.faults.beforeStep();
    this.hook = afterStep;
    this.engine.step(this.inner);
    this.faults.observe();
    if (this.faults.events.length > 0) {
      this.merged.length = 0;
      for (const e of this.engine.events) this.merged.push(e);
      for (const e of this.faults.events) this.merged.push(e);
    }
  }
}

/** `engine` seen through `layer`, or the engine itself when there is no layer (zero overhead). */
export function withFaults(engine: VecEngine, layer: FaultLayer | null): VecEnv & { readonly engine?: VecEngine; readonly faults?: FaultLayer } {
  return layer ? new FaultedEngine(engine, layer) : engine;
}
