/**
 * beer-game-v1: the MIT beer distribution game (Sterman 1989), a serial supply chain of four stages.
 * Customer demand hits the retailer; each stage fills its downstream's orders from stock (backlogging
 * what it cannot ship) and orders from its upstream; the factory's "upstream" is production with
 * unlimited capacity. Orders travel upstream with an order (information) lead time, shipments travel
 * downstream with a shipping lead time; every stage pays for stock on hand and for its backlog.
 *
 * | agent (index) | role | action | observation |
 * |---|---|---|---|
 * | `retailer` (0), `wholesaler` (1), `distributor` (2), `factory` (3) | `stage` | Discrete(maxOrder + 1): order k × orderUnit units | Box(8), see below |
 *
 * Observation slots (quantities in units / obsScale; `observationScales` gives the multipliers). The
 * box bounds are exact worst cases, not clips: with Q = Σ stages (initialInventory + initialPipeline ×
 * (orderLeadTime + shippingLeadTime)) + episodeLength × (maxOrder × orderUnit + max demand) + max demand,
 * quantities lie in [0, Q] (inventoryPosition in [−Q, 2Q], lastOrder in [0, maxOrder × orderUnit]),
 * so nothing is ever clipped; typical values are a few units of obsScale.
 *
 * | slot | name | meaning |
 * |---|---|---|
 * | 0 | `onHand` | units in stock after this period's shipping |
 * | 1 | `backlog` | units owed downstream (customers for the retailer) |
 * | 2 | `pipeline` | supply line: ordered and not yet received (in the order pipe, upstream's backlog for us, in the shipping pipe) |
 * | 3 | `inventoryPosition` | onHand − backlog + pipeline (what base-stock policies read) |
 * | 4 | `demand` | the order received from downstream this period (customer demand for the retailer) |
 * | 5 | `received` | units received from upstream this period |
 * | 6 | `lastOrder` | this stage's previous order |
 * | 7 | `timeFraction` | periods elapsed / episodeLength (scale 1) |
 *
 * Decisions (`encodeAction`): `orderQuantity` (units) → level round(q / orderUnit), clipped to [0, maxOrder].
 *
 * One step = the stages place their orders at the end of period t, then period t+1 runs: (1) every
 * stage receives the shipment due; (2) every stage receives the order due from downstream (the
 * retailer: customer demand), and the factory's production request due enters its shipping pipe;
 * (3) every stage ships min(onHand, backlog + incoming order) downstream; (4) costs are charged on the
 * end-of-period stock and backlog. An order placed at the end of period t reaches the upstream stage
 * in period t + orderLeadTime; a shipment sent in period t arrives in period t + shippingLeadTime.
 * Lead times are at least 1 so simultaneous moves need no within-period ordering.
 *
 * Rewards per stage (costs, negative), by `accounting`:
 *
 * | accounting | `holding` of stage i | `backorder` of stage i | convention |
 * |---|---|---|---|
 * | `classic` (default) | −h_i × onHand_i | −b_i × backlog_i | Sterman (1989): stock on hand only |
 * | `transit` | −(h_i × onHand_i + h_{i+1} × inTransit_i) | −b_i × backlog_i | goods in transit to stage i charged at the shipping stage's rate (the factory's production pipe at 0), as in Clark & Scarf (1960), Chen & Zheng (1994) |
 * | `echelon` | −(h_i − h_{i+1}) × echelonLevel_i | retailer −(b_1 + h_1) × backlog_1, others −b_i × backlog_i | the same team cost as `transit`, allocated by echelon (Chen & Zheng 1994); needs h nonincreasing upstream |
 *
 * (h_i = holdingCost, b_i = backorderCost, h_5 = 0; inTransit_i = units in stage i's shipping pipe
 * at period end; echelonLevel_i = stock on hand at stages ≤ i + goods in transit into stages < i −
 * the retailer's customer backlog.) Only `classic` uses the batched kernel; the others step copy by copy.
 *
 * | KPI | aggregate | better | meaning |
 * |---|---|---|---|
 * | `teamCost` | sum | lower | Σ stages holding + backorder cost this period |
 * | `fillRate` | mean | higher | share of this period's customer demand shipped in the period |
 * | `customerBacklog` | mean | lower | units the retailer owes customers |
 * | `totalInventory` | mean | lower | units on hand over all stages |
 * | `serviceOk` | mean | higher | 1 when the retailer owes customers nothing at the end of the period |
 * | `costPerPeriod` | mean | lower | team cost this period; present only where the exact optimum applies, with it as `reference` |
 *
 * Exact optimum (`tacit optimum`, optimum.ts): where Clark–Scarf theory applies (i.i.d. demand,
 * only customer backorders charged, holding not rising upstream, orderUnit 1, initialPipeline 0)
 * the optimal echelon base-stock levels and their long-run cost per period in this accounting.
 * Known defect kept for comparability: with initialPipeline > 0 the first order overwrites one
 * initial order-pipe slot, so each stage's `pipeline` and `inventoryPosition` stay overstated by
 * initialPipeline units all episode (flows are unaffected). beer-game-v2 (beer-game-v2.ts) is this
 * world with the observation right; use it for new work.
 *
 * defaultAction (the baseline difference rewards substitute): pass orders through, i.e. order what
 * arrived from downstream this period (rounded to a level), which keeps a steady chain steady.
 *
 * Team objective G (for team, mixed and difference rewards): −teamCost, the sum of the stages' rewards.
 *
 * Events: `stockout` when the retailer's customer backlog goes from 0 to positive (onset only, to
 * keep the hot loop allocation-free while service holds). Truncation after `episodeLength`; no
 * termination. Features: totals `onHand`, `backlog`, `pipeline`, `inventoryPosition`, then per stage
 * `<stage>.onHand`, `.backlog`, `.pipeline`, `.inventoryPosition`, `.order`.
 *
 * Params (defaults give the classic game): demand step 4 → 8 in period 5; orderLeadTime [2,2,2,1];
 * shippingLeadTime 2; holdingCost 0.5; backorderCost 1; initialInventory 12; initialPipeline 4;
 * maxOrder 40; orderUnit 1; episodeLength 36; obsScale 10; accounting classic. See params.ts.
 *
 * Versions: v1, first version; later additions (Poisson demand, `accounting`, `costPerPeriod`)
 * leave every earlier config's behaviour unchanged. v2 (`BEER_V2`): reset counts only the orders
 * really in flight (orderLead − 1 order-pipe slots, the last one is the first order's) in
 * `pipeline` and `inventoryPosition`, so with initialPipeline > 0 they are right from the start;
 * flows, costs and KPIs are v1's, and with initialPipeline 0 the two are identical.
 */
