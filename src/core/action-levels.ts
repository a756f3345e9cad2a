/**
 * Quantity decisions encoded as discrete action levels: level = round(decision / unit), clamped to
 * 0 … maxLevel, NaN and negatives ordering nothing. Supply worlds whose `encodeAction` is exactly
 * this for an agent declare it (`World.actionValues.levels`), so a scripted policy can compute its order
 * and its level in one pass over the rows (policies/base-stock.ts) instead of writing a decision
 * matrix and encoding it afterwards; the world conformance suite checks the declaration against
 * `encodeAction`. `levelOf` is the one implementation of the rounding (beer-game's encodeActions
 * uses it too).
 */

/** How one agent's single decision maps to its single action slot. */
export interface ActionLevels {
  /** Natural units per action level (level = round(decision / unit)). */
  readonly unit: number;
  /** The largest level (the action space is discrete(maxLevel + 1)). */
  readonly maxLevel: number;
}

/**
 * clamp(Math.round(v), 0, top) for an integer `top` ≥ 0, NaN giving 0: what `encodeAction` computes
 * as `k = Math.round(v); k > top ? top : k > 0 ? k : 0`, without data-dependent branches where v
 * fits an int32. V8 compiles Math.round and those clamps to branches, and scripted orders (S minus
 * a float32 observation times a scale) land just above or below a whole number at random, so the
 * branches mispredicted on most rows (measured: base-stock's act 9.5–10.8 → 5.0–6.0 ns a row).
 * Math.round(v) = ⌊v⌋ + (v − ⌊v⌋ ≥ ½), the difference exact for |v| < 2^52; negative v give a level
 * ≤ 0, clamped to 0 either way; the clamps are integer bit operations.
 */
export function levelOf(v: number, top: number): number {
  if (v > -1e9 && v < 1e9) {
    const fl = Math.floor(v);
    let k = (fl | 0) + +(v - fl >= 0.5); // + turns the comparison into 0 or 1, as the implicit conversion did (same speed, measured)
    k &= ~(k >> 31); // max(0, k)
    const over = k - top;
    return top + (over & (over >> 31)); // min(top, k)
  }
  const k = Math.round(v);
  return k > top ? top : k > 0 ? k : 0; // NaN and negatives order nothing
}
