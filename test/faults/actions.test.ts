/** Action faults on relay-chain-v1 (Discrete(2): 0 hold = the no-op, 1 forward): each does exactly what it says. */
import { describe, expect, it } from 'vitest';
import { contains } from '../../src/core/spaces.js';
import { harness, relayConfig, withinBinomial } from './harness.js';

const SEQUENCE = [1, 0, 0, 1, 1, 1, 0, 1, 0];
const scripted = (params: Record<string, unknown>) => [{ role: 'relay', policy: { type: 'constant', params } }];

/** Run `steps` loop iterations, recording intended and executed actions of agent `i` in copy 0 and the engine's episode step. */
function record(h: ReturnType<typeof harness>, steps: number, i = 0) {
  const intended: number[] = [];
  const executed: number[] = [];
  const clock: number[] = [];
  for (let t = 0; t < steps; t++) {
    clock.push(h.engine.episodeSteps[0]!);
    h.step(() => {
      intended.push(h.faults.intended[i]![0]!);
      executed.push(h.engine.actions[i]![0]!);
    });
  }
  return { intended, executed, clock };
}

describe('action faults', () => {
  it('action-delay: executed actions are the intended ones shifted by exactly `delay` steps (no-op before any arrives)', () => {
    const h = harness(
      relayConfig({ injections: [{ type: 'action-delay', agents: ['relay0'], delay: 3 }] }, { episodeLength: 40 }, scripted({ sequence: SEQUENCE })),
    );
    const r = record(h, 100);
    for (let t = 0; t < 100; t++) expect(r.executed[t]).toBe(r.clock[t]! < 3 ? 0 : r.intended[t - 3]);
    expect(r.clock.filter((c) => c === 0)).toHaveLength(3);
  });

  it('action-delay with a probability: a share p of steps execute a stale action, always one chosen within the last `delay` steps', () => {
    const h = harness(
      relayConfig(
        { injections: [{ type: 'action-delay', agents: ['relay0'], delay: 2, probability: 0.4 }] },
        { episodeLength: 1000 },
        scripted({ sequence: SEQUENCE }),
        1,
      ),
    );
    const r = record(h, 3000);
    for (let t = 2; t < 3000; t++) expect([r.intended[t], r.intended[t - 1], r.intended[t - 2]]).toContain(r.executed[t]);
    const late = (h.faults.summary().faults.actions as Record<string, Record<string, number>>).relay0!.late!;
    // An action is fresh only when it was punctual itself: P(late) = p.
    expect(withinBinomial(late, 3000, 0.4)).toBe(true);
  });

  it('dropout window: the fallback acts in [start, end) of every episode (noop, last-action, or a scripted policy)', () => {
    const run = (fallback: unknown) =>
      record(
        harness(
          relayConfig(
            { injections: [{ type: 'dropout', agents: ['relay0'], window: { start: 5, end: 8 }, fallback }] },
            { episodeLength: 20 },
            scripted({ sequence: SEQUENCE }),
          ),
        ),
        60,
      );
    const noop = run('noop');
    const last = run('last-action');
    const policy = run({ policy: { type: 'constant', params: { action: 1 } } });
    for (let t = 0; t < 60; t++) {
      const out = noop.clock[t]! >= 5 && noop.clock[t]! < 8;
      expect(noop.executed[t]).toBe(out ? 0 : noop.intended[t]);
      expect(last.executed[t]).toBe(out ? last.intended[t - (noop.clock[t]! - 4)] : last.intended[t]);
      expect(policy.executed[t]).toBe(out ? 1 : policy.intended[t]);
    }
  });

  it('dropout probability: the out rate lies in its binomial interval over many seeds; outages last `duration` steps; correlated outages hit all agents together', () => {
    let out = 0;
    let n = 0;
    for (let seed = 0; seed < 20; seed++) {
      const h = harness(relayConfig({ injections: [{ type: 'dropout', probability: 0.1 }] }, {}, scripted({ action: 1 }), 4), seed);
      for (let t = 0; t < 150; t++)
        h.step(() => {
          for (let i = 0; i < 3; i++) for (let b = 0; b < 4; b++) (n++, (out += h.engine.actions[i]![b] === 0 ? 1 : 0));
        });
    }
    expect(withinBinomial(out, n, 0.1)).toBe(true);

    const d = harness(
      relayConfig(
        { injections: [{ type: 'dropout', agents: ['relay1', 'relay2'], probability: 0.05, duration: 3, correlated: true }] },
        { episodeLength: 5000 },
        scripted({ action: 1 }),
        1,
      ),
    );
    const runs: number[] = [];
    let current = 0;
    for (let t = 0; t < 4000; t++)
      d.step(() => {
        const a1 = d.engine.actions[1]![0];
        expect(d.engine.actions[2]![0]).toBe(a1);
        expect(d.engine.actions[0]![0]).toBe(1);
        if (a1 === 0) current++;
        else if (current > 0) (runs.push(current), (current = 0));
      });
    expect(runs.length).toBeGreaterThan(50);
    for (const len of runs) expect(len % 3).toBe(0);
  });

  it('action-corruption: corrupts with the configured probability; invalid actions are rejected (no-op) or clamped, and counted', () => {
    const run = (mode: string, onInvalid: string) => {
      const h = harness(
        relayConfig({ injections: [{ type: 'action-corruption', agents: ['relay0'], probability: 0.3, mode, onInvalid }] }, {}, scripted({ action: 1 }), 4),
      );
      let holds = 0;
      for (let t = 0; t < 1000; t++)
        h.step(() => {
          for (let b = 0; b < 4; b++) {
            expect(contains(h.world.actionSpaces[0]!, h.engine.actions[0]!, b)).toBe(true);
            holds += h.engine.actions[0]![b] === 0 ? 1 : 0;
          }
        });
      return { holds, stats: (h.faults.summary().faults.actions as Record<string, Record<string, number>>).relay0! };
    };
    const reject = run('out-of-range', 'reject');
    expect(withinBinomial(reject.stats.corrupted!, 4000, 0.3)).toBe(true);
    expect(reject.stats).toMatchObject({ invalid: reject.stats.corrupted, rejected: reject.stats.corrupted, clamped: 0 });
    expect(reject.holds).toBe(reject.stats.rejected);
    const clamp = run('out-of-range', 'clamp');
    expect(clamp.stats).toMatchObject({ invalid: clamp.stats.corrupted, clamped: clamp.stats.corrupted, rejected: 0 });
    // Out of range downwards clamps to 0, upwards to 1: about half the corrupted actions become holds.
    expect(withinBinomial(clamp.holds, clamp.stats.corrupted!, 0.5)).toBe(true);
    const garbled = run('garbled', 'clamp');
    expect(garbled.stats.invalid).toBe(garbled.stats.corrupted);
    const random = run('random', 'reject');
    expect(random.stats).toMatchObject({ invalid: 0, rejected: 0 });
    expect(withinBinomial(random.holds, 4000, 0.15)).toBe(true);
  });
});
