/**
 * The fused market kernel against the reference path (VecEngine + market-v1 + tabular-q through
 * the Policy contract): same seed, same streams → the same joint actions every period, the same Q
 * tables bit for bit, the same stopping period. Also proves which path and loop actually ran.
 */
import { describe, expect, it } from 'vitest';
import { FusedMarketSession, runFastSession, type WindowSums } from '../../envs/market/fast-session.js';
import { createMarketWorld } from '../../envs/market/market.js';
import { initialQRow, tabularQPolicy, type TabularQParams } from '../../policies/tabular-q.js';
import { runReferenceSession } from '../../envs/market/calvano/reference-session.js';
import { resolveSessionSpec, runCalvanoSession } from '../../envs/market/calvano/session.js';
import { sessionStreams } from '../../envs/market/streams.js';

interface Case {
  readonly name: string;
  readonly env: Record<string, unknown>;
  readonly learners: Record<string, unknown>[];
  readonly periods: number;
}

const cases: Case[] = [
  { name: 'paper baseline (exploring phase)', env: {}, learners: [{}, {}], periods: 3000 },
  { name: 'baseline, fast decay (greedy phase, rescans)', env: {}, learners: [{ explorationDecay: 2e-3 }, { explorationDecay: 2e-3 }], periods: 6000 },
  {
    name: 'memory 2, demand shocks, asymmetric firms and learners',
    env: { priceGridSize: 5, memory: 2, demandShock: 0.3, cost: [1, 1.1], a: [2, 2.1] },
    learners: [
      { explorationDecay: 1e-3, learningRate: 0.2 },
      { explorationDecay: 2e-3, discount: 0.9 },
    ],
    periods: 6000,
  },
  {
    name: 'memory 0 (memoryless, one state)',
    env: { priceGridSize: 7, memory: 0 },
    learners: [{ explorationDecay: 1e-3 }, { explorationDecay: 2e-3 }],
    periods: 5000,
  },
  {
    name: 'three firms',
    env: { nFirms: 3, priceGridSize: 4 },
    learners: [{ explorationDecay: 1e-3 }, { explorationDecay: 1e-3 }, { explorationDecay: 1e-3, qInit: 'zero' }],
    periods: 5000,
  },
];

function runBoth(c: Case, seed: number, loop: 'auto' | 'general', window?: number) {
  const world = createMarketWorld(c.env);
  const learners: TabularQParams[] = c.learners.map((l) => tabularQPolicy.paramsSchema.parse({ ...l, ...(window ? { convergenceWindow: window } : {}) }));
  const streams = sessionStreams(seed, world.game.n);
  const fastTrace = new Int32Array(c.periods);
  const refTrace = new Int32Array(c.periods);
  const fast = runFastSession({
    game: world.game,
    learners: learners.map((l, i) => ({ ...l, initialRow: initialQRow(world, i, world.game.m, l), rng: streams.agentRng[i]! })),
    worldSeed: streams.worldSeed,
    maxPeriods: c.periods,
    trace: fastTrace,
    loop,
  });
  const ref = runReferenceSession({ world, learners, engineSeed: seed, agentRng: streams.agentRng, maxPeriods: c.periods, trace: refTrace });
  return { fast, ref, fastTrace, refTrace };
}

