/**
 * Checking a `faults` section against its world and compiling it into index form: agent ids and
 * roles become agent indices, observation field names become slot indices, criteria become
 * (component or KPI index, bounds), fallback policies are validated against the policy registry
 * (defaults written back into the config). Every problem is reported with its field path and the
 * valid names, like the rest of the config resolution.
 */
import type { ConfigIssue } from '../core/errors.js';
import type { PolicySpec } from '../core/policy.js';
import type { Space } from '../core/spaces.js';
import type { World } from '../core/world.js';
import { policies } from '../../policies/index.js';
import { parseWith } from '../core/format-issues.js';
import { compileAdversaryPolicy, type CompiledAdversaryPolicy } from './adversary.js';
import type { Condition, Fallback, FaultsConfig, Guard, Injection } from './schema.js';

/** A fallback in index form. */
export type CompiledFallback =
  | { readonly kind: 'noop' }
  | { readonly kind: 'last-action' }
  | { readonly kind: 'policy'; readonly spec: PolicySpec; readonly params: Record<string, unknown>; readonly key: string };

/** One injection, resolved. `agents[n]` is an agent index and `slots[n]` its affected observation slots. */
export interface CompiledInjection {
  readonly k: number;
  readonly spec: Injection;
  readonly agents: readonly number[];
  readonly slots: readonly Int32Array[];
  /** Hand-offs: the sending agent's index (−1 otherwise). */
  readonly from: number;
  /** Dropouts: the fallback. */
  readonly fallback: CompiledFallback | null;
  /** Adversaries: how the adversary acts, and whom it poisons (agents and their slots). */
  readonly adversary?: {
    readonly policy: CompiledAdversaryPolicy;
    readonly contagion: { readonly agents: readonly number[]; readonly slots: readonly Int32Array[] } | null;
  };
}

/** One guard, resolved. */
export interface CompiledGuard {
  readonly k: number;
  readonly spec: Guard;
  readonly agents: readonly number[];
  readonly fallback: CompiledFallback;
}

/** A success condition in index form: value of `source` at `index` must lie in [lo, hi]. */
export interface CompiledCondition {
  readonly source: 'component' | 'kpi';
  readonly index: number;
  readonly lo: number;
  readonly hi: number;
}

/** Reliability criteria, resolved. */
export interface CompiledReliability {
  /** Per agent index: its conditions, or null when it has no criterion. */
  readonly criteria: readonly (readonly CompiledCondition[] | null)[];
  /** Team conditions (KPIs), or null for "every agent with a criterion succeeded". */
  readonly team: readonly CompiledCondition[] | null;
  readonly unit: 'step' | 'episode';
  readonly episodeShare: number;
  readonly horizon: number;
}

/** A `faults` section in index form. */
export interface CompiledFaults {
  readonly injections: readonly CompiledInjection[];
  readonly guards: readonly CompiledGuard[];
  readonly reliability: CompiledReliability | null;
}

/** Slot names of a space (indices as strings when unnamed). */
export function slotNames(space: Space): string[] {
  const names = space.kind === 'discrete' ? undefined : space.names;
  return names ? [...names] : Array.from({ length: space.size }, (_, k) => String(k));
}

