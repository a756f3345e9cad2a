/**
 * The detector registry (the experiment's `detectors:` section) and the suite that runs them
 * together. The section maps a detector name to its params (validated by the detector's schema,
 * see src/config/resolve.ts); every registered detector runs, with its defaults when not
 * mentioned, and `tacit detect --config` also accepts `false` to switch one off. Detectors that
 * lack their inputs (no profit gain series, no KPI reference, no fork points) say so in their
 * verdict rather than fire. Findings go to events.jsonl and verdicts to summary.json.
 */
import { z } from 'zod';
import { PARSE_ONCE } from '../core/format-issues.js';
import { createRegistry } from '../core/registry.js';
import { collusion } from './collusion.js';
import { conflict } from './conflict.js';
import { goodhart } from './goodhart.js';
import type { Ledger } from './ledger.js';
import { miscoordination } from './miscoordination.js';
import type { DetectorContext, DetectorSpec, Finding, OnlineDetector, Verdict } from './types.js';
import { lazySchema } from '../core/lazy-schema.js';

const ALL: DetectorSpec[] = [goodhart, collusion, conflict, miscoordination];

/** All registered detectors, by id (the keys of the `detectors:` section). */
export const detectors = createRegistry('detector', ALL);

/** The `detectors:` section of an experiment config. */
export const detectorsConfigSchema = lazySchema(() =>
  z
    .object({
      goodhart: z
        .union([z.literal(false), goodhart.paramsSchema])
        .optional()
        .describe('Reward up while a team KPI goes down; false to switch off'),
      collusion: z
        .union([z.literal(false), collusion.paramsSchema])
        .optional()
        .describe('Supra-competitive prices sustained by punishment; false to switch off'),
      conflict: z
        .union([z.literal(false), conflict.paramsSchema])
        .optional()
        .describe("One agent's actions lower another's reward; tug-of-war; false to switch off"),
      miscoordination: z
        .union([z.literal(false), miscoordination.paramsSchema])
        .optional()
        .describe('Team KPI well below a reference with no unilateral fix; false to switch off'),
    })
    .strict()
    .default({}),
);

/** Parsed `detectors:` section. */
export type DetectorsConfig = z.infer<ReturnType<typeof detectorsConfigSchema>>;

/** What a suite returns at the end of a run: summary.json `detections` and `verdicts`. */
export interface SuiteReport {
  readonly detections: readonly Finding[];
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

/** Several detectors fed the same ledger. */
export class DetectorSuite {
  private readonly running: { name: string; spec: DetectorSpec; params: unknown; online: OnlineDetector }[];

  constructor(config: DetectorsConfig, context: DetectorContext = {}) {
    const cfg = config as Record<string, unknown>;
    this.running = detectors.values().flatMap((spec) => {
      const raw = cfg[spec.id];
      if (raw === false) return [];
      const params = spec.paramsSchema.parse(raw ?? {}, PARSE_ONCE);
      return [{ name: spec.id, spec, params, online: spec.create(params, context) }];
    });
  }

  /** Names of the detectors that run. */
  get names(): string[] {
    return this.running.map((r) => r.name);
  }

  /** The detectors that run, with their parsed params (for their probes). */
  get enabled(): readonly { readonly spec: DetectorSpec; readonly params: unknown }[] {
    return this.running;
  }

  /** Call after each `ledger.append`; returns findings new at this window (write them to events.jsonl). */
  push(ledger: Ledger): Finding[] {
    return this.running.flatMap((r) => r.online.push(ledger));
  }

  /** Final findings and verdicts. */
  finish(ledger: Ledger): SuiteReport {
    const detections: Finding[] = [];
    const verdicts: Record<string, Verdict> = {};
    for (const r of this.running) {
      const rep = r.online.finish(ledger);
      detections.push(...rep.findings);
      verdicts[r.name] = rep.verdict;
    }
    return { detections, verdicts };
  }
}

export type { DetectorContext, DetectorReport, DetectorSpec, Finding, OnlineDetector, Verdict } from './types.js';
export { runDetector } from './types.js';
