/**
 * Counterfactual forks over the World contract. A fork starts from a recorded state (which holds
 * its own rng words, so the world's noise is common to every branch), applies a joint action in
 * which some agents' actions are overridden, and optionally keeps stepping with the agents'
 * policies for a few more steps. Branches differ only by the override, so their difference is the
 * effect of the override (common random numbers).
 */
import { allocStepOut, type StepOut, type World, type WorldState } from '../core/world.js';

/** A recorded decision point: the state, what each agent observed there, and what each did. */
export interface ForkPoint<S extends WorldState = WorldState> {
  /** The world state before the step (not modified by forks). */
  readonly state: S;
  /** Per agent: the observation at `state` (input to the actor on later steps). */
  readonly obs: readonly Float32Array[];
  /** Per agent: the action actually taken at `state`. */
  readonly actions: readonly Float64Array[];
  /** Engine step at which the point was recorded (for evidence). */
  readonly step?: number;
}

/**
 * What makes a fork-based test runnable, for untested verdicts: only the generic step loop records
 * fork points (src/detectors/run-hooks.ts); a fused fast path steps no World, so it records none.
 */
export const FORKS_TO_TEST =
  'a run through the generic step loop, which records fork points at every metrics window (at least 2 windows): where a fused fast path ran (summary.json fastPath, e.g. market-v1 with tabular-q firms), --set run.fastPath=false gives the same results with fork points';

/** Acts for every agent from their observations (greedy policies during forks). */
export type JointActor = (obs: readonly Float32Array[], out: readonly Float64Array[]) => void;

/** Overrides agent actions in a branch: called after the recorded/actor actions are written; may rewrite `out`. */
export type ActionOverride = (t: number, agent: number, out: Float64Array, state: Readonly<WorldState>) => void;

/** What forks need from a run: a world, recorded points, and (for horizons beyond one step) a joint actor. */
export interface ForkSource<S extends WorldState = WorldState> {
  readonly world: World<S>;
  readonly points: readonly ForkPoint<S>[];
  readonly actor?: JointActor;
}

/** The outcome of one branch. */
export interface Branch {
  /** Steps actually taken (less than the horizon if the episode ended). */
  readonly steps: number;
  /** Per agent: discounted sum of local rewards (sum of components) over the branch. */
  readonly rewards: Float64Array;
  /** Per KPI: mean over the branch's steps. */
  readonly kpis: Float64Array;
  /** Per step, per agent: first action slot (row-major, steps × agents). */
  readonly actions: Float64Array;
  /** Per step, per agent: local reward (row-major, steps × agents). */
  readonly rewardPath: Float64Array;
}

/** Reusable buffers for branches of one world (forks run many branches; allocate once). */
export class Forker<S extends WorldState = WorldState> {
  readonly world: World<S>;
  private readonly a: S;
  private readonly b: S;
  private readonly out: StepOut;
  private readonly acts: Float64Array[];

  constructor(world: World<S>) {
    this.world = world;
    this.a = world.createState();
    this.b = world.createState();
    this.out = allocStepOut(world);
    this.acts = world.actionSpaces.map((s) => new Float64Array(s.size));
  }

  /**
   * Run one branch of `horizon` steps from `point`: step 0 uses the recorded actions, later steps
   * the actor's (required when horizon > 1); `override` may rewrite any agent's action at any step.
   */
  branch(point: ForkPoint<S>, horizon: number, override?: ActionOverride, actor?: JointActor, discount = 1): Branch {
    const { world } = this;
    const nA = world.agents.length;
    const nK = world.kpis.length;
    if (horizon > 1 && !actor) throw new Error('a fork horizon above 1 needs a joint actor to choose the later actions');
    const rewards = new Float64Array(nA);
    const kpis = new Float64Array(nK);
    const actions = new Float64Array(horizon * nA);
    const rewardPath = new Float64Array(horizon * nA);
    let cur = this.a;
    let nxt = this.b;
    world.copyState(point.state, cur);
    let steps = 0;
    let weight = 1;
    for (let t = 0; t < horizon; t++) {
      if (t === 0) point.actions.forEach((src, i) => this.acts[i]!.set(src));
      else actor!(this.out.obs, this.acts);
      if (override) for (let i = 0; i < nA; i++) override(t, i, this.acts[i]!, cur);
      this.out.events.length = 0;
      world.step(cur, this.acts, nxt, this.out);
      for (let i = 0; i < nA; i++) {
        let r = 0;
        const comps = this.out.rewards[i]!;
        for (let c = 0; c < comps.length; c++) r += comps[c]!;
        rewards[i] = rewards[i]! + weight * r;
        rewardPath[t * nA + i] = r;
        actions[t * nA + i] = this.acts[i]![0] ?? 0;
      }
      for (let k = 0; k < nK; k++) kpis[k] = kpis[k]! + this.out.kpis[k]!;
      steps++;
      weight *= discount;
      const tmp = cur;
      cur = nxt;
      nxt = tmp;
      let ended = true;
      for (let i = 0; i < nA && ended; i++) ended = this.out.terminated[i] === 1 || this.out.truncated[i] === 1;
      if (ended) break;
    }
    for (let k = 0; k < nK; k++) kpis[k] = kpis[k]! / steps;
    return { steps, rewards, kpis, actions: actions.subarray(0, steps * nA), rewardPath: rewardPath.subarray(0, steps * nA) };
  }
}