/** Compile `faults` for `world`, appending any problem to `issues` (paths start with `prefix`). */
export function compileFaults(faults: FaultsConfig, world: World, issues: ConfigIssue[], prefix = 'faults'): CompiledFaults {
  const ids = world.agents.map((a) => a.id);
  const roles = [...new Set(world.agents.map((a) => a.role))];
  const reliabilityCfg = faults.reliability;
  const hasCriterion = new Set<number>();
  if (reliabilityCfg)
    for (const key of Object.keys(reliabilityCfg.criteria)) for (const a of world.agents) if (a.id === key || a.role === key) hasCriterion.add(a.index);

  const selectAgents = (given: readonly string[] | undefined, path: string): number[] => {
    if (!given) return world.agents.map((a) => a.index);
    const out = new Set<number>();
    given.forEach((name, n) => {
      const matched = world.agents.filter((a) => a.id === name || a.role === name);
      if (matched.length === 0)
        issues.push({ path: `${path}[${n}]`, message: `unknown agent or role '${name}'; agents: ${ids.join(', ')}; roles: ${roles.join(', ')}` });
      for (const a of matched) out.add(a.index);
    });
    return [...out].sort((a, b) => a - b);
  };
  const agentId = (name: string, path: string): number => {
    const i = ids.indexOf(name);
    if (i < 0) issues.push({ path, message: `unknown agent '${name}'; this world's agents: ${ids.join(', ')}` });
    return i;
  };
  const selectSlots = (agent: number, given: readonly (string | number)[] | undefined, path: string): Int32Array => {
    const space = world.observationSpaces[agent]!;
    if (!given) return Int32Array.from({ length: space.size }, (_, k) => k);
    const names = slotNames(space);
    const slots: number[] = [];
    given.forEach((f, n) => {
      const slot = typeof f === 'number' ? (f < space.size ? f : -1) : names.indexOf(f);
      if (slot < 0) {
        const at = `${path}[${n}]`;
        if (!issues.some((x) => x.path === at))
          issues.push({ path: at, message: `unknown observation field ${JSON.stringify(f)} of agent '${ids[agent]}'; valid: ${names.join(', ')}` });
      } else if (!slots.includes(slot)) slots.push(slot);
    });
    return Int32Array.from(slots);
  };
  const fallbackOf = (fb: Fallback, agentsOf: readonly number[], path: string, setParams: (p: Record<string, unknown>) => void): CompiledFallback => {
    if (fb === 'noop') return { kind: 'noop' };
    if (fb === 'last-action') return { kind: 'last-action' };
    const { type, params } = fb.policy;
    if (!policies.has(type)) {
      issues.push({ path: `${path}.policy.type`, message: `unknown policy '${type}'; registered: ${policies.ids().join(', ')}` });
      return { kind: 'noop' };
    }
    const spec = policies.get(type);
    if (spec.learns)
      issues.push({
        path: `${path}.policy.type`,
        message: `policy '${type}' learns, but a fallback never trains; use a scripted policy (e.g. constant, threshold)`,
      });
    const parsed = parseWith(spec.paramsSchema, params, `${path}.policy.params`);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      return { kind: 'noop' };
    }
    setParams(parsed.data as Record<string, unknown>);
    const bad = agentsOf.map((i) => [i, spec.incompatibility?.(world, world.agents[i]!, parsed.data)] as const).filter(([, why]) => why !== undefined);
    if (bad.length > 0) {
      const more =
        bad.length > 1
          ? ` (and ${bad.length - 1} more: ${bad
              .slice(1)
              .map(([i]) => ids[i])
              .join(', ')})`
          : '';
      issues.push({ path: `${path}.policy.type`, message: `fallback policy '${type}' cannot act for agent '${ids[bad[0]![0]]}'${more}: ${bad[0]![1]}` });
    }
    return { kind: 'policy', spec, params: parsed.data as Record<string, unknown>, key: path };
  };

  const injections: CompiledInjection[] = [];
  const delayed = new Set<number>();
  const shared = new Set<number>();
  const compromised = new Set<number>();
  faults.injections.forEach((spec, k) => {
    const path = `${prefix}.injections[${k}]`;
    if (spec.type === 'handoff') {
      const from = agentId(spec.from, `${path}.from`);
      const to = agentId(spec.to, `${path}.to`);
      if (from >= 0 && from === to) issues.push({ path: `${path}.to`, message: `a hand-off needs two different agents, got from = to = '${spec.to}'` });
      const slots = to >= 0 ? [selectSlots(to, spec.fields, `${path}.fields`)] : [];
      injections.push({ k, spec, agents: to >= 0 ? [to] : [], slots, from, fallback: null });
      return;
    }
    const agentsOf = selectAgents(spec.agents, `${path}.agents`);
    const fieldsOf = 'fields' in spec ? spec.fields : undefined;
    const actionSide =
      spec.type === 'dropout' ||
      spec.type === 'action-delay' ||
      spec.type === 'action-corruption' ||
      spec.type === 'shared-writes' ||
      spec.type === 'adversary';
    const slots = agentsOf.map((i) => (actionSide ? new Int32Array(0) : selectSlots(i, fieldsOf, `${path}.fields`)));
    // One injection of each of these kinds per agent: they own the agent's action stream.
    for (const [type, seen] of [
      ['action-delay', delayed],
      ['shared-writes', shared],
      ['adversary', compromised],
    ] as const)
      if (spec.type === type)
        for (const i of agentsOf) {
          if (seen.has(i))
            issues.push({
              path: `${path}.agents`,
              message: `agent '${ids[i]}' already has a${type === 'adversary' ? 'n' : ''} ${type} injection; give one per agent`,
            });
          seen.add(i);
        }
    if (spec.type === 'adversary') {
      const policy = compileAdversaryPolicy(spec, world, agentsOf, issues, path);
      const c = spec.contagion;
      const toAgents = c ? selectAgents(c.to, `${path}.contagion.to`) : [];
      const contagion = c ? { agents: toAgents, slots: toAgents.map((i) => selectSlots(i, c.fields, `${path}.contagion.fields`)) } : null;
      injections.push({ k, spec, agents: agentsOf, slots, from: -1, fallback: null, ...(policy ? { adversary: { policy, contagion } } : {}) });
      return;
    }
    const fallback =
      spec.type === 'dropout'
        ? fallbackOf(spec.fallback, agentsOf, `${path}.fallback`, (p) => ((spec.fallback as { policy: { params: unknown } }).policy.params = p))
        : null;
    injections.push({ k, spec, agents: agentsOf, slots, from: -1, fallback });
  });

  const guards: CompiledGuard[] = [];
  faults.guards.forEach((spec, k) => {
    const path = `${prefix}.guards[${k}]`;
    const agentsOf = selectAgents(spec.agents, `${path}.agents`);
    if (spec.type === 'circuit-breaker' && spec.count.includes('failure'))
      for (const i of agentsOf)
        if (!hasCriterion.has(i))
          issues.push({
            path: `${path}.count`,
            message: `'failure' needs a success criterion for agent '${ids[i]}' in ${prefix}.reliability.criteria; add one or drop 'failure'`,
          });
    const fallback = fallbackOf(spec.fallback, agentsOf, `${path}.fallback`, (p) => ((spec.fallback as { policy: { params: unknown } }).policy.params = p));
    guards.push({ k, spec, agents: agentsOf, fallback });
  });
  for (const type of ['circuit-breaker', 'timeout'] as const) {
    const seen = new Set<number>();
    guards.forEach((g) => {
      if (g.spec.type !== type) return;
      for (const i of g.agents) {
        if (seen.has(i)) issues.push({ path: `${prefix}.guards[${g.k}].agents`, message: `agent '${ids[i]}' already has a ${type} guard; give one per agent` });
        seen.add(i);
      }
    });
  }

  for (const i of shared)
    if (delayed.has(i))
      issues.push({
        path: `${prefix}.injections`,
        message: `agent '${ids[i]}' has both action-delay and shared-writes; shared-writes already delays its commitments (latency): drop one`,
      });
  return { injections, guards, reliability: reliabilityCfg ? compileReliability(reliabilityCfg, world, issues, `${prefix}.reliability`) : null };
}

