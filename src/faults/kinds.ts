/**
 * Fault kinds as bits of a per-agent, per-copy mask (one mask per step). Hand-off faults are set on
 * the *sending* agent (`from`): its output is what got lost or delayed, so whatever fails
 * downstream counts as that agent's cascade.
 *
 * Kinds are either events (intermittent: dropout, dropped fields, lost hand-offs, corruption, an
 * action delay that hits only some actions) or conditions (always on while configured: stale or
 * infrequent observations, noise, a fixed hand-off or action lag). Only events have onsets, start
 * cascades and break the fault-free baseline; conditions are counted but shift the baseline
 * instead. Shared-write incidents (a lost update or a double order) and adversaries are events.
 */

/** Names of the kinds, by bit index. */
export const KIND_NAMES = [
  'stale-observation',
  'observation-cadence',
  'observation-noise',
  'drop-fields',
  'handoff-loss',
  'handoff-delay',
  'dropout',
  'action-delay',
  'action-corruption',
  'budget-exhausted',
  'shared-writes',
  'adversary',
  'contagion',
] as const;

/** A fault kind name. */
export type KindName = (typeof KIND_NAMES)[number];

/** Bit of each kind. */
export const KIND = {
  stale: 1 << 0,
  cadence: 1 << 1,
  noise: 1 << 2,
  dropFields: 1 << 3,
  handoffLoss: 1 << 4,
  handoffDelay: 1 << 5,
  dropout: 1 << 6,
  actionDelay: 1 << 7,
  corruption: 1 << 8,
  /** Set from outside the fault layer: an agent's budget ran out and its fallback acts (src/coordination/budget.ts). */
  budgetExhausted: 1 << 9,
  /** A lost update or double order landed (issue 18, passing ships). */
  sharedWrites: 1 << 10,
  /** The agent's policy is swapped for an adversary (issue 18). */
  adversary: 1 << 11,
  /** The agent's observations carry an adversary's poisoned values. */
  contagion: 1 << 12,
} as const;

/** Number of kinds. */
export const NUM_KINDS = KIND_NAMES.length;
