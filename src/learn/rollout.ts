/**
 * PPO's rollout storage: preallocated Float32Arrays of encoded inputs, raw actions, rewards and
 * episode-end flags for one update, plus the per-row results of the update's first pass (values,
 * old log-probabilities, advantages, returns), and their exact checkpoint encoding.
 */
import { TacitError } from '../core/errors.js';
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';

/** Sizes of a rollout. */
export interface RolloutShape {
  readonly rows: number;
  readonly actorInSize: number;
  readonly criticInSize: number;
  readonly rawSize: number;
  /** Whether the critic has its own (joint) input; otherwise it reads the actor's. */
  readonly jointCritic: boolean;
}

/** The buffers; row order is the learner's business (PPO: member-major, then time-major). */
export interface Rollout {
  readonly rows: number;
  readonly actorIn: Float32Array;
  /** The actor's input itself when the critic is local. */
  readonly criticIn: Float32Array;
  /** Critic input of the next state (the final observation where an episode ended). */
  readonly nextCriticIn: Float32Array;
  readonly raw: Float32Array;
  readonly rewards: Float32Array;
  readonly terminated: Float32Array;
  readonly dones: Float32Array;
  /** 1 for a real transition, 0 for a row where the agent did not act (TransitionBatch.acted). */
  readonly mask: Float32Array;
  readonly values: Float32Array;
  readonly oldLogProb: Float32Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
}

// `mask` last: checkpoints written before it existed restore with every row live (its fill value).
const SAVED = ['actorIn', 'criticIn', 'nextCriticIn', 'raw', 'rewards', 'terminated', 'dones', 'mask'] as const;

/** A rollout in progress as checkpoint JSON (the per-update results are recomputed, not saved). */
export type SavedRollout = { readonly [K in (typeof SAVED)[number]]: EncodedF32 | null };

/** Allocate empty buffers. */
export function allocRollout(shape: RolloutShape): Rollout {
  const { rows } = shape;
  const f = (n: number): Float32Array => new Float32Array(n);
  const actorIn = f(rows * shape.actorInSize);
  return {
    rows,
    actorIn,
    criticIn: shape.jointCritic ? f(rows * shape.criticInSize) : actorIn,
    nextCriticIn: f(rows * shape.criticInSize),
    raw: f(rows * shape.rawSize),
    rewards: f(rows),
    terminated: f(rows),
    dones: f(rows),
    mask: f(rows).fill(1),
    values: f(rows),
    oldLogProb: f(rows),
    advantages: f(rows),
    returns: f(rows),
  };
}

/** Encode the collected part of a rollout. */
export function saveRollout(r: Rollout, jointCritic: boolean): SavedRollout {
  const out = {} as Record<(typeof SAVED)[number], EncodedF32 | null>;
  for (const k of SAVED) out[k] = k === 'criticIn' && !jointCritic ? null : encodeF32(r[k]);
  return out;
}

/** Restore `saveRollout` output into buffers of the same shape (a clear error if the run changed). */
export function restoreRollout(r: Rollout, saved: SavedRollout, jointCritic: boolean): void {
  for (const k of SAVED) {
    const src = saved[k];
    if (!src || (k === 'criticIn' && !jointCritic)) continue;
    const a = decodeF32(src);
    if (a.length !== r[k].length)
      throw new TacitError(
        `PPO checkpoint rollout '${k}' has ${a.length} values where this run expects ${r[k].length}: resume with the same numEnvs, agents and params`,
      );
    r[k].set(a);
  }
}