import { levelOf } from '../../src/core/action-levels.js';
import { RNG_WORDS } from '../../src/core/rng.js';
import { box, discrete } from '../../src/core/spaces.js';
import { allocStepOut, defineWorld, type StepOut, type World, type WorldEvent } from '../../src/core/world.js';
import { analyzeBeerGame, formatBeerSummary } from './analyze.js';
import { isStochastic, makeDemandSampler, maxDemand } from './demand.js';
import { makeBeerBatch } from './kernel.js';
import { NUM_STAGES, STAGES, beerGameParamsSchema, stageConfig, type BeerGameParams } from './params.js';
import { beerGameOptimum, optimumObstacles } from './optimum.js';

/** What tells the registered versions apart: only what reset puts in each stage's supply line. */
export interface BeerVersion {
  readonly id: 'beer-game-v1' | 'beer-game-v2';
  /**
   * v1: reset counts all orderLead initial order-pipe slots in `pipeline`, although the slot the
   * first order is written to (slot 0, at the end of period 0) is overwritten before upstream reads
   * it, so the supply line is overstated by initialPipeline for the whole episode. v2 counts the
   * orderLead − 1 slots really in flight and empties slot 0.
   */
  readonly countsOverwrittenSlot: boolean;
}
/** beer-game-v1, kept as it was so published figures reproduce. */
export const BEER_V1: BeerVersion = Object.freeze({ id: 'beer-game-v1', countsOverwrittenSlot: true });
/** beer-game-v2: v1 with the supply line observed right. */
export const BEER_V2: BeerVersion = Object.freeze({ id: 'beer-game-v2', countsOverwrittenSlot: false });

/** Observation slot names, shared with the warehouse where the meaning is the same. */
export const BEER_OBS_NAMES = ['onHand', 'backlog', 'pipeline', 'inventoryPosition', 'demand', 'received', 'lastOrder', 'timeFraction'] as const;
const OBS = BEER_OBS_NAMES.length;

