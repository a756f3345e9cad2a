/**
 * Resolving an experiment: schema validation, then every registry-dependent check (world id and
 * params, agent coverage, policy types and params, reward schemes, detectors), collecting all
 * problems before reporting them at once. The result carries the resolved config (defaults applied
 * everywhere) that a run writes to config.resolved.json, and one assignment per world agent.
 */
import type { z } from 'zod';
import { detectors } from '../detectors/index.js';
import { ConfigError, type ConfigIssue, TacitError } from '../core/errors.js';
import type { World, WorldSpec } from '../core/world.js';
import { compileFallback, compileFaults } from '../faults/compile.js';
import { coordinatedSpec, hasCoordination, wrapWorld } from '../coordination/wrap.js';
import { rewardSchemes } from '../rewards/index.js';
import { worlds } from '../../envs/index.js';
import { policies } from '../../policies/index.js';
import { PARSE_ONCE, parseWith } from '../core/format-issues.js';
import { experimentShellSchema, SEPARATE_SECTIONS, type ExperimentConfig } from './schema.js';
import { forbiddenKeyPaths } from './forbidden-keys.js';
import { estimateMemory, memoryIssues } from './cost.js';
import { expandSweep, type SweepExpansion } from './sweep-check.js';
import { checkDiagnoseSection } from './diagnose-section.js';

// The resolved shape has its own module (its one owner) so that readers of it (the fault layer,
// detectors, the runner, serve) do not depend on this file, which imports every registry.
import type { AgentAssignment, ResolvedExperiment } from './resolved.js';

function fail(issues: ConfigIssue[], source: string): never {
  throw new ConfigError(issues, `invalid experiment config ${source}`);
}

/** Validate a raw config object (parsed YAML/JSON, overrides applied). Throws ConfigError listing every problem. */
export function resolveExperiment(raw: unknown, source = ''): ResolvedExperiment {
  const forbidden = forbiddenKeyPaths(raw);
  if (forbidden.length > 0)
    fail(
      forbidden.map((p) => ({ path: p, message: `the key '${p.split('.').pop()}' is not allowed (it would reach the object prototype); remove it` })),
      source,
    );
  const base = parseWith(experimentShellSchema(), raw, '');
  const issues: ConfigIssue[] = base.ok ? [] : [...base.issues];
  // When the file as a whole fails the schema, keep checking the sections that did parse so that
  // every problem is reported in one go.
  const shell = base.ok ? structuredClone(base.data) : partialConfig(raw);
  if (!shell) fail(issues, source);
  const config = withSeparateSections(shell, raw as Record<string, unknown>, issues);

  const run = config.run;
  if (run && run.steps === undefined && run.episodes === undefined)
    issues.push({ path: 'run', message: 'give run.steps (engine steps) or run.episodes (finished episodes); neither is set' });
  if (run && run.steps !== undefined && run.episodes !== undefined)
    issues.push({ path: 'run', message: `give run.steps or run.episodes, not both (got steps ${run.steps}, episodes ${run.episodes})` });

  const cpEvery = config.output?.checkpointEvery;
  if (run && cpEvery !== undefined && cpEvery > 0 && cpEvery % run.metricsEvery !== 0)
    issues.push({ path: 'output.checkpointEvery', message: `expected a multiple of run.metricsEvery (${run.metricsEvery}), got ${cpEvery}` });
  if (!config.env) fail(issues, source);
  const built = buildWorld(config, issues);
  if (!built) {
    // Without a world, what does not depend on one is still checked (policy and reward-scheme
    // types and params, detector names and params), so one pass reports every problem it can.
    checkAgentEntries(config, issues);
    checkDetectors(config, undefined, issues);
    fail(issues, source);
  }
  const { world, worldSpec, worldParams } = built;
  if (!config.agents) fail(issues, source);

  const assignments = assignAgents(config as ExperimentConfig, world, issues);
  if (run && run.autoreset === 'next-step' && assignments.some((a) => a.policy.learns))
    issues.push({
      path: 'run.autoreset',
      message: "learning policies need 'same-step' autoreset, got 'next-step': remove run.autoreset or set it to same-step",
    });
  const detectorParams = checkDetectors(config, world, issues);

  if (config.faults) compileFaults(config.faults, world, issues);
  issues.push(...checkDiagnoseSection(world, config.diagnose));

  // Refuse what cannot fit in memory here, before anything is allocated (src/config/cost.ts).
  if (issues.length === 0) issues.push(...memoryIssues(estimateMemory(config as ExperimentConfig, world, assignments)));
  if (issues.length > 0) fail(issues, source);
  // The sweep section is checked here too, so validate, run and sweep accept the same files.
  let sweep: SweepExpansion | undefined;
  if (config.sweep) {
    const { sweep: _section, ...rest } = raw as Record<string, unknown>;
    sweep = expandSweep(rest, config.sweep, (point) => resolveExperiment(point));
    if (sweep.issues.length > 0) fail([...sweep.issues], source);
  }
  return {
    config: config as ExperimentConfig,
    worldSpec,
    worldParams,
    assignments,
    detectorParams,
    kpis: world.kpis,
    makeWorld: () => worldSpec.create(worldParams),
    ...(sweep ? { sweep } : {}),
  };
}

