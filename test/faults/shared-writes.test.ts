/**
 * The passing-ships mechanism against hand-worked interleavings: two workers, cadence 1, no
 * jitter, latency 2, both always deciding to commit. Both read at 0, their writes land at 2; they
 * are busy at 1 and 2 and read again at 3 (writes at 5), and so on: a landing every 3 steps.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { SharedWrites, type SharedWriteProtocol } from '../../src/faults/shared-writes.js';

function run(
  protocol: SharedWriteProtocol,
  steps: number,
  decide: (t: number) => number = () => 1,
): { stats: Record<string, number | string>; executed: number[] } {
  const sw = new SharedWrites({ workers: 2, cadence: 1, jitter: 0, latency: 2, protocol, maxRetries: 3 }, 1, 1, Rng.from(1).state);
  sw.resetCopy(0);
  const noop = Float64Array.of(0);
  const decision = new Float64Array(1);
  const out = new Float64Array(1);
  const executed: number[] = [];
  for (let t = 0; t < steps; t++) {
    decision[0] = decide(t);
    sw.step(0, t, decision, 0, noop, 0, out);
    executed.push(out[0]!);
  }
  return { stats: sw.summary(), executed };
}

describe('shared writes', () => {
  it('none: both writes land together, one overwrites the other (a lost update per landing)', () => {
    const { stats, executed } = run('none', 9);
    expect(executed).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(stats).toMatchObject({ commits: 3, lostUpdates: 3, doubleOrders: 0, conflicts: 0 });
  });

  it('none: a commitment read before another one landed is a double order', () => {
    // Worker 1 reads one step after worker 0 (cadence 2: first ticks at 0 and 1).
    const sw = new SharedWrites({ workers: 2, cadence: 2, jitter: 0, latency: 2, protocol: 'none', maxRetries: 0 }, 1, 1, Rng.from(1).state);
    sw.resetCopy(0);
    const out = new Float64Array(1);
    for (let t = 0; t < 4; t++) sw.step(0, t, Float64Array.of(1), 0, Float64Array.of(0), 0, out);
    // w0: read 0, lands 2; w1: read 1, lands 3, after w0's commitment it never saw.
    expect(sw.summary()).toMatchObject({ commits: 2, lostUpdates: 0, doubleOrders: 1 });
  });

  it('lock: no lost updates or double orders; the waiting worker goes next', () => {
    const { stats, executed } = run('lock', 9);
    // w0 reads at 0 (lands 2); w1 waits at 0..2 and reads at 3 (lands 5); w0 waits at 3..5 and reads
    // at 6 (lands 8); w1 waits at 6..8: 9 waiting steps.
    expect(executed).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(stats).toMatchObject({ commits: 3, lostUpdates: 0, doubleOrders: 0, lockWaitSteps: 9 });
  });

  it('versioned: the second writer conflicts, retries maxRetries times, then gives up', () => {
    const { stats } = run('versioned', 12);
    expect(stats).toMatchObject({ commits: 4, lostUpdates: 0, doubleOrders: 0, conflicts: 4, retries: 3, aborted: 1 });
  });

  it('event-log: concurrent intents merge, and the reducer applies the decision at apply time', () => {
    const { stats, executed } = run('event-log', 9, (t) => (t >= 5 ? 0 : 2));
    // Two intents land at 2 and at 5 (read at 3, when the decision was still 2); at 5 the current
    // decision is "nothing to commit", so the reducer commits nothing; at 8 the intents were no-ops.
    expect(executed).toEqual([0, 0, 2, 0, 0, 0, 0, 0, 0]);
    expect(stats).toMatchObject({ commits: 1, mergedIntents: 2, lostUpdates: 0, doubleOrders: 0 });
  });
});
