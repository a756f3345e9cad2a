/** The message–action dependence test on tables with known answers. */
import { describe, expect, it } from 'vitest';
import { channelParams, channelVerdict, chiSquareSf, dependenceTest, type DependenceTable } from '../../src/detectors/message-dependence.js';

const params = channelParams.parse({});
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
    const r = dependenceTest(table(1, 2, 2, [[0, 0, 0, 300], [0, 1, 1, 300]]), params);
    expect(r.information).toBeCloseTo(1, 12);
    expect(r.pValue).toBeLessThan(0.01);
    expect(channelVerdict([r], params)).toMatchObject({ outcome: 'fired', status: 'explicit' });
  });

  it('finds nothing when the action follows the stratum and the word only correlates with the stratum', () => {
    // Stratum 0: word 0 mostly, action 0 always; stratum 1: word 1 mostly, action 1 always.
    const r = dependenceTest(table(2, 2, 2, [[0, 0, 0, 900], [0, 1, 0, 100], [1, 1, 1, 900], [1, 0, 1, 100]]), params);
    expect(r.information).toBe(0);
    expect(channelVerdict([r], params)).toMatchObject({ outcome: 'untested', status: 'no-variation' });
    const noisy = dependenceTest(table(2, 2, 2, [[0, 0, 0, 450], [0, 0, 1, 450], [0, 1, 0, 50], [0, 1, 1, 50], [1, 1, 1, 450], [1, 1, 0, 450], [1, 0, 0, 50], [1, 0, 1, 50]]), params);
    expect(noisy.information).toBeCloseTo(0, 12);
    expect(channelVerdict([noisy], params)).toMatchObject({ outcome: 'clear', status: 'tacit' });
  });

  it('is untested without a channel or with too few words', () => {
    expect(channelVerdict(null, params)).toMatchObject({ outcome: 'untested', status: 'no-channel' });
    const few = dependenceTest(table(1, 2, 2, [[0, 0, 0, 500], [0, 1, 1, 20]]), params);
    expect(channelVerdict([few], params)).toMatchObject({ outcome: 'untested', status: 'too-few-messages' });
  });
});
