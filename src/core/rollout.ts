/**
 * The one act → step → learn loop. Every driver of policies in a world (the runner's seed loop,
 * evaluation and cross-play, new entrants' learning phase, the neural train loop, policy-swap
 * attribution, the planted-scenario recorder, the engine benchmark) steps through a `Rollout`; what differs between
 * them comes in as the env it drives (a VecEngine, or a wrapper such as the fault layer's
 * FaultedEngine: src/core/vec-env.ts), the act mode per agent, which agents learn, and a hook
 * inside the engine step (reward schemes, ledgers). Each driver keeps its own stopping rule and
 * bookkeeping around `step()`.
 *
 * One step:
 *   1. every agent in index order: supervisors first see the proposals of the agents they oversee
 *      (World.proposals), then the policy writes its actions from what it observes;
 *   2. `onActions` (decision profiles), then `env.step(afterStep)`;
 *   3. each learner observes the transition with its shaped reward.
 *
 * Transition batches are built once and re-pointed each step (observation buffers swap), so a
 * step allocates nothing.
 */
import type { VecEngine } from './engine.js';
import type { ActMode, Policy, TransitionBatch } from './policy.js';
import type { VecEnv } from './vec-env.js';
import { proposalWriter, type ProposalWriter } from './world-proposals.js';

/** How a rollout acts and learns. */
export interface RolloutOptions {
  /** How the policies act: one mode for all agents, or one per agent. */
  readonly modes: ActMode | readonly ActMode[];
  /** Agents whose policies learn from every step (`observe`); default none. */
  readonly learners?: readonly number[];
  /** Per agent: the shaped reward learners receive, written by `afterStep` (required with learners). */
  readonly rewards?: readonly Float64Array[];
  /** Runs inside each step after the world stepped, before autoreset, with the raw engine. */
  readonly afterStep?: (engine: VecEngine) => void;
  /** Called with every agent's actions after the policies chose, before the step. */
  readonly onActions?: (actions: readonly Float64Array[]) => void;
}

/** Policies (by agent index) acting in a VecEnv, one step at a time. */
export class Rollout {
  readonly learners: readonly number[];
  private readonly modes: readonly ActMode[];
  // Mutable views of the batches: the loop re-points their buffers each step.
  private readonly batches: { -readonly [K in keyof TransitionBatch]: TransitionBatch[K] }[];
  private readonly afterStep: ((engine: VecEngine) => void) | undefined;
  private readonly onActions: ((actions: readonly Float64Array[]) => void) | undefined;
  /** The world's proposals (World.proposals) as a writer, resolved once; undefined when no agent sees any. */
  private readonly proposals: ProposalWriter | undefined;

  constructor(
    readonly env: VecEnv,
    readonly policies: readonly Policy[],
    options: RolloutOptions,
  ) {
    const nA = policies.length;
    this.modes = typeof options.modes === 'string' ? policies.map(() => options.modes as ActMode) : options.modes;
    this.learners = options.learners ?? [];
    this.afterStep = options.afterStep;
    this.onActions = options.onActions;
    this.proposals = proposalWriter(env.world);
    const rewards = options.rewards;
    if (this.learners.length > 0 && !rewards) throw new Error('Rollout: learners need the shaped-reward buffers (options.rewards)');
    this.batches = Array.from({ length: nA }, (_, i) => ({
      obs: env.prevObs[i]!,
      actions: env.actions[i]!,
      rewards: rewards ? rewards[i]! : new Float64Array(0),
      nextObs: env.obs[i]!,
      finalObs: env.finalObs[i]!,
      terminated: env.terminated[i]!,
      truncated: env.truncated[i]!,
      acted: env.acted[i]!,
      step: 0,
      agent: i,
      allObs: env.prevObs,
      allNextObs: env.obs,
      allFinalObs: env.finalObs,
    }));
  }

  /** One step: act, step the env, let the learners observe. */
  step(): void {
    const { env, policies, modes, proposals } = this;
    const numEnvs = env.numEnvs;
    const obs = env.obs;
    const actions = env.actions;
    for (let i = 0; i < policies.length; i++) {
      if (proposals !== undefined) proposals(i, obs, actions, numEnvs);
      policies[i]!.act(obs[i]!, actions[i]!, modes[i]!);
    }
    if (this.onActions) this.onActions(actions);
    env.step(this.afterStep);
    const learners = this.learners;
    if (learners.length === 0) return;
    const step = env.stepCount;
    const prevObs = env.prevObs;
    const nextObs = env.obs;
    const finalObs = env.finalObs;
    for (let k = 0; k < learners.length; k++) {
      const i = learners[k]!;
      const batch = this.batches[i]!;
      batch.obs = prevObs[i]!;
      batch.nextObs = nextObs[i]!;
      batch.finalObs = finalObs[i]!;
      batch.allObs = prevObs;
      batch.allNextObs = nextObs;
      batch.allFinalObs = finalObs;
      batch.step = step;
      policies[i]!.observe!(batch);
    }
  }

  /** `steps` steps, or fewer when `stop` (checked after each) says so; returns the steps taken. */
  run(steps: number, stop?: () => boolean): number {
    for (let s = 0; s < steps; s++) {
      this.step();
      if (stop && stop()) return s + 1;
    }
    return steps;
  }
}
