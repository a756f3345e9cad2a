/**
 * `tacit diagnose <config>`: the diagnostic loop as one command.
 *
 *   1. list the agents, their reward components and the team KPIs (setup.ts);
 *   2. say how stale each agent's information is against the world's truth (setup.ts);
 *   3. run the experiment over seeds with every configured detector and attribution, as the
 *      `baseline` variant of a sweep (the sweep runner: worker threads, or the queue);
 *   4. measure which reward components pull against which KPIs and who lowers whose reward
 *      (interactions.ts, from the ledgers and influence matrices of those runs);
 *   5. propose candidate fixes for each finding (candidates.ts), run them as variants of the same
 *      sweep over the same seeds, and recommend (recommend.ts);
 *   6. write diagnosis.json (diagnosis-schema.ts), diagnosis.md and report.html (render.ts).
 *
 * Runs live under `<out>/runs/` with the sweep's deterministic ids, so rerunning the command skips
 * what is done, and the same config and seeds give the same diagnosis.json bytes.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { applyOverrides, readConfigFile } from '../config/load.js';
import { resolveExperiment } from '../config/resolve.js';
import { TacitError, UsageError } from '../core/errors.js';
import { writeReport } from '../report/report.js';
import type { GridPoint } from '../config/sweep-grid.js';
import { planRuns, runSweep, type PlannedRun, type SweepPlan } from '../sweep/sweep.js';
import { generateCandidates, withHarmedKpi, type Candidate, type CandidateOptions, type NoCandidate } from './candidates.js';
import { checkDiagnosis, DIAGNOSIS_FORMAT, type Diagnosis } from './diagnosis-schema.js';
import { measureInteractions } from './interactions.js';
import { distinctFindings, observeRun, type ObservedSeed } from './observe.js';
import { recommend, type RecommendOptions, type SeedObservation } from './recommend.js';
import { diagnosisMarkdown, diagnosisSection } from './render.js';
import { experimentSetup } from './setup.js';

/** The baseline variant's label. */
export const BASELINE = 'baseline';

/** Options of diagnose. */
export interface DiagnoseOptions extends CandidateOptions, RecommendOptions {
  /** `--set` overrides of the config. */
  readonly sets?: readonly string[];
  /** Seeds per variant (default run.seeds of the config). */
  readonly seeds?: number;
  /** Output folder (default `<output.dir>/<name>/diagnose`). */
  readonly out?: string;
  /** Run the sweeps on this Postgres queue instead of local worker threads. */
  readonly queue?: string;
  readonly workers?: number;
  readonly quiet?: boolean;
  /** Write report.html (default true). */
  readonly report?: boolean;
  /** Progress lines (stderr). */
  readonly log?: (line: string) => void;
  readonly signal?: { stop: boolean; onStop?: () => void };
}

/** What diagnose produced. */
export interface DiagnoseResult {
  /** Null when interrupted: nothing is written then, and rerunning resumes. */
  readonly diagnosis: Diagnosis | null;
  readonly outDir: string;
  readonly reportPath: string | null;
  /** Runs that failed or were interrupted (the diagnosis then covers fewer seeds and says so). */
  readonly incomplete: number;
  readonly interrupted: boolean;
}

/** Run the plan's runs (locally or on the queue) and return the folders of the complete ones. */
async function execute(plan: SweepPlan, o: DiagnoseOptions): Promise<{ dirs: Set<string>; incomplete: number; interrupted: boolean }> {
  if (o.queue !== undefined) {
    const { openQueue } = await import('../queue/queue.js');
    const { enqueueSweep, waitForSweep } = await import('../queue/sweep-queue.js');
    const queue = await openQueue(o.queue);
    try {
      await enqueueSweep(queue, plan);
      const rows = await waitForSweep(queue, plan, () => {});
      const done = rows.filter((r) => r.status === 'complete');
      return { dirs: new Set(done.map((r) => resolvePath(r.dir))), incomplete: plan.runs.length - done.length, interrupted: false };
    } finally {
      await queue.close();
    }
  }
  const result = await runSweep(plan, {
    ...(o.workers !== undefined ? { workers: o.workers } : {}),
    quiet: o.quiet ?? false,
    command: 'tacit diagnose',
    ...(o.signal ? { signal: o.signal } : {}),
  });
  for (const f of result.outcomes.filter((x) => x.status !== 'complete' && x.status !== 'skipped'))
    o.log?.(`run ${f.job.dir}: ${f.status}${f.error ? ` (${f.error})` : ''}`);
  return {
    dirs: new Set(result.completeDirs.map((d) => resolvePath(d))),
    incomplete: plan.runs.length - result.completeDirs.length,
    interrupted: result.interrupted,
  };
}

