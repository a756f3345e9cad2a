/**
 * A minimal recorder for planted scenarios: steps one world copy with a joint actor and writes
 * metrics rows in the runner's format (src/core/metrics-row.ts: per-step means over each window of
 * reward components, local and shaped reward (here equal), KPIs and the first action slot) plus
 * fork points (state, observations, actions) sampled along the way. The real runner replaces this
 * in experiments; detectors only see its output.
 */
import { deriveSeedWords } from '../../core/rng.js';
import { allocStepOut, type World, type WorldState } from '../../core/world.js';
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
  const out = allocStepOut(world);
  let cur = world.createState();
  let nxt = world.createState();
  const newEpisode = (): void => world.reset(cur, deriveSeedWords(options.seed, 'record', world.id, episodes), out);
  let episodes = 0;
  newEpisode();
  const obs = out.obs.map((o) => Float32Array.from(o));
  const actions = world.actionSpaces.map((s) => new Float64Array(s.size));
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
  for (let t = 0; t < options.steps; t++) {
    actor(obs, actions);
    if (pointEvery > 0 && t >= pointsFrom && (t - pointsFrom) % pointEvery === 0) {
      const state = world.createState();
      world.copyState(cur, state);
      points.push({ state, obs: obs.map((o) => o.slice()), actions: actions.map((a) => a.slice()), step: t });
    }
    out.events.length = 0;
    world.step(cur, actions, nxt, out);
    for (let i = 0; i < nA; i++) {
      const c = out.rewards[i]!;
      let local = 0;
      for (let k = 0; k < c.length; k++) {
        sums.components[i]![k] = sums.components[i]![k]! + c[k]!;
        local += c[k]!;
      }
      sums.local[i] = sums.local[i]! + local;
      sums.action[i] = sums.action[i]! + (actions[i]![0] ?? 0);
    }
    for (let k = 0; k < nK; k++) sums.kpis[k] = sums.kpis[k]! + out.kpis[k]!;
    [cur, nxt] = [nxt, cur];
    let ended = true;
    for (let i = 0; i < nA && ended; i++) ended = out.terminated[i] === 1 || out.truncated[i] === 1;
    if (ended) {
      episodes++;
      episodesInWindow++;
      newEpisode();
    }
    out.obs.forEach((o, i) => obs[i]!.set(o));
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
