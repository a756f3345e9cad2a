/**
 * The detectors inside `tacit run`: one `RunDetectors` per seed run follows the metrics stream
 * (each row is appended to the dual ledger and every detector re-evaluated; new findings go to
 * events.jsonl as they happen and their count to the progress line), and at the end turns what the
 * world's analysis produced (market-v1's deviation probes) into detector inputs and fills
 * summary.json `detections` and `verdicts`. The probe results are saved as probes.json, and
 * post-hoc `tacit detect` (detect-run.ts) replays the same rows with them through the same
 * detectors, so both agree.
 */
import type { ResolvedExperiment } from '../config/resolve.js';
import type { DeviationProbeResult } from './collusion.js';
import type { ProbesFile } from './detect-run.js';
import { DetectorSuite, type SuiteReport } from './index.js';
import { Ledger, type LedgerMeta, type MetricsRow } from './ledger.js';
import type { DetectorContext, Finding } from './types.js';

/** The ledger's columns for a world: its agents, reward components and KPIs (with directions and references). */
export function ledgerMetaOf(world: ReturnType<ResolvedExperiment['makeWorld']>): LedgerMeta {
  return {
    agents: world.agents.map((a) => a.id),
    components: world.rewardComponents.map((c) => [...c]),
    kpis: world.kpis.map((k) => ({ name: k.name, better: k.better, betterKnown: true, ...(k.reference !== undefined ? { reference: k.reference } : {}) })),
  };
}

/** Windows a run will record. */
export function plannedRowsOf(resolved: ResolvedExperiment): number | undefined {
  const { steps, metricsEvery } = resolved.config.run;
  return steps !== undefined && metricsEvery > 0 ? Math.ceil(steps / metricsEvery) : undefined;
}

/** Detector params from the resolved config (every registered detector runs; unlisted ones with defaults). */
function suiteConfig(resolved: ResolvedExperiment): Record<string, unknown> {
  return { ...resolved.detectorParams };
}

/** The shape of market-v1's `market/outcome` and `market/benchmarks` summary metrics that the adapter reads. */
interface MarketOutcomeLike {
  readonly probes?: readonly {
    readonly deviator: number;
    readonly nullDeviation: boolean;
    readonly preDeviationPrices: readonly number[];
    readonly prices: readonly (readonly number[])[];
    readonly profits: readonly (readonly number[])[];
    readonly baselinePrices: readonly (readonly number[])[];
    readonly baselineProfits: readonly (readonly number[])[];
  }[];
}

/**
 * Deviation probes from a seed summary's world metrics (market-v1's `market/outcome`). Probes whose
 * static best response is the greedy action (`nullDeviation`) probe nothing and are left out.
 */
export function deviationProbesFromMetrics(metrics: Readonly<Record<string, unknown>>, firms: readonly string[], step?: number): DeviationProbeResult[] {
  const outcome = metrics['market/outcome'] as MarketOutcomeLike | undefined;
  const bench = metrics['market/benchmarks'] as { nashPrice?: Record<string, number>; monopolyPrice?: Record<string, number> } | undefined;
  if (!outcome?.probes) return [];
  const nash = bench?.nashPrice ? firms.map((f) => bench.nashPrice![f]!) : undefined;
  const mono = bench?.monopolyPrice ? firms.map((f) => bench.monopolyPrice![f]!) : undefined;
  return outcome.probes
    .filter((p) => !p.nullDeviation)
    .map((p) => ({
      deviator: firms[p.deviator]!,
      firms,
      ...(step !== undefined ? { step } : {}),
      prePrices: p.preDeviationPrices,
      preProfits: p.baselineProfits[0]!,
      deviationPrice: p.prices[0]![p.deviator]!,
      prices: p.prices,
      profits: p.profits,
      baselinePrices: p.baselinePrices,
      baselineProfits: p.baselineProfits,
      ...(nash ? { nashPrices: nash } : {}),
      ...(mono ? { monopolyPrices: mono } : {}),
    }));
}

/** Detectors following one seed run. */
export class RunDetectors {
  private readonly ledger: Ledger;
  private readonly context: { plannedRows?: number; deviationProbes?: DeviationProbeResult[] };
  private suite: DetectorSuite;
  private readonly config: Record<string, unknown>;
  /** Findings emitted so far (for the progress line). */
  findings = 0;
  private readonly emitted = new Set<string>();

  constructor(resolved: ResolvedExperiment) {
    this.ledger = new Ledger(ledgerMetaOf(resolved.makeWorld()));
    const planned = plannedRowsOf(resolved);
    this.context = planned !== undefined ? { plannedRows: planned } : {};
    this.config = suiteConfig(resolved);
    this.suite = new DetectorSuite(this.config as never, this.context as DetectorContext);
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
    for (const f of found) this.emitted.add(findingKey(f));
    return found;
  }

  /**
   * Final detections and verdicts, given the seed's summary metrics (world analysis), plus the
   * findings that only the end of the run produced (probe-based classifications, influence), which
   * the caller appends to events.jsonl.
   */
  finish(metrics: Readonly<Record<string, unknown>>): SuiteReport & { readonly late: readonly Finding[]; readonly probes: ProbesFile | null } {
    const probes = deviationProbesFromMetrics(metrics, this.ledger.meta.agents, this.ledger.steps.at(-1));
    if (probes.length > 0) this.context.deviationProbes = probes;
    const report = this.suite.finish(this.ledger);
    return { ...report, late: report.detections.filter((f) => !this.emitted.has(findingKey(f))), probes: probes.length > 0 ? { deviationProbes: probes } : null };
  }
}

/** Identity of a finding across its online emission and its final (possibly extended) form. */
function findingKey(f: Finding): string {
  return `${f.detector}|${f.kind}|${f.agents.join(',')}|${f.startStep}`;
}
