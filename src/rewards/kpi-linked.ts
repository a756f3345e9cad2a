/**
 * kpi-linked: the local reward, penalised (or scaled down) when a named team KPI worsens relative
 * to its recent level (an exponential moving average with half-life `halfLife` steps). Links each
 * agent's pay to a team metric without handing it the whole team objective.
 *
 *   d = how much worse the KPI is than its moving average (0 when it is at or better than it)
 *   penalty: r = local − λ·d            scale: r = local − |local|·(1 − e^(−λ·d))
 */
import { z } from 'zod';
import { checkComponentWeights, componentWeights, componentWeightsField, localValue } from './local-sum.js';
import { defineRewardScheme, unknownNames } from './scheme.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      kpi: z.string().describe('Name of the team KPI the reward is linked to'),
      mode: z
        .enum(['penalty', 'scale'])
        .default('penalty')
        .describe("'penalty' subtracts λ·worsening; 'scale' shrinks the reward by a factor e^(−λ·worsening)"),
      strength: z.number().nonnegative().default(1).describe('λ: how hard a worsening KPI bites'),
      halfLife: z.number().positive().default(20).describe('Half-life in steps of the KPI moving average the step is compared with'),
      weights: componentWeightsField(),
    })
    .strict(),
);

/** The registered scheme. */
export const kpiLinkedScheme = defineRewardScheme({
  id: 'kpi-linked',
  summary: 'Local reward penalised or scaled down when a named team KPI worsens against its moving average',
  get paramsSchema() {
    return paramsSchema();
  },
  check: (world, agent, params) => [
    ...unknownNames(
      [params.kpi],
      world.kpis.map((k) => k.name),
      'kpi',
      'team KPI',
      false,
    ).map((i) => ({ ...i, path: 'kpi' })),
    ...checkComponentWeights(world, agent, params.weights),
  ],
  create(ctx, params) {
    const { world, numEnvs } = ctx;
    const i = ctx.agent.index;
    const k = world.kpis.findIndex((x) => x.name === params.kpi);
    const sign = world.kpis[k]!.better === 'higher' ? 1 : -1;
    const nK = world.kpis.length;
    const local = componentWeights(world, ctx.agent, params.weights);
    const alpha = 1 - 2 ** (-1 / params.halfLife);
    const ema = new Float64Array(numEnvs).fill(NaN);
    const lambda = params.strength;
    const scale = params.mode === 'scale';
    return {
      compute(engine, out) {
        const r = engine.rewards[i]!;
        for (let b = 0; b < numEnvs; b++) {
          if (engine.wasReset[b] === 1) {
            out[b] = 0;
            continue;
          }
          const l = localValue(local, r, b);
          const v = engine.kpis[b * nK + k]!;
          if (Number.isNaN(ema[b]!)) ema[b] = v;
          const worse = Math.max(0, sign * (ema[b]! - v));
          out[b] = scale ? l - Math.abs(l) * (1 - Math.exp(-lambda * worse)) : l - lambda * worse;
          ema[b]! += alpha * (v - ema[b]!);
        }
      },
      save: () => ema.slice(),
      load: (data) => ema.set(data as Float64Array),
    };
  },
});
