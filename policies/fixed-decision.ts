/**
 * Fixed-decision heuristics for the warehouse's service roles: `standard-shipping` (logistics always
 * ships by the standard mode) and `fixed-budget` (finance approves purchases up to a fixed multiple
 * of the working-capital budget). Both write a named decision through the world's `encodeAction`,
 * so they keep working if the world's action encoding changes.
 */
import { z } from 'zod';
import { definePolicy, type Policy, type PolicyContext } from '../src/core/policy.js';
import { DecisionWriter, missingDecision } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

function fixed(ctx: PolicyContext, name: string, value: number): Policy {
  const writer = new DecisionWriter(ctx);
  writer.decision[writer.index(name)] = value;
  return {
    act(_obs, actions) {
      const rows = actions.length / ctx.actionSpace.size;
      writer.beginRows(rows); // every row is the fixed decision
      writer.writeRows(actions, rows);
    },
  };
}

const standardShippingParams = lazySchema(() => z.object({}).strict());

/** Logistics: always the standard shipping mode. */
export const standardShippingPolicy = definePolicy({
  id: 'standard-shipping',
  summary: 'Always ship by the standard mode, never expedite (warehouse logistics)',
  learns: false,
  get paramsSchema() {
    return standardShippingParams();
  },
  incompatibility: (world, agent) => missingDecision(world, agent, ['shippingMode']),
  create: (ctx) => fixed(ctx, 'shippingMode', 0),
});

const fixedBudgetParams = lazySchema(() =>
  z
    .object({
      budgetMultiple: z
        .number()
        .positive()
        .default(1)
        .describe('Approval cap as a multiple of the working-capital budget (snapped to the nearest level the world offers)'),
    })
    .strict(),
);

/** Finance: a fixed approval limit as a multiple of the working-capital budget. */
export const fixedBudgetPolicy = definePolicy({
  id: 'fixed-budget',
  summary: 'Approve purchases up to a fixed multiple of the working-capital budget (warehouse finance)',
  learns: false,
  get paramsSchema() {
    return fixedBudgetParams();
  },
  incompatibility: (world, agent) => missingDecision(world, agent, ['budgetMultiple']),
  create: (ctx, params) => fixed(ctx, 'budgetMultiple', params.budgetMultiple),
});
