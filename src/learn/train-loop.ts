/**
 * A minimal training driver for neural-learner tests and benchmarks: one VecEngine, one policy
 * per agent, each agent's shaped reward = the sum of its reward components (the `local` scheme).
 * The real runner (src/run) adds reward schemes, metrics, detectors and results folders; this
 * loop exists so learners can be tested and measured standalone, and calls the policies exactly
 * as the contract in src/core/policy.ts describes (act on `obs`, step, observe the transition).
 */
import { AutoresetMode, VecEngine } from '../core/engine.js';
import { createPolicies, type ActMode, type Policy, type PolicySpec } from '../core/policy.js';
import { Rollout } from '../core/rollout.js';
import type { AgentSpec, World } from '../core/world.js';

/** Which policy (and raw params, parsed by its schema) controls an agent. */
export interface PolicyChoice {
  readonly spec: PolicySpec;
  readonly params?: Record<string, unknown>;
}

/** An engine with its policies and per-agent episode bookkeeping. */
export interface Session {
  readonly engine: VecEngine;
  readonly policies: Policy[];
  /** Per agent: returns of the episodes finished so far, in order. */
  readonly episodeReturns: number[][];
  /** Per agent, per copy: return of the episode in progress. */
  readonly running: Float64Array[];
  /** Engine steps taken. */
  steps: number;
}

/** Build an engine and one policy per agent (policy rngs split from `seed` by agent id). */
export function createSession(world: World, numEnvs: number, seed: number, choose: (agent: AgentSpec) => PolicyChoice): Session {
  const engine = new VecEngine(world, { numEnvs, seed, autoreset: AutoresetMode.SameStep });
  const seats = world.agents.map((agent) => {
    const { spec, params } = choose(agent);
    return { agent, policy: spec, policyParams: spec.paramsSchema.parse(params ?? {}) as Record<string, unknown> };
  });
  const policies = createPolicies(world, seats, numEnvs, seed);
  engine.reset();
  return { engine, policies, episodeReturns: world.agents.map(() => []), running: world.agents.map(() => new Float64Array(numEnvs)), steps: 0 };
}

/** Run `steps` engine steps: act (in `mode`), step, observe (when `learn`), through the one rollout loop. */
export function runSteps(session: Session, steps: number, mode: ActMode = 'explore', learn = true): void {
  const { engine, policies } = session;
  const world = engine.world;
  const nA = engine.numAgents;
  const N = engine.numEnvs;
  const rewards = policies.map(() => new Float64Array(N));
  const running = session.running;
  // Inside the step (before autoreset): each agent's reward is the sum of its components; a copy
  // whose agents are all done closes every agent's episode return.
  const afterStep = (e: VecEngine): void => {
    session.steps++;
    for (let i = 0; i < nA; i++) {
      const nC = world.rewardComponents[i]!.length;
      const comp = e.rewards[i]!;
      for (let b = 0; b < N; b++) {
        let r = 0;
        for (let c = 0; c < nC; c++) r += comp[b * nC + c]!;
        rewards[i]![b] = r;
        running[i]![b]! += r;
      }
    }
    for (let b = 0; b < N; b++) {
      let ended = true;
      for (let i = 0; i < nA; i++) if (e.terminated[i]![b] === 0 && e.truncated[i]![b] === 0) ended = false;
      if (!ended) continue;
      for (let i = 0; i < nA; i++) {
        session.episodeReturns[i]!.push(running[i]![b]!);
        running[i]![b] = 0;
      }
    }
  };
  const learners = learn ? policies.map((p, i) => (p.observe ? i : -1)).filter((i) => i >= 0) : [];
  new Rollout(engine, policies, { modes: mode, learners, rewards, afterStep }).run(steps);
}

/** Mean of the last `k` finished episode returns of agent i (NaN if none). */
export function recentReturn(session: Session, agent: number, k: number): number {
  const r = session.episodeReturns[agent]!;
  const tail = r.slice(Math.max(0, r.length - k));
  return tail.length === 0 ? NaN : tail.reduce((a, b) => a + b, 0) / tail.length;
}

/** Mean greedy return per agent over `episodes` fresh episodes per copy, without learning. */
export function evaluate(world: World, policies: Policy[], numEnvs: number, seed: number, episodes: number): number[] {
  const engine = new VecEngine(world, { numEnvs, seed, autoreset: AutoresetMode.SameStep });
  const session: Session = {
    engine,
    policies,
    episodeReturns: world.agents.map(() => []),
    running: world.agents.map(() => new Float64Array(numEnvs)),
    steps: 0,
  };
  session.engine.reset();
  runSteps(session, episodes * world.episodeLength, 'greedy', false);
  return world.agents.map((_, i) => recentReturn(session, i, Number.MAX_SAFE_INTEGER));
}