/** The state: one packed Float64Array (layout in `BeerLayout`) plus the demand stream. */
export interface BeerState {
  /** [period, then per stage ×6 (onHand, backlog, onOrder, lastOrder, lastDemand, lastReceived), then the pipes]. Units. */
  f: Float64Array;
  /** sfc32 words of the demand stream. */
  rng: Uint32Array;
}

/** Offsets into `BeerState.f`. */
export interface BeerLayout {
  readonly size: number;
  /** Per stage: start of its shipping pipe (shipLead slots, inbound to the stage). */
  readonly shipOff: Int32Array;
  /** Per stage: start of its order pipe (orderLead slots, outbound to its upstream). */
  readonly orderOff: Int32Array;
}

/** Per-stage record stride and field offsets inside it. */
export const STRIDE = 6;
export const ON_HAND = 0;
export const BACKLOG = 1;
export const ON_ORDER = 2;
export const LAST_ORDER = 3;
export const LAST_DEMAND = 4;
export const LAST_RECEIVED = 5;
/** Offset of the first stage record (slot 0 is the period counter). */
export const BASE = 1;

function layout(orderLead: Int32Array, shipLead: Int32Array): BeerLayout {
  let off = BASE + NUM_STAGES * STRIDE;
  const shipOff = new Int32Array(NUM_STAGES);
  const orderOff = new Int32Array(NUM_STAGES);
  for (let i = 0; i < NUM_STAGES; i++) ((shipOff[i] = off), (off += shipLead[i]!));
  for (let i = 0; i < NUM_STAGES; i++) ((orderOff[i] = off), (off += orderLead[i]!));
  return { size: off, shipOff, orderOff };
}

