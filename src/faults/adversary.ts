/**
 * Strategic faults (issue 18, item 4): an agent whose policy is swapped mid-run for an adversary,
 * and contagion (its outputs poisoning other agents' observations while it is compromised).
 *
 * Adversaries:
 *   greedy-harm  scripted worst case: each step, for each copy, every action of the agent is tried
 *                on a fork of the world state (the other agents' chosen actions held fixed) and
 *                the one that minimises the target (the team objective G, or another agent's
 *                local reward) one step ahead is taken. Discrete and multi-discrete spaces only
 *                (at most MAX_CANDIDATES joint actions).
 *   {type, params}  a registered non-learning policy (a scripted adversary).
 *   {run, agent}    a policy trained elsewhere (for example with a negated team objective) and
 *                loaded from that run's policies.bin: a learned adversary.
 *
 * The layer measures, per compromised agent: steps compromised, and, where a circuit breaker guards
 * it, how many compromised steps passed before the breaker first tripped (`meanResponseSteps`) and
 * the share of compromised copy-steps on which the breaker's fallback acted instead (`caught`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigIssue } from '../core/errors.js';
import { policyContext, type Policy, type PolicySpec } from '../core/policy.js';
import { Rng } from '../core/rng.js';
import { allocStepOut, type StepOut, type World } from '../core/world.js';
import { policies } from '../../policies/index.js';
import { parseWith } from '../core/format-issues.js';
import { checkKpiWeights, teamValue, teamWeights } from '../rewards/team-objective.js';
import { readBinary } from '../core/binary.js';
import type { Injection } from './schema.js';
import type { StateArray } from './state.js';

/** Most joint actions greedy-harm tries per step and copy. */
export const MAX_CANDIDATES = 1024;

type AdversarySpec = Extract<Injection, { type: 'adversary' }>;

/** How the adversary acts, resolved. */
export type CompiledAdversaryPolicy =
  | { readonly kind: 'greedy'; readonly weights: Float64Array | null; readonly agent: number }
  | { readonly kind: 'policy'; readonly spec: PolicySpec; readonly params: Record<string, unknown>; readonly state: unknown; readonly key: string };

/** Check an adversary injection against the world; returns how it acts (null after an issue). */
export function compileAdversaryPolicy(
  spec: AdversarySpec,
  world: World,
  agentsOf: readonly number[],
  issues: ConfigIssue[],
  path: string,
): CompiledAdversaryPolicy | null {
  const ids = world.agents.map((a) => a.id);
  const p = spec.policy;
  if (p === 'greedy-harm') {
    for (const i of agentsOf) {
      const n = candidateCount(world, i);
      if (n === 0 || n > MAX_CANDIDATES)
        issues.push({
          path: `${path}.policy`,
          message: `greedy-harm tries every action of agent '${ids[i]}', which needs a discrete action space of at most ${MAX_CANDIDATES} actions; give a scripted {type, params} adversary instead`,
        });
    }
    const t = spec.target;
    if ('agent' in t) {
      const agent = ids.indexOf(t.agent);
      if (agent < 0) issues.push({ path: `${path}.target.agent`, message: `unknown agent '${t.agent}'; this world's agents: ${ids.join(', ')}` });
      return { kind: 'greedy', weights: null, agent };
    }
    issues.push(...checkKpiWeights(world, t.kpis, `${path}.target.kpis`));
    return { kind: 'greedy', weights: teamWeights(world, t.kpis), agent: -1 };
  }
  if ('run' in p) return fromRun(p.run, p.agent ?? (agentsOf.length === 1 ? ids[agentsOf[0]!]! : ''), world, issues, `${path}.policy`);
  if (!policies.has(p.type)) {
    issues.push({ path: `${path}.policy.type`, message: `unknown policy '${p.type}'; registered: ${policies.ids().join(', ')}` });
    return null;
  }
  const pspec = policies.get(p.type);
  const parsed = parseWith(pspec.paramsSchema, p.params, `${path}.policy.params`);
  if (!parsed.ok) {
    issues.push(...parsed.issues);
    return null;
  }
  return { kind: 'policy', spec: pspec, params: parsed.data as Record<string, unknown>, state: null, key: path };
}

