/** Binomial rates with 95% Wilson score intervals (reliability reports). */

/** A rate with its 95% Wilson interval. */
export interface Rate {
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  successes: number;
  trials: number;
}

/** Rate of `s` successes in `n` trials with its 95% Wilson score interval. */
export function wilson(s: number, n: number): Rate {
  if (n === 0) return { rate: null, ciLow: null, ciHigh: null, successes: s, trials: n };
  const z = 1.959963984540054;
  const p = s / n;
  const den = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / den;
  return { rate: p, ciLow: Math.max(0, centre - half), ciHigh: Math.min(1, centre + half), successes: s, trials: n };
}
