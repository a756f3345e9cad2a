/**
 * threshold: a scripted policy that reads one observation slot and plays `above` when it is at or
 * above `threshold`, else `below` (e.g. a relay that forwards when its inbox shows an item). It
 * reacts to what it observes, so observation faults (stale, noisy, dropped or lost fields) change
 * what it does; a `constant` policy is immune to them.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { contains, describeSpace, type Space } from '../src/core/spaces.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const action = lazySchema(() => z.union([z.number(), z.array(z.number()).min(1)]));

/** Slot index of `field` in `space` (a name from the space's `names`, or an index), or -1. */
function slotOf(space: Space, field: string | number): number {
  if (typeof field === 'number') return Number.isInteger(field) && field >= 0 && field < space.size ? field : -1;
  const names = space.kind === 'discrete' ? undefined : space.names;
  return names ? names.indexOf(field) : -1;
}

const paramsSchema = lazySchema(() =>
  z
    .object({
      field: z.union([z.string().min(1), z.number().int().nonnegative()]).describe('Observation slot read: its name (see `tacit envs`) or index'),
      threshold: z.number().default(0.5).describe('Play `above` when the slot is at or above this value'),
      above: action().default(1).describe('Action at or above the threshold: a number (discrete) or an array (one value per slot)'),
      below: action().default(0).describe('Action below the threshold (a NaN observation counts as below)'),
    })
    .strict(),
);

/** The registered spec. */
export const thresholdPolicy = definePolicy({
  id: 'threshold',
  summary: 'Scripted: plays `above` when an observation slot is at or above a threshold, else `below`',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  // Slot 0 exists in every world; above 1 / below 0 are valid in every discrete action space.
  conformanceParams: { field: 0 },
  incompatibility(world, agent, params) {
    const obs = world.observationSpaces[agent.index]!;
    if (slotOf(obs, params.field) < 0) {
      const names = obs.kind === 'discrete' ? undefined : obs.names;
      return `observation field ${JSON.stringify(params.field)} is not in ${agent.id}'s observation ${describeSpace(obs)}; valid: ${names ? names.join(', ') : `indices 0..${obs.size - 1}`}`;
    }
    const space = world.actionSpaces[agent.index]!;
    for (const a of [params.above, params.below]) {
      const v = typeof a === 'number' ? [a] : a;
      if (v.length !== space.size || !contains(space, v)) return `action ${JSON.stringify(a)} is outside ${agent.id}'s action space ${describeSpace(space)}`;
    }
    return undefined;
  },
  create(ctx, params) {
    const size = ctx.actionSpace.size;
    const obsSize = ctx.observationSpace.size;
    const slot = slotOf(ctx.observationSpace, params.field);
    const above = Float64Array.from(typeof params.above === 'number' ? [params.above] : params.above);
    const below = Float64Array.from(typeof params.below === 'number' ? [params.below] : params.below);
    const threshold = params.threshold;
    return {
      act(obs, actions) {
        const rows = actions.length / size;
        for (let b = 0; b < rows; b++) actions.set(obs[b * obsSize + slot]! >= threshold ? above : below, b * size);
      },
    };
  },
});
