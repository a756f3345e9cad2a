/**
 * What every detector shares: the finding record written to events.jsonl and summary.json, the
 * per-detector verdict, the online interface (push a ledger window, get new findings; finish for
 * the final report) and the spec a detector registers. A post-hoc run is the online detector fed
 * every window of a finished run, so the two give the same verdicts.
 */
import type { z } from 'zod';
import type { PolicySpec } from '../core/policy.js';
import type { AgentSpec, KpiSpec, World } from '../core/world.js';
import type { ForkSource, JointActor } from './forks.js';
import { Ledger } from './ledger.js';
import { metricsKey, type MetricsRow } from '../core/metrics-row.js';

/** One detection, as a line of events.jsonl (`"type": "finding"`) and an entry of summary.json `detections`. */
export interface Finding {
  readonly type: 'finding';
  /** Detector name, e.g. `goodhart`. */
  readonly detector: string;
  /** What was found, e.g. `reward-up-kpi-down`, `collusive`, `harms`, `tug-of-war`. */
  readonly kind: string;
  /** Agent ids involved (for pairwise findings: [actor, affected]). */
  readonly agents: readonly string[];
  /** Engine step at the end of the first metrics window the finding covers. */
  readonly startStep: number;
  /** Engine step at the end of the last metrics window the finding covers. */
  readonly endStep: number;
  /** Detector-specific strength in [0, 1] or in the units its evidence states. */
  readonly score: number;
  /** p-value of the test behind the finding, already adjusted for the detector's multiplicity, when it is a test. */
  readonly pValue?: number;
  /** Confidence in [0, 1] when the finding is not a single test (e.g. share of probes that agree). */
  readonly confidence?: number;
  /** Everything a user needs to check the finding: statistics, windows, intervals, probe paths. */
  readonly evidence: Readonly<Record<string, unknown>>;
}

/**
 * What a detector could say about a run. `untested` is not `clear`: it means the detector could
 * not run its test at all (too few metrics rows, no reference, no probes), and a reader must not
 * count it as a negative.
 */
export type VerdictOutcome = 'fired' | 'clear' | 'untested';

/** A detector's overall answer for a run, stored under summary.json `verdicts.<detector>`. */
export interface Verdict {
  /** fired: found the behaviour; clear: tested and did not find it; untested: could not test. */
  readonly outcome: VerdictOutcome;
  /** Whether the detector fired (`outcome === 'fired'`; kept for readers of older summaries). */
  readonly fired: boolean;
  /** Why the detector could not test (only when `outcome` is `untested`). */
  readonly untestedReason?: string;
  /** The setting that would make it testable, e.g. `run.steps ≥ 60000 with metricsEvery 500` (only when untested). */
  readonly toTest?: string;
  /** Machine-readable outcome, e.g. `collusive`, `supra-competitive-not-shown-collusive`, `none`. */
  readonly status: string;
  /** One sentence for people. */
  readonly summary: string;
  /** Detector-specific numbers backing the status. */
  readonly details: Readonly<Record<string, unknown>>;
}

/** A fired or clear verdict. */
export function testedVerdict(fired: boolean, status: string, summary: string, details: Readonly<Record<string, unknown>>): Verdict {
  return { outcome: fired ? 'fired' : 'clear', fired, status, summary, details };
}

/** An untested verdict: the summary leads with "untested" so no reader takes it for a negative. */
export function untestedVerdict(status: string, reason: string, toTest: string, details: Readonly<Record<string, unknown>> = {}): Verdict {
  return { outcome: 'untested', fired: false, status, summary: `untested: ${reason}; to test: ${toTest}`, untestedReason: reason, toTest, details };
}

/**
 * The outcome of a verdict read from a summary.json, including summaries written before outcomes
 * existed (then `fired` decides, and a `none`/`insufficient-data`/`no-reference` status with
 * "0 windows tested" or "fewer than" is read as untested rather than clear), and older conflict
 * verdicts that called a run clear although half of the detector could not run.
 */
