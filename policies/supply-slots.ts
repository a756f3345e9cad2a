/**
 * Shared plumbing for the supply-chain heuristics: find observation slots and decisions by name,
 * convert observation units to natural units (`World.observationScales`), and write decisions
 * through the world's `encodeAction`. This is what lets one base-stock policy act in both the beer
 * game and the warehouse: it reads `inventoryPosition` and writes `orderQuantity` by name.
 */
import type { PolicyContext } from '../src/core/policy.js';
import type { AgentSpec, World } from '../src/core/world.js';

/** Index of observation slot `name` for `agent`, or -1 when its space has no such named slot. */
export function slotIndex(world: World, agent: number, name: string): number {
  const space = world.observationSpaces[agent]!;
  return space.kind === 'box' && space.names ? space.names.indexOf(name) : -1;
}

/** Natural units per observation unit of slot k (1 when the world does not normalise). */
export function slotScale(world: World, agent: number, k: number): number {
  return world.observationScales?.[agent]?.[k] ?? 1;
}

/** Index of decision `name` for `agent`, or -1. */
export function decisionIndex(world: World, agent: number, name: string): number {
  return world.decisions?.[agent]?.indexOf(name) ?? -1;
}

/** Why the agent lacks what a decision-writing policy needs, or undefined. */
export function missingDecision(world: World, agent: AgentSpec, names: readonly string[]): string | undefined {
  if (!world.encodeAction || !world.decisions)
    return `world ${world.id} does not declare decisions/encodeAction, so scripted supply policies cannot map decisions to actions`;
  const have = world.decisions[agent.index] ?? [];
  if (!names.some((n) => have.includes(n)))
    return `agent ${agent.id} has decisions [${have.join(', ')}], none of [${names.join(', ')}]`;
  return undefined;
}

/** Why the agent's observation lacks a named slot, or undefined. */
export function missingSlot(world: World, agent: AgentSpec, name: string): string | undefined {
  if (slotIndex(world, agent.index, name) >= 0) return undefined;
  const space = world.observationSpaces[agent.index]!;
  const names = space.kind === 'box' ? space.names ?? [] : [];
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

/** Writes decisions (natural units) as actions through `World.encodeAction`, allocation-free. */
export class DecisionWriter {
  /** The decision vector: set slots by index, others stay NaN (the world's default). */
  readonly decision: Float64Array;
  private readonly world: World;
  private readonly agent: number;
  private readonly actionSize: number;

  constructor(ctx: PolicyContext) {
    this.world = ctx.world;
    this.agent = ctx.agent.index;
    this.actionSize = ctx.actionSpace.size;
    this.decision = new Float64Array(ctx.world.decisions?.[ctx.agent.index]?.length ?? 0).fill(NaN);
  }

  /** Index of decision `name`, or -1. */
  index(name: string): number {
    return decisionIndex(this.world, this.agent, name);
  }

  /** Encode the current decision into row b of `actions`. */
  write(actions: Float64Array, b: number): void {
    this.world.encodeAction!(this.agent, this.decision, actions, b * this.actionSize);
  }
}
