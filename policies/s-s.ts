/**
 * s-s: the (s, S) reorder-point heuristic for ordering roles of the supply worlds: when the
 * inventory position is at or below the reorder point s, order up to S; otherwise order nothing.
 * With S − s large it orders in big lots (what a buyer chasing a quantity discount does).
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { DecisionWriter, missingDecision, missingSlot, read, slotReader } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      reorderPoint: z.number().describe('s: order when the inventory position is at or below this many units'),
      orderUpTo: z.number().describe('S: the inventory position an order brings the agent up to (units, ≥ s)'),
      supplier: z.number().int().nonnegative().optional().describe('Supplier index for worlds with a `supplier` decision (warehouse)'),
      drift: z
        .object({
          orderUpTo: z.number().describe('S reached at the end of the drift (units)'),
          steps: z.number().int().positive().describe('Steps over which S moves linearly from orderUpTo to this value'),
        })
        .strict()
        .optional()
        .describe('Planted drift: S moves linearly over time, a scripted stand-in for a learner drifting toward bulk buying (Goodhart scenarios)'),
    })
    .strict()
    .refine((p) => p.orderUpTo >= p.reorderPoint, { message: 'orderUpTo (S) must be at least reorderPoint (s)', path: ['orderUpTo'] }),
);

/** The registered spec. */
export const sSPolicy = definePolicy({
  id: 's-s',
  summary: '(s, S) heuristic: when inventory position ≤ s, order up to S (supply worlds)',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  conformanceParams: { reorderPoint: 8, orderUpTo: 20 },
  incompatibility(world, agent) {
    return missingDecision(world, agent, ['orderQuantity']) ?? missingSlot(world, agent, 'inventoryPosition');
  },
  create(ctx, params) {
    const writer = new DecisionWriter(ctx);
    const qIdx = writer.index('orderQuantity');
    const supplierIdx = writer.index('supplier');
    if (supplierIdx >= 0 && params.supplier !== undefined) writer.decision[supplierIdx] = params.supplier;
    const ip = slotReader(ctx, 'inventoryPosition');
    const { reorderPoint, drift } = params;
    let t = 0;
    return {
      act(obs, actions) {
        const orderUpTo = drift ? params.orderUpTo + (drift.orderUpTo - params.orderUpTo) * Math.min(1, t / drift.steps) : params.orderUpTo;
        t++;
        const rows = actions.length / ctx.actionSpace.size;
        const m = writer.beginRows(rows);
        const width = writer.decision.length;
        for (let b = 0; b < rows; b++) {
          const x = read(ip, obs, b);
          m[b * width + qIdx] = x <= reorderPoint ? orderUpTo - x : 0;
        }
        writer.writeRows(actions, rows);
      },
      save: () => ({ t }),
      load: (data) => {
        t = (data as { t: number }).t;
      },
    };
  },
});
