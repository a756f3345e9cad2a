/**
 * The run's guard against non-finite results: a world (or reward scheme) that produces NaN or
 * ±Infinity in a reward, KPI or observation stops the run with an error naming the world, the field
 * and the steps, instead of writing `null`s into metrics.jsonl and finishing `complete`. (JSON has
 * no NaN or Infinity: they would be written as null and read back as missing data.) The learners'
 * own divergence guard (src/learn/divergence.ts) covers their networks.
 */
import type { VecEngine } from '../core/engine.js';
import { TacitError } from '../core/errors.js';
import type { MetricsRow } from '../core/metrics-row.js';

/** A result became NaN or infinite: a user's parameters (too large, inconsistent) usually cause it; exit 2. */
export class NonFiniteResultError extends TacitError {}

const HINT = 'a parameter is probably too large or inconsistent (check env.params and the reward params); the run stopped and its folder is marked failed';

/** Throw if any number in a metrics window row is not finite. `fromStep` is the window's first step. */
export function checkFiniteRow(row: MetricsRow, worldId: string, fromStep: number): void {
  for (const key in row) {
    const v = row[key];
    if (typeof v === 'number' && !Number.isFinite(v))
      throw new NonFiniteResultError(
        `world ${worldId} produced a non-finite result: ${key} = ${v} in the metrics window of steps ${fromStep + 1}-${row.step}; ${HINT}`,
      );
  }
}

/** Throw if any observation the world wrote is not finite (checked at metrics windows). */
export function checkFiniteObservations(engine: VecEngine, worldId: string, step: number): void {
  const { world } = engine;
  for (let i = 0; i < engine.obs.length; i++) {
    const obs = engine.obs[i]!;
    for (let k = 0; k < obs.length; k++) {
      const v = obs[k]!;
      if (v - v !== 0) {
        const size = world.observationSpaces[i]!.size;
        const space = world.observationSpaces[i]!;
        const slot = k % size;
        const name = 'names' in space && space.names ? space.names[slot] : undefined;
        throw new NonFiniteResultError(
          `world ${worldId} produced a non-finite observation at step ${step}: agent ${world.agents[i]!.id}, slot ${slot}${name ? ` (${name})` : ''} = ${v} in world copy ${Math.floor(k / size)}; ${HINT}`,
        );
      }
    }
  }
}
