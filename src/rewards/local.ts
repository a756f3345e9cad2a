/**
 * local: the agent's own reward components, each with a configurable weight (default 1), summed.
 * With default weights this is the world's local reward: the baseline every other scheme is
 * compared with, and the one that invites Goodhart behaviour.
 */
import { z } from 'zod';
import { defineRewardScheme, unknownNames } from './scheme.js';

/** The registered scheme. */
export const localScheme = defineRewardScheme({
  id: 'local',
  summary: "The agent's own reward components, weighted (default weight 1 each)",
  paramsSchema: z
    .object({
      weights: z.record(z.string(), z.number()).default({}).describe('Weight per reward component name; unlisted components weigh 1'),
    })
    .strict(),
  check(world, agent, params) {
    return unknownNames(Object.keys(params.weights), world.rewardComponents[agent.index]!, 'weights', 'reward component');
  },
  create(ctx, params) {
    const names = ctx.world.rewardComponents[ctx.agent.index]!;
    const weights = Float64Array.from(names, (n) => params.weights[n] ?? 1);
    const nC = names.length;
    const i = ctx.agent.index;
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        for (let b = 0; b < out.length; b++) {
          let sum = 0;
          for (let c = 0; c < nC; c++) sum += weights[c]! * r[b * nC + c]!;
          out[b] = sum;
        }
      },
    };
  },
});