/** The world the config names, with its params resolved and coordination wrapped; undefined (and `issues` say why) when it cannot be built. */
function buildWorld(
  config: Partial<ExperimentConfig>,
  issues: ConfigIssue[],
): { world: World; worldSpec: WorldSpec; worldParams: Record<string, unknown> } | undefined {
  const env = config.env!;
  if (!worlds.has(env.id)) {
    issues.push({ path: 'env.id', message: `unknown world '${env.id}'; registered: ${worlds.ids().join(', ')}` });
    return undefined;
  }
  const registered = worlds.get(env.id);
  const wp = parseWith(registered.paramsSchema, env.params, 'env.params');
  if (!wp.ok) {
    issues.push(...wp.issues);
    return undefined;
  }
  const worldParams = wp.data as Record<string, unknown>;
  env.params = worldParams;
  let world: World;
  try {
    world = registered.create(worldParams);
  } catch (err) {
    if (!(err instanceof TacitError || err instanceof RangeError)) throw err;
    issues.push({ path: 'env.params', message: err.message });
    return undefined;
  }
  // Coordination wrappers (src/coordination) change the agents and spaces the rest is checked against.
  const coordination = hasCoordination(config.coordination) ? config.coordination : undefined;
  if (!coordination) return { world, worldSpec: registered, worldParams };
  const wrapIssues: ConfigIssue[] = [];
  world = wrapWorld(world, coordination, wrapIssues).world;
  if (wrapIssues.length > 0) {
    issues.push(...wrapIssues);
    return undefined;
  }
  return { world, worldSpec: coordinatedSpec(registered, coordination), worldParams };
}

/**
 * The `detectors:` section: names, params (defaults filled into `config`) and, given the world,
 * each detector's checks against it. Returns the params by detector name.
 */
function checkDetectors(config: Partial<ExperimentConfig>, world: World | undefined, issues: ConfigIssue[]): Record<string, Record<string, unknown> | false> {
  const detectorParams: Record<string, Record<string, unknown> | false> = {};
  for (const [name, p] of Object.entries(config.detectors ?? {})) {
    if (!detectors.has(name)) {
      issues.push({ path: `detectors.${name}`, message: `unknown detector '${name}'; registered: ${detectors.ids().join(', ') || '(none)'}` });
      continue;
    }
    if (p === false) {
      detectorParams[name] = false;
      continue;
    }
    const parsed = parseWith(detectors.get(name).paramsSchema, p, `detectors.${name}`);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    detectorParams[name] = config.detectors![name] = parsed.data as Record<string, unknown>;
    if (world)
      for (const i of detectors.get(name).worldIssues?.(parsed.data, world) ?? []) issues.push({ path: `detectors.${name}.${i.path}`, message: i.message });
  }
  return detectorParams;
}

