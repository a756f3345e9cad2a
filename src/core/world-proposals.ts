/**
 * `World.proposals`: agents that act after others and see what those others proposed this step (a
 * supervisor reviewing workers' actions, src/coordination/supervisor.ts). Why a group of its own:
 * it is the one place where an observation depends on this step's actions of other agents, so the
 * rollout loop, not the world, must write it in (after `from` acted, before the agent acts), and
 * only worlds built with such an agent declare it. The loop reads `world.proposals` once.
 */
import type { Space } from './spaces.js';

/** Where an agent's observation shows another agent's proposed action. */
export interface ProposalSlot {
  /** The agent whose proposed action is shown. */
  readonly from: number;
  /** First observation slot it is written to. */
  readonly offset: number;
}

/**
 * Per agent, null or the observation slots `offset … offset + size of from's action` that show
 * agent `from`'s proposed action this step (`from` < the agent, so it has acted); the world itself
 * writes a stand-in.
 */
export type WorldProposals = readonly (ProposalSlot | null)[];

/** What `proposalWriter` reads of a world (a World satisfies it). */
export interface ProposingWorld {
  readonly proposals?: WorldProposals;
  readonly observationSpaces: readonly Space[];
  readonly actionSpaces: readonly Space[];
}

/** Writes the proposals agent i sees into its observation rows `obs` from the actions `actions` (all rows); a no-op for an agent that sees none. */
export type ProposalWriter = (i: number, obs: readonly Float32Array[], actions: readonly Float64Array[], rows: number) => void;

/** The proposal writer of a world, built once (a loop calls it per agent and step); undefined when no agent sees proposals. */
export function proposalWriter(world: ProposingWorld): ProposalWriter | undefined {
  const slots = world.proposals;
  if (!slots) return undefined;
  const obsSizes = world.observationSpaces.map((s) => s.size);
  const actionSizes = world.actionSpaces.map((s) => s.size);
  return (i, obs, actions, rows) => {
    const slot = slots[i];
    if (!slot) return;
    const size = obsSizes[i]!;
    const aSize = actionSizes[slot.from]!;
    const o = obs[i]!;
    const a = actions[slot.from]!;
    for (let b = 0; b < rows; b++) for (let x = 0; x < aSize; x++) o[b * size + slot.offset + x] = a[b * aSize + x]!;
  };
}
