/**
 * summary.json `kpiSpecs` (docs/results-format.md): each KPI's direction, aggregation, description
 * and reference, written by the runner from the world's KpiSpecs so that readers of a results
 * folder (post-hoc detection, comparisons) never rebuild the world to recover them. This module
 * owns the format: its writer and its reader.
 */
import type { KpiSpec } from './world.js';

/** One KPI as summary.json `kpiSpecs.<name>` carries it. `reference` is null when the world knows none. */
export interface SummaryKpiSpec {
  readonly better: 'higher' | 'lower';
  readonly aggregate: 'mean' | 'sum';
  readonly description: string;
  readonly reference: number | null;
}

/** summary.json `kpiSpecs` of a world's KPIs, in the world's order. */
export function summaryKpiSpecs(kpis: readonly KpiSpec[]): Record<string, SummaryKpiSpec> {
  return Object.fromEntries(
    kpis.map((k) => [k.name, { better: k.better, aggregate: k.aggregate, description: k.description, reference: k.reference ?? null }]),
  );
}

/** A KPI read back from a summary: what a ledger needs of it. */
export interface ReadKpiSpec {
  readonly name: string;
  readonly better: 'higher' | 'lower';
  readonly description?: string;
  readonly reference?: number;
}

/**
 * Read summary.json `kpiSpecs` back as a list. Null when the summary cannot say everything a
 * reader needs: no `kpiSpecs` (summaries before it existed), or entries without a `reference` key
 * (summaries before references were written): the caller then falls back to the world's specs.
 */
export function kpiSpecsFromSummary(summary: unknown): ReadKpiSpec[] | null {
  const raw = summary !== null && typeof summary === 'object' ? (summary as { kpiSpecs?: unknown }).kpiSpecs : undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const out: ReadKpiSpec[] = [];
  for (const [name, spec] of Object.entries(raw as Record<string, unknown>)) {
    if (spec === null || typeof spec !== 'object' || !('reference' in spec)) return null;
    const { better, description, reference } = spec as { better?: unknown; description?: unknown; reference?: unknown };
    if (better !== 'higher' && better !== 'lower') return null;
    out.push({ name, better, ...(typeof description === 'string' ? { description } : {}), ...(typeof reference === 'number' ? { reference } : {}) });
  }
  return out;
}
