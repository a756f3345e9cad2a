/**
 * warehouse-v1 params: the zod schema (defaults, bounds, a description per field) and the small
 * derived constants the kernel needs. Time params are in periods; `periodDays` (1 = a day) scales
 * demand and the per-day cost rates. Money is in currency units, quantities in units.
 */
import { z } from 'zod';
import { warehouseDemandSchema } from './demand.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

/** Role ids, which are also the agent ids (one agent per role). */
export const ROLES = ['procurement', 'inventory', 'logistics', 'finance'] as const;
/** A role id. */
export type Role = (typeof ROLES)[number];

const tier = lazySchema(() =>
  z
    .object({
      minQuantity: z.number().positive().describe('Order size (units) from which the discount applies'),
      discount: z.number().min(0).max(0.9).describe('Fraction off the unit price, e.g. 0.12'),
    })
    .strict(),
);

const supplier = lazySchema(() =>
  z
    .object({
      name: z.string().min(1).describe('Supplier name (action labels)'),
      unitPrice: z.number().positive().describe('Price per unit before quantity discounts'),
      leadTime: z.number().int().min(1).max(60).describe('Periods from order to receipt when on time'),
      reliability: z.number().min(0).max(1).describe('Probability an order arrives on time'),
      lateBy: z.number().int().min(0).max(60).describe('Extra periods a late order takes'),
      discountTiers: z.array(tier()).default([]).describe('Quantity discounts; the largest tier whose minQuantity the order reaches applies'),
    })
    .strict(),
);

/** Observation slots that come from the periodic report (the ones a data silo can delay). */
export const REPORTED_SLOTS = ['onHand', 'backlog', 'demand', 'demandAvg', 'lateRisk', 'keyBacklog'] as const;

const silo = lazySchema(() =>
  z
    .object({
      delay: z.number().int().min(0).max(90).default(0).describe('Periods by which the reported slots lag (data silo)'),
      cadence: z.number().int().min(1).max(90).default(1).describe('Reported slots refresh every `cadence` periods (7 = a weekly report)'),
      noise: z.number().min(0).max(1).default(0).describe("Relative s.d. of multiplicative Gaussian noise on the silo's slots"),
      slots: z
        .array(z.enum(REPORTED_SLOTS))
        .default([...REPORTED_SLOTS])
        .describe('Which reported slots the silo applies to (default all; e.g. [demand, demandAvg] for a role that sees stock live but sales late)'),
    })
    .strict()
    .default({ delay: 0, cadence: 1, noise: 0, slots: [...REPORTED_SLOTS] }),
);

