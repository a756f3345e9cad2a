/**
 * Corrections for multiple comparisons. Holm's step-down procedure (Holm 1979) controls the
 * family-wise error rate like Bonferroni but is uniformly more powerful: sort the m p-values,
 * multiply the k-th smallest by (m − k + 1), enforce monotonicity, cap at 1. NaN entries (tests
 * that could not be run) stay NaN and do not count towards m.
 */

/** Holm-adjusted p-values, in the input order. */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((e) => Number.isFinite(e.p))
    .sort((x, y) => x.p - y.p || x.i - y.i);
  const m = order.length;
  const out = pValues.map(() => Number.NaN);
  let running = 0;
  order.forEach((e, k) => {
    running = Math.max(running, Math.min(1, (m - k) * e.p));
    out[e.i] = running;
  });
  return out;
}

/** Bonferroni-adjusted p-values (min(1, m·p)), in the input order; NaN entries are skipped. */
export function bonferroni(pValues: readonly number[]): number[] {
  const m = pValues.filter(Number.isFinite).length;
  return pValues.map((p) => (Number.isFinite(p) ? Math.min(1, m * p) : Number.NaN));
}
