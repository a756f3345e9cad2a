/**
 * warehouse-v1: one warehouse run by four role agents with sensible local objectives that can
 * together wreck the team's KPIs. One period is a day (`periodDays`). Customers (key accounts and
 * the rest) order each day; the inventory role sets the replenishment target and how short stock is
 * allocated, procurement buys (how much, from which supplier and price tier), logistics picks the
 * shipping mode, finance caps the working capital procurement may commit.
 *
 * | agent (index) | action | decisions (`encodeAction`) |
 * |---|---|---|
 * | `procurement` (0) | Discrete(suppliers × orderLevels): a = supplier × orderLevels + k orders k × orderUnit | `orderQuantity` (units → nearest level), `supplier` (index; NaN → 0) |
 * | `inventory` (1) | Discrete(2 × targetLevels): a = rule × targetLevels + k sets target k × targetUnit; rule 0 first-come first-served, 1 key accounts first | `orderUpToLevel` (units), `allocation` (0/1; NaN → 0) |
 * | `logistics` (2) | Discrete(3): 0 standard; 1 expedite units that would be late by standard (and overflow past standard capacity); 2 expedite first | `shippingMode` |
 * | `finance` (3) | Discrete(budgetLevels): approval cap = budgetLevels[a] × workingCapitalBudget | `budgetMultiple` (nearest level; NaN → 1) |
 *
 * Observation (every role, Box(14)): quantities in units / obsScale clipped to ±obsClip, money in
 * units at list price; R = reported (for the slots in the role's silo `slots`, default all: lags
 * `delay`, refreshes every `cadence`, with the role's noise; live otherwise), L = live.
 *
 * | slot | name | | meaning |
 * |---|---|---|---|
 * | 0 | `onHand` | R | units in stock (overflow included) |
 * | 1 | `backlog` | R | customer units waiting |
 * | 2 | `pipeline` | L | units on order from suppliers |
 * | 3 | `inventoryPosition` | R+L | onHand − backlog + pipeline |
 * | 4 | `demand` | R | customer demand of the report's period |
 * | 5 | `demandAvg` | R | exponential average of demand (α 1/7) |
 * | 6 | `orderUpToLevel` | L | inventory role's current target |
 * | 7 | `budgetHeadroom` | L | (approval cap − working capital) / listPrice |
 * | 8 | `workingCapital` | L | working capital / listPrice |
 * | 9 | `overflow` | L | units in overflow storage |
 * | 10 | `lateRisk` | R | waiting units that standard shipping would deliver late |
 * | 11 | `keyBacklog` | R | key-account units waiting |
 * | 12 | `weekday` | L | (period mod 7) / 6 |
 * | 13 | `timeFraction` | L | period / episodeLength |
 *
 * A period: decisions take effect (procurement's order is cut to what the cap allows: working
 * capital (stock + open orders at list price) may not exceed the cap; the discount tier applies to
 * the approved quantity; the order arrives after the lead time, or `lateBy` later with probability
 * 1 − reliability); receipts; demand (see demand.ts); backlog older than maxBacklogPeriods cancels;
 * allocation oldest first (key accounts first under rule 1) limited by stock and carrier capacity;
 * overflow above storageCapacity; costs.
 *
 * | agent | reward components (costs × rewardScale, ≤ 0) |
 * |---|---|
 * | procurement | `purchaseCost` (price paid for this period's purchases minus the period's demand at list price: spending less than demand is worth pays), `stockout` (penalty × units short, key units × keyAccountWeight); with `procurementMeasure: savings`, `purchaseSavings` (≥ 0: list price minus price paid, per unit bought: the purchase price variance procurement teams are often measured on) replaces `purchaseCost` |
 * | inventory | `holding` (units in the warehouse), `overflow` (units in overflow storage), `stockout` (same as procurement's) |
 * | logistics | `shipping` (standard), `expedite` (expedited), `handling` (units moved to overflow), `lateness` (units delivered late) |
 * | finance | `capitalCost` (working capital × capitalCostRate / 365), `budgetOverrun` (working capital above budget × overrunPenalty) |
 *
 * | KPI | aggregate | better | meaning (currency unscaled) |
 * |---|---|---|---|
 * | `costToServe` | sum | lower | holding + overflow + handling + shipping + expedite + capital cost |
 * | `fillRate` | mean | higher | share of the period's demand shipped in the period |
 * | `onTimeRate` | mean | higher | share of shipped units delivered within the promise |
 * | `workingCapital` | mean | lower | stock + open orders at list price |
 * | `budgetOverrun` | mean | lower | working capital above budget |
 * | `profit` | sum | higher | (salePrice − listPrice) × shipped + (listPrice − price paid) × bought − costToServe (standard costing) |
 * | `stockouts` | sum | lower | units of the period's demand unserved because stock ran out |
 * | `lostSales` | sum | lower | backordered units cancelled |
 * | `serviceOk` | mean | higher | 1 when all new demand shipped, nothing late, nothing cancelled (the success flag) |
 *
 * Team objective G (team, mixed and difference rewards): rewardScale × (profit − stockoutPenalty ×
 * stockouts − overrunPenalty × budgetOverrun × periodDays): the team's money plus the goodwill and
 * budget penalties, in reward units.
 *
 * Events: `stockout` (units short this period), `overflow` (units newly moved to overflow),
 * `budgetOverrun` (working capital crosses above budget), `expedite` (units expedited); each carries
 * `{period, units}`. Truncation after episodeLength; no termination. Features: `onHand`, `backlog`,
 * `pipeline`, `inventoryPosition`, `workingCapital`, `overflow`, `budgetCap`, `orderUpToLevel`,
 * `demandAvg`, `budgetHeadroom` (units / currency, true values). defaultAction: order nothing,
 * keep the current target and rule, ship standard, approve within 1× budget.
 *
 * Params (defaults; all in params.ts): 360 periods of 1 day; demand base 40/day, 30 % key accounts,
 * weekly ±15 %, seasonal ±25 % over 91 days, 2 % spikes ×2.5, no shocks; list price 10, sale 15;
 * suppliers local (10, lead 2, 97 % on time else +1, −5 % ≥300, −12 % ≥600) and overseas (9, lead 8,
 * 85 % else +4, −8 % ≥600); orders 33 levels × 25; targets 25 levels × 25, initial 200; capacity 450;
 * holding 0.02, overflow 0.4/day, handling 1; stockout 4 (key ×3); backlog cancels after 7;
 * carriers standard 60/period at 0.5 in 2, expedited 40 at 2 in 1, promise 2, late 2; budget 4000,
 * levels [0.5 … 2, 100], capital 15 %/yr, overrun 0.01/day; silos delay 0, cadence 1, noise 0;
 * rewardScale 0.01; obsScale 100; obsClip 20.
 *
 * Versions: v1, first version; later, backward compatible: param `procurementMeasure` (default
 * `spend`, the original component).
 */
