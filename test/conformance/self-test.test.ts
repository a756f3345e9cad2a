/**
 * The conformance suite must catch broken worlds: each check is run on a world with exactly the
 * bug it exists to find, and must throw; on the intact world it must pass.
 */
import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
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
    // coordination-v1 has no decisions to encode; the batch-encoding check gets its own world below.
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
        encodeActions: (_a, d, stride, out, rows) => {
          for (let b = 0; b < rows; b++) out[b] = Math.min(40, Math.max(0, Math.floor(d[b * stride]!))) || 0;
        },
      } as World;
    };
    expect(() => checks.batchEncoding(truncating)).toThrow(/encodeActions wrote/);
  });

  it('catches actionLevels that disagree with encodeAction', () => {
    const spec = worlds.get('beer-game-v1');
    const beer = (): World => spec.create(spec.paramsSchema.parse({ maxOrder: 16 }) as Record<string, unknown>);
    expect(() => checks.actionLevels(beer)).not.toThrow();
    const declare = (levels: { unit: number; maxLevel: number }) => (): World => ({ ...beer(), actionLevels: beer().agents.map(() => levels) }) as World;
    expect(() => checks.actionLevels(declare({ unit: 1, maxLevel: 16 }))).not.toThrow();
    expect(() => checks.actionLevels(declare({ unit: 2, maxLevel: 16 }))).toThrow(/encodeAction wrote/);
    expect(() => checks.actionLevels(declare({ unit: 1, maxLevel: 15 }))).toThrow(/discrete\(maxLevel \+ 1\)/);
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
