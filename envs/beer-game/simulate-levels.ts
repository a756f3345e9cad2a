/**
 * Long-run cost of installation base-stock levels in the beer-game world itself: one long episode
 * per copy, every stage ordering up to its level from its installation inventory position (obs
 * slot `inventoryPosition`), the first `warmup` periods dropped. Used to check the exact optimum
 * (optimum.ts) against the world's own dynamics and accounting.
 */
import { VecEngine } from '../../src/core/engine.js';
import { createBeerGame, type BeerVersion } from './beer-game.js';
import { NUM_STAGES, type BeerGameParams } from './params.js';

/** Result of a simulation. */
export interface LevelsSimulation {
  /** Mean team cost per period after the warm-up, over all copies. */
  readonly costPerPeriod: number;
  /** Standard error of that mean (from the copies' means: independent streams). */
  readonly standardError: number;
  /** Periods averaged per copy. */
  readonly periods: number;
}

/** Simulate `levels` (installation, units) for `periods` periods after `warmup`, on `copies` independent demand streams. */
export function simulateLevels(
  params: BeerGameParams,
  levels: readonly number[],
  opts: { periods: number; warmup: number; copies: number; seed: number; version?: BeerVersion },
): LevelsSimulation {
  const horizon = opts.periods + opts.warmup;
  const world = createBeerGame({ ...params, episodeLength: horizon }, opts.version);
  const engine = new VecEngine(world, { numEnvs: opts.copies, seed: opts.seed });
  engine.reset();
  const obsSize = world.observationSpaces[0]!.size;
  const ip = 3;
  const decisions = world.decisions!;
  const scale = decisions.observationScales[0]![ip]!;
  const nK = world.kpis.length;
  const decision = new Float64Array(1);
  const sums = new Float64Array(opts.copies);
  for (let t = 0; t < horizon; t++) {
    for (let i = 0; i < NUM_STAGES; i++) {
      const obs = engine.obs[i]!;
      const actions = engine.actions[i]!;
      for (let b = 0; b < opts.copies; b++) {
        const q = levels[i]! - obs[b * obsSize + ip]! * scale;
        decision[0] = q > 0 ? Math.round(q) : 0;
        decisions.encodeAction(i, decision, actions, b);
      }
    }
    engine.step();
    if (t >= opts.warmup) for (let b = 0; b < opts.copies; b++) sums[b]! += engine.kpis[b * nK]!;
  }
  const means = Array.from(sums, (s) => s / opts.periods);
  const mean = means.reduce((a, b) => a + b, 0) / means.length;
  const variance = means.reduce((a, m) => a + (m - mean) ** 2, 0) / Math.max(1, means.length - 1);
  return { costPerPeriod: mean, standardError: Math.sqrt(variance / means.length), periods: opts.periods };
}
