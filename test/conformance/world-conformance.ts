/**
 * The world conformance suite, as a function so any world (registered or not) can be checked. It
 * is enrolled for every registered world by world-conformance.test.ts; a world opts out of a check
 * only by declaring a skip with a reason in its own spec.
 */
import { describe, expect, it } from 'vitest';
import { levelOf } from '../../src/core/action-levels.js';
import { VecEngine } from '../../src/core/engine.js';
import { ActionOutOfSpaceError, EnvUsageError, UnknownAgentError } from '../../src/core/errors.js';
import { ParallelEnv } from '../../src/core/parallel-env.js';
import { Rng } from '../../src/core/rng.js';
import { contains, describeSpace, sampleInto, type Space } from '../../src/core/spaces.js';
import { allocStepOut, type ConformanceSkip, type World, type WorldSpec } from '../../src/core/world.js';

/** A trajectory flattened to numbers, for exact comparison. */
function rollout(world: World, seed: number, steps: number, numEnvs = 2): number[] {
  const engine = new VecEngine(world, { numEnvs, seed });
  // Actions come from a fixed stream, so trajectories differ across seeds only through the world.
  const rng = Rng.from('conformance-actions');
  engine.reset();
  const trace: number[] = [];
  for (let t = 0; t < steps; t++) {
    world.actionSpaces.forEach((space, i) => fillActions(space, rng, engine.actions[i]!));
    engine.step();
    for (let i = 0; i < world.agents.length; i++) trace.push(...engine.obs[i]!, ...engine.rewards[i]!);
    trace.push(...engine.kpis);
  }
  return trace;
}

function fillActions(space: Space, rng: Rng, buf: Float64Array): void {
  for (let off = 0; off < buf.length; off += space.size) sampleInto(space, rng.state, buf, off);
}

function sameState(a: unknown, b: unknown): boolean {
  return (
    JSON.stringify(a, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)) ===
    JSON.stringify(b, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))
  );
}

/** A factory giving fresh instances of the world under test. */
export type WorldFactory = () => World;

