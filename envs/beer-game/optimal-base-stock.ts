/**
 * Best base-stock levels for a beer-game config. Base-stock (order-up-to) policies are optimal for
 * serial supply chains with i.i.d. demand (Clark & Scarf 1960); this module finds the best levels
 * for any beer-game-v1 config by simulation: every candidate is scored on the same demand paths
 * (common random numbers: the world's demand stream does not depend on the orders), and a local
 * search over integer levels moves to the best of all 3^4 − 1 neighbours until none improves, so
 * the result is a local optimum of the simulated cost over its whole ±1 neighbourhood.
 */
import { VecEngine, type EngineSnapshot } from '../../src/core/engine.js';
import type { World } from '../../src/core/world.js';
import { isStochastic, meanDemand } from './demand.js';
import { BEER_V1, createBeerGame, type BeerVersion } from './beer-game.js';
import { NUM_STAGES, beerGameParamsSchema, stageConfig, type BeerGameParams } from './params.js';

/** Options of the search. */
export interface BaseStockSearchOptions {
  /** Episodes (world copies) each candidate is scored on; default 256 for stochastic demand, 1 otherwise. */
  readonly episodes?: number;
  /** Seed of the demand paths. */
  readonly seed?: number;
  /** Starting levels; default mean demand × (order + shipping lead time) per stage. */
  readonly start?: readonly number[];
  /** Cap on candidate evaluations. */
  readonly maxEvaluations?: number;
  /** The world version whose inventory position the levels are read against; default beer-game-v1. */
  readonly version?: BeerVersion;
}

/** What the search found. */
export interface BaseStockSearchResult {
  /** Installation base-stock level per stage (retailer first), in units. */
  readonly levels: number[];
  /** Mean team cost per episode at those levels. */
  readonly cost: number;
  /** Candidates scored. */
  readonly evaluations: number;
}

/** Scores base-stock levels on fixed demand paths. */
export class BaseStockEvaluator {
  readonly world: World;
  readonly episodes: number;
  private readonly engine: VecEngine;
  private readonly start: EngineSnapshot<object>[];
  private readonly decision = new Float64Array(1);
  private readonly ipSlot = 3;

  constructor(params: BeerGameParams, episodes: number, seed: number, version: BeerVersion = BEER_V1) {
    this.world = createBeerGame(params, version);
    this.episodes = episodes;
    this.engine = new VecEngine(this.world, { numEnvs: episodes, seed });
    this.engine.reset();
    // Every candidate restarts from these snapshots: the same first states and demand streams.
    this.start = Array.from({ length: episodes }, (_, b) => this.engine.snapshot(b));
  }

  /** Mean team cost per episode of base-stock `levels` (same demand paths on every call). */
  cost(levels: readonly number[]): number {
    const { world, engine, decision } = this;
    for (let b = 0; b < this.episodes; b++) engine.restore(b, this.start[b]!);
    const scale = world.observationScales![0]![this.ipSlot]!;
    const obsSize = world.observationSpaces[0]!.size;
    let total = 0;
    for (let t = 0; t < world.episodeLength; t++) {
      for (let i = 0; i < NUM_STAGES; i++) {
        const obs = engine.obs[i]!;
        const actions = engine.actions[i]!;
        for (let b = 0; b < this.episodes; b++) {
          const q = levels[i]! - obs[b * obsSize + this.ipSlot]! * scale;
          decision[0] = q > 0 ? q : 0;
          world.encodeAction!(i, decision, actions, b);
        }
      }
      engine.step();
      for (let b = 0; b < this.episodes; b++) total += engine.kpis[b * world.kpis.length]!;
    }
    return total / this.episodes;
  }
}

/** Search the best base-stock levels for a beer-game config (raw params, defaults applied here). */
export function searchBaseStock(rawParams: Record<string, unknown>, opts: BaseStockSearchOptions = {}): BaseStockSearchResult {
  const params = beerGameParamsSchema().parse(rawParams);
  const episodes = opts.episodes ?? (isStochastic(params.demand) ? 256 : 1);
  const evaluator = new BaseStockEvaluator(params, episodes, opts.seed ?? 0, opts.version);
  const cfg = stageConfig(params);
  const d = meanDemand(params.demand);
  const unit = params.orderUnit;
  const maxEvals = opts.maxEvaluations ?? 20_000;
  const cache = new Map<string, number>();
  let evaluations = 0;
  const score = (levels: readonly number[]): number => {
    const key = levels.join(',');
    let c = cache.get(key);
    if (c === undefined) {
      c = evaluator.cost(levels.map((l) => l * unit));
      cache.set(key, c);
      evaluations++;
    }
    return c;
  };
  // Levels are searched in order units so every candidate is reachable by the action encoding.
  let best = opts.start
    ? opts.start.map((l) => Math.max(0, Math.round(l / unit)))
    : Array.from({ length: NUM_STAGES }, (_, i) => Math.max(0, Math.round((d * (cfg.orderLead[i]! + cfg.shipLead[i]!)) / unit)));
  let bestCost = score(best);
  // Coarse coordinate moves first (cheap, long strides), then the full ±1 neighbourhood.
  for (let stride = 8; stride >= 1; stride >>= 1) {
    let improved = true;
    while (improved && evaluations < maxEvals) {
      improved = false;
      for (let i = 0; i < NUM_STAGES; i++)
        for (const dir of [-1, 1]) {
          const cand = best.slice();
          cand[i] = Math.max(0, cand[i]! + dir * stride);
          const c = score(cand);
          if (c < bestCost) ((best = cand), (bestCost = c), (improved = true));
        }
    }
  }
  for (;;) {
    let next: number[] | undefined;
    let nextCost = bestCost;
    for (const delta of neighbourhood()) {
      const cand = best.map((l, i) => l + delta[i]!);
      if (cand.some((l) => l < 0)) continue;
      const c = score(cand);
      if (c < nextCost) ((next = cand), (nextCost = c));
    }
    if (!next || evaluations >= maxEvals) break;
    best = next;
    bestCost = nextCost;
  }
  return { levels: best.map((l) => l * unit), cost: bestCost, evaluations };
}

/** Every offset in {−1, 0, 1}^4 except zero. */
export function neighbourhood(): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < 81; k++) {
    const delta = [0, 1, 2, 3].map((i) => (Math.floor(k / 3 ** i) % 3) - 1);
    if (delta.some((x) => x !== 0)) out.push(delta);
  }
  return out;
}
