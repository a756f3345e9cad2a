/**
 * Composing the coordination wrappers around a world, in a fixed order from the inside out:
 *
 *   budgets → messages → supervisors
 *
 * so a budget limits what the world finally receives, a message channel sits on top of the
 * budgeted world, and supervisor agents (appended last, acting after everyone) see their worker's
 * full observation and proposed action, messages included. Each wrapper's part of the state is
 * found by walking `inner` from the outermost state (`partState`). The wrapped spec keeps the
 * inner world's id (results stay comparable; the config's `coordination` section says what was
 * added) and analyses the run through src/coordination/analysis.ts.
 */
import { ConfigError, type ConfigIssue } from '../core/errors.js';
import type { World, WorldSpec, WorldState } from '../core/world.js';
import { analyzeCoordinated } from './analysis.js';
import { withBudgets, type BudgetedWorld, type BudgetState } from './budget.js';
import type { WrappedState } from './wrapped.js';
import { withMessages, type MessagesState, type MessagesWorld } from './messages.js';
import type { CoordinationConfig } from './schema.js';
import { withSupervisors, type SupervisedWorld, type SupervisorState } from './supervisor.js';

/** A wrapped world and where each capability sits in it. */
export interface Coordinated {
  /** The outermost world (what the engine runs). */
  readonly world: World;
  /** The world without any wrapper. */
  readonly base: World;
  /** Each capability's world and its depth (number of `inner` hops from the outermost state), when configured. */
  readonly budgets?: { readonly world: BudgetedWorld; readonly depth: number };
  readonly messages?: { readonly world: MessagesWorld; readonly depth: number };
  readonly supervisors?: { readonly world: SupervisedWorld; readonly depth: number };
}

/** Whether a config's `coordination` section adds anything. */
export function hasCoordination(cfg: CoordinationConfig | undefined): cfg is CoordinationConfig {
  return cfg !== undefined && (cfg.messages !== undefined || cfg.supervisors !== undefined || cfg.budgets !== undefined);
}

/** Wrap `base` as `cfg` says; problems go to `issues` (paths under `coordination`). */
export function wrapWorld(base: World, cfg: CoordinationConfig, issues: ConfigIssue[]): Coordinated {
  let world = base;
  const layers: { kind: 'budgets' | 'messages' | 'supervisors'; world: World }[] = [];
  if (cfg.budgets) layers.push({ kind: 'budgets', world: (world = withBudgets(world, cfg.budgets, issues)) });
  if (cfg.messages) layers.push({ kind: 'messages', world: (world = withMessages(world, cfg.messages, issues)) });
  if (cfg.supervisors) layers.push({ kind: 'supervisors', world: (world = withSupervisors(world, cfg.supervisors, issues)) });
  const depthOf = (k: number): number => layers.length - 1 - k;
  const out: { -readonly [K in keyof Coordinated]: Coordinated[K] } = { world, base };
  layers.forEach((l, k) => {
    if (l.kind === 'budgets') out.budgets = { world: l.world as BudgetedWorld, depth: depthOf(k) };
    if (l.kind === 'messages') out.messages = { world: l.world as MessagesWorld, depth: depthOf(k) };
    if (l.kind === 'supervisors') out.supervisors = { world: l.world as SupervisedWorld, depth: depthOf(k) };
  });
  return out;
}

/** The state of the wrapper `depth` hops inside the outermost state `root`. */
export function partState<S extends BudgetState | MessagesState | SupervisorState>(root: WorldState, depth: number): S {
  // A downcast, not a check: wrapWorld put a state of kind S at this depth (Coordinated records
  // it), and this runs per copy in every step's hook, so it tests nothing at run time.
  let s = root;
  for (let d = 0; d < depth; d++) s = (s as WrappedState).inner;
  return s as S;
}

/** Each wrapped world's parts, so the end-of-run analysis (given only the world) finds its channel. */
const built = new WeakMap<World, Coordinated>();

/** A world spec whose worlds carry coordination wrappers; `build` gives the wrapped world with its parts. */
export interface CoordinatedSpec extends WorldSpec {
  build(params: Record<string, unknown>): Coordinated;
}

/** A world spec whose worlds carry the wrappers of `cfg` (checked: wrapWorld found no issue). */
export function coordinatedSpec(spec: WorldSpec, cfg: CoordinationConfig): CoordinatedSpec {
  const build = (params: Record<string, unknown>): Coordinated => {
    const issues: ConfigIssue[] = [];
    const c = wrapWorld(spec.create(params), cfg, issues);
    if (issues.length > 0) throw new ConfigError(issues, 'invalid coordination section');
    built.set(c.world, c);
    return c;
  };
  return {
    ...spec,
    create: (params) => build(params).world,
    build,
    analyze: (ctx) => analyzeCoordinated(spec, cfg, ctx, built.get(ctx.world)?.messages?.world.messages ?? null),
  };
}

/** The wrapped world of a resolved experiment with its parts, or null without a coordination section. */
export function coordinatedOf(worldSpec: WorldSpec, params: Record<string, unknown>): Coordinated | null {
  return 'build' in worldSpec ? (worldSpec as CoordinatedSpec).build(params) : null;
}