/**
 * What of the agent entries can be checked without a world (the world's own params are wrong):
 * each entry's policy type and params and its reward scheme and params, on their own.
 */
function checkAgentEntries(config: Partial<ExperimentConfig>, issues: ConfigIssue[]): void {
  (config.agents ?? []).forEach((entry, k) => {
    const at = `agents[${k}]`;
    if (!policies.has(entry.policy.type))
      issues.push({ path: `${at}.policy.type`, message: `unknown policy '${entry.policy.type}'; registered: ${policies.ids().join(', ')}` });
    else {
      const pp = parseWith(policies.get(entry.policy.type).paramsSchema, entry.policy.params, `${at}.policy.params`);
      if (!pp.ok) issues.push(...pp.issues);
    }
    if (!rewardSchemes.has(entry.reward.scheme))
      issues.push({ path: `${at}.reward.scheme`, message: `unknown reward scheme '${entry.reward.scheme}'; registered: ${rewardSchemes.ids().join(', ')}` });
    else {
      const sp = parseWith(rewardSchemes.get(entry.reward.scheme).paramsSchema, entry.reward.params, `${at}.reward.params`);
      if (!sp.ok) issues.push(...sp.issues);
    }
  });
}

/** The sections of `raw` that parse on their own (undefined for those that do not); the separate sections as they are. */
function partialConfig(raw: unknown): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const shape = experimentShellSchema().shape;
  const out: Record<string, unknown> = {};
  for (const key of ['env', 'agents', 'run', 'detectors', 'output', 'diagnose'] as const) {
    const r = shape[key].safeParse((raw as Record<string, unknown>)[key], PARSE_ONCE);
    if (r.success) out[key] = structuredClone(r.data);
  }
  for (const key of Object.keys(SEPARATE_SECTIONS)) if (key in raw) out[key] = (raw as Record<string, unknown>)[key];
  return out;
}

/**
 * `shell` (parsed with the faults, coordination and sweep sections left as they are) with each of
 * those sections present parsed by its own schema, in its place; one that fails is dropped and its
 * problems join `issues`. Equal to what parsing the whole file with experimentSchema gives.
 */
function withSeparateSections(shell: Record<string, unknown>, raw: Record<string, unknown>, issues: ConfigIssue[]): Partial<ExperimentConfig> {
  const config = { ...shell };
  for (const [key, schema] of Object.entries(SEPARATE_SECTIONS)) {
    if (config[key] === undefined) continue;
    const parsed = parseWith(schema() as z.ZodType, raw[key], key);
    if (parsed.ok) config[key] = structuredClone(parsed.data);
    else {
      issues.push(...parsed.issues);
      delete config[key];
    }
  }
  return config as Partial<ExperimentConfig>;
}

