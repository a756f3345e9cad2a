/**
 * The schema of an experiment file's `sweep` section (validated by the config schema, read by
 * `tacit sweep`; see sweep-grid.ts for how paths and values are applied).
 */
import { z } from 'zod';
import { lazySchema } from '../core/lazy-schema.js';

const axisSchema = lazySchema(() =>
  z.union([z.array(z.unknown()).min(1), z.record(z.string(), z.unknown()).refine((r) => Object.keys(r).length > 0, 'expected at least one labelled value')]),
);

/** The `sweep` section of an experiment file. */
export const sweepSectionSchema = lazySchema(() =>
  z
    .object({
      grid: z
        .record(z.string(), axisSchema())
        .default({})
        .describe('Config path → values to try (a list, or a mapping label → value); paths may use [*] for every list element, e.g. agents[*].reward.scheme'),
      seeds: z
        .union([z.number().int().positive(), z.array(z.number().int().nonnegative()).min(1)])
        .optional()
        .describe('Seeds per grid point: a count (run.seed, run.seed+1, ...) or an explicit list; default run.seeds'),
      workers: z.number().int().positive().optional().describe('Worker threads (default: one per core)'),
      retries: z.number().int().nonnegative().default(1).describe('Times a failed run is retried before it is reported as failed'),
    })
    .strict(),
);

/** The parsed `sweep` section. */
export type SweepSection = z.output<ReturnType<typeof sweepSectionSchema>>;
