/**
 * warehouse-v2: several SKUs sharing one warehouse's storage, carriers and working-capital budget,
 * optionally a distribution network (the warehouse as a DC replenishing stores), run by the same
 * four role agents as warehouse-v1, with KPIs defined as practitioners define them and accrual
 * accounting. warehouse-v1 is kept unchanged for old results; what changed and why is in
 * docs/supply.md ("warehouse-v2").
 *
 * | agent (index) | action | decisions (`encodeAction`; suffix `/<sku>` when there are several SKUs) |
 * |---|---|---|
 * | `procurement` (0) | MultiDiscrete([suppliers × orderLevels] × SKUs): per SKU, a = supplier × orderLevels + k orders k × orderUnit | `orderQuantity`, `supplier` per SKU |
 * | `inventory` (1) | MultiDiscrete([targetLevels] × SKUs + [2]): per SKU the order-up-to target k × targetUnit, then the allocation rule | `orderUpToLevel` per SKU, `allocation` |
 * | `logistics` (2) | Discrete(3): 0 standard; 1 expedite what standard would deliver late, and what standard cannot take; 2 expedite first | `shippingMode` |
 * | `finance` (3) | Discrete(budgetLevels): approval cap on committed capital = level × workingCapitalBudget | `budgetMultiple` |
 *
 * Observation (every role, Box): per SKU `onHand` (DC stock not yet picked), `backlog` (orders
 * not yet filled from stock), `pipeline` (units on order), `inventoryPosition` (onHand − backlog +
 * pipeline; with stores, the echelon position DC + stores + transfers + pipeline), `demand`,
 * `demandAvg` (α 1/7), `orderUpToLevel`, `storeStock`; then `toShip` (picked units waiting for a
 * carrier), `spaceUsed` (share of storageCapacity), `overflow` (space units), `inventoryValue`,
 * `committedCapital`, `budgetHeadroom` (money), `weekday`, `timeFraction`. Quantities in units /
 * obsScale, money in currency / (obsScale × mean unit cost), clipped to ±obsClip;
 * `observationScales` gives the multipliers.
 *
 * A period: decisions take effect (each SKU's order is cut so committed capital, i.e. inventory
 * at cost plus open orders, stays within the approval cap; the discount tier applies to the
 * approved line; late with probability 1 − reliability); receipts (at the price paid, into the
 * SKU's moving average cost); then
 * - one site (`network.stores` 0): demand arrives as orders; orders older than maxBacklogPeriods
 *   cancel (lost sales); stock is picked for orders by the allocation rule (0 oldest first, 1 key
 *   accounts first); carriers ship picked units oldest first up to their capacity, and a unit is on
 *   time when order-to-delivery ≤ promisePeriods. Fill rate counts stock, on-time shipping counts
 *   carriers: a day with enough stock but full trucks has fill rate 1 and on-time shipping below 1.
 * - a network (stores ≥ 1): each store sells from its shelf (a missing unit is a lost sale), then
 *   orders up to storeCoverDays of its mean demand; the DC allocates its stock to the stores (rule
 *   0 in store order, 1 fair share) and the carriers move it (standard or expedited transit);
 *   allocated units that find no carrier stay in the DC and count as not shipped on time.
 * Finally overflow storage (space above storageCapacity), working capital and costs.
 *
 * | agent | reward components (currency × rewardScale) |
 * |---|---|
 * | procurement | `purchaseCost` (−(spend − demand at standard cost)) or, with `procurementMeasure: savings`, `purchaseSavings` (standard cost − price paid of units bought); `stockout` (−lostSalePenalty × units not filled from stock this period, key × keyAccountWeight) |
 * | inventory | `holding` (−(carryingCostRate − capitalCostRate) × inventory value per year), `overflow`, `stockout` |
 * | logistics | `shipping`, `expedite`, `handling` (units moved to overflow), `lateness` (latePenalty × late units) |
 * | finance | `capitalCost` (−capitalCostRate × inventory value per year), `budgetOverrun` (−overrunPenalty × committed capital above budget per day) |
 *
 * | KPI | aggregate | better | definition |
 * |---|---|---|---|
 * | `costToServe` | sum | lower | cost of goods sold + carrying (holding + capital) + overflow + handling + shipping + expedite + lost sales at their sale price (lost margin + the unit cost they would have carried, so serving fewer customers never lowers it) |
 * | `fillRate` | mean | higher | share of the period's demand filled from stock in the period (carrier limits excluded) |
 * | `onTimeShipping` | mean | higher | one site: share of units shipped that arrive within the promise; network: share of allocated transfers that left the same period |
 * | `profit` | sum | higher | revenue − cost of goods sold (accrual, moving average cost) − operating costs (carrying, overflow, handling, shipping, expedite) |
 * | `inventoryTurns` | mean | higher | episode to date: annualised cost of goods sold / average inventory at cost |
 * | `gmroi` | mean | higher | episode to date: annualised gross margin / average inventory at cost |
 * | `cashToCashDays` | mean | lower | episode to date: days of inventory (average inventory / cost of goods sold per day; 999 before the first sale) + customerTermsDays − supplierTermsDays |
 * | `workingCapital` | mean | lower | inventory at cost + receivables − payables (average daily sales × customerTermsDays, average daily purchases × supplierTermsDays, episode to date) |
 * | `budgetOverrun` | mean | lower | committed capital (inventory at cost + open orders) above workingCapitalBudget |
 * | `stockouts` | sum | lower | units of the period's demand not filled from stock in the period |
 * | `lostSales` | sum | lower | units lost: cancelled orders (one site) or missed shelf sales (network) |
 * | `serviceOk` | mean | higher | 1 when all new demand was filled, nothing shipped late and nothing lost |
 *
 * Team objective G: rewardScale × (profit − lostSalePenalty × stockouts − overrunPenalty ×
 * periodDays × budgetOverrun). No KPI has a reference: no optimum of this world is known (the
 * miscoordination detector takes `references` from the experiment instead).
 *
 * Events: `stockout`, `overflow`, `budgetOverrun`, `expedite`, each `{period, units}`. Truncation
 * after episodeLength; no termination. Features: `onHand`, `backlog`, `pipeline`,
 * `inventoryPosition`, `inventoryValue`, `committedCapital`, `overflow`, `budgetCap`, summed over
 * SKUs. defaultAction: order nothing, keep targets and rule, ship standard, approve within 1× budget.
 *
 * Defaults (test/supply/warehouse-v2.test.ts checks this table against params.ts):
 *
 * | param | default |
 * |---|---|
 * | episodeLength | 360 |
 * | periodDays | 1 |
 * | skus | [{"name":"A","unitCost":10,"salePrice":15,"size":1,"demand":{"base":40},"initialCoverDays":5},{"name":"B","unitCost":25,"salePrice":34,"size":2,"demand":{"base":12},"initialCoverDays":5}] |
 * | suppliers | [{"name":"local","priceFactor":1,"leadTime":2,"reliability":0.97,"lateBy":1,"discountTiers":[{"minQuantity":300,"discount":0.04},{"minQuantity":600,"discount":0.08}]},{"name":"overseas","priceFactor":0.9,"leadTime":8,"reliability":0.85,"lateBy":4,"discountTiers":[{"minQuantity":600,"discount":0.08}]}] |
 * | network | {"stores":0,"storeCoverDays":3} |
 * | orderUnit | 25 |
 * | orderLevels | 33 |
 * | targetUnit | 25 |
 * | targetLevels | 25 |
 * | storageCapacity | 500 |
 * | carryingCostRate | 0.25 |
 * | capitalCostRate | 0.1 |
 * | overflowCost | 0.03 |
 * | overflowHandlingCost | 0.5 |
 * | lostSalePenalty | 2 |
 * | keyAccountWeight | 3 |
 * | maxBacklogPeriods | 7 |
 * | standardCapacity | 80 |
 * | expediteCapacity | 40 |
 * | standardShipCost | 0.5 |
 * | expediteShipCost | 2 |
 * | standardTransit | 2 |
 * | expediteTransit | 1 |
 * | promisePeriods | 2 |
 * | latePenalty | 2 |
 * | workingCapitalBudget | 6000 |
 * | budgetLevels | [0.25,0.5,0.75,1,1.25,1.5,2,100] |
 * | overrunPenalty | 0.01 |
 * | customerTermsDays | 30 |
 * | supplierTermsDays | 45 |
 * | procurementMeasure | "spend" |
 * | rewardScale | 0.01 |
 * | obsScale | 100 |
 * | obsClip | 20 |
 *
 * SKU demand defaults are warehouse-v1's model (demand.ts) with the base given: key accounts 30 %,
 * weekly ±15 %, seasonal ±25 % over 91 days, 2 % spikes × 2.5. carryingCostRate 25 %/year sits in
 * the 20–40 % practitioners quote (docs/supply.md gives the source).
 *
 * Versions: v2, first version (warehouse-v1 is a separate world).
 */
