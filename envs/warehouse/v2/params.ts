/**
 * warehouse-v2 params: the zod schema with every default, bound and description. The header of
 * warehouse-v2.ts lists the defaults in a table that test/supply/warehouse-v2.test.ts reads back
 * against this schema, so the two cannot drift apart.
 */
import { z } from 'zod';
import { warehouseDemandSchema } from '../demand.js';
import { lazySchema } from '../../../src/core/lazy-schema.js';

/** Role ids, which are also the agent ids (one agent per role, as in warehouse-v1). */
export const ROLES = ['procurement', 'inventory', 'logistics', 'finance'] as const;

const tier = lazySchema(() =>
  z
    .object({
      minQuantity: z.number().positive().describe('Order line size (units of one SKU) from which the discount applies'),
      discount: z.number().min(0).max(0.9).describe('Fraction off the unit price, e.g. 0.08'),
    })
    .strict(),
);

const supplier = lazySchema(() =>
  z
    .object({
      name: z.string().min(1).describe('Supplier name (action labels)'),
      priceFactor: z.number().positive().describe('Price as a multiple of each SKU’s unitCost, before quantity discounts'),
      leadTime: z.number().int().min(1).max(60).describe('Periods from order to receipt when on time'),
      reliability: z.number().min(0).max(1).describe('Probability an order arrives on time'),
      lateBy: z.number().int().min(0).max(60).describe('Extra periods a late order takes'),
      discountTiers: z.array(tier()).default([]).describe('Quantity discounts per order line; the largest tier reached applies'),
    })
    .strict(),
);

const sku = lazySchema(() =>
  z
    .object({
      name: z
        .string()
        .min(1)
        .regex(/^[A-Za-z0-9_-]+$/)
        .describe('SKU name (slot and decision suffixes)'),
      unitCost: z.number().positive().describe('Standard purchase cost per unit (values stock, open orders and the budget)'),
      salePrice: z.number().positive().describe('Revenue per unit sold'),
      size: z.number().positive().default(1).describe('Storage space one unit takes (space units)'),
      demand: warehouseDemandSchema(),
      initialCoverDays: z.number().nonnegative().default(5).describe('Starting stock and order-up-to target, in days of mean demand'),
    })
    .strict(),
);

const network = lazySchema(() =>
  z
    .object({
      stores: z
        .number()
        .int()
        .min(0)
        .max(8)
        .default(0)
        .describe('0: one site serving customers from the warehouse; n ≥ 1: a DC replenishing n stores that sell from the shelf'),
      storeCoverDays: z.number().positive().default(3).describe('Each store orders up to this many days of its mean demand (stock + in transfer)'),
    })
    .strict()
    .default({ stores: 0, storeCoverDays: 3 })
    .describe('Sites: one warehouse serving customers, or a DC replenishing stores'),
);

/** Defaults that are arrays or records, named so the header test can compare them. */
export const DEFAULT_SKUS = [
  { name: 'A', unitCost: 10, salePrice: 15, size: 1, demand: { base: 40 }, initialCoverDays: 5 },
  { name: 'B', unitCost: 25, salePrice: 34, size: 2, demand: { base: 12 }, initialCoverDays: 5 },
];
export const DEFAULT_SUPPLIERS = [
  {
    name: 'local',
    priceFactor: 1,
    leadTime: 2,
    reliability: 0.97,
    lateBy: 1,
    discountTiers: [
      { minQuantity: 300, discount: 0.04 },
      { minQuantity: 600, discount: 0.08 },
    ],
  },
  { name: 'overseas', priceFactor: 0.9, leadTime: 8, reliability: 0.85, lateBy: 4, discountTiers: [{ minQuantity: 600, discount: 0.08 }] },
];
export const DEFAULT_BUDGET_LEVELS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 100];

