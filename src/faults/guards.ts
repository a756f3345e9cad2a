/**
 * Circuit breaker state for one agent across copies: a sliding window of the last `window` steps'
 * fault flags per copy; when `maxFaults` of them are set the breaker opens and the agent's
 * fallback acts for `cooldown` steps, after which the agent is back with an empty window. While
 * open nothing is counted (the agent is not being called). Each copy has its own breaker; an
 * episode reset closes it. (Timeouts need no state: see actions.ts.)
 */
import type { CompiledGuard } from './compile.js';
import type { StateArray } from './state.js';

/** What counts as a fault, as bits. */
export const COUNT = { noResponse: 1, late: 2, invalid: 4, failure: 8 } as const;

/** One agent's circuit breakers, one per copy. */
export class CircuitBreaker {
  /** Bits of COUNT that this breaker counts. */
  readonly counts: number;
  readonly maxFaults: number;
  readonly window: number;
  readonly cooldown: number;
  /** Per copy: steps the fallback still acts (0: closed). */
  readonly open: Int32Array;
  /** Trips so far, summed over copies. */
  trips = 0;
  /** Copy-steps the fallback acted. */
  openSteps = 0;
  private readonly ring: Uint8Array;
  private readonly inWindow: Int32Array;

  constructor(guard: CompiledGuard, numEnvs: number) {
    if (guard.spec.type !== 'circuit-breaker') throw new Error('CircuitBreaker needs a circuit-breaker guard');
    const spec = guard.spec;
    this.counts =
      (spec.count.includes('no-response') ? COUNT.noResponse : 0) |
      (spec.count.includes('late') ? COUNT.late : 0) |
      (spec.count.includes('invalid-action') ? COUNT.invalid : 0) |
      (spec.count.includes('failure') ? COUNT.failure : 0);
    this.maxFaults = spec.maxFaults;
    this.window = spec.window;
    this.cooldown = spec.cooldown;
    this.open = new Int32Array(numEnvs);
    this.ring = new Uint8Array(numEnvs * spec.window);
    this.inWindow = new Int32Array(numEnvs);
  }

  /**
   * Close the step for copy b: `faults` holds the COUNT bits seen this step and `step` is the
   * engine step. Returns +1 when the breaker tripped, −1 when it closed again, else 0.
   */
  record(b: number, faults: number, step: number): number {
    if (this.open[b]! > 0) {
      this.openSteps++;
      return --this.open[b]! === 0 ? -1 : 0;
    }
    const W = this.window;
    const at = b * W + (step % W);
    const fault = (faults & this.counts) !== 0 ? 1 : 0;
    this.inWindow[b] = this.inWindow[b]! - this.ring[at]! + fault;
    this.ring[at] = fault;
    if (this.inWindow[b]! < this.maxFaults) return 0;
    this.open[b] = this.cooldown;
    this.trips++;
    this.clear(b);
    return 1;
  }

  /** State arrays (counters packed into one), for checkpoints; call `syncCounters` after restoring. */
  stateArrays(): StateArray[] {
    this.counters[0] = this.trips;
    this.counters[1] = this.openSteps;
    return [this.open, this.ring, this.inWindow, this.counters];
  }

  /** Take the counters back from the packed array after a restore. */
  syncCounters(): void {
    this.trips = this.counters[0]!;
    this.openSteps = this.counters[1]!;
  }

  private readonly counters = new Float64Array(2);

  /** Close copy b's breaker with an empty window (episode reset). */
  reset(b: number): void {
    this.open[b] = 0;
    this.clear(b);
  }

  private clear(b: number): void {
    this.ring.fill(0, b * this.window, (b + 1) * this.window);
    this.inWindow[b] = 0;
  }
}
