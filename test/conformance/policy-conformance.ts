/**
 * The policy conformance suite, as a function so any policy (registered or not) can be checked. It
 * is enrolled for every registered policy by policy-conformance.test.ts, on every registered world
 * (at its conformance params) that has an agent the policy can control; a policy opts out of a
 * check only by declaring a skip with a reason in its own spec.
 *
 * A policy is driven as the runner drives it: `numEnvs` copies stepped by a VecEngine, `act` on
 * all of them, and for learners `observe` of each step's transitions (shaped reward: the sum of the
 * agent's reward components) with the engine's `acted` mask.
 */
import { describe, expect, it } from 'vitest';
import { VecEngine } from '../../src/core/engine.js';
import type { ActMode, Policy, PolicyConformanceSkip, PolicySpec, TransitionBatch } from '../../src/core/policy.js';
import { Rng } from '../../src/core/rng.js';
import { contains, describeSpace, sampleInto } from '../../src/core/spaces.js';
import type { AgentSpec, World, WorldSpec } from '../../src/core/world.js';

const NUM_ENVS = 3;

/** One policy on one agent of one world: what each check needs. */
export interface PolicyCase {
  readonly spec: PolicySpec;
  readonly params: Record<string, unknown>;
  readonly makeWorld: () => World;
  /** Index of the agent the policy controls; the others act uniformly at random. */
  readonly agent: number;
}

function instantiate(c: PolicyCase, world: World, seed: number): Policy {
  const agent = world.agents[c.agent]!;
  return c.spec.create(
    {
      world,
      agent,
      observationSpace: world.observationSpaces[c.agent]!,
      actionSpace: world.actionSpaces[c.agent]!,
      numEnvs: NUM_ENVS,
      rng: Rng.from(seed, 'policy-conformance', agent.id),
      shared: new Map(),
    },
    c.params,
  );
}

/** Options of one rollout. */
interface Drive {
  readonly seed: number;
  readonly steps: number;
  readonly mode: ActMode;
  /** Feed `observe` (learners). */
  readonly learn: boolean;
  /** Mark copy 1 as not having acted at every other step (on top of the engine's mask). */
  readonly dropRows?: boolean;
  /** Reward written into rows that did not act (they must not count). */
  readonly rewardOfIdleRows?: number;
  /** Called with the policy after the rollout, before it is disposed. */
  readonly after?: (policy: Policy, world: World) => void;
}

/** Run the policy for `steps` steps; returns every action it wrote, flattened. */
function drive(c: PolicyCase, d: Drive, policy?: Policy): number[] {
  const world = c.makeWorld();
  const own = policy ?? instantiate(c, world, d.seed);
  const engine = new VecEngine(world, { numEnvs: NUM_ENVS, seed: d.seed });
  const others = Rng.from(d.seed, 'policy-conformance-others');
  const i = c.agent;
  const space = world.actionSpaces[i]!;
  const nComp = world.rewardComponents[i]!.length;
  const rewards = new Float64Array(NUM_ENVS);
  const acted = new Uint8Array(NUM_ENVS);
  const trace: number[] = [];
  engine.reset();
  for (let t = 0; t < d.steps; t++) {
    for (let j = 0; j < world.agents.length; j++) {
      if (j === i) continue;
      const buf = engine.actions[j]!;
      for (let off = 0; off < buf.length; off += world.actionSpaces[j]!.size) sampleInto(world.actionSpaces[j]!, others.state, buf, off);
    }
    const obs = Float32Array.from(engine.obs[i]!);
    const allObs = engine.obs.map((o) => Float32Array.from(o));
    own.act(obs, engine.actions[i]!, d.mode);
    const actions = Float64Array.from(engine.actions[i]!);
    for (let b = 0; b < NUM_ENVS; b++) {
      const row = Array.from(actions.subarray(b * space.size, (b + 1) * space.size));
      if (!contains(space, row)) throw new Error(`step ${t}, copy ${b}: action ${JSON.stringify(row)} is outside ${describeSpace(space)}`);
    }
    trace.push(...actions);
    engine.step();
    if (!d.learn || !own.observe) continue;
    for (let b = 0; b < NUM_ENVS; b++) {
      acted[b] = engine.acted[i]![b]! && !(d.dropRows && b === 1 && t % 2 === 1) ? 1 : 0;
      let r = 0;
      for (let k = 0; k < nComp; k++) r += engine.rewards[i]![b * nComp + k]!;
      rewards[b] = acted[b] ? r : (d.rewardOfIdleRows ?? r);
    }
    const batch: TransitionBatch = {
      obs,
      actions,
      rewards,
      nextObs: engine.obs[i]!,
      finalObs: engine.finalObs[i]!,
      terminated: engine.terminated[i]!,
      truncated: engine.truncated[i]!,
      acted,
      step: t,
      agent: i,
      allObs,
      allNextObs: engine.obs,
      allFinalObs: engine.finalObs,
    };
    own.observe(batch);
  }
  d.after?.(own, world);
  if (!policy) own.dispose?.();
  return trace;
}

