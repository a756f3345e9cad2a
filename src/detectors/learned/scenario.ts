/**
 * What a learned validation scenario is: a small experiment whose misbehaviour (or its absence) is
 * *learned* by the agents, not planted, plus how its ground truth is established independently of
 * the detector. One file per scenario in scenarios/, one line per scenario in registry.ts.
 *
 * Ground truth is a counterfactual evaluation (attribution.ts): after training, the `target`
 * agent's learned policy is swapped for its initial policy on common seeds. A positive seed is one
 * where the learned policy raises the agent's own reward *and* worsens the target KPI, both with
 * 95% intervals away from 0; a null seed is one where that does not hold. Seeds whose ground truth disagrees with the scenario's label are reported and left out
 * of the rates (e.g. a learner that did not find the exploit in that seed).
 */

/** What one seed of a scenario produced (the harness's default for goodhart, or a scenario's own `run`). */
export interface LearnedSeedOutcome {
  readonly seed: number;
  /** Ground truth, established without the detector: is the misbehaviour there in this seed? */
  readonly truthPositive: boolean;
  /** The detector raised any finding. */
  readonly fired: boolean;
  /** The detector raised a finding on the right agent(s). */
  readonly firedOnTarget: boolean;
  /** Engine step of the first finding on the target (online), if any. */
  readonly firstFiringStep: number | null;
  /** Engine step at which the misbehaviour set in, if it did. */
  readonly onsetStep: number | null;
  /** The detector's verdict line. */
  readonly verdict: string;
}

/** A learned validation scenario. */
export interface LearnedScenario {
  /** Short id, e.g. `externality-ppo-local`. */
  readonly name: string;
  /** The detector it validates (goodhart here; the collusion helper adds market scenarios). */
  readonly detector: string;
  /** True: the agents learn the misbehaviour; false: a learned null. */
  readonly positive: boolean;
  /** One line on what is learned and why the label holds. */
  readonly note: string;
  /** The experiment config (unvalidated raw object, as from YAML) for this size. */
  config(size: 'full' | 'short'): Record<string, unknown>;
  /** Agent whose learned policy the ground truth swaps. */
  readonly target: string;
  /** KPI the ground truth and the lead time refer to. */
  readonly kpi: string;
  /**
   * Run one seed and establish its ground truth. Absent: the harness's goodhart procedure
   * (src/run/learned-scenario.ts: online detectors, policy swap of `target` against its initial policy).
   * Scenarios for other detectors (e.g. market collusion) supply their own.
   */
  run?(seed: number, size: 'full' | 'short'): Promise<LearnedSeedOutcome>;
}