export function outcomeOf(v: unknown): VerdictOutcome | null {
  if (!v || typeof v !== 'object') return null;
  const o = v as { outcome?: unknown; fired?: unknown; status?: unknown; summary?: unknown };
  const status = String(o.status ?? '');
  const summary = String(o.summary ?? '');
  // Summaries written before conflict said "untested" for a half it could not run stored those
  // verdicts as clear: no influence matrix (status influence-not-checked), or no tug-of-war window.
  if (o.outcome === 'clear' && (status === 'influence-not-checked' || /tug-of-war not tested \(0 windows\)/.test(summary))) return 'untested';
  if (o.outcome === 'fired' || o.outcome === 'clear' || o.outcome === 'untested') return o.outcome;
  if (typeof o.fired !== 'boolean') return null;
  if (o.fired) return 'fired';
  if (status === 'insufficient-data' || status === 'no-reference' || /\b0 windows tested\b|fewer than \d+ rows/.test(summary)) return 'untested';
  return 'clear';
}

/** Two-character mark of an outcome in CLI lines: `!!` fired, `ok` clear, `??` untested or unknown. */
export function outcomeMark(o: VerdictOutcome | null): string {
  return o === 'fired' ? '!!' : o === 'clear' ? 'ok' : '??';
}

/**
 * Rows a run must record for a detector's row-based test to run, and the sentence saying what
 * would give them. `plannedRows` from run.steps / run.metricsEvery.
 */
export interface RowRequirement {
  /** Fewest metrics rows with which the detector tests anything. */
  readonly minRows: number;
  /** What the rows are for, e.g. `window=50`. */
  readonly because: string;
  /** When only part of the detector needs the rows: that part, and what still runs without them. */
  readonly part?: string;
}

/** The `toTest` sentence for a detector that needs `need.minRows` rows. */
export function rowsToTest(need: RowRequirement, metricsEvery?: number): string {
  if (metricsEvery !== undefined && metricsEvery > 0)
    return `run.steps ≥ ${need.minRows * metricsEvery} with metricsEvery ${metricsEvery} gives the ${need.minRows} rows ${need.because} needs (or lower metricsEvery)`;
  return `a run with at least ${need.minRows} metrics rows (${need.because})`;
}

/** A detector's final output. */
export interface DetectorReport {
  readonly findings: readonly Finding[];
  readonly verdict: Verdict;
}

/** What a detector may use besides the ledger. Everything is optional: detectors say in their verdict what they could not check. */
export interface DetectorContext {
  /** Windows the run will record (run.steps / run.metricsEvery, rounded up); fixes the multiplicity of window scans so online and post-hoc runs agree. */
  readonly plannedRows?: number;
  /** The run's metricsEvery, so an untested verdict can say which run.steps would make it testable. */
  readonly metricsEvery?: number;
  /**
   * Probe results by name (plain data, as probes.json holds them): what detectors computed with the
   * world and policies at the end of a run (DetectorSpec.probes). Each detector names and types its
   * own with `probeKey` and reads them with `readProbe`.
   */
  readonly probes?: ProbeResults;
  /** A world, sampled states and a joint actor for detectors that fork the world themselves at `finish`. */
  readonly forks?: ForkSource;
}

/** Probe results by name. */
export type ProbeResults = Readonly<Record<string, unknown>>;

/** The name of one probe result and the type of its value, declared by the detector that reads it. */
export interface ProbeKey<T> {
  readonly name: string;
  /** Never set: carries T. */
  readonly type?: T;
}

/** Declare a probe result `name` of type T. */
export function probeKey<T>(name: string): ProbeKey<T> {
  return { name };
}

/** A probe result from the context, if the run computed it. */
export function readProbe<T>(context: DetectorContext, key: ProbeKey<T>): T | undefined {
  return context.probes?.[key.name] as T | undefined;
}

/** What a run offers a detector's probes once training is over: the world, recorded fork points, greedy play. */
export interface ProbeRun {
  readonly world: World;
  /** Fork points recorded at metrics windows (at least two). */
  readonly forks: ForkSource & { readonly actor: JointActor };
}

/**
 * Probes a detector computes in `tacit run`, which the runner saves to probes.json (so `tacit detect`
 * replays them) and hands to the detector as DetectorContext.probes.
 */
export interface DetectorProbes<P> {
  /**
   * While the trained policies exist (before they are disposed), from fork points: costly, so run
   * only when the detector is on. Returns results by probe name, or undefined.
   */
  afterTraining?(params: P, run: ProbeRun): ProbeResults | undefined;
  /**
   * From the seed's summary metrics (the world's own analysis) at the end of the run: cheap, so
   * recorded even when the detector is off, for a later `tacit detect --config` that switches it on.
   */
  fromSummary?(metrics: Readonly<Record<string, unknown>>, agents: readonly string[], lastStep: number | undefined): ProbeResults;
}

