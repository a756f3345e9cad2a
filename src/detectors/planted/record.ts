/**
 * A minimal recorder for planted scenarios: drives one world copy with a joint actor through the
 * rollout loop (src/core/rollout.ts) and writes metrics rows in the runner's format
 * (src/core/metrics-row.ts: per-step means over each window of reward components, local and shaped
 * reward (here equal), KPIs and the first action slot) plus fork points (state, observations,
 * actions) sampled along the way. The real runner replaces this in experiments; detectors only see
 * its output.
 *
 * Episode k is seeded `deriveSeedWords(seed, 'record', world.id, k)` (the engine's episodeSeeds
 * option), as it was before the recorder ran on the engine: the detector-validation figures in the
 * docs were measured on these trajectories (test/detectors/record.test.ts holds them to a plain
 * reference loop).
 */
import { VecEngine } from '../../core/engine.js';
import type { Policy } from '../../core/policy.js';
import { deriveSeedWords } from '../../core/rng.js';
import { Rollout } from '../../core/rollout.js';
import type { VecEnv } from '../../core/vec-env.js';
import type { World, WorldState } from '../../core/world.js';
import type { ForkPoint, JointActor } from '../forks.js';
import { windowRow, type MetricsRow } from '../../core/metrics-row.js';

/** Recording options. */
export interface RecordOptions {
  readonly steps: number;
  readonly metricsEvery: number;
  readonly seed: number | string;
  /** Record a fork point every this many steps … */
  readonly pointEvery?: number;
  /** … starting at this step (default: the last half of the run). */
  readonly pointsFrom?: number;
}

/** Run `world` under `actor` and record metrics rows and fork points. */
export function recordRun<S extends WorldState>(world: World<S>, actor: JointActor, options: RecordOptions): { rows: MetricsRow[]; points: ForkPoint<S>[] } {
  const nA = world.agents.length;
  const nK = world.kpis.length;
  const engine = new VecEngine(world, {
    numEnvs: 1,
    seed: options.seed,
    episodeSeeds: (_copy, episode, words) => words.set(deriveSeedWords(options.seed, 'record', world.id, episode)),
  });
  engine.reset();
  const sums = {
    components: world.rewardComponents.map((c) => new Float64Array(c.length)),
    local: new Float64Array(nA),
    kpis: new Float64Array(nK),
    action: new Float64Array(nA),
  };
  const rows: MetricsRow[] = [];
  const points: ForkPoint<S>[] = [];
  const pointEvery = options.pointEvery ?? 0;
  const pointsFrom = options.pointsFrom ?? Math.floor(options.steps / 2);
  let episodesInWindow = 0;
  let t = 0;
  // With one copy every engine buffer is that copy's row.
  const rollout = new Rollout(engine, jointPolicies(actor, engine), {
    modes: 'explore',
    onActions: (actions) => {
      if (pointEvery === 0 || t < pointsFrom || (t - pointsFrom) % pointEvery !== 0) return;
      const state = world.createState();
      world.copyState(engine.states[0]!, state);
      points.push({ state, obs: engine.obs.map((o) => o.slice()), actions: actions.map((a) => a.slice()), step: t });
    },
    // Before autoreset: the step's own rewards, KPIs and episode end.
    afterStep: () => {
      for (let i = 0; i < nA; i++) {
        const c = engine.rewards[i]!;
        let local = 0;
        for (let k = 0; k < c.length; k++) {
          sums.components[i]![k] = sums.components[i]![k]! + c[k]!;
          local += c[k]!;
        }
        sums.local[i] = sums.local[i]! + local;
        sums.action[i] = sums.action[i]! + (engine.actions[i]![0] ?? 0);
      }
      for (let k = 0; k < nK; k++) sums.kpis[k] = sums.kpis[k]! + engine.kpis[k]!;
      episodesInWindow += engine.episodeEnded[0]!;
    },
  });
  for (; t < options.steps; t++) {
    rollout.step();
    if ((t + 1) % options.metricsEvery === 0) {
      // Local and shaped reward are equal here: there is no reward scheme.
      rows.push(windowRow(world, { ...sums, shaped: sums.local, samples: options.metricsEvery, episodes: episodesInWindow }, 1, t + 1, rows.length));
      sums.components.forEach((c) => c.fill(0));
      sums.local.fill(0);
      sums.kpis.fill(0);
      sums.action.fill(0);
      episodesInWindow = 0;
    }
  }
  return { rows, points };
}

/** The joint actor as the rollout's policies: the first agent's turn runs it for every agent, the others' turns do nothing. */
function jointPolicies(actor: JointActor, env: VecEnv): Policy[] {
  const joint: Policy = { act: () => actor(env.obs, env.actions) };
  const idle: Policy = { act: () => undefined };
  return env.world.agents.map((_, i) => (i === 0 ? joint : idle));
}
