/**
 * The beer game's customer-demand models: the classic deterministic step, i.i.d. uniform, normal or
 * Poisson integer demand, or a given series. Each model compiles once into a small sampler closure so the
 * world's step calls one monomorphic function per period.
 */
import { z } from 'zod';
import { nextFloat, nextNormal } from '../../src/core/rng.js';
import { lazySchema } from '../../src/core/lazy-schema.js';

/** Demand model params (a tagged union on `kind`). */
export const demandSchema = lazySchema(() =>
  z
    .discriminatedUnion('kind', [
      z
        .object({
          kind: z.literal('step').describe('Deterministic: `initial` per period, then `final` from period `changePeriod` on'),
          initial: z.number().nonnegative().default(4).describe('Demand per period before the step'),
          final: z.number().nonnegative().default(8).describe('Demand per period from `changePeriod` on'),
          changePeriod: z.number().int().min(1).default(5).describe('First period (1-based) with the final demand; the classic game steps in week 5'),
        })
        .strict(),
      z
        .object({
          kind: z.literal('uniform').describe('I.i.d. integer demand, uniform on {low, ..., high}'),
          low: z.number().int().nonnegative().default(0).describe('Smallest demand'),
          high: z.number().int().nonnegative().default(8).describe('Largest demand'),
        })
        .strict()
        .refine((d) => d.high >= d.low, { message: 'uniform demand needs high >= low; swap the two values', path: ['high'] }),
      z
        .object({
          kind: z
            .literal('normal')
            .describe('I.i.d. normal demand, rounded to an integer, floored at 0 and capped at mean + 10 sd (so every quantity stays bounded)'),
          mean: z.number().nonnegative().default(10).describe('Mean demand per period'),
          sd: z.number().nonnegative().default(2).describe('Standard deviation of demand per period'),
        })
        .strict(),
      z
        .object({
          kind: z.literal('poisson').describe('I.i.d. Poisson demand, capped at mean + 10·√mean + 10 (tail mass below 1e-12 for every allowed mean)'),
          mean: z.number().positive().max(500).default(4).describe('Mean demand per period'),
        })
        .strict(),
      z
        .object({
          kind: z.literal('series').describe('A given demand series, repeated when the episode is longer'),
          values: z.array(z.number().nonnegative()).min(1).describe('Demand of periods 1, 2, ... (cycled)'),
        })
        .strict(),
    ])
    .default({ kind: 'step', initial: 4, final: 8, changePeriod: 5 })
    .describe('Customer demand at the retailer'),
);

/** A resolved demand model. */
export type DemandModel = z.infer<ReturnType<typeof demandSchema>>;

/** Demand of 1-based `period`, drawing from `rng` for stochastic models. */
export type DemandSampler = (period: number, rng: Uint32Array) => number;

/** Compile a demand model into a sampler. */
export function makeDemandSampler(model: DemandModel): DemandSampler {
  switch (model.kind) {
    case 'step': {
      const { initial, final, changePeriod } = model;
      return (period) => (period < changePeriod ? initial : final);
    }
    case 'uniform': {
      const { low } = model;
      const span = model.high - model.low + 1;
      return (_period, rng) => low + Math.floor(nextFloat(rng) * span);
    }
    case 'normal': {
      const { mean, sd } = model;
      const cap = maxDemand(model);
      return (_period, rng) => Math.min(cap, Math.max(0, Math.round(mean + sd * nextNormal(rng))));
    }
    case 'poisson': {
      // Inverse transform from one uniform draw: O(mean) per period, fine at beer-game scales.
      const { mean } = model;
      const cap = maxDemand(model);
      const p0 = Math.exp(-mean);
      return (_period, rng) => {
        const u = nextFloat(rng);
        let k = 0;
        let p = p0;
        let cdf = p0;
        while (u > cdf && k < cap) {
          k++;
          p *= mean / k;
          cdf += p;
        }
        return k;
      };
    }
    case 'series': {
      const values = Float64Array.from(model.values);
      const n = values.length;
      return (period) => values[(period - 1) % n]!;
    }
  }
}

/** Mean demand per period of a model (the series' and step's long-run mean), for scaling and defaults. */
export function meanDemand(model: DemandModel): number {
  switch (model.kind) {
    case 'step':
      return model.final;
    case 'uniform':
      return (model.low + model.high) / 2;
    case 'normal':
    case 'poisson':
      return model.mean;
    case 'series':
      return model.values.reduce((a, b) => a + b, 0) / model.values.length;
  }
}

/** Largest demand the model can produce in one period (bounds the observation space). */
export function maxDemand(model: DemandModel): number {
  switch (model.kind) {
    case 'step':
      return Math.max(model.initial, model.final);
    case 'uniform':
      return model.high;
    case 'normal':
      return Math.round(model.mean + 10 * model.sd);
    case 'poisson':
      return Math.ceil(model.mean + 10 * Math.sqrt(model.mean) + 10);
    case 'series':
      return Math.max(...model.values);
  }
}

/** Whether the model draws random numbers (deterministic models give seed-independent episodes). */
export function isStochastic(model: DemandModel): boolean {
  return model.kind === 'uniform' || model.kind === 'normal' || model.kind === 'poisson';
}
