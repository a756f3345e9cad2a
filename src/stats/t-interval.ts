/**
 * Mean and 95% Student-t confidence interval across seeds, and the aggregation of per-seed
 * summaries into one multi-seed summary (every number becomes {mean, ciLow, ciHigh, sd, n, values}).
 */
import { sd, tInterval } from './descriptive.js';

/** Summary statistics of one number across seeds. */
export interface SeedStat {
  readonly mean: number;
  readonly ciLow: number;
  readonly ciHigh: number;
  readonly sd: number;
  readonly n: number;
  readonly values: readonly number[];
}

/** Mean, sample SD and the two-sided `level` Student-t interval of `values` (descriptive.ts `tInterval`), all 0 when empty. */
export function seedStat(values: readonly number[], level = 0.95): SeedStat {
  const n = values.length;
  const { estimate, low, high } = tInterval(values, level);
  return { mean: n > 0 ? estimate : 0, ciLow: n > 0 ? low : 0, ciHigh: n > 0 ? high : 0, sd: sd(values), n, values: [...values] };
}

/**
 * Merge per-seed summaries: numbers at the same path become a SeedStat, objects recurse, anything
 * else (strings, arrays, nulls) keeps the first seed's value.
 */
export function aggregateSeeds(items: readonly unknown[]): unknown {
  const first = items[0];
  if (typeof first === 'number') {
    const nums = items.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return nums.length === items.length ? seedStat(nums) : first;
  }
  if (first && typeof first === 'object' && !Array.isArray(first)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = aggregateSeeds(items.map((it) => (it as Record<string, unknown> | null)?.[key]));
    return out;
  }
  return first;
}
