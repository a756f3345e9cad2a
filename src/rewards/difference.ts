/**
 * difference (Wolpert & Tumer): D_i = G(z) − G(z₋ᵢ). G(z₋ᵢ) is the team objective of the same step
 * with agent i's action replaced by a counterfactual (the world's no-op `defaultAction`, or the
 * action of a baseline policy), computed exactly by stepping a fork of the pre-step state. The
 * state carries its own random stream, so the fork sees the same noise: D_i isolates agent i's
 * contribution without the other agents' noise that plain team rewards carry.
 *
 * `lookAhead` also credits what the action does after the step (look-ahead.ts): both branches are
 * continued for `steps` periods under scripted policies and the discounted G differences added.
 *
 * Cost: one extra world step per agent per copy per step, plus 2 × steps with a look-ahead (no
 * allocation: scratch states, output views and action views are made once).
 */
import { z } from 'zod';
import type { VecEngine } from '../core/engine.js';
import { allocStepOut } from '../core/world.js';
import { checkLookAhead, checkPolicyChoice, createPolicy, lookAheadField, makeLookAhead } from './look-ahead.js';
import { defineRewardScheme } from './scheme.js';
import { checkKpiWeights, kpiWeightsField, teamValue, teamWeights } from './team-objective.js';
import { lazySchema } from '../core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      kpis: kpiWeightsField(),
      counterfactual: z
        .enum(['default', 'policy'])
        .default('default')
        .describe("Replace agent i's action by the world's no-op ('default') or by a baseline policy's action ('policy')"),
      baseline: z
        .object({ type: z.string().describe('Baseline policy type'), params: z.record(z.string(), z.unknown()).default({}).describe('Its params') })
        .strict()
        .optional()
        .describe("Baseline policy when counterfactual is 'policy' (e.g. {type: constant, params: {action: 0}})"),
      lookAhead: lookAheadField(),
    })
    .strict(),
);

/** The registered scheme. */
export const differenceScheme = defineRewardScheme({
  id: 'difference',
  summary: "D_i = G(z) − G(z₋ᵢ): team objective minus its value with agent i's action replaced by a default, on a world fork",
  get paramsSchema() {
    return paramsSchema();
  },
  check(world, agent, params) {
    const issues = checkKpiWeights(world, params.kpis);
    if (params.counterfactual === 'policy') {
      if (!params.baseline) issues.push({ path: 'baseline', message: "required when counterfactual is 'policy': give {type, params} of the baseline policy" });
      else issues.push(...checkPolicyChoice(world, agent, params.baseline, 'baseline'));
    }
    if (params.lookAhead) issues.push(...checkLookAhead(world, params.lookAhead));
    return issues;
  },
  create(ctx, params) {
    const { world, numEnvs } = ctx;
    const i = ctx.agent.index;
    const nA = world.agents.length;
    const weights = teamWeights(world, params.kpis);
    const scratch = world.createState();
    const out = allocStepOut(world);
    const size = world.actionSpaces[i]!.size;
    const cf = new Float64Array(numEnvs * size);
    const cfRows = Array.from({ length: numEnvs }, (_, b) => cf.subarray(b * size, (b + 1) * size));
    const baseline = params.counterfactual === 'policy' && params.baseline ? createPolicy(world, ctx.agent, params.baseline, numEnvs, ctx.rng) : undefined;
    const ahead = params.lookAhead ? makeLookAhead(world, weights, params.lookAhead, numEnvs, ctx.rng) : undefined;
    const stepped = new Uint8Array(numEnvs);
    // Per copy: every agent's real action view, except agent i's, which points at the counterfactual row.
    let views: Float64Array[][] | undefined;
    const buildViews = (engine: VecEngine): Float64Array[][] =>
      Array.from({ length: numEnvs }, (_, b) =>
        Array.from({ length: nA }, (_, j) =>
          j === i ? cfRows[b]! : engine.actions[j]!.subarray(b * world.actionSpaces[j]!.size, (b + 1) * world.actionSpaces[j]!.size),
        ),
      );
    return {
      compute(engine, rewards) {
        views ??= buildViews(engine);
        if (baseline) baseline.act(engine.prevObs[i]!, cf, 'greedy');
        else for (let b = 0; b < numEnvs; b++) world.defaultAction(i, engine.prevStates[b]!, cfRows[b]!);
        for (let b = 0; b < numEnvs; b++) {
          stepped[b] = engine.wasReset[b] === 1 ? 0 : 1;
          if (stepped[b] === 0) {
            rewards[b] = 0;
            continue;
          }
          // With a look-ahead the fork's first step goes straight into the counterfactual branch.
          const next = ahead ? ahead.counterfactual.states[b]! : scratch;
          const o = ahead ? ahead.counterfactual.outs[b]! : out;
          world.step(engine.prevStates[b]!, views[b]!, next, o);
          o.events.length = 0;
          rewards[b] = teamValue(weights, engine.kpis, b) - teamValue(weights, o.kpis, 0);
        }
        ahead?.add(engine, stepped, rewards);
      },
      save: () => ({ rng: ctx.rng.snapshot(), baseline: baseline?.save?.() ?? null, lookAhead: ahead?.save() ?? null }),
      load(data) {
        const d = data as { rng: Uint32Array; baseline: unknown; lookAhead?: unknown[] | null };
        ctx.rng.restore(d.rng);
        if (d.baseline !== null) baseline?.load?.(d.baseline);
        if (d.lookAhead) ahead?.load(d.lookAhead);
      },
    };
  },
});
