/**
 * beer-game-v1 params (zod schema) and their normalisation into per-stage arrays. Per-stage
 * values accept one number (every stage) or four (retailer, wholesaler, distributor, factory).
 */
import { z } from 'zod';
import { demandSchema } from './demand.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

/** Stage ids, downstream first. */
export const STAGES = ['retailer', 'wholesaler', 'distributor', 'factory'] as const;
/** Number of stages. */
export const NUM_STAGES = STAGES.length;

const perStage = (inner: z.ZodNumber, fallback: number | number[], what: string) =>
  z
    .union([inner, z.array(inner).length(NUM_STAGES)])
    .default(fallback)
    .describe(`${what}: one number for every stage or four (retailer, wholesaler, distributor, factory)`);

/** The params schema. */
export const beerGameParamsSchema = lazySchema(() =>
  z
    .object({
      demand: demandSchema(),
      orderLeadTime: perStage(
        z.number().int().min(1).max(16),
        [2, 2, 2, 1],
        "Periods an order takes to reach the upstream stage (the factory's: production request delay)",
      ),
      shippingLeadTime: perStage(z.number().int().min(1).max(16), 2, "Periods a shipment takes to reach this stage (the factory's: production delay)"),
      holdingCost: perStage(z.number().nonnegative(), 0.5, 'Cost per unit on hand per period'),
      backorderCost: perStage(z.number().nonnegative(), 1, 'Cost per unit backordered per period'),
      initialInventory: perStage(z.number().nonnegative(), 12, 'Units on hand at the start'),
      initialPipeline: perStage(z.number().nonnegative(), 4, 'Units in every slot of the order and shipping pipelines at the start (the steady-state flow)'),
      maxOrder: z.number().int().min(1).max(10_000).default(40).describe('Largest order per period, in units of `orderUnit` (action levels 0..maxOrder)'),
      orderUnit: z.number().positive().default(1).describe('Units per action level: action k orders k * orderUnit'),
      episodeLength: z.number().int().positive().default(36).describe('Periods (weeks) per episode before truncation'),
      obsScale: z.number().positive().default(10).describe('Units per observation unit: quantity slots are units / obsScale'),
      accounting: z
        .enum(['classic', 'transit', 'echelon'])
        .default('classic')
        .describe(
          "Cost accounting: 'classic' (Sterman: holding on stock on hand, backorder on own backlog), 'transit' (also holding on goods in transit to a stage, at the shipping stage's rate), 'echelon' (transit's team cost allocated by echelon, Chen–Zheng: stage j pays (h_j − h_{j+1}) × its echelon inventory level; needs holdingCost nonincreasing upstream)",
        ),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.accounting !== 'echelon') return;
      const h = typeof p.holdingCost === 'number' ? [p.holdingCost] : p.holdingCost;
      for (let i = 1; i < h.length; i++)
        if (h[i]! > h[i - 1]!)
          ctx.addIssue({
            code: 'custom',
            path: ['holdingCost'],
            message: `echelon accounting needs holding costs nonincreasing from retailer to factory (echelon rate h_j − h_{j+1} ≥ 0), got ${JSON.stringify(h)}; use accounting: transit, or raise the downstream rates`,
          });
    }),
);

/** Params as written (defaults applied). */
export type BeerGameParams = z.infer<ReturnType<typeof beerGameParamsSchema>>;

/** Accounting conventions, in the order of `StageConfig.accounting`. */
export const ACCOUNTING = ['classic', 'transit', 'echelon'] as const;

/** Params normalised to per-stage arrays. */
export interface StageConfig {
  readonly orderLead: Int32Array;
  readonly shipLead: Int32Array;
  readonly holding: Float64Array;
  readonly backorder: Float64Array;
  readonly initialInventory: Float64Array;
  readonly initialPipeline: Float64Array;
  /** 0 classic, 1 transit, 2 echelon (see `accounting`). */
  readonly accounting: number;
}

const toArray = (v: number | number[]): number[] => (typeof v === 'number' ? Array.from({ length: NUM_STAGES }, () => v) : v);

/** Expand per-stage params into typed arrays. */
export function stageConfig(p: BeerGameParams): StageConfig {
  return {
    orderLead: Int32Array.from(toArray(p.orderLeadTime)),
    shipLead: Int32Array.from(toArray(p.shippingLeadTime)),
    holding: Float64Array.from(toArray(p.holdingCost)),
    backorder: Float64Array.from(toArray(p.backorderCost)),
    initialInventory: Float64Array.from(toArray(p.initialInventory)),
    initialPipeline: Float64Array.from(toArray(p.initialPipeline)),
    accounting: ACCOUNTING.indexOf(p.accounting),
  };
}
