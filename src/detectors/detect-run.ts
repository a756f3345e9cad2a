/**
 * Post-hoc detection on a results folder (docs/results-format.md): `tacit detect <runDir>`. Reads
 * metrics.jsonl, summary.json `kpiSpecs` (KPI directions and references), the resolved config (the
 * planned number of metrics windows, and the experiment's `detectors:` section) and, when present,
 * probes.json (fork-based results the runner computed while it still had the world and policies:
 * deviation probes, an influence matrix, unilateral deviations). Runs every detector over the
 * ledger and, with `write`, replaces the finding lines of events.jsonl and the `detections` and
 * `verdicts` of summary.json. A multi-seed folder is handled seed by seed, and its top-level
 * summary gets per-detector verdicts across seeds.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, UsageError } from '../core/errors.js';
import { kpiSpecsFromSummary, type ReadKpiSpec } from '../core/kpi-specs.js';
import type { KpiSpec } from '../core/world.js';
import { worlds } from '../../envs/index.js';
import { attachAttribution, type SwapAttribution } from './attribution.js';
import { DetectorSuite, detectorsConfigSchema, type DetectorsConfig, type SuiteReport } from './index.js';
import { ledgerFromRows, parseJsonl } from './ledger.js';
import { outcomeOf, type DetectorContext, type Finding, type ProbeResults, type Verdict, type VerdictOutcome } from './types.js';

/**
 * Contents of a run folder's optional probes.json: every detector's probe results by name
 * (DetectorSpec.probes, computed by tacit run while it had the world and policies), and goodhart's
 * policy-swap attribution (attribution.ts).
 */
export type ProbesFile = ProbeResults & { readonly attribution?: readonly SwapAttribution[] };

/** Options of `detectRun`. */
export interface DetectRunOptions {
  /** A `detectors:` section replacing the run's own (unvalidated input: it is validated here). */
  readonly config?: unknown;
  /** Rewrite events.jsonl and summary.json. Default false. */
  readonly write?: boolean;
}