/** Build a beer-game world (exported for the base-stock search and tests). */
export function createBeerGame(params: BeerGameParams, version: BeerVersion = BEER_V1): World<BeerState> {
  const cfg = stageConfig(params);
  const { orderLead, shipLead, holding, backorder } = cfg;
  const lay = layout(orderLead, shipLead);
  const { shipOff, orderOff } = lay;
  const demandAt = makeDemandSampler(params.demand);
  const maxLevel = params.maxOrder;
  const unit = params.orderUnit;
  const horizon = params.episodeLength;
  const invScale = 1 / params.obsScale;
  const dMax = maxDemand(params.demand);
  let bound = params.episodeLength * (maxLevel * unit + dMax) + dMax;
  for (let i = 0; i < NUM_STAGES; i++) bound += cfg.initialInventory[i]! + cfg.initialPipeline[i]! * (orderLead[i]! + shipLead[i]!);
  const qb = bound * invScale;
  const obsSpace = box([0, 0, 0, -qb, 0, 0, 0, 0], [qb, qb, qb, 2 * qb, qb, qb, maxLevel * unit * invScale, 1], OBS, BEER_OBS_NAMES);
  const actSpace = discrete(maxLevel + 1);
  const scales = Float64Array.from(BEER_OBS_NAMES, (n) => (n === 'timeFraction' ? 1 : params.obsScale));
  const stockoutAgents = Object.freeze([STAGES[0]]);
  // Where Clark–Scarf applies, the exact optimum is the reference of an extra per-period cost KPI.
  const optimum = optimumObstacles(params, version.id).length === 0 ? beerGameOptimum(params, version.id) : undefined;
  const acct = cfg.accounting;
  // Transit into stage i is charged at the shipping stage's rate; echelon i's rate is h_i − h_{i+1}.
  const transitRate = Float64Array.from({ length: NUM_STAGES }, (_, i) => (i + 1 < NUM_STAGES ? holding[i + 1]! : 0));
  const echelonRate = Float64Array.from({ length: NUM_STAGES }, (_, i) => holding[i]! - transitRate[i]!);
  const nKpis = optimum ? 6 : 5;
  // The batched kernel implements classic accounting and the five base KPIs; anything else steps per copy.
  const fast = acct === 0 && !optimum;

  /** Overwrite the stages' rewards with transit or echelon accounting after shipping; returns the team cost. */
  const chargeAccounting = (f: Float64Array, rewards: Float64Array[]): number => {
    let team = 0;
    let echelonStock = 0; // echelon i: stock at stages ≤ i plus goods in transit into stages < i
    const custBacklog = f[BASE + BACKLOG]!;
    for (let i = 0; i < NUM_STAGES; i++) {
      const r = BASE + i * STRIDE;
      const stock = f[r + ON_HAND]!;
      const backlog = f[r + BACKLOG]!;
      let transit = 0;
      for (let k = shipOff[i]!, end = k + shipLead[i]!; k < end; k++) transit += f[k]!;
      const rw = rewards[i]!;
      if (acct === 1) {
        rw[0] = -(holding[i]! * stock + transitRate[i]! * transit);
        rw[1] = -backorder[i]! * backlog;
      } else {
        echelonStock += stock;
        rw[0] = -echelonRate[i]! * (echelonStock - custBacklog);
        // Echelon holding counts customer backorders negatively; the retailer's penalty adds them back (b + H_1).
        rw[1] = -(i === 0 ? backorder[0]! + holding[0]! : backorder[i]!) * backlog;
        echelonStock += transit;
      }
      team -= rw[0] + rw[1];
    }
    return team;
  };

  const batch = makeBeerBatch({
    size: lay.size,
    shipOff,
    orderOff,
    orderLead,
    shipLead,
    holding,
    backorder,
    demandAt,
    stochastic: isStochastic(params.demand),
    maxLevel,
    unit,
    horizon,
    invScale,
    stockoutAgents,
    uniformDemand: params.demand.kind === 'uniform' ? { low: params.demand.low, span: params.demand.high - params.demand.low + 1 } : undefined,
    initial: () => {
      const s = world.createState();
      const out = allocStepOut(world);
      world.reset(s, new Uint32Array(RNG_WORDS), out);
      return { f: s.f, obs: out.obs };
    },
  });

  const writeObs = (f: Float64Array, out: StepOut): void => {
    const tf = f[0]! / horizon;
    for (let i = 0; i < NUM_STAGES; i++) {
      const o = out.obs[i]!;
      const r = BASE + i * STRIDE;
      const onHand = f[r + ON_HAND]!;
      const backlog = f[r + BACKLOG]!;
      const pipe = f[r + ON_ORDER]!;
      o[0] = onHand * invScale;
      o[1] = backlog * invScale;
      o[2] = pipe * invScale;
      o[3] = (onHand - backlog + pipe) * invScale;
      o[4] = f[r + LAST_DEMAND]! * invScale;
      o[5] = f[r + LAST_RECEIVED]! * invScale;
      o[6] = f[r + LAST_ORDER]! * invScale;
      o[7] = tf;
    }
  };

  const world: World<BeerState> = {
    id: version.id,
    params,
    agents: STAGES.map((id, index) => ({ id, role: 'stage', index })),
    observationSpaces: STAGES.map(() => obsSpace),
    actionSpaces: STAGES.map(() => actSpace),
    rewardComponents: STAGES.map(() => ['holding', 'backorder']),
    kpis: [
      { name: 'teamCost', description: 'holding + backorder cost of all stages this period', better: 'lower', aggregate: 'sum' },
      { name: 'fillRate', description: "share of the period's customer demand shipped in the period", better: 'higher', aggregate: 'mean' },
      { name: 'customerBacklog', description: 'units the retailer owes customers', better: 'lower', aggregate: 'mean' },
      { name: 'totalInventory', description: 'units on hand over all stages', better: 'lower', aggregate: 'mean' },
      { name: 'serviceOk', description: '1 when the retailer owes customers nothing at period end', better: 'higher', aggregate: 'mean' },
      ...(optimum
        ? [
            {
              name: 'costPerPeriod',
              description: 'team cost this period (its mean over a window); reference: the exact Clark–Scarf optimum, long run',
              better: 'lower' as const,
              aggregate: 'mean' as const,
              reference: optimum.costPerPeriod,
            },
          ]
        : []),
    ],
    features: [
      'onHand',
      'backlog',
      'pipeline',
      'inventoryPosition',
      ...STAGES.flatMap((s) => [`${s}.onHand`, `${s}.backlog`, `${s}.pipeline`, `${s}.inventoryPosition`, `${s}.order`]),
    ],
    episodeLength: horizon,
    teamObjective: { teamCost: -1 },
    observationScales: STAGES.map(() => scales),
    decisions: STAGES.map(() => ['orderQuantity']),

    encodeAction(_agent, decision, out, offset) {
      const v = decision[0]!;
      const k = Math.round(v / unit);
      out[offset] = k > maxLevel ? maxLevel : k > 0 ? k : 0; // NaN and negatives order nothing
    },

    encodeActions(_agent, decisions, stride, out, rows) {
      // Action size 1: row b is out[b]. levelOf is encodeAction's level without data-dependent
      // branches (action-levels.ts); whole units skip the division (x / 1 === x).
      // test/supply/beer-encode.test.ts checks it against encodeAction.
      const top = maxLevel;
      if (unit === 1) for (let b = 0, d = 0; b < rows; b++, d += stride) out[b] = levelOf(decisions[d]!, top);
      else for (let b = 0, d = 0; b < rows; b++, d += stride) out[b] = levelOf(decisions[d]! / unit, top);
    },
    actionLevels: STAGES.map(() => ({ unit, maxLevel })),

    createState: () => ({ f: new Float64Array(lay.size), rng: new Uint32Array(RNG_WORDS) }),
    ...(fast ? { batchBytes: batch.batchBytes, createStates: batch.createStates, stepBatch: batch.stepBatch, resetBatch: batch.resetBatch } : {}),

    reset(s, seed, out) {
      const f = s.f;
      s.rng.set(seed);
      f[0] = 0;
      for (let i = 0; i < NUM_STAGES; i++) {
        const r = BASE + i * STRIDE;
        const flow = cfg.initialPipeline[i]!;
        f[r + ON_HAND] = cfg.initialInventory[i]!;
        f[r + BACKLOG] = 0;
        // The first order goes to order-pipe slot 0 (t = 0) before upstream reads it: v2 leaves it out.
        const ordersInFlight = version.countsOverwrittenSlot ? orderLead[i]! : orderLead[i]! - 1;
        f[r + ON_ORDER] = flow * (ordersInFlight + shipLead[i]!);
        f[r + LAST_ORDER] = flow;
        f[r + LAST_DEMAND] = i === 0 ? cfg.initialPipeline[0]! : cfg.initialPipeline[i - 1]!;
        f[r + LAST_RECEIVED] = flow;
        for (let k = shipOff[i]!, end = k + shipLead[i]!; k < end; k++) f[k] = flow;
        for (let k = orderOff[i]!, end = k + orderLead[i]!; k < end; k++) f[k] = flow;
        if (!version.countsOverwrittenSlot) f[orderOff[i]!] = 0;
      }
      writeObs(f, out);
    },

    step(s, actions, next, out) {
      const f = next.f;
      f.set(s.f);
      next.rng.set(s.rng);
      // Integer period: `%` on an int32 is a machine op, on a double V8 calls fmod (measured 3x slower step).
      const t = f[0]! | 0;
      const p = t + 1;
      // End of period t: orders leave. Levels outside the space (or NaN) are clamped, never trusted.
      for (let i = 0; i < NUM_STAGES; i++) {
        const a = actions[i]![0]!;
        const level = a >= maxLevel ? maxLevel : a > 0 ? Math.floor(a) : 0;
        const qty = level * unit;
        const r = BASE + i * STRIDE;
        f[orderOff[i]! + (t % orderLead[i]!)] = qty;
        f[r + ON_ORDER] = f[r + ON_ORDER]! + qty;
        f[r + LAST_ORDER] = qty;
      }
      // Period p: (1) receipts.
      for (let i = 0; i < NUM_STAGES; i++) {
        const r = BASE + i * STRIDE;
        const got = f[shipOff[i]! + (p % shipLead[i]!)]!;
        f[r + ON_HAND] = f[r + ON_HAND]! + got;
        f[r + ON_ORDER] = f[r + ON_ORDER]! - got;
        f[r + LAST_RECEIVED] = got;
      }
      // (2) incoming orders; the factory's production request due starts production.
      const demand = demandAt(p, next.rng);
      const prodSlot = orderOff[NUM_STAGES - 1]! + (p % orderLead[NUM_STAGES - 1]!);
      const prod = f[prodSlot]!;
      f[prodSlot] = 0; // consumed: pipes hold only what is still in transit
      f[shipOff[NUM_STAGES - 1]! + (p % shipLead[NUM_STAGES - 1]!)] = prod;
      // (3) shipping, downstream first; (4) costs.
      let teamCost = 0;
      let fill = 1;
      const custBacklogBefore = f[BASE + BACKLOG]!;
      for (let i = 0; i < NUM_STAGES; i++) {
        const r = BASE + i * STRIDE;
        let incoming = demand;
        if (i > 0) {
          const slot = orderOff[i - 1]! + (p % orderLead[i - 1]!);
          incoming = f[slot]!;
          f[slot] = 0;
        }
        const onHand = f[r + ON_HAND]!;
        const backlogBefore = f[r + BACKLOG]!;
        const due = backlogBefore + incoming;
        const shipped = onHand < due ? onHand : due;
        const stock = onHand - shipped;
        const backlog = due - shipped;
        f[r + ON_HAND] = stock;
        f[r + BACKLOG] = backlog;
        f[r + LAST_DEMAND] = incoming;
        if (i > 0) f[shipOff[i - 1]! + (p % shipLead[i - 1]!)] = shipped;
        else if (incoming > 0) {
          const toNew = shipped - backlogBefore;
          fill = toNew <= 0 ? 0 : toNew / incoming;
        }
        const hc = holding[i]! * stock;
        const bc = backorder[i]! * backlog;
        const rw = out.rewards[i]!;
        rw[0] = -hc;
        rw[1] = -bc;
        teamCost += hc + bc;
      }
      f[0] = p;
      if (acct !== 0) teamCost = chargeAccounting(f, out.rewards);
      const custBacklog = f[BASE + BACKLOG]!;
      const k = out.kpis;
      k[0] = teamCost;
      if (nKpis === 6) k[5] = teamCost;
      k[1] = fill;
      k[2] = custBacklog;
      k[3] = f[BASE + ON_HAND]! + f[BASE + STRIDE + ON_HAND]! + f[BASE + 2 * STRIDE + ON_HAND]! + f[BASE + 3 * STRIDE + ON_HAND]!;
      k[4] = custBacklog > 0 ? 0 : 1;
      if (custBacklog > 0 && custBacklogBefore === 0) out.events.push(stockoutEvent(p, custBacklog, stockoutAgents));
      const trunc = p >= horizon ? 1 : 0;
      for (let i = 0; i < NUM_STAGES; i++) {
        out.terminated[i] = 0;
        out.truncated[i] = trunc;
      }
      writeObs(f, out);
    },

    copyState(src, dst) {
      dst.f.set(src.f);
      dst.rng.set(src.rng);
    },

    readFeatures(s, out) {
      const f = s.f;
      let k = 4;
      out[0] = out[1] = out[2] = out[3] = 0;
      for (let i = 0; i < NUM_STAGES; i++) {
        const r = BASE + i * STRIDE;
        const onHand = f[r + ON_HAND]!;
        const backlog = f[r + BACKLOG]!;
        const pipe = f[r + ON_ORDER]!;
        out[0] += onHand;
        out[1] += backlog;
        out[2] += pipe;
        out[3] += onHand - backlog + pipe;
        out[k++] = onHand;
        out[k++] = backlog;
        out[k++] = pipe;
        out[k++] = onHand - backlog + pipe;
        out[k++] = f[r + LAST_ORDER]!;
      }
    },

    defaultAction(agent, s, out) {
      // "Pass orders through": the no-op that keeps a steady-state chain steady is to order what came in.
      const d = s.f[BASE + agent * STRIDE + LAST_DEMAND]!;
      const k = Math.round(d / unit);
      out[0] = k > maxLevel ? maxLevel : k > 0 ? k : 0;
    },

    isAlive: () => true,
  };
  return world;
}

function stockoutEvent(period: number, backlog: number, agents: readonly string[]): WorldEvent {
  return { type: 'stockout', agents, data: { period, backlog } };
}

/** The registered spec. */
export const beerGame = defineWorld({
  id: 'beer-game-v1',
  summary: 'The MIT beer game: retailer, wholesaler, distributor and factory in a serial supply chain with order and shipping delays',
  get paramsSchema() {
    return beerGameParamsSchema();
  },
  create: (p) => createBeerGame(p),
  analyze: analyzeBeerGame,
  formatSummary: formatBeerSummary,
  optimum: (p) => ({ ...beerGameOptimum(p) }),
  conformanceParams: { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 20, maxOrder: 16 },
});

/** Whether a beer-game config's trajectories depend on the seed (used by the base-stock search to pick sample counts). */
export const beerGameIsStochastic = (p: BeerGameParams): boolean => isStochastic(p.demand);
