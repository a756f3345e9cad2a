/**
 * sterman: the anchoring-and-adjustment ordering rule Sterman (1989) fitted to human beer-game
 * players. Each period the agent anchors on expected demand L̂ (exponential smoothing of the
 * observed demand with weight θ) and adjusts towards a desired stock, discounting the supply line:
 *
 *   L̂ ← θ · demand + (1 − θ) · L̂,   order = max(0, L̂ + α_S · (S′ − S − β · SL)),
 *
 * with S = onHand − backlog and SL = pipeline (units ordered, not yet received). Defaults are
 * Sterman's mean estimates (θ 0.36, α_S 0.26, β 0.34, S′ 17); β < 1 under-weights the supply line,
 * which is what produces the bullwhip. Works in both supply worlds through slot names. The
 * expectation re-anchors on the first demand seen in each episode (detected by the observation's
 * `timeFraction` slot going down, when the world has one).
 */
import { z } from 'zod';
import { definePolicy } from '../src/core/policy.js';
import { DecisionWriter, missingDecision, missingSlot, read, slotReader } from './supply-slots.js';
import { lazySchema } from '../src/core/lazy-schema.js';

const paramsSchema = lazySchema(() =>
  z
    .object({
      theta: z.number().min(0).max(1).default(0.36).describe('θ: weight of the newest demand in the expectation (exponential smoothing)'),
      alphaS: z.number().min(0).max(1).default(0.26).describe('α_S: share of the stock gap closed per period'),
      beta: z.number().min(0).max(1).default(0.34).describe('β: weight of the supply line relative to stock (1 = fully rational)'),
      desiredStock: z.number().default(17).describe("S′: desired stock in units, including the desired supply line's weighted share"),
      demandSlot: z.string().default('demand').describe('Observation slot read as demand (e.g. demand, demandAvg)'),
      supplier: z.number().int().nonnegative().optional().describe('Supplier index for worlds with a `supplier` decision (warehouse)'),
    })
    .strict(),
);

/** The registered spec. */
export const stermanPolicy = definePolicy({
  id: 'sterman',
  summary: "Sterman's anchoring-and-adjustment ordering rule (human beer-game players; supply worlds)",
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  incompatibility(world, agent, params) {
    return (
      missingDecision(world, agent, ['orderQuantity']) ??
      missingSlot(world, agent, params.demandSlot) ??
      missingSlot(world, agent, 'onHand') ??
      missingSlot(world, agent, 'backlog') ??
      missingSlot(world, agent, 'pipeline')
    );
  },
  create(ctx, params) {
    const writer = new DecisionWriter(ctx);
    const qIdx = writer.index('orderQuantity');
    const supplierIdx = writer.index('supplier');
    if (supplierIdx >= 0 && params.supplier !== undefined) writer.decision[supplierIdx] = params.supplier;
    const demand = slotReader(ctx, params.demandSlot);
    const onHand = slotReader(ctx, 'onHand');
    const backlog = slotReader(ctx, 'backlog');
    const pipeline = slotReader(ctx, 'pipeline');
    const { theta, alphaS, beta, desiredStock } = params;
    // Per copy: the demand expectation; NaN until the first observation anchors it. A player
    // re-anchors when a new episode starts, seen as `timeFraction` going down (when observed).
    const expected = new Float64Array(ctx.numEnvs).fill(NaN);
    const time = slotReader(ctx, 'timeFraction');
    const lastTime = new Float64Array(ctx.numEnvs).fill(Infinity);
    return {
      act(obs, actions) {
        const rows = actions.length / ctx.actionSpace.size;
        const m = writer.beginRows(rows);
        const width = writer.decision.length;
        for (let b = 0; b < rows; b++) {
          const d = read(demand, obs, b);
          if (time.index >= 0) {
            const tf = read(time, obs, b);
            if (tf < lastTime[b]!) expected[b] = NaN;
            lastTime[b] = tf;
          }
          const prev = expected[b]!;
          const l = prev === prev ? theta * d + (1 - theta) * prev : d;
          expected[b] = l;
          const stock = read(onHand, obs, b) - read(backlog, obs, b);
          const q = l + alphaS * (desiredStock - stock - beta * read(pipeline, obs, b));
          m[b * width + qIdx] = q > 0 ? q : 0;
        }
        writer.writeRows(actions, rows);
      },
      save: () => ({ expected: Array.from(expected), lastTime: Array.from(lastTime) }),
      load(data) {
        // JSON turns NaN and Infinity into null: restore each array's own "unset" value.
        const restore = (to: Float64Array, from: unknown, unset: number): void => {
          if (Array.isArray(from) && from.length === to.length) to.set(from.map((v) => (v === null ? unset : Number(v))));
        };
        restore(expected, (data as { expected?: unknown }).expected, NaN);
        restore(lastTime, (data as { lastTime?: unknown }).lastTime, Infinity);
      },
    };
  },
});
