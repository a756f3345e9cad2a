/**
 * Compare metrics of the coordination faults of issue 18 (passing ships and adversaries), read from
 * summary.json `metrics.faults.sharedWrites` and `metrics.faults.adversaries`: per agent, the race
 * counts per 1 000 commitments and the adversary's breaker response. Only metrics some seed has are
 * added, so runs without these injections compare exactly as before.
 */
import type { SeedRecord } from './load.js';
import type { Variant } from './variants.js';

/** Builds one compared metric (compare.ts passes its `continuous`; generic so this file does not import compare.ts). */
type Metric<M> = (id: string, name: string, better: 'higher' | 'lower', description: string, extract: (s: SeedRecord) => number | null) => M;

const SHARED = [
  ['lostUpdates', 'commitments overwritten by another landing in the same step'],
  ['doubleOrders', 'commitments made from a read older than another commitment that landed'],
  ['conflicts', 'writes refused because the version moved (versioned)'],
  ['aborted', 'commitments given up after maxRetries conflicts (versioned)'],
] as const;

const ADVERSARY = [
  ['caughtShare', 'higher', "share of compromised copy-steps on which a circuit breaker's fallback acted instead"],
  ['meanResponseSteps', 'lower', 'steps from the swap to the first circuit-breaker trip (per copy)'],
] as const;

function block(s: SeedRecord, key: 'sharedWrites' | 'adversaries'): Record<string, Record<string, unknown>> | undefined {
  const faults = (s.summary.metrics as { faults?: Record<string, unknown> } | undefined)?.faults;
  const b = faults?.[key];
  return b && typeof b === 'object' ? (b as Record<string, Record<string, unknown>>) : undefined;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The passing-ships and adversary metrics of these variants (none when no seed has them). */
export function coordinationFaultMetrics<M>(variants: readonly Variant[], metric: Metric<M>): M[] {
  const shared = new Set<string>();
  const compromised = new Set<string>();
  for (const v of variants)
    for (const s of v.seeds) {
      Object.keys(block(s, 'sharedWrites') ?? {}).forEach((a) => shared.add(a));
      Object.keys(block(s, 'adversaries') ?? {}).forEach((a) => compromised.add(a));
    }
  const out: M[] = [];
  for (const a of shared) {
    const per1000 = (s: SeedRecord, k: string): number | null => {
      const b = block(s, 'sharedWrites')?.[a];
      const commits = num(b?.['commits']);
      const x = num(b?.[k]);
      return commits === null || x === null ? null : (1000 * x) / Math.max(1, commits);
    };
    for (const [k, what] of SHARED)
      out.push(metric(`kpi/sharedWrites:${a}:${k}`, `sharedWrites:${a}:${k}`, 'lower', `${what}, per 1 000 commitments of ${a}`, (s) => per1000(s, k)));
  }
  for (const a of compromised)
    for (const [k, better, what] of ADVERSARY)
      out.push(metric(`kpi/adversary:${a}:${k}`, `adversary:${a}:${k}`, better, `${what} (${a} compromised)`, (s) => num(block(s, 'adversaries')?.[a]?.[k])));
  return out;
}
