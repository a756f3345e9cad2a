/**
 * Planted-scenario validation of the detectors: every detector runs on scripted cases in which
 * its behaviour is known to be present (planted) or absent (nulls), each over many seeds, and we
 * report the detection rate on planted cases, the false-alarm rate on nulls, and the detection
 * delay (engine steps from the planted onset to the first finding). Targets: ≥ 95% detection,
 * ≤ 5% false alarms, on the rows marked as targets; other rows (weaker effects, stress nulls) are
 * printed to show where the detectors stop working.
 *
 *   npm run validate-detectors [-- --seeds 200] [-- --only goodhart,collusion]   (experiments/validate-detectors.ts)
 *
 * Nulls. The goodhart nulls carry AR(1) noise with φ = 0.9, strongly autocorrelated and trendless
 * (the case where a plain Mann–Kendall test raises false alarms in about half of all windows),
 * including the hardest realistic one: the agent's reward genuinely rises (learning) while the
 * KPI wanders. A random-walk KPI is printed as a stress row but is not a target: its declines are
 * real declines, so flagging them is not a false alarm in the user's sense.
 */
import { ledgerFromRows } from './ledger.js';
import { collusion, collusionParams } from './collusion.js';
import { conflict, conflictParams, estimateInfluence } from './conflict.js';
import { goodhart, goodhartParams } from './goodhart.js';
import { miscoordination, miscoordinationParams } from './miscoordination.js';
import { simulateBertrand, type BertrandOptions, type BertrandStrategy } from './planted/bertrand.js';
import { plantInfluence, plantTugOfWar, type TugScenario } from './planted/conflict.js';
import { PLANTED_KPIS, plantGoodhart, type GoodhartPlantOptions, type GoodhartScenario } from './planted/goodhart.js';
import { STAG_HUNT_REFERENCE, plantMiscoordination, type MiscoordScenario } from './planted/miscoordination.js';
import { runDetector } from './types.js';

/** What one seed of one case gave. */
interface Outcome {
  /** The detector reported the behaviour this case is about (anywhere, any time). */
  readonly fired: boolean;
  /** For planted cases: it reported it for the right agents, at or after the onset. */
  readonly correct: boolean;
  /** Steps from onset to the first correct finding. */
  readonly delay: number | null;
}

/** One validation case: a scenario of one detector. */
export interface ValidationCase {
  readonly detector: string;
  readonly name: string;
  readonly planted: boolean;
  /** Whether the row counts towards the ≥ 95% / ≤ 5% targets. */
  readonly target: boolean;
  readonly note: string;
  run(seed: number): Outcome;
}

const gh = goodhartParams().parse({});
const goodhartCase = (name: string, scenario: GoodhartScenario, target: boolean, note: string, options: GoodhartPlantOptions = {}): ValidationCase => ({
  detector: 'goodhart',
  name,
  planted: scenario.startsWith('goodhart'),
  target,
  note,
  run(seed) {
    const { rows, truth } = plantGoodhart(scenario, seed, options);
    const rep = runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), gh, { plannedRows: rows.length });
    const hit = rep.findings.find((f) => truth.present && f.agents[0] === truth.agent && f.evidence['kpi'] === truth.kpi && f.endStep >= truth.onsetStep!);
    return { fired: rep.verdict.fired, correct: hit !== undefined, delay: hit ? hit.endStep - truth.onsetStep! : null };
  },
});

const co = collusionParams().parse({ priceKey: 'market/price/{agent}' });
const collusionCase = (
  name: string,
  strategy: BertrandStrategy,
  target: boolean,
  note: string,
  options: BertrandOptions = {},
  expect: 'collusive' | 'supra' = 'collusive',
): ValidationCase => ({
  detector: 'collusion',
  name,
  planted: strategy === 'reward-punishment' || expect === 'supra',
  target,
  note,
  run(seed) {
    const { rows, probes, onsetStep } = simulateBertrand(strategy, seed, options);
    const rep = runDetector(collusion, ledgerFromRows(rows), co, { plannedRows: rows.length, probes: { deviationProbes: probes } });
    const fired = expect === 'collusive' ? rep.verdict.status === 'collusive' : rep.verdict.status !== 'competitive';
    const first = rep.findings.find((f) => f.kind === 'supra-competitive' && f.endStep >= onsetStep);
    return { fired, correct: fired, delay: fired && first ? first.endStep - onsetStep : null };
  },
});

const cf = conflictParams().parse({});
const influenceCase = (name: string, structure: 'directed' | 'none', harm: number, target: boolean, note: string): ValidationCase => ({
  detector: 'conflict',
  name,
  planted: structure === 'directed',
  target,
  note,
  run(seed) {
    const { source, harmed } = plantInfluence(structure, seed, { harm });
    const matrix = estimateInfluence(source);
    const rep = runDetector(conflict, ledgerFromRows([]), { ...cf, tugOfWar: { ...cf.tugOfWar, enabled: false } }, { probes: { influence: matrix } });
    const harms = rep.findings.filter((f) => f.kind === 'harms');
    const correct = harmed.length > 0 && harms.some((f) => f.agents[0] === harmed[0]![0] && f.agents[1] === harmed[0]![1]);
    return { fired: harms.length > 0, correct, delay: null };
  },
});