/** Detection results of one run folder. */
export interface RunDetection {
  readonly runDir: string;
  /** One entry per seed folder (one for a single-seed run). */
  readonly seeds: readonly { readonly dir: string; readonly report: SuiteReport }[];
  /** Per-detector verdicts (across seeds for a multi-seed run). */
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

/** Validate a detectors section, reporting every issue with its path under `detectors`. */
export function parseDetectorsConfig(raw: unknown, source = 'the run config'): DetectorsConfig {
  const res = detectorsConfigSchema().safeParse(raw ?? {});
  if (res.success) return res.data;
  throw new ConfigError(
    res.error.issues.map((i) => ({ path: ['detectors', ...i.path.map(String)].join('.'), message: i.message })),
    `invalid detectors section in ${source}`,
  );
}

/** Read a detectors YAML file: either the section itself or a document with a `detectors:` key. */
export function readDetectorsFile(path: string): unknown {
  if (!existsSync(path)) throw new UsageError(`detectors config '${path}' not found`);
  const doc = parseYaml(readFileSync(path, 'utf8')) as unknown;
  return doc !== null && typeof doc === 'object' && 'detectors' in doc ? (doc as { detectors: unknown }).detectors : doc;
}

/**
 * KPI directions and references of a seed: from its summary.json `kpiSpecs`, which the runner
 * writes; for folders written before summaries carried references, from the world rebuilt from the
 * resolved config.
 */
function runKpis(dir: string, resolved: Record<string, unknown> | undefined): readonly ReadKpiSpec[] {
  const summaryPath = join(dir, 'summary.json');
  return (existsSync(summaryPath) ? kpiSpecsFromSummary(readJson(summaryPath)) : null) ?? worldKpis(resolved);
}

/** KPI specs of the run's world, when its id is registered and its params still parse. */
function worldKpis(resolved: Record<string, unknown> | undefined): readonly KpiSpec[] {
  const env = resolved?.['env'] as { id?: string; params?: unknown } | undefined;
  if (!env?.id || !worlds.has(env.id)) return [];
  try {
    const spec = worlds.get(env.id);
    return spec.create(spec.paramsSchema.parse(env.params ?? {}) as Record<string, unknown>).kpis;
  } catch {
    return [];
  }
}

function withoutAttribution(probes: ProbesFile): ProbeResults {
  const { attribution: _a, ...rest } = probes;
  return rest;
}

/** Run the detectors on one single-seed folder. */
function detectSeed(dir: string, override: unknown): SuiteReport {
  const metricsPath = join(dir, 'metrics.jsonl');
  if (!existsSync(metricsPath)) throw new UsageError(`no metrics.jsonl in '${dir}': is it a tacit results folder (results/<experiment>/<runId>)?`);
  const rows = parseJsonl(readFileSync(metricsPath, 'utf8'));
  const resolvedPath = join(dir, 'config.resolved.json');
  const resolved = existsSync(resolvedPath) ? (readJson(resolvedPath) as Record<string, unknown>) : undefined;
  const config = parseDetectorsConfig(override !== undefined ? override : resolved?.['detectors'], override !== undefined ? 'the --config file' : resolvedPath);
  const run = resolved?.['run'] as { steps?: number; metricsEvery?: number } | undefined;
  const plannedRows = run?.steps && run.metricsEvery ? Math.ceil(run.steps / run.metricsEvery) : rows.length;
  const probesPath = join(dir, 'probes.json');
  const probes = existsSync(probesPath) ? (readJson(probesPath) as ProbesFile) : {};
  const context: DetectorContext = {
    plannedRows,
    ...(run?.metricsEvery ? { metricsEvery: run.metricsEvery } : {}),
    probes: withoutAttribution(probes),
  };
  const ledger = ledgerFromRows(rows, { kpiSpecs: runKpis(dir, resolved) });
  const suite = new DetectorSuite(config, context);
  const replay = ledgerFromRows([], { meta: ledger.meta });
  for (const row of rows) {
    replay.append(row);
    suite.push(replay);
  }
  const report = suite.finish(replay);
  return probes.attribution && probes.attribution.length > 0 ? attachAttribution(report.detections, report.verdicts, probes.attribution) : report;
}

/** Replace the finding lines of events.jsonl and the detections/verdicts of summary.json. */
function writeSeed(dir: string, report: SuiteReport): void {
  const eventsPath = join(dir, 'events.jsonl');
  const kept = existsSync(eventsPath)
    ? readFileSync(eventsPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.includes('"type":"finding"'))
    : [];
  writeFileSync(eventsPath, [...kept, ...report.detections.map((f) => JSON.stringify(f))].map((l) => `${l}\n`).join(''));
  writeSummary(dir, { detections: report.detections, verdicts: report.verdicts });
}

function writeSummary(dir: string, patch: { detections: readonly unknown[]; verdicts: Readonly<Record<string, Verdict>> }): void {
  const path = join(dir, 'summary.json');
  const summary = existsSync(path) ? (readJson(path) as Record<string, unknown>) : {};
  writeFileSync(path, `${JSON.stringify({ ...summary, detections: patch.detections, verdicts: patch.verdicts }, null, 2)}\n`);
}

/** "fired in 2 of 5 seeds, clear in 1, untested in 2" (the parts that are not zero after the first). */
export function outcomeCounts(outcomes: readonly VerdictOutcome[]): string {
  const n = outcomes.length;
  const count = (o: VerdictOutcome): number => outcomes.filter((x) => x === o).length;
  const [f, c, u] = [count('fired'), count('clear'), count('untested')];
  if (u === n) return `untested in all ${n} seed${n === 1 ? '' : 's'}`;
  const rest = [c > 0 ? `clear in ${c}` : '', u > 0 ? `untested in ${u}` : ''].filter(Boolean);
  return [`fired in ${f} of ${n} seeds`, ...rest].join(', ');
}

/**
 * Verdicts across seeds: fired if any seed fired, else clear if any seed was tested, else untested
 * (with the first seed's reason). Status is the most common one.
 */
export function combineVerdicts(perSeed: readonly SuiteReport[]): Record<string, Verdict> {
  const names = [...new Set(perSeed.flatMap((r) => Object.keys(r.verdicts)))];
  return Object.fromEntries(
    names.map((name) => {
      const vs = perSeed.map((r) => r.verdicts[name]).filter((v): v is Verdict => v !== undefined);
      const counts = new Map<string, number>();
      for (const v of vs) counts.set(v.status, (counts.get(v.status) ?? 0) + 1);
      const status = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      const outcomes = vs.map((v) => outcomeOf(v) ?? 'untested');
      const fired = outcomes.filter((o) => o === 'fired').length;
      const clear = outcomes.filter((o) => o === 'clear').length;
      const untested = outcomes.filter((o) => o === 'untested').length;
      const outcome: VerdictOutcome = fired > 0 ? 'fired' : clear > 0 ? 'clear' : 'untested';
      // Quote one seed's own words so a multi-seed summary still says what was found (or why not tested).
      const example = outcomes.indexOf(outcome);
      const said = example >= 0 ? `; seed #${example + 1}: ${vs[example]!.summary}` : '';
      const firstUntested = vs[outcomes.indexOf('untested')];
      const details = {
        firedSeeds: fired,
        clearSeeds: clear,
        untestedSeeds: untested,
        seeds: vs.length,
        perSeed: vs.map((v) => v.status),
        perSeedOutcome: outcomes,
      };
      const verdict: Verdict = {
        outcome,
        fired: fired > 0,
        status,
        summary: `${outcomeCounts(outcomes)}; most common: ${status}${said}`,
        ...(outcome === 'untested' && firstUntested
          ? { untestedReason: firstUntested.untestedReason ?? firstUntested.summary, toTest: firstUntested.toTest ?? 'see the seed verdicts' }
          : {}),
        details,
      };
      return [name, verdict];
    }),
  );
}

/** Detect on a results folder (single- or multi-seed). */
export function detectRun(runDir: string, options: DetectRunOptions = {}): RunDetection {
  if (!existsSync(runDir)) throw new UsageError(`results folder '${runDir}' not found`);
  const seedsDir = join(runDir, 'seeds');
  const dirs =
    existsSync(seedsDir) && !existsSync(join(runDir, 'metrics.jsonl'))
      ? readdirSync(seedsDir)
          .filter((d) => d.startsWith('seed-'))
          .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
          .map((d) => join(seedsDir, d))
      : [runDir];
  const seeds = dirs.map((dir) => ({ dir, report: detectSeed(dir, options.config) }));
  const verdicts = seeds.length === 1 ? seeds[0]!.report.verdicts : combineVerdicts(seeds.map((s) => s.report));
  if (options.write) {
    for (const s of seeds) writeSeed(s.dir, s.report);
    if (seeds.length > 1) {
      const detections: (Finding & { seed: string })[] = seeds.flatMap((s) => s.report.detections.map((f) => ({ ...f, seed: s.dir.split('/').pop()! })));
      writeSummary(runDir, { detections, verdicts });
    }
  }
  return { runDir, seeds, verdicts };
}
