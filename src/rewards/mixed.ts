/**
 * mixed: w·local + (1 − w)·team, with w (`localWeight`) per agent. w = 1 is the local scheme,
 * w = 0 the team scheme; in between trades individual credit for team alignment.
 */
import { z } from 'zod';
import { defineRewardScheme, unknownNames } from './scheme.js';
import { checkKpiWeights, kpiWeightsField, teamValue, teamWeights } from './team-objective.js';

/** The registered scheme. */
export const mixedScheme = defineRewardScheme({
  id: 'mixed',
  summary: 'w·local + (1 − w)·team objective, w per agent',
  paramsSchema: z
    .object({
      localWeight: z.number().min(0).max(1).default(0.5).describe('w: weight of the local reward; 1 − w goes to the team objective'),
      weights: z.record(z.string(), z.number()).default({}).describe('Weight per local reward component; unlisted components weigh 1'),
      kpis: kpiWeightsField,
    })
    .strict(),
  check: (world, agent, params) => [
    ...unknownNames(Object.keys(params.weights), world.rewardComponents[agent.index]!, 'weights', 'reward component'),
    ...checkKpiWeights(world, params.kpis),
  ],
  create(ctx, params) {
    const names = ctx.world.rewardComponents[ctx.agent.index]!;
    const local = Float64Array.from(names, (n) => params.weights[n] ?? 1);
    const team = teamWeights(ctx.world, params.kpis);
    const w = params.localWeight;
    const nC = names.length;
    const i = ctx.agent.index;
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        for (let b = 0; b < out.length; b++) {
          let l = 0;
          for (let c = 0; c < nC; c++) l += local[c]! * r[b * nC + c]!;
          out[b] = w * l + (1 - w) * teamValue(team, engine.kpis, b);
        }
      },
    };
  },
});