/**
 * What detectors read of a resolved experiment (the runner passes its ResolvedExperiment,
 * config/resolved.ts): named here so that detectors do not import the config layer, which imports
 * the detector registry to validate `detectors:` sections.
 */
export interface DetectorRunSource {
  readonly config: { readonly run: { readonly seed?: number | undefined; readonly steps?: number | undefined; readonly metricsEvery: number } };
  /** Detector params by detector name (defaults filled in); `false` for detectors switched off. */
  readonly detectorParams: Readonly<Record<string, Record<string, unknown> | false>>;
  /** One per world agent, in agent index order. */
  readonly assignments: readonly { readonly agent: AgentSpec; readonly policy: PolicySpec; readonly policyParams: Record<string, unknown> }[];
  readonly worldSpec: { readonly analyze?: unknown };
  /** The world's KPIs when the source already knows them (a resolved experiment); else read off makeWorld(). */
  readonly kpis?: readonly KpiSpec[];
  makeWorld(): World;
}

/** A detector running alongside a run: call `push` after each ledger append. */
export interface OnlineDetector {
  /** Evaluate the newest ledger window; returns findings that are new at this window. */
  push(ledger: Ledger): Finding[];
  /** Final findings (merged over windows) and the verdict, after the last window. */
  finish(ledger: Ledger): DetectorReport;
}

/** What a detector module registers. */
export interface DetectorSpec<P = unknown> {
  /** Detector id, the `detectors.<name>` key of configs and the detector of findings. */
  readonly id: string;
  /** One line on what it detects. */
  readonly summary: string;
  /** Params schema (strict, defaults, `.describe()` on each field). */
  readonly paramsSchema: z.ZodType<P>;
  /** Start an online detector. */
  create(params: P, context: DetectorContext): OnlineDetector;
  /** Probes the detector computes in a run (see DetectorProbes); absent for detectors of the metrics rows alone. */
  readonly probes?: DetectorProbes<P>;
  /**
   * Metrics rows the detector's row-based test needs with these params, on a world with these KPIs;
   * undefined when it has no row requirement or does not apply to the world (e.g. collusion outside a market).
   */
  rowsNeeded?(
    params: P,
    world: {
      readonly kpis: readonly { readonly name: string; readonly reference?: number }[];
      /** The world analyses its outcome at the end of a run (WorldSpec.analyze). */ readonly analyses?: boolean;
    },
  ): RowRequirement | undefined;
  /**
   * Params that name things of the world (KPIs, agents) checked against it when a config is
   * resolved: a typo is a config error, not a silently unused setting. Paths are relative to
   * `detectors.<id>`.
   */
  worldIssues?(params: P, world: { readonly kpis: readonly { readonly name: string }[] }): readonly { readonly path: string; readonly message: string }[];
}

/** Define a detector spec with its params type inferred from the schema. */
export function defineDetector<P>(spec: DetectorSpec<P>): DetectorSpec<P> {
  return spec;
}

/** Run a detector post hoc over a finished ledger. */
export function runDetector<P>(spec: DetectorSpec<P>, ledger: Ledger, params: P, context: DetectorContext = {}): DetectorReport {
  const online = spec.create(params, context);
  const replay = new Ledger(ledger.meta);
  for (let r = 0; r < ledger.length; r++) {
    replay.append(rowAt(ledger, r));
    online.push(replay);
  }
  return online.finish(replay);
}

/** Rebuild metrics row r of a ledger (used to replay a ledger window by window). */
export function rowAt(ledger: Ledger, r: number): MetricsRow {
  const row: MetricsRow = { window: r, step: ledger.steps[r]! };
  const { agents, components, kpis } = ledger.meta;
  agents.forEach((a, i) => {
    row[metricsKey.reward(a)] = ledger.local[i]![r]!;
    row[metricsKey.shaped(a)] = ledger.shaped[i]![r]!;
    row[metricsKey.action(a)] = ledger.actions[i]![r]!;
    components[i]!.forEach((c, k) => (row[metricsKey.rewardComponent(a, c)] = ledger.components[i]![k]![r]!));
  });
  kpis.forEach((k, i) => (row[metricsKey.kpi(k.name)] = ledger.kpis[i]![r]!));
  for (const [key, col] of ledger.extra) row[key] = col[r]!;
  return row;
}