/** The individual checks, each throwing on a violation; exported so the suite itself can be tested. */
export const checks = {
  /** Observations stay in their spaces; rewards and KPIs are finite; finished agents never come back. */
  spaces(make: WorldFactory, steps = 60): void {
    const world = make();
    const env = new ParallelEnv(world);
    const rng = Rng.from(7, 'spaces');
    let obs = env.reset(1);
    const finished = new Set<string>();
    for (let t = 0; t < steps * 2; t++) {
      for (const [id, o] of Object.entries(obs)) {
        const space = env.observationSpace(id);
        if (!contains(space, o)) throw new Error(`step ${t}: observation of ${id} ${JSON.stringify(Array.from(o))} is outside ${describeSpace(space)}`);
      }
      for (const id of env.agents) if (finished.has(id)) throw new Error(`step ${t}: agent ${id} came back after finishing`);
      if (env.agents.length === 0) {
        obs = env.reset(t);
        finished.clear();
        continue;
      }
      const actions: Record<string, number[]> = {};
      for (const id of env.agents) {
        const space = env.actionSpace(id);
        const a = new Array<number>(space.size);
        sampleInto(space, rng.state, a);
        actions[id] = a;
      }
      const r = env.step(actions);
      for (const [id, comps] of Object.entries(r.rewards))
        for (const [c, v] of Object.entries(comps)) if (!Number.isFinite(v)) throw new Error(`step ${t}: reward ${id}.${c} is ${v}`);
      for (const [k, v] of Object.entries(r.kpis)) if (!Number.isFinite(v)) throw new Error(`step ${t}: KPI ${k} is ${v}`);
      for (const id of Object.keys(r.terminations)) if (r.terminations[id] || r.truncations[id]) finished.add(id);
      obs = r.observations;
    }
  },

  /** Same seed and actions → identical trajectories. */
  determinism(make: WorldFactory, steps = 60): void {
    const a = rollout(make(), 11, steps);
    const b = rollout(make(), 11, steps);
    if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('two runs with the same seed and actions differ');
  },

  /** Different seeds → different trajectories. */
  seedDivergence(make: WorldFactory, steps = 60): void {
    const world = make();
    if (JSON.stringify(rollout(world, 11, steps)) === JSON.stringify(rollout(world, 12, steps)))
      throw new Error('seeds 11 and 12 gave identical trajectories: is the reset seed used?');
  },

  /** `step` leaves its input state untouched. */
  noMutation(make: WorldFactory, steps = 60): void {
    const world = make();
    const env = new ParallelEnv(world);
    env.reset(3);
    const rng = Rng.from(3, 'mutation');
    const state = world.createState();
    const next = world.createState();
    const out = allocStepOut(world);
    world.copyState(env.currentState, state);
    const actions = world.actionSpaces.map((s) => new Float64Array(s.size));
    for (let t = 0; t < steps; t++) {
      actions.forEach((buf, i) => sampleInto(world.actionSpaces[i]!, rng.state, buf));
      const before = structuredClone(state);
      world.step(state, actions, next, out);
      if (!sameState(state, before)) throw new Error(`step ${t} changed its input state`);
      world.copyState(next, state);
    }
  },

  /**
   * `batch` (world-batch.ts): an engine stepping through the batched kernel gives exactly the
   * trajectory of one stepping copy by copy (episodes end and reset inside the window), and the
   * fast path was actually taken.
   */
  batch(make: WorldFactory, steps = 60): void {
    const world = make();
    if (!world.batch) return; // nothing declared
    const { batch: _batch, ...perCopy } = world;
    const trace = (w: World): { trace: string; engine: VecEngine } => {
      const engine = new VecEngine(w, { numEnvs: 3, seed: 11 });
      const rng = Rng.from('conformance-batch');
      engine.reset();
      const out: number[] = [];
      // Past the episode's end (when it has one), so autoreset runs through resetBatch too.
      const n = Math.max(steps, w.episodeLength > 0 ? 2 * w.episodeLength + 3 : 0);
      for (let t = 0; t < n; t++) {
        w.actionSpaces.forEach((space, i) => fillActions(space, rng, engine.actions[i]!));
        engine.step();
        for (let i = 0; i < w.agents.length; i++) out.push(...engine.obs[i]!, ...engine.rewards[i]!, ...engine.terminated[i]!, ...engine.truncated[i]!);
        out.push(...engine.kpis, engine.events.length);
      }
      return { trace: JSON.stringify(out), engine };
    };
    const fast = trace(world);
    const slow = trace(perCopy);
    if (fast.engine.batchedSteps === 0) throw new Error('batch.stepBatch was declared but never taken');
    if (world.batch.resetBatch && world.episodeLength > 0 && fast.engine.batchedResets === 0) throw new Error('batch.resetBatch was declared but never taken');
    if (fast.trace !== slow.trace) throw new Error('the batched kernel gives a different trajectory from the per-copy kernels');
  },

  /**
   * `decisions` (world-decisions.ts): one name list and one scale per observation slot for every
   * agent, and `encodeAction` writes an action inside the agent's space for any decision (NaN,
   * edges and random values).
   */
  decisions(make: WorldFactory, rows = 200): void {
    const world = make();
    const d = world.decisions;
    if (!d) return; // nothing declared
    const n = world.agents.length;
    if (d.names.length !== n || d.observationScales.length !== n)
      throw new Error(`decisions: ${d.names.length} name lists and ${d.observationScales.length} scale rows for ${n} agents`);
    const rng = Rng.from(9, 'decisions');
    const edges = [NaN, -5, 0, 0.5, 7, 1e9, Infinity, -Infinity];
    for (const agent of world.agents) {
      const i = agent.index;
      if (d.observationScales[i]!.length !== world.observationSpaces[i]!.size)
        throw new Error(`agent ${agent.id}: ${d.observationScales[i]!.length} observation scales for ${world.observationSpaces[i]!.size} slots`);
      const width = d.names[i]!.length;
      const space = world.actionSpaces[i]!;
      const out = new Float64Array(space.size);
      for (let r = 0; r < rows; r++) {
        const decision = Float64Array.from({ length: width }, (_, k) => ((r + k) % 3 === 0 ? edges[rng.int(edges.length)]! : rng.float() * 300 - 20));
        d.encodeAction(i, decision, out, 0);
        if (!contains(space, out))
          throw new Error(
            `agent ${agent.id}: encodeAction([${Array.from(decision).join(', ')}]) wrote [${Array.from(out).join(', ')}], outside ${describeSpace(space)}`,
          );
      }
    }
  },

  /** `decisions.encodeActions` gives exactly what `encodeAction` gives row by row (edge values included). */
  batchEncoding(make: WorldFactory, rows = 200): void {
    const world = make();
    const d = world.decisions;
    if (!d?.encodeActions) throw new Error('world has no decisions.encodeActions to compare');
    const rng = Rng.from(9, 'batch-encoding');
    const edges = [NaN, -5, -0.5, 0, 0.49, 0.5, 1.5, 2.5, 3.49999, 7, 40.5, 1e9, Infinity, -Infinity];
    for (const agent of world.agents) {
      const width = d.names[agent.index]!.length;
      const size = world.actionSpaces[agent.index]!.size;
      const decisions = new Float64Array(rows * width);
      for (let k = 0; k < decisions.length; k++) decisions[k] = k % 3 === 0 ? edges[rng.int(edges.length)]! : rng.float() * 300 - 20;
      const batched = new Float64Array(rows * size).fill(-1);
      const single = new Float64Array(rows * size).fill(-1);
      d.encodeActions(agent.index, decisions, width, batched, rows);
      for (let b = 0; b < rows; b++) d.encodeAction(agent.index, decisions.subarray(b * width, (b + 1) * width), single, b * size);
      for (let k = 0; k < single.length; k++)
        if (!Object.is(batched[k], single[k]))
          throw new Error(`agent ${agent.id}, row ${Math.floor(k / size)}: encodeActions wrote ${batched[k]}, encodeAction ${single[k]}`);
    }
  },

  /**
   * `actionValues` (world-action-values.ts): one finite value per discrete action; where the agent
   * has one decision, encoding each action's value gives back that action; a `levels` entry has
   * values 0, unit, 2·unit, … and is exactly what `encodeAction` does (edge values included).
   */
  actionValues(make: WorldFactory, rows = 400): void {
    const world = make();
    const av = world.actionValues;
    if (!av) return; // nothing declared
    if (av.byAgent.length !== world.agents.length) throw new Error(`actionValues has ${av.byAgent.length} entries for ${world.agents.length} agents`);
    if (av.levels && av.levels.length !== world.agents.length)
      throw new Error(`actionValues.levels has ${av.levels.length} entries for ${world.agents.length} agents`);
    const d = world.decisions;
    const out = new Float64Array(1);
    for (const agent of world.agents) {
      const values = av.byAgent[agent.index];
      const levels = av.levels?.[agent.index];
      if (values === undefined) {
        if (levels !== undefined) throw new Error(`agent ${agent.id}: actionValues.levels without values`);
        continue;
      }
      const space = world.actionSpaces[agent.index]!;
      if (space.kind !== 'discrete' || space.n !== values.length)
        throw new Error(`agent ${agent.id}: ${values.length} action values for ${space.kind === 'discrete' ? `Discrete(${space.n})` : describeSpace(space)}`);
      for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) throw new Error(`agent ${agent.id}: action ${k} stands for ${values[k]}`);
      const oneDecision = d !== undefined && d.names[agent.index]!.length === 1;
      if (oneDecision)
        for (let k = 0; k < values.length; k++) {
          d.encodeAction(agent.index, Float64Array.of(values[k]!), out, 0);
          if (out[0] !== k) throw new Error(`agent ${agent.id}: encodeAction(${values[k]}) (the value of action ${k}) wrote ${out[0]}`);
        }
      if (levels === undefined) continue;
      if (!oneDecision || space.n !== levels.maxLevel + 1)
        throw new Error(`agent ${agent.id}: actionValues.levels needs one decision and a discrete(maxLevel + 1) action`);
      for (let k = 0; k < values.length; k++)
        if (values[k] !== k * levels.unit) throw new Error(`agent ${agent.id}: action ${k} stands for ${values[k]}, levels give ${k * levels.unit}`);
      const rng = Rng.from(9, 'action-levels');
      const edges = [NaN, -5, -0.5, -0, 0, 0.49, 0.5, 1.5, 2.5, 3.49999, 7, 40.5, 1e9, -1e9, 3e9, Infinity, -Infinity];
      for (let r = 0; r < rows; r++) {
        const base = r % 3 === 0 ? edges[rng.int(edges.length)]! : (rng.int(2 * levels.maxLevel + 8) - 4 + (r % 2 === 0 ? 0.5 : rng.float())) * levels.unit;
        for (const v of [base, base * (1 + 2 ** -40), base * (1 - 2 ** -40)]) {
          d.encodeAction(agent.index, Float64Array.of(v), out, 0);
          const want = levelOf(levels.unit === 1 ? v : v / levels.unit, levels.maxLevel);
          if (!Object.is(out[0], want)) throw new Error(`agent ${agent.id}, decision ${v}: encodeAction wrote ${out[0]}, actionValues.levels gives ${want}`);
        }
      }
    }
  },

  /** `proposals` (world-proposals.ts): each slot shows an earlier agent's action inside the observer's observation. */
  proposals(make: WorldFactory): void {
    const world = make();
    const slots = world.proposals;
    if (!slots) return; // nothing declared
    if (slots.length !== world.agents.length) throw new Error(`proposals has ${slots.length} entries for ${world.agents.length} agents`);
    slots.forEach((slot, i) => {
      if (slot === null) return;
      const id = world.agents[i]!.id;
      if (!Number.isInteger(slot.from) || slot.from < 0 || slot.from >= i)
        throw new Error(`agent ${id} sees the proposal of agent ${slot.from}, which does not act before it`);
      if (slot.offset < 0 || slot.offset + world.actionSpaces[slot.from]!.size > world.observationSpaces[i]!.size)
        throw new Error(`agent ${id}: proposal slots ${slot.offset} … ${slot.offset + world.actionSpaces[slot.from]!.size - 1} lie outside its observation`);
    });
  },

  /** `repeatedGame` (world-repeated-game.ts): one finite expected payoff per discrete action of every agent. */
  repeatedGame(make: WorldFactory): void {
    const world = make();
    const game = world.repeatedGame;
    if (!game) return; // nothing declared
    for (const agent of world.agents) {
      const space = world.actionSpaces[agent.index]!;
      if (space.kind !== 'discrete') throw new Error(`agent ${agent.id}: repeatedGame needs Discrete actions, got ${describeSpace(space)}`);
      const payoffs = game.payoffVsUniformRivals(agent.index);
      if (payoffs.length !== space.n) throw new Error(`agent ${agent.id}: ${payoffs.length} payoffs for Discrete(${space.n})`);
      for (const v of payoffs) if (!Number.isFinite(v)) throw new Error(`agent ${agent.id}: payoff ${v} is not finite`);
    }
  },

  /** Snapshot/restore (and a structuredClone of the state) continue exactly like the original. */
  snapshot(make: WorldFactory, steps = 60): void {
    const world = make();
    const engine = new VecEngine(world, { numEnvs: 1, seed: 5 });
    const rng = Rng.from(5, 'snapshot');
    engine.reset();
    const act = (): void => world.actionSpaces.forEach((s, i) => fillActions(s, rng, engine.actions[i]!));
    for (let t = 0; t < 7; t++) (act(), engine.step());
    const snap = engine.snapshot(0);
    const rngSnap = rng.snapshot();
    const run = (): string => {
      const trace: number[] = [];
      for (let t = 0; t < steps; t++) {
        act();
        engine.step();
        for (let i = 0; i < world.agents.length; i++) trace.push(...engine.obs[i]!, ...engine.rewards[i]!);
        trace.push(...engine.kpis);
      }
      return JSON.stringify(trace);
    };
    const first = run();
    engine.restore(0, snap);
    rng.restore(rngSnap);
    if (run() !== first) throw new Error('after restore the trajectory differs from the original');
    engine.restore(0, { ...snap, state: structuredClone(snap.state) });
    rng.restore(rngSnap);
    if (run() !== first) throw new Error('after restoring a structuredClone of the state the trajectory differs');
  },
};

