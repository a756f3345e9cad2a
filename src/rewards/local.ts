/**
 * local: the agent's own reward components, each with a configurable weight (default 1), summed.
 * With default weights this is the world's local reward: the baseline every other scheme is
 * compared with, and the one that invites Goodhart behaviour.
 */
import { z } from 'zod';
import { checkComponentWeights, componentWeights, componentWeightsField, localValue } from './local-sum.js';
import { defineRewardScheme } from './scheme.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      weights: componentWeightsField(),
    })
    .strict(),
);

/** The registered scheme. */
export const localScheme = defineRewardScheme({
  id: 'local',
  summary: "The agent's own reward components, weighted (default weight 1 each)",
  get paramsSchema() {
    return paramsSchema();
  },
  check(world, agent, params) {
    return checkComponentWeights(world, agent, params.weights);
  },
  create(ctx, params) {
    const weights = componentWeights(ctx.world, ctx.agent, params.weights);
    const i = ctx.agent.index;
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        for (let b = 0; b < out.length; b++) out[b] = localValue(weights, r, b);
      },
    };
  },
});
