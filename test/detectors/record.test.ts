/**
 * The planted recorder runs on the rollout loop; its trajectories must stay the ones the
 * detector-validation figures were measured on. Reference: the plain act → step loop it replaced,
 * which seeded episode k `deriveSeedWords(seed, 'record', world.id, k)`. Any drift in the seeding
 * (or in what is summed, or when fork points are taken) shows up as a different row or point.
 */
import { describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { windowRow, type MetricsRow } from '../../src/core/metrics-row.js';
import { deriveSeedWords, nextInt } from '../../src/core/rng.js';
import { allocStepOut, type World, type WorldState } from '../../src/core/world.js';
import type { ForkPoint, JointActor } from '../../src/detectors/forks.js';
import { recordRun, type RecordOptions } from '../../src/detectors/planted/record.js';

/** The recorder as it was: one world copy, its own loop, episodes seeded by name. */
function referenceRecord(world: World, actor: JointActor, options: RecordOptions): { rows: MetricsRow[]; points: ForkPoint<WorldState>[] } {
  const nA = world.agents.length;
  const out = allocStepOut(world);
  let cur = world.createState();
  let nxt = world.createState();
  let episodes = 0;
  world.reset(cur, deriveSeedWords(options.seed, 'record', world.id, episodes), out);
  const obs = out.obs.map((o) => Float32Array.from(o));
  const actions = world.actionSpaces.map((s) => new Float64Array(s.size));
  const sums = {
    components: world.rewardComponents.map((c) => new Float64Array(c.length)),
    local: new Float64Array(nA),
    kpis: new Float64Array(world.kpis.length),
    action: new Float64Array(nA),
  };
  const rows: MetricsRow[] = [];
  const points: ForkPoint<WorldState>[] = [];
  let inWindow = 0;
  for (let t = 0; t < options.steps; t++) {
    actor(obs, actions);
    if (t >= options.pointsFrom! && (t - options.pointsFrom!) % options.pointEvery! === 0) {
      const state = world.createState();
      world.copyState(cur, state);
      points.push({ state, obs: obs.map((o) => o.slice()), actions: actions.map((a) => a.slice()), step: t });
    }
    world.step(cur, actions, nxt, out);
    for (let i = 0; i < nA; i++) {
      const c = out.rewards[i]!;
      let local = 0; // the step's local reward first, then into the window's sum
      for (let k = 0; k < c.length; k++) {
        sums.components[i]![k]! += c[k]!;
        local += c[k]!;
      }
      sums.local[i]! += local;
      sums.action[i]! += actions[i]![0]!;
    }
    out.kpis.forEach((v, k) => (sums.kpis[k]! += v));
    [cur, nxt] = [nxt, cur];
    if (out.terminated.every((x, i) => x === 1 || out.truncated[i] === 1)) {
      episodes++;
      inWindow++;
      world.reset(cur, deriveSeedWords(options.seed, 'record', world.id, episodes), out);
    }
    out.obs.forEach((o, i) => obs[i]!.set(o));
    if ((t + 1) % options.metricsEvery === 0) {
      rows.push(windowRow(world, { ...sums, shaped: sums.local, samples: options.metricsEvery, episodes: inWindow }, 1, t + 1, rows.length));
      for (const c of [...sums.components, sums.local, sums.kpis, sums.action]) c.fill(0);
      inWindow = 0;
    }
  }
  return { rows, points };
}

function create(id: string, params: Record<string, unknown>): World {
  const spec = worlds.get(id);
  return spec.create(spec.paramsSchema.parse(params) as Record<string, unknown>);
}

/** A seeded random joint actor (a fresh one per run, so both recorders see the same actions). */
function randomActor(levels: number): JointActor {
  const rng = deriveSeedWords('record-test/actor');
  return (_obs, out) => {
    for (const a of out) a[0] = nextInt(rng, levels);
  };
}

describe('recordRun', () => {
  const options: RecordOptions = { steps: 450, metricsEvery: 50, seed: 'record-test', pointEvery: 13, pointsFrom: 10 };
  const cases: [string, World, number][] = [
    // Noisy payoffs drawn from each episode's seed, episodes of 40 steps: 11 resets in the run.
    ['stag hunt with payoff noise', create('matrix-game-v1', { game: 'stag-hunt', payoffNoise: 1, episodeLength: 40 }), 2],
    ['externality', create('externality-v1', { structure: 'directed', harm: 0.15, numAgents: 2 }), 5],
  ];
  for (const [name, world, levels] of cases) {
    it(`records the reference loop's rows and fork points exactly: ${name}`, () => {
      const got = recordRun(world, randomActor(levels), options);
      const want = referenceRecord(world, randomActor(levels), options);
      expect(got.rows.length).toBe(9);
      expect(got.points.length).toBe(want.points.length);
      expect(got.rows).toEqual(want.rows);
      expect(got.points).toEqual(want.points);
    });
  }

  it('depends on the run seed through every episode (the reference is not trivially equal)', () => {
    const world = cases[0]![1];
    const a = recordRun(world, randomActor(2), options);
    const b = recordRun(world, randomActor(2), { ...options, seed: 'record-test-2' });
    expect(a.rows[5]).not.toEqual(b.rows[5]);
  });
});
