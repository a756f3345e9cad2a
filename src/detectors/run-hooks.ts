/**
 * The detectors inside `tacit run`: one `RunDetectors` per seed run follows the metrics stream
 * (each row is appended to the dual ledger and every detector re-evaluated; new findings go to
 * events.jsonl as they happen and their count to the progress line), and at the end turns what the
 * world's analysis produced (market-v1's deviation probes) into detector inputs and fills
 * summary.json `detections` and `verdicts`. In the generic loop it also keeps the last
 * FORK_POINTS states (up to FORK_COPIES copies per metrics window) and, before the policies are disposed,
 * forks them: the influence matrix (conflict) and unilateral deviations under the greedy policies
 * (miscoordination). All probe results are saved as probes.json, and post-hoc `tacit detect`
 * (detect-run.ts) replays the same rows with them through the same detectors, so both agree.
 */
import type { VecEngine } from '../core/engine.js';
import type { MetricsRow } from '../core/metrics-row.js';
import type { Policy } from '../core/policy.js';
import type { World } from '../core/world.js';
import { proposalWriter } from '../core/world-proposals.js';
import { attachAttribution, swapAttribution, type SwapAttribution } from './attribution.js';
import type { ProbesFile } from './detect-run.js';
import type { ForkPoint, JointActor } from './forks.js';
import { goodhartParams } from './goodhart.js';
import { detectors, DetectorSuite, type SuiteReport } from './index.js';
import { Ledger, type LedgerMeta } from './ledger.js';
import type { DetectorContext, DetectorRunSource, Finding, ProbeResults } from './types.js';
import { policies as policyRegistry } from '../../policies/index.js';

/** Fork points kept: the most recent ones, recorded at metrics windows (spaced so they are roughly independent). */
export const FORK_POINTS = 64;
/** World copies sampled per metrics window. */
export const FORK_COPIES = 8;

/** The ledger's columns for a world: its agents, reward components and KPIs (with directions and references). */
export function ledgerMetaOf(world: World): LedgerMeta {
  return {
    agents: world.agents.map((a) => a.id),
    components: world.rewardComponents.map((c) => [...c]),
    kpis: world.kpis.map((k) => ({ name: k.name, better: k.better, betterKnown: true, ...(k.reference !== undefined ? { reference: k.reference } : {}) })),
  };
}

/** Windows a run will record. */
export function plannedRowsOf(resolved: DetectorRunSource): number | undefined {
  const { steps, metricsEvery } = resolved.config.run;
  return steps !== undefined && metricsEvery > 0 ? Math.ceil(steps / metricsEvery) : undefined;
}

/** Detector params from the resolved config (every registered detector runs; unlisted ones with defaults). */
function suiteConfig(resolved: DetectorRunSource): Record<string, unknown> {
  return { ...resolved.detectorParams };
}

/**
 * A joint actor from a run's policies, acting greedily on one world copy: each policy acts on its
 * `numEnvs`-row buffers with the copy in row 0 (other rows stay zero and are ignored).
 */
export function greedyActor(world: World, policies: readonly Policy[], numEnvs: number): JointActor {
  const obs = world.observationSpaces.map((s) => new Float32Array(numEnvs * s.size));
  const acts = world.actionSpaces.map((s) => new Float64Array(numEnvs * s.size));
  const proposals = proposalWriter(world);
  return (o, out) => {
    for (let i = 0; i < policies.length; i++) {
      obs[i]!.set(o[i]!);
      if (proposals) proposals(i, obs, acts, 1);
      policies[i]!.act(obs[i]!, acts[i]!, 'greedy');
      out[i]!.set(acts[i]!.subarray(0, out[i]!.length));
    }
  };
}

/** Detectors following one seed run. */
export class RunDetectors {
  private readonly ledger: Ledger;
  /** Handed to every detector at creation; `probes` is filled at the end of the run. */
  private readonly context: { plannedRows?: number; metricsEvery?: number; probes?: ProbeResults };
  /** Probe results computed while the trained policies existed, by detector id. */
  private readonly trainedProbes = new Map<string, ProbeResults>();
  private readonly resolved: DetectorRunSource;
  /** Recorded fork points (copy 0, at metrics windows), oldest first. */
  private points: ForkPoint[] = [];
  private suite: DetectorSuite;
  private readonly config: Record<string, unknown>;
  /** Findings emitted so far (for the progress line). */
  findings = 0;
  private readonly emitted = new Set<string>();
  /** Agents goodhart has flagged so far, in order (for the policy-swap attribution). */
  private readonly flagged: string[] = [];
  private attribution: SwapAttribution[] = [];
  private readonly seed: number;

  constructor(resolved: DetectorRunSource, seed?: number) {
    this.resolved = resolved;
    this.seed = seed ?? resolved.config.run.seed ?? 0;
    this.ledger = new Ledger(ledgerMetaOf(resolved.makeWorld()));
    const planned = plannedRowsOf(resolved);
    this.context = { ...(planned !== undefined ? { plannedRows: planned } : {}), metricsEvery: resolved.config.run.metricsEvery };
    this.config = suiteConfig(resolved);
    this.suite = new DetectorSuite(this.config as never, this.context satisfies DetectorContext);
  }

