/**
 * bench:vs-peers compares tacit's beer game with the numpy peer (anchors/beergame-py) on the same
 * game: this proves it. `peerStep` ports the rules the peer's README states ("The dynamics,
 * precisely") and is checked against the README's reference trace; beer-game-v1 at PEER_BEER then
 * matches the port period by period, with random orders and with base-stock players (tacit's level
 * TACIT_BASE_STOCK_LEVEL against the peer's PEER_BASE_STOCK_LEVEL, bench/vs-peers/beer_peer.py's
 * rule clip(S − (level + supply line), 0, 16)).
 */
import { describe, expect, it } from 'vitest';
import { PEER_BASE_STOCK_LEVEL, PEER_BEER, TACIT_BASE_STOCK_LEVEL } from '../../bench/vs-peers/beer-rules.js';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { beerGameV2 } from '../../envs/beer-game/beer-game-v2.js';
import { buildPolicies } from '../../bench/supply-harness.js';
import { VecEngine } from '../../src/core/engine.js';
import { Rng } from '../../src/core/rng.js';

/** One stage of the peer's state: pipes are FIFOs, oldest first. */
interface PeerStage {
  onHand: number;
  backlog: number;
  orderPipe: number[];
  shipPipe: number[];
  incoming: number;
  received: number;
  lastOrder: number;
}

const N = 4;

function peerReset(): PeerStage[] {
  return Array.from({ length: N }, () => ({ onHand: 12, backlog: 0, orderPipe: [4, 4], shipPipe: [4, 4], incoming: 4, received: 4, lastOrder: 4 }));
}

/** One period of the peer (README steps 1–5); returns each stage's cost. */
function peerStep(s: PeerStage[], orders: readonly number[], demand: number): number[] {
  for (const st of s) {
    st.received = st.shipPipe.shift()!;
    st.onHand += st.received;
  }
  s[0]!.incoming = demand;
  for (let i = 1; i < N; i++) s[i]!.incoming = s[i - 1]!.orderPipe.shift()!;
  const supplier = s[N - 1]!.orderPipe.shift()!;
  for (let i = 0; i < N; i++) {
    const st = s[i]!;
    const due = st.backlog + st.incoming;
    const shipped = Math.min(st.onHand, due);
    st.onHand -= shipped;
    st.backlog = due - shipped;
    if (i > 0) s[i - 1]!.shipPipe.push(shipped);
  }
  s[N - 1]!.shipPipe.push(supplier);
  for (let i = 0; i < N; i++) {
    s[i]!.orderPipe.push(orders[i]!);
    s[i]!.lastOrder = orders[i]!;
  }
  return s.map((st) => 0.5 * st.onHand + st.backlog);
}

/** The peer's supply line of stage i: own orders in the pipe + upstream backlog + goods in transit. */
const supplyLine = (s: PeerStage[], i: number): number =>
  s[i]!.orderPipe.reduce((a, b) => a + b, 0) + (i + 1 < N ? s[i + 1]!.backlog : 0) + s[i]!.shipPipe.reduce((a, b) => a + b, 0);

/** tacit at the peer's rules, one copy, with a given demand series (which restarts with every episode). */
function tacit(demand: readonly number[], spec: typeof beerGame = beerGame): VecEngine {
  const world = spec.create(spec.paramsSchema.parse({ ...PEER_BEER, demand: { kind: 'series', values: demand } }));
  const engine = new VecEngine(world, { numEnvs: 1, seed: 1 });
  engine.reset();
  return engine;
}

const cost = (e: VecEngine, i: number): number => -(e.rewards[i]![0]! + e.rewards[i]![1]!);
/** Observation slot k of stage i in units (slots are units / obsScale 10). */
const slot = (e: VecEngine, i: number, k: number): number => Math.round(e.obs[i]![k]! * 10);