import { RNG_WORDS } from '../../src/core/rng.js';
import { box, discrete } from '../../src/core/spaces.js';
import { defineWorld, type World } from '../../src/core/world.js';
import { analyzeWarehouse, formatWarehouseSummary } from './analyze.js';
import { makeWarehouseBatch } from './batch.js';
import { INVENTORY, KPI_NAMES, LOGISTICS, PROCUREMENT, REWARD_WIDTHS, stepDay } from './day.js';
import { CAP, EMA, ON_HAND, ON_ORDER, PREV_EXCESS, RULE, TARGET, compileModel } from './model.js';
import { WAREHOUSE_OBS_NAMES, fillHistory, observationScales, recordReport, writeObservations } from './observe.js';
import { ROLES, warehouseParamsSchema, type WarehouseParams } from './params.js';

/** The state: one packed Float64Array (layout in model.ts) plus the world's random stream. */
export interface WarehouseState {
  /** Scalars, backlog buckets, inbound pipeline ring and report history ring (units, currency). */
  f: Float64Array;
  /** sfc32 words: demand, supplier reliability and observation noise draws. */
  rng: Uint32Array;
}

const KPI_META: Record<(typeof KPI_NAMES)[number], [string, 'higher' | 'lower', 'mean' | 'sum']> = {
  costToServe: ['holding + overflow + handling + shipping + expedite + capital cost (currency)', 'lower', 'sum'],
  fillRate: ["share of the period's demand shipped in the period", 'higher', 'mean'],
  onTimeRate: ['share of shipped units delivered within the promise', 'higher', 'mean'],
  workingCapital: ['stock + open orders at list price (currency)', 'lower', 'mean'],
  budgetOverrun: ['working capital above budget (currency)', 'lower', 'mean'],
  profit: ['margin at list cost on units shipped + purchase price variance − costToServe (currency)', 'higher', 'sum'],
  stockouts: ["units of the period's demand unserved because stock ran out", 'lower', 'sum'],
  lostSales: ['backordered units cancelled by customers', 'lower', 'sum'],
  serviceOk: ['1 when all new demand shipped, nothing late, nothing cancelled', 'higher', 'mean'],
};

