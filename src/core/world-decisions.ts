/**
 * `World.decisions`: acting and reading in natural units. Why a group of its own: scripted policies
 * (base-stock, (s, S), Sterman, item order-up-to, action maps) and adversarial faults decide in the
 * world's units (order 40 units from supplier 1), not in its action encoding (discrete level 8), and
 * read named observation slots in units, not normalised. Worlds that declare this group let one
 * scripted policy act in all of them; worlds without it (the market, the sanity games) are played
 * by learners only. The three members belong together: a policy that reads `inventoryPosition` in
 * units needs the scales, and one that writes `orderQuantity` needs the names and the encoder.
 * Consumers resolve `world.decisions` once, when they are built, never per step.
 */

/** How an agent's decisions in natural units become its action, and how its observations read in units. */
export interface WorldDecisions {
  /**
   * Per agent: the names of its decisions in natural units (e.g. `orderQuantity`, `supplier`,
   * `shippingMode`): the input layout of `encodeAction`. An agent with none has an empty list.
   */
  readonly names: readonly (readonly string[])[];
  /**
   * Per agent, per observation slot: natural units per observation unit (natural value =
   * obs × scale), so scripted policies can read slots such as `inventoryPosition` in units.
   */
  readonly observationScales: readonly Float64Array[];
  /**
   * Write into `out[offset ..]` the action of agent i that best realises `decision` (one value per
   * name in `names[i]`, natural units; NaN means "the world's default for that decision"). Lets one
   * scripted policy act through any world's action encoding (discrete order levels, price
   * tiers...). Must not allocate.
   */
  encodeAction(agent: number, decision: Float64Array, out: Float64Array, offset: number): void;
  /**
   * Optional batched `encodeAction`: encode `rows` decision vectors (row r at `decisions[r × stride]`)
   * into rows 0 .. rows−1 of `out` (row b at b × the agent's action size), exactly as
   * `encodeAction` per row would (the conformance suite checks). Saves scripted policies over many
   * copies a call per row. Must not allocate.
   */
  encodeActions?(agent: number, decisions: Float64Array, stride: number, out: Float64Array, rows: number): void;
}
