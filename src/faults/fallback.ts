/**
 * Fallback actions for an agent that is out, timed out or swapped out by a circuit breaker: the
 * world's no-op, the last action the world received from the agent, or a scripted safe policy
 * acting on what the agent observes. A fallback policy acts for all copies at once, lazily: at most
 * once per step, and only on steps where some copy needs it.
 */
import { policyContext, type Policy } from '../core/policy.js';
import { Rng } from '../core/rng.js';
import type { World } from '../core/world.js';
import type { CompiledFallback } from './compile.js';

/** One configured fallback for one agent. */
export class Fallback {
  private readonly policy: Policy | null;
  private readonly buffer: Float64Array;
  private readonly size: number;
  private readonly kind: CompiledFallback['kind'];
  private computedAt = -1;

  constructor(fb: CompiledFallback, world: World, agent: number, numEnvs: number, seed: number) {
    this.kind = fb.kind;
    this.size = world.actionSpaces[agent]!.size;
    this.buffer = new Float64Array(fb.kind === 'policy' ? numEnvs * this.size : 0);
    this.policy =
      fb.kind === 'policy'
        ? fb.spec.create(policyContext(world, world.agents[agent]!, numEnvs, Rng.from(seed, 'faults', 'fallback', fb.key, world.agents[agent]!.id)), fb.params)
        : null;
  }

  /**
   * Write the fallback action of copy b into `out[off..]`. `noop` is the world's default action
   * row, `last` the agent's last executed actions, `seen` what the agent observes (all copies),
   * `step` the engine step (a policy acts once per step).
   */
  write(b: number, out: Float64Array, off: number, noop: Float64Array, noopOff: number, last: Float64Array, seen: Float32Array, step: number): void {
    const size = this.size;
    if (this.kind === 'noop') for (let k = 0; k < size; k++) out[off + k] = noop[noopOff + k]!;
    else if (this.kind === 'last-action') for (let k = 0; k < size; k++) out[off + k] = last[b * size + k]!;
    else {
      if (this.computedAt !== step) {
        this.policy!.act(seen, this.buffer, 'greedy');
        this.computedAt = step;
      }
      for (let k = 0; k < size; k++) out[off + k] = this.buffer[b * size + k]!;
    }
  }

  /** The fallback policy's saved state, if it has one. */
  save(): unknown {
    return this.policy?.save?.() ?? null;
  }

  /** Restore a state from `save`. */
  load(data: unknown): void {
    if (data !== null && data !== undefined) this.policy?.load?.(data);
  }

  /** Release the fallback policy's resources. */
  dispose(): void {
    this.policy?.dispose?.();
  }
}
