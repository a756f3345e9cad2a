/**
 * random: uniform random actions from the agent's action space, from the policy's own seeded
 * stream. The null baseline every learner must beat.
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { nextUint32 } from '../src/core/rng.js';
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
    // Discrete spaces draw inline: the same draws as sampleInto's nextInt (floor(u32 * 2^-32 * n)),
    // without its per-row dispatch, which cost about as much as a fast world's step (bench/supply.ts).
    const n = space.kind === 'discrete' ? space.n : 0;
    return {
      act(_obs, actions) {
        const rows = actions.length / size;
        if (n > 0) for (let b = 0; b < rows; b++) actions[b] = Math.floor(nextUint32(rng) * 2.3283064365386963e-10 * n);
        else for (let b = 0; b < rows; b++) sampleInto(space, rng, actions, b * size);
      },
      save: () => ({ rng: Array.from(rng) }),
      load: (data) => rng.set((data as { rng: number[] }).rng),
    };
  },
});
