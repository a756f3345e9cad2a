/**
 * The short version of `npm run validate-detectors`: every target case over a few seeds, with loose
 * bounds (the full run, 200 seeds per case, is what the ≥ 95% / ≤ 5% targets are measured on).
 */
import { describe, expect, it } from 'vitest';
import { VALIDATION_CASES, formatValidation, summarise, validate } from '../../src/detectors/validate.js';

describe('planted-scenario validation (short)', () => {
  it('detects planted behaviour and stays quiet on nulls for every detector', () => {
    const results = validate(
      4,
      VALIDATION_CASES.filter((c) => c.target),
    );
    for (const r of results) {
      if (r.planted) expect(r.rate, `${r.detector} / ${r.name}`).toBeGreaterThanOrEqual(0.75);
      else expect(r.rate, `${r.detector} / ${r.name}`).toBeLessThanOrEqual(0.25);
    }
    const summary = summarise(results);
    expect(summary.map((s) => s.detector)).toEqual(['goodhart', 'collusion', 'conflict', 'miscoordination']);
    expect(summary.find((s) => s.detector === 'goodhart')!.medianDelay).toBeGreaterThan(0);
    expect(formatValidation(results)).toMatch(/\| goodhart \| reward up, teamScore down \| yes \| yes \| 4 \| detected/);
  });
});