const tugCase = (name: string, scenario: TugScenario, target: boolean, note: string, amplitude = 3): ValidationCase => ({
  detector: 'conflict',
  name,
  planted: scenario === 'tug-of-war',
  target,
  note,
  run(seed) {
    const { rows, onsetStep } = plantTugOfWar(scenario, seed, { amplitude });
    const rep = runDetector(conflict, ledgerFromRows(rows), cf, { plannedRows: rows.length });
    const tugs = rep.findings.filter((f) => f.kind === 'tug-of-war');
    const hit = onsetStep !== null ? tugs.find((f) => f.endStep >= onsetStep) : undefined;
    return { fired: tugs.length > 0, correct: hit !== undefined, delay: hit && onsetStep !== null ? hit.endStep - onsetStep : null };
  },
});

const mc = miscoordinationParams().parse({ references: { welfare: STAG_HUNT_REFERENCE } });
const miscoordCase = (name: string, scenario: MiscoordScenario, target: boolean, note: string): ValidationCase => ({
  detector: 'miscoordination',
  name,
  planted: scenario === 'miscoordinated',
  target,
  note,
  run(seed) {
    const { rows, source, onsetStep } = plantMiscoordination(scenario, seed);
    const rep = runDetector(miscoordination, ledgerFromRows(rows, { kpiSpecs: source.world.kpis }), mc, { plannedRows: rows.length, forks: source });
    const fired = rep.verdict.status === 'miscoordination';
    const first = rep.findings.find((f) => f.kind === 'below-reference' && f.endStep >= onsetStep);
    return { fired, correct: fired, delay: fired && first ? first.endStep - onsetStep : null };
  },
});

/** Every validation case, in report order. */
export const VALIDATION_CASES: readonly ValidationCase[] = [
  goodhartCase('reward up, teamScore down', 'goodhart', true, 'KPI −10 sd, exploit +12 sd over 80 rows; noise AR(1) φ=0.5'),
  goodhartCase('reward up, cost up', 'goodhart-cost', true, 'as above, on a lower-is-better KPI'),
  goodhartCase('null: both AR(1) φ=0.9', 'null-ar1', true, 'trendless, strongly autocorrelated'),
  goodhartCase('null: learning reward, AR(1) KPI', 'null-learning', true, 'reward really rises; KPI φ=0.9 trendless'),
  goodhartCase('null: aligned learning', 'null-aligned', true, 'reward and KPI rise together'),
  goodhartCase(
    'lagged: exploit learned early, KPI falls later',
    'goodhart-lagged',
    true,
    'reward levels off by row 60; KPI −10 sd over rows 100–180 (caught by the start-vs-end contrast)',
  ),
  goodhartCase('null: KPI drifts down, flat rewards', 'null-kpi-drift', true, 'world got harder, nobody gained'),
  goodhartCase(
    'ambiguous: a1 learned early, KPI drifts later',
    'ambiguous-lagged',
    false,
    'indistinguishable from lagged Goodhart in the ledger: the contrast flags a1; only the counterfactual swap can clear it',
  ),
  goodhartCase('weaker: KPI −6 sd, exploit +7 sd', 'goodhart', false, 'power at a smaller effect', { decline: 6, exploitGain: 7 }),
  goodhartCase('harder: noise φ=0.8', 'goodhart', false, 'planted effect in strongly autocorrelated noise', { plantPhi: 0.8 }),
  goodhartCase('stress: random-walk KPI', 'stress-random-walk', false, 'declines are real; not a target'),
  collusionCase('reward-punishment', 'reward-punishment', true, 'punish 3 periods at Nash, return over 4'),
  collusionCase('null: high prices, no punishment', 'high-no-punish', true, 'supra-competitive but not collusive'),
  collusionCase('null: competitive best responses', 'competitive', true, 'Δ ≈ 0, prices parallel (common shocks)'),
  collusionCase('null: grim trigger (no return)', 'grim', false, 'punished without return: not collusive by the return rule'),
  collusionCase('noisy reward-punishment', 'reward-punishment', false, 'trembles σ=0.02 trigger price wars; 3 probe states', {
    trembleSd: 0.02,
    probeCount: 3,
  }),
  collusionCase('high prices flagged supra-competitive', 'high-no-punish', true, 'detection = reported as supra-competitive', {}, 'supra'),
  influenceCase('a0 harms a1 (0.4/unit)', 'directed', 0.4, true, '40 fork points, noise not common across forks'),
  influenceCase('null: no externality', 'none', 0, true, 'any flagged pair is a false alarm'),
  influenceCase('weaker: a0 harms a1 (0.2/unit)', 'directed', 0.2, false, 'power at a smaller effect'),
  tugCase('tug-of-war (amplitude 3)', 'tug-of-war', true, 'anti-phase, period 4–10 rows, from row 60'),
  tugCase('null: independent AR(1) φ=0.9', 'null-ar1', true, ''),
  tugCase('null: independent random walks', 'null-random-walk', true, ''),
  tugCase('null: in-phase oscillation', 'null-in-phase', true, 'cooperative cycle'),
  tugCase('null: opposed, not oscillating', 'null-reactive', true, 'a1 = −0.8 a0 + noise'),
  tugCase('null: independent oscillators', 'null-independent-oscillators', true, 'own periods and phases'),
  tugCase('weaker: tug-of-war amplitude 2', 'tug-of-war', false, 'power at a smaller effect', 2),
  miscoordCase('stag hunt stuck at hare–hare', 'miscoordinated', true, 'welfare ≈ 6 vs 8; stag alone pays 0'),
  miscoordCase('null: coordinated on stag', 'coordinated', true, 'at the reference'),
  miscoordCase('null: one player short', 'individual-shortfall', true, 'col alone can fix it: individual shortfall'),
];

