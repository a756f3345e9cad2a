/**
 * retrainQ (envs/market/retrain.ts), written for V8 (sfc32 words in locals, a duopoly shortcut for
 * the joint action, memory 1's next state taken as the joint action), against a plain reference:
 * the same Q-learning against frozen rivals through the library's own helpers (nextRandom,
 * encodeJoint, nextState, the tabular-q exploration schedule). Same strategy, same periods, on the
 * baseline duopoly (memory 1), a memory-2 duopoly and three firms, for every firm.
 */
import { describe, expect, it } from 'vitest';
import { type MarketGame, encodeJoint, nextState } from '../../envs/market/game.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { RETRAIN_DEFAULTS, retrainQ, type RetrainOptions } from '../../envs/market/retrain.js';
import { deriveSeedWords, nextUint32 } from '../../src/core/rng.js';
import { explorationFactors, explorationRate } from '../../src/learn/tabular-q-schedule.js';

/** The retraining as the module header describes it, one step at a time. */
function reference(game: MarketGame, greedy: readonly Int32Array[], firm: number, q0: Float64Array | null, starts: readonly number[], o: RetrainOptions) {
  const { m, n, numStates: S } = game;
  const Q = q0 ? q0.slice() : new Float64Array(S * m);
  const argmax = (s: number): number => {
    let b = 0;
    for (let a = 1; a < m; a++) if (Q[s * m + a]! > Q[s * m + b]!) b = a;
    return b;
  };
  const G = Int32Array.from({ length: S }, (_, s) => argmax(s));
  const rng = o.rng.slice();
  const factors = explorationFactors(o.explorationDecay);
  let s = starts[0]!;
  let unchanged = 0;
  let t = 0;
  for (; t < o.maxPeriods; t++) {
    const eps = explorationRate(o.explorationDecay, t, factors);
    const a = nextUint32(rng) * 2.3283064365386963e-10 < eps ? Math.floor(nextUint32(rng) * 2.3283064365386963e-10 * m) : G[s]!;
    const j = encodeJoint(
      Array.from({ length: n }, (_, i) => (i === firm ? a : greedy[i]![s]!)),
      m,
    );
    const s2 = nextState(game, s, j);
    const target = game.expectedProfit[j * n + firm]! + o.discount * Q[s2 * m + G[s2]!]!;
    Q[s * m + a] = Q[s * m + a]! + o.learningRate * (target - Q[s * m + a]!);
    const before = G[s]!;
    // Lowest index wins ties, as tabular-q.
    G[s] = argmax(s);
    unchanged = G[s] !== before || eps > 1e-3 ? 0 : unchanged + 1;
    s = (t + 1) % o.restartEvery === 0 ? starts[((t + 1) / o.restartEvery) % starts.length]! : s2;
    if (unchanged >= o.convergenceWindow) return { strategy: G, periods: t + 1, converged: true };
  }
  return { strategy: G, periods: t, converged: false };
}

const cases: [string, Record<string, unknown>][] = [
  ['baseline duopoly, memory 1', { priceGridSize: 5 }],
  ['duopoly, memory 2', { priceGridSize: 3, memory: 2 }],
  ['three firms', { nFirms: 3, priceGridSize: 3 }],
];

describe('retrainQ against a plain reference', () => {
  for (const [name, params] of cases)
    it(name, () => {
      const game = createMarketWorld(params).game;
      const S = game.numStates;
      // Frozen rivals with an arbitrary (but fixed) strategy each, and a learned-looking Q table.
      const greedy = Array.from({ length: game.n }, (_, i) => Int32Array.from({ length: S }, (_, s) => (s * 7 + i * 3) % game.m));
      const q0 = Float64Array.from({ length: S * game.m }, (_, c) => ((c * 37) % 101) / 300);
      for (let firm = 0; firm < game.n; firm++) {
        const o: RetrainOptions = {
          ...RETRAIN_DEFAULTS,
          discount: 0.95,
          explorationDecay: 2e-4,
          convergenceWindow: 2_000,
          maxPeriods: 60_000,
          restartEvery: 50,
          rng: deriveSeedWords(11, 'retrain-ref', `firm${firm}`),
        };
        const starts = [0, S - 1, Math.floor(S / 2)];
        const fast = retrainQ(game, greedy, firm, q0, starts, o);
        const ref = reference(game, greedy, firm, q0, starts, o);
        expect(fast.periods).toBe(ref.periods);
        expect(fast.converged).toBe(ref.converged);
        expect(Array.from(fast.strategy)).toEqual(Array.from(ref.strategy));
      }
    });
});
