/**
 * tacit's side of the Calvano comparison: the fused learning loop (envs/market/fast-session.ts) on
 * the baseline market (market-v1 defaults, two tabular-q firms with the paper's α, β, δ), and the
 * game file its Python peer (calvano_ref.py) reads, so both learn the same profit table from the
 * same initial Q rows. A session here is a fresh pair of Q tables run for `periods` periods without
 * the convergence stop (short sessions: mostly the exploring phase, where most updates happen).
 */
import { writeFileSync } from 'node:fs';
import { FusedMarketSession, type FastLearner } from '../../envs/market/fast-session.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { initialQRow, tabularQPolicy } from '../../policies/tabular-q.js';
import { sessionStreams } from '../../envs/market/streams.js';

/** The baseline game and learners, built once. */
export function calvanoSetup(): { run(seed: number, periods: number): number; writeGame(path: string): void } {
  const world = createMarketWorld({});
  const learner = tabularQPolicy.paramsSchema.parse({ convergenceWindow: 2_000_000_000 });
  const rows = [0, 1].map((i) => initialQRow(world, i, world.game.m, learner));
  const learners = (seed: number): FastLearner[] => {
    const streams = sessionStreams(seed, 2);
    return [0, 1].map((i) => ({ ...learner, initialRow: rows[i]!, rng: streams.agentRng[i]! }));
  };
  const game = world.game;
  if (game.n !== 2 || game.memory !== 1 || game.levels !== 1) throw new Error('calvano bench: expects the baseline duopoly, memory 1, no demand shocks');
  return {
    /** One fresh session of `periods` periods; returns the final state number (keeps the work observable). */
    run(seed, periods) {
      const k = new FusedMarketSession({ game, learners: learners(seed), worldSeed: sessionStreams(seed, 2).worldSeed, maxPeriods: periods });
      k.advance(periods, false);
      return k.s;
    },
    writeGame(path) {
      const profit = Array.from(game.profit.subarray(0, game.numJoint * 2));
      const { learningRate: alpha, discount: delta, explorationDecay: beta } = learner;
      writeFileSync(path, JSON.stringify({ m: game.m, alpha, delta, beta, profit, initialRow: rows.map((r) => Array.from(r)) }));
    },
  };
}
