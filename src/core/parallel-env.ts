/**
 * A PettingZoo-style Parallel API over one world copy, keyed by agent ids, with the usage checks
 * a newcomer needs: stepping before reset, unknown or missing agent ids, actions for finished agents,
 * and actions outside their space each raise a named error that says what to do. This is the
 * convenient, checked front door; the engine is the fast one.
 */
import { ActionOutOfSpaceError, EnvUsageError, UnknownAgentError, showValue } from './errors.js';
import { deriveSeedWords } from './rng.js';
import { contains, describeSpace, type Space } from './spaces.js';
import { allocStepOut, type StepOut, type World, type WorldState } from './world.js';
import type { WorldEvent } from './world-event.js';

/** An action as users write it: an integer for discrete spaces, an array otherwise. */
export type ActionInput = number | readonly number[];

/** What `step` returns, keyed by agent id. */
export interface ParallelStepResult {
  readonly observations: Record<string, Float32Array>;
  /** Reward components per agent, keyed by component name. */
  readonly rewards: Record<string, Record<string, number>>;
  /** Sum of each agent's components (its local reward). */
  readonly localRewards: Record<string, number>;
  /** Team KPIs of this step, keyed by KPI name. */
  readonly kpis: Record<string, number>;
  readonly terminations: Record<string, boolean>;
  readonly truncations: Record<string, boolean>;
  readonly events: readonly WorldEvent[];
}

/** A saved ParallelEnv position; `restore` continues exactly from it. */
export interface ParallelSnapshot {
  readonly state: WorldState;
  readonly live: readonly string[];
  readonly steps: number;
  /** Per agent (index order): the observation it saw last. */
  readonly obs?: readonly Float32Array[];
}

/** Checked, id-keyed access to one world copy. */
export class ParallelEnv<S extends WorldState = WorldState> {
  readonly world: World<S>;
  /** All agent ids, in index order. */
  readonly possibleAgents: readonly string[];
  /** Agent ids still acting in this episode. */
  agents: string[] = [];
  /** Steps taken in the current episode. */
  steps = 0;

  private state: S;
  private next: S;
  private readonly out: StepOut;
  private readonly actionBufs: Float64Array[];
  private readonly indexOf = new Map<string, number>();
  private started = false;

  constructor(world: World<S>) {
    this.world = world;
    this.possibleAgents = world.agents.map((a) => a.id);
    world.agents.forEach((a) => this.indexOf.set(a.id, a.index));
    this.state = world.createState();
    this.next = world.createState();
    this.out = allocStepOut(world);
    this.actionBufs = world.actionSpaces.map((s) => new Float64Array(s.size));
  }

  /** Agent ids with the given role. */
  agentsWithRole(role: string): string[] {
    return this.world.agents.filter((a) => a.role === role).map((a) => a.id);
  }

  /** The observation space of `agent` (the same object every call). */
  observationSpace(agent: string): Space {
    return this.world.observationSpaces[this.index(agent)]!;
  }

  /** The action space of `agent` (the same object every call). */
  actionSpace(agent: string): Space {
    return this.world.actionSpaces[this.index(agent)]!;
  }

  /** The current state (read-only view; copy it with `snapshot`). */
  get currentState(): Readonly<S> {
    if (!this.started) throw new EnvUsageError('no state yet: call env.reset(seed) first');
    return this.state;
  }

  /** Start an episode seeded by `seed`; returns each agent's first observation. */
  reset(seed: number | string): Record<string, Float32Array> {
    this.world.reset(this.state, deriveSeedWords(seed, 'world', 0), this.out);
    this.started = true;
    this.steps = 0;
    this.agents = this.world.agents.filter((a) => this.world.isAlive(this.state, a.index)).map((a) => a.id);
    return this.observations(this.agents);
  }