describe("the beer game at the numpy peer's rules (bench:vs-peers)", () => {
  it("the port reproduces the peer README's reference trace", () => {
    // README "Reference trace": t, demand, orders, received, incoming, on hand, backlog, supply line, cost.
    const rows: [number, number[], number[], number[], number[], number[], number[], number[]][] = [
      [8, [8, 4, 4, 4], [4, 4, 4, 4], [8, 4, 4, 4], [8, 12, 12, 12], [0, 0, 0, 0], [20, 16, 16, 16], [4, 6, 6, 6]],
      [0, [0, 12, 4, 4], [4, 4, 4, 4], [0, 4, 4, 4], [12, 12, 12, 12], [0, 0, 0, 0], [16, 24, 16, 16], [6, 6, 6, 6]],
      [5, [6, 6, 16, 0], [4, 4, 4, 4], [5, 8, 4, 4], [11, 8, 12, 12], [0, 0, 0, 0], [18, 26, 28, 12], [5.5, 4, 6, 6]],
      [3, [3, 3, 3, 3], [4, 4, 4, 4], [3, 0, 12, 4], [12, 12, 4, 12], [0, 0, 0, 0], [17, 25, 27, 11], [6, 6, 2, 6]],
      [8, [16, 0, 8, 8], [8, 4, 4, 4], [8, 6, 6, 16], [12, 10, 2, 0], [0, 0, 0, 0], [25, 21, 31, 15], [6, 5, 1, 0]],
      [2, [2, 2, 2, 2], [0, 12, 4, 4], [2, 3, 3, 3], [10, 19, 3, 1], [0, 0, 0, 0], [27, 11, 29, 13], [5, 9.5, 1.5, 0.5]],
      [6, [7, 9, 11, 13], [6, 6, 16, 0], [6, 16, 0, 8], [10, 9, 19, 0], [0, 0, 0, 7], [28, 14, 24, 26], [5, 4.5, 9.5, 7]],
      [1, [0, 0, 0, 0], [3, 3, 3, 3], [1, 2, 2, 2], [12, 10, 20, 0], [0, 0, 0, 6], [25, 11, 21, 23], [6, 5, 10, 6]],
    ];
    const s = peerReset();
    for (const [demand, orders, received, incoming, onHand, backlog, supply, costs] of rows) {
      expect(peerStep(s, orders, demand)).toEqual(costs);
      expect(s.map((st) => [st.received, st.incoming, st.onHand, st.backlog])).toEqual(received.map((r, i) => [r, incoming[i], onHand[i], backlog[i]]));
      expect(s.map((_, i) => supplyLine(s, i))).toEqual(supply);
    }
  });

  it('beer-game-v1 at PEER_BEER plays the same game with the same orders, period by period', () => {
    const rng = Rng.from(7, 'peer-rules');
    const periods = 300;
    const demand = Array.from({ length: PEER_BEER.episodeLength }, () => rng.int(9));
    const e = tacit(demand);
    let s = peerReset();
    for (let t = 0; t < periods; t++) {
      if (t % PEER_BEER.episodeLength === 0 && t > 0) s = peerReset(); // the engine autoresets at truncation
      const orders = Array.from({ length: N }, () => rng.int(17));
      for (let i = 0; i < N; i++) e.actions[i]![0] = orders[i]!;
      const costs = peerStep(s, orders, demand[t % PEER_BEER.episodeLength]!);
      e.step();
      const ended = (t + 1) % PEER_BEER.episodeLength === 0;
      for (let i = 0; i < N; i++) {
        expect(cost(e, i)).toBe(costs[i]);
        if (ended) continue; // obs already holds the next episode's first observation
        expect([slot(e, i, 0), slot(e, i, 1), slot(e, i, 4), slot(e, i, 5), slot(e, i, 6)]).toEqual([
          s[i]!.onHand,
          s[i]!.backlog,
          s[i]!.incoming,
          s[i]!.received,
          orders[i],
        ]);
        // The pipeline slot counts the initial order-pipe slot the first order overwrote (beer-game.ts).
        expect(slot(e, i, 2)).toBe(supplyLine(s, i) + PEER_BEER.initialPipeline);
      }
    }
  });

  it(`base-stock players at level ${TACIT_BASE_STOCK_LEVEL} order what the peer's level ${PEER_BASE_STOCK_LEVEL} does`, () => {
    const rng = Rng.from(11, 'peer-rules');
    const periods = 250;
    const demand = Array.from({ length: periods }, () => rng.int(9));
    const e = tacit(demand);
    const world = e.world;
    const players = buildPolicies(
      world,
      Object.fromEntries(world.agents.map((a) => [a.id, { type: 'base-stock', params: { level: TACIT_BASE_STOCK_LEVEL } }])),
      1,
      1,
    );
    let s = peerReset();
    let total = 0;
    for (let t = 0; t < periods; t++) {
      if (t % PEER_BEER.episodeLength === 0 && t > 0) s = peerReset();
      // beer_peer.py: clip(S − (inventory level + supply line), 0, 16), on the last observation.
      const orders = s.map((st, i) => Math.min(16, Math.max(0, PEER_BASE_STOCK_LEVEL - (st.onHand - st.backlog + supplyLine(s, i)))));
      for (let i = 0; i < N; i++) players[i]!.act(e.obs[i]!, e.actions[i]!, 'greedy');
      expect(Array.from({ length: N }, (_, i) => e.actions[i]![0])).toEqual(orders);
      const costs = peerStep(s, orders, demand[t % PEER_BEER.episodeLength]!);
      e.step();
      for (let i = 0; i < N; i++) expect(cost(e, i)).toBe(costs[i]);
      total += costs.reduce((a, b) => a + b, 0);
    }
    // Not a degenerate run: base-stock keeps the team cost near the peer's 15 per period, not the ~170 of random orders.
    expect(total / periods).toBeLessThan(40);
  });
  it('beer-game-v2 at PEER_BEER observes the peer’s supply line and inventory position exactly, period by period', () => {
    const rng = Rng.from(7, 'peer-rules');
    const periods = 300;
    const demand = Array.from({ length: PEER_BEER.episodeLength }, () => rng.int(9));
    const e = tacit(demand, beerGameV2);
    let s = peerReset();
    for (let i = 0; i < N; i++) expect([slot(e, i, 2), slot(e, i, 3)]).toEqual([supplyLine(s, i), s[i]!.onHand - s[i]!.backlog + supplyLine(s, i)]);
    for (let t = 0; t < periods; t++) {
      if (t % PEER_BEER.episodeLength === 0 && t > 0) s = peerReset();
      const orders = Array.from({ length: N }, () => rng.int(17));
      for (let i = 0; i < N; i++) e.actions[i]![0] = orders[i]!;
      const costs = peerStep(s, orders, demand[t % PEER_BEER.episodeLength]!);
      e.step();
      const ended = (t + 1) % PEER_BEER.episodeLength === 0;
      for (let i = 0; i < N; i++) {
        expect(cost(e, i)).toBe(costs[i]);
        if (ended) continue;
        expect([slot(e, i, 0), slot(e, i, 1), slot(e, i, 2), slot(e, i, 3)]).toEqual([
          s[i]!.onHand,
          s[i]!.backlog,
          supplyLine(s, i),
          s[i]!.onHand - s[i]!.backlog + supplyLine(s, i),
        ]);
      }
    }
  });

  it(`base-stock players on beer-game-v2 at the peer's own level ${PEER_BASE_STOCK_LEVEL} order what the peer's do`, () => {
    const rng = Rng.from(11, 'peer-rules');
    const periods = 250;
    const demand = Array.from({ length: periods }, () => rng.int(9));
    const e = tacit(demand, beerGameV2);
    const world = e.world;
    const players = buildPolicies(
      world,
      Object.fromEntries(world.agents.map((a) => [a.id, { type: 'base-stock', params: { level: PEER_BASE_STOCK_LEVEL } }])),
      1,
      1,
    );
    let s = peerReset();
    for (let t = 0; t < periods; t++) {
      if (t % PEER_BEER.episodeLength === 0 && t > 0) s = peerReset();
      const orders = s.map((st, i) => Math.min(16, Math.max(0, PEER_BASE_STOCK_LEVEL - (st.onHand - st.backlog + supplyLine(s, i)))));
      for (let i = 0; i < N; i++) players[i]!.act(e.obs[i]!, e.actions[i]!, 'greedy');
      expect(Array.from({ length: N }, (_, i) => e.actions[i]![0])).toEqual(orders);
      const costs = peerStep(s, orders, demand[t % PEER_BEER.episodeLength]!);
      e.step();
      for (let i = 0; i < N; i++) expect(cost(e, i)).toBe(costs[i]);
    }
  });
});
