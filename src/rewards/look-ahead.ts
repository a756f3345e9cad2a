/**
 * The difference reward's optional look-ahead. A one-step difference credits an action only with
 * its effect on this period's team objective G. The look-ahead continues both branches, the factual
 * one from the post-step state and the counterfactual one from the fork, for `steps` more periods
 * in which every agent plays a scripted continuation policy (greedy, one world copy at a time). It
 * adds Σ_{k=1..steps} discount^k × (G_k factual − G_k counterfactual).
 *
 * The continuation decides what the look-ahead means, so there is no default: give a policy per
 * agent or role. Measured in warehouse-v1 with every agent on its do-nothing action, procurement's
 * reward for an 800-unit order went from 2.0 (one step) to 16.6 (60 steps): the counterfactual
 * branch never ordered again and ran out, so the look-ahead paid for over-ordering instead of
 * charging for it. With the scripted baselines (base-stock, standard shipping, fixed budget) both
 * branches keep the warehouse supplied, and the over-order's later holding and overflow costs show.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import type { Policy } from '../core/policy.js';
import type { Rng } from '../core/rng.js';
import { allocStepOut, type AgentSpec, type StepOut, type World, type WorldState } from '../core/world.js';
import { policies } from '../../policies/index.js';
import { teamValue } from './team-objective.js';

const policyChoice = z
  .object({ type: z.string().describe('Policy type'), params: z.record(z.string(), z.unknown()).default({}).describe('Its params') })
  .strict();

/** A registered policy and its params, as written in a config. */
export type PolicyChoice = z.infer<typeof policyChoice>;

/** The `lookAhead` params of the difference scheme. */
export const lookAheadField = z
  .object({
    steps: z.number().int().min(1).max(1000).describe('Periods after the step that both branches are continued for'),
    discount: z.number().min(0).max(1).default(1).describe('Weight discount^k of the k-th continued period'),
    policies: z
      .record(z.string(), policyChoice)
      .describe('Continuation policy per agent id or role (an agent id wins over its role); every agent needs one'),
  })
  .strict()
  .optional()
  .describe("Credit effects beyond the step: continue both branches with these scripted policies (e.g. the world's heuristics)");

/** The resolved look-ahead params. */
export type LookAheadParams = NonNullable<z.infer<typeof lookAheadField>>;

/** Issues of one policy choice for `agent` under `path` (unknown type, bad params, incompatible). */
export function checkPolicyChoice(world: World, agent: AgentSpec, choice: PolicyChoice, path: string): ConfigIssue[] {
  if (!policies.has(choice.type)) return [{ path: `${path}.type`, message: `unknown policy '${choice.type}'; registered: ${policies.ids().join(', ')}` }];
  const spec = policies.get(choice.type);
  const parsed = spec.paramsSchema.safeParse(choice.params);
  if (!parsed.success) return [{ path: `${path}.params`, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }];
  const why = spec.incompatibility?.(world, agent, parsed.data);
  return why ? [{ path: `${path}.type`, message: why }] : [];
}

/** Create a greedy helper policy for `agent` (no learning) over `numEnvs` rows. */
export function createPolicy(world: World, agent: AgentSpec, choice: PolicyChoice, numEnvs: number, rng: Rng): Policy {
  const spec = policies.get(choice.type);
  return spec.create(
    { world, agent, observationSpace: world.observationSpaces[agent.index]!, actionSpace: world.actionSpaces[agent.index]!, numEnvs, rng, shared: new Map() },
    spec.paramsSchema.parse(choice.params) as Record<string, unknown>,
  );
}

/** The continuation choice of each agent (id first, then role), or issues naming the uncovered agents. */
function choices(world: World, params: LookAheadParams): { chosen: (PolicyChoice | undefined)[]; issues: ConfigIssue[] } {
  const chosen = world.agents.map((a) => params.policies[a.id] ?? params.policies[a.role]);
  const issues: ConfigIssue[] = [];
  const missing = world.agents.filter((_, j) => chosen[j] === undefined).map((a) => `${a.id} (role ${a.role})`);
  if (missing.length > 0) issues.push({ path: 'lookAhead.policies', message: `no continuation policy for ${missing.join(', ')}: key one by agent id or role` });
  const known = new Set(world.agents.flatMap((a) => [a.id, a.role]));
  for (const key of Object.keys(params.policies))
    if (!known.has(key)) issues.push({ path: `lookAhead.policies.${key}`, message: `'${key}' is neither an agent id nor a role of ${world.id}` });
  world.agents.forEach((a, j) => {
    const c = chosen[j];
    if (c) issues.push(...checkPolicyChoice(world, a, c, `lookAhead.policies.${params.policies[a.id] ? a.id : a.role}`));
  });
  return { chosen, issues };
}

