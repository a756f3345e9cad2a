/**
 * warehouse-v1's compiled model: the packed state layout (offsets into one Float64Array) and every
 * constant the day kernel needs, computed once from the resolved params so the hot loop reads
 * plain numbers and typed arrays.
 */
import type { DemandDraw } from './demand.js';
import { makeWarehouseDemand } from './demand.js';
import { ROLES, type WarehouseParams } from './params.js';

/** Scalar slots of the state record. */
export const T = 0; // period counter
export const ON_HAND = 1; // units in the warehouse, overflow included
export const ON_ORDER = 2; // units ordered from suppliers, not yet received
export const TARGET = 3; // inventory role's order-up-to target (units)
export const RULE = 4; // allocation rule: 0 first-come first-served, 1 key accounts first
export const CAP = 5; // finance's approval cap on working capital (currency)
export const EMA = 6; // exponential average of demand (α = 1/7), units per period
export const PREV_EXCESS = 7; // units in overflow storage after the previous period
export const MODE = 8; // logistics' shipping mode in force
export const SCALARS = 9;

/** Reported signals per history row (what the silo delay and cadence apply to). */
export const R_DEMAND = 0;
export const R_EMA = 1;
export const R_ON_HAND = 2;
export const R_BACKLOG = 3;
export const R_KEY_BACKLOG = 4;
export const R_LATE_RISK = 5;
export const REPORTED = 6;
/** The observation slot name of each reported signal, in R_* order. */
const SIGNAL_SLOT = ['demand', 'demandAvg', 'onHand', 'backlog', 'keyBacklog', 'lateRisk'] as const;

/** The numeric params the kernel reads, copied into a fixed-shape object (zod's parsed objects with
 * this many keys can be dictionary-mode in V8: measured ~2x slower kernel reading them directly). */
export interface WarehouseConstants {
  readonly episodeLength: number;
  readonly expediteCapacity: number;
  readonly expediteShipCost: number;
  readonly expediteTransit: number;
  readonly holdingCost: number;
  readonly keyAccountWeight: number;
  readonly latePenalty: number;
  readonly listPrice: number;
  readonly obsClip: number;
  readonly obsScale: number;
  readonly orderLevels: number;
  readonly orderUnit: number;
  readonly overflowCost: number;
  readonly overflowHandlingCost: number;
  readonly overrunPenalty: number;
  /** procurementMeasure 'savings': procurement's purchase component pays the purchase price variance. */
  readonly payForSavings: boolean;
  readonly periodDays: number;
  readonly promisePeriods: number;
  readonly rewardScale: number;
  readonly salePrice: number;
  readonly standardCapacity: number;
  readonly standardShipCost: number;
  readonly standardTransit: number;
  readonly stockoutPenalty: number;
  readonly storageCapacity: number;
  readonly targetLevels: number;
  readonly targetUnit: number;
  readonly workingCapitalBudget: number;
}

/** Everything derived from params. */
export interface WarehouseModel {
  readonly p: WarehouseParams;
  readonly c: WarehouseConstants;
  readonly size: number;
  /** Backlog age buckets per class (age 0 = ordered this period). */
  readonly ages: number;
  readonly keyOff: number;
  readonly otherOff: number;
  /** Inbound pipeline ring: slot (period mod pipeLen) holds units arriving that period. */
  readonly pipeOff: number;
  readonly pipeLen: number;
  /** Report history ring: `histLen` rows of REPORTED values. */
  readonly histOff: number;
  readonly histLen: number;
  /** Bucket offsets in serving order, per allocation rule, and each bucket's age. */
  readonly serveOrder: readonly [Int32Array, Int32Array];
  readonly serveAge: readonly [Int32Array, Int32Array];
  /** Per supplier: price, lead, reliability, lateBy, and its tiers (flattened). */
  readonly price: Float64Array;
  readonly lead: Int32Array;
  readonly reliability: Float64Array;
  readonly lateBy: Int32Array;
  readonly tierStart: Int32Array;
  readonly tierMin: Float64Array;
  readonly tierDiscount: Float64Array;
  /** Per role: silo delay, cadence, noise. */
  readonly delay: Int32Array;
  readonly cadence: Int32Array;
  readonly noise: Float64Array;
  /** Per role × reported signal (R_* order): 1 when the silo applies to it, else it is live. */
  readonly lagged: Uint8Array;
  /** Per role: 1 when its silo changes nothing it sees (no slot listed, or delay 0, cadence 1, no noise). */
  readonly liveRole: Uint8Array;
  readonly budgetCaps: Float64Array;
  /** Index of the budget level closest to 1× the budget (finance's default). */
  readonly defaultBudgetLevel: number;
  readonly demand: DemandDraw;
  readonly capitalRatePerPeriod: number;
}

