/**
 * The difference reward's optional look-ahead. A one-step difference credits an action only with
 * its effect on this period's team objective G. The look-ahead continues both branches, the factual
 * one from the post-step state and the counterfactual one from the fork, for `steps` more periods
 * in which every agent plays a scripted continuation policy (greedy, acting for all copies at once). It
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
import { policyContext, type Policy } from '../core/policy.js';
import type { Rng } from '../core/rng.js';
import { allocStepOut, type AgentSpec, type StepOut, type World, type WorldState } from '../core/world.js';
import { policies } from '../../policies/index.js';
import { teamValue } from './team-objective.js';
import { lazySchema } from '../core/lazy-schema.js';

const policyChoice = lazySchema(() =>
  z.object({ type: z.string().describe('Policy type'), params: z.record(z.string(), z.unknown()).default({}).describe('Its params') }).strict(),
);

/** A registered policy and its params, as written in a config. */
export type PolicyChoice = z.infer<ReturnType<typeof policyChoice>>;

/** The `lookAhead` params of the difference scheme. */
export const lookAheadField = lazySchema(() =>
  z
    .object({
      steps: z.number().int().min(1).max(1000).describe('Periods after the step that both branches are continued for'),
      discount: z.number().min(0).max(1).default(1).describe('Weight discount^k of the k-th continued period'),
      policies: z
        .record(z.string(), policyChoice())
        .describe('Continuation policy per agent id or role (an agent id wins over its role); every agent needs one'),
    })
    .strict()
    .optional()
    .describe("Credit effects beyond the step: continue both branches with these scripted policies (e.g. the world's heuristics)"),
);

/** The resolved look-ahead params. */
export type LookAheadParams = NonNullable<z.infer<ReturnType<typeof lookAheadField>>>;

/** Issues of one policy choice for `agent` under `path` (unknown type, bad params, incompatible). */
export function checkPolicyChoice(world: World, agent: AgentSpec, choice: PolicyChoice, path: string): ConfigIssue[] {
  if (!policies.has(choice.type)) return [{ path: `${path}.type`, message: `unknown policy '${choice.type}'; registered: ${policies.ids().join(', ')}` }];
  const spec = policies.get(choice.type);
  const parsed = spec.paramsSchema.safeParse(choice.params);
  if (!parsed.success) return parsed.error.issues.map((i) => ({ path: [`${path}.params`, ...i.path.map(String)].join('.'), message: i.message }));
  const why = spec.incompatibility?.(world, agent, parsed.data);
  return why ? [{ path: `${path}.type`, message: why }] : [];
}

