/**
 * A uniform experience-replay ring buffer (DQN) over raw observations: storing raw rather than
 * encoded rows keeps a buffer valid when running normalisation statistics move. Preallocated
 * typed arrays; `add` writes one world copy's transition, `sample` draws indices with a seeded
 * stream.
 */
import { nextInt } from '../core/rng.js';
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';

/** Fixed-capacity transition storage. */
export class ReplayBuffer {
  readonly capacity: number;
  readonly obsSize: number;
  /** [capacity * obsSize] observations. */
  readonly obs: Float32Array;
  /** [capacity * obsSize] next observations (final observation where the episode ended). */
  readonly nextObs: Float32Array;
  /** [capacity] action index. */
  readonly actions: Float32Array;
  /** [capacity] reward. */
  readonly rewards: Float32Array;
  /** [capacity] 1 where the next state is terminal. */
  readonly terminated: Float32Array;
  /** [capacity] which member of a parameter-sharing group stored it (its one-hot id). */
  readonly ids: Float32Array;
  /**
   * [capacity] steps between an entry's observation and its bootstrap observation (n-step returns:
   * the target discounts the bootstrap by γ^horizon); absent for one-step buffers, so their
   * checkpoints stay as before.
   */
  readonly horizons: Float32Array | undefined;
  /** Next write position. */
  pos = 0;
  /** Number of valid entries. */
  size = 0;

  constructor(capacity: number, obsSize: number, withHorizons = false) {
    this.capacity = capacity;
    this.obsSize = obsSize;
    this.obs = new Float32Array(capacity * obsSize);
    this.nextObs = new Float32Array(capacity * obsSize);
    this.actions = new Float32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.terminated = new Float32Array(capacity);
    this.ids = new Float32Array(capacity);
    this.horizons = withHorizons ? new Float32Array(capacity) : undefined;
  }

  /** Store row `b` of the given agent-major buffers (a one-step transition). */
  add(obs: Float32Array, nextObs: Float32Array, b: number, action: number, reward: number, terminated: number, id: number): void {
    this.addFrom(obs, b, nextObs, b, action, reward, terminated, id, 1);
  }

  /**
   * Store an n-step transition: the observation is row `obsRow` of `obs`, the bootstrap observation
   * row `nextRow` of `nextObs` (they come from different buffers: a per-copy history and the step's
   * batch), `horizon` steps apart (kept only by buffers made with horizons).
   */
  addFrom(
    obs: Float32Array,
    obsRow: number,
    nextObs: Float32Array,
    nextRow: number,
    action: number,
    reward: number,
    terminated: number,
    id: number,
    horizon: number,
  ): void {
    const k = this.pos;
    const n = this.obsSize;
    // Element loops rather than set(subarray): no view allocated per transition.
    for (let j = 0; j < n; j++) {
      this.obs[k * n + j] = obs[obsRow * n + j]!;
      this.nextObs[k * n + j] = nextObs[nextRow * n + j]!;
    }
    this.actions[k] = action;
    this.rewards[k] = reward;
    this.terminated[k] = terminated;
    this.ids[k] = id;
    if (this.horizons !== undefined) this.horizons[k] = horizon;
    this.pos = (k + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Fill `out` with `out.length` indices drawn uniformly (with replacement) from the stored entries. */
  sample(rng: Uint32Array, out: Int32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = nextInt(rng, this.size);
  }

  /** Contents for checkpoints. */
  toJSON(): { pos: number; size: number; data: EncodedF32[] } {
    return { pos: this.pos, size: this.size, data: this.arrays().map(encodeF32) };
  }

  /** The stored arrays in checkpoint order (horizons last, and only when kept). */
  private arrays(): Float32Array[] {
    const a = [this.obs, this.nextObs, this.actions, this.rewards, this.terminated, this.ids];
    if (this.horizons !== undefined) a.push(this.horizons);
    return a;
  }

  /** Restore contents written by `toJSON`. */
  load(d: { pos: number; size: number; data: EncodedF32[] }): void {
    const arrays = this.arrays();
    if (d.data.length !== arrays.length)
      throw new RangeError(
        `checkpoint replay buffer has ${d.data.length} arrays, this one ${arrays.length} (n-step horizons kept: ${this.horizons !== undefined}): resume with the config the run started with`,
      );
    arrays.forEach((a, k) => a.set(decodeF32(d.data[k]!)));
    this.pos = d.pos;
    this.size = d.size;
  }
}
