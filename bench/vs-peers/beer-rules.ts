/**
 * The numpy beer-game peer's rules (anchors/beergame-py README, "The dynamics, precisely") as a
 * beer-game-v1 config, and the base-stock level that makes tacit's players order exactly what the
 * peer's do. test/bench/beer-peer-rules.test.ts proves both: the README's reference trace, and
 * long random and base-stock runs period by period against a port of those rules.
 *
 * - `orderLeadTime: 3`. The peer places the orders given to step t at the end of period t, after
 *   that period's shipping, and they arrive upstream in period t + 2. beer-game-v1 places the
 *   actions of a step at the end of the period before it (so they are chosen on the observation of
 *   that period), and an order reaches upstream `orderLeadTime` periods after it was placed: the
 *   same timing needs 3. With 2, orders arrive a period sooner than the peer's, a different game
 *   (measured 2026-12-06: random players' team cost 174.4 per period against the peer's 171.4,
 *   base-stock 13.4 against 15.0).
 * - Base-stock level 28 for the peer's 24 on beer-game-v1: its inventory position counts the one
 *   initial order-pipe slot the first order overwrites (the known defect kept in beer-game.ts), so
 *   it stays initialPipeline = 4 above the peer's all episode, and S + 4 orders the same.
 *   beer-game-v2 observes the peer's supply line exactly, so there the peer's own level 24 orders
 *   the same; bench:vs-peers runs v2 at 24 (the same trajectories as v1 at 28).
 */

/** The beer game at the numpy peer's rules. */
export const PEER_BEER = {
  demand: { kind: 'uniform', low: 0, high: 8 },
  orderLeadTime: 3,
  shippingLeadTime: 2,
  episodeLength: 100,
  maxOrder: 16,
  initialInventory: 12,
  initialPipeline: 4,
  holdingCost: 0.5,
  backorderCost: 1,
};
/** The peer's base-stock level (bench/vs-peers/beer_peer.py: order clip(S − (level + supply line), 0, 16)). */
export const PEER_BASE_STOCK_LEVEL = 24;
/** beer-game-v1's level that orders what the peer's does (see above); on beer-game-v2 it is PEER_BASE_STOCK_LEVEL. */
export const TACIT_BASE_STOCK_LEVEL = PEER_BASE_STOCK_LEVEL + PEER_BEER.initialPipeline;
