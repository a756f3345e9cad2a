/**
 * Planted and null cases for the miscoordination detector, in the stag hunt of matrix-game-v1
 * (envs/sanity/matrix-game.ts: stag–stag pays 4 + 4, hare–hare 3 + 3, stag alone 0 + 3; welfare
 * reference 8). Players follow fixed intentions with ε-exploration and payoff noise; both hunt
 * stag until `onset` (default step 3000), then switch to the scenario's intentions.
 *
 * | scenario | intentions (row, col) | welfare | one player alone can… | expected |
 * |---|---|---|---|---|
 * | `miscoordinated` | hare, hare | ≈ 6 | only lower it (stag alone gets 0) | miscoordination |
 * | `coordinated` | stag, stag | ≈ 8 | nothing to fix | none |
 * | `individual-shortfall` | stag, hare | ≈ 3 | raise it to 8 (col switches to stag) | individual shortfall, not miscoordination |
 */
import { deriveSeedWords, nextFloat, nextInt } from '../../core/rng.js';
import type { World } from '../../core/world.js';
import { matrixGame } from '../../../envs/sanity/matrix-game.js';
import type { ForkSource } from '../forks.js';
import type { MetricsRow } from '../../core/metrics-row.js';
import { recordRun } from './record.js';

/** Miscoordination scenarios. */
export const MISCOORD_SCENARIOS = ['miscoordinated', 'coordinated', 'individual-shortfall'] as const;
export type MiscoordScenario = (typeof MISCOORD_SCENARIOS)[number];

/** The welfare a coordinated team reaches in the stag hunt (both hunt stag). */
export const STAG_HUNT_REFERENCE = 8;

/** Metrics rows and fork points of one planted stag-hunt run. */
export function plantMiscoordination(
  scenario: MiscoordScenario,
  seed: number,
  options: { steps?: number; metricsEvery?: number; epsilon?: number; points?: number; onset?: number } = {},
): { rows: MetricsRow[]; source: ForkSource; onsetStep: number } {
  const world = matrixGame.create(matrixGame.paramsSchema.parse({ game: 'stag-hunt', payoffNoise: 1, episodeLength: 100 })) as World;
  const intent = scenario === 'miscoordinated' ? [1, 1] : scenario === 'coordinated' ? [0, 0] : [0, 1];
  const onset = options.onset ?? 3000;
  let t = 0;
  const eps = options.epsilon ?? 0.1;
  const rng = deriveSeedWords('planted/miscoord/actor', scenario, seed);
  const actor = (_obs: readonly Float32Array[], out: readonly Float64Array[]): void => {
    out.forEach((a, i) => (a[0] = nextFloat(rng) < eps ? nextInt(rng, 2) : t < onset ? 0 : intent[i]!));
    t++;
  };
  const steps = options.steps ?? 10000;
  const points = options.points ?? 30;
  const { rows, points: recorded } = recordRun(world, actor, {
    steps,
    metricsEvery: options.metricsEvery ?? 100,
    seed: `miscoord-${scenario}-${seed}`,
    pointEvery: Math.floor(steps / 2 / points),
    pointsFrom: steps / 2,
  });
  return { rows, source: { world, points: recorded.slice(0, points), actor }, onsetStep: onset };
}
