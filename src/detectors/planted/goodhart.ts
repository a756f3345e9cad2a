/**
 * Planted and null ledgers for the goodhart detector. Each scenario builds the metrics rows of a
 * two-agent run (agents `a0`, `a1`, reward components `task` and `exploit`, KPIs `teamScore`
 * (higher is better) and `cost` (lower is better)) with seeded noise. Noise is AR(1) around the
 * scenario's mean curves, scaled so its stationary standard deviation is `noiseSd`.
 *
 * | scenario | behaviour present | reward of a0 | teamScore |
 * |---|---|---|---|
 * | `goodhart` | yes, from `onset` | learning curve, then the `exploit` component keeps rising | rises with learning, falls after `onset` |
 * | `goodhart-cost` | yes, from `onset` | as above | flat; `cost` rises after `onset` |
 * | `null-ar1` | no | trendless AR(1), φ = `nullPhi` | trendless AR(1), φ = `nullPhi` |
 * | `null-learning` | no | learning curve | trendless AR(1), φ = `nullPhi` |
 * | `null-aligned` | no | learning curve | rises with learning |
 * | `goodhart-lagged` | yes; onset = when the KPI starts to fall | learning curve with a rising `exploit` component over the first 60 rows, then flat | rises with learning over the first 60 rows, then falls after `onset` (learned Goodhart: the KPI collapses after the reward has levelled off) |
 * | `null-kpi-drift` | no | trendless AR(1), φ = `nullPhi` (both agents) | falls after `onset` (the world got harder; nobody gained) |
 * | `ambiguous-lagged` | unknowable from the ledger | a1 learns early, then flat | falls after `onset` for a reason outside the agents; the ledger looks like `goodhart-lagged`, and only a counterfactual policy swap can tell them apart |
 * | `stress-random-walk` | no (but the KPI does wander down half the time) | learning curve | random walk |
 *
 * The nulls carry φ = 0.9 noise by default: strongly autocorrelated, trendless curves, the case
 * where a plain Mann–Kendall test raises false alarms in about half of all windows.
 */
import { deriveSeedWords, nextNormal } from '../../core/rng.js';
import { metricsKey, type MetricsRow } from '../../core/metrics-row.js';

/** Names of the goodhart scenarios. */
export const GOODHART_SCENARIOS = [
  'goodhart',
  'goodhart-cost',
  'goodhart-lagged',
  'null-ar1',
  'null-learning',
  'null-aligned',
  'null-kpi-drift',
  'ambiguous-lagged',
  'stress-random-walk',
] as const;

/** One goodhart scenario. */
export type GoodhartScenario = (typeof GOODHART_SCENARIOS)[number];

/** Knobs of the planted ledgers. */
export interface GoodhartPlantOptions {
  /** Metrics rows in the run. */
  readonly rows?: number;
  /** Engine steps per row. */
  readonly stepsPerRow?: number;
  /** Row at which the planted behaviour starts. */
  readonly onset?: number;
  /** Stationary sd of the noise around planted curves. */
  readonly noiseSd?: number;
  /** AR(1) coefficient of the noise around planted curves. */
  readonly plantPhi?: number;
  /** AR(1) coefficient of the trendless null curves. */
  readonly nullPhi?: number;
  /** KPI fall over the `declineRows` rows after onset, in noise sds. */
  readonly decline?: number;
  /** Rise of a0's `exploit` reward component over the `declineRows` rows after onset, in noise sds. */
  readonly exploitGain?: number;
  /** Rows over which the planted KPI falls. */
  readonly declineRows?: number;
}

/** Where and when the behaviour was planted (for detection rates and delays). */
export interface PlantTruth {
  readonly present: boolean;
  readonly agent?: string;
  readonly kpi?: string;
  /** Engine step at which the behaviour starts. */
  readonly onsetStep?: number;
}

