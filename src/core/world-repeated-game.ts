/**
 * `World.repeatedGame`: for repeated games whose one-step reward does not depend on the state (the
 * Calvano market). Why a group of its own: only such games have a payoff table that
 * can be read without playing, and only tabular learners ask for it (Calvano et al.'s Q
 * initialisation: the discounted payoff of each own action against uniformly random rivals).
 * Wrappers that change payoffs (message costs, supervisor costs) restate it.
 */

/** The stage game's payoffs, readable without playing. */
export interface WorldRepeatedGame {
  /**
   * Per own action (Discrete action space), agent i's expected local reward when every other agent
   * acts uniformly at random.
   */
  payoffVsUniformRivals(agent: number): Float64Array;
}