import { RNG_WORDS } from '../../../src/core/rng.js';
import { box, discrete, multiDiscrete } from '../../../src/core/spaces.js';
import { defineWorld, type StepOut, type World } from '../../../src/core/world.js';
import {
  AVG_COST,
  DEMAND,
  EMA,
  G_CAP,
  G_RULE,
  INVENTORY,
  KPI_NAMES,
  LOGISTICS,
  ON_HAND,
  ON_ORDER,
  ORDER_VALUE,
  OWNED,
  PROCUREMENT,
  TARGET,
  compileModelV2,
  makeScratch,
  resetState,
  stepPeriod,
  type ModelV2,
} from './model.js';
import { ROLES, warehouseV2ParamsSchema, type WarehouseV2Params } from './params.js';

/** The state: one packed Float64Array (layout in model.ts) plus the world's random stream. */
export interface WarehouseV2State {
  f: Float64Array;
  rng: Uint32Array;
}

const KPI_META: Record<(typeof KPI_NAMES)[number], [string, 'higher' | 'lower', 'mean' | 'sum']> = {
  costToServe: ['cost of goods sold + carrying + overflow + handling + shipping + expedite + lost sales at sale price (currency)', 'lower', 'sum'],
  fillRate: ["share of the period's demand filled from stock in the period", 'higher', 'mean'],
  onTimeShipping: ['share of shipped units on time (one site) / of allocated transfers shipped the same period (network)', 'higher', 'mean'],
  profit: ['revenue − cost of goods sold (accrual) − operating costs (currency)', 'higher', 'sum'],
  inventoryTurns: ['annualised cost of goods sold / average inventory at cost, episode to date', 'higher', 'mean'],
  gmroi: ['annualised gross margin / average inventory at cost, episode to date', 'higher', 'mean'],
  cashToCashDays: ['days of inventory + customer terms − supplier terms, episode to date (days)', 'lower', 'mean'],
  workingCapital: ['inventory at cost + receivables − payables (currency)', 'lower', 'mean'],
  budgetOverrun: ['committed capital above budget (currency)', 'lower', 'mean'],
  stockouts: ["units of the period's demand not filled from stock in the period", 'lower', 'sum'],
  lostSales: ['units of demand lost (cancelled or missed at the shelf)', 'lower', 'sum'],
  serviceOk: ['1 when all new demand was filled, nothing late, nothing lost', 'higher', 'mean'],
};