/** Candidates whose runs validate, each checked alone so one bad candidate is dropped with its reason. */
export function validCandidates(
  base: unknown,
  configPath: string,
  candidates: readonly Candidate[],
  seeds: readonly number[],
  runsDir: string,
): { kept: Candidate[]; rejected: NoCandidate[] } {
  const kept: Candidate[] = [];
  const rejected: NoCandidate[] = [];
  // Run id → the variant that owns it (-1: the baseline). Equal ids mean equal resolved configs.
  const owner = new Map<string, number>(planRuns(base, configPath, [{ label: BASELINE, values: {} }], seeds, runsDir).map((r) => [r.id, -1]));
  for (const c of candidates) {
    try {
      const ids = planRuns(base, configPath, [{ label: c.label, values: c.values }], seeds, runsDir).map((r) => r.id);
      const same = ids.map((id) => owner.get(id)).find((o) => o !== undefined);
      if (same === -1) {
        rejected.push({ finding: c.findings.join(', '), reason: `"${c.label}" changes nothing in the resolved config (it is the baseline)` });
        continue;
      }
      if (same !== undefined) {
        // The same change reached by another finding's candidate: one set of runs answers both.
        const k = kept[same]!;
        kept[same] = { ...k, findings: [...new Set([...k.findings, ...c.findings])] };
        continue;
      }
      ids.forEach((id) => owner.set(id, kept.length));
      kept.push(c);
    } catch (err) {
      if (!(err instanceof TacitError)) throw err;
      rejected.push({ finding: c.findings.join(', '), reason: `"${c.label}" is not a valid config here: ${err.message}` });
    }
  }
  return { kept, rejected };
}

function plan(name: string, runsDir: string, seeds: readonly number[], points: readonly GridPoint[], runs: readonly PlannedRun[]): SweepPlan {
  return { name, outDir: runsDir, points, seeds, runs, retries: 1, report: false };
}

/** Group the complete runs of a plan by variant label, in seed order. */
function observeVariants(runs: readonly PlannedRun[], complete: ReadonlySet<string>): Map<string, ObservedSeed[]> {
  const out = new Map<string, ObservedSeed[]>();
  for (const r of runs) {
    if (!complete.has(resolvePath(r.dir))) continue;
    const list = out.get(r.variant) ?? [];
    list.push(observeRun(r.dir));
    out.set(r.variant, list);
  }
  return out;
}

