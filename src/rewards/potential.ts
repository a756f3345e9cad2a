/**
 * potential: potential-based shaping (Ng, Harada & Russell 1999): r + γΦ(s′) − Φ(s), with Φ a
 * weighted sum of the world's named state features and r the local (or team) reward. Such shaping
 * provably leaves the optimal policy unchanged when γ equals the learner's discount; Φ(s′) is taken
 * as 0 at terminal states. `form: bonus` gives r + Φ(s′) instead: a bonus of the same size that is
 * NOT potential-based and can change the optimal policy (kept to show why the form matters).
 */
import { z } from 'zod';
import { checkComponentWeights, componentWeights, componentWeightsField, localValue } from './local-sum.js';
import { defineRewardScheme, unknownNames } from './scheme.js';
import { checkKpiWeights, kpiWeightsField, teamValue, teamWeights } from './team-objective.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      features: z
        .record(z.string(), z.number())
        .refine((f) => Object.keys(f).length > 0, 'give at least one feature: weight')
        .describe('Φ: state feature name → weight'),
      gamma: z.number().min(0).max(1).default(0.99).describe("γ of the shaping term; set it to the learner's discount for policy invariance"),
      base: z.enum(['local', 'team']).default('local').describe('The reward being shaped: the local components or the team objective'),
      weights: componentWeightsField(),
      kpis: kpiWeightsField(),
      form: z
        .enum(['potential', 'bonus'])
        .default('potential')
        .describe("'potential': γΦ(s′) − Φ(s) (policy-invariant); 'bonus': Φ(s′) (not invariant, for comparison)"),
    })
    .strict(),
);

/** The registered scheme. */
export const potentialScheme = defineRewardScheme({
  id: 'potential',
  summary: 'Potential-based shaping r + γΦ(s′) − Φ(s), Φ a weighted sum of named state features',
  get paramsSchema() {
    return paramsSchema();
  },
  check: (world, agent, params) => [
    ...unknownNames(Object.keys(params.features), world.features, 'features', 'state feature'),
    ...checkComponentWeights(world, agent, params.weights),
    ...checkKpiWeights(world, params.kpis),
  ],
  create(ctx, params) {
    const { world } = ctx;
    const i = ctx.agent.index;
    const phiWeights = Float64Array.from(world.features, (f) => params.features[f] ?? 0);
    const feats = new Float64Array(world.features.length);
    const local = componentWeights(world, ctx.agent, params.weights);
    const team = teamWeights(world, params.kpis);
    const gamma = params.gamma;
    const bonusOnly = params.form === 'bonus';
    const useTeam = params.base === 'team';
    const phi = (state: object): number => {
      world.readFeatures(state, feats);
      let v = 0;
      for (let f = 0; f < feats.length; f++) v += phiWeights[f]! * feats[f]!;
      return v;
    };
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        const term = engine.terminated[i]!;
        for (let b = 0; b < out.length; b++) {
          if (engine.wasReset[b] === 1) {
            out[b] = 0;
            continue;
          }
          const base = useTeam ? teamValue(team, engine.kpis, b) : localValue(local, r, b);
          const next = term[b] === 1 ? 0 : phi(engine.states[b]!);
          out[b] = bonusOnly ? base + next : base + gamma * next - phi(engine.prevStates[b]!);
        }
      },
    };
  },
});
