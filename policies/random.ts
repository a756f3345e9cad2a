/**
 * random: uniform random actions from the agent's action space, from the policy's own seeded
 * stream. The null baseline every learner must beat.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { sampleInto } from '../src/core/spaces.js';

/** The registered spec. */
export const randomPolicy = definePolicy({
  type: 'random',
  summary: 'Uniform random actions from the action space (seeded)',
  learns: false,
  paramsSchema: z.object({}).strict(),
  create(ctx) {
    const space = ctx.actionSpace;
    const size = space.size;
    const rng = ctx.rng.state;
    return {
      act(_obs, actions) {
        const rows = actions.length / size;
        for (let b = 0; b < rows; b++) sampleInto(space, rng, actions, b * size);
      },
      save: () => ({ rng: Array.from(rng) }),
      load: (data) => rng.set((data as { rng: number[] }).rng),
    };
  },
});
