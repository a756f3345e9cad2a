/**
 * Attribution by counterfactual policy swap: for an agent goodhart flagged, replay the world twice
 * with the same seeds (common random numbers): once with every trained policy, once with that
 * agent's trained policy replaced by a reference (its initial, untrained policy, re-created from
 * the run's own seed stream, or a named scripted policy). Each world copy plays the same episodes
 * under both, so per-copy differences are paired; the interval is a t-interval over copies.
 *
 * What it reports: how much the learned policy gains the agent (own local reward per step) and
 * what it costs the team (each KPI per step, and its change towards worse). This is evidence a
 * reader can believe without trusting a trend test: "wholesaler's learned policy: own reward
 * +0.8 [0.6, 1.0], teamCost +31 [25, 37] per step vs its initial policy".
 *
 * The trained policies act greedily; an initial-policy reference explores, as it did at the start of
 * training; no learning, fault-free world. Attribution runs inside `tacit run`
 * while the trained policies exist (run-hooks.ts), is saved in probes.json and attached to the
 * goodhart findings and verdict; `tacit detect` re-attaches it from probes.json.
 */
import { VecEngine } from '../core/engine.js';
import { policyContext, type ActMode, type Policy } from '../core/policy.js';
import { Rollout } from '../core/rollout.js';
import { Rng } from '../core/rng.js';
import type { World } from '../core/world.js';
import { policies as policyRegistry } from '../../policies/index.js';
import { seedStat } from '../stats/t-interval.js';
import type { DetectorRunSource, Finding, Verdict } from './types.js';

/** The policy an agent's learned policy is compared with. */
export type SwapReference = 'initial' | { readonly type: string; readonly params?: Readonly<Record<string, unknown>> | undefined };

