/**
 * mixed: w·local + (1 − w)·team, with w (`localWeight`) per agent. w = 1 is the local scheme,
 * w = 0 the team scheme; in between trades individual credit for team alignment.
 */
import { z } from 'zod';
import { checkComponentWeights, componentWeights, componentWeightsField, localValue } from './local-sum.js';
import { defineRewardScheme } from './scheme.js';
import { checkKpiWeights, kpiWeightsField, teamValue, teamWeights } from './team-objective.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      localWeight: z.number().min(0).max(1).default(0.5).describe('w: weight of the local reward; 1 − w goes to the team objective'),
      weights: componentWeightsField(),
      kpis: kpiWeightsField(),
    })
    .strict(),
);

/** The registered scheme. */
export const mixedScheme = defineRewardScheme({
  id: 'mixed',
  summary: 'w·local + (1 − w)·team objective, w per agent',
  get paramsSchema() {
    return paramsSchema();
  },
  check: (world, agent, params) => [...checkComponentWeights(world, agent, params.weights), ...checkKpiWeights(world, params.kpis)],
  create(ctx, params) {
    const local = componentWeights(ctx.world, ctx.agent, params.weights);
    const team = teamWeights(ctx.world, params.kpis);
    const w = params.localWeight;
    const i = ctx.agent.index;
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        for (let b = 0; b < out.length; b++) out[b] = w * localValue(local, r, b) + (1 - w) * teamValue(team, engine.kpis, b);
      },
    };
  },
});