/** The individual checks, each throwing on a violation. */
export const policyChecks = {
  /** Every copy gets an action inside the action space, exploring and greedy, learning or not. */
  act(c: PolicyCase, steps: number): void {
    drive(c, { seed: 1, steps, mode: 'explore', learn: true });
    drive(c, { seed: 2, steps, mode: 'greedy', learn: false });
  },

  /** Same seed → the same actions, through learning; a different seed is allowed to differ. */
  determinism(c: PolicyCase, steps: number): void {
    const a = drive(c, { seed: 3, steps, mode: 'explore', learn: true });
    const b = drive(c, { seed: 3, steps, mode: 'explore', learn: true });
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('two instances with the same seed acted differently on the same observations');
  },

  /** A policy restored from `save` acts (greedily) exactly as the one that saved. */
  saveLoad(c: PolicyCase, steps: number): void {
    let saved: unknown;
    let original: Policy | undefined;
    drive(c, { seed: 4, steps, mode: 'explore', learn: true, after: (p) => ((saved = JSON.parse(JSON.stringify(p.save?.() ?? null))), (original = p)) });
    const world = c.makeWorld();
    const restored = instantiate(c, world, 99);
    if (saved !== null) {
      if (!restored.load) throw new Error('save() returned state but the policy has no load()');
      restored.load(saved);
    }
    const expected = drive(c, { seed: 5, steps, mode: 'greedy', learn: false }, original);
    const got = drive(c, { seed: 5, steps, mode: 'greedy', learn: false }, restored);
    original?.dispose?.();
    restored.dispose?.();
    if (JSON.stringify(expected) !== JSON.stringify(got)) throw new Error('after save → JSON → load the restored policy acts differently from the original');
  },

  /** Rows whose `acted` flag is 0 are not transitions: what they carry cannot change what the learner does. */
  actedMask(c: PolicyCase, steps: number): void {
    const a = drive(c, { seed: 6, steps, mode: 'explore', learn: true, dropRows: true, rewardOfIdleRows: 1e6 });
    const b = drive(c, { seed: 6, steps, mode: 'explore', learn: true, dropRows: true, rewardOfIdleRows: -1e6 });
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the reward of rows that did not act changed what the learner did');
  },
};

/** The agents of registered worlds this policy can control, at its conformance params (at most one per world). */
export function casesFor(spec: PolicySpec, worlds: readonly WorldSpec[]): PolicyCase[] {
  const params = spec.paramsSchema.parse(spec.conformanceParams ?? {}) as Record<string, unknown>;
  return worlds.flatMap((w) => {
    const makeWorld = (): World => w.create(w.paramsSchema.parse(w.conformanceParams ?? {}) as Record<string, unknown>);
    const world = makeWorld();
    const agent = world.agents.find((a: AgentSpec) => spec.incompatibility?.(world, a, params) === undefined);
    return agent ? [{ spec, params, makeWorld, agent: agent.index }] : [];
  });
}

/** Register the conformance tests for one policy spec on every suitable world. */
export function policyConformanceSuite(spec: PolicySpec, worlds: readonly WorldSpec[], steps = 40): void {
  const skips = new Map<PolicyConformanceSkip['check'], string>((spec.conformanceSkips ?? []).map((s) => [s.check, s.reason]));
  describe(`policy ${spec.id} conforms`, () => {
    const cases = skips.size === 4 ? [] : casesFor(spec, worlds);
    if (skips.size < 4) it('can control an agent of at least one registered world', () => expect(cases.length).toBeGreaterThan(0));
    for (const [check, reason] of skips)
      it(`declares why it does not check '${check}' (${reason})`, () => {
        expect(reason.trim().split(/\s+/).length, `policy ${spec.id}: the reason for skipping '${check}' is too short to act on`).toBeGreaterThanOrEqual(4);
      });
    for (const c of cases) {
      const where = `on ${c.makeWorld().id} as ${c.makeWorld().agents[c.agent]!.id}`;
      const check = (name: PolicyConformanceSkip['check'], title: string, fn: () => void): void => {
        if (!skips.has(name)) it(`${title} ${where}`, fn);
      };
      check('act', 'writes an action inside the action space for every copy', () => policyChecks.act(c, steps));
      check('determinism', 'acts identically for the same seed', () => policyChecks.determinism(c, steps));
      check('save-load', 'acts identically after a save/load round trip', () => policyChecks.saveLoad(c, steps));
      if (spec.learns) check('acted-mask', 'ignores rows that did not act', () => policyChecks.actedMask(c, steps));
    }
  });
}
