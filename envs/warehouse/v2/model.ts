/**
 * warehouse-v2's state layout and transition. One Float64Array per copy: globals, then one record
 * per SKU (scalars, backlog and to-ship age buckets, the supplier pipeline in units and value, the
 * stores' stock and transfer rings). `stepPeriod` reads only its arguments (every random draw comes
 * from the state's stream) and allocates nothing.
 *
 * Accounting (accrual, moving average cost): a receipt adds its units at the price actually paid
 * to the SKU's average cost; cost of goods sold is charged when a unit is sold (shipped to a
 * customer, or sold from a store shelf) at the average cost then. A purchase discount therefore
 * reaches profit only as the discounted units sell.
 */
import { nextFloat } from '../../../src/core/rng.js';
import type { StepOut } from '../../../src/core/world.js';
import type { WorldEvent } from '../../../src/core/world-event.js';
import { makeWarehouseDemand, type DemandDraw } from '../demand.js';
import type { WarehouseV2Params } from './params.js';

/** Role indices. */
export const PROCUREMENT = 0;
export const INVENTORY = 1;
export const LOGISTICS = 2;
export const FINANCE = 3;

/** KPI order (see the header of warehouse-v2.ts). */
export const KPI_NAMES = [
  'costToServe',
  'fillRate',
  'onTimeShipping',
  'profit',
  'inventoryTurns',
  'gmroi',
  'cashToCashDays',
  'workingCapital',
  'budgetOverrun',
  'stockouts',
  'lostSales',
  'serviceOk',
] as const;

/** Global slots. */
export const G_T = 0; // period counter
export const G_CAP = 1; // finance's approval cap on committed capital (currency)
export const G_RULE = 2; // allocation rule: 0 oldest first / stores in order; 1 key accounts first / fair share
export const G_MODE = 3; // logistics' shipping mode
export const G_PREV_OVERFLOW = 4; // space units in overflow after the previous period
export const G_CUM_COGS = 5; // episode to date: cost of goods sold
export const G_CUM_INV = 6; // episode to date: Σ inventory value at period end
export const G_CUM_REV = 7; // episode to date: revenue
export const G_CUM_PURCH = 8; // episode to date: purchases (value)
const GLOBALS = 9;

/** Per-SKU scalar slots (offsets inside the SKU record). */
export const ON_HAND = 0; // units in the warehouse / DC, not yet picked
export const ON_ORDER = 1; // units ordered from suppliers, not received
export const ORDER_VALUE = 2; // value of those open orders (price paid)
export const OWNED = 3; // units owned: DC stock + picked, awaiting a carrier + stores + in transfer
export const AVG_COST = 4; // moving average cost of owned units
export const TARGET = 5; // inventory role's order-up-to target (units)
export const EMA = 6; // exponential average of demand per period (α 1/7)
export const DEMAND = 7; // demand of the last period (all locations)
const SKU_SCALARS = 8;

/** Everything derived from params once. */
export interface ModelV2 {
  readonly p: WarehouseV2Params;
  readonly K: number;
  readonly stores: number;
  readonly size: number;
  /** Start of SKU k's record: skuOff + k × stride. */
  readonly skuOff: number;
  readonly stride: number;
  /** Inside a SKU record: backlog key/other [ages], to-ship [ages] (by age since ordered), pipe units/value [pipeLen], store stock [stores], transfers [stores × ringLen]. */
  readonly ages: number;
  readonly keyOff: number;
  readonly otherOff: number;
  readonly shipOff: number;
  readonly pipeUnitsOff: number;
  readonly pipeValueOff: number;
  readonly pipeLen: number;
  readonly storeOff: number;
  readonly transferOff: number;
  readonly ringLen: number;
  readonly unitCost: Float64Array;
  readonly salePrice: Float64Array;
  readonly spaceOf: Float64Array;
  readonly meanDemand: Float64Array;
  readonly storeTarget: Float64Array;
  readonly priceFactor: Float64Array;
  readonly lead: Int32Array;
  readonly reliability: Float64Array;
  readonly lateBy: Int32Array;
  readonly tierStart: Int32Array;
  readonly tierMin: Float64Array;
  readonly tierDiscount: Float64Array;
  readonly budgetCaps: Float64Array;
  readonly defaultBudgetLevel: number;
  /** Per SKU: demand at one site (stores = 0) or at each store. */
  readonly demand: readonly DemandDraw[];
  readonly holdingPerPeriod: number;
  readonly capitalPerPeriod: number;
}

