/**
 * What the diagnosis reads back from finished run folders: per seed, the KPIs, the findings (as
 * keys the diagnosis tracks across variants), each detector's outcome, the ledger and the
 * influence matrix. Stale information is a finding too (`staleness:stale-view:<agent>`), read from
 * the run's own resolved config, so a candidate that shares a feed removes it for the reason it
 * should: the agent's view is no longer stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveExperiment } from '../config/resolve.js';
import { detectors } from '../detectors/index.js';
import { outcomeOf } from '../detectors/types.js';
import { loadRun, type Finding } from '../report/load.js';
import type { FindingRef } from './candidates.js';
import type { SeedLedger } from './interactions.js';
import type { SeedObservation, SeedOutcome } from './recommend.js';
import { experimentSetup } from './setup.js';

/** A finding with what the diagnosis shows of it. */
export interface ObservedFinding extends FindingRef {
  /** One line for people. */
  readonly text: string;
  /** The counterfactual attribution line of the first seed that has one (goodhart). */
  readonly attribution?: string;
}

/** One seed read back. */
export interface ObservedSeed {
  readonly observation: SeedObservation;
  readonly ledger: SeedLedger;
  readonly findings: readonly ObservedFinding[];
}

/** The key a finding is tracked by across seeds and variants. */
export function findingKey(detector: string, kind: string, agents: readonly string[]): string {
  return `${detector}:${kind}:${agents.join('>')}`;
}

function describe(f: { detector: string; kind: string; agents: readonly string[]; kpi?: string }): string {
  const [a, b] = f.agents;
  if (f.detector === 'goodhart') return `${a}'s reward rose while ${f.kpi ?? 'a team KPI'} got worse (goodhart)`;
  if (f.detector === 'conflict' && f.kind === 'harms') return `${a} lowers ${b}'s reward (conflict)`;
  if (f.detector === 'conflict') return `${f.agents.join(' and ')} pull against each other (${f.kind})`;
  if (f.detector === 'staleness') return `${a} acts on stale, infrequent or noisy information`;
  return `${f.detector} ${f.kind}${f.agents.length ? `: ${f.agents.join(', ')}` : ''}`;
}

/**
 * The kind a finding is tracked under: goodhart's window test and its cumulative (start-vs-end)
 * test are two looks at one behaviour, so a fix must remove both and they count as one finding.
 */
function trackedKind(detector: string, kind: string): string {
  return detector === 'goodhart' ? kind.replace(/-cumulative$/, '') : kind;
}

function observed(f: Finding): ObservedFinding {
  const kpi = typeof f.evidence?.['kpi'] === 'string' ? (f.evidence['kpi'] as string) : undefined;
  const att = (f.evidence?.['attribution'] as { line?: unknown } | undefined)?.line;
  const kind = trackedKind(f.detector, f.kind);
  const ref = { key: findingKey(f.detector, kind, f.agents), detector: f.detector, kind, agents: [...f.agents], ...(kpi !== undefined ? { kpi } : {}) };
  return { ...ref, text: describe(ref), ...(typeof att === 'string' ? { attribution: att } : {}) };
}

/** Read one single-seed run folder of the diagnosis' sweep. */
export function observeRun(dir: string): ObservedSeed {
  const run = loadRun(dir);
  const seed = run.seeds[0]!;
  const resolved = resolveExperiment(run.config, join(dir, 'config.resolved.json'));
  const setup = experimentSetup(resolved);
  const outcomes: Record<string, SeedOutcome> = { staleness: 'clear' };
  // Every registered detector runs unless the config switches it off (detectorParams holds only the ones it mentions).
  for (const d of detectors.ids()) {
    if (resolved.detectorParams[d] === false) outcomes[d] = 'off';
    else outcomes[d] = outcomeOf(seed.summary.verdicts?.[d]) ?? 'untested';
  }
  // summary.json's detections carry the attribution attached at the end of the run; events.jsonl's do not.
  const fromDetectors = (seed.summary.detections ?? seed.findings()).map(observed);
  const stale: ObservedFinding[] = setup.staleness
    .filter((s) => s.stale)
    .map((s) => {
      const ref = { key: findingKey('staleness', 'stale-view', [s.agent]), detector: 'staleness', kind: 'stale-view', agents: [s.agent] };
      return { ...ref, text: describe(ref) };
    });
  const findings = [...fromDetectors, ...stale];
  const probesPath = join(dir, 'probes.json');
  const influence = existsSync(probesPath)
    ? ((JSON.parse(readFileSync(probesPath, 'utf8')) as { influence?: SeedLedger['influence'] }).influence ?? null)
    : null;
  return {
    observation: { seed: seed.seed, kpis: seed.summary.kpis ?? {}, present: [...new Set(findings.map((f) => f.key))], outcomes },
    ledger: { rows: seed.metrics(), influence },
    findings,
  };
}

/**
 * The findings present in at least one seed, one entry per key, in key order: the KPI named most
 * often across seeds (ties: alphabetical), and the first attribution line.
 */
export function distinctFindings(seeds: readonly ObservedSeed[]): ObservedFinding[] {
  const byKey = new Map<string, { first: ObservedFinding; kpis: Map<string, number>; attribution?: string }>();
  for (const s of seeds)
    for (const f of s.findings) {
      const e = byKey.get(f.key) ?? { first: f, kpis: new Map<string, number>() };
      if (f.kpi !== undefined) e.kpis.set(f.kpi, (e.kpis.get(f.kpi) ?? 0) + 1);
      if (e.attribution === undefined && f.attribution !== undefined) e.attribution = f.attribution;
      byKey.set(f.key, e);
    }
  return [...byKey.values()]
    .map(({ first, kpis, attribution }) => {
      const kpi = [...kpis].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
      const { kpi: _k, attribution: _a, text: _t, ...ref } = first;
      const withKpi = { ...ref, ...(kpi !== undefined ? { kpi } : {}) };
      return { ...withKpi, text: describe(withKpi), ...(attribution !== undefined ? { attribution } : {}) };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