function compileReliability(cfg: NonNullable<FaultsConfig['reliability']>, world: World, issues: ConfigIssue[], path: string): CompiledReliability {
  const ids = world.agents.map((a) => a.id);
  const roles = [...new Set(world.agents.map((a) => a.role))];
  const kpis = world.kpis.map((k) => k.name);
  const condition = (c: Condition, agent: number, at: string): CompiledCondition | null => {
    const lo = c.atLeast ?? -Infinity;
    const hi = c.atMost ?? Infinity;
    if (c.kpi !== undefined) {
      const index = kpis.indexOf(c.kpi);
      if (index < 0) issues.push({ path: `${at}.kpi`, message: `unknown KPI '${c.kpi}'; valid: ${kpis.join(', ') || '(none)'}` });
      return index < 0 ? null : { source: 'kpi', index, lo, hi };
    }
    if (agent < 0) {
      issues.push({
        path: `${at}.component`,
        message: `the team criterion can only use KPIs (${kpis.join(', ') || 'none'}); per-agent components belong in criteria`,
      });
      return null;
    }
    const comps = world.rewardComponents[agent]!;
    const index = comps.indexOf(c.component!);
    if (index < 0)
      issues.push({ path: `${at}.component`, message: `unknown reward component '${c.component}' of agent '${ids[agent]}'; valid: ${comps.join(', ')}` });
    return index < 0 ? null : { source: 'component', index, lo, hi };
  };
  const list = (crit: Condition | Condition[], agent: number, at: string): CompiledCondition[] => {
    const cs = Array.isArray(crit) ? crit : [crit];
    return cs.map((c, n) => condition(c, agent, Array.isArray(crit) ? `${at}[${n}]` : at)).filter((x): x is CompiledCondition => x !== null);
  };

  const criteria: (CompiledCondition[] | null)[] = world.agents.map(() => null);
  const byRole = new Map<string, string>();
  for (const key of Object.keys(cfg.criteria)) {
    if (!ids.includes(key) && !roles.includes(key))
      issues.push({ path: `${path}.criteria.${key}`, message: `unknown agent or role '${key}'; agents: ${ids.join(', ')}; roles: ${roles.join(', ')}` });
    else if (!ids.includes(key)) byRole.set(key, key);
  }
  for (const a of world.agents) {
    const key = cfg.criteria[a.id] !== undefined ? a.id : byRole.get(a.role);
    if (key !== undefined) criteria[a.index] = list(cfg.criteria[key]!, a.index, `${path}.criteria.${key}`);
  }
  if (criteria.every((c) => c === null) && Object.keys(cfg.criteria).length === 0)
    issues.push({
      path: `${path}.criteria`,
      message: `give a success criterion for at least one agent, e.g. {${ids[0]}: {component: ${world.rewardComponents[0]![0]}, atLeast: 0}}`,
    });
  const team = cfg.team ? list(cfg.team, -1, `${path}.team`) : null;
  if (cfg.unit === 'episode' && world.episodeLength === 0)
    issues.push({ path: `${path}.unit`, message: `world ${world.id} never ends an episode; use unit: step` });
  return { criteria, team, unit: cfg.unit, episodeShare: cfg.episodeShare, horizon: cfg.cascadeHorizon };
}

/**
 * Compile the fallback of a policy that can fail to answer (an external agent's `fallback`
 * param) for agent `agent`, through the same checks as a guard's fallback.
 */
export function compileFallback(fallback: unknown, world: World, agent: number, issues: ConfigIssue[]): CompiledFallback {
  const id = world.agents[agent]!.id;
  const faults = { injections: [], guards: [{ type: 'timeout' as const, agents: [id], maxDelay: 0, fallback: fallback as Fallback }] };
  const prefix = `${id}.policy.params.fallback`;
  const found: ConfigIssue[] = [];
  const plan = compileFaults(faults, world, found, prefix);
  // Report paths as the user wrote them, without the stand-in guard this was compiled through.
  for (const i of found) issues.push({ ...i, path: i.path.replace(`${prefix}.guards[0].fallback`, prefix) });
  return plan.guards[0]!.fallback;
}