/** The params schema. */
export const warehouseParamsSchema = lazySchema(() =>
  z
    .object({
      episodeLength: z.number().int().positive().default(360).describe('Periods per episode before truncation'),
      periodDays: z.number().positive().default(1).describe('Days per period: scales demand and the per-day cost rates'),
      demand: warehouseDemandSchema(),
      listPrice: z.number().positive().default(10).describe('Standard (list) cost per unit: values stock and open orders for working capital'),
      salePrice: z.number().positive().default(15).describe('Revenue per unit shipped to a customer'),
      suppliers: z
        .array(supplier())
        .min(1)
        .max(8)
        .default([
          {
            name: 'local',
            unitPrice: 10,
            leadTime: 2,
            reliability: 0.97,
            lateBy: 1,
            discountTiers: [
              { minQuantity: 300, discount: 0.04 },
              { minQuantity: 600, discount: 0.08 },
            ],
          },
          { name: 'overseas', unitPrice: 9, leadTime: 8, reliability: 0.85, lateBy: 4, discountTiers: [{ minQuantity: 600, discount: 0.08 }] },
        ])
        .describe('Suppliers procurement can order from'),
      orderUnit: z.number().positive().default(25).describe('Units per procurement order level'),
      orderLevels: z.number().int().min(2).max(200).default(33).describe('Procurement order levels per supplier: level k orders k × orderUnit'),
      targetUnit: z.number().positive().default(25).describe('Units per inventory target level'),
      targetLevels: z.number().int().min(2).max(200).default(25).describe('Inventory target levels: level k sets the order-up-to target to k × targetUnit'),
      initialTarget: z.number().nonnegative().default(200).describe('Order-up-to target at the start (units), also the starting stock'),
      storageCapacity: z.number().positive().default(450).describe('Units the warehouse holds; stock above it goes to overflow storage'),
      holdingCost: z.number().nonnegative().default(0.02).describe('Cost per unit in stock per day'),
      overflowCost: z.number().nonnegative().default(0.5).describe('Cost per unit in overflow storage per day (paid by inventory)'),
      overflowHandlingCost: z.number().nonnegative().default(1).describe('Cost per unit moved into overflow storage (paid by logistics)'),
      stockoutPenalty: z.number().nonnegative().default(4).describe('Goodwill cost per unit of demand not served from stock on its day'),
      keyAccountWeight: z.number().min(1).default(3).describe('Stockout penalty multiple for key-account units'),
      maxBacklogPeriods: z.number().int().min(1).max(30).default(7).describe('Periods a backordered unit waits before the customer cancels (a lost sale)'),
      standardCapacity: z.number().nonnegative().default(60).describe('Units the standard carrier takes per period'),
      expediteCapacity: z.number().nonnegative().default(40).describe('Units the expedited carrier takes per period'),
      standardShipCost: z.number().nonnegative().default(0.5).describe('Cost per unit shipped standard'),
      expediteShipCost: z.number().nonnegative().default(2).describe('Cost per unit shipped expedited'),
      standardTransit: z.number().int().min(0).max(30).default(2).describe('Periods a standard shipment takes to reach the customer'),
      expediteTransit: z.number().int().min(0).max(30).default(1).describe('Periods an expedited shipment takes'),
      promisePeriods: z.number().int().min(0).max(60).default(2).describe('Delivery promise: a unit is on time if wait + transit ≤ this'),
      latePenalty: z.number().nonnegative().default(2).describe('Cost per unit delivered late (paid by logistics)'),
      workingCapitalBudget: z.number().positive().default(4000).describe('Budget for capital tied up in stock and open orders (at list price)'),
      budgetLevels: z
        .array(z.number().positive())
        .min(1)
        .max(32)
        .default([0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 100])
        .describe('Finance action levels: approval cap as a multiple of the budget (100 = approve everything)'),
      capitalCostRate: z.number().nonnegative().default(0.15).describe('Annual cost of capital on working capital (per 365 days)'),
      overrunPenalty: z.number().nonnegative().default(0.01).describe('Cost per currency unit of working capital above budget per day (paid by finance)'),
      observation: z
        .object({ procurement: silo(), inventory: silo(), logistics: silo(), finance: silo() })
        .strict()
        .default(
          Object.fromEntries(ROLES.map((r) => [r, { delay: 0, cadence: 1, noise: 0, slots: [...REPORTED_SLOTS] }])) as Record<
            Role,
            { delay: number; cadence: number; noise: number; slots: (typeof REPORTED_SLOTS)[number][] }
          >,
        )
        .describe('Per role: delay, cadence and noise of the reported observation slots (data silos)'),
      procurementMeasure: z
        .enum(['spend', 'savings'])
        .default('spend')
        .describe(
          "What procurement's purchase component pays for: 'spend' (purchaseCost: spend against demand at list price) or 'savings' (purchaseSavings: list price minus price paid, per unit bought; the Goodhart-prone purchase price variance)",
        ),
      rewardScale: z.number().positive().default(0.01).describe('Multiplier from currency to reward units (0.01: rewards in hundreds)'),
      obsScale: z.number().positive().default(100).describe('Units per observation unit for quantity slots'),
      obsClip: z.number().positive().default(20).describe('Observation slots are clipped to [-obsClip, obsClip]'),
    })
    .strict()
    .superRefine((p, ctx) => {
      if (p.expediteTransit > p.standardTransit)
        ctx.addIssue({
          code: 'custom',
          path: ['expediteTransit'],
          message: `expediteTransit ${p.expediteTransit} exceeds standardTransit ${p.standardTransit}: expediting must not be slower`,
        });
      p.suppliers.forEach((s, j) => {
        for (let k = 1; k < s.discountTiers.length; k++)
          if (s.discountTiers[k]!.minQuantity <= s.discountTiers[k - 1]!.minQuantity)
            ctx.addIssue({
              code: 'custom',
              path: ['suppliers', j, 'discountTiers', k, 'minQuantity'],
              message: 'discount tiers must be listed by increasing minQuantity',
            });
      });
    }),
);

/** Resolved params. */
export type WarehouseParams = z.infer<ReturnType<typeof warehouseParamsSchema>>;
