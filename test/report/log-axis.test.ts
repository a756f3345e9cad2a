/** The comparison figures switch a KPI axis to log scale only when positive values span a wide range. */
import { describe, expect, it } from 'vitest';
import { needsLogAxis } from '../../src/report/figures/comparison.js';

describe('needsLogAxis', () => {
  it('is on for positive values spanning 30× or more, off otherwise', () => {
    expect(needsLogAxis([143e3, 181e3, 136e3, 6.4e6])).toBe(true); // a runaway seed among ordinary ones
    expect(needsLogAxis([143e3, 181e3, 136e3])).toBe(false);
    expect(needsLogAxis([0.91, 0.97])).toBe(false);
    expect(needsLogAxis([-5e5, 6.9e5, 1e3])).toBe(false); // negative values: no log axis
    expect(needsLogAxis([0, 100])).toBe(false);
    expect(needsLogAxis([5])).toBe(false);
  });
});
