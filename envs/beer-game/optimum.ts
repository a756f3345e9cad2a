/**
 * The exact optimum of a beer-game config (v1 or v2), where theory gives one: the optimal echelon
 * base-stock levels of Clark & Scarf (1960), computed by Chen & Zheng (1994)'s recursion
 * (clark-scarf.ts), and their long-run cost per period in the config's accounting.
 *
 * The beer game is a Clark–Scarf serial system when demand is i.i.d., only customer backorders are
 * charged, holding costs do not rise upstream, and orders can pass demand through unchanged. Its
 * order (information) delays are then equivalent to shipping delays: shifting each stage's clock by
 * the order delays upstream of it maps the game onto a chain with lead time n_j = orderLead_j +
 * shippingLead_j and no information delay, in which the same installation base-stock policy takes
 * the same decisions. Only the accounting of the delayed goods differs: while an order travels
 * upstream, the goods it calls for wait on the shelf of the stage above (charged its installation
 * rate H_{j+1} in every accounting) instead of in transit. So:
 *
 *   Clark–Scarf cost (goods charged in transit for all n_j periods)      = C̲_N(S_N)
 *   transit / echelon accounting (in transit only the shipping periods)  = C̲_N(S_N) − Σ_{j<N} H_{j+1} · orderLead_j · μ
 *   classic accounting (nothing charged in transit)                      = C̲_N(S_N) − Σ_{j<N} H_{j+1} · n_j · μ
 *
 * where μ is mean demand per period. The levels are the same in every accounting. Long simulation
 * of the world at these levels agrees (test/supply/beer-optimum.test.ts, `npm run validate-optimum`).
 */
import { TacitError } from '../../src/core/errors.js';
import { normalCdf } from '../../src/stats/distributions.js';
import { convolvePower, optimalEchelonBaseStock, poissonPmf } from './clark-scarf.js';
import { maxDemand, type DemandModel } from './demand.js';
import { NUM_STAGES, STAGES, stageConfig, type BeerGameParams } from './params.js';

/** The exact optimum does not apply to this config; the message lists every reason. */
export class OptimumNotApplicableError extends TacitError {
  readonly reasons: readonly string[];
  constructor(world: string, reasons: readonly string[]) {
    super(`no exact optimum for this ${world} config (Clark–Scarf theory does not apply):\n${reasons.map((r) => `  - ${r}`).join('\n')}`);
    this.reasons = reasons;
  }
}

/** The beer-game versions (beer-game.ts BeerVersion). */
export type BeerWorldId = 'beer-game-v1' | 'beer-game-v2';

/** What `tacit optimum` prints for a beer-game config. */
export interface BeerGameOptimum {
  readonly world: BeerWorldId;
  readonly method: string;
  readonly accounting: BeerGameParams['accounting'];
  /** Optimal echelon base-stock level per stage, in units. */
  readonly levels: Record<string, number>;
  /** The same policy as installation levels, the `level` of each stage's `base-stock` policy. */
  readonly installationLevels: Record<string, number>;
  /** Long-run expected team cost per period in the config's accounting. */
  readonly costPerPeriod: number;
  /** The same in the literature's convention (goods charged in transit for the whole lead time). */
  readonly clarkScarfCostPerPeriod: number;
  /** Lead time per stage as the theory sees it: order + shipping delay, in periods. */
  readonly leadTimes: Record<string, number>;
  /** Echelon holding cost per stage (installation rate minus the next stage's). */
  readonly echelonHolding: Record<string, number>;
  readonly meanDemand: number;
}

/** Why the exact optimum does not apply to these params of `world` (empty: it applies). */
export function optimumObstacles(p: BeerGameParams, world: BeerWorldId = 'beer-game-v1'): string[] {
  const cfg = stageConfig(p);
  const reasons: string[] = [];
  if (p.demand.kind === 'step' || p.demand.kind === 'series')
    reasons.push(`demand.kind is '${p.demand.kind}': the optimum needs i.i.d. demand (uniform, normal or poisson)`);
  if (!(cfg.backorder[0]! > 0)) reasons.push(`backorderCost of the retailer is ${cfg.backorder[0]}: it must be > 0`);
  for (let i = 1; i < NUM_STAGES; i++)
    if (cfg.backorder[i] !== 0)
      reasons.push(
        `backorderCost of the ${STAGES[i]} is ${cfg.backorder[i]}: Clark–Scarf charges only customer backorders; set backorderCost to [${cfg.backorder[0]}, 0, 0, 0]`,
      );
  for (let i = 1; i < NUM_STAGES; i++)
    if (cfg.holding[i]! > cfg.holding[i - 1]!)
      reasons.push(`holdingCost rises upstream (${STAGES[i]} ${cfg.holding[i]} > ${STAGES[i - 1]} ${cfg.holding[i - 1]}): echelon holding costs must be ≥ 0`);
  // beer-game-v2 observes the supply line right from any initial pipeline: the long-run optimum holds.
  for (let i = 0; i < NUM_STAGES && world === 'beer-game-v1'; i++)
    if (cfg.initialPipeline[i]! > 0) {
      reasons.push(
        `initialPipeline is ${cfg.initialPipeline[i]} (${STAGES[i]}): beer-game-v1's first order overwrites one initial order-pipe slot, so every stage's inventory position stays overstated by initialPipeline units for the whole episode; set initialPipeline: 0, or use beer-game-v2`,
      );
      break;
    }
  if (p.orderUnit !== 1) reasons.push(`orderUnit is ${p.orderUnit}: base-stock stages must be able to order any whole number of units (orderUnit 1)`);
  if (p.maxOrder * p.orderUnit < maxDemand(p.demand))
    reasons.push(`maxOrder × orderUnit = ${p.maxOrder * p.orderUnit} is below the largest demand ${maxDemand(p.demand)}: stages could not pass demand through`);
  return reasons;
}

