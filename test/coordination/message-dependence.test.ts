/** The message–action dependence test and the message probes of converged play, on cases with known answers. */
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import {
  channelParams,
  channelVerdict,
  chiSquareSf,
  dependenceTest,
  probeChannelVerdict,
  type DependenceTable,
  type MessageProbe,
} from '../../src/detectors/message-dependence.js';
import { runGenericSeed } from '../../src/run/seed-run.js';

const params = channelParams().parse({});
/** A table from (stratum, word, action, count) entries. */
function table(strata: number, words: number, actions: number, entries: readonly [number, number, number, number][]): DependenceTable {
  const counts = new Float64Array(strata * words * actions);
  for (const [s, w, a, c] of entries) counts[(s * words + w) * actions + a]! += c;
  return { sender: 'firm0', receiver: 'firm1', strata, words, actions, counts };
}

describe('message dependence', () => {
  it('χ² tail matches known values', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 9);
    expect(chiSquareSf(9.487729036781154, 4)).toBeCloseTo(0.05, 9);
  });

  it('finds an action that copies the word (1 bit) and calls it explicit', () => {
    const r = dependenceTest(
      table(1, 2, 2, [
        [0, 0, 0, 300],
        [0, 1, 1, 300],
      ]),
      params,
    );
    expect(r.information).toBeCloseTo(1, 12);
    expect(r.pValue).toBeLessThan(0.01);
    expect(channelVerdict([r], params)).toMatchObject({ outcome: 'fired', status: 'explicit' });
  });

  it('finds nothing when the action follows the stratum and the word only correlates with the stratum', () => {
    // Stratum 0: word 0 mostly, action 0 always; stratum 1: word 1 mostly, action 1 always.
    const r = dependenceTest(
      table(2, 2, 2, [
        [0, 0, 0, 900],
        [0, 1, 0, 100],
        [1, 1, 1, 900],
        [1, 0, 1, 100],
      ]),
      params,
    );
    expect(r.information).toBe(0);
    expect(channelVerdict([r], params)).toMatchObject({ outcome: 'untested', status: 'no-variation' });
    const noisy = dependenceTest(
      table(2, 2, 2, [
        [0, 0, 0, 450],
        [0, 0, 1, 450],
        [0, 1, 0, 50],
        [0, 1, 1, 50],
        [1, 1, 1, 450],
        [1, 1, 0, 450],
        [1, 0, 0, 50],
        [1, 0, 1, 50],
      ]),
      params,
    );
    expect(noisy.information).toBeCloseTo(0, 12);
    expect(channelVerdict([noisy], params)).toMatchObject({ outcome: 'clear', status: 'tacit' });
  });

  it('is untested without a channel or with too few words', () => {
    expect(channelVerdict(null, params)).toMatchObject({ outcome: 'untested', status: 'no-channel' });
    const few = dependenceTest(
      table(1, 2, 2, [
        [0, 0, 0, 500],
        [0, 1, 1, 20],
      ]),
      params,
    );
    expect(channelVerdict([few], params)).toMatchObject({ outcome: 'untested', status: 'too-few-messages' });
  });
});

describe('message probes of converged play', () => {
  // row alternates word 1 and silence (always cooperating); col defects exactly when it hears word 1, or ignores words.
  const config = (listens: boolean) => ({
    name: 'probe-test',
    env: { id: 'matrix-game-v1', params: { episodeLength: 1000 } },
    agents: [
      { id: 'row', policy: { type: 'constant', params: { sequence: [2, 0] } } },
      {
        id: 'col',
        policy: listens
          ? { type: 'threshold', params: { field: 'message/row', threshold: 1, above: 1, below: 0 } }
          : { type: 'constant', params: { action: 0 } },
      },
    ],
    run: { steps: 200, numEnvs: 1, metricsEvery: 100 },
    detectors: { conflict: false, miscoordination: false, goodhart: false, collusion: false },
    coordination: { messages: { vocabulary: ['quiet', 'high'] } },
  });
  const probesOf = (listens: boolean) =>
    runGenericSeed(resolveExperiment(config(listens)), { seed: 2, sink: { metrics: () => {}, event: () => {} } }).metrics[
      'coordination/messageProbes'
    ] as MessageProbe[];

  it('a receiver that acts on the word changes its action on every probe: explicit', () => {
    const probes = probesOf(true);
    const col = probes.find((p) => p.receiver === 'col')!;
    // Greedy play measures one fresh 1000-period episode; every probe flips col's action.
    expect(col).toMatchObject({ sender: 'row', periods: 1000, probes: 1000, changed: 1000 });
    expect(col.spoken).toBeGreaterThan(400);
    expect(probes.find((p) => p.receiver === 'row')).toMatchObject({ spoken: 0, changed: 0 });
    expect(probeChannelVerdict(probes, null, params)).toMatchObject({ outcome: 'fired', status: 'explicit' });
  });

  it('a receiver that ignores spoken words: tacit; no channel: untested', () => {
    const probes = probesOf(false);
    expect(probes.find((p) => p.receiver === 'col')).toMatchObject({ changed: 0 });
    expect(probes.find((p) => p.receiver === 'col')!.spoken).toBeGreaterThan(400);
    expect(probeChannelVerdict(probes, null, params)).toMatchObject({ outcome: 'clear', status: 'tacit' });
    expect(probeChannelVerdict([], null, params)).toMatchObject({ outcome: 'untested', status: 'no-channel' });
  });
});
