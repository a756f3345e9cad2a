/**
 * Up-front check that a run will record enough metrics rows for every enabled detector to test:
 * `tacit run` and `tacit validate` print these warnings before anything runs, so a user learns
 * that a detector will answer "untested" before spending the compute, and which setting fixes it.
 */
import { isDeepStrictEqual } from 'node:util';
import { readBuildCache, writeBuildCache } from '../core/build-cache.js';
import { PARSE_ONCE } from '../core/format-issues.js';
import { detectors } from './index.js';
import type { DetectorRunSource } from './types.js';
import { plannedRowsOf } from './run-hooks.js';

/** One detector that the planned run cannot give enough rows. */
export interface RowShortfall {
  readonly detector: string;
  readonly plannedRows: number;
  readonly minRows: number;
  /** The sentence printed: what is short and what would fix it. */
  readonly message: string;
}

/** Detectors whose row-based test the configured run.steps / run.metricsEvery cannot feed. */
export function rowShortfalls(resolved: DetectorRunSource): RowShortfall[] {
  const planned = plannedRowsOf(resolved);
  if (planned === undefined) return [];
  const { steps, metricsEvery } = resolved.config.run;
  const world = { kpis: resolved.kpis ?? resolved.makeWorld().kpis, analyses: resolved.worldSpec.analyze !== undefined };
  const out: RowShortfall[] = [];
  let defaults: Record<string, unknown> | undefined;
  for (const spec of detectors.values()) {
    const raw = resolved.detectorParams[spec.id];
    if (raw === false || !spec.rowsNeeded) continue;
    const params = raw !== undefined ? spec.paramsSchema.parse(raw, PARSE_ONCE) : (defaults ??= defaultDetectorParams())[spec.id];
    const need = spec.rowsNeeded(params, world);
    if (!need || planned >= need.minRows) continue;
    const every = Math.floor(steps! / need.minRows);
    const fixes = [`set run.steps ≥ ${need.minRows * metricsEvery}`, ...(every >= 1 ? [`metricsEvery ≤ ${every}`] : []), `detectors.${spec.id}: false`];
    out.push({
      detector: spec.id,
      plannedRows: planned,
      minRows: need.minRows,
      message: `${need.part ? `${spec.id} (${need.part})` : spec.id} will be untested: run.steps ${steps} / metricsEvery ${metricsEvery} records ${planned} metrics rows, fewer than the ${need.minRows} ${need.because} needs; ${fixes.join(', or ')}`,
    });
  }
  return out;
}

/**
 * Enabled detectors whose tests fork the world (DetectorSpec.probes.afterTraining: conflict's
 * influence matrix, miscoordination's unilateral deviations) when the run will take a fused fast
 * path, which steps no World and so records no fork points: those tests will be untested.
 * `fastPath` is the id of the fast path the run takes (src/run/fast-path-loop.ts offeredFastPath).
 */
export function forkShortfalls(resolved: DetectorRunSource, fastPath: string | undefined): string[] {
  if (fastPath === undefined) return [];
  const forking = [...detectors.values()].filter((spec) => resolved.detectorParams[spec.id] !== false && spec.probes?.afterTraining).map((s) => s.id);
  if (forking.length === 0) return [];
  const off = forking.map((id) => `detectors.${id}: false`).join(' and ');
  return [
    `the fork-based tests of ${forking.join(' and ')} will be untested: the fast path '${fastPath}' records no fork points; set run.fastPath: false for the generic loop, which records them (same results, slower), or ${off} to skip them`,
  ];
}

/**
 * Every registered detector's default params (its schema's parse of `{}`), by id. They are a pure
 * function of the sources, so they are kept in the build folder (src/core/build-cache.ts) when they
 * survive JSON unchanged: a config that configures no detector then builds no detector schema
 * (four large zod schemas, most of what `validate` still built: start-up, issue 21). The sources
 * (tests) always parse.
 */
export function defaultDetectorParams(): Record<string, unknown> {
  const cached = readBuildCache('detector-defaults.json');
  if (cached !== undefined) return JSON.parse(cached) as Record<string, unknown>;
  const defaults = Object.fromEntries(detectors.values().map((spec) => [spec.id, spec.paramsSchema.parse({}, PARSE_ONCE)]));
  const text = JSON.stringify(defaults);
  if (isDeepStrictEqual(JSON.parse(text), defaults)) writeBuildCache('detector-defaults.json', text);
  return defaults;
}
