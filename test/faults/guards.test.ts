/** Guards on relay-chain-v1: circuit breakers trip after N faults in W steps and recover after the cooldown; timeouts fall back. */
import { describe, expect, it } from 'vitest';
import { harness, relayConfig } from './harness.js';

const hold = [{ role: 'relay', policy: { type: 'constant', params: { action: 0 } } }];
const forward = { policy: { type: 'constant', params: { action: 1 } } };
const criteria = { reliability: { criteria: { relay: { component: 'forwarded', atLeast: 1 } } } };

function executed(h: ReturnType<typeof harness>, steps: number, i = 0): number[] {
  const out: number[] = [];
  for (let t = 0; t < steps; t++) h.step(() => out.push(h.engine.actions[i]![0]!));
  return out;
}

describe('guards', () => {
  it('circuit breaker: trips after maxFaults no-responses within the window, the fallback acts for cooldown steps, then the agent is back', () => {
    const h = harness(
      relayConfig(
        {
          injections: [{ type: 'dropout', agents: ['relay0'], window: { start: 5, end: 8 } }],
          guards: [{ type: 'circuit-breaker', agents: ['relay0'], maxFaults: 3, window: 5, cooldown: 4, count: ['no-response'], fallback: forward }],
        },
        { episodeLength: 30 },
        hold,
        1,
      ),
    );
    const events: unknown[] = [];
    const acts: number[] = [];
    for (let t = 0; t < 30; t++) {
      h.step(() => acts.push(h.engine.actions[0]![0]!));
      events.push(...h.faults.events.filter((e) => e.event.type === 'guard').map((e) => [e.step, e.event.data.kind]));
    }
    // Out at steps 5, 6, 7 (the no-op holds); the third fault trips it: steps 8-11 forward; back to holding at 12.
    expect(acts.slice(0, 14)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    expect(acts.slice(14)).toEqual(new Array(16).fill(0));
    expect(events).toEqual([
      [8, 'circuit-breaker-open'],
      [12, 'circuit-breaker-closed'],
    ]);
    expect((h.faults.summary().faults.guards as Record<string, unknown>).relay0).toEqual({ breakerTrips: 1, breakerOpenSteps: 4 });
  });

  it('circuit breaker on failures: a failing agent is swapped out periodically; faults older than the window do not count', () => {
    const h = harness(
      relayConfig(
        { guards: [{ type: 'circuit-breaker', agents: ['relay0'], maxFaults: 3, window: 3, cooldown: 2, count: ['failure'], fallback: forward }], ...criteria },
        { episodeLength: 1000 },
        hold,
        1,
      ),
    );
    expect(executed(h, 15)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1]);
    const sparse = harness(
      relayConfig(
        {
          injections: [
            { type: 'dropout', agents: ['relay0'], window: { start: 0, end: 1 } },
            { type: 'dropout', agents: ['relay0'], window: { start: 3, end: 4 } },
            { type: 'dropout', agents: ['relay0'], window: { start: 6, end: 7 } },
          ],
          guards: [{ type: 'circuit-breaker', agents: ['relay0'], maxFaults: 3, window: 6, cooldown: 2, count: ['no-response'], fallback: forward }],
        },
        { episodeLength: 1000 },
        hold,
        1,
      ),
    );
    // Faults at 0, 3 and 6 span 7 steps: never 3 within a window of 6.
    expect(executed(sparse, 12)).toEqual(new Array(12).fill(0));
  });

  it('timeout: an action older than maxDelay (or none yet) is replaced by the fallback; a fresh enough one is not', () => {
    const agents = [{ role: 'relay', policy: { type: 'constant', params: { sequence: [0, 0, 1] } } }];
    const delayed = (maxDelay: number) =>
      harness(
        relayConfig(
          {
            injections: [{ type: 'action-delay', agents: ['relay0'], delay: 2 }],
            guards: [{ type: 'timeout', agents: ['relay0'], maxDelay, fallback: forward }],
          },
          { episodeLength: 1000 },
          agents,
          1,
        ),
      );
    const strict = delayed(1);
    expect(executed(strict, 12)).toEqual(new Array(12).fill(1));
    expect((strict.faults.summary().faults.guards as Record<string, Record<string, number>>).relay0!.timeouts).toBe(12);
    const lenient = delayed(2);
    // Nothing has arrived at steps 0 and 1 (fallback); from step 2 on the action chosen two steps earlier.
    expect(executed(lenient, 9)).toEqual([1, 1, 0, 0, 1, 0, 0, 1, 0]);
    const out = harness(
      relayConfig(
        {
          injections: [{ type: 'dropout', agents: ['relay0'], window: { start: 2, end: 4 } }],
          guards: [{ type: 'timeout', agents: ['relay0'], maxDelay: 0, fallback: forward }],
        },
        {},
        hold,
        1,
      ),
    );
    expect(executed(out, 6)).toEqual([0, 0, 1, 1, 0, 0]);
  });
});