/** Config issues of a `lookAhead` section (once each, though a role key covers several agents). */
export function checkLookAhead(world: World, params: LookAheadParams): ConfigIssue[] {
  const seen = new Set<string>();
  return choices(world, params).issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Whether every agent terminated or was truncated in a step. */
export function allDone(out: StepOut): boolean {
  for (let j = 0; j < out.terminated.length; j++) if (out.terminated[j] === 0 && out.truncated[j] === 0) return false;
  return true;
}

/** One branch: its state, its last observations (in `out`) and the continuation's actions. */
interface Branch {
  state: WorldState;
  next: WorldState;
  readonly out: StepOut;
  readonly actions: Float64Array[];
  on: boolean;
}

/**
 * Build the look-ahead for one agent's difference scheme. The returned function takes each branch's
 * post-step state, its observations and whether its episode just ended, and returns the discounted
 * sum of G differences over the continued periods. It copies the states first, so neither the
 * engine's nor the caller's are changed, and it allocates nothing per call.
 */
export function makeLookAhead(world: World, weights: Float64Array, params: LookAheadParams, rng: Rng) {
  const { chosen } = choices(world, params);
  const continuation = world.agents.map((a, j) => createPolicy(world, a, chosen[j]!, 1, rng.split(`look-ahead-${a.id}`)));
  const nA = world.agents.length;
  const branch = (): Branch => ({
    state: world.createState(),
    next: world.createState(),
    out: allocStepOut(world),
    actions: world.actionSpaces.map((s) => new Float64Array(s.size)),
    on: true,
  });
  const f = branch();
  const c = branch();
  const sizes = world.observationSpaces.map((s) => s.size);
  /** Start a branch from `state`, with row `row` of the per-agent observation buffers `obs`. */
  const start = (br: Branch, state: WorldState, obs: readonly Float32Array[], row: number, ended: boolean): void => {
    world.copyState(state, br.state);
    for (let j = 0; j < nA; j++) {
      const size = sizes[j]!;
      const from = obs[j]!;
      const to = br.out.obs[j]!;
      for (let k = 0; k < size; k++) to[k] = from[row * size + k]!;
    }
    br.on = !ended;
  };
  /** G of the branch's next continued period (its state and observations advance). */
  const advance = (br: Branch): number => {
    for (let j = 0; j < nA; j++) continuation[j]!.act(br.out.obs[j]!, br.actions[j]!, 'greedy');
    world.step(br.state, br.actions, br.next, br.out);
    br.out.events.length = 0;
    const swap = br.state;
    br.state = br.next;
    br.next = swap;
    if (allDone(br.out)) br.on = false;
    return teamValue(weights, br.out.kpis, 0);
  };
  return {
    /** The continuation policies' positions (a stateful heuristic such as sterman carries some), for checkpoints. */
    save: (): unknown[] => continuation.map((p) => p.save?.() ?? null),
    load(data: readonly unknown[]): void {
      continuation.forEach((p, j) => {
        if (data[j] !== null && data[j] !== undefined) p.load?.(data[j]);
      });
    },
    /** Σ_k discount^k (G_k factual − G_k counterfactual) for one copy. */
    sum(factual: WorldState, factualObs: readonly Float32Array[], row: number, factualEnded: boolean, counterfactual: WorldState, counterfactualOut: StepOut): number {
      start(f, factual, factualObs, row, factualEnded);
      start(c, counterfactual, counterfactualOut.obs, 0, allDone(counterfactualOut));
      let total = 0;
      let w = 1;
      for (let k = 0; k < params.steps && (f.on || c.on); k++) {
        w *= params.discount;
        const gf = f.on ? advance(f) : 0;
        const gc = c.on ? advance(c) : 0;
        total += w * (gf - gc);
      }
      return total;
    },
  };
}