  /** Feed rows already written by an interrupted run (resume), without re-emitting their findings. */
  replay(rows: readonly MetricsRow[]): void {
    for (const row of rows) this.push(row);
  }

  /** Append one metrics row; returns the findings new at this window. */
  push(row: MetricsRow): Finding[] {
    this.ledger.append(row);
    const found = this.suite.push(this.ledger);
    this.findings += found.length;
    for (const f of found) {
      this.emitted.add(findingKey(f));
      if (f.detector === 'goodhart' && !this.flagged.includes(f.agents[0]!)) this.flagged.push(f.agents[0]!);
    }
    return found;
  }

  /**
   * Record the last transition of up to FORK_COPIES world copies as fork points (the runner calls
   * this at every metrics window). Copies run independent episodes, so they add independent points.
   */
  recordForkPoint(engine: VecEngine, step: number): void {
    const world = engine.world;
    for (let b = 0; b < Math.min(engine.numEnvs, FORK_COPIES); b++) {
      if (engine.wasReset[b] === 1) continue;
      const state = world.createState();
      world.copyState(engine.prevStates[b]!, state);
      const obs = world.observationSpaces.map((s, i) => engine.prevObs[i]!.slice(b * s.size, (b + 1) * s.size));
      const actions = world.actionSpaces.map((s, i) => engine.actions[i]!.slice(b * s.size, (b + 1) * s.size));
      this.points.push({ state, obs, actions, step });
    }
    if (this.points.length > FORK_POINTS) this.points.splice(0, this.points.length - FORK_POINTS);
  }

  /** Recorded fork points, for checkpoints (plain data). */
  saveForkPoints(): unknown {
    return this.points;
  }

  /** Restore fork points saved by `saveForkPoints`. */
  loadForkPoints(data: unknown): void {
    if (Array.isArray(data)) this.points = data as ForkPoint[];
  }

  /**
   * While the world and trained policies still exist (the runner calls this before disposing
   * them): each running detector's fork-based probes (DetectorSpec.probes.afterTraining: the
   * influence matrix for conflict, unilateral deviations for miscoordination), and goodhart's
   * policy-swap attribution.
   */
  analyseForks(world: World, policies: readonly Policy[], numEnvs: number): void {
    this.attribute(policies, numEnvs);
    if (this.points.length < 2) return;
    const run = { world, forks: { world, points: this.points, actor: greedyActor(world, policies, numEnvs) } };
    for (const { spec, params } of this.suite.enabled) {
      const found = spec.probes?.afterTraining?.(params, run);
      if (found) this.trainedProbes.set(spec.id, found);
    }
  }

  /** Policy-swap attribution for the learning agents goodhart flagged (attribution.ts). */
  private attribute(policies: readonly Policy[], numEnvs: number): void {
    const cfg = this.resolved.detectorParams['goodhart'];
    if (cfg === false || this.flagged.length === 0) return;
    const gp = goodhartParams().parse(cfg ?? {});
    if (!gp.attribution.enabled) return;
    const ids = this.resolved.assignments.map((a) => a.agent.id);
    const learners = this.flagged
      .filter((id) => policyRegistry.get(this.resolved.assignments[ids.indexOf(id)]!.policy.id).learns)
      .slice(0, gp.attribution.maxAgents);
    this.attribution = learners.map((id) =>
      swapAttribution(this.resolved, policies, ids.indexOf(id), gp.attribution.reference, numEnvs, {
        seed: this.seed,
        policySeed: this.seed,
        ...(gp.attribution.steps !== undefined ? { steps: gp.attribution.steps } : {}),
      }),
    );
  }

  /**
   * Final detections and verdicts, given the seed's summary metrics (world analysis), plus the
   * findings that only the end of the run produced (probe-based classifications, influence), which
   * the caller appends to events.jsonl.
   */
  finish(metrics: Readonly<Record<string, unknown>>): SuiteReport & { readonly late: readonly Finding[]; readonly probes: ProbesFile | null } {
    // Every registered detector's probes, in registry order (the order of probes.json).
    const probes: Record<string, unknown> = {};
    for (const spec of detectors.values()) {
      Object.assign(probes, this.trainedProbes.get(spec.id), spec.probes?.fromSummary?.(metrics, this.ledger.meta.agents, this.ledger.steps.at(-1)));
    }
    this.context.probes = probes;
    const raw = this.suite.finish(this.ledger);
    const report = this.attribution.length > 0 ? attachAttribution(raw.detections, raw.verdicts, this.attribution) : raw;
    const file: ProbesFile = { ...(this.attribution.length > 0 ? { attribution: this.attribution } : {}), ...probes };
    return { ...report, late: report.detections.filter((f) => !this.emitted.has(findingKey(f))), probes: Object.keys(file).length > 0 ? file : null };
  }
}

/** Identity of a finding across its online emission and its final (possibly extended) form. */
function findingKey(f: Finding): string {
  return `${f.detector}|${f.kind}|${f.agents.join(',')}|${f.startStep}`;
}