  /** Apply one joint action (one entry per live agent). */
  step(actions: Readonly<Record<string, ActionInput>>): ParallelStepResult {
    if (!this.started) throw new EnvUsageError('step() called before reset(): call env.reset(seed) first');
    if (this.agents.length === 0) throw new EnvUsageError('the episode is over (no live agents): call env.reset(seed) to start a new one');
    for (const buf of this.actionBufs) buf.fill(0);
    for (const id of Object.keys(actions)) {
      const i = this.index(id);
      if (!this.agents.includes(id))
        throw new EnvUsageError(`agent '${id}' already finished this episode and cannot act: drop it from the actions (live agents are env.agents)`);
      this.writeAction(id, i, actions[id]!);
    }
    for (const id of this.agents)
      if (!(id in actions)) throw new EnvUsageError(`no action given for live agent '${id}': step() needs one action per agent in env.agents`);
    this.out.events.length = 0;
    this.world.step(this.state, this.actionBufs, this.next, this.out);
    const tmp = this.state;
    this.state = this.next;
    this.next = tmp;
    this.steps++;
    const live = this.agents;
    const result: ParallelStepResult = {
      observations: this.observations(live),
      rewards: {},
      localRewards: {},
      kpis: Object.fromEntries(this.world.kpis.map((k, j) => [k.name, this.out.kpis[j]!])),
      terminations: {},
      truncations: {},
      events: [...this.out.events],
    };
    for (const id of live) {
      const i = this.indexOf.get(id)!;
      const comps = this.world.rewardComponents[i]!;
      const rec: Record<string, number> = {};
      let total = 0;
      comps.forEach((c, k) => {
        rec[c] = this.out.rewards[i]![k]!;
        total += rec[c]!;
      });
      result.rewards[id] = rec;
      result.localRewards[id] = total;
      result.terminations[id] = this.out.terminated[i] === 1;
      result.truncations[id] = this.out.truncated[i] === 1;
    }
    this.agents = live.filter((id) => !result.terminations[id] && !result.truncations[id]);
    return result;
  }

  /** A copy of the current position. */
  snapshot(): ParallelSnapshot {
    const state = this.world.createState();
    this.world.copyState(this.currentState, state);
    return { state, live: [...this.agents], steps: this.steps, obs: this.out.obs.map((o) => o.slice()) };
  }

  /** Return to a position taken by `snapshot`. */
  restore(snap: ParallelSnapshot): void {
    this.world.copyState(snap.state as S, this.state);
    this.agents = [...snap.live];
    this.steps = snap.steps;
    snap.obs?.forEach((o, i) => this.out.obs[i]!.set(o));
    this.started = true;
  }

  /** What each live agent sees now (copies): the last observations reset or step returned. */
  observe(): Record<string, Float32Array> {
    if (!this.started) throw new EnvUsageError('no observations yet: call env.reset(seed) first');
    return this.observations(this.agents);
  }

  private index(id: string): number {
    const i = this.indexOf.get(id);
    if (i === undefined) throw new UnknownAgentError(id, this.possibleAgents);
    return i;
  }

  private writeAction(id: string, i: number, action: ActionInput): void {
    const space = this.world.actionSpaces[i]!;
    const buf = this.actionBufs[i]!;
    const values = typeof action === 'number' ? [action] : action;
    if (!Array.isArray(values) && !ArrayBuffer.isView(values))
      throw new ActionOutOfSpaceError(`action for agent '${id}' must be a number or an array of numbers, got ${showValue(action)}`);
    if (values.length !== space.size || !contains(space, values))
      throw new ActionOutOfSpaceError(`action for agent '${id}' is ${showValue(action)}, outside its action space ${describeSpace(space)}: ${expected(space)}`);
    for (let k = 0; k < space.size; k++) buf[k] = values[k]!;
  }

  private observations(ids: readonly string[]): Record<string, Float32Array> {
    const obs: Record<string, Float32Array> = {};
    for (const id of ids) obs[id] = this.out.obs[this.indexOf.get(id)!]!.slice();
    return obs;
  }
}

function expected(space: Space): string {
  switch (space.kind) {
    case 'discrete':
      return `expected an integer from 0 to ${space.n - 1}`;
    case 'multi-discrete':
      return `expected ${space.size} integers, slot k from 0 to nvec[k]-1 with nvec [${space.nvec.join(', ')}]`;
    case 'box':
      return `expected ${space.size} numbers within [low, high] of the space`;
  }
}
