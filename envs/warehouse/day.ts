/**
 * warehouse-v1's transition: one period of the warehouse, from the four roles' decisions at the end
 * of period t through receipts, demand, allocation and shipping, overflow and working capital of
 * period t+1, to rewards, KPIs and events. Reads only its arguments (the demand and reliability
 * draws come from the state's stream) and writes `next` and `out`; observations are written by
 * observe.ts afterwards.
 */
import { nextFloat } from '../../src/core/rng.js';
import type { WorldEvent } from '../../src/core/world-event.js';
import { CAP, EMA, MODE, ON_HAND, ON_ORDER, PREV_EXCESS, RULE, T, TARGET, unitPrice, type WarehouseModel } from './model.js';

/** Role indices. */
export const PROCUREMENT = 0;
export const INVENTORY = 1;
export const LOGISTICS = 2;
export const FINANCE = 3;

/** KPI order (see the header of warehouse.ts). */
export const KPI_NAMES = ['costToServe', 'fillRate', 'onTimeRate', 'workingCapital', 'budgetOverrun', 'profit', 'stockouts', 'lostSales', 'serviceOk'] as const;

const STOCKOUT_AGENTS = Object.freeze(['inventory', 'procurement']);
const OVERFLOW_AGENTS = Object.freeze(['inventory', 'logistics']);
const BUDGET_AGENTS = Object.freeze(['finance', 'procurement']);
const EXPEDITE_AGENTS = Object.freeze(['logistics']);

const clampIndex = (a: number, n: number): number => (a >= n - 1 ? n - 1 : a > 0 ? Math.floor(a) : 0);

/** Reward components per role, in role order (the reward buffers' stride per copy). */
export const REWARD_WIDTHS = [2, 3, 4, 2] as const;

/**
 * Where one period's rewards, KPIs and events go: a StepOut (copy index 0) or the engine's
 * agent-major batch buffers (copy b writes rewards[i] at b × REWARD_WIDTHS[i], KPIs at b × 9), so
 * the batched path writes in place with no scratch copy.
 */
export interface DayOut {
  readonly rewards: readonly Float64Array[];
  readonly kpis: Float64Array;
  readonly events: WorldEvent[];
}

/**
 * Advance the state record `f` (already a copy of the input state) and its stream `rng` by one
 * period, reading copy b's actions (`actions[i][b]`) and writing copy b's slots of `out`; `draw`
 * receives the period's demand per class. Returns the period number.
 */