/** Create a greedy helper policy for `agent` (no learning) over `numEnvs` rows. */
export function createPolicy(world: World, agent: AgentSpec, choice: PolicyChoice, numEnvs: number, rng: Rng): Policy {
  const spec = policies.get(choice.type);
  return spec.create(policyContext(world, agent, numEnvs, rng), spec.paramsSchema.parse(choice.params) as Record<string, unknown>);
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

/**
 * One branch for every copy: per-copy states and step outputs whose observations are rows of
 * per-agent buffers, so each continuation policy acts on all copies in one call.
 */
class BranchSet {
  states: WorldState[];
  nexts: WorldState[];
  /** Per agent: observations of all copies (row b = copy b), where the steps write them. */
  readonly obs: Float32Array[];
  /** Per agent: the continuation's actions for all copies. */
  readonly actions: Float64Array[];
  /** Per copy: the step output (obs views into `obs`). */
  readonly outs: StepOut[];
  private readonly actionViews: Float64Array[][];
  /** Per copy: 1 while the branch's episode goes on. */
  readonly on: Uint8Array;
  /** The continuation policies of this branch (one per agent, over all copies). */
  readonly policies: Policy[];

  constructor(
    private readonly world: World,
    numEnvs: number,
    makePolicies: () => Policy[],
  ) {
    const obsSizes = world.observationSpaces.map((s) => s.size);
    const actSizes = world.actionSpaces.map((s) => s.size);
    this.states = Array.from({ length: numEnvs }, () => world.createState());
    this.nexts = Array.from({ length: numEnvs }, () => world.createState());
    this.obs = obsSizes.map((n) => new Float32Array(numEnvs * n));
    this.actions = actSizes.map((n) => new Float64Array(numEnvs * n));
    this.outs = Array.from({ length: numEnvs }, (_, b) => {
      const out = allocStepOut(world);
      return { ...out, obs: obsSizes.map((n, j) => this.obs[j]!.subarray(b * n, (b + 1) * n)) };
    });
    this.actionViews = Array.from({ length: numEnvs }, (_, b) => actSizes.map((n, j) => this.actions[j]!.subarray(b * n, (b + 1) * n)));
    this.on = new Uint8Array(numEnvs);
    this.policies = makePolicies();
  }

  /** Step every live copy once under the continuation; `g[b]` gets copy b's G (0 for ended copies). */
  advance(weights: Float64Array, g: Float64Array): void {
    const world = this.world;
    for (let j = 0; j < this.policies.length; j++) this.policies[j]!.act(this.obs[j]!, this.actions[j]!, 'greedy');
    for (let b = 0; b < this.on.length; b++) {
      if (this.on[b] === 0) {
        g[b] = 0;
        continue;
      }
      const out = this.outs[b]!;
      world.step(this.states[b]!, this.actionViews[b]!, this.nexts[b]!, out);
      out.events.length = 0;
      const swap = this.states[b]!;
      this.states[b] = this.nexts[b]!;
      this.nexts[b] = swap;
      g[b] = teamValue(weights, out.kpis, 0);
      if (allDone(out)) this.on[b] = 0;
    }
  }
}

/**
 * The look-ahead of one agent's difference scheme, over all copies at once. The caller writes each
 * copy's counterfactual first step into `counterfactual.states[b]` / `.outs[b]` (so its
 * observations land in the branch's buffers); `add` then starts the factual branch from the
 * engine's post-step states and adds the discounted G differences of the continued periods to
 * `rewards`. Allocation-free per call.
 */
export function makeLookAhead(world: World, weights: Float64Array, params: LookAheadParams, numEnvs: number, rng: Rng) {
  const { chosen } = choices(world, params);
  const make = (branch: string) => (): Policy[] =>
    world.agents.map((a, j) => createPolicy(world, a, chosen[j]!, numEnvs, rng.split(`look-ahead-${branch}-${a.id}`)));
  const factual = new BranchSet(world, numEnvs, make('factual'));
  const counterfactual = new BranchSet(world, numEnvs, make('counterfactual'));
  const gf = new Float64Array(numEnvs);
  const gc = new Float64Array(numEnvs);
  return {
    counterfactual,
    /** The continuation policies' positions (a stateful heuristic such as sterman carries some), for checkpoints. */
    save: (): unknown[] => [...factual.policies, ...counterfactual.policies].map((p) => p.save?.() ?? null),
    load(data: readonly unknown[]): void {
      [...factual.policies, ...counterfactual.policies].forEach((p, j) => {
        if (data[j] !== null && data[j] !== undefined) p.load?.(data[j]);
      });
    },
    /**
     * Add Σ_k discount^k (G_k factual − G_k counterfactual) to `rewards` for the copies with
     * `stepped[b]` = 1 (the others were reset, not stepped).
     */
    add(
      engine: { readonly states: readonly WorldState[]; readonly obs: readonly Float32Array[]; readonly episodeEnded: Uint8Array },
      stepped: Uint8Array,
      rewards: Float64Array,
    ): void {
      for (let j = 0; j < factual.obs.length; j++) factual.obs[j]!.set(engine.obs[j]!);
      for (let b = 0; b < numEnvs; b++) {
        const live = stepped[b] === 1;
        if (live) world.copyState(engine.states[b]!, factual.states[b]!);
        factual.on[b] = live && engine.episodeEnded[b] === 0 ? 1 : 0;
        counterfactual.on[b] = live && !allDone(counterfactual.outs[b]!) ? 1 : 0;
      }
      let w = 1;
      for (let k = 0; k < params.steps; k++) {
        let any = 0;
        for (let b = 0; b < numEnvs; b++) any |= factual.on[b]! | counterfactual.on[b]!;
        if (any === 0) break;
        w *= params.discount;
        factual.advance(weights, gf);
        counterfactual.advance(weights, gc);
        for (let b = 0; b < numEnvs; b++) rewards[b]! += w * (gf[b]! - gc[b]!);
      }
    },
  };
}
