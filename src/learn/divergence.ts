/**
 * The divergence guard: a NaN or infinity in a loss, a gradient or the weights stops the run with
 * a `DivergenceError` naming the agent and the step, before the bad values reach the weights (the
 * runner then keeps its last good checkpoint instead of writing a poisoned one).
 */
import { TacitError } from '../core/errors.js';

/** Training produced a non-finite number. Not retryable with the same config and seed. */
export class DivergenceError extends TacitError {
  /** Agent id whose learner diverged. */
  readonly agent: string;
  /** Engine step at which it was detected. */
  readonly step: number;
  /** What was non-finite, e.g. `loss/value`, `weights`. */
  readonly quantity: string;
  constructor(agent: string, step: number, quantity: string, value: number | string, hint: string) {
    super(
      `training diverged for agent '${agent}' at step ${step}: ${quantity} is ${value}. ${hint} ` +
        'The run stops here; the last checkpoint written before this step is the last good one.',
    );
    this.agent = agent;
    this.step = step;
    this.quantity = quantity;
  }
}

/** The usual causes, printed with every divergence. */
export const DIVERGENCE_HINT =
  'Usual causes: a learning rate too high, unscaled rewards or observations (enable normalisation), or a NaN coming from the world or the reward scheme.';

/**
 * Throw a DivergenceError if any of `values` is not finite. `names` gives each value's name (a
 * function so hot paths build no strings unless something is wrong).
 */
export function assertFinite(values: ArrayLike<number>, names: readonly string[] | ((k: number) => string), agent: string, step: number): void {
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) throw new DivergenceError(agent, step, typeof names === 'function' ? names(k) : (names[k] ?? `value[${k}]`), v, DIVERGENCE_HINT);
  }
}