/** Match config entries to world agents; validate policies and schemes; fill defaults into `config`. */
function assignAgents(config: ExperimentConfig, world: World, issues: ConfigIssue[]): AgentAssignment[] {
  const ids = world.agents.map((a) => a.id);
  const roles = [...new Set(world.agents.map((a) => a.role))];
  const byId = new Map<number, number>();
  const byRole = new Map<string, number>();
  config.agents.forEach((entry, k) => {
    if (entry.id !== undefined) {
      const agent = world.agents.find((a) => a.id === entry.id);
      if (!agent) issues.push({ path: `agents[${k}].id`, message: `unknown agent '${entry.id}'; this world's agents: ${ids.join(', ')}` });
      else if (byId.has(agent.index))
        issues.push({ path: `agents[${k}].id`, message: `agent '${entry.id}' is configured twice (also agents[${byId.get(agent.index)}])` });
      else {
        byId.set(agent.index, k);
        if (entry.role !== undefined && entry.role !== agent.role)
          issues.push({ path: `agents[${k}].role`, message: `agent '${entry.id}' has role '${agent.role}', not '${entry.role}'` });
      }
    } else if (entry.role !== undefined) {
      if (!roles.includes(entry.role))
        issues.push({ path: `agents[${k}].role`, message: `unknown role '${entry.role}'; this world's roles: ${roles.join(', ')}` });
      else if (byRole.has(entry.role))
        issues.push({ path: `agents[${k}].role`, message: `role '${entry.role}' is configured twice (also agents[${byRole.get(entry.role)}])` });
      else byRole.set(entry.role, k);
    } else {
      issues.push({ path: `agents[${k}]`, message: `give an agent 'id' (one of ${ids.join(', ')}) or a 'role' (one of ${roles.join(', ')})` });
    }
  });

  const assignments: AgentAssignment[] = [];
  const checked = new Set<string>();
  for (const agent of world.agents) {
    const k = byId.get(agent.index) ?? byRole.get(agent.role);
    if (k === undefined) {
      issues.push({
        path: 'agents',
        message: `no entry for agent '${agent.id}' (role '${agent.role}'); add {id: ${agent.id}, policy: ...} or {role: ${agent.role}, policy: ...}`,
      });
      continue;
    }
    const entry = config.agents[k]!;
    const at = `agents[${k}]`;
    if (!policies.has(entry.policy.type)) {
      if (!checked.has(`${k}/policy`))
        issues.push({ path: `${at}.policy.type`, message: `unknown policy '${entry.policy.type}'; registered: ${policies.ids().join(', ')}` });
      checked.add(`${k}/policy`);
      continue;
    }
    const policy = policies.get(entry.policy.type);
    const pp = parseWith(policy.paramsSchema, entry.policy.params, `${at}.policy.params`);
    // Bad policy params do not stop the reward checks below: every problem is reported in one pass.
    if (!pp.ok) {
      if (!checked.has(`${k}/pparams`)) issues.push(...pp.issues);
      checked.add(`${k}/pparams`);
    } else {
      const why = policy.incompatibility?.(world, agent, pp.data) ?? fallbackProblem(policy.fallback?.(pp.data), world, agent.index);
      if (why) issues.push({ path: `${at}.policy.type`, message: `policy '${policy.id}' cannot control agent '${agent.id}': ${why}` });
    }
    if (!rewardSchemes.has(entry.reward.scheme)) {
      if (!checked.has(`${k}/scheme`))
        issues.push({ path: `${at}.reward.scheme`, message: `unknown reward scheme '${entry.reward.scheme}'; registered: ${rewardSchemes.ids().join(', ')}` });
      checked.add(`${k}/scheme`);
      continue;
    }
    const scheme = rewardSchemes.get(entry.reward.scheme);
    const sp = parseWith(scheme.paramsSchema, entry.reward.params, `${at}.reward.params`);
    if (!sp.ok) {
      if (!checked.has(`${k}/sparams`)) issues.push(...sp.issues);
      checked.add(`${k}/sparams`);
      continue;
    }
    for (const iss of scheme.check?.(world, agent, sp.data) ?? []) {
      const path = `${at}.reward.params${iss.path ? `.${iss.path}` : ''}`;
      if (!issues.some((x) => x.path === path && x.message === iss.message)) issues.push({ path, message: iss.message });
    }
    if (!pp.ok) continue;
    entry.policy.params = pp.data as Record<string, unknown>;
    entry.reward.params = sp.data as Record<string, unknown>;
    assignments.push({ agent, entry: k, policy, policyParams: pp.data as Record<string, unknown>, scheme, schemeParams: sp.data as Record<string, unknown> });
  }
  return assignments;
}

/** What is wrong with a policy's own fallback (PolicySpec.fallback), checked like a fault guard's; undefined when none or fine. */
function fallbackProblem(fallback: unknown, world: World, agent: number): string | undefined {
  if (fallback === undefined) return undefined;
  const issues: ConfigIssue[] = [];
  compileFallback(fallback, world, agent, issues);
  // Keep each problem's field path (e.g. firm1.policy.params.fallback.policy.params.action): the message is all the user sees.
  return issues.length > 0 ? `fallback: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}` : undefined;
}
