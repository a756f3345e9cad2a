import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { VecEngine } from '../../src/core/engine.js';
import { ConfigError } from '../../src/core/errors.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import { Rng } from '../../src/core/rng.js';
import { sampleInto } from '../../src/core/spaces.js';
import { allocStepOut, type World } from '../../src/core/world.js';
import { baseStockPolicy } from '../../policies/base-stock.js';
import { rewardSchemes } from '../../src/rewards/index.js';
import type { RewardScheme } from '../../src/rewards/scheme.js';
import { CHAIN_STATES, chainWorld, type ChainState } from './chain-mdp.js';

function world(id: string, params: Record<string, unknown> = {}): World {
  const spec = worlds.get(id);
  return spec.create(spec.paramsSchema.parse(params) as Record<string, unknown>);
}

function scheme(w: World, agent: number, id: string, params: Record<string, unknown>, numEnvs: number): RewardScheme {
  const spec = rewardSchemes.get(id);
  return spec.create({ world: w, agent: w.agents[agent]!, numEnvs, rng: Rng.from(0, 'scheme') }, spec.paramsSchema.parse(params) as Record<string, unknown>);
}

/** Step `w` with random actions; after each step, call `each` with the engine. */
function drive(w: World, numEnvs: number, steps: number, each: (e: VecEngine) => void, before?: (e: VecEngine) => void): void {
  const engine = new VecEngine(w, { numEnvs, seed: 3 });
  const rng = Rng.from(3, 'actions');
  engine.reset();
  for (let t = 0; t < steps; t++) {
    w.actionSpaces.forEach((s, i) => {
      for (let b = 0; b < numEnvs; b++) sampleInto(s, rng.state, engine.actions[i]!, b * s.size);
    });
    before?.(engine);
    engine.step(each);
  }
}

