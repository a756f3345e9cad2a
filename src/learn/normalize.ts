/**
 * Running mean and variance (Chan et al.'s parallel update of Welford's algorithm), as used by
 * CleanRL's NormalizeObservation / NormalizeReward wrappers, over a fixed number of slots.
 * Statistics are float64 so long runs do not drift; state is plain data for checkpoints.
 */

/** Per-slot running mean/variance. */
export class RunningMeanStd {
  readonly size: number;
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Samples seen (starts at a tiny epsilon as in CleanRL, so the first update is well defined). */
  count = 1e-4;
  private readonly batchMean: Float64Array;
  private readonly batchM2: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.batchMean = new Float64Array(size);
    this.batchM2 = new Float64Array(size);
  }

  /**
   * Fold in `rows` samples of `stride` floats each, reading slots `offset .. offset+size` of
   * each row (so one RunningMeanStd can cover a slice of a wider input row).
   */
  update(data: ArrayLike<number>, rows: number, stride = this.size, offset = 0): void {
    if (rows === 0) return;
    const n = this.size;
    const bm = this.batchMean;
    const m2 = this.batchM2;
    bm.fill(0);
    m2.fill(0);
    for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) bm[k]! += data[r * stride + offset + k]!;
    for (let k = 0; k < n; k++) bm[k]! /= rows;
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < n; k++) {
        const d = data[r * stride + offset + k]! - bm[k]!;
        m2[k]! += d * d;
      }
    const total = this.count + rows;
    for (let k = 0; k < n; k++) {
      const delta = bm[k]! - this.mean[k]!;
      const m = this.var[k]! * this.count + m2[k]! + (delta * delta * this.count * rows) / total;
      this.mean[k] = this.mean[k]! + (delta * rows) / total;
      this.var[k] = m / total;
    }
    this.count = total;
  }

  /** State for checkpoints. */
  toJSON(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restore from `toJSON` output. */
  load(data: { mean: number[]; var: number[]; count: number }): void {
    if (data.mean.length !== this.size) throw new RangeError(`normaliser has ${this.size} slots, checkpoint has ${data.mean.length}`);
    this.mean.set(data.mean);
    this.var.set(data.var);
    this.count = data.count;
  }
}

/**
 * Reward scaling by the running standard deviation of the discounted return (CleanRL's
 * NormalizeReward): keeps value targets near unit scale whatever the world's reward units.
 */
export class RewardScaler {
  readonly gamma: number;
  readonly rms = new RunningMeanStd(1);
  /** Per copy: running discounted return. */
  readonly returns: Float64Array;

  constructor(numEnvs: number, gamma: number) {
    this.gamma = gamma;
    this.returns = new Float64Array(numEnvs);
  }

  /** Update with one step's rewards and episode ends, then write the scaled rewards to `out`. */
  scale(rewards: ArrayLike<number>, dones: ArrayLike<number>, out: Float32Array | Float64Array, outOffset = 0): void {
    const n = this.returns.length;
    for (let b = 0; b < n; b++) this.returns[b] = this.returns[b]! * this.gamma + rewards[b]!;
    this.rms.update(this.returns, n, 1, 0);
    const inv = 1 / Math.sqrt(this.rms.var[0]! + 1e-8);
    for (let b = 0; b < n; b++) {
      out[outOffset + b] = rewards[b]! * inv;
      if (dones[b] === 1) this.returns[b] = 0;
    }
  }
}