describe('fused market kernel = reference path', () => {
  for (const c of cases) {
    for (const loop of ['auto', 'general'] as const) {
      if (loop === 'general' && c.learners.length !== 2) continue;
      it(`${c.name} (${loop} loop)`, () => {
        const { fast, ref, fastTrace, refTrace } = runBoth(c, 7, loop);
        expect(fast.path).toBe('fast');
        expect(fast.loop).toBe(loop === 'auto' && c.learners.length === 2 ? 'duopoly' : 'general');
        expect(ref.path).toBe('reference');
        expect(fast.periods).toBe(c.periods);
        expect(ref.periods).toBe(c.periods);
        // Several distinct joint actions were played (the comparison is not vacuous).
        expect(new Set(fastTrace).size).toBeGreaterThan(3);
        expect(Array.from(fastTrace)).toEqual(Array.from(refTrace));
        expect(fast.finalState).toBe(ref.finalState);
        fast.q.forEach((q, i) => expect(Array.from(q)).toEqual(Array.from(ref.policies[i]!.q)));
        fast.greedy.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(ref.policies[i]!.greedyActions())));
      });
    }
  }

  it('stops at the same period when both converge', () => {
    const c = { ...cases[1]!, learners: [{ explorationDecay: 5e-3 }, { explorationDecay: 5e-3 }], periods: 50_000 };
    const { fast, ref } = runBoth(c, 3, 'auto', 300);
    expect(fast.converged).toBe(true);
    expect(ref.converged).toBe(true);
    expect(fast.periods).toBeLessThan(50_000);
    expect(fast.periods).toBe(ref.periods);
    expect(fast.lastChange).toBe(ref.periods - Math.min(...ref.policies.map((p) => p.periodsUnchanged)));
  });

  it('a session takes the fast path by default and reaches the same outcome as the reference path', () => {
    const spec = resolveSessionSpec({ env: { priceGridSize: 6 }, learner: { explorationDecay: 1e-3, convergenceWindow: 2000 }, maxPeriods: 200_000 });
    const fast = runCalvanoSession(spec, 11);
    const ref = runCalvanoSession(spec, 11, 'reference');
    expect(fast.path).toBe('fast');
    expect(ref.path).toBe('reference');
    expect(fast.converged).toBe(true);
    expect(fast.periods).toBe(ref.periods);
    expect(fast.periodsToConvergence).toBe(ref.periodsToConvergence);
    expect(fast.outcome).toEqual(ref.outcome);
  });

  it('the duopoly kernel (WebAssembly) and the n-firm loop agree bit for bit over a long exploring phase, advanced in uneven chunks', () => {
    const bytes = (a: Float64Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (const env of [{}, { priceGridSize: 5, memory: 2, demandShock: 0.3 }]) {
      const world = createMarketWorld(env);
      const params = [0, 1].map(() => tabularQPolicy.paramsSchema.parse({ explorationDecay: 2e-5, convergenceWindow: 5000 }));
      // Firm 0 starts with its top price a hair ahead of prices 1 and 2, tied: a state's first drop
      // of the top price's value rescans the row and meets the tie, which the lowest index must win.
      const m = world.game.m;
      const row = initialQRow(world, 0, m, params[0]!);
      const top = Math.max(...row);
      const tied = row.map((q, a) => (a === m - 1 ? top + 1e-9 : a === 1 || a === 2 ? top : q));
      const streams = sessionStreams(5, 2);
      const kernel = (loop: 'auto' | 'general') =>
        new FusedMarketSession({
          game: world.game,
          learners: params.map((l, i) => ({ ...l, initialRow: i === 0 ? tied : initialQRow(world, i, m, l), rng: streams.agentRng[i]! })),
          worldSeed: streams.worldSeed,
          maxPeriods: 300_000,
          loop,
        });
      const wasm = kernel('auto');
      const js = kernel('general');
      expect([wasm.loop, js.loop]).toEqual(['duopoly', 'general']);
      const sums = (): WindowSums => ({ profit: new Float64Array(2), action: new Float64Array(2), kpi: new Float64Array(4) });
      const [sw, sj] = [sums(), sums()];
      // Chunks that end mid-block, on a block boundary and across several blocks.
      for (let t = 0; t < 300_000;) {
        t = Math.min(300_000, t + [777, 1024, 5000, 1][t % 4]!);
        expect(wasm.advance(t, false, sw)).toBe(false);
        js.advance(t, false, sj);
      }
      for (const [a, b] of [
        [sw.profit, sj.profit],
        [sw.action, sj.action],
        [sw.kpi, sj.kpi],
        ...[0, 1].flatMap((i) => [
          [wasm.Q[i]!, js.Q[i]!],
          [wasm.maxQ[i]!, js.maxQ[i]!],
          [wasm.greedy[i]!, js.greedy[i]!],
        ]),
      ] as [Float64Array | Int32Array, Float64Array | Int32Array][])
        expect(bytes(a)).toEqual(bytes(b));
      expect(Array.from(wasm.rng)).toEqual(Array.from(js.rng));
      expect(Array.from(wasm.worldRng)).toEqual(Array.from(js.worldRng));
      expect([wasm.t, wasm.s, wasm.lastChange, ...wasm.unchanged]).toEqual([js.t, js.s, js.lastChange, ...js.unchanged]);
      // Not vacuous: greedy strategies changed often, and late.
      expect(wasm.lastChange).toBeGreaterThan(100_000);
      // Then both run on to convergence and stop at the same period.
      expect(wasm.advance(2_000_000, true)).toBe(true);
      expect(js.advance(2_000_000, true)).toBe(true);
      expect([wasm.t, wasm.s, wasm.lastChange]).toEqual([js.t, js.s, js.lastChange]);
      expect(bytes(wasm.Q[1]!)).toEqual(bytes(js.Q[1]!));
    }
  });
});