describe('reward schemes', () => {
  it('team gives every agent the same reward; mixed with w = 1 is local and w = 0 is team', () => {
    const w = world('coordination-v1', { missPenalty: 0.5 });
    const n = 4;
    const out = Array.from({ length: 6 }, () => new Float64Array(n));
    const s = [
      scheme(w, 0, 'team', {}, n),
      scheme(w, 1, 'team', {}, n),
      scheme(w, 0, 'local', {}, n),
      scheme(w, 0, 'mixed', { localWeight: 1 }, n),
      scheme(w, 0, 'mixed', { localWeight: 0 }, n),
      scheme(w, 0, 'mixed', { localWeight: 0.25 }, n),
    ];
    let nonTrivial = 0;
    drive(w, n, 200, (e) => {
      s.forEach((sc, k) => sc.compute(e, out[k]!));
      expect(Array.from(out[0]!)).toEqual(Array.from(out[1]!));
      expect(Array.from(out[3]!)).toEqual(Array.from(out[2]!));
      expect(Array.from(out[4]!)).toEqual(Array.from(out[0]!));
      for (let b = 0; b < n; b++) {
        expect(out[5]![b]).toBeCloseTo(0.25 * out[2]![b]! + 0.75 * out[0]![b]!, 12);
        if (out[2]![b] !== out[0]![b]) nonTrivial++;
      }
    });
    // The comparison is only meaningful if local and team rewards actually differ on some steps.
    expect(nonTrivial).toBeGreaterThan(20);
  });

  it('difference reward equals a brute-force recomputation on copies of the world', () => {
    for (const [id, params] of [
      ['matrix-game-v1', { payoffNoise: 0.7 }],
      ['coordination-v1', {}],
    ] as const) {
      const w = world(id, params);
      const n = 3;
      const weights = Object.fromEntries(w.kpis.map((k, j) => [k.name, j + 1.5]));
      const diff = [0, 1].map((i) => scheme(w, i, 'difference', { kpis: weights }, n));
      const out = new Float64Array(n);
      let snaps: ReturnType<VecEngine['snapshot']>[] = [];
      let acts: number[][][] = [];
      let checked = 0;
      drive(
        w,
        n,
        60,
        (e) => {
          for (let i = 0; i < 2; i++) {
            diff[i]!.compute(e, out);
            for (let b = 0; b < n; b++) {
              const env = new ParallelEnv(w);
              env.restore({ state: snaps[b]!.state, live: [...env.possibleAgents], steps: 0 });
              const joint: Record<string, number[]> = {};
              w.agents.forEach((a, j) => (joint[a.id] = acts[b]![j]!));
              joint[w.agents[i]!.id] = [0]; // the world's default action in both worlds
              const cf = env.step(joint);
              const g = w.kpis.reduce((sum, k, j) => sum + weights[k.name]! * e.kpis[b * w.kpis.length + j]!, 0);
              const gcf = w.kpis.reduce((sum, k) => sum + weights[k.name]! * cf.kpis[k.name]!, 0);
              expect(out[b]).toBeCloseTo(g - gcf, 12);
              checked++;
            }
          }
        },
        (e) => {
          snaps = Array.from({ length: n }, (_, b) => e.snapshot(b));
          acts = Array.from({ length: n }, (_, b) => w.actionSpaces.map((s, j) => Array.from(e.actions[j]!.subarray(b * s.size, (b + 1) * s.size))));
        },
      );
      expect(checked).toBe(60 * n * 2);
    }
  });

  it('difference reward with a look-ahead equals a brute-force rollout of both branches under the continuation policies', () => {
    // The beer game: stateful, stochastic demand from the state's own stream, short episodes that end inside the look-ahead.
    const w = world('beer-game-v1', { demand: { kind: 'normal', mean: 8, sd: 3 }, episodeLength: 6, maxOrder: 16 });
    const n = 3;
    const steps = 3;
    const discount = 0.8;
    const level = 20;
    const diff = [0, 2].map((i) =>
      scheme(w, i, 'difference', { lookAhead: { steps, discount, policies: { stage: { type: 'base-stock', params: { level } } } } }, n),
    );
    const weights = Float64Array.from(w.kpis, (k) => w.teamObjective![k.name] ?? 0);
    const G = (kpis: Float64Array): number => kpis.reduce((sum, v, j) => sum + weights[j]! * v, 0);
    const stage = baseStockPolicy.create(
      {
        world: w,
        agent: w.agents[0]!,
        observationSpace: w.observationSpaces[0]!,
        actionSpace: w.actionSpaces[0]!,
        numEnvs: 1,
        rng: Rng.from(0),
        shared: new Map(),
      },
      baseStockPolicy.paramsSchema.parse({ level }),
    );
    /** G_0 + Σ_k discount^k G_k: `first` from `state`, then base-stock for every stage, until `steps` more or the episode's end. */
    const rollout = (state: unknown, first: Float64Array[]): number => {
      let s = w.createState();
      let next = w.createState();
      w.copyState(state as never, s);
      const out = allocStepOut(w);
      let total = 0;
      for (let k = 0; k <= steps; k++) {
        const actions =
          k === 0
            ? first
            : w.agents.map((_, j) => {
                const a = new Float64Array(1);
                stage.act(out.obs[j]!, a, 'greedy');
                return a;
              });
        w.step(s, actions, next, out);
        total += discount ** k * G(out.kpis);
        [s, next] = [next, s];
        if (Array.from(out.truncated).every((x) => x === 1)) break;
      }
      return total;
    };
    const out = new Float64Array(n);
    let snaps: ReturnType<VecEngine['snapshot']>[] = [];
    let acts: Float64Array[][] = [];
    let checked = 0;
    drive(
      w,
      n,
      30,
      (e) => {
        [0, 2].forEach((i, k) => {
          diff[k]!.compute(e, out);
          for (let b = 0; b < n; b++) {
            const cfAction = new Float64Array(1);
            w.defaultAction(i, snaps[b]!.state as never, cfAction);
            const cf = acts[b]!.map((a, j) => (j === i ? cfAction : a));
            expect(out[b]).toBeCloseTo(rollout(snaps[b]!.state, acts[b]!) - rollout(snaps[b]!.state, cf), 9);
            checked++;
          }
        });
      },
      (e) => {
        snaps = Array.from({ length: n }, (_, b) => e.snapshot(b));
        acts = Array.from({ length: n }, (_, b) => w.actionSpaces.map((s, j) => e.actions[j]!.slice(b * s.size, (b + 1) * s.size)));
      },
    );
    expect(checked).toBe(30 * n * 2);
  });

  it('difference reward with a look-ahead under the scripted baselines charges procurement for an over-order a one-step difference pays for', () => {
    const w = world('warehouse-v1');
    const engine = new VecEngine(w, { numEnvs: 1, seed: 4 });
    const baselines = {
      procurement: { type: 'base-stock', params: { supplier: 0 } },
      inventory: { type: 'base-stock', params: { level: 200 } },
      logistics: { type: 'standard-shipping' },
      finance: { type: 'fixed-budget' },
    };
    const rewardFor = (params: Record<string, unknown>): number => {
      engine.reset();
      const order = new Float64Array(1);
      w.decisions!.encodeAction(0, Float64Array.of(800, 1), order, 0); // 800 units from overseas at the deepest discount
      engine.actions[0]![0] = order[0]!;
      for (let j = 1; j < 4; j++) w.defaultAction(j, engine.states[0]!, engine.actions[j]!);
      const s = scheme(w, 0, 'difference', params, 1);
      const out = new Float64Array(1);
      engine.step((e) => s.compute(e, out));
      return out[0]!;
    };
    const oneStep = rewardFor({});
    const ahead = rewardFor({ lookAhead: { steps: 60, policies: baselines } });
    expect(oneStep).toBeGreaterThan(0); // the saving is booked today
    expect(ahead).toBeLessThan(0); // 800 units on top of what base-stock keeps: the later holding and overflow costs outweigh it
  });

  it('potential-based shaping keeps the optimal policy of a small MDP; a non-potential bonus of the same size changes it', () => {
    const w: World = chainWorld();
    const gamma = 0.9;
    const features = { atOne: 2, position: 0.5 };
    // R(s, a) under a scheme, measured by putting the engine in state s and stepping action a.
    const rewardTable = (id: string, params: Record<string, unknown>): number[][] => {
      const sc = scheme(w, 0, id, params, 1);
      const engine = new VecEngine(w, { numEnvs: 1, seed: 0 });
      engine.reset();
      const out = new Float64Array(1);
      return Array.from({ length: CHAIN_STATES }, (_, s) =>
        [0, 1, 2].map((a) => {
          const snap = engine.snapshot(0);
          (snap.state as unknown as ChainState).pos[0] = s;
          engine.restore(0, snap);
          engine.actions[0]![0] = a;
          engine.step((e) => sc.compute(e, out));
          return out[0]!;
        }),
      );
    };
    const next = (s: number, a: number): number => Math.max(0, Math.min(CHAIN_STATES - 1, s + (a === 0 ? -1 : a === 1 ? 1 : 0)));
    const optimalPolicy = (R: number[][]): number[] => {
      const V = new Array<number>(CHAIN_STATES).fill(0);
      const q = (s: number, a: number): number => R[s]![a]! + (next(s, a) === CHAIN_STATES - 1 ? 0 : gamma * V[next(s, a)]!);
      for (let it = 0; it < 500; it++) for (let s = 0; s < CHAIN_STATES - 1; s++) V[s] = Math.max(q(s, 0), q(s, 1), q(s, 2));
      return Array.from({ length: CHAIN_STATES - 1 }, (_, s) => [0, 1, 2].reduce((best, a) => (q(s, a) > q(s, best) + 1e-9 ? a : best), 0));
    };
    const plain = optimalPolicy(rewardTable('local', {}));
    expect(plain).toEqual([1, 1, 1, 1]);
    expect(optimalPolicy(rewardTable('potential', { features, gamma }))).toEqual(plain);
    const bonus = optimalPolicy(rewardTable('potential', { features, gamma, form: 'bonus' }));
    expect(bonus).not.toEqual(plain);
    // The bonus makes lingering next to state 1 pay more than finishing.
    expect(bonus.slice(0, 2)).not.toEqual([1, 1]);
  });

  it('kpi-linked penalises the local reward when the KPI worsens against its moving average', () => {
    const w = world('matrix-game-v1');
    const sc = scheme(w, 0, 'kpi-linked', { kpi: 'welfare', strength: 0.5, halfLife: 1 }, 1);
    const engine = new VecEngine(w, { numEnvs: 1, seed: 0 });
    engine.reset();
    const out = new Float64Array(1);
    const seq: [number, number][] = [
      [0, 0],
      [0, 0],
      [1, 1],
      [0, 1],
    ];
    const got: number[] = [];
    for (const [a, b] of seq) {
      engine.actions[0]![0] = a;
      engine.actions[1]![0] = b;
      engine.step((e) => sc.compute(e, out));
      got.push(out[0]!);
    }
    // welfare: 6, 6, 2, 5; EMA (α = 0.5): 6, 6, 6 → 4, 4 → 4.5. Row's payoff: 3, 3, 1, 0.
    expect(got).toEqual([3, 3, 1 - 0.5 * (6 - 2), 0]);
  });

  it('rejects misconfigured schemes with field-named errors listing what is valid', () => {
    const base = { name: 'x', env: { id: 'matrix-game-v1' }, run: { steps: 1 } };
    const issues = (reward: unknown): string[] => {
      try {
        resolveExperiment({ ...base, agents: [{ role: 'player', policy: { type: 'random' }, reward }] });
        return [];
      } catch (err) {
        return (err as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(issues({ scheme: 'local', params: { weights: { profit: 1 } } })).toEqual([
      "agents[0].reward.params.weights.profit: unknown reward component 'profit'; valid: payoff",
    ]);
    expect(issues({ scheme: 'mixed', params: { localWeight: 'half' } })).toEqual(['agents[0].reward.params.localWeight: expected a number, got "half"']);
    expect(issues({ scheme: 'team', params: { kpis: { profit: 1 } } })).toEqual([
      "agents[0].reward.params.kpis.profit: unknown team KPI 'profit'; valid: welfare, firstMoveRate",
    ]);
    expect(issues({ scheme: 'potential', params: { features: { inventory: 1 } } })).toEqual([
      "agents[0].reward.params.features.inventory: unknown state feature 'inventory'; valid: bothFirstMove",
    ]);
    expect(issues({ scheme: 'kpi-linked', params: { kpi: 'fillRate' } })).toEqual([
      "agents[0].reward.params.kpi: unknown team KPI 'fillRate'; valid: welfare, firstMoveRate",
    ]);
    expect(issues({ scheme: 'difference', params: { counterfactual: 'policy' } })).toEqual([
      "agents[0].reward.params.baseline: required when counterfactual is 'policy': give {type, params} of the baseline policy",
    ]);
    expect(
      issues({
        scheme: 'difference',
        params: { lookAhead: { steps: 5, policies: { row: { type: 'constant', params: { action: 0 } }, nobody: { type: 'random' } } } },
      }),
    ).toEqual([
      'agents[0].reward.params.lookAhead.policies: no continuation policy for col (role player): key one by agent id or role',
      "agents[0].reward.params.lookAhead.policies.nobody: 'nobody' is neither an agent id nor a role of matrix-game-v1",
    ]);
    expect(issues({ scheme: 'difference', params: { lookAhead: { steps: 5, policies: { player: { type: 'nope' } } } } })).toHaveLength(1);
    expect(issues({ scheme: 'difference', params: { lookAhead: { steps: 5, policies: { player: { type: 'nope' } } } } })[0]).toMatch(
      /^agents\[0\]\.reward\.params\.lookAhead\.policies\.player\.type: unknown policy 'nope'; registered: /,
    );
    expect(issues({ scheme: 'bogus' })[0]).toBe(
      "agents[0].reward.scheme: unknown reward scheme 'bogus'; registered: local, team, mixed, difference, potential, kpi-linked",
    );
  });
});

describe('every scheme in every registered world', () => {
  for (const spec of worlds.values()) {
    it(`runs all six schemes in ${spec.id} with finite shaped rewards`, () => {
      const w = spec.create(spec.paramsSchema.parse(spec.conformanceParams ?? {}) as Record<string, unknown>);
      const params: Record<string, Record<string, unknown>> = {
        local: {},
        team: {},
        mixed: { localWeight: 0.3 },
        difference: {},
        potential: { features: { [w.features[0]!]: 1 } },
        'kpi-linked': { kpi: w.kpis[0]!.name },
      };
      const n = 2;
      const schemes = Object.entries(params).flatMap(([id, p]) => w.agents.map((a) => scheme(w, a.index, id, p, n)));
      const out = new Float64Array(n);
      let finite = 0;
      drive(w, n, 25, (e) => {
        for (const sc of schemes) {
          sc.compute(e, out);
          for (const v of out) if (Number.isFinite(v)) finite++;
        }
      });
      expect(finite).toBe(25 * n * schemes.length);
    });
  }
});