/** Per-period demand pmf of an i.i.d. model, exactly as the world samples it (caps included). */
export function demandPmf(model: DemandModel): Float64Array {
  const cap = maxDemand(model);
  switch (model.kind) {
    case 'uniform': {
      const out = new Float64Array(cap + 1);
      for (let k = model.low; k <= model.high; k++) out[k] = 1 / (model.high - model.low + 1);
      return out;
    }
    case 'normal': {
      // round(mean + sd·Z) floored at 0 and capped: cell k holds P(k − ½ ≤ mean + sd·Z < k + ½).
      const out = new Float64Array(cap + 1);
      if (model.sd === 0) {
        out[Math.min(cap, Math.max(0, Math.round(model.mean)))] = 1;
        return out;
      }
      const F = (x: number): number => normalCdf((x - model.mean) / model.sd);
      for (let k = 0; k <= cap; k++) out[k] = (k === cap ? 1 : F(k + 0.5)) - (k === 0 ? 0 : F(k - 0.5));
      return out;
    }
    case 'poisson': {
      const full = poissonPmf(model.mean);
      const out = new Float64Array(cap + 1);
      for (let k = 0; k < full.length; k++) out[Math.min(k, cap)]! += full[k]!;
      return out;
    }
    default:
      throw new RangeError(`demand ${model.kind} is not i.i.d.`);
  }
}

/** Drop the upper tail of a pmf where its mass is below 1e-15 (lumped into the last kept cell): keeps the recursion's grid small. */
function trimTail(pmf: Float64Array): Float64Array {
  let tail = 0;
  let end = pmf.length - 1;
  while (end > 0 && tail + pmf[end]! < 1e-15) tail += pmf[end--]!;
  const out = pmf.slice(0, end + 1);
  out[end]! += tail;
  return out;
}

const cache = new Map<string, BeerGameOptimum>();

/** The exact optimum of a beer-game config (resolved params); throws OptimumNotApplicableError naming every reason when theory does not apply. */
export function beerGameOptimum(p: BeerGameParams, world: BeerWorldId = 'beer-game-v1'): BeerGameOptimum {
  const key = `${world} ${JSON.stringify(p)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const reasons = optimumObstacles(p, world);
  if (reasons.length > 0) throw new OptimumNotApplicableError(world, reasons);
  const cfg = stageConfig(p);
  const pmf = demandPmf(p.demand);
  const mu = pmf.reduce((a, q, k) => a + q * k, 0);
  const lead = Array.from({ length: NUM_STAGES }, (_, i) => cfg.orderLead[i]! + cfg.shipLead[i]!);
  const rate = (i: number): number => (i < NUM_STAGES ? cfg.holding[i]! : 0);
  const echelonHolding = Array.from({ length: NUM_STAGES }, (_, i) => rate(i) - rate(i + 1));
  const opt = optimalEchelonBaseStock({
    echelonHolding,
    backorderCost: cfg.backorder[0]!,
    leadTimeDemand: lead.map((n) => trimTail(convolvePower(pmf, n))),
  });
  let shelfInsteadOfTransit = 0;
  let transitAll = 0;
  for (let j = 0; j < NUM_STAGES - 1; j++) {
    shelfInsteadOfTransit += rate(j + 1) * cfg.orderLead[j]! * mu;
    transitAll += rate(j + 1) * lead[j]! * mu;
  }
  const cost = p.accounting === 'classic' ? opt.cost - transitAll : opt.cost - shelfInsteadOfTransit;
  const byStage = (v: readonly number[]): Record<string, number> => Object.fromEntries(STAGES.map((s, i) => [s, v[i]!]));
  const result: BeerGameOptimum = {
    world,
    method: 'Clark–Scarf (1960) decomposition, Chen–Zheng (1994) recursion over discrete lead-time demand',
    accounting: p.accounting,
    levels: byStage(opt.levels),
    installationLevels: byStage(opt.levels.map((s, i) => s - (i === 0 ? 0 : opt.levels[i - 1]!))),
    costPerPeriod: cost,
    clarkScarfCostPerPeriod: opt.cost,
    leadTimes: byStage(lead),
    echelonHolding: byStage(echelonHolding),
    meanDemand: mu,
  };
  cache.set(key, result);
  return result;
}