/** A per-step effect of the learned policy (learned − reference), with its interval over copies. */
export interface SwapEffect {
  readonly learned: number;
  readonly reference: number;
  readonly diff: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

/** The result of one swap. */
export interface SwapAttribution {
  readonly agent: string;
  /** What the learned policy was compared with, in words. */
  readonly reference: string;
  readonly copies: number;
  readonly steps: number;
  /** The agent's local reward per step. */
  readonly ownReward: SwapEffect;
  /** Each KPI per step, with its better-direction and the change towards worse (positive: the learned policy costs the team). */
  readonly kpis: Readonly<
    Record<string, SwapEffect & { readonly better: 'higher' | 'lower'; readonly teamCost: number; readonly teamCostInterval: readonly [number, number] }>
  >;
  readonly note: string;
}

/** Options of a swap. */
export interface SwapOptions {
  /** Engine steps per rollout (default: four episodes of an episodic world, else 1000). */
  readonly steps?: number;
  /** Seed of the replayed episodes. */
  readonly seed: number | string;
  /** Seed the run created its policies from (re-creates the agent's initial policy); default run.seed. */
  readonly policySeed?: number;
}

/** Per-copy means of the agent's local reward and each KPI over one rollout. */
function rollout(
  world: World,
  actors: readonly Policy[],
  modes: readonly ActMode[],
  agentIndex: number,
  numEnvs: number,
  steps: number,
  seed: number | string,
): { reward: Float64Array; kpis: Float64Array[] } {
  const engine = new VecEngine(world, { numEnvs, seed: `swap-${seed}` });
  const nK = world.kpis.length;
  const nC = world.rewardComponents[agentIndex]!.length;
  const reward = new Float64Array(numEnvs);
  const kpis = world.kpis.map(() => new Float64Array(numEnvs));
  engine.reset();
  const afterStep = (e: VecEngine): void => {
    const r = e.rewards[agentIndex]!;
    for (let b = 0; b < numEnvs; b++) {
      let s = 0;
      for (let c = 0; c < nC; c++) s += r[b * nC + c]!;
      reward[b] = reward[b]! + s;
      for (let k = 0; k < nK; k++) kpis[k]![b] = kpis[k]![b]! + e.kpis[b * nK + k]!;
    }
  };
  new Rollout(engine, actors, { modes, afterStep }).run(steps);
  for (let b = 0; b < numEnvs; b++) {
    reward[b] = reward[b]! / steps;
    for (let k = 0; k < nK; k++) kpis[k]![b] = kpis[k]![b]! / steps;
  }
  return { reward, kpis };
}

function effect(learned: Float64Array, reference: Float64Array): SwapEffect {
  const d = Array.from(learned, (v, b) => v - reference[b]!);
  const ci = seedStat(d);
  const mean = (x: Float64Array): number => x.reduce((s, v) => s + v, 0) / x.length;
  return { learned: mean(learned), reference: mean(reference), diff: ci.mean, ciLow: ci.ciLow, ciHigh: ci.ciHigh };
}

/** Create the reference policy for agent `agentIndex` of a resolved experiment. */
function referencePolicy(
  resolved: DetectorRunSource,
  world: World,
  agentIndex: number,
  reference: SwapReference,
  numEnvs: number,
  policySeed: number,
): { policy: Policy; label: string; mode: ActMode } {
  const a = resolved.assignments[agentIndex]!;
  const ctx = policyContext(world, a.agent, numEnvs, Rng.from(policySeed, 'policy', a.agent.id));
  // The initial policy acts as it did at the start of training (exploring: sampling, or ε-greedy
  // at its starting ε), not greedily: the greedy action of an untrained network is an arbitrary
  // fixed choice that the agent never actually played.
  if (reference === 'initial')
    return {
      policy: a.policy.create(ctx, a.policyParams),
      label: `its initial (untrained) ${a.policy.id} policy, exploring as at the start of training`,
      mode: 'explore',
    };
  const spec = policyRegistry.get(reference.type);
  const params = spec.paramsSchema.parse(reference.params ?? {});
  return {
    policy: spec.create(ctx, params as never),
    label: `a ${reference.type} policy${reference.params ? ` ${JSON.stringify(reference.params)}` : ''}`,
    mode: 'greedy',
  };
}

/**
 * Swap agent `agentIndex`'s trained policy (in `trained`, acting on `numEnvs` rows) for the
 * reference and compare. `trained` is not modified (greedy acting only).
 */
export function swapAttribution(
  resolved: DetectorRunSource,
  trained: readonly Policy[],
  agentIndex: number,
  reference: SwapReference,
  numEnvs: number,
  options: SwapOptions,
): SwapAttribution {
  const world = resolved.makeWorld();
  const steps = options.steps ?? (world.episodeLength > 0 ? 4 * world.episodeLength : 1000);
  const ref = referencePolicy(resolved, world, agentIndex, reference, numEnvs, options.policySeed ?? resolved.config.run.seed ?? 0);
  try {
    const greedy = trained.map((): ActMode => 'greedy');
    const learned = rollout(world, trained, greedy, agentIndex, numEnvs, steps, options.seed);
    const swapped = rollout(
      world,
      trained.map((p, i) => (i === agentIndex ? ref.policy : p)),
      greedy.map((m, i) => (i === agentIndex ? ref.mode : m)),
      agentIndex,
      numEnvs,
      steps,
      options.seed,
    );
    const kpis: Record<string, SwapAttribution['kpis'][string]> = {};
    world.kpis.forEach((k, j) => {
      const e = effect(learned.kpis[j]!, swapped.kpis[j]!);
      const sign = k.better === 'higher' ? -1 : 1;
      const lo = sign * (sign === 1 ? e.ciLow : e.ciHigh);
      const hi = sign * (sign === 1 ? e.ciHigh : e.ciLow);
      kpis[k.name] = { ...e, better: k.better, teamCost: sign * e.diff, teamCostInterval: [lo, hi] };
    });
    return {
      agent: world.agents[agentIndex]!.id,
      reference: ref.label,
      copies: numEnvs,
      steps,
      ownReward: effect(learned.reward, swapped.reward),
      kpis,
      note: `paired replays of ${numEnvs} world copies × ${steps} steps with the same seeds; learned policies greedy, an initial-policy reference exploring; no learning, no faults; 95% t-intervals over copies`,
    };
  } finally {
    ref.policy.dispose?.();
  }
}

const fmt = (x: number): string => {
  const a = Math.abs(x);
  const s = a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x.toPrecision(2);
  return x > 0 ? `+${s}` : s;
};

/** One line: "a0's learned policy: own reward +0.7 [0.6, 0.8], welfare −0.6 [−0.7, −0.5] per step vs its initial policy". */
export function attributionLine(a: SwapAttribution, kpi?: string): string {
  const k = kpi !== undefined ? a.kpis[kpi] : undefined;
  const kpiPart = k ? `, ${kpi} ${fmt(k.diff)} [${fmt(k.ciLow)}, ${fmt(k.ciHigh)}] (team cost ${fmt(k.teamCost)})` : '';
  return `${a.agent}'s learned policy: own reward ${fmt(a.ownReward.diff)} [${fmt(a.ownReward.ciLow)}, ${fmt(a.ownReward.ciHigh)}]${kpiPart} per step vs ${a.reference} (${a.copies} copies × ${a.steps} steps)`;
}

/** Attach swap results to the goodhart findings of their agents and to goodhart's verdict. */
export function attachAttribution(
  detections: readonly Finding[],
  verdicts: Readonly<Record<string, Verdict>>,
  attribution: readonly SwapAttribution[],
): { detections: Finding[]; verdicts: Record<string, Verdict> } {
  const byAgent = new Map(attribution.map((a) => [a.agent, a]));
  const out = detections.map((f) => {
    const a = f.detector === 'goodhart' ? byAgent.get(f.agents[0]!) : undefined;
    return a ? { ...f, evidence: { ...f.evidence, attribution: { ...a, line: attributionLine(a, f.evidence['kpi'] as string | undefined) } } } : f;
  });
  const v = verdicts['goodhart'];
  const next = { ...verdicts };
  if (v && attribution.length > 0) {
    const firstKpi = (agent: string): string | undefined =>
      detections.find((f) => f.detector === 'goodhart' && f.agents[0] === agent)?.evidence['kpi'] as string | undefined;
    const lines = attribution.map((a) => attributionLine(a, firstKpi(a.agent)));
    next['goodhart'] = { ...v, summary: `${v.summary}; swap: ${lines.join('; ')}`, details: { ...v.details, attribution } };
  }
  return { detections: out, verdicts: next };
}