/** The metrics rows of one planted run and what was planted. */
export function plantGoodhart(scenario: GoodhartScenario, seed: number, options: GoodhartPlantOptions = {}): { rows: MetricsRow[]; truth: PlantTruth } {
  const n = options.rows ?? 200;
  const spr = options.stepsPerRow ?? 1000;
  const onset = options.onset ?? 100;
  const sd = options.noiseSd ?? 1;
  const plantPhi = options.plantPhi ?? 0.5;
  const nullPhi = options.nullPhi ?? 0.9;
  const decline = (options.decline ?? 10) * sd;
  const declineRows = options.declineRows ?? 80;
  const gain = (options.exploitGain ?? 12) * sd;
  const rng = deriveSeedWords('planted/goodhart', scenario, seed);
  const noise = (phi: number): number[] => {
    const out: number[] = [];
    let v = nextNormal(rng);
    const innov = Math.sqrt(1 - phi * phi);
    for (let t = 0; t < n; t++) {
      out.push(sd * v);
      v = phi * v + innov * nextNormal(rng);
    }
    return out;
  };
  const randomWalk = (): number[] => {
    const out: number[] = [];
    let v = 0;
    for (let t = 0; t < n; t++) {
      out.push(v);
      v += sd * 0.3 * nextNormal(rng);
    }
    return out;
  };
  const learning = (t: number): number => 6 * sd * (1 - Math.exp(-t / 30));
  const after = (t: number): number => Math.min(Math.max(t - onset, 0), declineRows) / declineRows;
  const zero = (): number[] => new Array<number>(n).fill(0);
  const curve = (f: (t: number) => number): number[] => Array.from({ length: n }, (_, t) => f(t));
  const add = (a: number[], b: number[]): number[] => a.map((v, t) => v + b[t]!);

  let task0: number[];
  let exploit0: number[] = zero();
  let teamScore: number[];
  let cost: number[] = noise(plantPhi);
  const planted = scenario === 'goodhart' || scenario === 'goodhart-cost' || scenario === 'goodhart-lagged';
  let task1: number[] | undefined;
  switch (scenario) {
    case 'goodhart-lagged':
      // The exploit is learned with the task (rows 0–60); the damage to the team shows only later.
      task0 = add(curve(learning), noise(plantPhi));
      exploit0 = add(
        curve((t) => gain * Math.min(t / 60, 1)),
        noise(plantPhi),
      );
      teamScore = add(
        curve((t) => learning(t) - decline * after(t)),
        noise(plantPhi),
      );
      break;
    case 'goodhart':
    case 'goodhart-cost':
      task0 = add(curve(learning), noise(plantPhi));
      exploit0 = add(
        curve((t) => gain * after(t)),
        noise(plantPhi),
      );
      teamScore =
        scenario === 'goodhart'
          ? add(
              curve((t) => learning(t) - decline * after(t)),
              noise(plantPhi),
            )
          : noise(plantPhi);
      if (scenario === 'goodhart-cost')
        cost = add(
          curve((t) => decline * after(t)),
          noise(plantPhi),
        );
      break;
    case 'null-ar1':
      task0 = noise(nullPhi);
      teamScore = noise(nullPhi);
      cost = noise(nullPhi);
      break;
    case 'null-learning':
      task0 = add(curve(learning), noise(plantPhi));
      teamScore = noise(nullPhi);
      cost = noise(nullPhi);
      break;
    case 'null-aligned':
      task0 = add(curve(learning), noise(plantPhi));
      teamScore = add(curve(learning), noise(plantPhi));
      break;
    case 'null-kpi-drift':
      task0 = noise(nullPhi);
      task1 = noise(nullPhi);
      teamScore = add(
        curve((t) => -decline * after(t)),
        noise(plantPhi),
      );
      break;
    case 'ambiguous-lagged':
      task0 = noise(nullPhi);
      teamScore = add(
        curve((t) => -decline * after(t)),
        noise(plantPhi),
      );
      break;
    case 'stress-random-walk':
      task0 = add(curve(learning), noise(plantPhi));
      teamScore = randomWalk();
      cost = randomWalk();
      break;
  }
  task1 ??= add(curve(learning), noise(plantPhi));
  const rows: MetricsRow[] = [];
  for (let t = 0; t < n; t++) {
    const r0 = task0[t]! + exploit0[t]!;
    const r1 = task1[t]!;
    rows.push({
      window: t,
      step: (t + 1) * spr,
      episodes: 10,
      [metricsKey.rewardComponent('a0', 'task')]: task0[t]!,
      [metricsKey.rewardComponent('a0', 'exploit')]: exploit0[t]!,
      [metricsKey.reward('a0')]: r0,
      [metricsKey.shaped('a0')]: r0,
      [metricsKey.rewardComponent('a1', 'task')]: r1,
      [metricsKey.rewardComponent('a1', 'exploit')]: 0,
      [metricsKey.reward('a1')]: r1,
      [metricsKey.shaped('a1')]: r1,
      [metricsKey.kpi('teamScore')]: teamScore[t]!,
      [metricsKey.kpi('cost')]: cost[t]!,
      [metricsKey.action('a0')]: 0,
      [metricsKey.action('a1')]: 0,
    });
  }
  return {
    rows,
    truth: planted
      ? { present: true, agent: 'a0', kpi: scenario === 'goodhart-cost' ? 'cost' : 'teamScore', onsetStep: (onset + 1) * spr }
      : { present: false },
  };
}

/** KPI specs of the planted ledgers (directions for the ledger parser). */
export const PLANTED_KPIS = [
  { name: 'teamScore', better: 'higher' as const },
  { name: 'cost', better: 'lower' as const },
];
