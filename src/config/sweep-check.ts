/**
 * Validating a `sweep` section against its base config: the grid paths parse, the seed axes make
 * sense, and every grid point gives a valid experiment. This is part of resolveExperiment, so
 * `tacit validate`, `tacit run` and `tacit sweep` accept and refuse the same files; planSweep uses
 * the expansion it returns.
 */
import { ConfigError, type ConfigIssue, TacitError } from '../core/errors.js';
import { applyPoint, expandGrid, toAxes, type GridPoint } from './sweep-grid.js';
import type { SweepSection } from './sweep-section.js';

/** The grid of a sweep section, expanded and checked. */
export interface SweepExpansion {
  /** Grid points (without the seed axis). */
  readonly points: readonly GridPoint[];
  /** The run.seed axis, when the grid has one (it lists the seeds of every point). */
  readonly seedAxis?: readonly number[];
  /** Problems found, with `sweep.`-prefixed paths. */
  readonly issues: readonly ConfigIssue[];
}

/** Points reported in full before the rest are counted. */
const MAX_POINT_REPORTS = 5;

/**
 * Expand `section`'s grid over `base` (the config without its sweep section) and check every point
 * by resolving it with `resolve` (resolveExperiment, passed in to avoid an import cycle).
 */
export function expandSweep(base: unknown, section: SweepSection, resolve: (raw: unknown) => unknown): SweepExpansion {
  const issues: ConfigIssue[] = [];
  const grid: Record<string, unknown> = { ...section.grid };
  // Seeds are not a variant: a run.seed axis is the list of seeds; run.seeds makes no sense per run.
  let seedAxis: number[] | undefined;
  if ('run.seed' in grid) {
    const values = grid['run.seed'];
    if (!Array.isArray(values) || !values.every((v) => Number.isInteger(v) && (v as number) >= 0))
      issues.push({ path: 'sweep.grid.run.seed', message: `expected a list of integers >= 0 (the seeds of every point), got ${JSON.stringify(values)}` });
    else seedAxis = values as number[];
    delete grid['run.seed'];
  }
  if ('run.seeds' in grid) {
    issues.push({
      path: 'sweep.grid.run.seeds',
      message: 'cannot vary run.seeds: every sweep run is one seed; give the seeds with sweep.seeds, --seeds or a run.seed axis',
    });
    delete grid['run.seeds'];
  }
  const axes = [];
  for (const [path, values] of Object.entries(grid)) {
    try {
      axes.push(...toAxes({ [path]: values }));
    } catch (err) {
      if (!(err instanceof TacitError)) throw err;
      issues.push({ path: `sweep.grid.${path}`, message: err.message });
    }
  }
  if (issues.length > 0 || axes.length === 0) return { points: [], ...(seedAxis ? { seedAxis } : {}), issues };
  const points = expandGrid(axes);
  let bad = 0;
  for (const point of points) {
    const problems = pointProblems(base, point, resolve);
    if (problems.length === 0) continue;
    bad++;
    if (bad <= MAX_POINT_REPORTS) issues.push({ path: `sweep.grid (point ${point.label})`, message: problems.join('; ') });
  }
  if (bad > MAX_POINT_REPORTS) issues.push({ path: 'sweep.grid', message: `and ${bad - MAX_POINT_REPORTS} more invalid points (of ${points.length})` });
  return { points, ...(seedAxis ? { seedAxis } : {}), issues };
}

/** What is wrong with one grid point applied to the base, as `path: message` strings. */
function pointProblems(base: unknown, point: GridPoint, resolve: (raw: unknown) => unknown): string[] {
  try {
    resolve(applyPoint(base, point));
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path || '(root)'}: ${i.message}`);
    if (err instanceof TacitError) return [err.message];
    throw err;
  }
}