/** Compile params into a model. */
export function compileModelV2(p: WarehouseV2Params): ModelV2 {
  const K = p.skus.length;
  const stores = p.network.stores;
  const ages = p.maxBacklogPeriods;
  const pipeLen = Math.max(...p.suppliers.map((s) => s.leadTime + s.lateBy)) + 1;
  const ringLen = Math.max(p.standardTransit, p.expediteTransit) + 1;
  const keyOff = SKU_SCALARS;
  const otherOff = keyOff + ages;
  const shipOff = otherOff + ages;
  const pipeUnitsOff = shipOff + ages;
  const pipeValueOff = pipeUnitsOff + pipeLen;
  const storeOff = pipeValueOff + pipeLen;
  const transferOff = storeOff + stores;
  const stride = transferOff + stores * ringLen;
  const tierStart = new Int32Array(p.suppliers.length + 1);
  p.suppliers.forEach((s, j) => (tierStart[j + 1] = tierStart[j]! + s.discountTiers.length));
  const tiers = p.suppliers.flatMap((s) => s.discountTiers);
  let defaultBudgetLevel = 0;
  p.budgetLevels.forEach((m, k) => {
    if (Math.abs(m - 1) < Math.abs(p.budgetLevels[defaultBudgetLevel]! - 1)) defaultBudgetLevel = k;
  });
  const share = stores > 0 ? 1 / stores : 1;
  return {
    p,
    K,
    stores,
    ages,
    keyOff,
    otherOff,
    shipOff,
    pipeUnitsOff,
    pipeValueOff,
    pipeLen,
    storeOff,
    transferOff,
    ringLen,
    stride,
    skuOff: GLOBALS,
    size: GLOBALS + K * stride,
    unitCost: Float64Array.from(p.skus, (s) => s.unitCost),
    salePrice: Float64Array.from(p.skus, (s) => s.salePrice),
    spaceOf: Float64Array.from(p.skus, (s) => s.size),
    meanDemand: Float64Array.from(p.skus, (s) => s.demand.base * p.periodDays),
    storeTarget: Float64Array.from(p.skus, (s) => Math.ceil(p.network.storeCoverDays * s.demand.base * share)),
    priceFactor: Float64Array.from(p.suppliers, (s) => s.priceFactor),
    lead: Int32Array.from(p.suppliers, (s) => s.leadTime),
    reliability: Float64Array.from(p.suppliers, (s) => s.reliability),
    lateBy: Int32Array.from(p.suppliers, (s) => s.lateBy),
    tierStart,
    tierMin: Float64Array.from(tiers, (t) => t.minQuantity),
    tierDiscount: Float64Array.from(tiers, (t) => t.discount),
    budgetCaps: Float64Array.from(p.budgetLevels, (m) => m * p.workingCapitalBudget),
    defaultBudgetLevel,
    demand: p.skus.map((s) => makeWarehouseDemand({ ...s.demand, base: s.demand.base * share }, p.periodDays)),
    holdingPerPeriod: ((p.carryingCostRate - p.capitalCostRate) / 365) * p.periodDays,
    capitalPerPeriod: (p.capitalCostRate / 365) * p.periodDays,
  };
}

/** Unit price of supplier j for a line of `qty` units of SKU k. */
export function linePrice(m: ModelV2, k: number, j: number, qty: number): number {
  let discount = 0;
  for (let x = m.tierStart[j]!; x < m.tierStart[j + 1]!; x++) if (qty >= m.tierMin[x]!) discount = m.tierDiscount[x]!;
  return m.unitCost[k]! * m.priceFactor[j]! * (1 - discount);
}

/** Fill a fresh episode: stock and targets at initialCoverDays of demand, stores at their targets. */
export function resetState(m: ModelV2, f: Float64Array): void {
  f.fill(0);
  f[G_CAP] = m.budgetCaps[m.defaultBudgetLevel]!;
  for (let k = 0; k < m.K; k++) {
    const r = m.skuOff + k * m.stride;
    const s = m.p.skus[k]!;
    const target = Math.min(m.p.targetLevels - 1, Math.round((s.initialCoverDays * m.meanDemand[k]!) / m.p.targetUnit)) * m.p.targetUnit;
    f[r + ON_HAND] = target;
    f[r + TARGET] = target;
    f[r + AVG_COST] = m.unitCost[k]!;
    f[r + EMA] = m.meanDemand[k]!;
    f[r + DEMAND] = m.meanDemand[k]!;
    let owned = target;
    for (let st = 0; st < m.stores; st++) {
      f[r + m.storeOff + st] = m.storeTarget[k]!;
      owned += m.storeTarget[k]!;
    }
    f[r + OWNED] = owned;
  }
}

