/**
 * The vectorised-env view the rollout loop (rollout.ts) drives: the part of VecEngine's surface a
 * loop reads and writes. VecEngine is one; a wrapper with the same surface is another (the fault
 * layer's FaultedEngine, src/faults/engine.ts, shows policies what each agent actually sees and
 * takes their actions before the world does), as Gymnasium's wrappers wrap an env. The loop
 * cannot tell them apart, so no loop threads a wrapper's calls by hand.
 */
import type { AutoresetMode, EngineEvent, VecEngine } from './engine.js';
import type { World } from './world.js';

/** What a rollout loop drives: observations in, actions out, one `step` at a time. */
export interface VecEnv {
  readonly world: World;
  readonly numEnvs: number;
  readonly numAgents: number;
  readonly autoreset: AutoresetMode;
  /** Per agent: what the agent observes now, `numEnvs * obsSize` (re-read after `step`: buffers swap). */
  readonly obs: readonly Float32Array[];
  /** Per agent: what it observed before the last step (what the last actions were chosen on). */
  readonly prevObs: readonly Float32Array[];
  /** Per agent: the last observation of each copy whose episode ended in the last step. */
  readonly finalObs: readonly Float32Array[];
  /** Per agent: where policies write the actions of the next step, `numEnvs * actionSize`. */
  readonly actions: readonly Float64Array[];
  /** Per agent: reward components of the last step, `numEnvs * nComponents`. */
  readonly rewards: readonly Float64Array[];
  /** Team KPIs of the last step, `numEnvs * nKpis`. */
  readonly kpis: Float64Array;
  readonly terminated: readonly Uint8Array[];
  readonly truncated: readonly Uint8Array[];
  /** Per agent: 1 where the agent acted in the last step (see VecEngine.acted). */
  readonly acted: readonly Uint8Array[];
  /** Per copy: 1 if its episode ended in the last step. */
  readonly episodeEnded: Uint8Array;
  /** Per copy: episodes finished so far. */
  readonly episodesDone: Int32Array;
  /** Events of the last step, the world's first, then any a wrapper raised. */
  readonly events: readonly EngineEvent[];
  /** Steps taken since `reset`. */
  readonly stepCount: number;
  /** Start every copy's episode. */
  reset(): void;
  /** Step every copy; `afterStep` runs inside the step, before autoreset, with the raw engine. */
  step(afterStep?: (engine: VecEngine) => void): void;
}
