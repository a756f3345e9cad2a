/**
 * The reference path of a Calvano session: the generic machinery, nothing market-specific in the
 * loop. VecEngine steps market-v1 (one copy), each firm's tabular-q policy acts and learns through
 * the Policy contract, with the local reward (its `profit` component). It is slow on purpose-free
 * grounds (objects per period, virtual calls) and exists to pin the fused kernel down: both must
 * produce identical trajectories from the same streams (test/market/differential.test.ts).
 */
import { VecEngine } from '../../../src/core/engine.js';
import { Rng } from '../../../src/core/rng.js';
import { policyContext } from '../../../src/core/policy.js';
import { Rollout } from '../../../src/core/rollout.js';
import type { World } from '../../../src/core/world.js';
import { encodeJoint } from '../game.js';
import { stateRadix, tabularQPolicy, type TabularQParams, type TabularQPolicy } from '../../../policies/tabular-q.js';

/** What the reference path leaves behind. */
export interface ReferenceSessionResult {
  readonly path: 'reference';
  readonly periods: number;
  readonly converged: boolean;
  /** State number after the last period (firm 0's observation read big-endian, as tabular-q does). */
  readonly finalState: number;
  readonly policies: TabularQPolicy[];
}

/** Options of a reference session. */
export interface ReferenceSessionInput {
  readonly world: World;
  /** Per firm: resolved tabular-q params. */
  readonly learners: readonly TabularQParams[];
  /** Engine seed (the world copy's reset stream is derived from it by VecEngine). */
  readonly engineSeed: number | string;
  /** Per firm: its policy stream's 4 words (copied). */
  readonly agentRng: readonly Uint32Array[];
  readonly maxPeriods: number;
  /** If given, joint action numbers of the first `trace.length` periods are written here. */
  readonly trace?: Int32Array;
}

/** Run one session through VecEngine + tabular-q policies (any world with discrete spaces; the trace assumes market-v1). */
export function runReferenceSession(input: ReferenceSessionInput): ReferenceSessionResult {
  const { world, maxPeriods, trace } = input;
  const n = world.agents.length;
  const engine = new VecEngine(world, { numEnvs: 1, seed: input.engineSeed });
  const shared = new Map<string, unknown>();
  const policies = world.agents.map(
    (agent, i) => tabularQPolicy.create(policyContext(world, agent, 1, new Rng(input.agentRng[i]!.slice()), shared), input.learners[i]!) as TabularQPolicy,
  );
  const shaped = world.agents.map(() => new Float64Array(1));
  const acts = new Int32Array(n);
  const m = world.actionSpaces[0]!.kind === 'discrete' ? world.actionSpaces[0]!.n : 0;
  // The local reward (the sum of each firm's components) and the joint action, inside the step.
  const afterStep = (e: VecEngine): void => {
    for (let i = 0; i < n; i++) {
      let local = 0;
      for (const v of e.rewards[i]!) local += v;
      shaped[i]![0] = local;
      acts[i] = e.actions[i]![0]!;
    }
  };
  const rollout = new Rollout(engine, policies, { modes: 'explore', learners: policies.map((_, i) => i), rewards: shaped, afterStep });
  engine.reset();
  let periods = 0;
  let converged = false;
  rollout.run(maxPeriods, () => {
    if (trace && periods < trace.length) trace[periods] = encodeJoint(acts, m);
    periods++;
    converged = policies.every((p) => p.converged!());
    return converged;
  });
  const radix = stateRadix(world.observationSpaces[0]!);
  let finalState = 0;
  engine.obs[0]!.forEach((v, k) => (finalState = finalState * radix[k]! + v));
  return { path: 'reference', periods, converged, finalState, policies };
}