/** Compile params into a model. */
export function compileModel(p: WarehouseParams): WarehouseModel {
  const ages = p.maxBacklogPeriods;
  const keyOff = SCALARS;
  const otherOff = keyOff + ages;
  const pipeOff = otherOff + ages;
  const pipeLen = Math.max(...p.suppliers.map((s) => s.leadTime + s.lateBy)) + 1;
  const histOff = pipeOff + pipeLen;
  const silos = ROLES.map((r) => p.observation[r]);
  const histLen = Math.max(...silos.map((s) => s.delay + s.cadence)) + 1;
  const fifo: number[] = [];
  const fifoAge: number[] = [];
  for (let a = ages - 1; a >= 0; a--) (fifo.push(keyOff + a, otherOff + a), fifoAge.push(a, a));
  const keyFirst: number[] = [];
  const keyFirstAge: number[] = [];
  for (let a = ages - 1; a >= 0; a--) (keyFirst.push(keyOff + a), keyFirstAge.push(a));
  for (let a = ages - 1; a >= 0; a--) (keyFirst.push(otherOff + a), keyFirstAge.push(a));
  const tierStart = new Int32Array(p.suppliers.length + 1);
  p.suppliers.forEach((s, j) => (tierStart[j + 1] = tierStart[j]! + s.discountTiers.length));
  const tiers = p.suppliers.flatMap((s) => s.discountTiers);
  let defaultBudgetLevel = 0;
  p.budgetLevels.forEach((m, k) => {
    if (Math.abs(m - 1) < Math.abs(p.budgetLevels[defaultBudgetLevel]! - 1)) defaultBudgetLevel = k;
  });
  const c: WarehouseConstants = {
    episodeLength: p.episodeLength,
    expediteCapacity: p.expediteCapacity,
    expediteShipCost: p.expediteShipCost,
    expediteTransit: p.expediteTransit,
    holdingCost: p.holdingCost,
    keyAccountWeight: p.keyAccountWeight,
    latePenalty: p.latePenalty,
    listPrice: p.listPrice,
    obsClip: p.obsClip,
    obsScale: p.obsScale,
    orderLevels: p.orderLevels,
    orderUnit: p.orderUnit,
    overflowCost: p.overflowCost,
    overflowHandlingCost: p.overflowHandlingCost,
    overrunPenalty: p.overrunPenalty,
    payForSavings: p.procurementMeasure === 'savings',
    periodDays: p.periodDays,
    promisePeriods: p.promisePeriods,
    rewardScale: p.rewardScale,
    salePrice: p.salePrice,
    standardCapacity: p.standardCapacity,
    standardShipCost: p.standardShipCost,
    standardTransit: p.standardTransit,
    stockoutPenalty: p.stockoutPenalty,
    storageCapacity: p.storageCapacity,
    targetLevels: p.targetLevels,
    targetUnit: p.targetUnit,
    workingCapitalBudget: p.workingCapitalBudget,
  };
  return {
    p,
    c,
    size: histOff + histLen * REPORTED,
    ages,
    keyOff,
    otherOff,
    pipeOff,
    pipeLen,
    histOff,
    histLen,
    serveOrder: [Int32Array.from(fifo), Int32Array.from(keyFirst)],
    serveAge: [Int32Array.from(fifoAge), Int32Array.from(keyFirstAge)],
    price: Float64Array.from(p.suppliers, (s) => s.unitPrice),
    lead: Int32Array.from(p.suppliers, (s) => s.leadTime),
    reliability: Float64Array.from(p.suppliers, (s) => s.reliability),
    lateBy: Int32Array.from(p.suppliers, (s) => s.lateBy),
    tierStart,
    tierMin: Float64Array.from(tiers, (t) => t.minQuantity),
    tierDiscount: Float64Array.from(tiers, (t) => t.discount),
    delay: Int32Array.from(silos, (s) => s.delay),
    cadence: Int32Array.from(silos, (s) => s.cadence),
    noise: Float64Array.from(silos, (s) => s.noise),
    lagged: Uint8Array.from(silos.flatMap((s) => SIGNAL_SLOT.map((name) => (s.slots.includes(name) ? 1 : 0)))),
    liveRole: Uint8Array.from(silos, (s) =>
      !SIGNAL_SLOT.some((name) => s.slots.includes(name)) || (s.delay === 0 && s.cadence === 1 && s.noise === 0) ? 1 : 0,
    ),
    budgetCaps: Float64Array.from(p.budgetLevels, (m) => m * p.workingCapitalBudget),
    defaultBudgetLevel,
    demand: makeWarehouseDemand(p.demand, p.periodDays),
    capitalRatePerPeriod: (p.capitalCostRate / 365) * p.periodDays,
  };
}

/** Unit price of supplier j for an order of `qty` units. */
export function unitPrice(m: WarehouseModel, j: number, qty: number): number {
  let discount = 0;
  for (let k = m.tierStart[j]!; k < m.tierStart[j + 1]!; k++) if (qty >= m.tierMin[k]!) discount = m.tierDiscount[k]!;
  return m.price[j]! * (1 - discount);
}
