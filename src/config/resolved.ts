/**
 * A validated experiment, ready to run: what config/resolve.ts produces. Its own module, importing
 * only types, so that the fault layer, detectors and runner can read it without depending on the
 * resolver (which imports every registry).
 */
import type { PolicySpec } from '../core/policy.js';
import type { AgentSpec, KpiSpec, World, WorldSpec } from '../core/world.js';
import type { RewardSchemeSpec } from '../rewards/scheme.js';
import type { SweepExpansion } from './sweep-check.js';
import type { ExperimentConfig } from './schema.js';

/** The policy and reward scheme resolved for one world agent. */
export interface AgentAssignment {
  readonly agent: AgentSpec;
  /** Index of the config entry that configured it. */
  readonly entry: number;
  readonly policy: PolicySpec;
  readonly policyParams: Record<string, unknown>;
  readonly scheme: RewardSchemeSpec;
  readonly schemeParams: Record<string, unknown>;
}

/** A validated experiment, ready to run. */
export interface ResolvedExperiment {
  /** The config with every default filled in (written to config.resolved.json). */
  readonly config: ExperimentConfig;
  readonly worldSpec: WorldSpec;
  readonly worldParams: Record<string, unknown>;
  /** One per world agent, in agent index order. */
  readonly assignments: readonly AgentAssignment[];
  /** Detector params by detector name (defaults filled in); `false` for detectors switched off. */
  readonly detectorParams: Readonly<Record<string, Record<string, unknown> | false>>;
  /** The world's KPIs, read off the world built while resolving (readers need not build another). */
  readonly kpis: readonly KpiSpec[];
  /** Build a fresh world instance. */
  makeWorld(): World;
  /** The `sweep` section's grid, expanded and checked (when the config has one). */
  readonly sweep?: SweepExpansion;
}