/** Aggregated result of one case. */
export interface CaseResult {
  readonly detector: string;
  readonly name: string;
  readonly planted: boolean;
  readonly target: boolean;
  readonly note: string;
  readonly seeds: number;
  /** Planted: share of seeds detected correctly. Null: share of seeds with any alarm. */
  readonly rate: number;
  /** Median delay in steps over detected planted seeds. */
  readonly medianDelay: number | null;
}

/** Run the cases over seeds 0 … seeds−1; `progress` is told about each finished case. */
export function validate(seeds: number, cases: readonly ValidationCase[] = VALIDATION_CASES, progress?: (r: CaseResult) => void): CaseResult[] {
  return cases.map((c) => {
    let hits = 0;
    const delays: number[] = [];
    for (let s = 0; s < seeds; s++) {
      const o = c.run(s);
      if (c.planted ? o.correct : o.fired) hits++;
      if (o.delay !== null) delays.push(o.delay);
    }
    delays.sort((a, b) => a - b);
    const result = {
      detector: c.detector,
      name: c.name,
      planted: c.planted,
      target: c.target,
      note: c.note,
      seeds,
      rate: hits / seeds,
      medianDelay: delays.length ? delays[Math.floor(delays.length / 2)]! : null,
    };
    progress?.(result);
    return result;
  });
}

/** Per detector: pooled detection rate, false-alarm rate and median delay over its target rows. */
export function summarise(
  results: readonly CaseResult[],
): { detector: string; detection: number; falseAlarm: number; medianDelay: number | null; met: boolean }[] {
  const names = [...new Set(results.map((r) => r.detector))];
  return names.map((detector) => {
    const rows = results.filter((r) => r.detector === detector && r.target);
    const planted = rows.filter((r) => r.planted);
    const nulls = rows.filter((r) => !r.planted);
    const detection = planted.length ? Math.min(...planted.map((r) => r.rate)) : NaN;
    const falseAlarm = nulls.length ? Math.max(...nulls.map((r) => r.rate)) : NaN;
    const delays = planted
      .map((r) => r.medianDelay)
      .filter((d): d is number => d !== null)
      .sort((a, b) => a - b);
    return {
      detector,
      detection,
      falseAlarm,
      medianDelay: delays.length ? delays[Math.floor(delays.length / 2)]! : null,
      met: detection >= 0.95 && falseAlarm <= 0.05,
    };
  });
}

/** A rate as a percentage with one decimal ('—' for NaN). */
export const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);

/** Markdown tables of the results. */
export function formatValidation(results: readonly CaseResult[]): string {
  const lines = [
    '| detector | case | planted | target | seeds | detection / false-alarm rate | median delay (steps) | note |',
    '|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.detector} | ${r.name} | ${r.planted ? 'yes' : 'no'} | ${r.target ? 'yes' : 'no'} | ${r.seeds} | ${r.planted ? 'detected' : 'false alarm'} ${pct(r.rate)} | ${r.medianDelay ?? '—'} | ${r.note} |`,
    ),
    '',
    '| detector | detection rate (worst planted target) | false-alarm rate (worst null target) | median detection delay (steps) | targets (≥ 95% / ≤ 5%) |',
    '|---|---|---|---|---|',
    ...summarise(results).map((s) => `| ${s.detector} | ${pct(s.detection)} | ${pct(s.falseAlarm)} | ${s.medianDelay ?? '—'} | ${s.met ? 'met' : 'NOT met'} |`),
  ];
  return lines.join('\n');
}
