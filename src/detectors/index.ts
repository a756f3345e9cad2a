/**
 * The detector registry (the experiment's `detectors:` section). Each detector validates its own
 * params; findings go to events.jsonl and verdicts to summary.json.
 */
import type { z } from 'zod';
import { Registry } from '../core/registry.js';

/** What a detector module registers. */
export interface DetectorSpec<P extends Record<string, unknown> = Record<string, unknown>> {
  readonly name: string;
  readonly summary: string;
  readonly paramsSchema: z.ZodType<P>;
}

/** All registered detectors, by name. */
export const detectors = new Registry<DetectorSpec>('detector');