/** Scratch buffers of one world (rewritten every step). */
export interface Scratch {
  readonly draw: Float64Array;
  readonly alloc: Float64Array;
}

export const makeScratch = (m: ModelV2): Scratch => ({ draw: new Float64Array(2), alloc: new Float64Array(Math.max(1, m.stores)) });

const clampIndex = (a: number, n: number): number => (a >= n - 1 ? n - 1 : a > 0 ? Math.floor(a) : 0);

const STOCKOUT_AGENTS = Object.freeze(['inventory', 'procurement']);
const OVERFLOW_AGENTS = Object.freeze(['inventory', 'logistics']);
const BUDGET_AGENTS = Object.freeze(['finance', 'procurement']);
const EXPEDITE_AGENTS = Object.freeze(['logistics']);

/** Advance `next` (a copy of the input state) by one period; returns the period number. */
export function stepPeriod(m: ModelV2, actions: readonly Float64Array[], next: { f: Float64Array; rng: Uint32Array }, out: StepOut, sc: Scratch): number {
  const p = m.p;
  const f = next.f;
  const rng = next.rng;
  const K = m.K;
  const t = f[G_T]! | 0;
  const day = t + 1;
  const stride = m.stride;
  const base = m.skuOff;

  // ---- decisions taken at the end of period t
  const invA = actions[INVENTORY]!;
  for (let k = 0; k < K; k++) f[base + k * stride + TARGET] = clampIndex(invA[k]!, p.targetLevels) * p.targetUnit;
  f[G_RULE] = clampIndex(invA[K]!, 2);
  f[G_CAP] = m.budgetCaps[clampIndex(actions[FINANCE]![0]!, m.budgetCaps.length)]!;
  const mode = clampIndex(actions[LOGISTICS]![0]!, 3);
  f[G_MODE] = mode;
  let committed = 0;
  for (let k = 0; k < K; k++) {
    const r = base + k * stride;
    committed += f[r + OWNED]! * f[r + AVG_COST]! + f[r + ORDER_VALUE]!;
  }
  const committedBefore = committed;
  const nSup = m.lead.length;
  const procA = actions[PROCUREMENT]!;
  let spend = 0;
  let boughtAtCost = 0;
  for (let k = 0; k < K; k++) {
    const r = base + k * stride;
    const a = clampIndex(procA[k]!, nSup * p.orderLevels);
    const j = (a / p.orderLevels) | 0;
    const wanted = (a % p.orderLevels) * p.orderUnit;
    const listUnit = m.unitCost[k]! * m.priceFactor[j]!;
    const room = Math.floor((f[G_CAP]! - committed) / listUnit);
    const qty = wanted <= room ? wanted : room > 0 ? room : 0;
    const onTime = nextFloat(rng) < m.reliability[j]!; // one draw per line always: demand stays policy-independent
    if (qty > 0) {
      const value = qty * linePrice(m, k, j, qty);
      const slot = (t + m.lead[j]! + (onTime ? 0 : m.lateBy[j]!)) % m.pipeLen;
      f[r + m.pipeUnitsOff + slot] = f[r + m.pipeUnitsOff + slot]! + qty;
      f[r + m.pipeValueOff + slot] = f[r + m.pipeValueOff + slot]! + value;
      f[r + ON_ORDER] = f[r + ON_ORDER]! + qty;
      f[r + ORDER_VALUE] = f[r + ORDER_VALUE]! + value;
      committed += value;
      spend += value;
      boughtAtCost += qty * m.unitCost[k]!;
    }
  }

  // ---- period `day`: receipts (supplier pipeline, store transfers)
  const arr = day % m.pipeLen;
  const ring = day % m.ringLen;
  for (let k = 0; k < K; k++) {
    const r = base + k * stride;
    const u = f[r + m.pipeUnitsOff + arr]!;
    const v = f[r + m.pipeValueOff + arr]!;
    if (u > 0) {
      const owned = f[r + OWNED]!;
      f[r + AVG_COST] = (f[r + AVG_COST]! * owned + v) / (owned + u);
      f[r + OWNED] = owned + u;
      f[r + ON_HAND] = f[r + ON_HAND]! + u;
      f[r + ON_ORDER] = f[r + ON_ORDER]! - u;
      f[r + ORDER_VALUE] = f[r + ORDER_VALUE]! - v;
    }
    f[r + m.pipeUnitsOff + arr] = 0;
    f[r + m.pipeValueOff + arr] = 0;
    for (let st = 0; st < m.stores; st++) {
      const x = r + m.transferOff + st * m.ringLen + ring;
      f[r + m.storeOff + st] = f[r + m.storeOff + st]! + f[x]!;
      f[x] = 0;
    }
  }

  // ---- demand, picking and shipping
  let demandAll = 0;
  let filledNew = 0;
  let shortKey = 0;
  let shortOther = 0;
  let lost = 0;
  let lostRevenue = 0;
  let revenue = 0;
  let cogs = 0;
  let shipped = 0;
  let late = 0;
  let stdUnits = 0;
  let expUnits = 0;
  let stdLeft = p.standardCapacity;
  let expLeft = mode > 0 ? p.expediteCapacity : 0;
  const draw = sc.draw;
  if (m.stores === 0) {
    const A = m.ages;
    const tS = p.standardTransit;
    const tE = p.expediteTransit;
    const promise = p.promisePeriods;
    for (let k = 0; k < K; k++) {
      const r = base + k * stride;
      const kO = r + m.keyOff;
      const oO = r + m.otherOff;
      const sO = r + m.shipOff;
      // Picked units keep ageing while they wait for a carrier (the oldest bucket accumulates).
      f[sO + A - 1] = f[sO + A - 1]! + (A > 1 ? f[sO + A - 2]! : 0);
      for (let a = A - 2; a > 0; a--) f[sO + a] = f[sO + a - 1]!;
      if (A > 1) f[sO] = 0;
      // Demand; the oldest unfilled orders cancel (lost sales).
      m.demand[k]!(day, rng, draw);
      const gone = f[kO + A - 1]! + f[oO + A - 1]!;
      lost += gone;
      lostRevenue += gone * m.salePrice[k]!;
      for (let a = A - 1; a > 0; a--) ((f[kO + a] = f[kO + a - 1]!), (f[oO + a] = f[oO + a - 1]!));
      f[kO] = draw[0]!;
      f[oO] = draw[1]!;
      const d = draw[0]! + draw[1]!;
      demandAll += d;
      f[r + DEMAND] = d;
      f[r + EMA] = f[r + EMA]! + (d - f[r + EMA]!) / 7;
      // Picking from stock by the allocation rule (oldest first; rule 1: key accounts first).
      let stock = f[r + ON_HAND]!;
      const keyFirst = f[G_RULE] === 1;
      for (let pass = 0; pass < (keyFirst ? 2 : 1); pass++)
        for (let a = A - 1; a >= 0 && stock > 0; a--)
          for (let c = 0; c < 2; c++) {
            if (keyFirst && c !== pass) continue;
            const off = (c === 0 ? kO : oO) + a;
            const n = f[off]!;
            if (n <= 0) continue;
            const pick = n < stock ? n : stock;
            stock -= pick;
            f[off] = n - pick;
            f[sO + a] = f[sO + a]! + pick;
            if (a === 0) filledNew += pick;
          }
      f[r + ON_HAND] = stock;
      shortKey += f[kO]!;
      shortOther += f[oO]!;
    }
    // Shipping: the carriers take picked units, oldest first across SKUs.
    for (let a = m.ages - 1; a >= 0; a--)
      for (let k = 0; k < K; k++) {
        const r = base + k * stride;
        const off = r + m.shipOff + a;
        const n = f[off]!;
        if (n <= 0) continue;
        const room = stdLeft + expLeft;
        const go = n < room ? n : room;
        if (go <= 0) continue;
        const lateStd = a + tS > promise;
        let e: number;
        let s: number;
        if (mode === 2 || (mode === 1 && lateStd && a + tE <= promise)) {
          e = go < expLeft ? go : expLeft;
          s = go - e;
        } else {
          s = go < stdLeft ? go : stdLeft;
          e = go - s;
        }
        stdLeft -= s;
        expLeft -= e;
        stdUnits += s;
        expUnits += e;
        if (lateStd) late += s;
        if (a + tE > promise) late += e;
        f[off] = n - go;
        const c = f[r + AVG_COST]!;
        cogs += go * c;
        revenue += go * m.salePrice[k]!;
        f[r + OWNED] = f[r + OWNED]! - go;
        shipped += go;
      }
  } else {
    // Stores sell from the shelf; what they lack is lost. Then the DC replenishes them.
    const alloc = sc.alloc;
    const rule = f[G_RULE]!;
    let allocated = 0;
    for (let k = 0; k < K; k++) {
      const r = base + k * stride;
      const c = f[r + AVG_COST]!;
      let d = 0;
      for (let st = 0; st < m.stores; st++) {
        m.demand[k]!(day, rng, draw);
        const want = draw[0]! + draw[1]!;
        const shelf = f[r + m.storeOff + st]!;
        const sold = want < shelf ? want : shelf;
        f[r + m.storeOff + st] = shelf - sold;
        const miss = want - sold;
        if (miss > 0) {
          shortKey += (miss * draw[0]!) / want;
          shortOther += (miss * draw[1]!) / want;
          lost += miss;
          lostRevenue += miss * m.salePrice[k]!;
        }
        filledNew += sold;
        revenue += sold * m.salePrice[k]!;
        cogs += sold * c;
        f[r + OWNED] = f[r + OWNED]! - sold;
        d += want;
      }
      demandAll += d;
      f[r + DEMAND] = d;
      f[r + EMA] = f[r + EMA]! + (d - f[r + EMA]!) / 7;
      // Store orders up to target (stock + in transfer); the DC allocates (rule 0 in store order, 1 fair share).
      let requested = 0;
      for (let st = 0; st < m.stores; st++) {
        let position = f[r + m.storeOff + st]!;
        for (let x = 0; x < m.ringLen; x++) position += f[r + m.transferOff + st * m.ringLen + x]!;
        const q = m.storeTarget[k]! - position;
        alloc[st] = q > 0 ? q : 0;
        requested += alloc[st]!;
      }
      let stock = f[r + ON_HAND]!;
      if (requested > stock) {
        if (rule === 1) {
          let given = 0;
          for (let st = 0; st < m.stores; st++) given += alloc[st] = Math.floor((alloc[st]! * stock) / requested);
          stock -= given;
        } else {
          for (let st = 0; st < m.stores; st++) {
            const g = alloc[st]! < stock ? alloc[st]! : stock;
            alloc[st] = g;
            stock -= g;
          }
        }
      } else stock -= requested;
      // Allocated units go out on the carriers; what finds no room stays in the DC (late).
      for (let st = 0; st < m.stores; st++) {
        const n = alloc[st]!;
        if (n <= 0) continue;
        allocated += n;
        let e = 0;
        let s = 0;
        if (mode === 2) {
          e = n < expLeft ? n : expLeft;
          s = n - e < stdLeft ? n - e : stdLeft;
        } else {
          s = n < stdLeft ? n : stdLeft;
          e = n - s < expLeft ? n - s : expLeft;
        }
        stdLeft -= s;
        expLeft -= e;
        stdUnits += s;
        expUnits += e;
        const left = n - s - e;
        stock += left;
        late += left;
        shipped += s + e;
        putTransfer(m, f, r, st, s, p.standardTransit, day);
        putTransfer(m, f, r, st, e, p.expediteTransit, day);
      }
      f[r + ON_HAND] = stock;
    }
    // On-time shipping in a network: allocated transfer units that left the same period.
    shipped = allocated;
  }
  f[G_T] = day;

  // ---- space, values, working capital
  let space = 0;
  let invValue = 0;
  let orderValue = 0;
  for (let k = 0; k < K; k++) {
    const r = base + k * stride;
    let picked = 0;
    if (m.stores === 0) for (let a = 0; a < m.ages; a++) picked += f[r + m.shipOff + a]!;
    space += m.spaceOf[k]! * (f[r + ON_HAND]! + picked);
    invValue += f[r + OWNED]! * f[r + AVG_COST]!;
    orderValue += f[r + ORDER_VALUE]!;
  }
  const overflow = space > p.storageCapacity ? space - p.storageCapacity : 0;
  const moved = overflow > f[G_PREV_OVERFLOW]! ? overflow - f[G_PREV_OVERFLOW]! : 0;
  f[G_PREV_OVERFLOW] = overflow;
  const committedNow = invValue + orderValue;
  const overrun = committedNow > p.workingCapitalBudget ? committedNow - p.workingCapitalBudget : 0;
  const periods = day;
  const pd = p.periodDays;
  f[G_CUM_COGS] = f[G_CUM_COGS]! + cogs;
  f[G_CUM_INV] = f[G_CUM_INV]! + invValue;
  f[G_CUM_REV] = f[G_CUM_REV]! + revenue;
  f[G_CUM_PURCH] = f[G_CUM_PURCH]! + spend;

  // ---- costs (currency) and rewards (scaled, ≤ 0 except savings)
  const holding = m.holdingPerPeriod * invValue;
  const capital = m.capitalPerPeriod * invValue;
  const overflowC = p.overflowCost * overflow * pd;
  const handling = p.overflowHandlingCost * moved;
  const stdCost = p.standardShipCost * stdUnits;
  const expCost = p.expediteShipCost * expUnits;
  const lateCost = p.latePenalty * late;
  const goodwill = p.lostSalePenalty * (shortOther + p.keyAccountWeight * shortKey);
  const overrunCost = p.overrunPenalty * overrun * pd;
  let demandAtCost = 0;
  for (let k = 0; k < K; k++) demandAtCost += f[base + k * stride + DEMAND]! * m.unitCost[k]!;
  const s = -p.rewardScale;
  const r0 = out.rewards[PROCUREMENT]!;
  r0[0] = p.procurementMeasure === 'savings' ? p.rewardScale * (boughtAtCost - spend) : s * (spend - demandAtCost);
  r0[1] = s * goodwill;
  const r1 = out.rewards[INVENTORY]!;
  r1[0] = s * holding;
  r1[1] = s * overflowC;
  r1[2] = s * goodwill;
  const r2 = out.rewards[LOGISTICS]!;
  r2[0] = s * stdCost;
  r2[1] = s * expCost;
  r2[2] = s * handling;
  r2[3] = s * lateCost;
  const r3 = out.rewards[FINANCE]!;
  r3[0] = s * capital;
  r3[1] = s * overrunCost;

  const opex = holding + capital + overflowC + handling + stdCost + expCost;
  const daysSoFar = periods * pd;
  const avgInv = f[G_CUM_INV]! / periods;
  const cogsPerDay = f[G_CUM_COGS]! / daysSoFar;
  const kp = out.kpis;
  // Lost sales at their sale price (lost margin + the unit cost they would have carried): serving
  // fewer customers saves their cost of goods but can never lower cost to serve.
  kp[0] = cogs + opex + lostRevenue;
  kp[1] = demandAll > 0 ? filledNew / demandAll : 1;
  kp[2] = shipped > 0 ? (shipped - late) / shipped : 1;
  kp[3] = revenue - cogs - opex;
  kp[4] = avgInv > 0 ? (cogsPerDay * 365) / avgInv : 0;
  kp[5] = avgInv > 0 ? (((f[G_CUM_REV]! - f[G_CUM_COGS]!) / daysSoFar) * 365) / avgInv : 0;
  const dio = cogsPerDay > 0 ? Math.min(999, avgInv / cogsPerDay) : 999;
  kp[6] = dio + p.customerTermsDays - p.supplierTermsDays;
  kp[7] = invValue + (f[G_CUM_REV]! / daysSoFar) * p.customerTermsDays - (f[G_CUM_PURCH]! / daysSoFar) * p.supplierTermsDays;
  kp[8] = overrun;
  kp[9] = shortKey + shortOther;
  kp[10] = lost;
  kp[11] = filledNew >= demandAll && late === 0 && lost === 0 ? 1 : 0;

  if (shortKey + shortOther > 0) out.events.push(ev('stockout', STOCKOUT_AGENTS, day, shortKey + shortOther));
  if (moved > 0) out.events.push(ev('overflow', OVERFLOW_AGENTS, day, overflow));
  if (overrun > 0 && committedBefore <= p.workingCapitalBudget) out.events.push(ev('budgetOverrun', BUDGET_AGENTS, day, overrun));
  if (expUnits > 0) out.events.push(ev('expedite', EXPEDITE_AGENTS, day, expUnits));
  return day;
}

/** Send `units` of the SKU at record r to store st, arriving `transit` periods after `day` (0: at once). */
function putTransfer(m: ModelV2, f: Float64Array, r: number, st: number, units: number, transit: number, day: number): void {
  if (units <= 0) return;
  if (transit === 0) f[r + m.storeOff + st] = f[r + m.storeOff + st]! + units;
  else {
    const x = r + m.transferOff + st * m.ringLen + ((day + transit) % m.ringLen);
    f[x] = f[x]! + units;
  }
}

function ev(type: string, agents: readonly string[], period: number, units: number): WorldEvent {
  return { type, agents, data: { period, units } };
}
