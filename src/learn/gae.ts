/**
 * Generalised advantage estimation (Schulman et al. 2016) over a rollout laid out time-major:
 * row `t * numEnvs + b` is step t of world copy b. Pure and allocation-free; the reference loop it
 * is tested against lives in test/learn/gae.test.ts.
 *
 * Bootstrapping follows Gymnasium's split of episode ends: a terminated step bootstraps with 0,
 * a truncated one with the value of its final observation (the caller puts that value in
 * `nextValues`), and the advantage recursion never crosses an episode end of either kind.
 */

/** Inputs of `computeGae`, all of length `numSteps * numEnvs` (time-major). */
export interface GaeInput {
  readonly numSteps: number;
  readonly numEnvs: number;
  /** Reward of each step. */
  readonly rewards: ArrayLike<number>;
  /** V(s_t). */
  readonly values: ArrayLike<number>;
  /** V(s_{t+1}), where s_{t+1} is the final observation for steps that ended an episode. */
  readonly nextValues: ArrayLike<number>;
  /** 1 where s_{t+1} is terminal (no bootstrap). */
  readonly terminated: ArrayLike<number>;
  /** 1 where the episode ended at this step (terminated or truncated): the recursion stops. */
  readonly dones: ArrayLike<number>;
  readonly gamma: number;
  readonly lambda: number;
}

/** Write advantages and returns (advantage + value, the critic's target) for every row. */
export function computeGae(input: GaeInput, advantages: Float32Array | Float64Array, returns: Float32Array | Float64Array): void {
  const { numSteps, numEnvs, rewards, values, nextValues, terminated, dones, gamma, lambda } = input;
  for (let b = 0; b < numEnvs; b++) {
    let lastGae = 0;
    for (let t = numSteps - 1; t >= 0; t--) {
      const k = t * numEnvs + b;
      const delta = rewards[k]! + gamma * nextValues[k]! * (1 - terminated[k]!) - values[k]!;
      lastGae = delta + gamma * lambda * (1 - dones[k]!) * lastGae;
      advantages[k] = lastGae;
      returns[k] = lastGae + values[k]!;
    }
  }
}
