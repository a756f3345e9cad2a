/**
 * One served world: a VecEngine of `numEnvs` copies of a registered world, with the reward scheme
 * of every agent, the experiment's fault layer and the dual ledger, driven by actions that arrive
 * from outside instead of from policies. This is the seed-run loop body (src/run/seed-run.ts) with
 * the `act` calls replaced by the client's actions, written into the env's action buffers and
 * stepped through the engine wrapped in the experiment's faults (src/faults/engine.ts), with the
 * schemes and ledger in the post-step hook.
 *
 * Seeding follows Gymnasium: `reset(seed)` starts the copies' episode streams from `seed` exactly as
 * a run's engine with master seed `seed` does (so the TypeScript engine reproduces the trajectory
 * bit for bit); `reset()` without a seed continues the current streams (the next episode).
 */
import { resolveExperiment } from '../config/resolve.js';
import type { ResolvedExperiment } from '../config/resolved.js';
import { AutoresetMode, VecEngine } from '../core/engine.js';
import { ConfigError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { spaceJson } from '../core/space-json.js';
import { contains, describeSpace } from '../core/spaces.js';
import type { World } from '../core/world.js';
import type { VecEnv } from '../core/vec-env.js';
import { withFaults } from '../faults/engine.js';
import { createFaultLayer, type FaultLayer } from '../faults/layer.js';
import type { RewardScheme } from '../rewards/scheme.js';
import { MetricsAccumulator } from '../run/metrics.js';
import { worlds } from '../../envs/index.js';
import { ProtocolError } from './protocol.js';

/** What a client asks to be served (the `make` message). */
export interface SessionConfig {
  /** World id and params, as in an experiment's `env` section. */
  readonly env: { readonly id: string; readonly params?: unknown };
  /** Reward schemes by agent id or role, as in an experiment's `agents` entries (`policy` may be omitted). Default: `local` for everyone. */
  readonly agents?: readonly Record<string, unknown>[];
  /** An experiment's `faults` section. */
  readonly faults?: unknown;
  /** World copies stepped together (default 1). */
  readonly numEnvs?: number;
  /** 'disabled' (the client resets; PettingZoo's Parallel API) or 'same-step' (vectorised use). Default 'disabled'. */
  readonly autoreset?: 'disabled' | 'same-step';
}

/**
 * The `make` message's fields as a SessionConfig, checked field by field (a ProtocolError
 * 'bad-config' names the first bad one); world params, agents' entries and faults are left to the
 * experiment schema, which reports every issue with its path.
 */
export function sessionConfig(msg: Readonly<Record<string, unknown>>): SessionConfig {
  const { env, faults, numEnvs, autoreset } = msg;
  const agents = msg['agents'] ?? undefined; // null: none given, as before
  const n = numEnvs ?? 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65536)
    throw new ProtocolError('bad-config', `numEnvs: expected an integer from 1 to 65536, got ${JSON.stringify(numEnvs)}`);
  if (autoreset !== undefined && autoreset !== 'disabled' && autoreset !== 'same-step')
    throw new ProtocolError('bad-config', `autoreset: expected 'disabled' or 'same-step', got ${JSON.stringify(autoreset)}`);
  if (!isRecord(env) || typeof env['id'] !== 'string')
    throw new ProtocolError('bad-config', `env: expected {id, params}, e.g. {"id": "market-v1"}; registered worlds: ${worlds.ids().join(', ')}`);
  if (agents !== undefined && !(Array.isArray(agents) && agents.every(isRecord)))
    throw new ProtocolError(
      'bad-config',
      `agents: expected a list of agent entries, e.g. [{"role": "firm", "reward": {"scheme": "team"}}], got ${JSON.stringify(agents)}`,
    );
  return {
    env: { id: env['id'], params: env['params'] ?? {} },
    numEnvs: n,
    ...(autoreset !== undefined ? { autoreset } : {}),
    ...(agents !== undefined ? { agents } : {}),
    ...(faults !== undefined ? { faults } : {}),
  };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Build the experiment the session serves: the client's agents and faults, `random` as the (unused) policy. */
function experimentOf(cfg: SessionConfig, numEnvs: number): unknown {
  const spec = worlds.has(cfg.env.id) ? worlds.get(cfg.env.id) : null;
  const given: Record<string, unknown>[] = (cfg.agents ?? []).map((a) => ({ policy: { type: 'random' }, ...a }));
  const roles = new Set<string>();
  if (spec) {
    const parsed = spec.paramsSchema.safeParse(cfg.env.params ?? {});
    if (parsed.success) for (const a of spec.create(parsed.data as Record<string, unknown>).agents) roles.add(a.role);
  }
  for (const a of given) if (typeof a.role === 'string' && a.id === undefined) roles.delete(a.role);
  const defaults = [...roles].map((role) => ({ role, policy: { type: 'random' }, reward: { scheme: 'local' } }));
  return {
    name: 'serve',
    env: { id: cfg.env.id, params: cfg.env.params ?? {} },
    agents: [...given, ...defaults],
    run: { steps: 1, numEnvs },
    ...(cfg.faults !== undefined ? { faults: cfg.faults } : {}),
  };
}

/** A served world and its position. */
export class Session {
  readonly resolved: ResolvedExperiment;
  readonly world: World;
  readonly numEnvs: number;
  readonly autoreset: AutoresetMode;
  private engine: VecEngine | null = null;
  /** The engine, seen through the fault layer when the session has faults (what the client observes and sends). */
  private env: VecEnv | null = null;
  private schemes: RewardScheme[] = [];
  private faults: FaultLayer | null = null;
  private ledger: MetricsAccumulator | null = null;
  private readonly shaped: Float64Array[];
  private readonly doneBefore: Int32Array;
  private readonly hook: (eng: VecEngine) => void;

  constructor(cfg: SessionConfig) {
    const numEnvs = cfg.numEnvs ?? 1;
    try {
      this.resolved = resolveExperiment(experimentOf(cfg, numEnvs), 'make');
    } catch (err) {
      if (err instanceof ConfigError) throw new ProtocolError('bad-config', err.message, err.issues);
      throw err;
    }
    this.world = this.resolved.makeWorld();
    this.numEnvs = numEnvs;
    this.autoreset = cfg.autoreset === 'same-step' ? AutoresetMode.SameStep : AutoresetMode.Disabled;
    this.shaped = this.world.agents.map(() => new Float64Array(numEnvs));
    this.doneBefore = new Int32Array(numEnvs);
    this.hook = (eng) => {
      for (let i = 0; i < this.schemes.length; i++) this.schemes[i]!.compute(eng, this.shaped[i]!);
      this.ledger!.addStep(eng, this.shaped);
    };
  }

  /** The `make` response: agents, spaces, reward components, KPIs. */
  describe(): Record<string, unknown> {
    const w = this.world;
    return {
      env: { id: w.id, params: w.params },
      numEnvs: this.numEnvs,
      autoreset: this.autoreset === AutoresetMode.SameStep ? 'same-step' : 'disabled',
      agents: w.agents.map((a) => ({ id: a.id, role: a.role, index: a.index })),
      observationSpaces: Object.fromEntries(w.agents.map((a) => [a.id, spaceJson(w.observationSpaces[a.index]!)])),
      actionSpaces: Object.fromEntries(w.agents.map((a) => [a.id, spaceJson(w.actionSpaces[a.index]!)])),
      rewardComponents: Object.fromEntries(w.agents.map((a) => [a.id, [...w.rewardComponents[a.index]!]])),
      rewardSchemes: Object.fromEntries(this.resolved.assignments.map((a) => [a.agent.id, a.scheme.id])),
      kpis: w.kpis.map((k) => ({ name: k.name, better: k.better, aggregate: k.aggregate, description: k.description })),
      episodeLength: w.episodeLength,
      faults: this.resolved.config.faults !== undefined,
    };
  }

  /** Start new episodes in every copy; with `seed`, from that seed's streams. */
  reset(seed: number | null): Record<string, unknown> {
    if (seed !== null && (!Number.isSafeInteger(seed) || seed < 0))
      throw new ProtocolError('bad-request', `seed: expected a non-negative integer or null, got ${JSON.stringify(seed)}`);
    if (seed !== null || this.engine === null) {
      const s = seed ?? 0;
      this.engine = new VecEngine(this.world, { numEnvs: this.numEnvs, seed: s, autoreset: this.autoreset });
      this.schemes = this.resolved.assignments.map((a) =>
        a.scheme.create({ world: this.world, agent: a.agent, numEnvs: this.numEnvs, rng: Rng.from(s, 'reward', a.agent.id) }, a.schemeParams),
      );
      this.faults = createFaultLayer(this.resolved, this.engine, s);
      this.env = withFaults(this.engine, this.faults);
      this.ledger = new MetricsAccumulator(this.world, this.numEnvs);
    }
    this.env!.reset();
    return { observations: this.rows(this.env!.obs), alive: this.aliveFlags() };
  }

  /** Apply one action per live agent and copy; returns the step's results for every copy. */
  step(actions: unknown): Record<string, unknown> {
    const engine = this.engine;
    const env = this.env;
    if (engine === null || env === null) throw new ProtocolError('usage', 'step before reset: send {"op": "reset", "seed": <int>} first');
    if (this.autoreset === AutoresetMode.Disabled)
      for (let b = 0; b < this.numEnvs; b++)
        if (engine.episodeEnded[b] === 1) throw new ProtocolError('usage', `copy ${b}'s episode is over (no live agents): send reset to start a new one`);
    this.writeActions(engine, env.actions, actions);
    this.doneBefore.set(engine.episodesDone);
    env.step(this.hook);
    const w = this.world;
    const nK = w.kpis.length;
    const ended: number[] = [];
    const finalObservations: Record<string, Record<number, number[]>> = {};
    if (this.autoreset === AutoresetMode.SameStep) {
      for (let b = 0; b < this.numEnvs; b++) if (engine.episodesDone[b] !== this.doneBefore[b]) ended.push(b);
      const finals = env.finalObs;
      for (const a of w.agents) {
        const size = w.observationSpaces[a.index]!.size;
        finalObservations[a.id] = Object.fromEntries(ended.map((b) => [b, Array.from(finals[a.index]!.subarray(b * size, (b + 1) * size))]));
      }
    }
    return {
      observations: this.rows(env.obs),
      rewards: Object.fromEntries(w.agents.map((a) => [a.id, Array.from(this.shaped[a.index]!)])),
      components: Object.fromEntries(w.agents.map((a) => [a.id, this.split(engine.rewards[a.index]!, w.rewardComponents[a.index]!.length)])),
      terminations: Object.fromEntries(w.agents.map((a) => [a.id, Array.from(engine.terminated[a.index]!, (v) => v === 1)])),
      truncations: Object.fromEntries(w.agents.map((a) => [a.id, Array.from(engine.truncated[a.index]!, (v) => v === 1)])),
      acted: Object.fromEntries(w.agents.map((a) => [a.id, Array.from(engine.acted[a.index]!, (v) => v === 1)])),
      alive: this.aliveFlags(),
      kpis: this.split(engine.kpis, nK),
      events: env.events.map((e) => ({ copy: e.copy, ...e.event })),
      ...(this.autoreset === AutoresetMode.SameStep ? { ended, finalObservations } : {}),
    };
  }

  /** Run-level ledger so far: mean rewards (raw and shaped), KPIs, episodes, and fault/reliability figures. */
  ledgerSummary(): Record<string, unknown> {
    if (this.ledger === null || this.engine === null) throw new ProtocolError('usage', 'no ledger before the first reset');
    return { steps: this.engine.stepCount, ...this.ledger.totals(), ...(this.faults?.summary() ?? {}) };
  }

  private aliveFlags(): Record<string, boolean[]> {
    const e = this.engine!;
    return Object.fromEntries(this.world.agents.map((a) => [a.id, Array.from({ length: this.numEnvs }, (_, b) => e.isAlive(a.index, b))]));
  }

  private rows(bufs: readonly Float32Array[]): Record<string, number[][]> {
    const w = this.world;
    return Object.fromEntries(w.agents.map((a) => [a.id, this.split(bufs[a.index]!, w.observationSpaces[a.index]!.size)]));
  }

  private split(buf: Float32Array | Float64Array, size: number): number[][] {
    const out: number[][] = [];
    for (let b = 0; b < this.numEnvs; b++) out.push(Array.from(buf.subarray(b * size, (b + 1) * size)));
    return out;
  }

  /** Check and write `{agent: [action per copy]}` into the buffers the policies would write. */
  private writeActions(engine: VecEngine, target: readonly Float64Array[], actions: unknown): void {
    const w = this.world;
    if (actions === null || typeof actions !== 'object' || Array.isArray(actions))
      throw new ProtocolError('bad-action', `actions: expected {agentId: [one action per copy]}, got ${JSON.stringify(actions)?.slice(0, 80)}`);
    const given = actions as Record<string, unknown>;
    for (const id of Object.keys(given))
      if (!w.agents.some((a) => a.id === id))
        throw new ProtocolError('bad-action', `actions: unknown agent '${id}'; this world's agents: ${w.agents.map((a) => a.id).join(', ')}`);
    for (const a of w.agents) {
      const space = w.actionSpaces[a.index]!;
      const size = space.size;
      const buf = target[a.index]!;
      const rows = given[a.id];
      if (rows === undefined) {
        for (let b = 0; b < this.numEnvs; b++)
          if (engine.isAlive(a.index, b))
            throw new ProtocolError('bad-action', `actions: no action for live agent '${a.id}'; step needs one action per live agent (the 'agents' list)`);
        buf.fill(0);
        continue;
      }
      if (!Array.isArray(rows) || rows.length !== this.numEnvs)
        throw new ProtocolError(
          'bad-action',
          `actions.${a.id}: expected a list of ${this.numEnvs} action(s), one per copy, got ${JSON.stringify(rows)?.slice(0, 80)}`,
        );
      for (let b = 0; b < this.numEnvs; b++) {
        const v = rows[b] as unknown;
        if (!engine.isAlive(a.index, b)) {
          w.defaultAction(a.index, engine.states[b]!, buf.subarray(b * size, (b + 1) * size));
          continue;
        }
        const vals = typeof v === 'number' ? [v] : v;
        if (!Array.isArray(vals) || vals.length !== size || vals.some((x) => typeof x !== 'number') || !contains(space, vals as number[]))
          throw new ProtocolError('bad-action', `actions.${a.id}[${b}]: ${JSON.stringify(v)} is outside the action space ${describeSpace(space)}`);
        for (let k = 0; k < size; k++) buf[b * size + k] = (vals as number[])[k]!;
      }
    }
  }
}