/** Write text to `path` through a temporary file, so a reader never sees half of it. */
function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.${process.pid}.tmp`, text);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** Diagnose the experiment at `configPath` (see module header). */
export async function diagnose(configPath: string, o: DiagnoseOptions = {}): Promise<DiagnoseResult> {
  const log = o.log ?? (() => {});
  const raw = applyOverrides(readConfigFile(configPath), o.sets ?? []) as Record<string, unknown>;
  // diagnose builds its own variants; a sweep section of the file is not part of the baseline.
  const { sweep: _ignored, ...base } = raw;
  const resolved = resolveExperiment(base, configPath);
  const n = o.seeds ?? resolved.config.run.seeds;
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--seeds must be an integer >= 1, got ${n}`);
  if (o.removeShare !== undefined && !(o.removeShare > 0 && o.removeShare <= 1)) throw new UsageError(`--remove-share must be in (0, 1], got ${o.removeShare}`);
  const seeds = Array.from({ length: n }, (_, k) => resolved.config.run.seed + k);
  const outDir = resolvePath(o.out ?? join(resolved.config.output.dir, resolved.config.name, 'diagnose'));
  const runsDir = join(outDir, 'runs');
  const setup = experimentSetup(resolved);
  const name = `${resolved.config.name}-diagnose`;

  log(`diagnose ${resolved.config.name}: baseline over ${n} seed${n === 1 ? '' : 's'}`);
  const baselinePoint: GridPoint = { label: BASELINE, values: {} };
  const baselineRuns = planRuns(base, configPath, [baselinePoint], seeds, runsDir);
  const first = await execute(plan(name, runsDir, seeds, [baselinePoint], baselineRuns), o);
  if (first.interrupted) return { diagnosis: null, outDir, reportPath: null, incomplete: first.incomplete, interrupted: true };
  const baseline = observeVariants(baselineRuns, first.dirs).get(BASELINE) ?? [];
  if (baseline.length === 0) throw new TacitError(`no baseline run completed (see the errors above; runs in ${runsDir})`);
  const findings = distinctFindings(baseline).map((f) => withHarmedKpi(f, setup));

  const guards = (resolved.config.faults?.guards ?? []).length;
  const generated = generateCandidates(findings, setup, guards, o);
  const { kept, rejected } = validCandidates(base, configPath, generated.candidates, seeds, runsDir);
  log(`${findings.length} finding${findings.length === 1 ? '' : 's'}, ${kept.length} candidate fix${kept.length === 1 ? '' : 'es'} × ${n} seeds`);
  const points: GridPoint[] = [baselinePoint, ...kept.map((c) => ({ label: c.label, values: c.values }))];
  const allRuns = kept.length > 0 ? planRuns(base, configPath, points, seeds, runsDir) : baselineRuns;
  const second = kept.length > 0 ? await execute(plan(name, runsDir, seeds, points, allRuns), o) : first;
  if (second.interrupted) return { diagnosis: null, outDir, reportPath: null, incomplete: second.incomplete, interrupted: true };
  const observed = observeVariants(allRuns, second.dirs);

  const variants = new Map<string, SeedObservation[]>([...observed].map(([label, list]) => [label, list.map((s) => s.observation)]));
  const weights = Object.fromEntries(setup.kpis.map((k) => [k.name, k.weight]));
  const directions = Object.fromEntries(setup.kpis.map((k) => [k.name, k.better]));
  const noCandidate = [...generated.none, ...rejected];
  // A finding nothing was tried for says why in its own statement, not only in a list further down.
  const results = recommend(findings, kept, BASELINE, variants, weights, directions, o).map((r) => {
    const why = noCandidate.filter((x) => x.finding.split(', ').includes(r.finding.key)).map((x) => x.reason);
    return r.candidates.length === 0 && why.length > 0 ? { ...r, statement: `No candidate was tried: ${why.join('; ')}.` } : r;
  });
  const interactions = measureInteractions(
    setup,
    baseline.map((s) => s.ledger),
  );
  const detectors = [...new Set(baseline.flatMap((s) => Object.keys(s.observation.outcomes)))]
    .filter((d) => d !== 'staleness')
    .sort()
    .map((d) => {
      const outs = baseline.map((s) => s.observation.outcomes[d] ?? 'untested');
      return {
        detector: d,
        fired: outs.filter((x) => x === 'fired').length,
        clear: outs.filter((x) => x === 'clear').length,
        untested: outs.filter((x) => x === 'untested').length,
        off: outs.filter((x) => x === 'off').length,
      };
    });
  const diagnosis = checkDiagnosis({
    format: DIAGNOSIS_FORMAT,
    experiment: resolved.config.name,
    world: setup.world,
    seeds,
    removeShare: o.removeShare ?? 0.8,
    setup,
    interactions,
    detectors,
    findings: findings.map((f) => ({ ...f, result: results.find((r) => r.finding.key === f.key)! })),
    noCandidate,
    runs: allRuns.map((r) => ({ variant: r.variant, seed: r.seed, dir: relative(outDir, r.dir), complete: second.dirs.has(resolvePath(r.dir)) })),
    notes: [
      ...(n < 5 ? [`${n} seed${n === 1 ? '' : 's'} per variant: intervals and tests over so few seeds are weak; use --seeds 5 or more`] : []),
      ...interactions.notes,
      ...setup.detectorsOff.map((d) => `${d} is switched off in the config: its findings are not looked for (not the same as none)`),
    ],
  });
  mkdirSync(outDir, { recursive: true });
  writeAtomic(join(outDir, 'diagnosis.json'), `${JSON.stringify(diagnosis, null, 2)}\n`);
  writeAtomic(join(outDir, 'diagnosis.md'), diagnosisMarkdown(diagnosis));
  let reportPath: string | null = null;
  if (o.report !== false) {
    const dirs = allRuns.filter((r) => second.dirs.has(resolvePath(r.dir))).map((r) => r.dir);
    reportPath = (
      await writeReport(dirs, {
        out: join(outDir, 'report.html'),
        title: `tacit diagnose — ${resolved.config.name}`,
        leadSections: [diagnosisSection(diagnosis)],
      })
    ).path;
  }
  return { diagnosis, outDir, reportPath, incomplete: second.incomplete, interrupted: second.interrupted };
}