/** A trained policy from a finished run folder (single-seed, or the first seed of a multi-seed run). */
function fromRun(run: string, agentId: string, world: World, issues: ConfigIssue[], path: string): CompiledAdversaryPolicy | null {
  const seedDir = existsSync(join(run, 'seeds')) ? join(run, 'seeds', 'seed-0') : run;
  const configPath = join(run, 'config.resolved.json');
  if (!existsSync(configPath) || !existsSync(join(seedDir, 'policies.bin'))) {
    issues.push({
      path: `${path}.run`,
      message: `${run} is not a finished run folder with trained policies (config.resolved.json and policies.bin); run the adversary's training experiment first`,
    });
    return null;
  }
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
    env: { id: string };
    agents: { id?: string; role?: string; policy: { type: string; params?: Record<string, unknown> } }[];
  };
  if (config.env.id !== world.id) issues.push({ path: `${path}.run`, message: `${run} was trained on ${config.env.id}, this experiment runs ${world.id}` });
  const agent = world.agents.find((a) => a.id === agentId);
  const entry = config.agents.find((a) => a.id === agentId) ?? config.agents.find((a) => agent !== undefined && a.role === agent.role);
  const index = world.agents.findIndex((a) => a.id === agentId);
  if (!entry || index < 0 || !policies.has(entry.policy.type)) {
    issues.push({ path: `${path}.agent`, message: `no trained policy for agent '${agentId}' in ${run}; give agent: <id> of that run` });
    return null;
  }
  const states = readBinary<unknown[]>(join(seedDir, 'policies.bin'));
  const spec = policies.get(entry.policy.type);
  const parsed = parseWith(spec.paramsSchema, entry.policy.params ?? {}, `${path}.run`);
  if (!parsed.ok) {
    issues.push(...parsed.issues);
    return null;
  }
  return { kind: 'policy', spec, params: parsed.data as Record<string, unknown>, state: states[index] ?? null, key: `${path}:${run}` };
}

/** Joint actions of agent i's space (0 when not enumerable). */
function candidateCount(world: World, i: number): number {
  const s = world.actionSpaces[i]!;
  if (s.kind === 'discrete') return s.n;
  if (s.kind === 'multi-discrete') return s.nvec.reduce((a, n) => a * n, 1);
  return 0;
}

/** Write candidate c of agent i's space into `out` (mixed radix for multi-discrete). */
function writeCandidate(world: World, i: number, c: number, out: Float64Array, off: number): void {
  const s = world.actionSpaces[i]!;
  if (s.kind === 'discrete') {
    out[off] = c;
    return;
  }
  if (s.kind !== 'multi-discrete') return;
  for (let k = 0; k < s.nvec.length; k++) {
    out[off + k] = c % s.nvec[k]!;
    c = Math.floor(c / s.nvec[k]!);
  }
}

/** One adversary injection on one agent, across copies. */
export class Adversary {
  /** Per copy: 1 while compromised this step. */
  readonly active: Uint8Array;
  /** Compromised copy-steps, onsets, breaker-caught copy-steps, breaker responses (count, summed steps). */
  readonly counters = new Float64Array(5);
  private readonly onset: Int32Array;
  /** Per copy: compromised steps since the onset, until the breaker first trips (−1 after). */
  private readonly sinceOnset: Int32Array;
  private readonly policy: Policy | null;
  private readonly buffer: Float64Array;
  private readonly size: number;
  private computedAt = -1;
  private readonly fork: { next: object; out: StepOut; acts: Float64Array[] } | null;

  constructor(
    private readonly spec: AdversarySpec,
    readonly agent: number,
    private readonly how: CompiledAdversaryPolicy,
    private readonly world: World,
    numEnvs: number,
    seed: number,
  ) {
    this.active = new Uint8Array(numEnvs);
    this.onset = new Int32Array(numEnvs).fill(-1);
    this.sinceOnset = new Int32Array(numEnvs).fill(-1);
    this.size = world.actionSpaces[agent]!.size;
    this.buffer = new Float64Array(numEnvs * this.size);
    this.policy =
      how.kind === 'policy'
        ? how.spec.create(
            policyContext(world, world.agents[agent]!, numEnvs, Rng.from(seed, 'faults', 'adversary', how.key, world.agents[agent]!.id)),
            how.params,
          )
        : null;
    if (this.policy && how.kind === 'policy' && how.state !== null && how.state !== undefined) this.policy.load?.(how.state);
    this.fork =
      how.kind === 'greedy' ? { next: world.createState(), out: allocStepOut(world), acts: world.actionSpaces.map((s) => new Float64Array(s.size)) } : null;
  }

