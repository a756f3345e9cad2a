/**
 * What the three coordination wrappers share: a wrapped world's state holds the inner world's
 * state under `inner` plus the wrapper's own typed arrays (so snapshots, checkpoints and forks of
 * the wrapped world are plain copies, as the world contract asks); the inner world writes into a
 * scratch StepOut allocated once, which the wrapper copies into its own (extra slots appended);
 * and a replacement action ('noop', 'last-action' or a fixed action) is resolved in one place.
 */
import { contains, describeSpace, type Space } from '../core/spaces.js';
import { allocStepOut, type StepOut, type World, type WorldState } from '../core/world.js';
import type { ConfigIssue } from '../core/errors.js';
import type { Replacement } from './schema.js';

/** The state of a wrapped world: the inner world's state plus the wrapper's own arrays. */
export interface WrappedState {
  readonly inner: WorldState;
}

/** Copy a wrapped state: the inner world's own copy, then every typed array of the wrapper. */
export function copyWrapped(inner: World, src: Readonly<WrappedState>, dst: WrappedState): void {
  inner.copyState(src.inner, dst.inner);
  // Each wrapper's state is its own interface; its fields are read by name (no allocation, unlike Object.entries).
  for (const key in src) {
    if (key === 'inner') continue;
    const from: unknown = Reflect.get(src, key);
    const to: unknown = Reflect.get(dst, key);
    if (isStateArray(from) && isStateArray(to)) to.set(from);
  }
}

/** The typed arrays a wrapper keeps its state in. */
type StateArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

function isStateArray(x: unknown): x is StateArray {
  return (
    x instanceof Float64Array ||
    x instanceof Float32Array ||
    x instanceof Int32Array ||
    x instanceof Uint32Array ||
    x instanceof Uint16Array ||
    x instanceof Uint8Array
  );
}

/** A scratch StepOut for the inner world (allocated once per wrapper instance, never per step). */
export function scratchOut(inner: World): StepOut {
  return allocStepOut(inner);
}

/** Copy the inner world's results into `out`: observations and rewards as prefixes, KPIs and flags whole, events moved. */
export function copyInnerOut(inner: World, from: StepOut, out: StepOut): void {
  const nA = inner.agents.length;
  for (let i = 0; i < nA; i++) {
    out.obs[i]!.set(from.obs[i]!);
    out.rewards[i]!.set(from.rewards[i]!);
    out.terminated[i] = from.terminated[i]!;
    out.truncated[i] = from.truncated[i]!;
  }
  out.kpis.set(from.kpis);
  if (from.events.length > 0) {
    for (const e of from.events) out.events.push(e);
    from.events.length = 0;
  }
}

/** A replacement in index form: the action to write, or the agent's last executed action. */
export type CompiledReplacement = { readonly kind: 'noop' } | { readonly kind: 'last-action' } | { readonly kind: 'action'; readonly action: Float64Array };

/** Check a replacement against agent i's action space (issues get `path`). */
export function compileReplacement(r: Replacement, world: World, agent: number, path: string, issues: ConfigIssue[]): CompiledReplacement {
  if (r === 'noop' || r === 'last-action') return { kind: r };
  const space: Space = world.actionSpaces[agent]!;
  const action = Float64Array.from(r.action);
  if (action.length !== space.size || !contains(space, action))
    issues.push({
      path: `${path}.action`,
      message: `[${r.action.join(', ')}] is not an action of agent '${world.agents[agent]!.id}', whose action space is ${space.kind === 'discrete' ? `Discrete(${space.n})` : describeSpace(space)}; give ${space.size} slot(s) inside it, or use 'noop'`,
    });
  return { kind: 'action', action };
}

/** Write agent i's replacement action into `out` (`last[lastAt …]` holds its last executed action; copied slot by slot so nothing is allocated per step). */
export function writeReplacement(
  r: CompiledReplacement,
  world: World,
  agent: number,
  state: Readonly<WorldState>,
  last: Float64Array,
  lastAt: number,
  out: Float64Array,
): void {
  if (r.kind === 'action') out.set(r.action);
  else if (r.kind === 'last-action') for (let x = 0; x < out.length; x++) out[x] = last[lastAt + x]!;
  else world.defaultAction(agent, state, out);
}

/** Agent indices named by ids or roles (every agent when `names` is absent); unknown names become issues. */
export function selectAgents(world: World, names: readonly string[] | undefined, path: string, issues: ConfigIssue[]): number[] {
  if (!names) return world.agents.map((a) => a.index);
  const ids = world.agents.map((a) => a.id);
  const roles = [...new Set(world.agents.map((a) => a.role))];
  const out = new Set<number>();
  names.forEach((name, n) => {
    const matched = world.agents.filter((a) => a.id === name || a.role === name);
    if (matched.length === 0)
      issues.push({ path: `${path}[${n}]`, message: `unknown agent or role '${name}'; agents: ${ids.join(', ')}; roles: ${roles.join(', ')}` });
    for (const a of matched) out.add(a.index);
  });
  return [...out].sort((a, b) => a - b);
}

/**
 * The parts of a world that a wrapper keeping its spaces passes through unchanged: ids, spaces,
 * rewards, KPIs and the capability groups that are pure functions of the spaces (decisions,
 * action values, proposals). Never the kernels, the batched fast path (`batch`), the stage game's
 * payoffs (`repeatedGame`, which a wrapper changing rewards must restate) or world-specific extras
 * (a market's `game`): those must not bypass the wrapper.
 */
export function spacesOf(
  inner: World,
): Pick<
  World,
  | 'id'
  | 'params'
  | 'agents'
  | 'observationSpaces'
  | 'actionSpaces'
  | 'rewardComponents'
  | 'kpis'
  | 'features'
  | 'episodeLength'
  | 'teamObjective'
  | 'decisions'
  | 'actionValues'
  | 'proposals'
> {
  return {
    id: inner.id,
    params: inner.params,
    agents: inner.agents,
    observationSpaces: inner.observationSpaces,
    actionSpaces: inner.actionSpaces,
    rewardComponents: inner.rewardComponents,
    kpis: inner.kpis,
    features: inner.features,
    episodeLength: inner.episodeLength,
    ...(inner.teamObjective ? { teamObjective: inner.teamObjective } : {}),
    ...(inner.decisions ? { decisions: inner.decisions } : {}),
    ...(inner.actionValues ? { actionValues: inner.actionValues } : {}),
    ...(inner.proposals ? { proposals: inner.proposals } : {}),
  };
}
