/**
 * The conformance suite must catch broken worlds: each check is run on a world with exactly the
 * bug it exists to find, and must throw; on the intact world it must pass.
 */
import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { coordinationSchema } from '../../src/coordination/schema.js';
import { coordinatedSpec } from '../../src/coordination/wrap.js';
import { nextFloat } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';
import { checks, conformanceSuite } from './world-conformance.js';

type S = { rng: Uint32Array; t: Int32Array; target: Int32Array };

function base(): World<S> {
  const spec = worlds.get('coordination-v1');
  return spec.create(spec.paramsSchema.parse({ episodeLength: 10 }) as Record<string, unknown>) as unknown as World<S>;
}

describe('conformance self-test', () => {
  it('passes the intact world', () => {
    // coordination-v1 declares no capability group (each group's checks then pass trivially, and get
    // a world that has the group below); batch encoding needs one to compare.
    for (const [name, check] of Object.entries(checks)) if (name !== 'batchEncoding') expect(() => check(base as () => World, 30)).not.toThrow();
  });

  it('catches a batched action encoder that disagrees with the per-row one', () => {
    const spec = worlds.get('beer-game-v1');
    const beer = (): World => spec.create(spec.paramsSchema.parse({}) as Record<string, unknown>);
    expect(() => checks.batchEncoding(beer)).not.toThrow();
    const truncating = (): World => {
      const w = beer();
      // Floors instead of rounding: right for most values, wrong from x.5 up.
      return {
        ...w,
        decisions: {
          ...w.decisions!,
          encodeActions: (_a: number, d: Float64Array, stride: number, out: Float64Array, rows: number) => {
            for (let b = 0; b < rows; b++) out[b] = Math.min(40, Math.max(0, Math.floor(d[b * stride]!))) || 0;
          },
        },
      };
    };
    expect(() => checks.batchEncoding(truncating)).toThrow(/encodeActions wrote/);
  });

  it('catches an encoder that writes outside the action space', () => {
    const spec = worlds.get('beer-game-v1');
    const beer = (): World => spec.create(spec.paramsSchema.parse({ maxOrder: 16 }) as Record<string, unknown>);
    expect(() => checks.decisions(beer)).not.toThrow();
    const unclamped = (): World => {
      const w = beer();
      return {
        ...w,
        decisions: { ...w.decisions!, encodeAction: (_a: number, d: Float64Array, out: Float64Array, o: number) => void (out[o] = Math.round(d[0]! || 0)) },
      };
    };
    expect(() => checks.decisions(unclamped)).toThrow(/outside Discrete/);
  });

  it('catches actionValues that disagree with the action space or encodeAction', () => {
    const spec = worlds.get('beer-game-v1');
    const beer = (): World => spec.create(spec.paramsSchema.parse({ maxOrder: 16 }) as Record<string, unknown>);
    expect(() => checks.actionValues(beer)).not.toThrow();
    const levels =
      (l: { unit: number; maxLevel: number }, values = Float64Array.from({ length: l.maxLevel + 1 }, (_, k) => k * l.unit)) =>
      (): World => {
        const w = beer();
        return { ...w, actionValues: { quantity: 'orderQuantity', byAgent: w.agents.map(() => values), levels: w.agents.map(() => l) } };
      };
    expect(() => checks.actionValues(levels({ unit: 1, maxLevel: 16 }))).not.toThrow();
    expect(() => checks.actionValues(levels({ unit: 2, maxLevel: 16 }))).toThrow(/encodeAction\(2\) \(the value of action 1\) wrote 2/);
    expect(() => checks.actionValues(levels({ unit: 1, maxLevel: 15 }))).toThrow(/16 action values for Discrete\(17\)/);
    expect(() =>
      checks.actionValues(
        levels(
          { unit: 1, maxLevel: 16 },
          Float64Array.from({ length: 17 }, (_, k) => (k === 3 ? 3.4 : k)),
        ),
      ),
    ).toThrow(/action 3 stands for 3.4, levels give 3/);
  });

  it('catches a batched kernel that disagrees with the per-copy one', () => {
    const spec = worlds.get('beer-game-v1');
    const beer = (): World => spec.create(spec.paramsSchema.parse({ episodeLength: 12 }) as Record<string, unknown>);
    expect(() => checks.batch(beer, 30)).not.toThrow();
    const skewed = (): World => {
      const w = beer();
      const b = w.batch!;
      return {
        ...w,
        batch: {
          ...b,
          stepBatch: (states, actions, nexts, out, count) => {
            const ok = b.stepBatch(states, actions, nexts, out, count);
            out.kpis[0] = out.kpis[0]! + 1;
            return ok;
          },
        },
      };
    };
    expect(() => checks.batch(skewed, 30)).toThrow(/different trajectory/);
  });

  it('catches proposal slots that show a later agent or lie outside the observation', () => {
    const spec = coordinatedSpec(worlds.get('matrix-game-v1'), coordinationSchema().parse({ supervisors: [{ worker: 'col' }] }));
    const supervised = (): World => spec.create(spec.paramsSchema.parse({}) as Record<string, unknown>);
    expect(supervised().proposals).toEqual([null, null, { from: 1, offset: expect.any(Number) }]);
    expect(() => checks.proposals(supervised)).not.toThrow();
    const slots = (slot: { from: number; offset: number }) => (): World => ({ ...supervised(), proposals: [null, null, slot] });
    expect(() => checks.proposals(slots({ from: 2, offset: 0 }))).toThrow(/does not act before it/);
    expect(() => checks.proposals(slots({ from: 1, offset: 1e3 }))).toThrow(/outside its observation/);
  });

  it('catches stage-game payoffs that do not match the action space', () => {
    const spec = worlds.get('market-v1');
    const market = (): World => spec.create(spec.paramsSchema.parse({ priceGridSize: 5 }) as Record<string, unknown>);
    expect(() => checks.repeatedGame(market)).not.toThrow();
    const short = (): World => ({ ...market(), repeatedGame: { payoffVsUniformRivals: () => new Float64Array(4) } });
    expect(() => checks.repeatedGame(short)).toThrow(/4 payoffs for Discrete\(5\)/);
    const nan = (): World => ({ ...market(), repeatedGame: { payoffVsUniformRivals: () => new Float64Array(5).fill(NaN) } });
    expect(() => checks.repeatedGame(nan)).toThrow(/not finite/);
  });

  it('catches a step that mutates its input state', () => {
    const make = (): World => {
      const w = base();
      return { ...w, step: (s, a, n, o) => (w.step(s as S, a, n as S, o), ((s as S).t[0] = 99)) } as World;
    };
    expect(() => checks.noMutation(make, 30)).toThrow(/changed its input state/);
  });

  it('catches an observation outside its space', () => {
    const make = (): World => {
      const w = base();
      return { ...w, step: (s, a, n, o) => (w.step(s as S, a, n as S, o), (o.obs[0]![0] = 2)) } as World;
    };
    expect(() => checks.spaces(make, 30)).toThrow(/outside Box/);
  });

  it('catches hidden shared randomness (non-determinism) and ignored seeds', () => {
    const hidden = new Uint32Array([1, 2, 3, 4]);
    const nondeterministic = (): World => {
      const w = base();
      return { ...w, step: (s, a, n, o) => (w.step(s as S, a, n as S, o), (o.rewards[0]![0] = nextFloat(hidden))) } as World;
    };
    expect(() => checks.determinism(nondeterministic, 30)).toThrow(/differ/);
    const seedless = (): World => {
      const w = base();
      return { ...w, reset: (s, _seed, o) => w.reset(s as S, new Uint32Array([9, 9, 9, 9]), o) } as World;
    };
    expect(() => checks.seedDivergence(seedless, 30)).toThrow(/identical/);
  });

  it('catches a copyState that forgets a field', () => {
    const make = (): World => {
      const w = base();
      return { ...w, copyState: (src: S, dst: S) => (dst.t.set(src.t), dst.target.set(src.target)) } as unknown as World;
    };
    expect(() => checks.snapshot(make, 30)).toThrow(/differs/);
  });
});

// A world that opts out of a check: the suite runs the rest and, in place of the skipped check, a
// test that the opt-out gives a reason (the path no registered world takes today).
conformanceSuite({
  ...worlds.get('coordination-v1'),
  id: 'coordination-v1',
  conformanceSkips: [{ check: 'seed-divergence', reason: 'self-test: this declaration exercises the opt-out path of the suite' }],
});
