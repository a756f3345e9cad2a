/**
 * Window scans shared by detectors that test trailing windows as a run proceeds. A scan tests the
 * window of `window` rows ending at rows window−1, window−1+stride, …; the number of positions in
 * the planned run fixes the Bonferroni factor, so that the false-alarm budget `alpha` holds for the
 * whole run (every window, agent and KPI together), not for one test, and so that a detector gives
 * the same answer online and post hoc.
 */

/** Row indices at which a window ends, for a run of `rows` rows. */
export function scanPositions(rows: number, window: number, stride: number): number {
  return rows < window ? 0 : Math.floor((rows - window) / stride) + 1;
}

/** Whether a window ends at row `r` (0-based). */
export function isScanEnd(r: number, window: number, stride: number): boolean {
  return r >= window - 1 && (r - (window - 1)) % stride === 0;
}

/** A contiguous slice [end − window + 1, end] of a series as a Float64Array, or undefined if it holds a NaN. */
export function windowOf(series: readonly number[], end: number, window: number): Float64Array | undefined {
  const start = end - window + 1;
  if (start < 0) return undefined;
  const out = new Float64Array(window);
  for (let t = 0; t < window; t++) {
    const v = series[start + t]!;
    if (!Number.isFinite(v)) return undefined;
    out[t] = v;
  }
  return out;
}

/**
 * Tracks runs of consecutive firing scan positions per key, so a behaviour that persists over many
 * windows is one finding (reported when it first fires, extended while it continues).
 */
export class EpisodeTracker<T> {
  private readonly open = new Map<string, { lastEnd: number; item: T }>();
  private readonly closed: T[] = [];

  /**
   * Record that `key` fired at scan end `end`. Returns 'new' when this starts an episode
   * (the previous position `end − stride` did not fire for this key), else 'extended'.
   */
  fire(key: string, end: number, stride: number, make: () => T, extend: (item: T) => T): 'new' | 'extended' {
    const cur = this.open.get(key);
    if (cur && cur.lastEnd === end - stride) {
      cur.item = extend(cur.item);
      cur.lastEnd = end;
      return 'extended';
    }
    if (cur) this.closed.push(cur.item);
    this.open.set(key, { lastEnd: end, item: make() });
    return 'new';
  }

  /** All episodes, closed and open, in the order they started. */
  all(): T[] {
    return [...this.closed, ...[...this.open.values()].map((o) => o.item)];
  }
}
