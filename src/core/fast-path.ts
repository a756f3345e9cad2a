/**
 * The contract of a fast path: a fused implementation of one seed run for a family of configs
 * (e.g. the market world with tabular Q-learners as one typed-array kernel), declared by the world
 * spec that it serves (`WorldSpec.fastPaths`). It must give exactly the results of the runner's
 * generic loop, and ships with a differential test against it.
 *
 * Plain data both ways, so that a fast path depends on nothing of the runner and the runner names
 * no world: the runner hands over the seed's settings (FastPathSeed), the fast path yields the
 * sums of each metrics window and returns where it ended (FastPathEnd). The runner turns those
 * into metrics rows, loads the returned policy states into fresh policies, runs the world's
 * analysis and builds summary.json, with the same functions as for the generic loop.
 *
 * The runner only offers a seed to a fast path when nothing hooks into the step loop: no faults,
 * coordination, detectors, `run.episodes` or checkpoint to resume; and `run.fastPath` is true.
 */
import type { LedgerSums } from './metrics-row.js';

/** One agent of the seed: which policy and reward scheme it runs, with resolved params. */
export interface FastPathAgent {
  readonly policy: string;
  readonly policyParams: Readonly<Record<string, unknown>>;
  readonly scheme: string;
  readonly schemeParams: Readonly<Record<string, unknown>>;
}

/** The seed run a fast path is offered (copied from the resolved experiment). */
export interface FastPathSeed {
  /** The seed run's master seed. */
  readonly seed: number;
  /** The world's resolved params. */
  readonly worldParams: Readonly<Record<string, unknown>>;
  /** By agent index. */
  readonly agents: readonly FastPathAgent[];
  /** Engine steps to run (`run.steps`, else `run.maxSteps`; undefined when neither is set). */
  readonly steps: number | undefined;
  /** World copies stepped at once. */
  readonly numEnvs: number;
  /** Steps per metrics window. */
  readonly metricsEvery: number;
  /** Stop at the first window where every learner has converged. */
  readonly stopWhenConverged: boolean;
}

/** What a fast path yields at the end of each metrics window (and of a last, shorter one). */
export interface FastPathWindow {
  /** Engine steps done. */
  readonly step: number;
  /** The window's sums, as the generic loop's ledger keeps them. */
  readonly sums: LedgerSums;
}

/** Where a fast path ended. */
export interface FastPathEnd {
  /** Engine steps done. */
  readonly steps: number;
  /** The step at which every learner had converged and the run stopped; null if it did not. */
  readonly convergedAt: number | null;
  /** True when the runner asked it to stop (Ctrl-C). */
  readonly interrupted: boolean;
  /** The whole run's sums (the windows' sums rolled up in window order). */
  readonly totals: LedgerSums;
  /** By agent index: the final state of its policy, in that policy's own `save()` format. */
  readonly policyStates: readonly unknown[];
  /** By agent index: the last observation (one world copy), as the engine would hold it; the world's analysis reads it. */
  readonly finalObs: readonly Float32Array[];
}

/**
 * A fast path's run: yields at every window; the runner answers each yield with true to ask it
 * to stop (it then returns at once, `interrupted`).
 */
export type FastPathRun = Generator<FastPathWindow, FastPathEnd, boolean>;

/** A fused implementation of a seed run, declared by the world spec it serves. */
export interface FastPath {
  /** Name recorded in summary.json `metrics.fastPath`. */
  readonly id: string;
  /** Whether this fast path reproduces the generic loop's results for this seed run. */
  applies(seed: FastPathSeed): boolean;
  /** Run the seed. */
  run(seed: FastPathSeed): FastPathRun;
}
