/** Observation faults on relay-chain-v1 (slots: inbox, clock, position): each does exactly what it says. */
import { describe, expect, it } from 'vitest';
import { harness, relayConfig, withinBinomial } from './harness.js';

const INBOX = 0;
const CLOCK = 1;
const SIZE = 3;

describe('observation faults', () => {
  it('stale-observation: the agent sees the world exactly `delay` steps late (the first observation at episode start)', () => {
    const h = harness(relayConfig({ injections: [{ type: 'stale-observation', agents: ['relay1'], delay: 3, fields: ['clock'] }] }, { arrivalRate: 0.6 }));
    let endings = 0;
    for (let t = 0; t < 130; t++) {
      for (let b = 0; b < 2; b++) {
        const clock = h.engine.obs[1]![b * SIZE + CLOCK]!;
        expect(h.faults.obs[1]![b * SIZE + CLOCK]).toBe(Math.max(0, clock - 3));
        expect(h.faults.obs[1]![b * SIZE + INBOX]).toBe(h.engine.obs[1]![b * SIZE + INBOX]);
        expect(h.faults.obs[0]![b * SIZE + CLOCK]).toBe(clock);
      }
      const done = h.engine.episodesDone[0]!;
      h.step();
      if (h.engine.episodesDone[0]! > done) {
        endings++;
        // The episode's last observation, as the agent saw it: clock 50, three steps late.
        expect(h.faults.finalObs[1]![CLOCK]).toBe(47);
        expect(h.engine.finalObs[1]![CLOCK]).toBe(50);
      }
    }
    expect(endings).toBe(2);
  });

  it('stale-observation without fields delays the whole observation, inbox included', () => {
    const h = harness(
      relayConfig({ injections: [{ type: 'stale-observation', agents: ['relay2'], delay: 2 }] }, { arrivalRate: 0.5, episodeLength: 1000 }, undefined, 1),
    );
    const inbox: number[] = [];
    for (let t = 0; t < 200; t++) {
      inbox.push(h.engine.obs[2]![INBOX]!);
      expect(h.faults.obs[2]![INBOX]).toBe(inbox[Math.max(0, t - 2)]);
      h.step();
    }
    expect(new Set(inbox).size).toBe(2);
  });

  it('observation-cadence: holds each value for `every` steps, refreshing at episode steps 0, k, 2k', () => {
    const h = harness(relayConfig({ injections: [{ type: 'observation-cadence', agents: ['relay'], every: 7, fields: ['clock'] }] }));
    for (let t = 0; t < 120; t++) {
      const clock = h.engine.obs[0]![CLOCK]!;
      for (let i = 0; i < 3; i++) expect(h.faults.obs[i]![CLOCK]).toBe(Math.floor(clock / 7) * 7);
      h.step();
    }
  });

  it('observation-noise: adds zero-mean Gaussian noise with the configured std (clip off), and stays in bounds with clip on', () => {
    const h = harness(relayConfig({ injections: [{ type: 'observation-noise', std: 2, fields: ['clock'], clip: false }] }, {}, undefined, 4));
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let t = 0; t < 1500; t++) {
      for (let i = 0; i < 3; i++)
        for (let b = 0; b < 4; b++) {
          const e = h.faults.obs[i]![b * SIZE + CLOCK]! - h.engine.obs[i]![b * SIZE + CLOCK]!;
          n++;
          sum += e;
          sq += e * e;
        }
      h.step();
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan((4 * 2) / Math.sqrt(n));
    expect(Math.abs(sd / 2 - 1)).toBeLessThan(4 / Math.sqrt(2 * n));
    const c = harness(relayConfig({ injections: [{ type: 'observation-noise', std: 5 }] }));
    for (let t = 0; t < 100; t++) {
      for (const v of c.faults.obs[0]!) expect(v >= 0 && v <= 50).toBe(true);
      c.step();
    }
  });

  it('drop-fields: each listed field is missing independently with the configured probability, showing the fill', () => {
    const h = harness(
      relayConfig({ injections: [{ type: 'drop-fields', agents: ['relay0'], fields: ['inbox', 'clock'], probability: 0.3, fill: 7 }] }, {}, undefined, 4),
    );
    let n = 0;
    let inbox = 0;
    let clock = 0;
    let both = 0;
    for (let t = 0; t < 2000; t++) {
      for (let b = 0; b < 4; b++) {
        const o = h.faults.obs[0]!;
        const di = o[b * SIZE + INBOX] === 7;
        const dc = o[b * SIZE + CLOCK] === 7 && h.engine.obs[0]![b * SIZE + CLOCK] !== 7;
        n++;
        inbox += di ? 1 : 0;
        clock += dc ? 1 : 0;
        both += di && dc ? 1 : 0;
        expect(o[b * SIZE + 2]).toBe(0);
      }
      h.step();
    }
    expect(withinBinomial(inbox, n, 0.3)).toBe(true);
    expect(withinBinomial(clock, n, 0.3)).toBe(true);
    expect(withinBinomial(both, n, 0.09)).toBe(true);
    const steps = (h.faults.summary().faults.steps as Record<string, Record<string, number>>).relay0!['drop-fields'];
    expect(withinBinomial(steps!, n, 1 - 0.7 * 0.7)).toBe(true);
  });

  it("drop-fields with fill 'last' shows the value the agent saw the step before", () => {
    const h = harness(
      relayConfig({ injections: [{ type: 'drop-fields', agents: ['relay0'], fields: ['clock'], probability: 0.5, fill: 'last' }] }, {}, undefined, 1),
    );
    let held = 0;
    let prevSeen = -1;
    for (let t = 0; t < 200; t++) {
      const seen = h.faults.obs[0]![CLOCK]!;
      const truth = h.engine.obs[0]![CLOCK]!;
      if (seen !== truth) {
        held++;
        expect(seen).toBe(truth === 0 ? 0 : prevSeen);
      }
      prevSeen = seen;
      h.step();
    }
    expect(held).toBeGreaterThan(50);
  });

  it('handoff: delays the named fields of `to` by exactly `delay` steps and loses them with probability `loss`, attributed to from→to', () => {
    const h = harness(
      relayConfig(
        { injections: [{ type: 'handoff', from: 'relay0', to: 'relay1', fields: ['inbox'], delay: 2 }] },
        { arrivalRate: 0.5, onHold: 'keep', episodeLength: 1000 },
        undefined,
        1,
      ),
    );
    const truth: number[] = [];
    for (let t = 0; t < 300; t++) {
      truth.push(h.engine.obs[1]![INBOX]!);
      expect(h.faults.obs[1]![INBOX]).toBe(truth[Math.max(0, t - 2)]);
      expect(h.faults.obs[1]![CLOCK]).toBe(t);
      expect(h.faults.obs[2]![INBOX]).toBe(h.engine.obs[2]![INBOX]);
      h.step();
    }
    const l = harness(
      relayConfig({ injections: [{ type: 'handoff', from: 'relay1', to: 'relay2', fields: ['inbox'], loss: 0.25, fill: 9 }] }, {}, undefined, 4),
    );
    let lost = 0;
    let n = 0;
    for (let t = 0; t < 2000; t++) {
      for (let b = 0; b < 4; b++) {
        n++;
        if (l.faults.obs[2]![b * SIZE + INBOX] === 9) lost++;
        expect(l.faults.obs[1]![b * SIZE + INBOX]).toBe(l.engine.obs[1]![b * SIZE + INBOX]);
      }
      l.step();
    }
    expect(withinBinomial(lost, n, 0.25)).toBe(true);
    const s = l.faults.summary().faults as { links: Record<string, { lost: number }>; steps: Record<string, Record<string, number>> };
    // The counters include the observation computed after the last step, which was never acted on.
    expect(Math.abs(s.links['relay1->relay2']!.lost - lost)).toBeLessThanOrEqual(4);
    expect(s.steps.relay1!['handoff-loss']).toBe(lost);
    expect(s.steps.relay2).toBeUndefined();
  });
});