/** Per-SKU observation slots, then the global ones. */
const SKU_SLOTS = ['onHand', 'backlog', 'pipeline', 'inventoryPosition', 'demand', 'demandAvg', 'orderUpToLevel', 'storeStock'] as const;
const GLOBAL_SLOTS = ['toShip', 'spaceUsed', 'overflow', 'inventoryValue', 'committedCapital', 'budgetHeadroom', 'weekday', 'timeFraction'] as const;

/** Slot or decision name for SKU k: plain with one SKU (so warehouse-v1's scripted policies apply), `name/<sku>` otherwise. */
export const skuName = (p: WarehouseV2Params, name: string, k: number): string => (p.skus.length === 1 ? name : `${name}/${p.skus[k]!.name}`);

/** Build a warehouse-v2 world for resolved params. */
export function createWarehouseV2(params: WarehouseV2Params): World<WarehouseV2State> & { readonly model: ModelV2 } {
  const p = params;
  const m = compileModelV2(p);
  const K = m.K;
  const nSup = p.suppliers.length;
  const scratch = makeScratch(m);
  const names = [...Array.from({ length: K }, (_, k) => SKU_SLOTS.map((n) => skuName(p, n, k))).flat(), ...GLOBAL_SLOTS];
  const nObs = names.length;
  const clip = p.obsClip;
  const unitless = (n: string): boolean => n === 'weekday' || n === 'timeFraction' || n === 'spaceUsed';
  const obsSpace = box(
    names.map((n) => (unitless(n) ? 0 : -clip)),
    names.map((n) => (n === 'spaceUsed' ? clip : unitless(n) ? 1 : clip)),
    nObs,
    names,
  );
  const meanCost = m.unitCost.reduce((a, b) => a + b, 0) / K;
  const qScale = p.obsScale;
  const mScale = p.obsScale * meanCost;
  const G0 = K * SKU_SLOTS.length;
  const scales = Float64Array.from(names, (n, x) =>
    x < G0 ? qScale : n === 'toShip' || n === 'overflow' ? qScale : n === 'inventoryValue' || n === 'committedCapital' || n === 'budgetHeadroom' ? mScale : 1,
  );
  const inv = Float64Array.from(scales, (s) => 1 / s);
  const level = (v: number, unit: number, n: number): number => {
    const k = Math.round(v / unit);
    return k >= n - 1 ? n - 1 : k > 0 ? k : 0; // NaN and negatives → level 0
  };
  const index = (v: number, n: number, fallback: number): number => (v === v ? Math.max(0, Math.min(n - 1, Math.round(v))) : fallback);
  const rec = (k: number): number => m.skuOff + k * m.stride;

  /** Totals per SKU the observation and features share. */
  const position = (f: Float64Array, k: number, out: Float64Array): void => {
    const r = rec(k);
    let backlog = 0;
    let stores = 0;
    if (m.stores === 0) for (let a = 0; a < m.ages; a++) backlog += f[r + m.keyOff + a]! + f[r + m.otherOff + a]!;
    for (let st = 0; st < m.stores; st++) {
      stores += f[r + m.storeOff + st]!;
      for (let x = 0; x < m.ringLen; x++) stores += f[r + m.transferOff + st * m.ringLen + x]!;
    }
    out[0] = backlog;
    out[1] = stores; // store shelves + transfers (0 at one site)
    out[2] = f[r + ON_HAND]! - backlog + stores + f[r + ON_ORDER]!;
  };
  const tmp = new Float64Array(3);

  const writeObs = (f: Float64Array, out: StepOut): void => {
    const o0 = out.obs[0]!;
    let x = 0;
    let toShip = 0;
    let space = 0;
    let invValue = 0;
    let committed = 0;
    for (let k = 0; k < K; k++) {
      const r = rec(k);
      position(f, k, tmp);
      let picked = 0;
      if (m.stores === 0) for (let a = 0; a < m.ages; a++) picked += f[r + m.shipOff + a]!;
      let shelves = 0;
      for (let st = 0; st < m.stores; st++) shelves += f[r + m.storeOff + st]!;
      toShip += picked;
      space += m.spaceOf[k]! * (f[r + ON_HAND]! + picked);
      invValue += f[r + OWNED]! * f[r + AVG_COST]!;
      committed += f[r + OWNED]! * f[r + AVG_COST]! + f[r + ORDER_VALUE]!;
      o0[x] = f[r + ON_HAND]!;
      o0[x + 1] = tmp[0]!;
      o0[x + 2] = f[r + ON_ORDER]!;
      o0[x + 3] = tmp[2]!;
      o0[x + 4] = f[r + DEMAND]!;
      o0[x + 5] = f[r + EMA]!;
      o0[x + 6] = f[r + TARGET]!;
      o0[x + 7] = shelves;
      x += SKU_SLOTS.length;
    }
    o0[x] = toShip;
    o0[x + 1] = space / p.storageCapacity;
    o0[x + 2] = space > p.storageCapacity ? space - p.storageCapacity : 0;
    o0[x + 3] = invValue;
    o0[x + 4] = committed;
    o0[x + 5] = f[G_CAP]! - committed;
    o0[x + 6] = ((f[0]! | 0) % 7) / 6;
    o0[x + 7] = f[0]! / p.episodeLength;
    for (let y = 0; y < nObs; y++) {
      const v = o0[y]! * inv[y]!;
      o0[y] = v > clip ? clip : v < -clip ? -clip : v;
    }
    for (let i = 1; i < 4; i++) out.obs[i]!.set(o0);
  };

  const world: World<WarehouseV2State> & { readonly model: ModelV2 } = {
    id: 'warehouse-v2',
    params,
    model: m,
    agents: ROLES.map((id, i) => ({ id, role: id, index: i })),
    observationSpaces: ROLES.map(() => obsSpace),
    actionSpaces: [
      multiDiscrete(
        Array.from({ length: K }, () => nSup * p.orderLevels),
        p.skus.map((s) => `order/${s.name}`),
      ),
      multiDiscrete([...Array.from({ length: K }, () => p.targetLevels), 2], [...p.skus.map((s) => `target/${s.name}`), 'allocation']),
      discrete(3, ['standard', 'expediteLate', 'expediteAll']),
      discrete(
        p.budgetLevels.length,
        p.budgetLevels.map((b) => `${b}x`),
      ),
    ],
    rewardComponents: [
      [p.procurementMeasure === 'savings' ? 'purchaseSavings' : 'purchaseCost', 'stockout'],
      ['holding', 'overflow', 'stockout'],
      ['shipping', 'expedite', 'handling', 'lateness'],
      ['capitalCost', 'budgetOverrun'],
    ],
    kpis: KPI_NAMES.map((name) => ({ name, description: KPI_META[name][0], better: KPI_META[name][1], aggregate: KPI_META[name][2] })),
    features: ['onHand', 'backlog', 'pipeline', 'inventoryPosition', 'inventoryValue', 'committedCapital', 'overflow', 'budgetCap'],
    episodeLength: p.episodeLength,
    teamObjective: { profit: p.rewardScale, stockouts: -p.rewardScale * p.lostSalePenalty, budgetOverrun: -p.rewardScale * p.overrunPenalty * p.periodDays },
    observationScales: ROLES.map(() => scales),
    decisions: [
      Array.from({ length: K }, (_, k) => [skuName(p, 'orderQuantity', k), skuName(p, 'supplier', k)]).flat(),
      [...Array.from({ length: K }, (_, k) => skuName(p, 'orderUpToLevel', k)), 'allocation'],
      ['shippingMode'],
      ['budgetMultiple'],
    ],

    encodeAction(agent, d, out, offset) {
      switch (agent) {
        case PROCUREMENT:
          for (let k = 0; k < K; k++) out[offset + k] = index(d[2 * k + 1]!, nSup, 0) * p.orderLevels + level(d[2 * k]!, p.orderUnit, p.orderLevels);
          return;
        case INVENTORY:
          for (let k = 0; k < K; k++) out[offset + k] = level(d[k]!, p.targetUnit, p.targetLevels);
          out[offset + K] = index(d[K]!, 2, 0);
          return;
        case LOGISTICS:
          out[offset] = index(d[0]!, 3, 0);
          return;
        default: {
          const v = d[0]!;
          if (v !== v) {
            out[offset] = m.defaultBudgetLevel;
            return;
          }
          let best = 0;
          for (let k = 1; k < p.budgetLevels.length; k++) if (Math.abs(p.budgetLevels[k]! - v) < Math.abs(p.budgetLevels[best]! - v)) best = k;
          out[offset] = best;
        }
      }
    },

    createState: () => ({ f: new Float64Array(m.size), rng: new Uint32Array(RNG_WORDS) }),

    reset(s, seed, out) {
      s.rng.set(seed);
      resetState(m, s.f);
      writeObs(s.f, out);
    },

    step(s, actions, next, out) {
      next.f.set(s.f);
      next.rng.set(s.rng);
      const day = stepPeriod(m, actions, next, out, scratch);
      const trunc = day >= p.episodeLength ? 1 : 0;
      for (let i = 0; i < 4; i++) {
        out.terminated[i] = 0;
        out.truncated[i] = trunc;
      }
      writeObs(next.f, out);
    },

    copyState(src, dst) {
      dst.f.set(src.f);
      dst.rng.set(src.rng);
    },

    readFeatures(s, out) {
      const f = s.f;
      out.fill(0);
      let space = 0;
      for (let k = 0; k < K; k++) {
        const r = rec(k);
        position(f, k, tmp);
        let picked = 0;
        if (m.stores === 0) for (let a = 0; a < m.ages; a++) picked += f[r + m.shipOff + a]!;
        space += m.spaceOf[k]! * (f[r + ON_HAND]! + picked);
        out[0]! += f[r + ON_HAND]!;
        out[1]! += tmp[0]!;
        out[2]! += f[r + ON_ORDER]!;
        out[3]! += tmp[2]!;
        out[4]! += f[r + OWNED]! * f[r + AVG_COST]!;
        out[5]! += f[r + OWNED]! * f[r + AVG_COST]! + f[r + ORDER_VALUE]!;
      }
      out[6] = space > p.storageCapacity ? space - p.storageCapacity : 0;
      out[7] = f[G_CAP]!;
    },

    defaultAction(agent, s, out) {
      const f = s.f;
      if (agent === PROCUREMENT) for (let k = 0; k < K; k++) out[k] = 0;
      else if (agent === INVENTORY) {
        for (let k = 0; k < K; k++) out[k] = level(f[rec(k) + TARGET]!, p.targetUnit, p.targetLevels);
        out[K] = f[G_RULE]!;
      } else if (agent === LOGISTICS) out[0] = 0;
      else out[0] = m.defaultBudgetLevel;
    },

    isAlive: () => true,
  };
  return world;
}

/** The registered spec. */
export const warehouseV2 = defineWorld({
  id: 'warehouse-v2',
  summary:
    'Several SKUs sharing a warehouse (or a DC feeding stores), run by procurement, inventory, logistics and finance agents; practitioners’ KPIs, accrual accounting',
  get paramsSchema() {
    return warehouseV2ParamsSchema();
  },
  create: (p) => createWarehouseV2(p),
  conformanceParams: { episodeLength: 25, network: { stores: 2, storeCoverDays: 3 } },
});
