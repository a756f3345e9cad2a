/**
 * Planted and null cases for the conflict detector.
 *
 * Influence: the externality-v1 sanity world (envs/sanity/externality.ts) played by uniformly
 * random extraction, with fork points recorded every few steps. `directed` plants a0 → a1 harm of
 * `harm` per unit; `none` plants nothing. The world's noise is not common across forks (draws per
 * extracted unit), so the null is a real statistical null.
 *
 * Tug-of-war (metrics rows with `action/a0`, `action/a1`):
 *
 * | scenario | present | a0 | a1 |
 * |---|---|---|---|
 * | `tug-of-war` | from `onset` (row 60) | sinusoid (period 4–10 rows) + AR(1) noise | the opposite sinusoid, slightly lagged, + noise |
 * | `null-ar1` | no | AR(1), φ = 0.9 | independent AR(1), φ = 0.9 |
 * | `null-random-walk` | no | random walk | independent random walk |
 * | `null-in-phase` | no | sinusoid + noise | the same sinusoid + noise (cooperative cycle) |
 * | `null-reactive` | no | AR(1), φ = 0.9 | −0.8 × a0 + noise (opposed but not oscillating) |
 * | `null-independent-oscillators` | no | sinusoid + noise | an independent sinusoid (own period 4–10 rows and phase) + noise |
 */
import { deriveSeedWords, nextFloat, nextInt, nextNormal } from '../../core/rng.js';
import { externality } from '../../../envs/sanity/externality.js';
import type { World } from '../../core/world.js';
import type { ForkSource } from '../forks.js';
import { metricsKey, type MetricsRow } from '../../core/metrics-row.js';
import { recordRun } from './record.js';

/** Tug-of-war scenarios. */
export const TUG_SCENARIOS = ['tug-of-war', 'null-ar1', 'null-random-walk', 'null-in-phase', 'null-reactive', 'null-independent-oscillators'] as const;
export type TugScenario = (typeof TUG_SCENARIOS)[number];

/** Metrics rows of a planted tug-of-war case. */
export function plantTugOfWar(
  scenario: TugScenario,
  seed: number,
  options: { rows?: number; onset?: number; amplitude?: number; stepsPerRow?: number } = {},
): { rows: MetricsRow[]; onsetStep: number | null } {
  const n = options.rows ?? 200;
  const onset = options.onset ?? 60;
  const amp = options.amplitude ?? 2;
  const spr = options.stepsPerRow ?? 1000;
  const rng = deriveSeedWords('planted/tug', scenario, seed);
  const ar = (phi: number): number[] => {
    const out: number[] = [];
    let v = nextNormal(rng);
    for (let t = 0; t < n; t++) {
      out.push(v);
      v = phi * v + Math.sqrt(1 - phi * phi) * nextNormal(rng);
    }
    return out;
  };
  const period = 4 + nextFloat(rng) * 6;
  const phase = nextFloat(rng) * 2 * Math.PI;
  const lag = nextFloat(rng) * 0.5;
  const wave = (t: number, shift = 0): number => amp * Math.sin((2 * Math.PI * t) / period + phase + shift);
  let a0: number[];
  let a1: number[];
  switch (scenario) {
    case 'tug-of-war': {
      const e0 = ar(0.5);
      const e1 = ar(0.5);
      a0 = e0.map((e, t) => e + (t >= onset ? wave(t) : 0));
      a1 = e1.map((e, t) => e - (t >= onset ? wave(t, lag) : 0));
      break;
    }
    case 'null-ar1':
      a0 = ar(0.9);
      a1 = ar(0.9);
      break;
    case 'null-random-walk': {
      let x = 0;
      let y = 0;
      a0 = [];
      a1 = [];
      for (let t = 0; t < n; t++) {
        a0.push((x += 0.3 * nextNormal(rng)));
        a1.push((y += 0.3 * nextNormal(rng)));
      }
      break;
    }
    case 'null-in-phase': {
      const e0 = ar(0.5);
      const e1 = ar(0.5);
      a0 = e0.map((e, t) => e + wave(t));
      a1 = e1.map((e, t) => e + wave(t, lag));
      break;
    }
    case 'null-independent-oscillators': {
      const period1 = 4 + nextFloat(rng) * 6;
      const phase1 = nextFloat(rng) * 2 * Math.PI;
      const e0 = ar(0.5);
      const e1 = ar(0.5);
      a0 = e0.map((e, t) => e + wave(t));
      a1 = e1.map((e, t) => e + amp * Math.sin((2 * Math.PI * t) / period1 + phase1));
      break;
    }
    case 'null-reactive': {
      a0 = ar(0.9);
      const e = ar(0.5);
      a1 = a0.map((v, t) => -0.8 * v + 0.5 * e[t]!);
      break;
    }
  }
  const rows = a0.map((v, t): MetricsRow => ({
    window: t,
    step: (t + 1) * spr,
    episodes: 1,
    [metricsKey.reward('a0')]: 0,
    [metricsKey.shaped('a0')]: 0,
    [metricsKey.reward('a1')]: 0,
    [metricsKey.shaped('a1')]: 0,
    [metricsKey.action('a0')]: v,
    [metricsKey.action('a1')]: a1[t]!,
  }));
  return { rows, onsetStep: scenario === 'tug-of-war' ? (onset + 1) * spr : null };
}

/** Fork points of the externality world under random play, and which ordered pairs are harmed. */
export function plantInfluence(
  structure: 'directed' | 'none',
  seed: number,
  options: { harm?: number; points?: number; pointEvery?: number } = {},
): { source: ForkSource; harmed: readonly [string, string][] } {
  const params = externality.paramsSchema.parse({ structure, harm: options.harm ?? 0.15, numAgents: 2 });
  const world = externality.create(params) as World;
  const points = options.points ?? 40;
  const every = options.pointEvery ?? 7;
  const actorRng = deriveSeedWords('planted/influence/actor', structure, seed);
  const actor = (_obs: readonly Float32Array[], out: readonly Float64Array[]): void => {
    for (const a of out) a[0] = nextInt(actorRng, params.levels);
  };
  const { points: recorded } = recordRun(world, actor, {
    steps: points * every,
    metricsEvery: points * every,
    seed: `influence-${structure}-${seed}`,
    pointEvery: every,
    pointsFrom: 0,
  });
  return { source: { world, points: recorded }, harmed: structure === 'directed' ? [['a0', 'a1']] : [] };
}