export function stepDay(
  m: WarehouseModel,
  actions: readonly Float64Array[],
  f: Float64Array,
  rng: Uint32Array,
  out: DayOut,
  b: number,
  draw: Float64Array,
): number {
  const p = m.c;
  const t = f[T]! | 0; // int32 so ring `%` stays a machine op
  const day = t + 1;
  const nLevels = p.orderLevels;

  // Decisions taken at the end of period t.
  const tl = p.targetLevels;
  const inv = clampIndex(actions[INVENTORY]![b]!, 2 * tl);
  f[RULE] = inv >= tl ? 1 : 0;
  f[TARGET] = (inv % tl) * p.targetUnit;
  f[CAP] = m.budgetCaps[clampIndex(actions[FINANCE]![b]!, m.budgetCaps.length)]!;
  const mode = clampIndex(actions[LOGISTICS]![b]!, 3);
  f[MODE] = mode;
  const proc = clampIndex(actions[PROCUREMENT]![b]!, m.price.length * nLevels);
  const supplier = (proc / nLevels) | 0;
  const wanted = (proc % nLevels) * p.orderUnit;
  const wcBefore = (f[ON_HAND]! + f[ON_ORDER]!) * p.listPrice;
  const room = Math.floor((f[CAP]! - wcBefore) / p.listPrice);
  const qty = wanted <= room ? wanted : room > 0 ? room : 0;
  const onTime = nextFloat(rng) < m.reliability[supplier]!; // always one draw: demand stays policy-independent
  const spend = qty > 0 ? qty * unitPrice(m, supplier, qty) : 0;
  if (qty > 0) {
    const slot = m.pipeOff + ((t + m.lead[supplier]! + (onTime ? 0 : m.lateBy[supplier]!)) % m.pipeLen);
    f[slot] = f[slot]! + qty;
    f[ON_ORDER] = f[ON_ORDER]! + qty;
  }

  // Period `day`: receipts.
  const arrSlot = m.pipeOff + (day % m.pipeLen);
  const arrived = f[arrSlot]!;
  f[arrSlot] = 0;
  let stock = f[ON_HAND]! + arrived;
  f[ON_ORDER] = f[ON_ORDER]! - arrived;

  // Demand, then backlog ageing: the oldest bucket cancels (lost sales).
  m.demand(day, rng, draw);
  const ages = m.ages;
  const kO = m.keyOff;
  const oO = m.otherOff;
  const lost = f[kO + ages - 1]! + f[oO + ages - 1]!;
  for (let a = ages - 1; a > 0; a--) {
    f[kO + a] = f[kO + a - 1]!;
    f[oO + a] = f[oO + a - 1]!;
  }
  const newKey = draw[0]!;
  const newOther = draw[1]!;
  f[kO] = newKey;
  f[oO] = newOther;
  const newDemand = newKey + newOther;

  // Allocation (inventory's rule) and shipping (logistics' mode), oldest first within the rule.
  const order = m.serveOrder[f[RULE]!]!;
  const ageOf = m.serveAge[f[RULE]!]!;
  let stdLeft = p.standardCapacity;
  let expLeft = mode > 0 ? p.expediteCapacity : 0;
  let stdUnits = 0;
  let expUnits = 0;
  let late = 0;
  let servedNew = 0;
  const tS = p.standardTransit;
  const tE = p.expediteTransit;
  const promise = p.promisePeriods;
  for (let k = 0; k < order.length; k++) {
    const off = order[k]!;
    const n = f[off]!;
    if (n <= 0) continue;
    const truckRoom = stdLeft + expLeft;
    let serve = n < stock ? n : stock;
    if (serve > truckRoom) serve = truckRoom;
    if (serve <= 0) break;
    const age = ageOf[k]!;
    const lateStd = age + tS > promise;
    let e: number;
    let s: number;
    if (mode === 2 || (mode === 1 && lateStd && age + tE <= promise)) {
      e = serve < expLeft ? serve : expLeft;
      s = serve - e;
    } else {
      s = serve < stdLeft ? serve : stdLeft;
      e = serve - s;
    }
    stdLeft -= s;
    expLeft -= e;
    stdUnits += s;
    expUnits += e;
    if (lateStd) late += s;
    if (age + tE > promise) late += e;
    if (age === 0) servedNew += serve;
    stock -= serve;
    f[off] = n - serve;
  }
  const shipped = stdUnits + expUnits;
  // Units of this period's demand left waiting because stock ran out (not because trucks were full).
  const outOfStock = stock <= 1e-9;
  const shortKey = outOfStock ? f[kO]! : 0;
  const shortOther = outOfStock ? f[oO]! : 0;
  f[ON_HAND] = stock;

  // Overflow storage, working capital.
  const excess = stock > p.storageCapacity ? stock - p.storageCapacity : 0;
  const moved = excess > f[PREV_EXCESS]! ? excess - f[PREV_EXCESS]! : 0;
  f[PREV_EXCESS] = excess;
  const wc = (stock + f[ON_ORDER]!) * p.listPrice;
  const overrun = wc > p.workingCapitalBudget ? wc - p.workingCapitalBudget : 0;
  f[EMA] = f[EMA]! + (newDemand - f[EMA]!) / 7;
  f[T] = day;

  // Costs (currency) and rewards (scaled, negative).
  const pd = p.periodDays;
  const holding = p.holdingCost * (stock - excess) * pd;
  const overflowC = p.overflowCost * excess * pd;
  const handling = p.overflowHandlingCost * moved;
  const stdCost = p.standardShipCost * stdUnits;
  const expCost = p.expediteShipCost * expUnits;
  const lateCost = p.latePenalty * late;
  const capital = wc * m.capitalRatePerPeriod;
  const overrunCost = p.overrunPenalty * overrun * pd;
  const stockoutCost = p.stockoutPenalty * (shortOther + p.keyAccountWeight * shortKey);
  const sc = -p.rewardScale;
  const r0 = out.rewards[PROCUREMENT]!;
  const o0 = 2 * b;
  // 'savings' pays the purchase price variance, (list − paid) × units bought: buying more at a
  // deeper discount always pays procurement, whatever it does to stock and capital.
  r0[o0] = p.payForSavings ? p.rewardScale * (p.listPrice * qty - spend) : sc * (spend - p.listPrice * newDemand);
  r0[o0 + 1] = sc * stockoutCost;
  const r1 = out.rewards[INVENTORY]!;
  const o1 = 3 * b;
  r1[o1] = sc * holding;
  r1[o1 + 1] = sc * overflowC;
  r1[o1 + 2] = sc * stockoutCost;
  const r2 = out.rewards[LOGISTICS]!;
  const o2 = 4 * b;
  r2[o2] = sc * stdCost;
  r2[o2 + 1] = sc * expCost;
  r2[o2 + 2] = sc * handling;
  r2[o2 + 3] = sc * lateCost;
  const r3 = out.rewards[FINANCE]!;
  r3[o0] = sc * capital;
  r3[o0 + 1] = sc * overrunCost;

  const costToServe = holding + overflowC + handling + stdCost + expCost + capital;
  const k = out.kpis;
  const ok = KPI_NAMES.length * b;
  k[ok] = costToServe;
  k[ok + 1] = newDemand > 0 ? servedNew / newDemand : 1;
  k[ok + 2] = shipped > 0 ? (shipped - late) / shipped : 1;
  k[ok + 3] = wc;
  k[ok + 4] = overrun;
  // Standard costing: margin at list cost on units shipped plus purchase price variance, so building
  // or drawing down stock neither flatters nor hurts profit (cash would).
  k[ok + 5] = (p.salePrice - p.listPrice) * shipped + (p.listPrice * qty - spend) - costToServe;
  k[ok + 6] = shortKey + shortOther;
  k[ok + 7] = lost;
  k[ok + 8] = servedNew >= newDemand && late === 0 && lost === 0 ? 1 : 0;

  if (shortKey + shortOther > 0) out.events.push(ev('stockout', STOCKOUT_AGENTS, day, shortKey + shortOther));
  if (moved > 0) out.events.push(ev('overflow', OVERFLOW_AGENTS, day, excess));
  if (overrun > 0 && wcBefore <= p.workingCapitalBudget) out.events.push(ev('budgetOverrun', BUDGET_AGENTS, day, overrun));
  if (expUnits > 0) out.events.push(ev('expedite', EXPEDITE_AGENTS, day, expUnits));
  return day;
}

function ev(type: string, agents: readonly string[], period: number, units: number): WorldEvent {
  return { type, agents, data: { period, units } };
}
