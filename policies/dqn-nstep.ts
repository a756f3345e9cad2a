/**
 * n-step returns for dqn (Sutton & Barto 2018, ch. 7; Rainbow, Hessel et al. 2018): each world
 * copy keeps its last n steps (observation, action, reward) in a small ring, and a step enters the
 * replay buffer only once n later rewards are known, as (s_t, a_t, Σ_{k<n} γ^k r_{t+k}, s_{t+n})
 * with horizon n; the TD target then bootstraps with γ^n (policies/dqn.ts, tdTargets). Where an
 * episode ends (terminated or truncated) every pending step enters at once with the rewards up to
 * the end and its shorter horizon, bootstrapping from the episode's final observation (or not at
 * all where it terminated), and the ring empties.
 *
 * Why: in a repeated game a deviation's cost (the rival's punishment) arrives periods later; with
 * one-step targets it reaches the deviation's value only through the bootstrapped (noisy) value of
 * the next state, while an n-step target contains the punishment's actual rewards.
 */
import { TacitError } from '../src/core/errors.js';
import type { ReplayBuffer } from '../src/learn/replay.js';
import { decodeF32, decodeF64, encodeF32, encodeF64, type EncodedF32, type EncodedF64 } from '../src/learn/serialize.js';

/** What a checkpoint keeps of the rings. */
export interface NStepState {
  readonly n: number;
  readonly head: number[];
  readonly count: number[];
  readonly obs: EncodedF32;
  readonly actions: number[];
  readonly rewards: EncodedF64;
}

/** The last n steps of every copy of one agent, not yet in the replay buffer. */
export class NStepRings {
  readonly n: number;
  private readonly copies: number;
  private readonly obsSize: number;
  private readonly gamma: number;
  /** Per copy: the slot of the oldest pending step, and how many are pending. */
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  /** Row (b·n + slot): the observation, action and (scaled) reward of a pending step. */
  private readonly obs: Float32Array;
  private readonly actions: Int32Array;
  private readonly rewards: Float64Array;

  constructor(copies: number, n: number, obsSize: number, gamma: number) {
    this.n = n;
    this.copies = copies;
    this.obsSize = obsSize;
    this.gamma = gamma;
    this.head = new Int32Array(copies);
    this.count = new Int32Array(copies);
    this.obs = new Float32Array(copies * n * obsSize);
    this.actions = new Int32Array(copies * n);
    this.rewards = new Float64Array(copies * n);
  }

  /**
   * Record copy b's step (row b of `obs`, action, reward) and move what is complete into `replay`:
   * the oldest pending step once n are pending, bootstrapping from row b of `next`; or, where
   * `ended`, every pending step, bootstrapping from row b of `next` (the final observation) unless
   * `terminated`.
   */
  push(
    replay: ReplayBuffer,
    b: number,
    obs: Float32Array,
    action: number,
    reward: number,
    next: Float32Array,
    ended: boolean,
    terminated: number,
    id: number,
  ): void {
    const n = this.n;
    const m = this.obsSize;
    const slot = b * n + ((this.head[b]! + this.count[b]!) % n);
    for (let j = 0; j < m; j++) this.obs[slot * m + j] = obs[b * m + j]!;
    this.actions[slot] = action;
    this.rewards[slot] = reward;
    this.count[b] = this.count[b]! + 1;
    if (ended) while (this.count[b]! > 0) this.emitOldest(replay, b, next, terminated, id);
    else if (this.count[b] === n) this.emitOldest(replay, b, next, 0, id);
  }

  /** The oldest pending step of copy b, with the discounted sum of every pending reward, into `replay`. */
  private emitOldest(replay: ReplayBuffer, b: number, next: Float32Array, terminated: number, id: number): void {
    const n = this.n;
    const h = this.head[b]!;
    const c = this.count[b]!;
    let ret = 0;
    let disc = 1;
    for (let k = 0; k < c; k++) {
      ret += disc * this.rewards[b * n + ((h + k) % n)]!;
      disc *= this.gamma;
    }
    const row = b * n + h;
    replay.addFrom(this.obs, row, next, b, this.actions[row]!, ret, terminated, id, c);
    this.head[b] = (h + 1) % n;
    this.count[b] = c - 1;
  }

  toJSON(): NStepState {
    return {
      n: this.n,
      head: Array.from(this.head),
      count: Array.from(this.count),
      obs: encodeF32(this.obs),
      actions: Array.from(this.actions),
      rewards: encodeF64(this.rewards),
    };
  }

  load(d: NStepState | undefined): void {
    if (d === undefined || d.n !== this.n || d.head.length !== this.copies)
      throw new TacitError(
        `checkpoint has no n-step history for nStep ${this.n} and ${this.copies} copies (found ${d === undefined ? 'none' : `nStep ${d.n}, ${d.head.length} copies`}): resume with the config the run started with`,
      );
    this.head.set(d.head);
    this.count.set(d.count);
    this.obs.set(decodeF32(d.obs));
    this.actions.set(d.actions);
    this.rewards.set(decodeF64(d.rewards));
  }
}
