/**
 * Shared plumbing for the supply-chain heuristics: find observation slots and decisions by name,
 * convert observation units to natural units, and write decisions through the world's encoder
 * (both from `World.decisions`, src/core/world-decisions.ts). This is what lets one base-stock policy act in both the beer
 * game and the warehouse: it reads `inventoryPosition` and writes `orderQuantity` by name.
 */
import type { PolicyContext } from '../src/core/policy.js';
import type { AgentSpec, World } from '../src/core/world.js';
import type { WorldDecisions } from '../src/core/world-decisions.js';

/** Index of observation slot `name` for `agent`, or -1 when its space has no such named slot. */
export function slotIndex(world: World, agent: number, name: string): number {
  const space = world.observationSpaces[agent]!;
  return space.kind === 'box' && space.names ? space.names.indexOf(name) : -1;
}

/** Natural units per observation unit of slot k (1 when the world does not normalise). */
export function slotScale(world: World, agent: number, k: number): number {
  return world.decisions?.observationScales[agent]?.[k] ?? 1;
}

/** Index of decision `name` for `agent`, or -1. */
export function decisionIndex(world: World, agent: number, name: string): number {
  return world.decisions?.names[agent]?.indexOf(name) ?? -1;
}

/** Why the agent lacks what a decision-writing policy needs, or undefined. */
export function missingDecision(world: World, agent: AgentSpec, names: readonly string[]): string | undefined {
  if (!world.decisions) return `world ${world.id} does not declare decisions, so scripted supply policies cannot map decisions to actions`;
  const have = world.decisions.names[agent.index] ?? [];
  if (!names.some((n) => have.includes(n))) return `agent ${agent.id} has decisions [${have.join(', ')}], none of [${names.join(', ')}]`;
  return undefined;
}

/** Why the agent's observation lacks a named slot, or undefined. */
export function missingSlot(world: World, agent: AgentSpec, name: string): string | undefined {
  if (slotIndex(world, agent.index, name) >= 0) return undefined;
  const space = world.observationSpaces[agent.index]!;
  const names = space.kind === 'box' ? (space.names ?? []) : [];
  return `agent ${agent.id}'s observation has no slot '${name}' (slots: ${names.join(', ') || 'unnamed'})`;
}

/** A reader of one named observation slot in natural units, row by row. */
export interface SlotReader {
  readonly index: number;
  readonly scale: number;
  readonly stride: number;
}

/** A reader for slot `name` (index -1 when absent: `read` then gives NaN). */
export function slotReader(ctx: PolicyContext, name: string): SlotReader {
  const index = slotIndex(ctx.world, ctx.agent.index, name);
  return { index, scale: index >= 0 ? slotScale(ctx.world, ctx.agent.index, index) : 1, stride: ctx.observationSpace.size };
}

/** Row b's value of a slot, in natural units. */
export function read(r: SlotReader, obs: Float32Array, b: number): number {
  return r.index < 0 ? NaN : obs[b * r.stride + r.index]! * r.scale;
}

/**
 * Writes decisions (natural units) as actions through `World.decisions.encodeAction`,
 * allocation-free. The world's decisions group is resolved once, here; policies that build one
 * have checked it exists (`missingDecision`), so a world without it is a programming error.
 */
export class DecisionWriter {
  /** The decision vector: set slots by index, others stay NaN (the world's default). */
  readonly decision: Float64Array;
  private readonly world: World;
  private readonly decisions: WorldDecisions;
  private readonly agent: number;
  private readonly actionSize: number;

  constructor(ctx: PolicyContext) {
    const decisions = ctx.world.decisions;
    if (!decisions) throw new Error(`DecisionWriter: world ${ctx.world.id} declares no decisions (check missingDecision first)`);
    this.world = ctx.world;
    this.decisions = decisions;
    this.agent = ctx.agent.index;
    this.actionSize = ctx.actionSpace.size;
    this.decision = new Float64Array(decisions.names[ctx.agent.index]?.length ?? 0).fill(NaN);
  }

  /** Index of decision `name`, or -1. */
  index(name: string): number {
    return decisionIndex(this.world, this.agent, name);
  }

  /** Encode the current decision into row b of `actions`. */
  write(actions: Float64Array, b: number): void {
    this.decisions.encodeAction(this.agent, this.decision, actions, b * this.actionSize);
  }

  /**
   * Start a batch of `rows` decisions: the row-major matrix (row b's decision k at b × width + k)
   * whose slots hold `decision` except those the policy writes. A policy must write the same slots
   * in every row on every call (all of ours do); the others are preset only when `decision` changed
   * since the last call, not every call (measured: the preset pass cost base-stock 16% over 1024
   * rows). Fill the slots, then `writeRows`: one `encodeActions` call for the whole batch instead
   * of a call per row; worlds without it are encoded row by row.
   */
  beginRows(rows: number): Float64Array {
    const width = this.decision.length;
    const d = this.decision;
    let stale = this.matrix.length < rows * width;
    if (stale) this.matrix = new Float64Array(rows * width);
    for (let k = 0; k < width; k++) if (!Object.is(this.preset[k], d[k])) stale = true;
    const m = this.matrix;
    if (stale) {
      for (let k = 0; k < width; k++) {
        const v = d[k]!;
        this.preset[k] = v;
        for (let i = k; i < m.length; i += width) m[i] = v;
      }
    }
    return m;
  }

  /** Encode the batch begun by `beginRows` into rows 0 .. rows−1 of `actions`. */
  writeRows(actions: Float64Array, rows: number): void {
    const width = this.decision.length;
    const m = this.matrix;
    const decisions = this.decisions;
    if (decisions.encodeActions !== undefined) {
      decisions.encodeActions(this.agent, m, width, actions, rows);
      return;
    }
    const row = this.rowView ?? (this.rowView = new Float64Array(width));
    for (let b = 0; b < rows; b++) {
      for (let k = 0; k < width; k++) row[k] = m[b * width + k]!;
      decisions.encodeAction(this.agent, row, actions, b * this.actionSize);
    }
  }

  private matrix = new Float64Array(0);
  /** The `decision` the matrix was last preset from (NaN-safe compare with Object.is). */
  private readonly preset: number[] = [];
  private rowView: Float64Array | undefined;
}