/** The params schema. */
export const warehouseV2ParamsSchema = lazySchema(() =>
  z
    .object({
      episodeLength: z.number().int().positive().default(360).describe('Periods per episode before truncation'),
      periodDays: z.number().positive().default(1).describe('Days per period: scales demand and every per-day rate'),
      skus: z.array(sku()).min(1).max(6).prefault(DEFAULT_SKUS).describe('Products sharing storage, carriers and the working-capital budget'),
      suppliers: z.array(supplier()).min(1).max(4).default(DEFAULT_SUPPLIERS).describe('Suppliers procurement can order each SKU from'),
      network: network(),
      orderUnit: z.number().positive().default(25).describe('Units per procurement order level (per SKU line)'),
      orderLevels: z.number().int().min(2).max(200).default(33).describe('Order levels per SKU and supplier: level k orders k × orderUnit'),
      targetUnit: z.number().positive().default(25).describe('Units per inventory target level'),
      targetLevels: z.number().int().min(2).max(200).default(25).describe('Target levels per SKU: level k sets the order-up-to target to k × targetUnit'),
      storageCapacity: z.number().positive().default(500).describe('Space units the warehouse (DC) holds; more goes to overflow storage'),
      carryingCostRate: z
        .number()
        .min(0)
        .max(2)
        .default(0.25)
        .describe('Annual carrying cost as a share of inventory value at cost (capital + storage, insurance, obsolescence); practice 20–40 %'),
      capitalCostRate: z
        .number()
        .min(0)
        .max(2)
        .default(0.1)
        .describe('The cost-of-capital part of carryingCostRate (finance’s component); the rest is inventory’s holding'),
      overflowCost: z.number().nonnegative().default(0.03).describe('Cost per space unit in overflow storage per day (third-party space)'),
      overflowHandlingCost: z.number().nonnegative().default(0.5).describe('Cost per space unit moved into overflow storage'),
      lostSalePenalty: z
        .number()
        .nonnegative()
        .default(2)
        .describe(
          'Goodwill cost per unit of demand not filled from stock in its period (key accounts × keyAccountWeight), on top of the lost margin of cancelled units',
        ),
      keyAccountWeight: z.number().min(1).default(3).describe('Goodwill multiple for key-account units'),
      maxBacklogPeriods: z
        .number()
        .int()
        .min(1)
        .max(30)
        .default(7)
        .describe('One site: periods an unfilled order waits before the customer cancels (a lost sale)'),
      standardCapacity: z.number().nonnegative().default(80).describe('Units the standard carrier takes per period'),
      expediteCapacity: z.number().nonnegative().default(40).describe('Units the expedited carrier takes per period'),
      standardShipCost: z.number().nonnegative().default(0.5).describe('Cost per unit shipped standard'),
      expediteShipCost: z.number().nonnegative().default(2).describe('Cost per unit shipped expedited'),
      standardTransit: z.number().int().min(0).max(30).default(2).describe('Periods a standard shipment takes (to the customer, or DC → store)'),
      expediteTransit: z.number().int().min(0).max(30).default(1).describe('Periods an expedited shipment takes'),
      promisePeriods: z.number().int().min(0).max(60).default(2).describe('One site: a unit is on time if order-to-delivery ≤ this'),
      latePenalty: z
        .number()
        .nonnegative()
        .default(2)
        .describe('Cost per unit delivered late (one site) or left on the dock for want of a carrier (network); paid by logistics'),
      workingCapitalBudget: z.number().positive().default(6000).describe('Budget for capital committed to stock and open orders, at cost'),
      budgetLevels: z
        .array(z.number().positive())
        .min(1)
        .max(32)
        .default(DEFAULT_BUDGET_LEVELS)
        .describe('Finance action levels: approval cap as a multiple of the budget (100 = approve everything)'),
      overrunPenalty: z
        .number()
        .nonnegative()
        .default(0.01)
        .describe('Cost per currency unit of committed capital above budget per day (finance’s internal penalty, not cash)'),
      customerTermsDays: z.number().nonnegative().default(30).describe('Days customers take to pay (days sales outstanding)'),
      supplierTermsDays: z.number().nonnegative().default(45).describe('Days the warehouse takes to pay suppliers (days payables outstanding)'),
      procurementMeasure: z
        .enum(['spend', 'savings'])
        .default('spend')
        .describe(
          "Procurement's purchase component: 'spend' (spend against demand at standard cost) or 'savings' (purchase price variance when buying: the Goodhart-prone measure)",
        ),
      rewardScale: z.number().positive().default(0.01).describe('Multiplier from currency to reward units'),
      obsScale: z.number().positive().default(100).describe('Units per observation unit for quantity slots (money: currency per obsScale × mean unit cost)'),
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
      if (p.capitalCostRate > p.carryingCostRate)
        ctx.addIssue({
          code: 'custom',
          path: ['capitalCostRate'],
          message: `capitalCostRate ${p.capitalCostRate} exceeds carryingCostRate ${p.carryingCostRate}: the cost of capital is part of the carrying cost`,
        });
      const names = new Set<string>();
      p.skus.forEach((s, k) => {
        if (names.has(s.name)) ctx.addIssue({ code: 'custom', path: ['skus', k, 'name'], message: `duplicate SKU name '${s.name}': names must be unique` });
        names.add(s.name);
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
export type WarehouseV2Params = z.infer<ReturnType<typeof warehouseV2ParamsSchema>>;
