/**
 * base-stock: the order-up-to heuristic for any supply-chain role, by observation-slot and decision
 * names (see supply-slots.ts), so the same policy runs in beer-game-v1 and warehouse-v1.
 *
 * - An agent with an `orderQuantity` decision orders max(0, S − inventoryPosition) each period.
 * - An agent with an `orderUpToLevel` decision (the warehouse's inventory role) sets the target S.
 *
 * S is `level` (fixed, units), or `coverPeriods` × the observed demand slot + `safetyStock`
 * (a dynamic level that follows demand as the agent sees it, stale or not), or, when neither is
 * given, the `orderUpToLevel` slot of the observation (follow the target another role sets).
 * Base-stock levels are optimal for serial systems (Clark & Scarf 1960); see
 * envs/beer-game/optimal-base-stock.ts for the search of the best levels.
 */
import { z } from 'zod';
import { levelOf } from '../src/core/action-levels.js';
import { definePolicy } from '../src/core/policy.js';
import { DecisionWriter, missingDecision, missingSlot, read, slotReader } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      level: z.number().optional().describe('Order-up-to level S in units; omit to use coverPeriods or the observed orderUpToLevel'),
      coverPeriods: z.number().nonnegative().optional().describe('Dynamic level: S = coverPeriods × observed demand + safetyStock'),
      safetyStock: z.number().default(0).describe('Units added to the dynamic level'),
      demandSlot: z.string().default('demand').describe('Observation slot read as demand by the dynamic level (e.g. demand, demandAvg)'),
      supplier: z
        .number()
        .int()
        .nonnegative()
        .optional()
        .describe('Supplier index for worlds with a `supplier` decision (warehouse); default: the world default'),
    })
    .strict(),
);

/** The registered spec. */
export const baseStockPolicy = definePolicy({
  id: 'base-stock',
  summary: 'Order-up-to (base-stock) heuristic: order S − inventory position, or set the target S (supply worlds)',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  incompatibility(world, agent, params) {
    const noDecision = missingDecision(world, agent, ['orderQuantity', 'orderUpToLevel']);
    if (noDecision) return noDecision;
    const ordering = world.decisions![agent.index]!.includes('orderQuantity');
    if (params.level === undefined && params.coverPeriods !== undefined) {
      const m = missingSlot(world, agent, params.demandSlot);
      if (m) return `${m}; set params.demandSlot`;
    }
    if (!ordering)
      return params.level === undefined && params.coverPeriods === undefined
        ? `agent ${agent.id} sets a target: give params.level or params.coverPeriods`
        : undefined;
    if (params.level === undefined && params.coverPeriods === undefined && missingSlot(world, agent, 'orderUpToLevel'))
      return `give params.level (or coverPeriods): ${missingSlot(world, agent, 'orderUpToLevel')}`;
    return missingSlot(world, agent, 'inventoryPosition');
  },
  create(ctx, params) {
    const writer = new DecisionWriter(ctx);
    const qIdx = writer.index('orderQuantity');
    const targetIdx = writer.index('orderUpToLevel');
    const supplierIdx = writer.index('supplier');
    if (supplierIdx >= 0 && params.supplier !== undefined) writer.decision[supplierIdx] = params.supplier;
    const ip = slotReader(ctx, 'inventoryPosition');
    const demand = slotReader(ctx, params.demandSlot);
    const target = slotReader(ctx, 'orderUpToLevel');
    const { level, coverPeriods, safetyStock } = params;
    const width = writer.decision.length;
    const slot = qIdx >= 0 ? qIdx : targetIdx;
    // A fixed S, and the order the agent's only decision, encoded as plain levels (the beer game):
    // order, round and clamp in one pass straight into the actions, with no decision matrix and no
    // encodeActions pass (measured in the stepping loop: ~12% of a base-stock step at 1024 copies).
    // max(0, S − position) is dropped there: a negative order rounds to a level ≤ 0, which the
    // clamp to 0 turns into the same level (test/policies/base-stock-levels.test.ts compares both paths).
    const levels = ctx.world.actionLevels?.[ctx.agent.index];
    const direct = levels !== undefined && level !== undefined && qIdx === 0 && width === 1 && ctx.actionSpace.size === 1 && ip.index >= 0 ? levels : undefined;
    return {
      act(obs, actions) {
        if (direct !== undefined) {
          orderLevels(obs, ip.index, ip.stride, ip.scale, level!, direct.unit, direct.maxLevel, actions);
          return;
        }
        const rows = actions.length / ctx.actionSpace.size;
        const m = writer.beginRows(rows);
        if (level !== undefined && qIdx >= 0 && ip.index >= 0) {
          // The common case (fixed S, ordering) as its own loop over locals: V8 does not hoist the
          // closure's variables out of the general loop below (measured 1.8x faster over 1024 rows).
          const S = level;
          const stride = ip.stride;
          const scale = ip.scale;
          for (let b = 0, k = ip.index, d = slot; b < rows; b++, k += stride, d += width) {
            const q = S - obs[k]! * scale;
            // max(0, q) without a data-dependent branch for finite q: (q > 0) × q is q or ±0, and
            // + 0 turns −0 into 0. Orders land just above or below zero at random (float32 noise),
            // so the plain `q > 0 ? q : 0` mispredicted (measured in the stepping loop: ~10% of the
            // act time). NaN and infinities take the plain form.
            m[d] = q > -1e300 && q < 1e300 ? +(q > 0) * q + 0 : q > 0 ? q : 0;
          }
        } else {
          for (let b = 0; b < rows; b++) {
            const s = level ?? (coverPeriods !== undefined ? coverPeriods * read(demand, obs, b) + safetyStock : read(target, obs, b));
            if (qIdx >= 0) {
              const q = s - read(ip, obs, b);
              m[b * width + slot] = q > 0 ? q : 0;
            } else m[b * width + slot] = s;
          }
        }
        writer.writeRows(actions, rows);
      },
    };
  },
});

/**
 * Row b's action level of a base-stock order: levelOf((S − obs[at + b × stride] × scale) / unit),
 * for every row of `actions` (action size 1). Whole units skip the division (x / 1 === x).
 */
function orderLevels(obs: Float32Array, at: number, stride: number, scale: number, S: number, unit: number, top: number, actions: Float64Array): void {
  const rows = actions.length;
  if (unit === 1) for (let b = 0, k = at; b < rows; b++, k += stride) actions[b] = levelOf(S - obs[k]! * scale, top);
  else for (let b = 0, k = at; b < rows; b++, k += stride) actions[b] = levelOf((S - obs[k]! * scale) / unit, top);
}
