/**
 * team: every agent gets the same reward, the team objective G (a weighted sum of the step's team
 * KPIs). Aligned with the team by construction, but each agent's own contribution is buried in
 * everyone else's noise (the credit-assignment problem difference rewards address).
 */
import { z } from 'zod';
import { defineRewardScheme } from './scheme.js';
import { checkKpiWeights, kpiWeightsField, teamValue, teamWeights } from './team-objective.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() => z.object({ kpis: kpiWeightsField() }).strict());

/** The registered scheme. */
export const teamScheme = defineRewardScheme({
  id: 'team',
  summary: 'Shared team objective G (weighted team KPIs), the same for every agent',
  get paramsSchema() {
    return paramsSchema();
  },
  check: (world, _agent, params) => checkKpiWeights(world, params.kpis),
  create(ctx, params) {
    const weights = teamWeights(ctx.world, params.kpis);
    return {
      compute(engine, out) {
        for (let b = 0; b < out.length; b++) out[b] = teamValue(weights, engine.kpis, b);
      },
    };
  },
});
