/**
 * The warehouse's customer-demand model: Poisson demand per customer class (key accounts and the
 * rest) around a mean with weekly and seasonal cycles, scheduled shocks (a demand surge or slump
 * over a window of days) and random spikes, all drawn from the world's seeded stream.
 *
 *   mean(day) = base × periodDays × (1 + weeklyAmplitude·sin(2π·day/7)) × (1 + seasonAmplitude·sin(2π·day/seasonPeriodDays))
 *               × Π shocks active that day × (spikeMultiplier with probability spikeProbability, else 1)
 */
import { z } from 'zod';
import { PoissonSampler } from '../../src/core/poisson.js';
import { nextFloat } from '../../src/core/rng.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

const shock = lazySchema(() =>
  z
    .object({
      startDay: z.number().int().nonnegative().describe('First day (1-based period × periodDays) of the shock'),
      days: z.number().int().positive().describe('How many days it lasts'),
      multiplier: z.number().nonnegative().describe('Factor on mean demand while it lasts (2 = demand doubles)'),
    })
    .strict(),
);

/** Demand params. */
export const warehouseDemandSchema = lazySchema(() =>
  z
    .object({
      base: z.number().nonnegative().default(40).describe('Mean customer demand per day (units) before cycles, shocks and spikes'),
      keyAccountShare: z.number().min(0).max(1).default(0.3).describe('Share of demand from key accounts (higher stockout weight)'),
      weeklyAmplitude: z.number().min(0).max(1).default(0.15).describe('Relative amplitude of the weekly cycle'),
      seasonAmplitude: z.number().min(0).max(1).default(0.25).describe('Relative amplitude of the seasonal cycle'),
      seasonPeriodDays: z.number().positive().default(91).describe('Length of the seasonal cycle in days'),
      spikeProbability: z.number().min(0).max(1).default(0.02).describe('Chance per period of a random demand spike'),
      spikeMultiplier: z.number().nonnegative().default(2.5).describe('Factor on mean demand during a spike'),
      shocks: z.array(shock()).max(16).default([]).describe('Scheduled demand shocks'),
    })
    .strict()
    .default({
      base: 40,
      keyAccountShare: 0.3,
      weeklyAmplitude: 0.15,
      seasonAmplitude: 0.25,
      seasonPeriodDays: 91,
      spikeProbability: 0.02,
      spikeMultiplier: 2.5,
      shocks: [],
    }),
);

/** Resolved demand params. */
export type WarehouseDemand = z.infer<ReturnType<typeof warehouseDemandSchema>>;

/** Draws one period's demand per class into `out` ([key, other]); returns the mean used. */
export type DemandDraw = (period: number, rng: Uint32Array, out: Float64Array) => number;

/** Compile the demand model for `periodDays` days per period. Draws a fixed count of uniforms per spike test. */
export function makeWarehouseDemand(d: WarehouseDemand, periodDays: number): DemandDraw {
  const shockStart = Float64Array.from(d.shocks, (s) => s.startDay);
  const shockEnd = Float64Array.from(d.shocks, (s) => s.startDay + s.days);
  const shockMult = Float64Array.from(d.shocks, (s) => s.multiplier);
  const nShocks = shockStart.length;
  const w = (2 * Math.PI) / 7;
  const sW = (2 * Math.PI) / d.seasonPeriodDays;
  const perPeriod = d.base * periodDays;
  const keyShare = d.keyAccountShare;
  const { weeklyAmplitude, seasonAmplitude, spikeProbability, spikeMultiplier } = d;
  // One sampler per class: every copy in a period draws at the same mean (spikes aside), so each
  // keeps its class's cumulative table (same draws as nextPoisson, see src/core/poisson.ts).
  const key = new PoissonSampler();
  const other = new PoissonSampler();
  // The cycles and shocks depend on the period only: computed once per period, not per copy (two
  // Math.sin a copy were most of this function's own time).
  let lastPeriod = NaN;
  let periodMean = 0;
  return (period, rng, out) => {
    if (period !== lastPeriod) {
      const day = period * periodDays;
      let base = perPeriod * (1 + weeklyAmplitude * Math.sin(w * day)) * (1 + seasonAmplitude * Math.sin(sW * day));
      for (let k = 0; k < nShocks; k++) if (day >= shockStart[k]! && day < shockEnd[k]!) base *= shockMult[k]!;
      periodMean = base;
      lastPeriod = period;
    }
    let mean = periodMean;
    if (nextFloat(rng) < spikeProbability) mean *= spikeMultiplier;
    out[0] = key.draw(rng, mean * keyShare);
    out[1] = other.draw(rng, mean * (1 - keyShare));
    return mean;
  };
}