  /** Set `active` for this step: `clock[b]` is copy b's episode step, `step` the run's. */
  update(clock: Int32Array, step: number): void {
    const { start, end } = this.spec;
    const run = this.spec.clock === 'run';
    for (let b = 0; b < this.active.length; b++) {
      const t = run ? step : clock[b]!;
      const on = t >= start && (end === undefined || t < end) ? 1 : 0;
      if (on === 1 && this.active[b] === 0) {
        this.onset[b] = step;
        this.sinceOnset[b] = 0;
      }
      this.active[b] = on;
    }
  }

  /**
   * Write the adversary's action for copy b into `out[off..]`. `seen` is what the agent observes
   * (all copies), `state` copy b's world state, `chosen` every agent's chosen actions (all copies).
   */
  write(b: number, out: Float64Array, off: number, seen: Float32Array, step: number, state: object, chosen: readonly Float64Array[]): void {
    this.counters[0]!++;
    if (this.onset[b] === step) this.counters[1]!++;
    if (this.sinceOnset[b]! >= 0) this.sinceOnset[b]!++;
    if (this.policy) {
      if (this.computedAt !== step) {
        this.policy.act(seen, this.buffer, 'greedy');
        this.computedAt = step;
      }
      for (let k = 0; k < this.size; k++) out[off + k] = this.buffer[b * this.size + k]!;
      return;
    }
    this.greedy(b, out, off, state, chosen);
  }

  private greedy(b: number, out: Float64Array, off: number, state: object, chosen: readonly Float64Array[]): void {
    const f = this.fork!;
    const how = this.how as Extract<CompiledAdversaryPolicy, { kind: 'greedy' }>;
    const world = this.world;
    const i = this.agent;
    for (let j = 0; j < f.acts.length; j++) {
      const A = f.acts[j]!.length;
      for (let k = 0; k < A; k++) f.acts[j]![k] = chosen[j]![b * A + k]!;
    }
    const n = candidateCount(world, i);
    let best = 0;
    let worst = Infinity;
    for (let c = 0; c < n; c++) {
      writeCandidate(world, i, c, f.acts[i]!, 0);
      world.step(state, f.acts, f.next, f.out);
      f.out.events.length = 0;
      const value = how.weights ? teamValue(how.weights, f.out.kpis, 0) : sum(f.out.rewards[how.agent]!);
      if (value < worst) {
        worst = value;
        best = c;
      }
    }
    writeCandidate(world, i, best, out, off);
  }

  /**
   * After the step: whether copy b's breaker was open while compromised (its fallback acted), and
   * whether it tripped; the first trip after an onset records the compromised steps it took.
   */
  recordBreaker(b: number, breakerOpen: boolean, tripped: boolean): void {
    if (this.active[b] !== 1) return;
    if (breakerOpen) this.counters[2]!++;
    if (tripped && this.sinceOnset[b]! > 0) {
      this.counters[3]!++;
      this.counters[4]! += this.sinceOnset[b]!;
      this.sinceOnset[b] = -1;
    }
  }

  /** summary.json figures. */
  summary(): Record<string, number | string | null> {
    const [steps, onsets, caught, responses, responseSteps] = Array.from(this.counters);
    const p = this.spec.policy;
    const how = p === 'greedy-harm' ? 'greedy-harm' : 'run' in p ? 'learned' : 'scripted';
    return {
      adversary: how,
      compromisedSteps: steps!,
      onsets: onsets!,
      caughtShare: steps! > 0 ? caught! / steps! : 0,
      breakerResponses: responses!,
      meanResponseSteps: responses! > 0 ? responseSteps! / responses! : null,
    };
  }

  /** State arrays for checkpoints. */
  stateArrays(): StateArray[] {
    return [this.active, this.onset, this.sinceOnset, this.counters];
  }

  /** The adversary policy's saved state (scripted policies may count steps), for checkpoints. */
  save(): unknown {
    return this.policy?.save?.() ?? null;
  }

  /** Restore a state from `save`. */
  load(data: unknown): void {
    if (data !== null && data !== undefined) this.policy?.load?.(data);
  }

  /** Release the adversary policy. */
  dispose(): void {
    this.policy?.dispose?.();
  }
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]!;
  return s;
}
