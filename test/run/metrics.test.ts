/**
 * The metrics ledger's fast sweep (no copy reset this step) against its per-copy path, fed the same
 * engine steps: the same window rows up to the last bits of the sums (they add in another order).
 */
import { describe, expect, it } from 'vitest';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { VecEngine } from '../../src/core/engine.js';
import { Rng } from '../../src/core/rng.js';
import { sampleInto } from '../../src/core/spaces.js';
import { MetricsAccumulator } from '../../src/run/metrics.js';

describe('MetricsAccumulator', () => {
  it('sums a step the same through the fast sweep and the per-copy path', () => {
    const world = beerGame.create(beerGame.paramsSchema.parse({ demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 12 }));
    const numEnvs = 7;
    const engine = new VecEngine(world, { numEnvs, seed: 5 });
    const fast = new MetricsAccumulator(world, numEnvs);
    const slow = new MetricsAccumulator(world, numEnvs);
    const shaped = world.agents.map(() => new Float64Array(numEnvs));
    const rng = Rng.from(5, 'metrics-test');
    engine.reset();
    const rows: [Record<string, unknown>, Record<string, unknown>][] = [];
    for (let t = 1; t <= 60; t++) {
      world.actionSpaces.forEach((s, i) => {
        for (let b = 0; b < numEnvs; b++) sampleInto(s, rng.state, engine.actions[i]!, b);
      });
      engine.step((e) => {
        shaped.forEach((sh, i) => sh.forEach((_, b) => (sh[b] = e.rewards[i]![2 * b]! + 0.5 * e.rewards[i]![2 * b + 1]!)));
        fast.addStep(e, shaped);
        (slow as unknown as { addSkippingResets(e: VecEngine, s: Float64Array[]): void }).addSkippingResets(e, shaped);
      });
      if (t % 10 === 0) rows.push([fast.flush(t), slow.flush(t)]);
    }
    expect(rows.length).toBe(6);
    for (const [a, b] of rows) {
      expect(Object.keys(a)).toEqual(Object.keys(b));
      for (const key of Object.keys(a)) {
        const x = a[key] as number;
        const y = b[key] as number;
        if (typeof x !== 'number') expect(x).toEqual(y);
        else expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(y)));
      }
    }
    // Episodes ended in the run (12-period episodes over 60 steps), so returns were counted too.
    expect(fast.totals().episodes).toBe(slow.totals().episodes);
    expect(fast.totals().episodes).toBe(5 * numEnvs);
  });
});