/** Build a warehouse world for resolved params. */
export function createWarehouse(params: WarehouseParams): World<WarehouseState> {
  const m = compileModel(params);
  const p = params;
  const nSup = p.suppliers.length;
  const draw = new Float64Array(2); // scratch, fully rewritten each step
  const batch = makeWarehouseBatch(m);
  const clip = p.obsClip;
  const lows = WAREHOUSE_OBS_NAMES.map((n) => (n === 'weekday' || n === 'timeFraction' ? 0 : -clip));
  const highs = WAREHOUSE_OBS_NAMES.map((n) => (n === 'weekday' || n === 'timeFraction' ? 1 : clip));
  const obsSpace = box(lows, highs, WAREHOUSE_OBS_NAMES.length, WAREHOUSE_OBS_NAMES);
  const scales = observationScales(m);
  const level = (v: number, unit: number, n: number): number => {
    const k = Math.round(v / unit);
    return k >= n - 1 ? n - 1 : k > 0 ? k : 0; // NaN and negatives → level 0
  };
  const index = (v: number, n: number, fallback: number): number => (v === v ? Math.max(0, Math.min(n - 1, Math.round(v))) : fallback);

  /** The action index for agent's decision vector at d[k ..] (see the action table in the header). */
  const encodeRow = (agent: number, d: Float64Array, k: number): number => {
    switch (agent) {
      case PROCUREMENT:
        return index(d[k + 1]!, nSup, 0) * p.orderLevels + level(d[k]!, p.orderUnit, p.orderLevels);
      case INVENTORY:
        return index(d[k + 1]!, 2, 0) * p.targetLevels + level(d[k]!, p.targetUnit, p.targetLevels);
      case LOGISTICS:
        return index(d[k]!, 3, 0);
      default: {
        const v = d[k]!;
        if (v !== v) return m.defaultBudgetLevel;
        let best = 0;
        for (let j = 1; j < p.budgetLevels.length; j++) if (Math.abs(p.budgetLevels[j]! - v) < Math.abs(p.budgetLevels[best]! - v)) best = j;
        return best;
      }
    }
  };
  const rewardComponents = [
    [p.procurementMeasure === 'savings' ? 'purchaseSavings' : 'purchaseCost', 'stockout'],
    ['holding', 'overflow', 'stockout'],
    ['shipping', 'expedite', 'handling', 'lateness'],
    ['capitalCost', 'budgetOverrun'],
  ];
  if (rewardComponents.some((c, i) => c.length !== REWARD_WIDTHS[i]))
    throw new Error('warehouse-v1: reward components out of step with the kernel (day.ts REWARD_WIDTHS)');
  const world: World<WarehouseState> = {
    id: 'warehouse-v1',
    params,
    agents: ROLES.map((id, i) => ({ id, role: id, index: i })),
    observationSpaces: ROLES.map(() => obsSpace),
    actionSpaces: [
      discrete(
        nSup * p.orderLevels,
        p.suppliers.flatMap((s) => Array.from({ length: p.orderLevels }, (_, k) => `${s.name}:${k * p.orderUnit}`)),
      ),
      discrete(
        2 * p.targetLevels,
        ['fifo', 'keyFirst'].flatMap((r) => Array.from({ length: p.targetLevels }, (_, k) => `${r}:${k * p.targetUnit}`)),
      ),
      discrete(3, ['standard', 'expediteLate', 'expediteAll']),
      discrete(
        p.budgetLevels.length,
        p.budgetLevels.map((b) => `${b}x`),
      ),
    ],
    rewardComponents, // widths REWARD_WIDTHS, which the kernel writes at
    kpis: KPI_NAMES.map((name) => ({ name, description: KPI_META[name][0], better: KPI_META[name][1], aggregate: KPI_META[name][2] })),
    features: [
      'onHand',
      'backlog',
      'pipeline',
      'inventoryPosition',
      'workingCapital',
      'overflow',
      'budgetCap',
      'orderUpToLevel',
      'demandAvg',
      'budgetHeadroom',
    ],
    episodeLength: p.episodeLength,
    // KPIs live on very different scales (rates, units, currency): G is the team's money in reward units.
    teamObjective: { profit: p.rewardScale, stockouts: -p.rewardScale * p.stockoutPenalty, budgetOverrun: -p.rewardScale * p.overrunPenalty * p.periodDays },
    observationScales: ROLES.map(() => scales),
    decisions: [['orderQuantity', 'supplier'], ['orderUpToLevel', 'allocation'], ['shippingMode'], ['budgetMultiple']],

    encodeAction(agent, d, out, offset) {
      out[offset] = encodeRow(agent, d, 0);
    },

    encodeActions(agent, decisions, stride, out, rows) {
      // Action size 1: row b is out[b]. Same per-row rule as encodeAction (conformance checks).
      for (let b = 0, k = 0; b < rows; b++, k += stride) out[b] = encodeRow(agent, decisions, k);
    },

    createState: () => ({ f: new Float64Array(m.size), rng: new Uint32Array(RNG_WORDS) }),
    createStates: batch.createStates,
    stepBatch: batch.stepBatch,

    reset(s, seed, out) {
      const f = s.f;
      s.rng.set(seed);
      f.fill(0);
      f[ON_HAND] = p.initialTarget;
      f[TARGET] = level(p.initialTarget, p.targetUnit, p.targetLevels) * p.targetUnit;
      f[CAP] = m.budgetCaps[m.defaultBudgetLevel]!;
      const meanDemand = p.demand.base * p.periodDays;
      f[EMA] = meanDemand;
      fillHistory(m, f, meanDemand);
      writeObservations(m, f, s.rng, out.obs, 0);
    },

    step(s, actions, next, out) {
      next.f.set(s.f);
      next.rng.set(s.rng);
      const day = stepDay(m, actions, next.f, next.rng, out, 0, draw);
      recordReport(m, next.f, draw[0]! + draw[1]!);
      const trunc = day >= p.episodeLength ? 1 : 0;
      for (let i = 0; i < 4; i++) {
        out.terminated[i] = 0;
        out.truncated[i] = trunc;
      }
      writeObservations(m, next.f, next.rng, out.obs, 0);
    },

    copyState(src, dst) {
      dst.f.set(src.f);
      dst.rng.set(src.rng);
    },

    readFeatures(s, out) {
      const f = s.f;
      let backlog = 0;
      for (let a = 0; a < m.ages; a++) backlog += f[m.keyOff + a]! + f[m.otherOff + a]!;
      const wc = (f[ON_HAND]! + f[ON_ORDER]!) * p.listPrice;
      out[0] = f[ON_HAND]!;
      out[1] = backlog;
      out[2] = f[ON_ORDER]!;
      out[3] = f[ON_HAND]! - backlog + f[ON_ORDER]!;
      out[4] = wc;
      out[5] = f[PREV_EXCESS]!;
      out[6] = f[CAP]!;
      out[7] = f[TARGET]!;
      out[8] = f[EMA]!;
      out[9] = f[CAP]! - wc;
    },

    defaultAction(agent, s, out) {
      const f = s.f;
      if (agent === PROCUREMENT) out[0] = 0;
      else if (agent === INVENTORY) out[0] = f[RULE]! * p.targetLevels + level(f[TARGET]!, p.targetUnit, p.targetLevels);
      else if (agent === LOGISTICS) out[0] = 0;
      else out[0] = m.defaultBudgetLevel;
    },

    isAlive: () => true,
  };
  return world;
}

/** The registered spec. */
export const warehouse = defineWorld({
  id: 'warehouse-v1',
  summary: 'A warehouse run by procurement, inventory, logistics and finance agents with conflicting local objectives',
  get paramsSchema() {
    return warehouseParamsSchema();
  },
  create: (p) => createWarehouse(p),
  analyze: analyzeWarehouse,
  formatSummary: formatWarehouseSummary,
  informationLags: (p) => ROLES.map((r) => ({ agent: r, ...p.observation[r], paramPath: `observation.${r}`, setting: p.observation[r] })),
  conformanceParams: {
    episodeLength: 25,
    observation: {
      procurement: { delay: 3, cadence: 7, noise: 0.1, slots: ['demand', 'demandAvg'] },
      inventory: { delay: 0, cadence: 1, noise: 0, slots: [] },
      logistics: { delay: 1, cadence: 1, noise: 0, slots: ['onHand', 'backlog', 'demand', 'demandAvg', 'lateRisk', 'keyBacklog'] },
      finance: { delay: 0, cadence: 2, noise: 0.05, slots: ['onHand', 'backlog', 'demand', 'demandAvg', 'lateRisk', 'keyBacklog'] },
    },
  },
});
