/**
 * Per-process policy set-up: awaits each assigned policy type's `prepare` (e.g. the tfjs backend
 * of neural learners) before any policy is created, and collects the facts they report for
 * run.json (`backend`). Runs in the CLI process and in every seed worker thread.
 */
import type { ResolvedExperiment } from '../config/resolved.js';
import type { PolicySpec } from '../core/policy.js';

/** Await every distinct assigned policy type's `prepare`; returns the merged facts. */
export async function preparePolicies(resolved: ResolvedExperiment): Promise<Record<string, string>> {
  const facts: Record<string, string> = {};
  const seen = new Set<PolicySpec>();
  for (const a of resolved.assignments) {
    if (seen.has(a.policy)) continue;
    seen.add(a.policy);
    Object.assign(facts, (await a.policy.prepare?.()) ?? {});
  }
  return facts;
}
