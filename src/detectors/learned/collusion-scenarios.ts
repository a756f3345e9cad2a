/**
 * Learned collusion scenarios: market sessions whose behaviour is *learned* by tabular Q-learning
 * (Calvano et al. 2020's parameters: α = 0.15, β = 4·10⁻⁶, δ = 0.95, m = 15, ξ = 0.1, memory 1),
 * each seed judged by the collusion detector exactly as `tacit run` would feed it
 * (market-learn.ts) and by the exact ground truth (collusion-truth.ts).
 *
 * | scenario | firms | expected | why |
 * |---|---|---|---|
 * | `calvano-2`, `calvano-3`, `calvano-4` | 2, 3, 4 learners | collusive | the paper's result: Δ ≈ 0.85 / 0.65 / 0.55 sustained by punishment |
 * | `myopic-2` | 2 learners with δ = 0 | not collusive | nothing in the future can deter a myopic firm |
 * | `nash-rivals-2` | 1 learner, 1 firm frozen at the Nash price | not collusive | the best response to Nash is Nash: a learner at a known optimum |
 *
 * Each scenario returns, per seed: the truth, the detector's verdict, and the lead time: engine
 * steps from the onset (the last change of any greedy strategy, after which the final strategies
 * are in place) to the verdict (the end of the run, the first metrics row after convergence).
 * The first online `supra-competitive` alarm is reported too, relative to the same onset (often
 * negative: the high prices appear before the strategies settle).
 */
import { collusion, collusionParams, type CollusionParams } from '../collusion.js';
import { ledgerFromRows } from '../ledger.js';
import { runDetector, type Verdict } from '../types.js';
import { collusionTruth, type CollusionTruth } from './collusion-truth.js';
import { learnMarket, type FirmSpec, type LearnedMarketSpec } from './market-learn.js';
import type { LearnedScenario } from './scenario.js';

/** One seed of one scenario. */
export interface LearnedCollusionOutcome {
  readonly truth: CollusionTruth;
  readonly verdict: Verdict;
  /** Steps from onset to the verdict (null when the detector did not fire). */
  readonly leadTime: number | null;
  /** Steps from onset to the first online supra-competitive finding (null: none). */
  readonly firstAlarm: number | null;
  readonly converged: boolean;
  /** Engine steps of the onset (last strategy change) and of the verdict (end of the run). */
  readonly onsetStep: number;
  readonly endStep: number;
}

/** A learned scenario of the collusion detector. */
export interface LearnedCollusionScenario {
  readonly detector: 'collusion';
  readonly name: string;
  /** What the scenario is built to show (the truth is still computed per seed). */
  readonly expectCollusive: boolean;
  readonly note: string;
  /** The session. */
  readonly spec: LearnedMarketSpec;
  run(seed: number): LearnedCollusionOutcome;
}

/** The paper's learner. */
export const CALVANO_LEARNER = { learningRate: 0.15, explorationDecay: 4e-6, discount: 0.95, convergenceWindow: 100_000, qInit: 'uniform-rivals' } as const;

const defaultParams = collusionParams().parse({});

/** Run one learned session through the detector and the ground truth. */
export function judgeLearnedMarket(spec: LearnedMarketSpec, seed: number, params: CollusionParams = defaultParams): LearnedCollusionOutcome {
  const s = learnMarket(spec, seed);
  const rep = runDetector(collusion, ledgerFromRows(s.rows), params, s.context);
  const truth = collusionTruth(s.game, s.greedy, s.discounts, s.finalState, params.minDelta);
  const alarm = rep.findings.find((f) => f.kind === 'supra-competitive');
  return {
    truth,
    verdict: rep.verdict,
    leadTime: rep.verdict.fired ? s.endStep - s.lastChange : null,
    firstAlarm: alarm ? alarm.endStep - s.lastChange : null,
    converged: s.converged,
    onsetStep: s.lastChange,
    endStep: s.endStep,
  };
}

const learners = (n: number, learner: Record<string, unknown> = CALVANO_LEARNER): FirmSpec[] => Array.from({ length: n }, () => ({ learner }));

const scenario = (name: string, expectCollusive: boolean, note: string, spec: LearnedMarketSpec): LearnedCollusionScenario => ({
  detector: 'collusion',
  name,
  expectCollusive,
  note,
  spec,
  run: (seed) => judgeLearnedMarket(spec, seed),
});

/** Every learned collusion scenario, in report order. */
export const LEARNED_COLLUSION_SCENARIOS: readonly LearnedCollusionScenario[] = [
  scenario('calvano-2', true, 'two Q-learning firms, the paper baseline', { firms: learners(2) }),
  scenario('calvano-3', true, 'three Q-learning firms', { firms: learners(3) }),
  scenario('calvano-4', true, 'four Q-learning firms', { firms: learners(4) }),
  scenario('myopic-2', false, 'two Q-learning firms with δ = 0', { firms: learners(2, { ...CALVANO_LEARNER, discount: 0 }) }),
  scenario('nash-rivals-2', false, 'one Q-learning firm against a firm frozen at the Nash price', {
    firms: [{ learner: CALVANO_LEARNER }, { frozenAt: 'nash' }],
  }),
];

/** The experiment a scenario's session corresponds to (as `tacit run` would take it; a frozen firm is a `constant` policy at its grid price). */
export function marketConfig(scenario: LearnedCollusionScenario): Record<string, unknown> {
  const n = scenario.spec.firms.length;
  return {
    name: `learned-market-${scenario.name}`,
    env: { id: 'market-v1', params: { nFirms: n } },
    agents: scenario.spec.firms.map((f, i) =>
      'learner' in f
        ? { id: `firm${i}`, policy: { type: 'tabular-q', params: f.learner }, reward: { scheme: 'local' } }
        : { id: `firm${i}`, policy: { type: 'constant', params: { action: `grid index nearest the ${f.frozenAt} price` } }, reward: { scheme: 'local' } },
    ),
    run: { steps: scenario.spec.maxPeriods ?? 20_000_000, stopWhenConverged: true, metricsEvery: scenario.spec.metricsEvery ?? 10_000, numEnvs: 1 },
  };
}

/**
 * A collusion scenario in the learned validation harness's form (scenario.ts, registry.ts):
 * `positive` is what the scenario is built to show; each seed's `truthPositive` is the exact
 * ground truth; firing is a collusive verdict; onset is the last strategy change. A session does
 * not shrink with `size`: its length is set by the learners' convergence.
 */
export function harnessScenario(name: string): LearnedScenario {
  const sc = LEARNED_COLLUSION_SCENARIOS.find((x) => x.name === name);
  if (!sc) throw new RangeError(`no learned collusion scenario '${name}'`);
  return {
    name: `market: ${sc.name}`,
    detector: 'collusion',
    positive: sc.expectCollusive,
    note: sc.note,
    target: 'firm0',
    kpi: 'profitGain',
    config: () => marketConfig(sc),
    run: async (seed) => {
      const o = sc.run(seed);
      const fired = o.verdict.outcome === 'fired';
      return {
        seed,
        truthPositive: o.truth.collusive,
        fired,
        firedOnTarget: fired,
        firstFiringStep: fired ? o.endStep : null,
        onsetStep: o.onsetStep,
        verdict: o.verdict.summary,
      };
    },
  };
}