/** Register the conformance tests for one world spec. */
export function conformanceSuite(spec: WorldSpec, steps = 60): void {
  const skips = new Map<ConformanceSkip['check'], string>((spec.conformanceSkips ?? []).map((s) => [s.check, s.reason]));
  const make = (): World => spec.create(spec.paramsSchema.parse(spec.conformanceParams ?? {}) as Record<string, unknown>);
  // A check the world opts out of is not run; what runs instead is a test of the opt-out itself:
  // it must give a reason a reader can act on (no registered world declares one today).
  const check = (name: ConformanceSkip['check'], title: string, fn: () => void): void => {
    const reason = skips.get(name);
    if (reason === undefined) it(title, fn);
    else
      it(`declares why it does not check that it ${title} (${reason})`, () => {
        expect(reason.trim().split(/\s+/).length, `world ${spec.id}: the reason for skipping '${name}' is too short to act on`).toBeGreaterThanOrEqual(4);
      });
  };

  describe(`world ${spec.id} conforms`, () => {
    it('has a documented, consistent shape', () => {
      const world = make();
      expect(world.id).toBe(spec.id);
      const n = world.agents.length;
      expect(n).toBeGreaterThan(0);
      expect(world.observationSpaces).toHaveLength(n);
      expect(world.actionSpaces).toHaveLength(n);
      expect(world.rewardComponents).toHaveLength(n);
      expect(new Set(world.agents.map((a) => a.id)).size).toBe(n);
      world.agents.forEach((a, i) => {
        expect(a.index).toBe(i);
        expect(a.role).toMatch(/\S/);
        expect(world.rewardComponents[i]!.length).toBeGreaterThan(0);
        expect(new Set(world.rewardComponents[i]).size).toBe(world.rewardComponents[i]!.length);
      });
      const env = new ParallelEnv(world);
      for (const id of env.possibleAgents) {
        expect(env.observationSpace(id)).toBe(env.observationSpace(id));
        expect(env.actionSpace(id)).toBe(env.actionSpace(id));
      }
      expect(new Set(world.kpis.map((k) => k.name)).size).toBe(world.kpis.length);
    });

    check('spaces', 'keeps observations in their spaces and rewards and KPIs finite; finished agents stay finished', () => checks.spaces(make, steps));
    check('determinism', 'gives identical trajectories for the same seed and actions', () => checks.determinism(make, steps));
    check('seed-divergence', 'gives different trajectories for different seeds', () => checks.seedDivergence(make, steps));
    check('no-mutation', 'never mutates the input state of step', () => checks.noMutation(make, steps));
    check('snapshot', 'continues exactly after snapshot/restore and after a structuredClone of the state', () => checks.snapshot(make, steps));

    // The capability groups the world declares (src/core/world-*.ts), each checked against the core.
    const declared = make();
    if (declared.batch) it('steps and resets in batches (batch) exactly as copy by copy', () => checks.batch(make, steps));
    if (declared.decisions) it('declares decisions whose encoder stays in the action spaces', () => checks.decisions(make));
    if (declared.decisions?.encodeActions) it('encodes decisions in batches exactly as one by one', () => checks.batchEncoding(make));
    if (declared.actionValues) it('declares actionValues that its actions and encoder agree with', () => checks.actionValues(make));
    if (declared.proposals) it('declares proposal slots inside the observations of later agents', () => checks.proposals(make));
    if (declared.repeatedGame) it('declares a finite stage-game payoff per action (repeatedGame)', () => checks.repeatedGame(make));

    it('raises named errors on misuse', () => {
      const world = make();
      const env = new ParallelEnv(world);
      const id = env.possibleAgents[0]!;
      expect(() => env.step({})).toThrow(EnvUsageError);
      expect(() => env.step({})).toThrow(/before reset/);
      env.reset(0);
      const valid: Record<string, number[]> = {};
      const rng = Rng.from(0, 'misuse');
      for (const a of env.agents) {
        const space = env.actionSpace(a);
        const v = new Array<number>(space.size);
        sampleInto(space, rng.state, v);
        valid[a] = v;
      }
      expect(() => env.step({ ...valid, 'no-such-agent': 0 })).toThrow(UnknownAgentError);
      const space = env.actionSpace(id);
      const bad =
        space.kind === 'discrete'
          ? space.n
          : space.kind === 'multi-discrete'
            ? space.nvec.map((n) => n)
            : Array.from(space.high, (h) => (Number.isFinite(h) ? h + 1 : NaN));
      expect(() => env.step({ ...valid, [id]: bad })).toThrow(ActionOutOfSpaceError);
      const missing = { ...valid };
      delete missing[id];
      expect(() => env.step(missing)).toThrow(/no action given/);
      const engine = new VecEngine(world, { numEnvs: 1, seed: 0 });
      expect(() => engine.step()).toThrow(EnvUsageError);
    });
  });
}
